import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { NhsaJournalRow } from '../../../../app/shared/contract';
import { canUse } from '../../access';
import { CallErrorMessage } from '../../components/CallError';
import { Modal } from '../../components/Modal';
import { formatDateTime, formatDuration, prettyJson } from '../../format';
import { formatLocalDate } from '../../stores/audit';
import {
  clearJournalFilters,
  exportJournal,
  loadJournal,
  selectJournalRow,
  setJournalFilters,
  useNhsaJournalStore,
  type JournalOutcome,
} from '../../stores/nhsaJournal';
import { useSessionStore } from '../../stores/session';
import { COMMON_INFNOS, NHSA_OUTCOME_HINTS, NHSA_OUTCOME_LABELS } from './labels';
import { Pager } from '../../components/Pager';

const OUTCOMES: readonly JournalOutcome[] = ['ok', 'business_error', 'not_sent', 'unknown', 'pending'];

function setDays(days: number) {
  const from = new Date();
  from.setDate(from.getDate() - (days - 1));
  setJournalFilters({ from: formatLocalDate(from), to: '' });
  void loadJournal(0);
}

export function OutcomeBadge({ outcome }: { outcome: JournalOutcome }) {
  return (
    <span className={`badge nhsa-outcome-${outcome}`} title={NHSA_OUTCOME_HINTS[outcome]}>
      {NHSA_OUTCOME_LABELS[outcome] ?? outcome}
    </span>
  );
}

export function NhsaJournalPanel() {
  const rows = useNhsaJournalStore((s) => s.rows);
  const total = useNhsaJournalStore((s) => s.total);
  const page = useNhsaJournalStore((s) => s.page);
  const pageSize = useNhsaJournalStore((s) => s.pageSize);
  const filters = useNhsaJournalStore((s) => s.filters);
  const loading = useNhsaJournalStore((s) => s.loading);
  const loaded = useNhsaJournalStore((s) => s.loaded);
  const error = useNhsaJournalStore((s) => s.error);
  const selectedId = useNhsaJournalStore((s) => s.selectedId);
  const exporting = useNhsaJournalStore((s) => s.exporting);
  const exported = useNhsaJournalStore((s) => s.exported);
  const exportError = useNhsaJournalStore((s) => s.exportError);
  const roles = useSessionStore((s) => s.operator?.roles);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const selected = rows.find((r) => r.id === selectedId) ?? null;
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  // The row the keyboard is on: one tab stop for the whole table, arrows move within it.
  const [activeIndex, setActiveIndex] = useState(0);
  const tabStop = Math.min(activeIndex, rows.length - 1);

  useEffect(() => {
    void loadJournal();
  }, []);

  function search(e: FormEvent) {
    e.preventDefault();
    void loadJournal(0);
  }

  function focusRow(i: number) {
    const list = tbodyRef.current?.querySelectorAll<HTMLTableRowElement>('tr[data-row]');
    if (!list || list.length === 0) return;
    const index = Math.max(0, Math.min(list.length - 1, i));
    setActiveIndex(index);
    list[index]?.focus();
  }

  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, i: number, row: NhsaJournalRow) {
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      selectJournalRow(row.id);
    }
  }

  function closeDetails() {
    const index = rows.findIndex((r) => r.id === selectedId);
    selectJournalRow(null);
    // back to the row that was open, so the next arrow press continues from there
    requestAnimationFrame(() => focusRow(index));
  }

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>医保接口日志</h2>
        {canUse('nhsa.journalExport', roles) ? (
          <button
            type="button"
            className="btn"
            disabled={exporting}
            onClick={() => void exportJournal()}
            data-testid="journal-export"
            title="按下面的时间范围导出全部交易（不限交易编号和结果），写入数据目录下的 exports 文件夹"
          >
            {exporting ? '正在导出…' : '导出'}
          </button>
        ) : null}
      </div>
      {exported ? (
        <div className="success-message" role="status" data-testid="journal-export-result">
          已导出 {exported.rows} 条记录到 <span className="mono">{exported.path}</span>
        </div>
      ) : null}
      <CallErrorMessage failure={exportError} />
      <form className="filter-bar" onSubmit={search} aria-label="筛选医保接口日志">
        <label>
          交易编号
          <input
            type="text"
            className="input-infno"
            list="journal-infno-list"
            placeholder="如 9001"
            value={filters.infno}
            onChange={(e) => setJournalFilters({ infno: e.target.value })}
            data-testid="journal-infno"
            spellCheck={false}
          />
          <datalist id="journal-infno-list">
            {COMMON_INFNOS.map((x) => (
              <option key={x.infno} value={x.infno}>
                {x.name}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          结果
          <select
            className="input-outcome"
            value={filters.outcome}
            onChange={(e) => setJournalFilters({ outcome: e.target.value as JournalOutcome | '' })}
            data-testid="journal-outcome"
          >
            <option value="">全部</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {NHSA_OUTCOME_LABELS[o]}
              </option>
            ))}
          </select>
        </label>
        <label>
          从
          <input
            type="text"
            inputMode="numeric"
            className="input-date"
            placeholder="如 2025-03-08"
            value={filters.from}
            onChange={(e) => setJournalFilters({ from: e.target.value })}
            data-testid="journal-from"
          />
        </label>
        <label>
          到
          <input
            type="text"
            inputMode="numeric"
            className="input-date"
            placeholder="如 2025-03-08"
            value={filters.to}
            onChange={(e) => setJournalFilters({ to: e.target.value })}
            data-testid="journal-to"
          />
        </label>
        <label>
          报文ID
          <input
            type="search"
            className="input-msgid"
            placeholder="完整的报文ID"
            value={filters.msgid}
            onChange={(e) => setJournalFilters({ msgid: e.target.value })}
            data-testid="journal-msgid"
            spellCheck={false}
          />
        </label>
        <div className="filter-actions">
          <button type="button" className="btn" onClick={() => setDays(1)}>
            今天
          </button>
          <button type="button" className="btn" onClick={() => setDays(7)}>
            近 7 天
          </button>
          <button type="submit" className="btn btn-primary" data-testid="journal-search">
            查询
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              clearJournalFilters();
              void loadJournal(0);
            }}
          >
            清除条件
          </button>
        </div>
      </form>
      <CallErrorMessage failure={error} />
      <p className="muted small table-hint">在列表中用 ↑ ↓ 选择一行，按 Enter 查看请求和应答报文。</p>
      <table className="table table-dense journal-table" data-testid="journal-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-time">时间</th>
            <th className="col-inf">交易</th>
            <th className="col-msgid">报文ID</th>
            <th className="col-operator">操作员</th>
            <th className="col-outcome">结果</th>
            <th className="col-infcode" title="infcode">
              返回码
            </th>
            <th className="col-err">错误信息</th>
            <th className="col-duration num">耗时</th>
          </tr>
        </thead>
        <tbody ref={tbodyRef}>
          {rows.map((r, i) => (
            <tr
              key={r.id}
              data-row
              tabIndex={i === tabStop ? 0 : -1}
              className="row-clickable"
              aria-label={`${r.infno} ${r.infname} ${NHSA_OUTCOME_LABELS[r.outcome]}，按 Enter 查看详情`}
              onClick={() => {
                setActiveIndex(i);
                selectJournalRow(r.id);
              }}
              onKeyDown={(e) => onRowKey(e, i, r)}
              onFocus={() => setActiveIndex(i)}
              data-testid="journal-row"
              data-infno={r.infno}
              data-outcome={r.outcome}
              data-msgid={r.msgid}
            >
              <td className="mono cell-time">{formatDateTime(r.startedAt)}</td>
              <td title={`${r.infno} ${r.infname}`}>
                <span className="mono">{r.infno}</span> {r.infname}
              </td>
              <td className="mono small" title={r.msgid}>
                {r.msgid}
              </td>
              <td title={r.opter}>{r.opter}</td>
              <td>
                <OutcomeBadge outcome={r.outcome} />
              </td>
              <td className="mono cell-infcode">{r.infcode ?? '—'}</td>
              <td title={r.errMsg ?? undefined} className={r.errMsg ? 'cell-err' : 'muted'}>
                {r.errMsg ?? '—'}
              </td>
              <td className="num cell-duration">{formatDuration(r.durationMs)}</td>
            </tr>
          ))}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                没有符合条件的记录
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
        onPage={(p) => void loadJournal(p)}
        testId="journal-page"
      />
      {selected ? <JournalDetails row={selected} onClose={closeDetails} /> : null}
    </div>
  );
}

