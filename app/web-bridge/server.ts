import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PosCore } from '../boot-types';
import { createSession, type ClientSession } from '../api/session';
import { z } from '../shared/z';

/**
 * Browser mode: the same contract as the Electron preload, over loopback only. A random token is
 * made per run; the printed URL carries it once, the server turns it into an HttpOnly cookie,
 * and every request or socket without it is refused. The Host and Origin headers are checked so
 * that another web page in the same browser cannot reach the till (DNS rebinding, cross-site
 * WebSocket hijacking).
 */

export interface WebBridgeOptions {
  core: PosCore;
  staticDir: string;
  port: number;
  token?: string;
}

export interface WebBridge {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'pos_bridge';
const MAX_FRAME = 1024 * 1024;

export const BROWSER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const CallFrame = z
  .object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    channel: z.string().max(64),
    payload: z.unknown().optional(),
    meta: z.unknown().optional(),
  })
  .strict();

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function cookieToken(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`端口 ${port} 已被占用：请关闭占用该端口的程序，或设置 POS_SYSTEM_WEB_PORT=0 使用随机端口`);
    this.name = 'PortInUseError';
  }
}

export async function startWebBridge(opts: WebBridgeOptions): Promise<WebBridge> {
  const { core } = opts;
  const log = core.log.child({ component: 'web-bridge' });
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(opts.staticDir);
  let port = opts.port;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const authorized = (req: http.IncomingMessage, url: URL): boolean => {
    const fromCookie = cookieToken(req.headers.cookie);
    const fromQuery = url.searchParams.get('token');
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? null;
    return [fromCookie, fromQuery, bearer].some((t) => t !== null && safeEqual(t, token));
  };

  const send = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': BROWSER_CSP,
      ...headers,
    });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      if (!allowedHosts().has(req.headers.host ?? '')) {
        log.warn('refused request with foreign Host header', { host: req.headers.host });
        return send(res, 421, '拒绝访问：请使用 127.0.0.1 地址打开收银台');
      }
      if (!authorized(req, url)) {
        log.warn('refused request without token', { path: url.pathname });
        return send(
          res,
          401,
          '<!doctype html><meta charset="utf-8"><title>需要访问令牌</title><p>缺少访问令牌：请使用收银台启动时打印的完整地址（含 token）打开。</p>',
        );
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, '不支持的请求方法');
      if (url.searchParams.has('token')) {
        // Move the token out of the address bar and history into a cookie the page cannot read.
        return send(res, 303, '', {
          Location: '/',
          'Set-Cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        });
      }
      serveStatic(url.pathname, res);
    } catch (e) {
      log.error('request failed', { error: e });
      if (!res.headersSent) send(res, 500, '内部错误');
      else res.end();
    }
  });

  const serveStatic = (pathname: string, res: http.ServerResponse) => {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, '地址无效');
    }
    let file = path.resolve(staticRoot, '.' + path.posix.normalize('/' + rel));
    if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) return send(res, 403, '拒绝访问');
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      // Client-side routes fall back to the app; missing assets stay 404.
      if (path.extname(file)) return send(res, 404, '未找到');
      file = path.join(staticRoot, 'index.html');
      if (!fs.existsSync(file)) {
        return send(res, 503, '界面文件缺失：请先运行 npm run build');
      }
    }
    streamFile(file, res);
  };

  const streamFile = (file: string, res: http.ServerResponse) => {
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': BROWSER_CSP,
      'Referrer-Policy': 'no-referrer',
    });
    fs.createReadStream(file)
      .on('error', (e) => {
        log.error('static file read failed', { file, error: e });
        res.destroy();
      })
      .pipe(res);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const sockets = new Map<WebSocket, ClientSession>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const origin = req.headers.origin;
    const refuse = (status: string, why: string) => {
      log.warn('refused websocket', { why, origin });
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    if (url.pathname !== '/bridge') return refuse('404 Not Found', 'path');
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse('421 Misdirected Request', 'host');
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuse('403 Forbidden', 'origin');
    if (!authorized(req, url)) return refuse('401 Unauthorized', 'token');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  wss.on('connection', (ws: WebSocket) => {
    const session = createSession('web');
    sockets.set(ws, session);
    log.info('bridge client connected', { session: session.id });
    ws.on('message', (data, isBinary) => {
      void handleFrame(ws, session, isBinary ? null : data.toString());
    });
    ws.on('close', () => {
      sockets.delete(ws);
      void core.endSession(session);
      log.info('bridge client disconnected', { session: session.id });
    });
    ws.on('error', (e) => log.warn('bridge socket error', { error: e }));
  });

  const handleFrame = async (ws: WebSocket, session: ClientSession, text: string | null) => {
    let frame: z.infer<typeof CallFrame>;
    try {
      if (text === null) throw new Error('binary frame');
      const parsed = CallFrame.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'bad frame');
      frame = parsed.data;
    } catch (e) {
      log.warn('bridge: malformed frame', { session: session.id, error: (e as Error).message });
      ws.send(JSON.stringify({ t: 'error', message: '收到无法识别的请求' }));
      return;
    }
    const result = await core.dispatcher.call(session, frame.channel, frame.payload, frame.meta);
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id: frame.id, result }));
  };

  const unsubscribe = core.events.on((name, data) => {
    const frame = JSON.stringify({ t: 'event', name, data });
    for (const ws of sockets.keys()) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(e.code === 'EADDRINUSE' ? new PortInUseError(opts.port) : e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, '127.0.0.1');
  });
  port = (server.address() as { port: number }).port;
  server.on('error', (e) => log.error('server error', { error: e }));

  const url = `http://127.0.0.1:${port}/?token=${token}`;
  log.info('browser mode listening', { port });
  return {
    url,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of sockets.keys()) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
