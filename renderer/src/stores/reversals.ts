import { create } from 'zustand';
import type { NhsaReversalRow } from '../../../app/shared/contract';
import { call, toFailure, type Failure } from '../api/pos';

export type ReversalFilter = 'all' | 'pending' | 'done';

interface ReversalsState {
  filter: ReversalFilter;
  rows: NhsaReversalRow[];
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
}

const initial: ReversalsState = { filter: 'all', rows: [], loaded: false, loading: false, error: null };

export const useReversalsStore = create<ReversalsState>()(() => initial);
const set = useReversalsStore.setState;
const get = useReversalsStore.getState;

export function resetReversals(): void {
  requestSeq++;
  set(initial);
}

/** Pending first (oldest due first: that is the order the queue works in), then the newest done. */
export function sortReversals(rows: readonly NhsaReversalRow[]): NhsaReversalRow[] {
  return [...rows].sort((a, b) => {
    if (a.state !== b.state) return a.state === 'pending' ? -1 : 1;
    if (a.state === 'pending') return a.nextAttemptAt.localeCompare(b.nextAttemptAt);
    return (b.doneAt ?? b.createdAt).localeCompare(a.doneAt ?? a.createdAt);
  });
}

let requestSeq = 0;

export async function loadReversals(filter: ReversalFilter = get().filter): Promise<void> {
  const seq = ++requestSeq;
  set({ loading: true, error: null, filter });
  try {
    const rows = await call('nhsa.reversals', filter === 'all' ? {} : { state: filter });
    if (seq === requestSeq) set({ rows: sortReversals(rows), loaded: true, loading: false });
  } catch (e) {
    if (seq === requestSeq) set({ loading: false, error: toFailure(e) });
  }
}

/** 2601 for one original msgid, now; throws PosError. The row tells whether the center confirmed. */
export async function reverseNow(msgid: string): Promise<NhsaReversalRow> {
  const row = await call('nhsa.reverse', { msgid });
  void loadReversals();
  return row;
}
