import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { UPLOAD_INFNO_LABELS, type UploadRowView } from '../../../../app/shared/inventory';
import { CallErrorMessage } from '../../components/CallError';
import { formatDateTime, formatShortDateTime } from '../../format';
import {
  drainNow,
  loadUploads,
  openUploadRow,
  refreshUploadSummary,
  setUploadFilter,
  setUploadInfno,
  useUploadsStore,
  type UploadInfno,
} from '../../stores/uploads';
import { UPLOAD_FILTERS, UPLOAD_INFNOS } from './labels';
import { infnoText, UploadStateBadge } from './parts';
import { DeleteUploadDialog, UploadRecordDialog } from './UploadRecordDialog';
import { Pager } from '../../components/Pager';

export function UploadSummaryLine() {
  const summary = useUploadsStore((s) => s.summary);
  if (!summary) return <p className="muted">正在读取上传情况…</p>;
  const clear = summary.pending === 0 && summary.refused === 0 && summary.inDoubt === 0;
  return (
    <div className="upload-summary" data-testid="upload-summary" data-pending={summary.pending}>
      {clear ? (
        <span className="badge badge-ok" data-testid="upload-all-clear">
          全部已上传
        </span>
      ) : null}
      <span className={summary.pending > 0 ? 'sum-item sum-warn' : 'sum-item'}>
        待上传 <strong data-testid="sum-pending">{summary.pending}</strong>
      </span>
      <span className={summary.refused > 0 ? 'sum-item sum-danger' : 'sum-item'}>
        被拒收 <strong data-testid="sum-refused">{summary.refused}</strong>
      </span>
      <span className={summary.inDoubt > 0 ? 'sum-item sum-warn' : 'sum-item'}>
        待核实 <strong>{summary.inDoubt}</strong>
      </span>
      <span className="sum-item">
        最早积压 <span className="mono">{formatDateTime(summary.oldestPendingAt)}</span>
      </span>
      <span className="sum-item">
        最后上传 <span className="mono">{formatDateTime(summary.lastSentAt)}</span>
      </span>
      {summary.draining ? <span className="sum-item muted">正在上传…</span> : null}
      {summary.lastError ? (
        <span className="sum-item sum-error" title={summary.lastError}>
          最近错误：{summary.lastError}
        </span>
      ) : null}
    </div>
  );
}

