import type { FormEvent } from 'react';
import {
  RECONCILE_KIND_LABELS,
  RECONCILE_STATUS_LABELS,
  formatQty,
  type ReconcileRow,
} from '../../../../app/shared/inventory';
import { CallErrorMessage } from '../../components/CallError';
import { formatDateTime } from '../../format';
import {
  openUploads,
  RECONCILE_KINDS,
  runReconcile,
  setReconcileRange,
  setShowMatches,
  toggleReconcileKind,
  useReconcileStore,
} from '../../stores/uploads';
import { DateInput } from '../inventory/parts';
import { monthStartLocal, parseDateText, todayLocal } from '../inventory/util';

function qtyText(n: number | null, units: ReconcileRow['units']): string {
  if (n === null) return '—';
  return units ? formatQty(n, units) : String(n);
}

export function DiffPanel() {
  const from = useReconcileStore((s) => s.from);
  const to = useReconcileStore((s) => s.to);
  const kinds = useReconcileStore((s) => s.kinds);
  const showMatches = useReconcileStore((s) => s.showMatches);
  const running = useReconcileStore((s) => s.running);
  const failure = useReconcileStore((s) => s.failure);
  const report = useReconcileStore((s) => s.report);
  const f = parseDateText(from);
  const t = parseDateText(to);
  const rangeProblem =
    !f.ok || !f.date || !t.ok || !t.date
      ? '请填写开始和结束日期（YYYY-MM-DD）'
      : f.date > t.date
        ? '开始日期不能晚于结束日期'
        : null;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (rangeProblem || kinds.length === 0) return;
    if (f.ok && t.ok) setReconcileRange({ from: f.date, to: t.date });
    void runReconcile();
  }

  const differences = report ? report.rows.filter((r) => r.status !== 'match') : [];
  const shown = report ? (showMatches ? report.rows : differences) : [];
  const totalDiff = report ? report.kinds.reduce((n, k) => n + k.differences, 0) : 0;
  const queryErrors = report ? report.kinds.filter((k) => k.error) : [];

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>与医保中心差异对账</h2>
      </div>
      <p className="muted">
        按日期查询医保中心保存的进销存记录（3508–3511），与本机记录逐条比对：中心缺少的、中心多出的、数量不一致的。
      </p>
      <form className="filter-bar" onSubmit={submit} aria-label="对账条件">
        <label>
          从
          <DateInput
            label="开始日期"
            value={from}
            onChange={(v) => setReconcileRange({ from: v })}
            testId="diff-from"
          />
        </label>
        <label>
          到
          <DateInput label="结束日期" value={to} onChange={(v) => setReconcileRange({ to: v })} testId="diff-to" />
        </label>
        <fieldset className="kind-set">
          <legend>对账内容</legend>
          {RECONCILE_KINDS.map((k) => (
            <label key={k} className="checkbox">
              <input
                type="checkbox"
                checked={kinds.includes(k)}
                onChange={() => toggleReconcileKind(k)}
                data-testid={`diff-kind-${k}`}
              />
              {RECONCILE_KIND_LABELS[k]}
            </label>
          ))}
        </fieldset>
        <div className="filter-actions">
          <button
            type="button"
            className="btn"
            onClick={() => setReconcileRange({ from: todayLocal(), to: todayLocal() })}
            data-testid="diff-today"
          >
            今天
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => setReconcileRange({ from: monthStartLocal(), to: todayLocal() })}
          >
            本月
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={running || Boolean(rangeProblem) || kinds.length === 0}
            data-testid="diff-run"
          >
            {running ? '正在对账…' : '开始对账'}
          </button>
        </div>
      </form>
      {rangeProblem && from && to ? <div className="field-error">{rangeProblem}</div> : null}
      {kinds.length === 0 ? <div className="field-error">请至少选择一项对账内容</div> : null}
      <CallErrorMessage failure={failure} />
      {report ? (
        <section data-testid="diff-report" data-differences={totalDiff}>
          <div className={totalDiff === 0 && queryErrors.length === 0 ? 'success-message' : 'diff-headline'}>
            {report.from} 至 {report.to}，{formatDateTime(report.ranAt)} 对账：
            {queryErrors.length > 0
              ? `有 ${queryErrors.length} 项查询失败，结果不完整${totalDiff > 0 ? `；其余共 ${totalDiff} 条差异` : ''}。`
              : totalDiff === 0
                ? '本机与医保中心一致，没有差异。'
                : `共 ${totalDiff} 条差异。`}
          </div>
          <table className="table table-dense diff-kinds" data-testid="diff-kinds">
            <thead>
              <tr>
                <th>对账内容</th>
                <th className="num">本地</th>
                <th className="num">中心</th>
                <th className="num">差异</th>
                <th>查询</th>
              </tr>
            </thead>
            <tbody>
              {report.kinds.map((k) => (
                <tr key={k.kind} data-testid="diff-kind-row" data-kind={k.kind} data-differences={k.differences}>
                  <td>{RECONCILE_KIND_LABELS[k.kind]}</td>
                  <td className="num">{k.local}</td>
                  <td className="num">{k.center}</td>
                  <td className={k.differences > 0 ? 'num text-danger' : 'num'}>{k.differences}</td>
                  <td className={k.error ? 'cell-err' : 'muted'}>{k.error ?? '正常'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="diff-rows-head">
            <h3 className="section-title">{showMatches ? '全部记录' : '差异记录'}</h3>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={showMatches}
                onChange={(e) => setShowMatches(e.target.checked)}
                data-testid="diff-show-matches"
              />
              同时显示一致的记录（{report.rows.length - differences.length} 条）
            </label>
          </div>
          <table className="table table-dense diff-rows" data-testid="diff-rows">
            <thead>
              <tr>
                <th className="col-kind">类型</th>
                <th className="col-status">状态</th>
                <th>商品</th>
                <th className="col-batch">批次流水号</th>
                <th className="num col-qty">本地数量</th>
                <th className="num col-qty">中心数量</th>
                <th>说明</th>
                <th className="col-actions" aria-label="操作" />
              </tr>
            </thead>
            <tbody>
              {shown.map((r, i) => (
                <DiffRow key={`${r.kind}-${r.key}-${i}`} row={r} />
              ))}
              {shown.length === 0 ? (
                <tr>
                  <td colSpan={8} className="muted">
                    没有差异
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
          <p className="muted small">数量按最小单位（有拆零的商品按拆零单位）计，出库为负数。</p>
        </section>
      ) : null}
    </div>
  );
}

function DiffRow({ row: r }: { row: ReconcileRow }) {
  return (
    <tr className={r.status === 'match' ? undefined : 'row-diff'} data-testid="diff-row" data-status={r.status}>
      <td className="small">{RECONCILE_KIND_LABELS[r.kind]}</td>
      <td>
        <span className={`badge diff-${r.status}`}>{RECONCILE_STATUS_LABELS[r.status] ?? r.status}</span>
      </td>
      <td>{r.productName}</td>
      <td className="mono small">{r.bchno}</td>
      <td className="num">{qtyText(r.localQtyBase, r.units)}</td>
      <td className="num">{qtyText(r.centerQtyBase, r.units)}</td>
      <td className="small">{r.note}</td>
      <td>
        {r.uploadId !== null ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => openUploads('all', r.uploadId ?? undefined)}
            data-testid="diff-open-upload"
          >
            上传记录
          </button>
        ) : null}
      </td>
    </tr>
  );
}
