import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { CatalogueState, CatalogueSyncRun } from '../../../../app/shared/contract';
import { canUse } from '../../access';
import { CallErrorMessage } from '../../components/CallError';
import { Modal } from '../../components/Modal';
import { formatCount, formatDateTime, formatDuration, formatShortDateTime } from '../../format';
import {
  loadCatalogueRuns,
  loadCatalogueStates,
  openRun,
  startSync,
  useCatalogueStore,
  type LiveProgress,
} from '../../stores/catalogue';
import { useSessionStore } from '../../stores/session';
import { PHASE_LABELS, RUN_STATUS_LABELS, RUN_TRIGGER_LABELS, catalogueName } from './labels';
import { Pager } from '../../components/Pager';

/** While something runs and no progress events arrive (a shell that does not forward them), ask. */
const POLL_MS = 2000;

function runDuration(run: CatalogueSyncRun): number | null {
  if (!run.finishedAt) return null;
  return new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime();
}

function RunStatusBadge({ status }: { status: CatalogueSyncRun['status'] }) {
  return (
    <span className={`badge run-${status}`} data-testid="run-status" data-status={status}>
      {RUN_STATUS_LABELS[status]}
    </span>
  );
}

export function SyncPanel() {
  const states = useCatalogueStore((s) => s.states);
  const statesLoaded = useCatalogueStore((s) => s.statesLoaded);
  const statesError = useCatalogueStore((s) => s.statesError);
  const progress = useCatalogueStore((s) => s.progress);
  const starting = useCatalogueStore((s) => s.starting);
  const syncError = useCatalogueStore((s) => s.syncError);
  const roles = useSessionStore((s) => s.operator?.roles);
  const canSync = canUse('catalogue.sync', roles);
  const anyRunning = states.some((s) => s.running);
  const lastEvent = useRef(0);

  useEffect(() => {
    void loadCatalogueStates();
    void loadCatalogueRuns(0);
  }, []);

  // progress events make polling unnecessary; without them the states still show what happens
  useEffect(() => {
    lastEvent.current = Date.now();
  }, [progress]);
  useEffect(() => {
    if (!anyRunning) return;
    const t = setInterval(() => {
      if (Date.now() - lastEvent.current > POLL_MS) void loadCatalogueStates();
    }, POLL_MS);
    return () => clearInterval(t);
  }, [anyRunning]);

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>目录同步</h2>
        {canSync ? (
          <div className="toolbar-actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={starting || anyRunning || states.length === 0}
              onClick={() => void startSync()}
              data-testid="sync-all"
              title="从医保中心下载全部目录的新版本（增量）"
            >
              {anyRunning ? '正在同步…' : '全部同步'}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                void loadCatalogueStates();
                void loadCatalogueRuns();
              }}
            >
              刷新
            </button>
          </div>
        ) : null}
      </div>
      <p className="muted">
        从医保中心下载国家目录、医保目录和字典。每次只下载本地最新版本之后的内容；中途断网或关机，下次同步会从断点继续，不会重复也不会遗漏。同步在后台进行，不影响收银。
      </p>
      <CallErrorMessage failure={statesError ?? syncError} />
      <table className="table table-dense sync-table" data-testid="sync-table">
        <thead>
          <tr>
            <th className="col-cat">目录</th>
            <th className="col-mark" title="文件类目录是版本号，查询类目录是最近一条数据的更新时间">
              本地版本
            </th>
            <th className="col-rows num">行数</th>
            <th className="col-last">上次同步</th>
            <th>进度</th>
            {canSync ? <th className="col-sync">操作</th> : null}
          </tr>
        </thead>
        <tbody>
          {states.map((s) => (
            <StateRow key={s.catalogue} state={s} progress={progress[s.catalogue]} canSync={canSync} />
          ))}
          {statesLoaded && states.length === 0 ? (
            <tr>
              <td colSpan={canSync ? 6 : 5} className="muted">
                没有可同步的目录
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <RunHistory />
    </div>
  );
}

