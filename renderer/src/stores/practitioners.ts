import { create } from 'zustand';
import type { ChannelInput, PractitionerRow } from '../../../app/shared/contract';
import { call, toFailure, type Failure } from '../api/pos';

export type PractitionerType = '1' | '2' | '3' | '4';

export const PRACTITIONER_TYPES: Record<PractitionerType, string> = {
  '1': '医师',
  '2': '护士',
  '3': '药师',
  '4': '医技人员',
};

export interface PractitionerQuery {
  type: PractitionerType;
  name: string;
  code: string;
}

interface PractitionersState {
  query: PractitionerQuery;
  rows: PractitionerRow[];
  /** when the rows came from the center; a failed query keeps them, marked as older */
  fetchedAt: string | null;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
}

/** 药师 by default: the list the pharmacist on duty will be picked from. */
const initial: PractitionersState = {
  query: { type: '3', name: '', code: '' },
  rows: [],
  fetchedAt: null,
  loaded: false,
  loading: false,
  error: null,
};

export const usePractitionersStore = create<PractitionersState>()(() => initial);
const set = usePractitionersStore.setState;
const get = usePractitionersStore.getState;

export function resetPractitioners(): void {
  requestSeq++;
  set(initial);
}

export function setPractitionerQuery(patch: Partial<PractitionerQuery>): void {
  set((s) => ({ query: { ...s.query, ...patch } }));
}

let requestSeq = 0;

/** 5102 with the typed query; the answer comes from the insurance center, not from this till. */
export async function loadPractitioners(): Promise<void> {
  const { query } = get();
  const input: ChannelInput<'nhsa.practitioners'> = { prac_psn_type: query.type };
  if (query.name.trim()) input.prac_psn_name = query.name.trim();
  if (query.code.trim()) input.prac_psn_code = query.code.trim();
  const seq = ++requestSeq;
  set({ loading: true, error: null });
  try {
    const rows = await call('nhsa.practitioners', input);
    if (seq === requestSeq) set({ rows, fetchedAt: new Date().toISOString(), loaded: true, loading: false });
  } catch (e) {
    if (seq === requestSeq) set({ loading: false, error: toFailure(e) });
  }
}
