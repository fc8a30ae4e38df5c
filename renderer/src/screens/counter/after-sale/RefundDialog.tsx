import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SaleView } from '../../../../../app/shared/counter';
import { CallErrorMessage } from '../../../components/CallError';
import { Modal } from '../../../components/Modal';
import { formatFen } from '../../../format';
import * as afterSale from '../../../stores/afterSale';
import { formatBeijing, paymentLabel, refundPlan, useAfterSaleStore } from '../../../stores/afterSale';
import type { RegisterScan } from '../dialogs';
import { PickList } from '../PickList';

/**
 * 退货, for a manager: find the sale, tick what comes back (everything by default), read what will
 * happen, confirm, then read what to hand back. An insurance settlement is cancelled whole: keeping some
 * lines means a new cart that is settled again, and the dialog says so before and after.
 */
export function RefundDialog({
  onClose,
  onOpenKept,
  registerScan,
}: {
  onClose: () => void;
  onOpenKept: () => void;
  registerScan: RegisterScan;
}) {
  const step = useAfterSaleStore((s) => s.step);
  const busy = useAfterSaleStore((s) => s.busy);
  const failure = useAfterSaleStore((s) => s.failure);

  useEffect(() => {
    afterSale.startRefund();
  }, []);

  // the receipt's barcode scanned: look it up (a scan must never reach the cart behind this dialog)
  useEffect(() => {
    registerScan((code) => {
      const s = useAfterSaleStore.getState();
      if (s.step !== 'find' || s.busy) return;
      afterSale.setRefundQuery(code.trim());
      void afterSale.findSales();
    });
    return () => registerScan(null);
  }, [registerScan]);

  // Esc goes back one step; from the first and the last it closes
  function onEsc() {
    if (busy) return;
    if (step === 'lines') afterSale.backToFind();
    else if (step === 'confirm') afterSale.backToLines();
    else onClose();
  }

  const titles: Record<afterSale.RefundStep, string> = {
    find: '退货：查找销售单',
    lines: '退货：勾选要退的商品',
    confirm: '退货：确认',
    done: '退货完成',
  };

  return (
    <Modal title={titles[step]} onClose={onEsc} testId="refund-dialog" wide>
      <div className="refund-steps small" aria-hidden="true">
        {(['find', 'lines', 'confirm', 'done'] as const).map((s, i) => (
          <span key={s} className={s === step ? 'refund-step active' : 'refund-step'}>
            {i + 1}. {['查找', '勾选商品', '确认', '完成'][i]}
          </span>
        ))}
      </div>
      {step === 'find' ? <FindStep /> : null}
      {step === 'lines' ? <LinesStep /> : null}
      {step === 'confirm' ? <ConfirmStep /> : null}
      {step === 'done' ? <DoneStep onClose={onClose} onOpenKept={onOpenKept} /> : null}
      {busy ? (
        <p className="refund-busy" role="status" data-testid="refund-busy">
          {busy}
        </p>
      ) : null}
      <CallErrorMessage failure={failure} />
    </Modal>
  );
}

