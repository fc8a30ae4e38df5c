import { useEffect, useState, type KeyboardEvent } from 'react';
import type { ShiftReportView } from '../../../../../app/shared/counter';
import { CallErrorMessage } from '../../../components/CallError';
import { Modal } from '../../../components/Modal';
import type { RegisterScan } from '../dialogs';
import { formatFen } from '../../../format';
import * as afterSale from '../../../stores/afterSale';
import { formatBeijing, readPeriod, todaySoFar, useAfterSaleStore } from '../../../stores/afterSale';

type Row = ShiftReportView['operators'][number];
const METHODS = ['cash', 'wechat', 'alipay', 'bankcard'] as const;
const METHOD_HEAD: Record<(typeof METHODS)[number], string> = {
  cash: '现金',
  wechat: '微信',
  alipay: '支付宝',
  bankcard: '银行卡',
};

function sumRows(rows: readonly Row[]): Row {
  const t: Row = {
    operatorId: 0,
    operator: '合计',
    sales: 0,
    refunds: 0,
    totalFen: 0,
    fundFen: 0,
    accountFen: 0,
    byMethod: { cash: 0, wechat: 0, alipay: 0, bankcard: 0 },
    changeFen: 0,
  };
  for (const r of rows) {
    t.sales += r.sales;
    t.refunds += r.refunds;
    t.totalFen += r.totalFen;
    t.fundFen += r.fundFen;
    t.accountFen += r.accountFen;
    t.changeFen += r.changeFen;
    for (const m of METHODS) t.byMethod[m] += r.byMethod[m];
  }
  return t;
}

/** The money in the drawer and elsewhere: everything but the insurance fund and account parts. */
const collected = (r: Row) => METHODS.reduce((n, m) => n + r.byMethod[m], 0);

/**
 * 交班: what each operator took in a period (today so far by default, Beijing time), checked against
 * itself (合计 = 统筹 + 个人账户 + 收款), and printed on the receipt printer for the drawer count.
 */
