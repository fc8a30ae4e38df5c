import { Fragment } from 'react';
import type { FundSplitView, SaleView } from '../../../../app/shared/counter';
import { PAYMENT_LABELS } from '../../../../app/shared/receipt';
import { formatFen } from '../../format';
import type { FinishedSale } from '../../stores/counter';

const CERT_LABELS: Record<'01' | '02' | '03', string> = { '01': '医保电子凭证', '02': '身份证', '03': '社保卡' };

export function TotalsCard({
  sale,
  busy,
  onPay,
  payLabel,
}: {
  sale: SaleView;
  busy: string | null;
  onPay: () => void;
  payLabel: string;
}) {
  const qty = sale.lines.reduce((n, l) => n + l.qty, 0);
  const showDue = sale.state === 'settled';
  return (
    <section className="side-card totals-card" aria-label="合计" data-testid="totals">
      <div className="totals-row">
        <span>
          {sale.lines.length} 种 {qty} 件
        </span>
        <span className="state-label" data-testid="sale-state" data-state={sale.state}>
          {sale.stateLabel}
        </span>
      </div>
      <div className="total-big">
        <span>{showDue ? '应收现金' : '合计'}</span>
        <strong data-testid="sale-total">{formatFen(showDue ? sale.dueFen : sale.totalFen)}</strong>
      </div>
      {showDue ? (
        <div className="totals-row muted">
          <span>商品合计</span>
          <span>{formatFen(sale.totalFen)}</span>
        </div>
      ) : null}
      {sale.blockers.length > 0 && sale.lines.length > 0 ? (
        <ul className="blockers" data-testid="blockers" aria-label="还不能结算">
          {sale.blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      ) : null}
      <button
        type="button"
        className="btn btn-primary btn-large pay-button"
        onClick={onPay}
        disabled={Boolean(busy) || sale.lines.length === 0 || sale.blockers.length > 0}
        data-testid="pay-button"
      >
        {payLabel}
      </button>
      {busy ? (
        <div className="busy-line" role="status" data-testid="busy">
          {busy}
        </div>
      ) : null}
    </section>
  );
}

export function PersonCard({
  sale,
  onSelfPay,
  onNextInsutype,
  onToggleAccount,
}: {
  sale: SaleView;
  onSelfPay: () => void;
  onNextInsutype: () => void;
  onToggleAccount: () => void;
}) {
  const p = sale.person;
  const editable = sale.state === 'open' || sale.state === 'presettled';
  if (!p) {
    return (
      <section className="side-card person-card person-none" aria-label="参保人" data-testid="person">
        <div className="side-title">自费</div>
        <p className="muted small">
          医保顾客：<kbd>F6</kbd> 读身份证、<kbd>F7</kbd> 电子凭证、<kbd>F8</kbd> 社保卡。
        </p>
      </section>
    );
  }
  const chosen = p.insutypes.find((i) => i.insutype === p.chosenInsutype);
  return (
    <section className="side-card person-card" aria-label="参保人" data-testid="person">
      <div className="side-title person-title">
        <span data-testid="person-name">{p.name}</span>
        <span className="muted small">
          {[p.gender, p.age !== null ? `${p.age}岁` : null].filter(Boolean).join(' ')}
        </span>
        <span className="badge">{CERT_LABELS[p.certType]}</span>
      </div>
      <div className="muted small mono">{p.certnoMasked}</div>
      <ul className="insutypes">
        {p.insutypes.map((i) => (
          <li
            key={i.insutype}
            className={i.insutype === p.chosenInsutype ? 'insutype chosen' : 'insutype'}
            data-testid="insutype"
            data-chosen={i.insutype === p.chosenInsutype}
          >
            <span>
              {i.insutype === p.chosenInsutype ? '✔ ' : ''}
              {i.label}
              {i.paused ? <span className="badge badge-danger">暂停</span> : null}
            </span>
            <span className="num">余额 {formatFen(i.balanceFen)}</span>
          </li>
        ))}
      </ul>
      <div className="person-actions">
        <label className="checkbox small">
          <input
            type="checkbox"
            checked={sale.acctUsed}
            disabled={!editable || !chosen}
            onChange={onToggleAccount}
            tabIndex={-1}
            data-testid="acct-used"
          />
          使用个人账户 <kbd>Alt+A</kbd>
        </label>
        {p.insutypes.length > 1 ? (
          <button type="button" className="btn btn-small" disabled={!editable} onClick={onNextInsutype} tabIndex={-1}>
            换险种 Alt+I
          </button>
        ) : null}
        <button
          type="button"
          className="btn btn-small"
          disabled={!editable}
          onClick={onSelfPay}
          tabIndex={-1}
          data-testid="self-pay"
        >
          自费 Alt+X
        </button>
      </div>
    </section>
  );
}

/** Shown in their own rows already; the center's other items follow them. */
const OWN_ROWS = new Set(['医疗费总额', '统筹基金支付', '个人账户支付', '个人现金支付', '现金支付', '个人账户余额']);

function SplitRows({ split }: { split: FundSplitView }) {
  const others = split.items.filter((i) => !OWN_ROWS.has(i.label) && i.fen !== 0);
  return (
    <dl className="split-list">
      <dt>医疗费总额</dt>
      <dd>{formatFen(split.medfeeFen)}</dd>
      <dt>统筹基金支付</dt>
      <dd data-testid="split-fund">{formatFen(split.fundFen)}</dd>
      <dt>个人账户支付</dt>
      <dd data-testid="split-account">{formatFen(split.accountFen)}</dd>
      {others.map((i) => (
        <Fragment key={i.label}>
          <dt>{i.label}</dt>
          <dd>{formatFen(i.fen)}</dd>
        </Fragment>
      ))}
      <dt className="split-cash">个人现金支付</dt>
      <dd className="split-cash" data-testid="split-cash">
        {formatFen(split.cashFen)}
      </dd>
      {split.balanceFen !== null ? (
        <>
          <dt>个人账户余额</dt>
          <dd>{formatFen(split.balanceFen)}</dd>
        </>
      ) : null}
    </dl>
  );
}

export function SplitCard({ sale }: { sale: SaleView }) {
  const split = sale.settlement ?? sale.presettle;
  if (!split) return null;
  const settled = sale.settlement !== null;
  return (
    <section
      className={settled ? 'side-card split-card settled' : 'side-card split-card'}
      aria-label="医保结算"
      data-testid="fund-split"
      data-settled={settled}
    >
      <div className="side-title">{settled ? '医保已结算' : '预结算结果'}</div>
      <SplitRows split={split} />
      {settled && split.setlId ? (
        <div className="small muted">
          结算号{' '}
          <span className="mono" data-testid="setl-id">
            {split.setlId}
          </span>
        </div>
      ) : null}
      {!settled ? (
        <div className="split-hint" data-testid="settle-hint">
          核对无误后按 <kbd>Enter</kbd> 或 <kbd>F9</kbd> 结算
        </div>
      ) : null}
    </section>
  );
}

export function FinishedCard({ finished, compact }: { finished: FinishedSale; compact: boolean }) {
  const s = finished.sale;
  const printState = finished.printing
    ? '正在打印小票…'
    : finished.print?.printed
      ? '小票已打印'
      : `小票未打印：${finished.print?.message ?? ''}`;
  const printOk = finished.printing || finished.print?.printed;
  return (
    <section className="side-card finished-card" aria-label="上一单" data-testid="finished">
      <div className="side-title">
        上一单已完成 <span className="muted small mono">{s.receiptNo}</span>
      </div>
      <div className="finished-money">
        <span>
          收 {formatFen(s.payments.reduce((n, p) => n + p.amountFen, 0))}
          <span className="muted small">
            （
            {s.payments.map((p) => `${PAYMENT_LABELS[p.method]} ${formatFen(p.amountFen)}`).join('，') ||
              '医保全额支付'}
            ）
          </span>
        </span>
        <strong className="change" data-testid="finished-change">
          找零 {formatFen(s.changeFen)}
        </strong>
      </div>
      <div className={printOk ? 'print-state small' : 'print-state print-failed'} data-testid="print-state">
        {printState}
        {!finished.printing ? '（F12 重打）' : ''}
      </div>
      {!compact && finished.receipt ? (
        <pre
          className={`receipt-preview receipt-${finished.receipt.paperWidth}`}
          data-testid="receipt-preview"
          aria-label="小票预览"
        >
          {finished.receipt.lines.map((l, i) => (
            <span key={i} className={[l.bold ? 'r-bold' : '', l.double ? 'r-double' : ''].join(' ')}>
              {l.text}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : null}
      {finished.receiptError ? <div className="error-message">{finished.receiptError}</div> : null}
    </section>
  );
}