function JournalDetails({ row, onClose }: { row: NhsaJournalRow; onClose: () => void }) {
  const request = prettyJson(row.request);
  const response = prettyJson(row.response);
  return (
    <Modal title={`${row.infno} ${row.infname || '交易'} · 详情`} onClose={onClose} drawer testId="journal-details">
      <button
        type="button"
        className="btn btn-small drawer-close"
        onClick={onClose}
        data-autofocus
        data-testid="journal-details-close"
      >
        关闭（Esc）
      </button>
      <dl className="info-list details-list">
        <dt>时间</dt>
        <dd className="mono">{formatDateTime(row.startedAt)}</dd>
        <dt>报文ID</dt>
        <dd className="mono" data-testid="journal-details-msgid">
          {row.msgid}
        </dd>
        <dt>操作员</dt>
        <dd>
          {row.opter}
          {row.source && row.source !== 'app' ? <span className="muted">（来源：{row.source}）</span> : null}
        </dd>
        <dt>结果</dt>
        <dd>
          <OutcomeBadge outcome={row.outcome} /> <span className="muted small">{NHSA_OUTCOME_HINTS[row.outcome]}</span>
        </dd>
        <dt>返回码</dt>
        <dd className="mono">{row.infcode ?? '—'}</dd>
        {row.errMsg ? (
          <>
            <dt>错误信息</dt>
            <dd className="text-danger">{row.errMsg}</dd>
          </>
        ) : null}
        <dt>耗时</dt>
        <dd>{formatDuration(row.durationMs)}</dd>
        {row.warnings.length > 0 ? (
          <>
            <dt>提示</dt>
            <dd>
              <ul className="plain-list">
                {row.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      <h3 className="details-heading">
        请求报文 <span className="muted small">（个人信息已脱敏）</span>
      </h3>
      <pre className="json-block" data-testid="journal-request" tabIndex={0} aria-label="请求报文">
        {request || '（无）'}
      </pre>
      <h3 className="details-heading">应答报文</h3>
      <pre className="json-block" data-testid="journal-response" tabIndex={0} aria-label="应答报文">
        {response || (row.outcome === 'pending' ? '（等待应答）' : '（没有收到应答）')}
      </pre>
    </Modal>
  );
}
