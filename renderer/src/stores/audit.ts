import { create } from 'zustand';
import type { AuditRow, ChannelInput } from '../../../app/shared/contract';
import { call, errorMessage } from '../api/pos';

export interface AuditFilters {
  /** typed local time, "2025-03-08" or "2025-03-08 14:30" */
  from: string;
  to: string;
  action: string;
}

interface AuditState {
  filters: AuditFilters;
  page: number;
  pageSize: number;
  rows: AuditRow[];
  total: number;
  loaded: boolean;
  loading: boolean;
  error: string | null;
}

const initial: AuditState = {
  filters: { from: '', to: '', action: '' },
  page: 0,
  pageSize: 50,
  rows: [],
  total: 0,
  loaded: false,
  loading: false,
  error: null,
};

export const useAuditStore = create<AuditState>()(() => initial);
const set = useAuditStore.setState;
const get = useAuditStore.getState;

export function resetAudit(): void {
  set(initial);
}

export function setAuditFilters(patch: Partial<AuditFilters>): void {
  set((s) => ({ filters: { ...s.filters, ...patch } }));
}

const TIME_FORMAT_HINT = '时间应写成 2025-03-08 或 2025-03-08 14:30';

/**
 * Reads a typed local date/time. Typed text rather than a datetime-local input because the
 * browser would format that in its own UI language (mm/dd/yyyy on an English Chrome).
 * A bare date as the upper bound means the end of that day.
 */
export function parseLocalTime(text: string, endOfDay: boolean): Date | null | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$/.exec(t);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map((x) => (x === undefined ? undefined : Number(x)));
  const hasTime = h !== undefined;
  const date = new Date(
    y!,
    mo! - 1,
    d!,
    hasTime ? h : endOfDay ? 23 : 0,
    hasTime ? mi : endOfDay ? 59 : 0,
    hasTime ? (s ?? (endOfDay ? 59 : 0)) : endOfDay ? 59 : 0,
    endOfDay && !(hasTime && s !== undefined) ? 999 : 0,
  );
  // new Date(2025, 1, 30) silently becomes March 2nd; a typo must not become another day.
  if (date.getFullYear() !== y || date.getMonth() !== mo! - 1 || date.getDate() !== d) return null;
  if (hasTime && (h! > 23 || mi! > 59 || (s ?? 0) > 59)) return null;
  return date;
}

function pad(n: number) {
  return String(n).padStart(2, '0');
}

export function formatLocalDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Quick ranges: the last `days` days including today. */
export function setAuditDays(days: number): void {
  const from = new Date();
  from.setDate(from.getDate() - (days - 1));
  setAuditFilters({ from: formatLocalDate(from), to: '' });
}

let requestSeq = 0;

export async function loadAudit(page = get().page): Promise<void> {
  const { filters, pageSize } = get();
  const input: ChannelInput<'audit.list'> = { limit: pageSize, offset: page * pageSize };
  const from = parseLocalTime(filters.from, false);
  const to = parseLocalTime(filters.to, true);
  if (from === null || to === null) {
    set({ error: `${from === null ? '开始' : '结束'}${TIME_FORMAT_HINT}` });
    return;
  }
  if (from) input.from = from.toISOString();
  if (to) input.to = to.toISOString();
  if (filters.action.trim()) input.action = filters.action.trim();
  const seq = ++requestSeq;
  set({ loading: true, error: null, page });
  try {
    const { rows, total } = await call('audit.list', input);
    if (seq === requestSeq) set({ rows, total, loaded: true, loading: false });
  } catch (e) {
    if (seq === requestSeq) set({ loading: false, error: errorMessage(e) });
  }
}