export function ShiftDialog({
  onClose,
  everyone,
  registerScan,
}: {
  onClose: () => void;
  everyone: boolean;
  registerScan: RegisterScan;
}) {
  useIgnoreScans(registerScan);
  const [initial] = useState(todaySoFar);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const report = useAfterSaleStore((s) => s.shift);
  const busy = useAfterSaleStore((s) => s.shiftBusy);
  const failure = useAfterSaleStore((s) => s.shiftFailure);

  function run(print: boolean) {
    const p = readPeriod(from, to);
    if (!p.ok) return afterSale.shiftFailed(p.message);
    void afterSale.loadShift(p.from, p.to, print);
  }

  useEffect(() => {
    const p = readPeriod(initial.from, initial.to);
    if (p.ok) void afterSale.loadShift(p.from, p.to, false);
  }, [initial]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'F12' || (e.altKey && e.code === 'KeyP')) {
      e.preventDefault();
      run(true);
    }
  }

  const rows = report?.operators ?? [];
  const total = sumRows(rows);
  const diff = total.totalFen - total.fundFen - total.accountFen - collected(total);

  return (
    <Modal
      title={everyone ? '交班报表（全部收银员）' : '交班报表（本人）'}
      onClose={onClose}
      testId="shift-dialog"
      wide
    >
      <div onKeyDown={onKeyDown}>
        <form
          className="period-bar"
          onSubmit={(e) => {
            e.preventDefault();
            run(false);
          }}
        >
          <label className="period-field">
            <span>从</span>
            <input
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-autofocus
              autoComplete="off"
              data-testid="shift-from"
            />
          </label>
          <label className="period-field">
            <span>到</span>
            <input value={to} onChange={(e) => setTo(e.target.value)} autoComplete="off" data-testid="shift-to" />
          </label>
          <span className="muted small">北京时间</span>
          <button type="submit" className="btn" disabled={Boolean(busy)} data-testid="shift-query">
            统计 Enter
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={Boolean(busy)}
            onClick={() => run(true)}
            data-testid="shift-print"
          >
            打印 F12
          </button>
        </form>
        {report ? (
          <p className="muted small" data-testid="shift-period">
            统计时段 {formatBeijing(new Date(report.from))} 至 {formatBeijing(new Date(report.to))}
            ；金额为销售减去退货后的净额
            {everyone ? '' : '（收银员只能看本人的交班数据）'}
          </p>
        ) : null}
        {report && rows.length === 0 ? (
          <p className="muted" data-testid="shift-empty">
            本时段没有销售或退货。
          </p>
        ) : null}
        {rows.length > 0 ? (
          <div className="shift-table-wrap">
            <table className="table table-dense shift-table" data-testid="shift-table">
              <thead>
                <tr>
                  <th>收银员</th>
                  <th className="num">销售笔数</th>
                  <th className="num">退货笔数</th>
                  <th className="num">合计</th>
                  <th className="num">医保统筹</th>
                  <th className="num">个人账户</th>
                  {METHODS.map((m) => (
                    <th key={m} className="num">
                      {METHOD_HEAD[m]}
                      {m === 'cash' ? <span className="th-note">（已扣找零）</span> : null}
                    </th>
                  ))}
                  <th className="num">找零</th>
                </tr>
              </thead>
              <tbody>
                {[...rows, ...(rows.length > 1 ? [total] : [])].map((r) => (
                  <tr
                    key={r.operatorId}
                    className={r.operatorId === 0 ? 'shift-total' : ''}
                    data-testid={r.operatorId === 0 ? 'shift-total' : 'shift-row'}
                    data-operator={r.operator}
                  >
                    <th>{r.operator}</th>
                    <td className="num" data-col="sales">
                      {r.sales}
                    </td>
                    <td className="num" data-col="refunds">
                      {r.refunds}
                    </td>
                    <td className="num" data-col="total">
                      {formatFen(r.totalFen)}
                    </td>
                    <td className="num" data-col="fund">
                      {formatFen(r.fundFen)}
                    </td>
                    <td className="num" data-col="account">
                      {formatFen(r.accountFen)}
                    </td>
                    {METHODS.map((m) => (
                      <td key={m} className="num" data-col={m}>
                        {formatFen(r.byMethod[m])}
                      </td>
                    ))}
                    <td className="num" data-col="change">
                      {formatFen(r.changeFen)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {rows.length > 0 ? (
          <div className={diff === 0 ? 'shift-check' : 'shift-check shift-check-off'} data-testid="shift-check">
            {diff === 0
              ? `核对无误：合计 ${formatFen(total.totalFen)} = 统筹 ${formatFen(total.fundFen)} + 个人账户 ${formatFen(total.accountFen)} + 实收 ${formatFen(collected(total))}`
              : `合计与 统筹 + 个人账户 + 实收 相差 ${formatFen(diff)}（可能含其他医保基金支付，请核对结算单）`}
            <div className="small">
              钱箱应有现金 <strong data-testid="shift-cash">{formatFen(total.byMethod.cash)}</strong>
              （收到的现金减去找零和现金退款，不含备用金）
            </div>
          </div>
        ) : null}
        {busy ? (
          <p className="refund-busy" role="status">
            {busy}
          </p>
        ) : null}
        {report?.printed ? (
          <div
            className={report.printed.printed ? 'print-outcome print-ok' : 'print-outcome print-failed'}
            role="status"
            data-testid="shift-printed"
          >
            {report.printed.printed ? '交班报表已打印' : `未能打印：${report.printed.message ?? '请检查打印机'}`}
          </div>
        ) : null}
        <CallErrorMessage failure={failure} />
        <p className="muted small">
          时间写成 2026-03-08 14:30 或只写日期；<kbd>Enter</kbd> 统计，<kbd>F12</kbd> 打印，<kbd>Esc</kbd> 关闭。
        </p>
      </div>
    </Modal>
  );
}

/** A scan while a report is open is not for the cart behind it: dropped. */
export function useIgnoreScans(registerScan: RegisterScan): void {
  useEffect(() => {
    registerScan(() => undefined);
    return () => registerScan(null);
  }, [registerScan]);
}