function FindStep() {
  const query = useAfterSaleStore((s) => s.query);
  const found = useAfterSaleStore((s) => s.found);
  const busy = useAfterSaleStore((s) => s.busy);
  const inputRef = useRef<HTMLInputElement>(null);
  const listWrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);
  // several sales found: the keyboard goes to the list
  useEffect(() => {
    if (found && found.length > 1) listWrap.current?.querySelector<HTMLElement>('[role="listbox"]')?.focus();
  }, [found]);

  return (
    <div className="refund-find">
      <form
        className="refund-search"
        onSubmit={(e) => {
          e.preventDefault();
          void afterSale.findSales();
        }}
      >
        <input
          ref={inputRef}
          value={query}
          onChange={(e) => afterSale.setRefundQuery(e.target.value)}
          placeholder="小票号 / 医保结算ID / 顾客证件号"
          aria-label="小票号、结算ID或证件号"
          autoComplete="off"
          spellCheck={false}
          maxLength={60}
          data-testid="refund-query"
        />
        <button type="submit" className="btn btn-primary" disabled={Boolean(busy)}>
          查找 Enter
        </button>
      </form>
      <p className="muted small">
        可扫描小票上的条码，或输入小票号（如 S202603080001）、医保结算ID、顾客身份证号；<kbd>Esc</kbd> 关闭。
      </p>
      {found && found.length === 0 ? (
        <p className="muted" data-testid="refund-none">
          没有找到已完成的销售单。请核对号码（只能退本店已收款完成的单）。
        </p>
      ) : null}
      {found && found.length > 0 ? (
        <div ref={listWrap}>
          <PickList
            items={found}
            getKey={(f) => f.id}
            label="找到的销售单"
            testId="refund-found"
            onPick={(f) => void afterSale.openFoundSale(f)}
            render={(f) => (
              <div className="pick-row">
                <span className="pick-main mono">{f.receiptNo}</span>
                <span>{formatBeijing(new Date(f.completedAt))}</span>
                <span className={f.insured ? 'sale-kind sale-kind-insured' : 'sale-kind'}>
                  {f.insured ? '医保' : '自费'}
                </span>
                <span className="num">{formatFen(f.totalFen)}</span>
                {f.refunded ? <strong>已全部退货</strong> : null}
              </div>
            )}
          />
          <p className="muted small">
            <kbd>↑</kbd>
            <kbd>↓</kbd> 选择，<kbd>Enter</kbd> 打开，<kbd>Esc</kbd> 关闭。
          </p>
        </div>
      ) : null}
    </div>
  );
}

function SaleHeader({ sale }: { sale: SaleView }) {
  const found = useAfterSaleStore((s) => s.foundSale);
  const insured = sale.settlement !== null;
  return (
    <div className="refund-sale" data-testid="refund-sale">
      <span>
        小票 <strong className="mono">{sale.receiptNo}</strong>
      </span>
      {found ? <span>{formatBeijing(new Date(found.completedAt))}</span> : null}
      <span className={insured ? 'sale-kind sale-kind-insured' : 'sale-kind'}>{insured ? '医保结算' : '自费'}</span>
      {sale.person ? (
        <span>
          {sale.person.name} {sale.person.certnoMasked}
        </span>
      ) : null}
      <span>
        合计 <strong>{formatFen(sale.totalFen)}</strong>
      </span>
      {sale.settlement ? (
        <span className="small muted">
          统筹 {formatFen(sale.settlement.fundFen)} · 个人账户 {formatFen(sale.settlement.accountFen)} · 个人现金{' '}
          {formatFen(sale.settlement.cashFen)}
        </span>
      ) : null}
    </div>
  );
}

