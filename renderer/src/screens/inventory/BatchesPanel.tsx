import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { formatQty, type BatchView } from '../../../../app/shared/inventory';
import { canUse } from '../../access';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { Modal } from '../../components/Modal';
import { formatDateTime, formatFen } from '../../format';
import {
  loadBatches,
  selectBatch,
  setBatchFilters,
  setBatchLocked,
  useBatchesStore,
  type BatchSort,
  type BatchStatusFilter,
} from '../../stores/inventory';
import { useSessionStore } from '../../stores/session';
import { showToast } from '../../stores/toast';
import { BATCH_SORTS, BATCH_STATUS_FILTERS } from './labels';
import { BatchStatusBadge, ExpiryText, monthsText } from './parts';
import { Pager } from '../../components/Pager';

export function BatchesPanel() {
  const rows = useBatchesStore((s) => s.rows);
  const total = useBatchesStore((s) => s.total);
  const page = useBatchesStore((s) => s.page);
  const pageSize = useBatchesStore((s) => s.pageSize);
  const filters = useBatchesStore((s) => s.filters);
  const months = useBatchesStore((s) => s.months);
  const loading = useBatchesStore((s) => s.loading);
  const loaded = useBatchesStore((s) => s.loaded);
  const error = useBatchesStore((s) => s.error);
  const selectedId = useBatchesStore((s) => s.selectedId);
  const canLock = canUse(
    'stock.setLocked',
    useSessionStore((s) => s.operator?.roles),
  );
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const selected = rows.find((r) => r.id === selectedId) ?? null;
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const tabStop = Math.min(activeIndex, rows.length - 1);

  useEffect(() => {
    void loadBatches();
  }, []);

  function search(e: FormEvent) {
    e.preventDefault();
    void loadBatches(0);
  }

  function focusRow(i: number) {
    const list = tbodyRef.current?.querySelectorAll<HTMLTableRowElement>('tr[data-row]');
    if (!list || list.length === 0) return;
    const index = Math.max(0, Math.min(list.length - 1, i));
    setActiveIndex(index);
    list[index]?.focus();
  }

  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, i: number, row: BatchView) {
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      void selectBatch(row.id);
    } else if (e.key === 'PageDown' && page + 1 < pages) {
      e.preventDefault();
      void loadBatches(page + 1);
    } else if (e.key === 'PageUp' && page > 0) {
      e.preventDefault();
      void loadBatches(page - 1);
    }
  }

  function closeDetails() {
    const index = rows.findIndex((r) => r.id === selectedId);
    void selectBatch(null);
    requestAnimationFrame(() => focusRow(index));
  }

  return (
    <div className="panel">
      <form className="filter-bar" onSubmit={search} aria-label="筛选批次">
        <label>
          检索
          <input
            type="search"
            className="input-batch-q"
            placeholder="编码、名称、拼音首字母或批号"
            value={filters.text}
            maxLength={64}
            onChange={(e) => setBatchFilters({ text: e.target.value })}
            data-testid="batches-q"
            spellCheck={false}
            autoFocus
          />
        </label>
        <label>
          状态
          <select
            value={filters.status}
            onChange={(e) => {
              setBatchFilters({ status: e.target.value as BatchStatusFilter });
              void loadBatches(0);
            }}
            data-testid="batches-status"
          >
            {BATCH_STATUS_FILTERS.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          排序
          <select
            value={filters.sort}
            onChange={(e) => {
              setBatchFilters({ sort: e.target.value as BatchSort });
              void loadBatches(0);
            }}
            data-testid="batches-sort"
          >
            {BATCH_SORTS.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary" data-testid="batches-search">
            查询
          </button>
        </div>
        {months !== null ? <span className="muted small filter-note">近效期：有效期不足 {months} 个月</span> : null}
      </form>
      <CallErrorMessage failure={error} />
      <p className="muted small table-hint">
        用 ↑ ↓ 选择一行，按 Enter 查看该批次的出入库流水{canLock ? '，锁定或解锁' : ''}；PageUp / PageDown 翻页。
      </p>
      <table className="table table-dense batches-table" data-testid="batches-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-code">商品编码</th>
            <th className="col-name">名称 / 规格</th>
            <th className="col-batch">批号</th>
            <th className="col-date col-mfg">生产日期</th>
            <th className="col-date">有效期至</th>
            <th className="col-months num" title="距有效期的整月数">
              剩余月数
            </th>
            <th className="col-qty num">库存</th>
            <th className="col-price num">进价</th>
            <th className="col-supplier">供应商</th>
            <th className="col-status">状态</th>
            <th className="col-trace num" title="该批次在库的追溯码个数">
              追溯码
            </th>
          </tr>
        </thead>
        <tbody ref={tbodyRef}>
          {rows.map((b, i) => (
            <tr
              key={b.id}
              data-row
              tabIndex={i === tabStop ? 0 : -1}
              className={`row-clickable batch-${b.status}`}
              onClick={() => {
                setActiveIndex(i);
                void selectBatch(b.id);
              }}
              onKeyDown={(e) => onRowKey(e, i, b)}
              onFocus={() => setActiveIndex(i)}
              data-testid="batch-row"
              data-batch-id={b.id}
              data-batch-no={b.batchNo}
              data-code={b.productCode}
              data-status={b.status}
            >
              <td className="mono small cell-ellipsis" title={b.productCode}>
                {b.productCode}
              </td>
              <td className="cell-name">
                <div className="cell-ellipsis" title={b.productName}>
                  {b.productName}
                </div>
                <div className="muted small cell-ellipsis" title={b.spec ?? undefined}>
                  {b.spec ?? '—'}
                </div>
              </td>
              <td className="mono cell-ellipsis" title={b.batchNo}>
                {b.batchNo}
              </td>
              <td className="mono small col-mfg">{b.mfgDate ?? '—'}</td>
              <td className="small">
                <ExpiryText batch={b} />
              </td>
              <td className={b.monthsLeft < 0 ? 'num col-months text-danger' : 'num col-months'}>
                {monthsText(b.monthsLeft)}
              </td>
              <td className="num nowrap" data-testid="batch-qty">
                {formatQty(b.qtyBase, b)}
              </td>
              <td className="num col-price">{formatFen(b.purchasePriceFen)}</td>
              <td className="small cell-ellipsis col-supplier" title={b.supplier ?? undefined}>
                {b.supplier ?? '—'}
              </td>
              <td>
                <BatchStatusBadge batch={b} />
              </td>
              <td className="num" data-testid="batch-trace">
                {b.traceCodesInStock}
              </td>
            </tr>
          ))}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={11} className="muted">
                没有符合条件的批次
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager
        page={page}
        pages={pages}
        total={total}
        unit="个批次"
        loading={loading}
        onPage={(p) => void loadBatches(p)}
        testId="batches-page"
      />
      {selected ? <BatchDetails batch={selected} onClose={closeDetails} /> : null}
    </div>
  );
}

function BatchDetails({ batch, onClose }: { batch: BatchView; onClose: () => void }) {
  const ledger = useBatchesStore((s) => s.ledger);
  const ledgerLoading = useBatchesStore((s) => s.ledgerLoading);
  const ledgerError = useBatchesStore((s) => s.ledgerError);
  const roles = useSessionStore((s) => s.operator?.roles);
  const canLock = canUse('stock.setLocked', roles);
  const [locking, setLocking] = useState(false);
  const qty = (n: number) => formatQty(n, batch);

  return (
    <Modal title={`${batch.productName} · 批号 ${batch.batchNo}`} onClose={onClose} drawer testId="batch-details">
      <button type="button" className="btn btn-small drawer-close" onClick={onClose} data-autofocus>
        关闭（Esc）
      </button>
      <dl className="info-list details-list">
        <dt>商品</dt>
        <dd>
          {batch.productName} <span className="muted">{batch.spec ?? ''}</span>{' '}
          <span className="mono small muted">{batch.productCode}</span>
        </dd>
        {batch.manufacturer ? (
          <>
            <dt>生产企业</dt>
            <dd>{batch.manufacturer}</dd>
          </>
        ) : null}
        <dt>批号</dt>
        <dd className="mono">{batch.batchNo}</dd>
        <dt>效期</dt>
        <dd>
          {batch.mfgDate ?? '—'} 至 <ExpiryText batch={batch} />（{monthsText(batch.monthsLeft)}
          {batch.monthsLeft >= 0 ? ' 个月' : ''}）
        </dd>
        <dt>库存</dt>
        <dd>
          <strong data-testid="batch-details-qty">{qty(batch.qtyBase)}</strong>
          <span className="muted"> · 在库追溯码 {batch.traceCodesInStock} 个</span>
        </dd>
        <dt>进价 / 供应商</dt>
        <dd>
          {formatFen(batch.purchasePriceFen)} / {batch.supplier ?? '—'}
        </dd>
        <dt>状态</dt>
        <dd>
          <BatchStatusBadge batch={batch} />
          {batch.status === 'expired' ? <span className="muted small"> 已过期的批次自动锁定，禁止销售</span> : null}
          {canLock ? (
            <button
              type="button"
              className={batch.locked ? 'btn btn-small lock-button' : 'btn btn-small btn-danger lock-button'}
              onClick={() => setLocking(true)}
              data-testid="batch-lock-open"
            >
              {batch.locked ? '解锁…' : '锁定…'}
            </button>
          ) : null}
        </dd>
      </dl>
      <h3 className="details-heading">出入库流水</h3>
      <CallErrorMessage failure={ledgerError} />
      <table className="table table-dense ledger-table" data-testid="ledger-table" aria-busy={ledgerLoading}>
        <thead>
          <tr>
            <th>时间</th>
            <th className="num">变动</th>
            <th>原因</th>
            <th>单号</th>
            <th>操作员</th>
          </tr>
        </thead>
        <tbody>
          {(ledger ?? []).map((r) => (
            <tr key={r.id} data-testid="ledger-row" data-cause={r.cause}>
              <td className="mono small">{formatDateTime(r.at)}</td>
              <td className={r.deltaBase < 0 ? 'num delta-out' : 'num delta-in'}>
                {r.deltaBase > 0 ? '+' : ''}
                {qty(r.deltaBase)}
              </td>
              <td>{r.causeLabel}</td>
              <td className="mono small">{r.docNo ?? '—'}</td>
              <td>{r.operatorName ?? '—'}</td>
            </tr>
          ))}
          {ledger && ledger.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                没有流水
              </td>
            </tr>
          ) : null}
          {ledgerLoading ? (
            <tr>
              <td colSpan={5} className="muted">
                正在读取…
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {locking ? <LockDialog batch={batch} onClose={() => setLocking(false)} /> : null}
    </Modal>
  );
}

function LockDialog({ batch, onClose }: { batch: BatchView; onClose: () => void }) {
  const lock = !batch.locked;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < 2) {
      setFailure({ code: 'INVALID_INPUT', message: '请说明原因（至少 2 个字）', fields: [] });
      return;
    }
    setBusy(true);
    try {
      await setBatchLocked(batch.id, lock, reason.trim());
      showToast('ok', lock ? `批号 ${batch.batchNo} 已锁定，禁止销售` : `批号 ${batch.batchNo} 已解锁`);
      onClose();
    } catch (err) {
      setFailure(toFailure(err));
      setBusy(false);
    }
  }

  return (
    <Modal title={lock ? '锁定批次' : '解锁批次'} onClose={onClose} testId="lock-dialog">
      <form onSubmit={(e) => void submit(e)}>
        <p>
          {batch.productName} 批号 <span className="mono">{batch.batchNo}</span>：
          {lock ? '锁定后该批次不能销售、退货或出库，直到解锁。' : '解锁后该批次恢复销售。'}
        </p>
        <label className="field-label" htmlFor="lock-reason">
          原因
        </label>
        <input
          id="lock-reason"
          value={reason}
          maxLength={200}
          placeholder={lock ? '如：质量抽检、疑似破损' : '如：抽检合格'}
          onChange={(e) => setReason(e.target.value)}
          data-autofocus
          data-testid="lock-reason"
        />
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button
            type="submit"
            className={lock ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={busy}
            data-testid="lock-submit"
          >
            {lock ? '锁定' : '解锁'} Enter
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}
