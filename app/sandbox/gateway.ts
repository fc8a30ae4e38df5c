import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The x-tif gateway check (transport.md §3.3): x-tif-paasid, x-tif-timestamp (Unix seconds),
 * x-tif-nonce, x-tif-signature = lowercase hex SHA-256 of timestamp + token + nonce + timestamp.
 * The body is not signed. A nonce is accepted once within the skew window, so a replayed request
 * is refused like a forged one.
 */

export interface GatewayConfig {
  paasid: string;
  token: string;
  maxSkewSeconds?: number;
}

export function tifSignature(timestamp: string, token: string, nonce: string): string {
  return crypto
    .createHash('sha256')
    .update(timestamp + token + nonce + timestamp, 'utf8')
    .digest('hex');
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

export class GatewayCheck {
  private readonly seen = new Map<string, number>();
  private readonly skew: number;

  constructor(
    private readonly config: GatewayConfig,
    private readonly now: () => Date,
  ) {
    this.skew = config.maxSkewSeconds ?? 300;
  }

  /** null when the headers are good; otherwise the reason, in Chinese, for the refusal body. */
  check(headers: IncomingHttpHeaders): string | null {
    const paasid = header(headers, 'x-tif-paasid');
    const timestamp = header(headers, 'x-tif-timestamp');
    const nonce = header(headers, 'x-tif-nonce');
    const signature = header(headers, 'x-tif-signature');
    if (!paasid || !timestamp || !nonce || !signature) {
      return '缺少网关鉴权请求头（x-tif-paasid / x-tif-timestamp / x-tif-nonce / x-tif-signature）';
    }
    if (paasid !== this.config.paasid) return 'x-tif-paasid无效';
    if (!/^\d{1,12}$/.test(timestamp)) return 'x-tif-timestamp应为Unix秒数';
    const nowSec = Math.floor(this.now().getTime() / 1000);
    if (Math.abs(nowSec - Number(timestamp)) > this.skew) return `x-tif-timestamp与网关时间相差超过${this.skew}秒`;
    const expected = Buffer.from(tifSignature(timestamp, this.config.token, nonce));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      return 'x-tif-signature签名校验失败';
    }
    this.prune(nowSec);
    if (this.seen.has(nonce)) return 'x-tif-nonce重复（疑似重放请求）';
    this.seen.set(nonce, Number(timestamp));
    return null;
  }

  private prune(nowSec: number): void {
    for (const [nonce, ts] of this.seen) {
      if (Math.abs(nowSec - ts) > this.skew) this.seen.delete(nonce);
    }
  }
}
