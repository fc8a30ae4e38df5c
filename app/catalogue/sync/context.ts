import type { Logger } from '../../core/logger';
import type { NhsaResult } from '../../nhsa/client';
import type { CatalogueId, CatalogueProgress } from '../../shared/contract';
import { MAX_PROBLEMS, SyncFailure, type RowProblem } from './errors';
import type { FileImporter } from './import-workers';
import type { RunReport, SyncStore } from './store';

/** What one catalogue's run works with: its calls, its store, its report and its progress. */
export interface RunContext {
  runId: number;
  catalogue: CatalogueId;
  store: SyncStore;
  /** starts the threads that read and write downloaded files (file catalogues only) */
  openImporter(): Promise<FileImporter>;
  log: Logger;
  /** a call to the center as the run's operator */
  call(infno: string, input: Record<string, unknown>): Promise<NhsaResult>;
  /** the pharmacy as configured now */
  pharmacy(): { fixmedinsCode: string; admdvs: string };
  now(): number;
  /** set when the app is closing: the run stops at the next file, page or chunk boundary */
  readonly signal: { aborted: boolean };
  progress: ProgressReporter;
  report: RunReport;
  counters: { files: number; rows: number; skipped: number };
  /** the mark reached so far (to_mark) */
  mark: string | null;
}

export function addProblems(ctx: RunContext, problems: readonly RowProblem[], dropped = 0): void {
  for (const p of problems) {
    if (ctx.report.problems.length < MAX_PROBLEMS) ctx.report.problems.push(p);
    else ctx.report.problemsDropped++;
  }
  ctx.report.problemsDropped += dropped;
}

export function checkAborted(ctx: RunContext): void {
  if (ctx.signal.aborted) {
    throw new SyncFailure(
      '程序正在退出，同步已中断；下次同步会从已完成的部分继续',
      `catalogue ${ctx.catalogue}: run ${ctx.runId} stopped by shutdown`,
      [],
      true,
    );
  }
}

/** Lets the till's own work (a keystroke, a sale) run between two chunks of an import. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A failed call, in words for the user and for the log. Network loss and timeouts land here too. */
export function callFailure(r: Exclude<NhsaResult, { kind: 'ok' }>, what: string): SyncFailure {
  switch (r.kind) {
    case 'business_error':
      return new SyncFailure(
        `${what}失败，医保中心返回：${r.errMsg}`,
        `${r.infno} refused by the center (infcode ${r.infcode}, msgid ${r.msgid}): ${r.errMsg}`,
      );
    case 'not_sent':
      return new SyncFailure(`${what}失败：${r.reason}`, `${r.infno} not sent: ${r.reason}`);
    case 'unknown':
      return new SyncFailure(
        `${what}失败（与医保中心的连接中断或超时）：${r.reason}。已导入的部分已保存，下次同步从中断处继续`,
        `${r.infno} outcome unknown (msgid ${r.msgid}): ${r.reason}`,
      );
  }
}

/**
 * Progress events for one run, at most one every `everyMs` (10 a second by default) so a fast import cannot
 * flood the renderer; phase changes to done/failed always go out.
 */
export class ProgressReporter {
  private last = 0;
  private readonly started = performance.now();
  private state: CatalogueProgress;

  constructor(
    runId: number,
    catalogue: CatalogueId,
    private readonly emit: (p: CatalogueProgress) => void,
    private readonly everyMs = 100,
  ) {
    this.state = {
      runId,
      catalogue,
      phase: 'querying',
      rows: 0,
      percent: null,
      rowsPerSecond: 0,
      file: null,
      message: null,
    };
  }

  update(p: Partial<Omit<CatalogueProgress, 'runId' | 'catalogue' | 'rowsPerSecond'>>, force = false): void {
    this.state = { ...this.state, ...p };
    const t = performance.now();
    if (!force && t - this.last < this.everyMs) return;
    this.last = t;
    const seconds = (t - this.started) / 1000;
    this.state.rowsPerSecond = seconds > 0 ? Math.round(this.state.rows / seconds) : 0;
    this.emit({ ...this.state });
  }
}
