import { create } from 'zustand';
import type { AppStatus, SessionOperator } from '../../../app/shared/contract';
import { call, errorMessage } from '../api/pos';
import { resetNavigation } from './navigation';
import { refreshNhsaStatus, signInIfNeeded } from './nhsa';
import { resetDomainStores } from './reset';

interface SessionState {
  status: AppStatus | null;
  operator: SessionOperator | null;
  /** the start-up flow (app.status, auth.session) is running */
  loading: boolean;
  /** the start-up flow could not reach the service */
  bootError: string | null;
}

export const useSessionStore = create<SessionState>()(() => ({
  status: null,
  operator: null,
  loading: true,
  bootError: null,
}));

const set = useSessionStore.setState;

// A reconnect can start the flow again while an earlier run is still waiting; only the last counts.
let bootGeneration = 0;

export async function bootstrap(): Promise<void> {
  const gen = ++bootGeneration;
  set({ loading: true, bootError: null });
  try {
    const status = await call('app.status', {});
    if (gen !== bootGeneration) return;
    if (status.fatal || status.firstRun) {
      set({ status, operator: null, loading: false });
      return;
    }
    const operator = await call('auth.session', {});
    if (gen !== bootGeneration) return;
    set({ status, operator, loading: false });
    if (operator) void refreshNhsaStatus();
  } catch (e) {
    if (gen !== bootGeneration) return;
    set({ loading: false, bootError: errorMessage(e) });
  }
}

export async function refreshStatus(): Promise<void> {
  try {
    const status = await call('app.status', {});
    set({ status });
  } catch {
    // The status bar keeps the last known state; the connection banner tells about outages.
  }
}

export async function refreshOperator(): Promise<void> {
  const operator = await call('auth.session', {});
  set({ operator });
}

/** Throws PosError with the service's Chinese reason (wrong password, locked, disabled). */
export async function login(username: string, password: string): Promise<void> {
  const operator = await call('auth.login', { username, password });
  startSession(operator);
}

export async function setupAdmin(input: { username: string; displayName: string; password: string }): Promise<void> {
  const operator = await call('auth.setupAdmin', input);
  startSession(operator);
  void signInIfNeeded();
}

function startSession(operator: SessionOperator) {
  resetDomainStores();
  resetNavigation();
  set({ operator });
  void refreshStatus();
  // Login signs in with the insurance center in the background; 'nhsa.changed' says when it is done.
  void refreshNhsaStatus();
}

export async function logout(): Promise<void> {
  try {
    await call('auth.logout', {});
  } finally {
    endSession();
  }
}

/** Forget everything the last operator saw; the next person at the counter starts clean. */
export function endSession(): void {
  resetDomainStores();
  resetNavigation();
  set({ operator: null });
}

export function setStatus(status: AppStatus): void {
  set({ status });
}
