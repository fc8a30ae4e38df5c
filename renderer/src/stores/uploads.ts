import { create } from 'zustand';
import type { ChannelInput } from '../../../app/shared/contract';
import type {
  ReconcileKind,
  ReconcileReport,
  UploadRowView,
  UploadState,
  UploadSummary,
} from '../../../app/shared/inventory';
import { call, toFailure, type Failure } from '../api/pos';
import { monthStartLocal, todayLocal } from '../screens/inventory/util';
import { resetOnOperatorChange } from './inventory';
import { goTo } from './navigation';

/**
 * 对账: the insurance stock-ledger outbox (上传队列), the backlog the status bar shows, and the last
 * reconciliation (差异对账). 'uploads.changed' keeps the summary fresh and tells an open list to reload.
 */

export type ReconcileTab = 'uploads' | 'diff';
export type UploadFilter = 'all' | UploadState | 'problem';
export type UploadInfno = NonNullable<ChannelInput<'uploads.list'>['infno']>;

interface UploadsState {
  tab: ReconcileTab;
  /** the backlog; null until the first uploads.summary after login */
  summary: UploadSummary | null;
  /** counts 'uploads.changed' events so that an open list knows to reload */
  revision: number;
  draining: boolean;
  drainFailure: Failure | null;

  filter: UploadFilter;
  infno: UploadInfno | '';
  page: number;
  pageSize: number;
  rows: UploadRowView[];
  total: number;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
  /** the row whose record is open (查看/修改) */
  openId: number | null;
}

const initial: UploadsState = {
  tab: 'uploads',
  summary: null,
  revision: 0,
  draining: false,
  drainFailure: null,
  filter: 'all',
  infno: '',
  page: 0,
  pageSize: 50,
  rows: [],
  total: 0,
  loaded: false,
  loading: false,
  error: null,
  openId: null,
};

export const useUploadsStore = create<UploadsState>()(() => initial);
const set = useUploadsStore.setState;
const get = useUploadsStore.getState;

let summarySeq = 0;
let listSeq = 0;

export function setReconcileTab(tab: ReconcileTab): void {
  set({ tab });
}

/** From anywhere (the status bar, a reconciliation row): 对账 › 上传队列, optionally with one row open. */
export function openUploads(filter?: UploadFilter, openId?: number): void {
  set((s) => ({
    tab: 'uploads',
    filter: filter ?? s.filter,
    infno: filter ? '' : s.infno,
    page: filter ? 0 : s.page,
    openId: openId ?? null,
  }));
  goTo('reconcile');
  void loadUploads();
}

export async function refreshUploadSummary(): Promise<void> {
  const seq = ++summarySeq;
  try {
    const summary = await call('uploads.summary', {});
    if (seq === summarySeq) set({ summary });
  } catch {
    // the status bar keeps the last known backlog; the connection banner tells about outages
  }
}

/** The event carries the summary itself: no need to ask. */
export function onUploadsChanged(summary: UploadSummary): void {
  summarySeq++;
  set((s) => ({ summary, revision: s.revision + 1 }));
}

export async function drainNow(): Promise<void> {
  if (get().draining) return;
  summarySeq++;
  set({ draining: true, drainFailure: null });
  try {
    const summary = await call('uploads.drainNow', {});
    set({ summary, draining: false });
  } catch (e) {
    set({ draining: false, drainFailure: toFailure(e) });
  }
  void loadUploads();
}

export function setUploadFilter(filter: UploadFilter): void {
  set({ filter, page: 0 });
  void loadUploads(0);
}

export function setUploadInfno(infno: UploadInfno | ''): void {
  set({ infno, page: 0 });
  void loadUploads(0);
}

export async function loadUploads(page = get().page): Promise<void> {
  const { filter, infno, pageSize } = get();
  const input: ChannelInput<'uploads.list'> = { offset: page * pageSize, limit: pageSize };
  if (filter !== 'all') input.state = filter;
  if (infno) input.infno = infno;
  const seq = ++listSeq;
  set({ loading: true, error: null, page });
  try {
    const { rows, total } = await call('uploads.list', input);
    if (seq === listSeq) set({ rows, total, loaded: true, loading: false });
  } catch (e) {
    if (seq === listSeq) set({ loading: false, error: toFailure(e) });
  }
}

export function openUploadRow(id: number | null): void {
  set({ openId: id });
}

export function getUpload(id: number): Promise<{ row: UploadRowView; payload: unknown }> {
  return call('uploads.get', { id });
}

function replaceRow(row: UploadRowView) {
  set((s) => ({ rows: s.rows.map((r) => (r.id === row.id ? row : r)) }));
}

/** 重传 (as it is) or 修改后重传 (with the corrected record); throws PosError for the dialog. */
export async function resendUpload(id: number, row?: Record<string, unknown>): Promise<UploadRowView> {
  const fresh = await call('uploads.resend', row ? { id, row } : { id });
  replaceRow(fresh);
  void refreshUploadSummary();
  return fresh;
}

export async function deleteUpload(id: number, reason: string): Promise<UploadRowView> {
  const fresh = await call('uploads.delete', { id, reason });
  replaceRow(fresh);
  void refreshUploadSummary();
  return fresh;
}

// ---- 差异对账 --------------------------------------------------------------------------------------------

export const RECONCILE_KINDS: readonly ReconcileKind[] = ['stock', 'changes', 'purchases', 'sales', 'ledger'];

interface ReconcileState {
  from: string;
  to: string;
  kinds: ReconcileKind[];
  showMatches: boolean;
  running: boolean;
  failure: Failure | null;
  report: ReconcileReport | null;
}

const initialReconcile = (): ReconcileState => ({
  from: monthStartLocal(),
  to: todayLocal(),
  kinds: [...RECONCILE_KINDS],
  showMatches: false,
  running: false,
  failure: null,
  report: null,
});

export const useReconcileStore = create<ReconcileState>()(initialReconcile);

export function setReconcileRange(patch: Partial<Pick<ReconcileState, 'from' | 'to'>>): void {
  useReconcileStore.setState(patch);
}

export function toggleReconcileKind(kind: ReconcileKind): void {
  useReconcileStore.setState((s) => ({
    kinds: s.kinds.includes(kind)
      ? s.kinds.filter((k) => k !== kind)
      : RECONCILE_KINDS.filter((k) => k === kind || s.kinds.includes(k)),
  }));
}

export function setShowMatches(showMatches: boolean): void {
  useReconcileStore.setState({ showMatches });
}

let reconcileSeq = 0;

export async function runReconcile(): Promise<void> {
  const { from, to, kinds, running } = useReconcileStore.getState();
  if (running) return;
  const seq = ++reconcileSeq;
  useReconcileStore.setState({ running: true, failure: null });
  try {
    const report = await call('reconcile.run', { from, to, kinds });
    if (seq === reconcileSeq) useReconcileStore.setState({ report, running: false });
  } catch (e) {
    if (seq === reconcileSeq) useReconcileStore.setState({ running: false, failure: toFailure(e) });
  }
}

export function resetUploads(): void {
  summarySeq++;
  listSeq++;
  reconcileSeq++;
  set(initial);
  useReconcileStore.setState(initialReconcile());
}

resetOnOperatorChange(resetUploads);
