import { create } from 'zustand';
import type { ChannelInput, OperatorSummary } from '../../../app/shared/contract';
import { call, errorMessage } from '../api/pos';

interface OperatorsState {
  list: OperatorSummary[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
}

const initial: OperatorsState = { list: [], loaded: false, loading: false, error: null };

export const useOperatorsStore = create<OperatorsState>()(() => initial);
const set = useOperatorsStore.setState;

export function resetOperators(): void {
  set(initial);
}

export async function loadOperators(): Promise<void> {
  set({ loading: true, error: null });
  try {
    const list = await call('operators.list', {});
    set({ list, loaded: true, loading: false });
  } catch (e) {
    set({ loading: false, error: errorMessage(e) });
  }
}

function replace(updated: OperatorSummary) {
  set((s) => ({ list: s.list.map((o) => (o.id === updated.id ? updated : o)) }));
}

/** The mutations throw PosError so the open dialog can show the reason next to the fields. */
export async function createOperator(input: ChannelInput<'operators.create'>): Promise<OperatorSummary> {
  const created = await call('operators.create', input);
  set((s) => ({ list: [...s.list, created] }));
  return created;
}

export async function updateOperator(input: ChannelInput<'operators.update'>): Promise<OperatorSummary> {
  const updated = await call('operators.update', input);
  replace(updated);
  return updated;
}

export async function resetOperatorPassword(id: number, password: string): Promise<void> {
  await call('operators.resetPassword', { id, password });
  // A reset may also clear a lock or set "must change"; the list shows the truth.
  void loadOperators();
}

export async function unlockOperator(id: number): Promise<void> {
  replace(await call('operators.unlock', { id }));
}
