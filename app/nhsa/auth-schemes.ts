import crypto from 'node:crypto';

/**
 * Gateway authentication as a table of schemes. A province with its own scheme adds one entry
 * here and names it in its region profile; nothing else changes.
 */
export interface AuthContext {
  paasid: string;
  token: string;
  now: Date;
  /** injectable for the worked example in the tests */
  nonce?: string;
}

export type AuthScheme = (ctx: AuthContext) => Record<string, string>;

/**
 * x-tif (Hebei; Guangdong government gateway): signature = lowercase hex SHA-256 of
 * timestamp + token + nonce + timestamp, timestamp in seconds. The body is not signed.
 */
export function xTifHeaders(ctx: AuthContext): Record<string, string> {
  const timestamp = String(Math.floor(ctx.now.getTime() / 1000));
  const nonce = ctx.nonce ?? crypto.randomUUID().replace(/-/g, '');
  const signature = crypto
    .createHash('sha256')
    .update(timestamp + ctx.token + nonce + timestamp, 'utf8')
    .digest('hex');
  return {
    'x-tif-paasid': ctx.paasid,
    'x-tif-timestamp': timestamp,
    'x-tif-nonce': nonce,
    'x-tif-signature': signature,
  };
}

export const AUTH_SCHEMES = {
  /** a front end on the pharmacy's own network that needs no gateway headers */
  none: (() => ({})) as AuthScheme,
  'x-tif': xTifHeaders,
} satisfies Record<string, AuthScheme>;

export type AuthSchemeName = keyof typeof AUTH_SCHEMES;
