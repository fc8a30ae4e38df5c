import { CHANNEL_NAMES, type CallMeta } from '../../../app/shared/contract';
import { splitChannel, type PosApi } from '../../../app/shared/api';
import type { PosResult } from '../../../app/shared/errors';

/**
 * Browser-mode client: the same PosApi as the desktop preload, carried over one WebSocket to the
 * loopback bridge. The per-run token travels as the HttpOnly cookie the bridge set when the
 * printed URL was opened, so nothing secret lives in this script.
 */

export type ConnectionState =
  /** first connection not open yet: calls wait in the queue */
  | 'connecting'
  | 'open'
  /** the socket went away: calls fail at once until a reconnect succeeds */
  | 'lost';

export interface ConnectionInfo {
  state: ConnectionState;
  /** reconnect attempts since the connection was lost */
  attempts: number;
}

export interface BridgeOptions {
  url: string;
  /** injected by tests; the browser's WebSocket otherwise */
  createSocket?: (url: string) => WebSocket;
  onConnectionChange?: (info: ConnectionInfo) => void;
  /** the connection came back: it is a new server-side session, so the app must start over */
  onReconnected?: () => void;
  /** the bridge reported a problem that belongs to no call */
  onServerError?: (message: string) => void;
  backoff?: { initialMs: number; maxMs: number };
}

export const DISCONNECTED_RESULT: PosResult<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: '与本机服务的连接已断开' },
};

type Listener = (data: unknown) => void;

interface Pending {
  resolve: (r: PosResult<unknown>) => void;
}

interface OutFrame {
  t: 'call';
  id: number;
  channel: string;
  payload: unknown;
  meta: CallMeta;
}

export function bridgeUrlFor(loc: { protocol: string; host: string }): string {
  return (loc.protocol === 'https:' ? 'wss' : 'ws') + '://' + loc.host + '/bridge';
}

export function createBridgeApi(options: BridgeOptions): PosApi {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000 };
  const pending = new Map<number, Pending>();
  const queue: { frame: OutFrame; p: Pending }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let info: ConnectionInfo = { state: 'connecting', attempts: 0 };
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function setInfo(next: ConnectionInfo) {
    info = next;
    options.onConnectionChange?.(info);
  }

  function failAll() {
    for (const p of pending.values()) p.resolve(DISCONNECTED_RESULT);
    pending.clear();
    for (const q of queue.splice(0)) q.p.resolve(DISCONNECTED_RESULT);
  }

  function send(frame: OutFrame, p: Pending) {
    pending.set(frame.id, p);
    try {
      socket?.send(JSON.stringify(frame));
    } catch {
      pending.delete(frame.id);
      p.resolve(DISCONNECTED_RESULT);
    }
  }

  function onMessage(raw: unknown) {
    if (typeof raw !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    const m = msg as Record<string, unknown>;
    if (m.t === 'result' && typeof m.id === 'number') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      const result = m.result as PosResult<unknown> | undefined;
      p.resolve(
        result && typeof result === 'object' && 'ok' in result
          ? result
          : { ok: false, error: { code: 'INTERNAL', message: '本机服务返回了无法识别的结果' } },
      );
    } else if (m.t === 'event' && typeof m.name === 'string') {
      for (const l of listeners.get(m.name) ?? []) {
        try {
          l(m.data);
        } catch (e) {
          console.error('事件处理出错', m.name, e);
        }
      }
    } else if (m.t === 'error') {
      options.onServerError?.(typeof m.message === 'string' ? m.message : '本机服务报告了错误');
    }
  }

  function connect() {
    retryTimer = null;
    let ws: WebSocket;
    try {
      ws = createSocket(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      const wasLost = info.state === 'lost';
      setInfo({ state: 'open', attempts: 0 });
      for (const q of queue.splice(0)) send(q.frame, q.p);
      if (wasLost) options.onReconnected?.();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failAll();
      scheduleReconnect();
    };
    // 'close' always follows 'error'; handling it there keeps one path.
    ws.onerror = () => undefined;
  }

  function scheduleReconnect() {
    const attempts = info.state === 'lost' ? info.attempts + 1 : 1;
    setInfo({ state: 'lost', attempts });
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempts - 1, 10));
    if (retryTimer === null) retryTimer = setTimeout(connect, delay);
  }

  function call(channel: string, payload: unknown, meta: CallMeta | undefined): Promise<PosResult<unknown>> {
    return new Promise((resolve) => {
      const frame: OutFrame = { t: 'call', id: nextId++, channel, payload: payload ?? {}, meta: meta ?? {} };
      const p: Pending = { resolve };
      if (info.state === 'open' && socket) send(frame, p);
      else if (info.state === 'connecting') queue.push({ frame, p });
      else resolve(DISCONNECTED_RESULT);
    });
  }

  const api: Record<string, unknown> = {
    subscribe(event: string, listener: Listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };
  for (const name of CHANNEL_NAMES) {
    const [group, action] = splitChannel(name);
    const g = (api[group] ??= {}) as Record<string, unknown>;
    g[action] = (input: unknown, meta?: CallMeta) => call(name, input, meta);
  }

  connect();
  options.onConnectionChange?.(info);
  return api as PosApi;
}
