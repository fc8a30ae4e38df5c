import { useEffect, useState, type KeyboardEvent } from 'react';
import { CallErrorMessage } from '../../../components/CallError';
import { Modal } from '../../../components/Modal';
import type { RegisterScan } from '../dialogs';
import { useIgnoreScans } from './ShiftDialog';
import * as afterSale from '../../../stores/afterSale';
import { readPeriod, todaySoFar, useAfterSaleStore } from '../../../stores/afterSale';

/** The first day of this month (Beijing time) to now: the register is usually checked by the month. */
function thisMonth(): { from: string; to: string } {
  const t = todaySoFar();
  return { from: `${t.from.slice(0, 8)}01 00:00`, to: t.to };
}

/**
 * 含特殊药品复方制剂销售登记 for a period: buyers masked on screen; the export (for the regulator's
 * inspection) holds the full values and is written to the data folder.
 */
export function RegisterDialog({ onClose, registerScan }: { onClose: () => void; registerScan: RegisterScan }) {
  useIgnoreScans(registerScan);
  const [initial] = useState(thisMonth);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const register = useAfterSaleStore((s) => s.register);
  const busy = useAfterSaleStore((s) => s.registerBusy);
  const failure = useAfterSaleStore((s) => s.registerFailure);
  const [exported, setExported] = useState<string | null>(null);

  async function run(exportFile: boolean) {
    const p = readPeriod(from, to);
    if (!p.ok) return afterSale.registerFailed(p.message);
    await afterSale.loadRegister(p.from, p.to, exportFile);
    const r = useAfterSaleStore.getState().register;
    setExported(exportFile ? (r?.exportedTo ?? null) : null);
  }

  useEffect(() => {
    const p = readPeriod(initial.from, initial.to);
    if (p.ok) void afterSale.loadRegister(p.from, p.to, false);
  }, [initial]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'F12') {
      e.preventDefault();
      void run(true);
    }
  }

  const rows = register?.rows ?? [];
  return (
    <Modal title="含特殊药品复方制剂销售登记" onClose={onClose} testId="register-dialog" wide>
      <div onKeyDown={onKeyDown}>
        <form
          className="period-bar"
          onSubmit={(e) => {
            e.preventDefault();
            void run(false);
          }}
        >
          <label className="period-field">
            <span>从</span>
            <input
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-autofocus
              autoComplete="off"
              data-testid="register-from"
            />
          </label>
          <label className="period-field">
            <span>到</span>
            <input value={to} onChange={(e) => setTo(e.target.value)} autoComplete="off" data-testid="register-to" />
          </label>
          <span className="muted small">北京时间</span>
          <button type="submit" className="btn" disabled={Boolean(busy)} data-testid="register-query">
            查询 Enter
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={Boolean(busy)}
            onClick={() => void run(true)}
            data-testid="register-export"
          >
            导出 CSV F12
          </button>
        </form>
        <p className="muted small">屏幕上购买人信息已脱敏；导出的文件含完整姓名和身份证号，供药监检查，请妥善保管。</p>
        {register && rows.length === 0 ? (
          <p className="muted" data-testid="register-empty">
            本时段没有含特殊药品复方制剂的销售。
          </p>
        ) : null}
        {rows.length > 0 ? (
          <div className="register-table-wrap">
            <table className="table table-dense register-table" data-testid="register-table">
              <thead>
                <tr>
                  <th>销售时间</th>
                  <th>小票号</th>
                  <th>药品及数量</th>
                  <th className="num">最小包装</th>
                  <th>购买人</th>
                  <th>身份证号</th>
                  <th>核验</th>
                  <th>收银员</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.saleId} data-testid="register-row">
                    <td className="nowrap">{r.soldAt}</td>
                    <td className="mono nowrap">{r.receiptNo}</td>
                    <td>{r.products}</td>
                    <td className="num">{r.packages}</td>
                    <td className="nowrap" data-col="buyer">
                      {r.buyerName}
                    </td>
                    <td className="mono nowrap" data-col="idno">
                      {r.buyerIdNo}
                    </td>
                    <td className="nowrap">{r.idSource}</td>
                    <td className="nowrap">{r.operator}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {register ? (
          <p className="small" data-testid="register-count">
            共 {rows.length} 笔
          </p>
        ) : null}
        {busy ? (
          <p className="refund-busy" role="status">
            {busy}
          </p>
        ) : null}
        {exported ? (
          <div className="print-outcome print-ok" role="status" data-testid="register-exported">
            已导出 {rows.length} 笔到：<span className="mono path-text">{exported}</span>
          </div>
        ) : null}
        <CallErrorMessage failure={failure} />
        <p className="muted small">
          <kbd>Enter</kbd> 查询，<kbd>F12</kbd> 导出，<kbd>Esc</kbd> 关闭。
        </p>
      </div>
    </Modal>
  );
}
