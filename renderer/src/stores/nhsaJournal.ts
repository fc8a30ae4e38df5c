import { create } from 'zustand';
import type { ChannelInput, NhsaJournalRow } from '../../../app/shared/contract';
import { call, toFailure, type Failure } from '../api/pos';
import { parseLocalTime } from './audit';

export type JournalOutcome = NhsaJournalRow['outcome'];

export interface JournalFilters {
  infno: string;
  outcome: JournalOutcome | '';
  /** typed local time, "2025-03-08" or "2025-03-08 14:30" */
  from: string;
  to: string;
  msgid: string;
}

interface JournalState {
  filters: JournalFilters;
  page: number;
  pageSize: number;
  rows: NhsaJournalRow[];
  total: number;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
  /** the row whose details are open */
  selectedId: number | null;
  exporting: boolean;
  exported: { path: string; rows: number } | null;
  exportError: Failure | null;
}

const initial: JournalState = {
  filters: { infno: '', outcome: '', from: '', to: '', msgid: '' },
  page: 0,
  pageSize: 50,
  rows: [],
  total: 0,
  loaded: false,
  loading: false,
  error: null,
  selectedId: null,
  exporting: false,
  exported: null,
  exportError: null,
};

export const useNhsaJournalStore = create<JournalState>()(() => initial);
const set = useNhsaJournalStore.setState;
const get = useNhsaJournalStore.getState;

export function resetNhsaJournal(): void {
  requestSeq++;
  set(initial);
}

export function clearJournalFilters(): void {
  set({ filters: initial.filters, error: null });
}

export function setJournalFilters(patch: Partial<JournalFilters>): void {
  set((s) => ({ filters: { ...s.filters, ...patch } }));
}

export function selectJournalRow(id: number | null): void {
  set({ selectedId: id });
}

const TIME_FORMAT_HINT = '时间应写成 2025-03-08 或 2025-03-08 14:30';

function failure(message: string): Failure {
  return { code: 'INVALID_INPUT', message, fields: [] };
}

/** The typed time range as ISO strings, or a problem to show. */
function timeRange(filters: JournalFilters): { from?: string; to?: string } | Failure {
  const from = parseLocalTime(filters.from, false);
  const to = parseLocalTime(filters.to, true);
  if (from === null || to === null) return failure(`${from === null ? '开始' : '结束'}${TIME_FORMAT_HINT}`);
  return { ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) };
}

let requestSeq = 0;

export async function loadJournal(page = get().page): Promise<void> {
  const { filters, pageSize } = get();
  const range = timeRange(filters);
  if ('code' in range) {
    set({ error: range });
    return;
  }
  const input: ChannelInput<'nhsa.journal'> = { limit: pageSize, offset: page * pageSize, ...range };
  const infno = filters.infno.trim().toUpperCase();
  if (infno) {
    if (!/^[0-9A-Z]{4,6}$/.test(infno)) {
      set({ error: failure('交易编号应为 4–6 位数字或大写字母，如 9001、2102') });
      return;
    }
    input.infno = infno;
  }
  if (filters.outcome) input.outcome = filters.outcome;
  if (filters.msgid.trim()) input.msgid = filters.msgid.trim();
  const seq = ++requestSeq;
  // an export notice belongs to the list it was made from
  set({ loading: true, error: null, page, exported: null, exportError: null });
  try {
    const { rows, total } = await call('nhsa.journal', input);
    if (seq === requestSeq) set({ rows, total, loaded: true, loading: false });
  } catch (e) {
    if (seq === requestSeq) set({ loading: false, error: toFailure(e) });
  }
}

/**
 * Writes the journal for the typed time range to a file in the data folder. The outcome (the
 * file, or why not) stays in the store for the panel to show.
 */
export async function exportJournal(): Promise<void> {
  const range = timeRange(get().filters);
  if ('code' in range) {
    set({ error: range });
    return;
  }
  set({ exporting: true, exported: null, exportError: null });
  try {
    set({ exported: await call('nhsa.journalExport', range), exporting: false });
  } catch (e) {
    set({ exportError: toFailure(e), exporting: false });
  }
}
