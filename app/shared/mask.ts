/**
 * The one masking policy for personal data. Applied by the logger to every line, by the call
 * journal to every stored request, and by the UI where a person is shown.
 */

const REDACTED = '[已隐藏]';

/** Keys whose values are secrets: never written anywhere, not even masked. */
const SECRET_KEYS = new Set([
  'password',
  'oldpassword',
  'newpassword',
  'passwd',
  'pwd',
  'token',
  'paastoken',
  'secret',
  'app_secret',
  'appsecret',
  'private_key',
  'sm2_private_key',
  'privatekey',
  'secretkey',
  'authorization',
  'x-tif-signature',
  'signature',
  'cookie',
  'set-cookie',
]);

/** Keys whose values are a person's name. */
const NAME_KEYS = new Set([
  'name',
  'psn_name',
  'buyer_name',
  'patn_name',
  'cert_name',
  'insu_name',
  'psnname',
  'fullname',
]);

/** Keys whose values are a resident ID number (or may be one). */
const ID_KEYS = new Set(['certno', 'psn_cert_no', 'idcard', 'id_no', 'id_number', 'buyer_certno', 'cert_no', 'sfzh']);

/** Keys whose values are card numbers, card serials or voucher tokens. */
const CARD_KEYS = new Set([
  'card_no',
  'cardno',
  'card_sn',
  'mdtrt_cert_no',
  'ectoken',
  'ec_token',
  'sscard_no',
  'bank_card_no',
  'phone',
  'tel',
  'mob',
]);

/** 18-character resident ID as a whole token (not inside a longer run of letters or digits). */
const ID18_IN_TEXT =
  /(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;

export function maskIdNumber(value: string): string {
  const v = value.trim();
  if (v.length === 18 || v.length === 15) {
    return v.slice(0, 6) + '*'.repeat(v.length - 10) + v.slice(-4);
  }
  return maskCardNumber(v);
}

export function maskCardNumber(value: string): string {
  const v = value.trim();
  if (v.length <= 4) return '*'.repeat(v.length);
  if (v.length < 10) return '*'.repeat(v.length - 2) + v.slice(-2);
  return v.slice(0, 2) + '*'.repeat(v.length - 6) + v.slice(-4);
}

/** First character kept, the rest starred: 张三丰 → 张**. */
export function maskName(value: string): string {
  const chars = Array.from(value.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Masks ID numbers that appear inside free text (error messages, URLs, concatenated strings). */
export function maskText(text: string): string {
  // 15 characters is the shortest ID number: most values (codes, counts, dates) are shorter and need no scan
  if (text.length < 15) return text;
  return text.replace(ID18_IN_TEXT, (m) => maskIdNumber(m));
}

function maskByKey(key: string, value: unknown): unknown {
  const k = key.toLowerCase();
  if (SECRET_KEYS.has(k)) return value === undefined || value === null || value === '' ? value : REDACTED;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const s = String(value);
  if (NAME_KEYS.has(k)) return maskName(s);
  if (ID_KEYS.has(k)) return maskIdNumber(s);
  if (CARD_KEYS.has(k)) return maskCardNumber(s);
  return undefined;
}

/**
 * Returns a masked deep copy. Known keys are masked by their meaning; any other string is scanned
 * for embedded ID numbers. Cycles and very deep structures are cut rather than followed.
 */
export function maskDeep<T>(value: T): T {
  return walk(value, 0, new WeakSet()) as T;
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return '[…]';
  if (seen.has(value)) return '[循环引用]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: maskText(value.message),
      stack: value.stack ? maskText(value.stack) : undefined,
    };
  }
  if (isBytes(value)) return `[${(value as Uint8Array).length} 字节]`;
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const byKey = maskByKey(k, v);
    out[k] = byKey !== undefined ? byKey : walk(v, depth + 1, seen);
  }
  return out;
}

function isBytes(v: object): boolean {
  return v instanceof Uint8Array;
}