function LinesStep() {
  const sale = useAfterSaleStore((s) => s.sale);
  const returning = useAfterSaleStore((s) => s.returning);
  const [cursor, setCursor] = useState(0);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    ref.current?.focus();
  }, []);
  useEffect(() => {
    ref.current?.querySelector('tr[data-cursor="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);

  if (!sale) return null;
  const plan = refundPlan(sale, returning);
  const allTicked = returning.length === sale.lines.filter((l) => !l.returned).length;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (!sale) return;
    const line = sale.lines[cursor];
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        e.preventDefault();
        setCursor((c) => Math.max(0, Math.min(sale.lines.length - 1, c + (e.key === 'ArrowDown' ? 1 : -1))));
        break;
      case ' ':
        e.preventDefault();
        if (line) afterSale.toggleReturn(line.id);
        break;
      case 'a':
      case 'A':
        e.preventDefault();
        afterSale.setAllReturn(!allTicked);
        break;
      case 'Enter':
        e.preventDefault();
        afterSale.toConfirm();
        break;
    }
  }

  return (
    <div className="refund-lines">
      <SaleHeader sale={sale} />
      <div
        ref={ref}
        className="refund-table-wrap"
        tabIndex={0}
        role="grid"
        aria-label="销售单商品，空格勾选要退的商品"
        onKeyDown={onKeyDown}
        data-testid="refund-lines"
      >
        <table className="table table-dense refund-table">
          <thead>
            <tr>
              <th className="col-check">退</th>
              <th>商品</th>
              <th>批号</th>
              <th className="num">数量</th>
              <th className="num">金额</th>
            </tr>
          </thead>
          <tbody>
            {sale.lines.map((l, i) => {
              const ticked = returning.includes(l.id);
              return (
                <tr
                  key={l.id}
                  data-cursor={i === cursor}
                  data-returning={ticked}
                  className={[i === cursor ? 'refund-cursor' : '', ticked ? '' : 'refund-kept'].join(' ')}
                  onClick={() => {
                    setCursor(i);
                    afterSale.toggleReturn(l.id);
                    ref.current?.focus();
                  }}
                  data-testid="refund-line"
                >
                  <td className="col-check">
                    <input type="checkbox" checked={ticked} readOnly tabIndex={-1} aria-label={`退 ${l.name}`} />
                  </td>
                  <td>
                    <strong>{l.name}</strong> <span className="muted small">{l.spec}</span>
                    {l.returned ? <span className="badge muted small"> 已退</span> : null}
                  </td>
                  <td className="mono small">{l.batch?.batchNo ?? '—'}</td>
                  <td className="num">
                    {l.qty}
                    {l.unit}
                  </td>
                  <td className="num">{formatFen(l.amountFen)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <PlanBox sale={sale} plan={plan} />
      <div className="modal-actions">
        <button
          type="button"
          className="btn btn-primary btn-large"
          disabled={plan.problem !== null}
          onClick={() => afterSale.toConfirm()}
          data-testid="refund-next"
        >
          下一步：确认 Enter
        </button>
        <button type="button" className="btn" onClick={() => afterSale.setAllReturn(!allTicked)}>
          {allTicked ? '全不选 A' : '全选 A'}
        </button>
        <button type="button" className="btn" onClick={() => afterSale.backToFind()}>
          重新查找 Esc
        </button>
      </div>
      <p className="muted small">
        <kbd>↑</kbd>
        <kbd>↓</kbd> 选行，<kbd>空格</kbd> 勾选 / 取消，<kbd>A</kbd> 全选，<kbd>Enter</kbd> 下一步，
        <kbd>Esc</kbd> 返回。
      </p>
    </div>
  );
}

/** What will happen, in words, before anything is done. */
function PlanBox({ sale, plan }: { sale: SaleView; plan: afterSale.RefundPlan }) {
  if (plan.problem) {
    return (
      <div className="refund-plan refund-plan-problem" data-testid="refund-plan">
        {plan.problem}
      </div>
    );
  }
  const keptLines = sale.lines.filter((l) => plan.kept.includes(l.id));
  const back = plan.payback.reduce((n, p) => n + p.amountFen, 0);
  return (
    <div className={plan.newCart ? 'refund-plan refund-plan-warn' : 'refund-plan'} data-testid="refund-plan">
      {plan.insured ? (
        plan.newCart ? (
          <>
            <p className="refund-plan-lead" data-testid="refund-plan-lead">
              原医保结算将整单撤销，保留的商品放入新的销售单重新结算
            </p>
            <p>
              医保结算不能只退部分商品。确认后：整单撤销原结算（统筹 {formatFen(sale.settlement?.fundFen)}、个人账户{' '}
              {formatFen(sale.settlement?.accountFen)} 退回医保），全部商品退回库存；保留的{' '}
              {keptLines.map((l) => l.name).join('、')}{' '}
              放入一张新的销售单，需在收银台重新预结算（F9）、结算并收款。原单个人自付部分全额退还，新单另行收款。
            </p>
          </>
        ) : (
          <>
            <p className="refund-plan-lead" data-testid="refund-plan-lead">
              原医保结算将整单撤销，全部商品退货
            </p>
            <p>
              统筹 {formatFen(sale.settlement?.fundFen)}、个人账户 {formatFen(sale.settlement?.accountFen)}{' '}
              退回医保，商品退回库存。
            </p>
          </>
        )
      ) : (
        <p className="refund-plan-lead" data-testid="refund-plan-lead">
          退回 {plan.returning.length} 种商品（{formatFen(plan.goodsFen)}），商品退回库存
          {plan.kept.length ? `，其余 ${plan.kept.length} 种顾客保留` : ''}
        </p>
      )}
      <p>
        应退顾客 <strong data-testid="refund-plan-back">{formatFen(back)}</strong>
        {plan.payback.length
          ? `：${plan.payback.map((p) => `${paymentLabel(p.method)} ${formatFen(p.amountFen)}`).join('，')}`
          : ''}
        （微信、支付宝、银行卡原路退回，其余退现金）
      </p>
    </div>
  );
}

function ConfirmStep() {
  const sale = useAfterSaleStore((s) => s.sale);
  const returning = useAfterSaleStore((s) => s.returning);
  const busy = useAfterSaleStore((s) => s.busy);
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  if (!sale) return null;
  const plan = refundPlan(sale, returning);
  const returned = sale.lines.filter((l) => plan.returning.includes(l.id));
  const kept = sale.lines.filter((l) => plan.kept.includes(l.id));
  return (
    <div className="refund-confirm" data-testid="refund-confirm">
      <SaleHeader sale={sale} />
      <div className="refund-columns">
        <div>
          <h3 className="section-title">退货（{returned.length} 种）</h3>
          <ul className="refund-list" data-testid="refund-confirm-returned">
            {returned.map((l) => (
              <li key={l.id}>
                {l.name} ×{l.qty}
                {l.unit} <span className="num">{formatFen(l.amountFen)}</span>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="section-title">顾客保留（{kept.length} 种）</h3>
          {kept.length ? (
            <ul className="refund-list" data-testid="refund-confirm-kept">
              {kept.map((l) => (
                <li key={l.id}>
                  {l.name} ×{l.qty}
                  {l.unit} <span className="num">{formatFen(l.amountFen)}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">无</p>
          )}
        </div>
      </div>
      <PlanBox sale={sale} plan={plan} />
      <div className="modal-actions">
        <button
          ref={ref}
          type="button"
          className="btn btn-danger btn-large"
          disabled={Boolean(busy)}
          onClick={() => void afterSale.confirmRefund()}
          data-testid="refund-confirm-ok"
        >
          {busy ? '正在办理…' : plan.insured ? '确认撤销结算并退货 Enter' : '确认退货 Enter'}
        </button>
        <button type="button" className="btn" disabled={Boolean(busy)} onClick={() => afterSale.backToLines()}>
          返回修改 Esc
        </button>
      </div>
    </div>
  );
}

function DoneStep({ onClose, onOpenKept }: { onClose: () => void; onOpenKept: () => void }) {
  const outcome = useAfterSaleStore((s) => s.outcome);
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  if (!outcome) return null;
  const back = outcome.payback.reduce((n, p) => n + p.amountFen, 0);
  return (
    <div className="refund-done" data-testid="refund-done">
      <p className="refund-outcome" role="status" data-testid="refund-message">
        {outcome.message}
      </p>
      <h3 className="section-title">请退给顾客</h3>
      <table className="table refund-payback" data-testid="refund-payback">
        <tbody>
          {outcome.payback.map((p) => (
            <tr key={p.method} data-method={p.method}>
              <th>{paymentLabel(p.method)}</th>
              <td className="num">{formatFen(p.amountFen)}</td>
            </tr>
          ))}
          <tr className="refund-payback-total">
            <th>合计</th>
            <td className="num" data-testid="refund-payback-total">
              {formatFen(back)}
            </td>
          </tr>
        </tbody>
      </table>
      {outcome.keptSaleId !== null ? (
        <div className="refund-plan refund-plan-warn" data-testid="refund-kept">
          <p className="refund-plan-lead">保留的商品已放入新的销售单，尚未收费</p>
          <p>请到收银台对新单预结算（F9）、结算（Enter）并收款。</p>
        </div>
      ) : null}
      <div className="modal-actions">
        {outcome.keptSaleId !== null ? (
          <button
            ref={ref}
            type="button"
            className="btn btn-primary btn-large"
            onClick={onOpenKept}
            data-testid="refund-open-kept"
          >
            到收银台打开新单 Enter
          </button>
        ) : null}
        <button
          ref={outcome.keptSaleId === null ? ref : undefined}
          type="button"
          className={outcome.keptSaleId === null ? 'btn btn-primary btn-large' : 'btn'}
          onClick={onClose}
          data-testid="refund-close"
        >
          {outcome.keptSaleId === null ? '完成 Enter' : '关闭 Esc'}
        </button>
      </div>
    </div>
  );
}
