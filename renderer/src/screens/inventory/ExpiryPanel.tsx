import { Fragment, useEffect } from 'react';
import { formatQty, type BatchView } from '../../../../app/shared/inventory';
import { CallErrorMessage } from '../../components/CallError';
import { loadExpiry, useExpiryStore } from '../../stores/inventory';
import { ExpiryText, monthsText } from './parts';

/** Batches grouped by the month they expire in, the soonest first. */
function byMonth(rows: readonly BatchView[]): [string, BatchView[]][] {
  const groups = new Map<string, BatchView[]>();
  for (const b of rows) {
    const month = b.expiryDate.slice(0, 7);
    const list = groups.get(month);
    if (list) list.push(b);
    else groups.set(month, [b]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function monthTitle(month: string): string {
  const [y, m] = month.split('-');
  return `${y} 年 ${Number(m)} 月到期`;
}

export function ExpiryPanel() {
  const near = useExpiryStore((s) => s.near);
  const nearTotal = useExpiryStore((s) => s.nearTotal);
  const expired = useExpiryStore((s) => s.expired);
  const expiredTotal = useExpiryStore((s) => s.expiredTotal);
  const months = useExpiryStore((s) => s.months);
  const loaded = useExpiryStore((s) => s.loaded);
  const loading = useExpiryStore((s) => s.loading);
  const error = useExpiryStore((s) => s.error);

  useEffect(() => {
    void loadExpiry();
  }, []);

  const groups = byMonth(near);
  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>近效期药品（GSP）</h2>
        <button type="button" className="btn" onClick={() => void loadExpiry()} disabled={loading}>
          刷新
        </button>
      </div>
      <p className="muted" data-testid="expiry-note">
        {months !== null ? (
          <>
            有效期不足 <strong>{months}</strong> 个月的批次列为近效期，请优先销售或联系供应商处理。
          </>
        ) : (
          '有效期临近的批次，请优先销售或联系供应商处理。'
        )}
        近效期月数在 <strong>设置 → 基本设置 → GSP 规则</strong> 中设置。已过期的批次系统自动锁定，禁止销售。
      </p>
      <CallErrorMessage failure={error} />
      <div className="expiry-summary">
        <span className="badge stock-expired">已过期 {expiredTotal} 批</span>
        <span className="badge stock-near">近效期 {nearTotal} 批</span>
        {nearTotal > near.length || expiredTotal > expired.length ? (
          <span className="muted small">只显示前 500 批，其余请在“批次库存”中按状态查询</span>
        ) : null}
      </div>
      <table className="table table-dense expiry-table" data-testid="expiry-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-date">有效期至</th>
            <th className="col-months num">剩余月数</th>
            <th className="col-code">商品编码</th>
            <th className="col-name">名称</th>
            <th className="col-spec">规格</th>
            <th className="col-batch">批号</th>
            <th className="col-qty num">库存</th>
            <th className="col-supplier">供应商</th>
            <th className="col-status">处理</th>
          </tr>
        </thead>
        <tbody>
          {expired.length > 0 ? (
            <tr className="group-row group-expired">
              <th colSpan={9}>已过期（{expired.length} 批）</th>
            </tr>
          ) : null}
          {expired.map((b) => (
            <ExpiryRow key={b.id} batch={b} />
          ))}
          {groups.map(([month, list]) => (
            <Fragment key={month}>
              <tr className="group-row">
                <th colSpan={9}>
                  {monthTitle(month)}（{list.length} 批）
                </th>
              </tr>
              {list.map((b) => (
                <ExpiryRow key={b.id} batch={b} />
              ))}
            </Fragment>
          ))}
          {loaded && near.length === 0 && expired.length === 0 ? (
            <tr>
              <td colSpan={9} className="muted">
                没有近效期或已过期的批次
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function ExpiryRow({ batch: b }: { batch: BatchView }) {
  const expired = b.status === 'expired' || b.monthsLeft < 0;
  return (
    <tr className={expired ? 'row-expired' : undefined} data-testid="expiry-row" data-status={b.status}>
      <td className="small">
        <ExpiryText batch={b} />
      </td>
      <td className={expired ? 'num text-danger' : 'num'}>{monthsText(b.monthsLeft)}</td>
      <td className="mono small cell-ellipsis">{b.productCode}</td>
      <td className="cell-ellipsis" title={b.productName}>
        {b.productName}
      </td>
      <td className="small cell-ellipsis">{b.spec ?? '—'}</td>
      <td className="mono cell-ellipsis">{b.batchNo}</td>
      <td className="num nowrap">{formatQty(b.qtyBase, b)}</td>
      <td className="small cell-ellipsis">{b.supplier ?? '—'}</td>
      <td>
        {expired ? (
          <span className="badge stock-expired" data-testid="expired-tag">
            已锁定禁售
          </span>
        ) : b.locked ? (
          <span className="badge stock-locked">已锁定</span>
        ) : (
          <span className="badge stock-near">优先销售</span>
        )}
      </td>
    </tr>
  );
}
