/**
 * Wire-level helpers of the sandbox center: decimal numbers written exactly (12.50, not 12.5),
 * Beijing-time formatting, and exact decimal arithmetic for what arrives as text or float.
 */

/**
 * A number to be written into the JSON text exactly as given ("12.50", "-3.00", "0.5000"). The
 * platform sends amounts as JSON numbers with their decimals; JSON.stringify cannot keep trailing
 * zeros, so the center writes its replies with toJson below.
 */
export class Dec {
  constructor(readonly text: string) {}
}

/** JSON serialisation that writes Dec values verbatim; otherwise the same as JSON.stringify. */
export function toJson(value: unknown): string {
  if (value instanceof Dec) return value.text;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return '[' + value.map((v) => toJson(v)).join(',') + ']';
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      parts.push(JSON.stringify(k) + ':' + toJson(v));
    }
    return '{' + parts.join(',') + '}';
  }
  return JSON.stringify(value);
}

/** Integer fen → "12.50" / "-3.00". */
export function fenText(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return neg ? '-' + text : text;
}

export function money(fen: number): Dec {
  return new Dec(fenText(fen));
}

/** A scaled integer (e.g. basis points with scale 4) written with exactly `scale` decimals. */
export function scaledText(value: bigint, scale: number): string {
  const neg = value < 0n;
  const abs = neg ? -value : value;
  const base = 10n ** BigInt(scale);
  const int = abs / base;
  const frac = abs % base;
  const text = scale === 0 ? `${int}` : `${int}.${frac.toString().padStart(scale, '0')}`;
  return neg ? '-' + text : text;
}

export function scaled(value: bigint, scale: number): Dec {
  return new Dec(scaledText(value, scale));
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * The decimal text of a JSON number or numeric string, or null when it is neither. A float that
 * drifted (0.30000000000000004) keeps all its digits, so the scale check refuses it — the center
 * wants to catch a client that computes money in floating point.
 */
export function decimalText(value: unknown): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const text = String(value);
    return DECIMAL.test(text) ? text : null;
  }
  if (typeof value === 'string') {
    const text = value.trim();
    return DECIMAL.test(text) ? text : null;
  }
  return null;
}

/** Counts of integer digits (leading zeros dropped) and decimals of a decimal text. */
export function digitCounts(text: string): { int: number; frac: number } {
  const unsigned = text.startsWith('-') ? text.slice(1) : text;
  const [i = '', f = ''] = unsigned.split('.');
  const intDigits = i.replace(/^0+/, '');
  return { int: intDigits.length, frac: f.length };
}

/** Exact value of a decimal text with at most `scale` decimals, as an integer scaled by 10^scale. */
export function toScaled(text: string, scale: number): bigint {
  const neg = text.startsWith('-');
  const unsigned = neg ? text.slice(1) : text;
  const [i = '0', f = ''] = unsigned.split('.');
  if (f.length > scale) throw new Error(`more than ${scale} decimals: ${text}`);
  const v = BigInt(i + f.padEnd(scale, '0'));
  return neg ? -v : v;
}

/** n / d rounded half away from zero (四舍五入), for non-zero positive d. */
export function divRound(n: bigint, d: bigint): bigint {
  if (n < 0n) return -divRound(-n, d);
  return (n + d / 2n) / d;
}

/** Wall-clock parts in China Standard Time, whatever the host's time zone: the platform speaks Beijing time. */
function beijing(d: Date) {
  const t = new Date(d.getTime() + 8 * 3600 * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return {
    y: String(t.getUTCFullYear()).padStart(4, '0'),
    mo: p2(t.getUTCMonth() + 1),
    d: p2(t.getUTCDate()),
    h: p2(t.getUTCHours()),
    mi: p2(t.getUTCMinutes()),
    s: p2(t.getUTCSeconds()),
    ms: String(t.getUTCMilliseconds()).padStart(3, '0'),
  };
}

/** yyyy-MM-dd HH:mm:ss */
export function formatDateTime(d: Date): string {
  const b = beijing(d);
  return `${b.y}-${b.mo}-${b.d} ${b.h}:${b.mi}:${b.s}`;
}

/** yyyy-MM-dd */
export function formatDate(d: Date): string {
  const b = beijing(d);
  return `${b.y}-${b.mo}-${b.d}`;
}

/** yyyyMMddHHmmss */
export function formatCompact(d: Date): string {
  const b = beijing(d);
  return `${b.y}${b.mo}${b.d}${b.h}${b.mi}${b.s}`;
}

/** yyyyMMddHHmmssSSS (refmsg_time, respond_time) */
export function formatMillis(d: Date): string {
  return formatCompact(d) + beijing(d).ms;
}

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** yyyy-MM-dd, a real calendar date */
export function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return !!m && validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** yyyy-MM-dd HH:mm:ss, a real calendar date and time */
export function isDateTime(text: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return !!m && isDate(m[1]!) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
}

/** yyyyMMddHHmmss, a real calendar date and time */
export function isCompactDateTime(text: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  return (
    !!m &&
    validYmd(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) < 24 &&
    Number(m[5]) < 60 &&
    Number(m[6]) < 60
  );
}

/** Age in whole years on `on` (Beijing date), from a yyyy-MM-dd birth date. */
export function ageOn(brdy: string, on: Date): number {
  const today = formatDate(on);
  const [by, bm, bd] = brdy.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}