export function UploadsPanel() {
  const rows = useUploadsStore((s) => s.rows);
  const total = useUploadsStore((s) => s.total);
  const page = useUploadsStore((s) => s.page);
  const pageSize = useUploadsStore((s) => s.pageSize);
  const filter = useUploadsStore((s) => s.filter);
  const infno = useUploadsStore((s) => s.infno);
  const loading = useUploadsStore((s) => s.loading);
  const loaded = useUploadsStore((s) => s.loaded);
  const error = useUploadsStore((s) => s.error);
  const openId = useUploadsStore((s) => s.openId);
  const revision = useUploadsStore((s) => s.revision);
  const draining = useUploadsStore((s) => s.draining || (s.summary?.draining ?? false));
  const drainFailure = useUploadsStore((s) => s.drainFailure);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const [deleting, setDeleting] = useState<UploadRowView | null>(null);
  const tabStop = Math.min(activeIndex, rows.length - 1);

  useEffect(() => {
    void refreshUploadSummary();
    void loadUploads();
  }, []);

  // the background uploader moved rows: reload, at most every half second
  useEffect(() => {
    if (revision === 0) return;
    const t = setTimeout(() => void loadUploads(), 500);
    return () => clearTimeout(t);
  }, [revision]);

  function focusRow(i: number) {
    const list = tbodyRef.current?.querySelectorAll<HTMLTableRowElement>('tr[data-row]');
    if (!list || list.length === 0) return;
    const index = Math.max(0, Math.min(list.length - 1, i));
    setActiveIndex(index);
    list[index]?.focus();
  }

  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, i: number, row: UploadRowView) {
    if (e.target !== e.currentTarget) return;
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openUploadRow(row.id);
    } else if (e.key === 'Delete' && (row.state === 'refused' || row.state === 'sent')) {
      e.preventDefault();
      setDeleting(row);
    }
  }

  function closeRecord() {
    const index = rows.findIndex((r) => r.id === openId);
    openUploadRow(null);
    if (index >= 0) requestAnimationFrame(() => focusRow(index));
  }

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>医保进销存上传</h2>
        <div className="toolbar-actions">
          <button type="button" className="btn" disabled={loading} onClick={() => void loadUploads()}>
            刷新
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={draining}
            onClick={() => void drainNow()}
            data-testid="uploads-drain"
          >
            {draining ? '正在上传…' : '立即上传'}
          </button>
        </div>
      </div>
      <UploadSummaryLine />
      <CallErrorMessage failure={drainFailure} />
      <div className="filter-bar uploads-filter">
        <div className="segmented" role="group" aria-label="按状态筛选">
          {UPLOAD_FILTERS.map((f) => (
            <button
              key={f.id}
              type="button"
              className={f.id === filter ? 'btn btn-small active' : 'btn btn-small'}
              aria-pressed={f.id === filter}
              title={f.title}
              onClick={() => setUploadFilter(f.id)}
              data-testid={`uploads-filter-${f.id}`}
            >
              {f.label}
            </button>
          ))}
        </div>
        <label className="inline-field">
          <span>接口</span>
          <select
            value={infno}
            onChange={(e) => setUploadInfno(e.target.value as UploadInfno | '')}
            data-testid="uploads-infno"
          >
            <option value="">全部</option>
            {UPLOAD_INFNOS.map((x) => (
              <option key={x} value={x}>
                {infnoText(x)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <CallErrorMessage failure={error} />
      <p className="muted small table-hint">
        系统在后台自动上传。被拒收的记录按医保中心的返回信息修改后重传，或删除。用 ↑ ↓ 选择一行，Enter 查看，Delete
        删除。
      </p>
      <table className="table table-dense uploads-table" data-testid="uploads-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-infno">接口</th>
            <th className="col-summary">内容</th>
            <th className="col-state">状态</th>
            <th className="col-attempts num" title="尝试次数">
              尝试
            </th>
            <th className="col-next">下次尝试</th>
            <th className="col-msg">中心返回信息</th>
            <th className="col-sent" title="上传所用的接口：单条（如 3503）或批量（如 3503A）">
              上传时间 / 方式
            </th>
            <th className="col-actions">操作</th>
          </tr>
        </thead>
        <tbody ref={tbodyRef}>
          {rows.map((r, i) => (
            <tr
              key={r.id}
              data-row
              tabIndex={i === tabStop ? 0 : -1}
              className={r.state === 'refused' ? 'row-refused' : r.state === 'deleted' ? 'row-inactive' : undefined}
              onKeyDown={(e) => onRowKey(e, i, r)}
              onFocus={() => setActiveIndex(i)}
              onDoubleClick={() => openUploadRow(r.id)}
              data-testid="upload-row"
              data-upload-id={r.id}
              data-state={r.state}
              data-infno={r.infno}
            >
              <td className="nowrap">
                <span className="mono">{r.infno}</span> {r.infnoLabel || UPLOAD_INFNO_LABELS[r.infno] || ''}
              </td>
              <td className="cell-summary" title={r.summary}>
                {r.summary}
              </td>
              <td>
                <UploadStateBadge row={r} />
              </td>
              <td className="num col-attempts">{r.attempts}</td>
              <td className="mono small col-next">
                {r.state === 'pending' ? formatShortDateTime(r.nextAttemptAt) : '—'}
              </td>
              <td className={r.centerMsg ? 'cell-center-msg' : 'muted'} data-testid="upload-center-msg">
                {r.centerMsg ?? (r.lastError ? <span className="cell-err">{r.lastError}</span> : '—')}
              </td>
              <td className="mono small" title={formatDateTime(r.sentAt)}>
                {formatShortDateTime(r.sentAt)}
                {r.via ? <div className="muted">{r.via}</div> : null}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className={r.state === 'refused' ? 'btn btn-small btn-primary' : 'btn btn-small'}
                  tabIndex={-1}
                  onClick={() => openUploadRow(r.id)}
                  data-testid="upload-open"
                >
                  {r.state === 'refused' ? '查看/修改' : '查看'}
                </button>
                {r.state === 'refused' || r.state === 'sent' ? (
                  <button
                    type="button"
                    className="btn btn-small"
                    tabIndex={-1}
                    onClick={() => setDeleting(r)}
                    data-testid="upload-delete"
                  >
                    删除
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                {filter === 'all' && !infno ? '还没有需要上传的进销存记录' : '没有符合条件的记录'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager
        page={page}
        pages={pages}
        total={total}
        unit="条"
        loading={loading}
        onPage={(p) => void loadUploads(p)}
        testId="uploads-page"
      />
      {openId !== null ? <UploadRecordDialog id={openId} onClose={closeRecord} /> : null}
      {deleting ? <DeleteUploadDialog row={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}
