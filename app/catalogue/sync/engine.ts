import type { Db } from '../../db/connection';
import type { Logger } from '../../core/logger';
import type { NhsaOperator, NhsaResult } from '../../nhsa/client';
import type { NhsaService } from '../../nhsa/service';
import type {
  CatalogueId,
  CatalogueProgress,
  CatalogueState,
  CatalogueSyncRun,
  NatItemHit,
} from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { checkAborted, ProgressReporter, type RunContext } from './context';
import { CATALOGUE_ORDER, DEFAULT_CATALOGUES, catalogueDef } from './definitions';
import { syncDictionaries } from './dict-sync';
import { SyncFailure } from './errors';
import { syncFileCatalogue } from './file-sync';
import { createFileImporter } from './import-workers';
import { createNationalSearch } from './national-search';
import { syncPagedCatalogue } from './paged-sync';
import { createSyncStore, type RunReport } from './store';

/**
 * The catalogue sync of the till: a queue that runs one catalogue at a time in the background (so two syncs
 * never import into the same tables at once, and the till's own work keeps its share of the main thread),
 * the run history, the state per catalogue, and the national search.
 *
 * Who syncs: a manual sync runs as the logged-in operator, the daily one as the system operator below; the
 * CLI passes its own. Each run gets a row in catalogue_sync_runs when it is queued; a run a crash left
 * 'running' is marked 'interrupted' when the next process starts.
 */

/** The 经办人 scheduled syncs are sent as (no person behind them). */
export const CATALOGUE_SYSTEM_OPERATOR: NhsaOperator = { id: null, opter: 'system', opterName: '系统自动同步' };

const DAY_MS = 24 * 3600 * 1000;
/** The first scheduled sync waits this long after start-up, so opening the till is never slowed by it. */
const STARTUP_DELAY_MS = 2 * 60 * 1000;

export interface CatalogueSyncDeps {
  db: Db;
  log: Logger;
  /** the insurance service; null when it could not start (sync refuses, search still works) */
  nhsa: Pick<NhsaService, 'call' | 'config'> | null;
  /** progress and finished events (the core's event bus) */
  emit?: {
    progress(p: CatalogueProgress): void;
    finished(run: CatalogueSyncRun): void;
  };
  now?: () => number;
  /** better-sqlite3 built for Electron (development runs only), for the import writer's own connection */
  nativeBinding?: string;
}

export interface StartOptions {
  trigger: CatalogueSyncRun['trigger'];
  operator: NhsaOperator;
}

interface Job {
  runId: number;
  catalogue: CatalogueId;
  operator: NhsaOperator;
  done: Promise<CatalogueSyncRun>;
  resolve(run: CatalogueSyncRun): void;
}

export type CatalogueSync = ReturnType<typeof createCatalogueSync>;

