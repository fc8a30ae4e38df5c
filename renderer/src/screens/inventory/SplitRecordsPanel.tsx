import { useEffect, useState, type FormEvent } from 'react';
import type { SplitRecordView } from '../../../../app/shared/inventory';
import { call, toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { formatDateTime, formatFen } from '../../format';
import { DateInput } from './parts';
import { daysAgoLocal, parseDateText, todayLocal } from './util';

/** 拆零销售记录 (GSP): what was sold out of an opened box, by day. */
export function SplitRecordsPanel() {
  const [from, setFrom] = useState(todayLocal);
  const [to, setTo] = useState(todayLocal);
  const [rows, setRows] = useState<SplitRecordView[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function load(range: { from: string; to: string }) {
    const f = parseDateText(range.from);
    const t = parseDateText(range.to);
    if (!f.ok || !f.date || !t.ok || !t.date) {
      setFailure({ code: 'INVALID_INPUT', message: '请填写开始和结束日期（YYYY-MM-DD）', fields: [] });
      return;
    }
    if (f.date > t.date) {
      setFailure({ code: 'INVALID_INPUT', message: '开始日期不能晚于结束日期', fields: [] });
      return;
    }
    setLoading(true);
    setFailure(null);
    try {
      setRows(await call('stock.splitRecords', { from: f.date, to: t.date }));
    } catch (e) {
      setFailure(toFailure(e));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    let live = true;
    const today = todayLocal();
    call('stock.splitRecords', { from: today, to: today })
      .then((r) => {
        if (live) setRows(r);
      })
      .catch((e: unknown) => {
        if (live) setFailure(toFailure(e));
      });
    return () => {
      live = false;
    };
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    void load({ from, to });
  }

  function quick(days: number) {
    const range = { from: daysAgoLocal(days - 1), to: todayLocal() };
    setFrom(range.from);
    setTo(range.to);
    void load(range);
  }

  const totalFen = (rows ?? []).reduce((sum, r) => sum + r.amountFen, 0);
  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>拆零销售记录</h2>
      </div>
      <form className="filter-bar" onSubmit={submit} aria-label="按日期查询拆零记录">
        <label>
          从
          <DateInput label="开始日期" value={from} onChange={setFrom} testId="split-from" />
        </label>
        <label>
          到
          <DateInput label="结束日期" value={to} onChange={setTo} testId="split-to" />
        </label>
        <div className="filter-actions">
          <button type="button" className="btn" onClick={() => quick(1)}>
            今天
          </button>
          <button type="button" className="btn" onClick={() => quick(7)}>
            近 7 天
          </button>
          <button type="button" className="btn" onClick={() => quick(30)}>
            近 30 天
          </button>
          <button type="submit" className="btn btn-primary" disabled={loading} data-testid="split-search">
            查询
          </button>
        </div>
      </form>
      <CallErrorMessage failure={failure} />
      {rows ? (
        <p className="muted" data-testid="split-total">
          共 {rows.length} 笔，金额合计 {formatFen(totalFen)}
        </p>
      ) : null}
      <table className="table table-dense split-table" data-testid="split-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-time">时间</th>
            <th className="col-receipt">小票号</th>
            <th>商品</th>
            <th className="col-batch">批号</th>
            <th className="num col-qty">数量</th>
            <th className="num col-price">金额</th>
            <th className="col-op">操作员</th>
          </tr>
        </thead>
        <tbody>
          {(rows ?? []).map((r, i) => (
            <tr key={`${r.saleId}-${i}`} data-testid="split-row">
              <td className="mono small">{formatDateTime(r.at)}</td>
              <td className="mono small">{r.receiptNo ?? '—'}</td>
              <td>{r.productName}</td>
              <td className="mono">{r.batchNo ?? '—'}</td>
              <td className="num nowrap">
                {r.qty}
                {r.unit}
              </td>
              <td className="num">{formatFen(r.amountFen)}</td>
              <td>{r.operatorName}</td>
            </tr>
          ))}
          {rows && rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                这段时间没有拆零销售
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
