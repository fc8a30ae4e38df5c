import { useEffect, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/Field';
import { compactJson, formatDateTime } from '../../format';
import { loadAudit, resetAudit, setAuditDays, setAuditFilters, useAuditStore } from '../../stores/audit';
import { OUTCOME_LABELS, actionLabel, screenLabel } from './labels';
import { Pager } from '../../components/Pager';

export function AuditPanel() {
  const rows = useAuditStore((s) => s.rows);
  const total = useAuditStore((s) => s.total);
  const page = useAuditStore((s) => s.page);
  const pageSize = useAuditStore((s) => s.pageSize);
  const filters = useAuditStore((s) => s.filters);
  const loading = useAuditStore((s) => s.loading);
  const loaded = useAuditStore((s) => s.loaded);
  const error = useAuditStore((s) => s.error);
  const pages = Math.max(1, Math.ceil(total / pageSize));

  useEffect(() => {
    void loadAudit();
  }, []);

  function search(e: FormEvent) {
    e.preventDefault();
    void loadAudit(0);
  }

  return (
    <div className="panel">
      <form className="filter-bar" onSubmit={search} aria-label="筛选审计日志">
        <label>
          从
          <input
            type="text"
            inputMode="numeric"
            className="input-date"
            placeholder="如 2025-03-08"
            value={filters.from}
            onChange={(e) => setAuditFilters({ from: e.target.value })}
            data-testid="audit-from"
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
            onChange={(e) => setAuditFilters({ to: e.target.value })}
            data-testid="audit-to"
          />
        </label>
        <label>
          操作
          <input
            type="search"
            className="input-action"
            placeholder="如 auth.login"
            value={filters.action}
            onChange={(e) => setAuditFilters({ action: e.target.value })}
            data-testid="audit-action"
            spellCheck={false}
          />
        </label>
        <div className="filter-actions">
          <button
            type="button"
            className="btn"
            onClick={() => {
              setAuditDays(1);
              void loadAudit(0);
            }}
          >
            今天
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setAuditDays(7);
              void loadAudit(0);
            }}
          >
            近 7 天
          </button>
          <button type="submit" className="btn btn-primary" data-testid="audit-search">
            查询
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              resetAudit();
              void loadAudit(0);
            }}
          >
            清除条件
          </button>
        </div>
      </form>
      <ErrorMessage text={error} />
      <table className="table table-dense audit-table" data-testid="audit-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-time">时间</th>
            <th className="col-operator">操作员</th>
            <th className="col-action">操作</th>
            <th className="col-screen">界面</th>
            <th className="col-outcome">结果</th>
            <th>详情</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const detail = compactJson(r.detail);
            const label = actionLabel(r.action);
            return (
              <tr key={r.id} data-testid="audit-row" data-action={r.action} data-outcome={r.outcome}>
                <td className="mono cell-time">{formatDateTime(r.at)}</td>
                <td title={r.operatorName ?? undefined}>{r.operatorName ?? '—'}</td>
                <td title={r.action}>{label ?? <span className="mono">{r.action}</span>}</td>
                <td title={r.screen ?? undefined}>{screenLabel(r.screen)}</td>
                <td>
                  <span className={`badge outcome-${r.outcome}`}>{OUTCOME_LABELS[r.outcome] ?? r.outcome}</span>
                </td>
                <td className="mono small" title={detail.full}>
                  {detail.short}
                </td>
              </tr>
            );
          })}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="muted">
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
        onPage={(p) => void loadAudit(p)}
        testId="audit-page"
      />
    </div>
  );
}