export function createCatalogueSync(deps: CatalogueSyncDeps) {
  const { db, log } = deps;
  const now = deps.now ?? Date.now;
  const store = createSyncStore(db);
  const search = createNationalSearch(db, log, now);
  const queue: Job[] = [];
  let current: Job | null = null;
  const signal = { aborted: false };
  let worker: Promise<void> | null = null;
  const timers: NodeJS.Timeout[] = [];

  const interrupted = store.markInterrupted(
    now(),
    '程序在同步过程中退出，同步未完成；已完成的文件已保存，下次同步从中断处继续',
  );
  if (interrupted) log.warn('catalogue: runs left running by a previous process marked interrupted', { interrupted });

  function pending(catalogue: CatalogueId): Job | undefined {
    return current?.catalogue === catalogue ? current : queue.find((j) => j.catalogue === catalogue);
  }

  /**
   * Queues a sync of each catalogue (in dependency order) and returns the run ids at once; a catalogue that is
   * already queued or running is not queued twice — its run id is returned instead.
   */
  function start(catalogues: readonly CatalogueId[] | undefined, opts: StartOptions): number[] {
    if (signal.aborted) throw new AppError('CONFLICT', '程序正在退出，不能开始同步');
    if (!deps.nhsa) throw new AppError('NHSA_NOT_SENT', '医保服务未能启动，无法同步目录');
    const wanted = new Set(catalogues?.length ? catalogues : DEFAULT_CATALOGUES);
    const ids: number[] = [];
    for (const catalogue of CATALOGUE_ORDER) {
      if (!wanted.has(catalogue)) continue;
      const existing = pending(catalogue);
      if (existing) {
        ids.push(existing.runId);
        continue;
      }
      const runId = store.insertRun({
        catalogue,
        trigger: opts.trigger,
        operatorId: opts.operator.id,
        operator: opts.operator.opterName,
        now: now(),
      });
      let resolve!: (r: CatalogueSyncRun) => void;
      const done = new Promise<CatalogueSyncRun>((r) => (resolve = r));
      queue.push({ runId, catalogue, operator: opts.operator, done, resolve });
      ids.push(runId);
    }
    log.info('catalogue: sync queued', { runs: ids, trigger: opts.trigger, operator: opts.operator.opter });
    worker ??= drain().finally(() => (worker = null));
    return ids;
  }

  async function drain(): Promise<void> {
    while (queue.length && !signal.aborted) {
      const job = queue.shift()!;
      current = job;
      try {
        job.resolve(await runJob(job));
      } catch (e) {
        // runJob records every failure itself; reaching here means the bookkeeping failed too (e.g. the
        // database closed under a run that outlived shutdown). Nothing more can be written.
        log.error('catalogue: run bookkeeping failed', { runId: job.runId, error: e });
        job.resolve(lostRun(job));
      } finally {
        current = null;
      }
    }
    // Queued behind a shutdown: recorded as interrupted, never silently dropped.
    while (queue.length) {
      const job = queue.shift()!;
      try {
        store.finishRun({
          id: job.runId,
          status: 'interrupted',
          now: now(),
          error: '程序退出，排队中的同步未开始',
          report: { problems: [], problemsDropped: 0, notes: [], operator: job.operator.opterName },
          mark: null,
          rows: 0,
          skipped: 0,
          files: 0,
        });
      } catch (e) {
        log.error('catalogue: could not record a queued run as interrupted', { runId: job.runId, error: e });
      }
      job.resolve(lostRun(job));
    }
  }

  function lostRun(job: Job): CatalogueSyncRun {
    try {
      const r = store.run(job.runId);
      if (r) return r;
    } catch {
      /* the database is gone */
    }
    return {
      id: job.runId,
      catalogue: job.catalogue,
      trigger: 'manual',
      operatorName: job.operator.opterName,
      startedAt: new Date(now()).toISOString(),
      finishedAt: null,
      status: 'interrupted',
      fromMark: null,
      toMark: null,
      files: 0,
      rowsImported: 0,
      rowsSkipped: 0,
      error: '同步记录无法保存',
      problems: [],
    };
  }

  async function runJob(job: Job): Promise<CatalogueSyncRun> {
    const def = catalogueDef(job.catalogue);
    const state = store.state(job.catalogue);
    const fromMark = def.kind === 'file' ? (state?.max_ver ?? null) : (state?.max_updt_time ?? null);
    store.runStarted(job.runId, fromMark, now());
    const report: RunReport = { problems: [], problemsDropped: 0, notes: [], operator: job.operator.opterName };
    const nhsa = deps.nhsa!;
    const ctx: RunContext = {
      runId: job.runId,
      catalogue: job.catalogue,
      store,
      openImporter: () => createFileImporter({ db, log, nativeBinding: deps.nativeBinding }),
      log: log.child({ catalogue: job.catalogue, runId: job.runId }),
      call: (infno, input): Promise<NhsaResult> =>
        nhsa.call(infno, input, { operator: job.operator, source: 'catalogue' }),
      pharmacy: () => {
        const c = nhsa.config();
        return { fixmedinsCode: c.fixmedinsCode, admdvs: c.admdvs };
      },
      now,
      signal,
      progress: new ProgressReporter(job.runId, job.catalogue, (p) => deps.emit?.progress(p)),
      report,
      counters: { files: 0, rows: 0, skipped: 0 },
      mark: fromMark,
    };
    const started = performance.now();
    let status: CatalogueSyncRun['status'] = 'ok';
    let error: string | null = null;
    try {
      checkAborted(ctx);
      if (def.kind === 'file') await syncFileCatalogue(ctx, def);
      else if (def.kind === 'paged') await syncPagedCatalogue(ctx, def);
      else await syncDictionaries(ctx);
    } catch (e) {
      if (e instanceof SyncFailure) {
        status = e.interrupted ? 'interrupted' : 'failed';
        error = e.zh;
        for (const p of e.problems) if (report.problems.length < 300) report.problems.push(p);
        ctx.log.warn('catalogue: run stopped', { reason: e.en, problems: e.problems.length });
      } else {
        status = 'failed';
        error = `同步时发生内部错误：${(e as Error).message}。请联系实施工程师`;
        ctx.log.error('catalogue: run failed with an internal error', { error: e });
      }
    }
    if (ctx.counters.rows > 0 || def.kind === 'dict') search.invalidate();
    store.finishRun({
      id: job.runId,
      status,
      now: now(),
      error,
      report,
      mark: ctx.mark,
      rows: ctx.counters.rows,
      skipped: ctx.counters.skipped,
      files: ctx.counters.files,
    });
    const run = store.run(job.runId)!;
    ctx.progress.update(
      { phase: status === 'ok' ? 'done' : 'failed', message: error, percent: status === 'ok' ? 100 : null },
      true,
    );
    ctx.log.info('catalogue: run finished', {
      status,
      files: run.files,
      rows: run.rowsImported,
      skipped: run.rowsSkipped,
      from: run.fromMark,
      to: run.toMark,
      ms: Math.round(performance.now() - started),
    });
    deps.emit?.finished(run);
    return run;
  }

  function states(): CatalogueState[] {
    const byId = new Map(store.states().map((s) => [s.catalogue, s]));
    return CATALOGUE_ORDER.map((id) => {
      const def = catalogueDef(id);
      const s = byId.get(id);
      return {
        catalogue: id,
        name: def.name,
        mark: def.kind === 'file' ? (s?.max_ver ?? null) : (s?.max_updt_time ?? null),
        rows: s?.rows ?? 0,
        lastRun: store.lastRun(id) ?? null,
        running: pending(id) !== undefined,
      };
    });
  }

  return {
    start,

    /** Resolves when the given runs have finished (tests, the CLI). */
    async wait(runIds: readonly number[]): Promise<CatalogueSyncRun[]> {
      const jobs = [current, ...queue].filter((j): j is Job => j !== null && runIds.includes(j.runId));
      await Promise.all(jobs.map((j) => j.done));
      return runIds.map((id) => store.run(id)).filter((r): r is CatalogueSyncRun => r !== undefined);
    },

    states,

    runs: (limit: number, offset: number) => store.runs(limit, offset),

    searchNational: (q: string, opts: { catalogue?: string; limit: number }): Promise<NatItemHit[]> =>
      search.search(q, opts),

    /**
     * The daily incremental sync of the app (not the CLI): once a little after start-up, then every 24 hours.
     * Timers are unref'd so they never keep a closing process alive.
     */
    schedule(): void {
      const run = (trigger: 'startup' | 'scheduled') => {
        if (signal.aborted || !deps.nhsa) return;
        try {
          start(undefined, { trigger, operator: CATALOGUE_SYSTEM_OPERATOR });
        } catch (e) {
          log.warn('catalogue: scheduled sync not started', { error: e });
        }
      };
      timers.push(setTimeout(() => run('startup'), STARTUP_DELAY_MS).unref());
      timers.push(setInterval(() => run('scheduled'), DAY_MS).unref());
    },

    /** Stops at the next boundary (the current file is not merged), records the rest as interrupted. */
    async close(limitMs = 10_000): Promise<void> {
      signal.aborted = true;
      timers.forEach((t) => clearTimeout(t));
      search.close();
      if (worker) await Promise.race([worker, new Promise((r) => setTimeout(r, limitMs).unref())]);
    },
  };
}
