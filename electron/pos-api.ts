import type { PosApi } from '../app/shared/api';
import { CHANNEL_NAMES, EVENT_NAMES, IPC_PREFIX, type PosEventName } from '../app/shared/contract';
import type { PosResult } from '../app/shared/errors';

/**
 * Builds `window.pos` from the channel table. The preload supplies the two transport functions;
 * keeping them injected lets this run under vitest without electron.
 */

export type InvokeFn = (ipcChannel: string, ...args: unknown[]) => Promise<unknown>;

/** Attaches the one underlying event listener; returns the function that detaches it. */
export type EventSourceFn = (listener: (name: unknown, data: unknown) => void) => () => void;

const TRANSPORT_FAILED: PosResult<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: '与主进程通信失败，请重启收银台' },
};

export function buildPosApi(invoke: InvokeFn, onEvent: EventSourceFn): PosApi {
  const groups: Record<string, Record<string, unknown>> = {};
  for (const name of CHANNEL_NAMES) {
    const dot = name.indexOf('.');
    const group = name.slice(0, dot);
    const action = name.slice(dot + 1);
    // The renderer relies on calls never rejecting; an invoke can still fail when the main
    // process is shutting down or the handler is not registered yet.
    (groups[group] ??= {})[action] = (input?: unknown, meta?: unknown) =>
      invoke(IPC_PREFIX + name, input, meta).catch(() => TRANSPORT_FAILED);
  }

  // Each subscription is its own entry, so subscribing the same function twice and
  // unsubscribing once behaves as the caller expects even through contextBridge proxies.
  const subscribers = new Map<PosEventName, Set<{ listener: (data: unknown) => void }>>();
  let detach: (() => void) | null = null;
  let count = 0;

  const deliver = (name: unknown, data: unknown) => {
    if (typeof name !== 'string' || !isEventName(name)) return;
    for (const entry of [...(subscribers.get(name) ?? [])]) {
      try {
        entry.listener(data);
      } catch (e) {
        // One broken screen must not stop the others from hearing the event.
        console.error(`[pos] 事件 ${name} 的处理函数出错`, e);
      }
    }
  };

  const subscribe = (event: PosEventName, listener: (data: unknown) => void): (() => void) => {
    if (typeof event !== 'string' || !isEventName(event)) throw new TypeError(`未知的事件：${String(event)}`);
    if (typeof listener !== 'function') throw new TypeError('事件处理函数必须是函数');
    const entry = { listener };
    let set = subscribers.get(event);
    if (!set) subscribers.set(event, (set = new Set()));
    set.add(entry);
    count += 1;
    if (!detach) detach = onEvent(deliver);

    let active = true;
    return () => {
      if (!active) return;
      active = false;
      set.delete(entry);
      count -= 1;
      if (count === 0 && detach) {
        detach();
        detach = null;
      }
    };
  };

  for (const group of Object.keys(groups)) Object.freeze(groups[group]);
  return Object.freeze({ ...groups, subscribe }) as unknown as PosApi;
}

function isEventName(name: string): name is PosEventName {
  return (EVENT_NAMES as readonly string[]).includes(name);
}
