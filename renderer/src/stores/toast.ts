import { create } from 'zustand';

/**
 * 'refused', 'not-sent' and 'unknown' are the three ways an insurance call can fail; they look
 * different on purpose (see components/CallError.tsx), because what the cashier must do differs.
 */
export type ToastKind = 'ok' | 'error' | 'info' | 'refused' | 'not-sent' | 'unknown';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  /** a short bold lead, e.g. 医保中心拒绝 */
  title?: string;
}

interface ToastState {
  toasts: Toast[];
}

export const useToastStore = create<ToastState>()(() => ({ toasts: [] }));

let nextId = 1;

const LONG_LIVED: readonly ToastKind[] = ['error', 'refused', 'not-sent', 'unknown'];

export function showToast(kind: ToastKind, text: string, title?: string): void {
  const id = nextId++;
  // Newest last, at most three: a busy counter must not bury the screen in notices.
  useToastStore.setState((s) => ({ toasts: [...s.toasts.slice(-2), { id, kind, text, title }] }));
  // An unknown insurance outcome needs reading, not a glance.
  setTimeout(() => dismissToast(id), kind === 'unknown' ? 15000 : LONG_LIVED.includes(kind) ? 8000 : 3500);
}

export function dismissToast(id: number): void {
  useToastStore.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
