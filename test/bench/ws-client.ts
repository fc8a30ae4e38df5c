import WebSocket from 'ws';

/** A browser-mode client for the benches: connect, and sequential calls over one socket. */

export function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export type BridgeCall = (
  channel: string,
  payload: unknown,
) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>;

export function rpc(ws: WebSocket): BridgeCall {
  let id = 0;
  const pending = new Map<number, (v: { ok: boolean; value?: unknown; error?: unknown }) => void>();
  ws.on('message', (raw) => {
    const f = JSON.parse(raw.toString()) as { t: string; id: number; result: { ok: boolean } };
    if (f.t === 'result') pending.get(f.id)?.(f.result);
  });
  return (channel, payload) => {
    const n = ++id;
    return new Promise((resolve) => {
      pending.set(n, resolve);
      ws.send(JSON.stringify({ t: 'call', id: n, channel, payload, meta: { screen: 'bench' } }));
    });
  };
}
