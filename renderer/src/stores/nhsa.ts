import { create } from 'zustand';
import type { NhsaStatus } from '../../../app/shared/contract';
import { call } from '../api/pos';

interface NhsaState {
  /** this operator's view of the insurance side; null until the first nhsa.status after login */
  status: NhsaStatus | null;
  signingIn: boolean;
  /** counts 'nhsa.changed' events so that open lists (journal, reversals) know to reload */
  revision: number;
}

const initial: NhsaState = { status: null, signingIn: false, revision: 0 };

export const useNhsaStore = create<NhsaState>()(() => initial);
const set = useNhsaStore.setState;
const get = useNhsaStore.getState;

export function resetNhsa(): void {
  requestSeq++;
  set(initial);
}

// A status request that started before a change must not overwrite what came after it.
let requestSeq = 0;

export async function refreshNhsaStatus(): Promise<void> {
  const seq = ++requestSeq;
  try {
    const status = await call('nhsa.status', {});
    if (seq === requestSeq) set({ status });
  } catch {
    // The status bar keeps the last known state; the connection banner tells about outages.
  }
}

/**
 * 'nhsa.changed' goes to every window and is not about any one operator, so its signedIn says
 * nothing about ours: take the shared facts at once and ask for our own view.
 */
export function onNhsaChanged(shared: NhsaStatus): void {
  const current = get().status;
  set((s) => ({
    status: { ...shared, signedIn: current?.signedIn ?? false },
    revision: s.revision + 1,
  }));
  void refreshNhsaStatus();
}

/** 9001 for the logged-in operator; throws PosError (NHSA_REFUSED / NHSA_NOT_SENT / NHSA_UNKNOWN). */
export async function signInNhsa(): Promise<void> {
  if (get().signingIn) return;
  set({ signingIn: true });
  try {
    const status = await call('nhsa.signIn', {});
    // The freshest word there is: a status request still on its way started before it.
    requestSeq++;
    set({ status });
  } catch (e) {
    void refreshNhsaStatus();
    throw e;
  } finally {
    set({ signingIn: false });
  }
}

/**
 * After the first admin is created: login signs in with the center in the background, setup does
 * not, so do it here when nobody has yet. Quiet: a failure shows as 未签到 with its 签到 button.
 */
export async function signInIfNeeded(): Promise<void> {
  await refreshNhsaStatus();
  const status = get().status;
  if (!status || status.signedIn || status.backend.kind === 'none') return;
  await signInNhsa().catch(() => undefined);
}
