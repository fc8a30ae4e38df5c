import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PortInUseError } from '../../app/web-bridge/server';
import { startWebApp, type WebApp } from '../../app/web-bridge/start';
import { tempDir } from '../support/tmp';

let app: WebApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(staticDir?: string): Promise<WebApp> {
  const dir = tempDir();
  const web = staticDir ?? path.join(dir, 'static');
  if (!staticDir) {
    fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>收银台</title>');
    fs.writeFileSync(path.join(web, 'assets', 'app.js'), 'console.log(1)');
  }
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
  app = await startWebApp({ dataDir: dir, staticDir: web, port: 0, env: {} });
  return app;
}

function get(port: number, pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

function connect(url: string, headers: Record<string, string> = {}) {
  return new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function rpc(ws: WebSocket) {
  let id = 0;
  const pending = new Map<number, (v: unknown) => void>();
  const events: { name: string; data: unknown }[] = [];
  const errors: unknown[] = [];
  ws.on('message', (raw) => {
    const f = JSON.parse(raw.toString()) as { t: string; id: number; result: unknown; name: string; data: unknown };
    if (f.t === 'result') pending.get(f.id)?.(f.result);
    else if (f.t === 'event') events.push({ name: f.name, data: f.data });
    else errors.push(f);
  });
  return {
    events,
    errors,
    call(channel: string, payload: unknown = {}) {
      const n = ++id;
      return new Promise<Record<string, unknown>>((resolve) => {
        pending.set(n, resolve as (v: unknown) => void);
        ws.send(JSON.stringify({ t: 'call', id: n, channel, payload, meta: { screen: 'test' } }));
      });
    },
  };
}

describe('browser-mode bridge', () => {
  it('listens on 127.0.0.1 only', async () => {
    const a = await start();
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect((await get(a.port, '/')).status).toBe(401);
    // Another loopback address reaches every socket bound to 0.0.0.0, but not one bound to 127.0.0.1.
    const reached = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.2', port: a.port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it('refuses requests without the token and turns the token into an HttpOnly cookie', async () => {
    const a = await start();
    const bare = await get(a.port, '/');
    expect(bare.status).toBe(401);
    expect(bare.body).toContain('缺少访问令牌');
    expect((await get(a.port, '/?token=wrong')).status).toBe(401);
    const first = await get(a.port, `/?token=${a.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    expect(first.headers['set-cookie']![0]).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get(a.port, '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('收银台');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await get(a.port, '/assets/app.js', { cookie })).headers['content-type']).toContain('javascript');
    // Client-side routes fall back to the app; missing assets do not.
    expect((await get(a.port, '/settings/audit', { cookie })).status).toBe(200);
    expect((await get(a.port, '/assets/missing.js', { cookie })).status).toBe(404);
  });

  it('never serves files outside the renderer folder', async () => {
    const a = await start();
    const auth = { authorization: `Bearer ${a.token}` };
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const r = await get(a.port, p, auth);
      expect(r.body, p).not.toContain('outside');
    }
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const a = await start();
    const r = await get(a.port, `/?token=${a.token}`, { host: `evil.example:${a.port}` });
    expect(r.status).toBe(421);
  });

  it('the WebSocket needs the token and a same-origin Origin', async () => {
    const a = await start();
    const base = `ws://127.0.0.1:${a.port}/bridge`;
    await expect(connect(base)).rejects.toThrow('HTTP 401');
    await expect(connect(`${base}?token=${a.token}`, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(`ws://127.0.0.1:${a.port}/other?token=${a.token}`)).rejects.toThrow('HTTP 404');
    const ws = await connect(base, { cookie: `pos_bridge=${a.token}`, origin: `http://127.0.0.1:${a.port}` });
    const r = rpc(ws);
    expect(await r.call('app.status')).toMatchObject({ ok: true, value: { firstRun: true, shell: 'browser' } });
    ws.close();
  });

  it('carries the same contract: validation, sessions per socket, events to every client', async () => {
    const a = await start();
    const url = `ws://127.0.0.1:${a.port}/bridge?token=${a.token}`;
    const ws1 = await connect(url);
    const ws2 = await connect(url);
    const c1 = rpc(ws1);
    const c2 = rpc(ws2);
    expect(await c1.call('auth.setupAdmin', { username: 'admin', displayName: '王', password: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'WEAK_PASSWORD' },
    });
    expect(
      await c1.call('auth.setupAdmin', { username: 'admin', displayName: '王', password: 'Admin2026x' }),
    ).toMatchObject({
      ok: true,
    });
    // The second socket is its own session: not logged in.
    expect(await c2.call('settings.get')).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    await c1.call('settings.update', { changes: { 'pharmacy.fixmedins_name': '新药房' } });
    await new Promise((r) => setTimeout(r, 50));
    expect(c2.events.map((e) => e.name)).toContain('settings.changed');

    ws1.send('not json');
    ws1.send(JSON.stringify({ t: 'call', id: 'x', channel: 1 }));
    ws1.send(Buffer.from([1, 2, 3]), { binary: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(c1.errors).toHaveLength(3);
    // Still alive after garbage.
    expect(await c1.call('auth.session')).toMatchObject({ ok: true, value: { username: 'admin' } });
    ws1.close();
    ws2.close();
  });

  it('a port already in use gives a clear Chinese error', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = tempDir();
    await expect(startWebApp({ dataDir: dir, staticDir: dir, port, env: {} })).rejects.toBeInstanceOf(PortInUseError);
    await expect(startWebApp({ dataDir: dir, staticDir: dir, port, env: {} })).rejects.toThrow(`端口 ${port} 已被占用`);
    const log = fs.readFileSync(path.join(dir, 'logs', 'pos.log'), 'utf8');
    expect(log).toContain('browser mode could not listen');
    blocker.close();
  });
});
