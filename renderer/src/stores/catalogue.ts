import { create } from 'zustand';
import type { CatalogueId, CatalogueProgress, CatalogueState, CatalogueSyncRun } from '../../../app/shared/contract';
import { call, toFailure, type Failure } from '../api/pos';

/**
 * A progress event with the number of the file it is about: the service's percent is per file
 * (the version loop does not know how many files are still to come), so the screen says which.
 */
export interface LiveProgress extends CatalogueProgress {
  /** 1 for the first file of this run, 2 for the second…; 0 while no file is involved */
  fileNo: number;
}

interface CatalogueStoreState {
  states: CatalogueState[];
  statesLoaded: boolean;
  statesLoading: boolean;
  statesError: Failure | null;
  /** the last progress event per catalogue: live while running, kept after the end to show how it went */
  progress: Partial<Record<CatalogueId, LiveProgress>>;
  /** a 同步 request is on its way */
  starting: boolean;
  syncError: Failure | null;
  runs: CatalogueSyncRun[];
  runsTotal: number;
  runsPage: number;
  runsPageSize: number;
  runsLoaded: boolean;
  runsLoading: boolean;
  runsError: Failure | null;
  /** the run whose problem report is open */
  openRunId: number | null;
}

const initial: CatalogueStoreState = {
  states: [],
  statesLoaded: false,
  statesLoading: false,
  statesError: null,
  progress: {},
  starting: false,
  syncError: null,
  runs: [],
  runsTotal: 0,
  runsPage: 0,
  runsPageSize: 20,
  runsLoaded: false,
  runsLoading: false,
  runsError: null,
  openRunId: null,
};

export const useCatalogueStore = create<CatalogueStoreState>()(() => initial);
const set = useCatalogueStore.setState;
const get = useCatalogueStore.getState;

let statesSeq = 0;
let runsSeq = 0;

export function resetCatalogue(): void {
  statesSeq++;
  runsSeq++;
  set(initial);
}

export async function loadCatalogueStates(): Promise<void> {
  const seq = ++statesSeq;
  set({ statesLoading: true, statesError: null });
  try {
    const states = await call('catalogue.states', {});
    if (seq === statesSeq) set({ states, statesLoaded: true, statesLoading: false });
  } catch (e) {
    if (seq === statesSeq) set({ statesLoading: false, statesError: toFailure(e) });
  }
}

export async function loadCatalogueRuns(page = get().runsPage): Promise<void> {
  const seq = ++runsSeq;
  const { runsPageSize } = get();
  set({ runsLoading: true, runsError: null, runsPage: page });
  try {
    const { rows, total } = await call('catalogue.runs', { limit: runsPageSize, offset: page * runsPageSize });
    if (seq === runsSeq) set({ runs: rows, runsTotal: total, runsLoaded: true, runsLoading: false });
  } catch (e) {
    if (seq === runsSeq) set({ runsLoading: false, runsError: toFailure(e) });
  }
}

/** Starts a sync of the given catalogues, or of all of them; progress arrives as events. */
export async function startSync(catalogues?: CatalogueId[]): Promise<void> {
  if (get().starting) return;
  // what was reached before counts no more: the bars start again from nothing (before the call,
  // because the first progress events may arrive before its answer does)
  set((s) => {
    const progress = { ...s.progress };
    for (const c of catalogues ?? (Object.keys(progress) as CatalogueId[])) {
      if (progress[c]?.phase === 'done' || progress[c]?.phase === 'failed') delete progress[c];
    }
    return { progress, starting: true, syncError: null };
  });
  try {
    await call('catalogue.sync', catalogues ? { catalogues } : {});
    set({ starting: false });
    void loadCatalogueStates();
    void loadCatalogueRuns(0);
  } catch (e) {
    set({ starting: false, syncError: toFailure(e) });
  }
}

export function openRun(id: number | null): void {
  set({ openRunId: id });
}

/** 'catalogue.progress': the bar moves; the catalogue shows as running even before states reload. */
export function onCatalogueProgress(p: CatalogueProgress): void {
  set((s) => {
    const prev = s.progress[p.catalogue];
    const sameRun = prev !== undefined && prev.runId === p.runId;
    const fileNo = !p.file
      ? sameRun
        ? prev.fileNo
        : 0
      : sameRun && prev.file === p.file
        ? prev.fileNo
        : (sameRun ? prev.fileNo : 0) + 1;
    return {
      progress: { ...s.progress, [p.catalogue]: { ...p, fileNo } },
      states: s.states.map((st) =>
        st.catalogue === p.catalogue && !st.running && p.phase !== 'done' && p.phase !== 'failed'
          ? { ...st, running: true }
          : st,
      ),
    };
  });
}

let reloadTimer: ReturnType<typeof setTimeout> | null = null;

/** 'catalogue.finished': the run's outcome goes into the state and the history at once. */
export function onCatalogueFinished(run: CatalogueSyncRun): void {
  set((s) => {
    const last = s.progress[run.catalogue];
    const ok = run.status === 'ok';
    const progress: LiveProgress = {
      fileNo: last && last.runId === run.id ? last.fileNo : 0,
      runId: run.id,
      catalogue: run.catalogue,
      phase: ok ? 'done' : 'failed',
      rows: last && last.runId === run.id ? Math.max(last.rows, run.rowsImported) : run.rowsImported,
      percent: ok ? 100 : (last?.percent ?? null),
      rowsPerSecond: last && last.runId === run.id ? last.rowsPerSecond : 0,
      file: null,
      message: run.error,
    };
    return {
      progress: { ...s.progress, [run.catalogue]: progress },
      states: s.states.map((st) => (st.catalogue === run.catalogue ? { ...st, running: false, lastRun: run } : st)),
      runs: s.runs.some((r) => r.id === run.id) ? s.runs.map((r) => (r.id === run.id ? run : r)) : s.runs,
    };
  });
  // several catalogues often finish together: one reload for all of them
  if (reloadTimer !== null) clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    reloadTimer = null;
    if (!get().statesLoaded && !get().runsLoaded) return;
    void loadCatalogueStates();
    void loadCatalogueRuns();
  }, 300);
}