function StateRow({
  state: s,
  progress,
  canSync,
}: {
  state: CatalogueState;
  progress: LiveProgress | undefined;
  canSync: boolean;
}) {
  const starting = useCatalogueStore((st) => st.starting);
  const last = s.lastRun;
  return (
    <tr data-testid="sync-state" data-catalogue={s.catalogue} data-running={s.running}>
      <td>
        <span className="mono">{s.catalogue}</span> {catalogueName(s.catalogue, s.name)}
      </td>
      <td className="mono small cell-wrap" data-testid="sync-mark">
        {s.mark ?? <span className="muted">尚未同步</span>}
      </td>
      <td className="num" data-testid="sync-rows">
        {formatCount(s.rows)}
      </td>
      <td className="small">
        {last ? (
          <>
            <RunStatusBadge status={last.status} />{' '}
            <span className="nowrap" title={formatDateTime(last.finishedAt ?? last.startedAt)}>
              {formatShortDateTime(last.finishedAt ?? last.startedAt)}
            </span>
            {last.status === 'failed' && last.error ? (
              <div className="cell-err cell-ellipsis" title={last.error}>
                {last.error}
              </div>
            ) : null}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <ProgressBar progress={progress} running={s.running} />
      </td>
      {canSync ? (
        <td className="row-actions">
          <button
            type="button"
            className="btn btn-small"
            disabled={s.running || starting}
            onClick={() => void startSync([s.catalogue])}
            data-testid={`sync-one-${s.catalogue}`}
          >
            同步
          </button>
        </td>
      ) : null}
    </tr>
  );
}

/** rows, percent and speed of one catalogue's sync; full and green once done, red when it failed. */
function ProgressBar({ progress, running }: { progress: LiveProgress | undefined; running: boolean }) {
  if (!progress && !running) return <span className="muted small">—</span>;
  const phase = progress?.phase ?? 'querying';
  const ended = phase === 'done' || phase === 'failed';
  const percent = progress?.percent ?? null;
  // failed: a red bar as far as it got (all of it when that is not known), the reason is beside it
  const shown = phase === 'done' ? 100 : phase === 'failed' ? (percent ?? 100) : percent;
  const where = progress && !ended ? (progress.fileNo > 0 ? `第 ${progress.fileNo} 个文件` : progress.message) : null;
  const label = [
    PHASE_LABELS[phase],
    where,
    shown !== null && !ended ? `${Math.floor(shown)}%` : null,
    progress ? `${formatCount(progress.rows)} 行` : null,
    progress && !ended && progress.rowsPerSecond > 0 ? `${formatCount(progress.rowsPerSecond)} 行/秒` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div
      className={`progress progress-${phase}${shown === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={phase === 'failed' ? undefined : (shown ?? undefined)}
      aria-valuetext={label}
      data-testid={`sync-progress-${progress?.catalogue ?? 'pending'}`}
      data-phase={phase}
      data-percent={shown ?? ''}
      data-rows={progress?.rows ?? 0}
    >
      <div className="progress-track">
        <div className="progress-fill" style={{ width: `${shown ?? 100}%` }} />
      </div>
      <div
        className="progress-label small"
        title={[progress?.file, progress?.message].filter(Boolean).join('\n') || undefined}
      >
        {label}
      </div>
    </div>
  );
}

function RunHistory() {
  const runs = useCatalogueStore((s) => s.runs);
  const total = useCatalogueStore((s) => s.runsTotal);
  const page = useCatalogueStore((s) => s.runsPage);
  const pageSize = useCatalogueStore((s) => s.runsPageSize);
  const loaded = useCatalogueStore((s) => s.runsLoaded);
  const loading = useCatalogueStore((s) => s.runsLoading);
  const error = useCatalogueStore((s) => s.runsError);
  const openId = useCatalogueStore((s) => s.openRunId);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const open = runs.find((r) => r.id === openId) ?? null;
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const tabStop = Math.min(activeIndex, runs.length - 1);

  function focusRow(i: number) {
    const list = tbodyRef.current?.querySelectorAll<HTMLTableRowElement>('tr[data-row]');
    if (!list || list.length === 0) return;
    const index = Math.max(0, Math.min(list.length - 1, i));
    setActiveIndex(index);
    list[index]?.focus();
  }

  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, i: number, run: CatalogueSyncRun) {
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: runs.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openRun(run.id);
    }
  }

  function close() {
    const index = runs.findIndex((r) => r.id === openId);
    openRun(null);
    requestAnimationFrame(() => focusRow(index));
  }

  return (
    <section className="run-history" aria-labelledby="run-history-title">
      <h3 id="run-history-title" className="section-title">
        同步记录
      </h3>
      <CallErrorMessage failure={error} />
      <p className="muted small table-hint">用 ↑ ↓ 选择一行，按 Enter 查看问题报告（文件、行、字段）。</p>
      <table className="table table-dense runs-table" data-testid="runs-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-time">开始时间</th>
            <th className="col-cat">目录</th>
            <th className="col-status">结果</th>
            <th className="col-marks">版本</th>
            <th className="col-num num">文件</th>
            <th className="col-num num">导入</th>
            <th className="col-num num">跳过</th>
            <th className="col-dur num">耗时</th>
            <th>说明</th>
          </tr>
        </thead>
        <tbody ref={tbodyRef}>
          {runs.map((r, i) => (
            <tr
              key={r.id}
              data-row
              tabIndex={i === tabStop ? 0 : -1}
              className="row-clickable"
              onClick={() => {
                setActiveIndex(i);
                openRun(r.id);
              }}
              onKeyDown={(e) => onRowKey(e, i, r)}
              onFocus={() => setActiveIndex(i)}
              aria-label={`${r.catalogue} ${RUN_STATUS_LABELS[r.status]}，按 Enter 查看详情`}
              data-testid="run-row"
              data-catalogue={r.catalogue}
              data-status={r.status}
            >
              <td className="mono small">{formatDateTime(r.startedAt)}</td>
              <td>
                <span className="mono">{r.catalogue}</span>
              </td>
              <td>
                <RunStatusBadge status={r.status} />
              </td>
              <td className="mono small cell-ellipsis" title={`${r.fromMark ?? '—'} → ${r.toMark ?? '—'}`}>
                {r.fromMark ?? '起始'} → {r.toMark ?? '—'}
              </td>
              <td className="num">{r.files}</td>
              <td className="num">{formatCount(r.rowsImported)}</td>
              <td className={r.rowsSkipped > 0 ? 'num text-warn' : 'num'}>{formatCount(r.rowsSkipped)}</td>
              <td className="num small">{formatDuration(runDuration(r))}</td>
              <td className="small cell-ellipsis" title={r.error ?? undefined}>
                {r.error ? (
                  <span className="cell-err">{r.error}</span>
                ) : r.problems.length > 0 ? (
                  <span className="text-warn">{r.problems.length} 个问题</span>
                ) : (
                  <span className="muted">
                    {RUN_TRIGGER_LABELS[r.trigger]}
                    {r.operatorName ? ` · ${r.operatorName}` : ''}
                  </span>
                )}
              </td>
            </tr>
          ))}
          {loaded && runs.length === 0 ? (
            <tr>
              <td colSpan={9} className="muted">
                还没有同步记录
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager
        page={page}
        pages={pages}
        total={total}
        unit="次"
        loading={loading}
        onPage={(p) => void loadCatalogueRuns(p)}
        testId="runs-page"
      />
      {open ? <RunDetails run={open} onClose={close} /> : null}
    </section>
  );
}

function RunDetails({ run, onClose }: { run: CatalogueSyncRun; onClose: () => void }) {
  return (
    <Modal
      title={`${run.catalogue} ${catalogueName(run.catalogue)} · 同步记录`}
      onClose={onClose}
      drawer
      testId="run-details"
    >
      <button type="button" className="btn btn-small drawer-close" onClick={onClose} data-autofocus>
        关闭（Esc）
      </button>
      <dl className="info-list details-list">
        <dt>结果</dt>
        <dd>
          <RunStatusBadge status={run.status} />
        </dd>
        <dt>开始</dt>
        <dd className="mono">{formatDateTime(run.startedAt)}</dd>
        <dt>结束</dt>
        <dd className="mono">{formatDateTime(run.finishedAt)}</dd>
        <dt>耗时</dt>
        <dd>{formatDuration(runDuration(run))}</dd>
        <dt>发起</dt>
        <dd>
          {RUN_TRIGGER_LABELS[run.trigger]}
          {run.operatorName ? `（${run.operatorName}）` : ''}
        </dd>
        <dt>版本</dt>
        <dd className="mono">
          {run.fromMark ?? '起始'} → {run.toMark ?? '—'}
        </dd>
        <dt>文件</dt>
        <dd>{run.files}</dd>
        <dt>导入行数</dt>
        <dd>{formatCount(run.rowsImported)}</dd>
        <dt>跳过行数</dt>
        <dd className={run.rowsSkipped > 0 ? 'text-warn' : undefined}>{formatCount(run.rowsSkipped)}</dd>
        {run.error ? (
          <>
            <dt>错误</dt>
            <dd className="text-danger">{run.error}</dd>
          </>
        ) : null}
      </dl>
      <h3 className="details-heading">问题报告</h3>
      {run.problems.length === 0 ? (
        <p className="muted">没有问题。</p>
      ) : (
        <table className="table table-dense problem-table" data-testid="run-problems">
          <thead>
            <tr>
              <th>文件</th>
              <th className="num">行</th>
              <th>字段</th>
              <th>问题</th>
            </tr>
          </thead>
          <tbody>
            {run.problems.map((p, i) => (
              <tr key={i} data-testid="run-problem">
                <td className="mono small cell-wrap">{p.file}</td>
                <td className="num mono">{p.line}</td>
                <td className="mono small">{p.field || '—'}</td>
                <td className="cell-err">{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Modal>
  );
}
