import http from 'node:http';
import https from 'node:https';

/**
 * One HTTP POST that tells apart "never reached the center" from "sent, but no valid answer".
 * The first is safe to retry or report; the second may have settled money and must be reversed.
 */
export type TransportOutcome =
  | { kind: 'response'; status: number; contentType: string; body: Buffer }
  | { kind: 'not_sent'; reason: string }
  | { kind: 'unknown'; reason: string };

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** connection must be established within this time */
  connectTimeoutMs: number;
  /** the whole exchange must finish within this time */
  totalTimeoutMs: number;
  /** a reply larger than this is abandoned (the outcome is unknown) */
  maxResponseBytes: number;
}

export function postOnce(opts: PostOptions): Promise<TransportOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    const finish = (o: TransportOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(connectTimer);
      resolve(o);
    };

    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      resolve({ kind: 'not_sent', reason: `接口地址无效：${opts.url}` });
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, {
      method: 'POST',
      headers: { ...opts.headers, 'Content-Length': String(opts.body.length) },
      agent: false,
    });

    const connectTimer = setTimeout(() => {
      if (!connected) {
        finish({ kind: 'not_sent', reason: `连接医保中心超时（${Math.round(opts.connectTimeoutMs / 1000)} 秒）` });
        req.destroy();
      }
    }, opts.connectTimeoutMs);
    const totalTimer = setTimeout(() => {
      finish(
        connected
          ? { kind: 'unknown', reason: `医保中心在 ${Math.round(opts.totalTimeoutMs / 1000)} 秒内没有应答` }
          : { kind: 'not_sent', reason: '连接医保中心超时' },
      );
      req.destroy();
    }, opts.totalTimeoutMs);

    req.on('socket', (socket) => {
      const markConnected = () => {
        connected = true;
      };
      // A reused or already-open socket emits no 'connect'.
      if (!socket.connecting) markConnected();
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', markConnected);
    });

    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? e.message;
      finish(
        connected
          ? { kind: 'unknown', reason: `与医保中心的连接中断（${code}）` }
          : { kind: 'not_sent', reason: `无法连接医保中心（${code}）` },
      );
    });

    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.maxResponseBytes) {
          finish({
            kind: 'unknown',
            reason: `医保中心的应答过大（超过 ${Math.round(opts.maxResponseBytes / 1024 / 1024)} MB），已放弃读取`,
          });
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', (e: NodeJS.ErrnoException) =>
        finish({ kind: 'unknown', reason: `读取应答时连接中断（${e.code ?? e.message}）` }),
      );
      res.on('aborted', () => finish({ kind: 'unknown', reason: '读取应答时连接中断' }));
    });

    req.end(opts.body);
  });
}
