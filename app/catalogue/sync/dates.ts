/**
 * Dates in catalogue files and query replies, read into one stored form: `yyyy-MM-dd HH:mm:ss` in Beijing
 * time — ISO 8601 date and time (space-separated, as the interface's own DT type writes it), sortable as text,
 * and the exact form a paged query's `updt_time` is sent back in.
 *
 * Files carry Java `Date.toString()` text, `EEE MMM dd HH:mm:ss CST yyyy` (catalogue.md §1.3). "CST" is read
 * as China Standard Time (UTC+8): the wall time is kept as written, no zone arithmetic. The weekday is not
 * checked against the date (Java always writes it right; a mismatch would tell us nothing useful). A year
 * starting with 999 is an open end (9999-12-31 and its relatives) and is kept as such.
 */

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

const JAVA = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) CST (\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/;

const p2 = (n: number) => (n < 10 ? '0' : '') + n;

function daysIn(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number): string | null {
  if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  return `${y}-${p2(mo)}-${p2(d)} ${p2(h)}:${p2(mi)}:${p2(s)}`;
}

const DAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);

/** Two digits at `at`, or -1. */
function d2(t: string, at: number): number {
  const a = t.charCodeAt(at) - 48;
  const b = t.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common case, `EEE MMM dd HH:mm:ss CST yyyy` with a two-digit day (28 characters), read by position:
 * a catalogue file has eight such cells per row and a regular expression for each was a fifth of the parse.
 */
function fastJava(t: string): string | null | undefined {
  if (t.length !== 28 || t.charCodeAt(3) !== 32 || t.charCodeAt(7) !== 32 || t.charCodeAt(10) !== 32) return undefined;
  if (t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 32 || t.slice(20, 24) !== 'CST ') {
    return undefined;
  }
  const mo = MONTHS[t.slice(4, 7)];
  if (mo === undefined || !DAYS.has(t.slice(0, 3))) return null;
  const y1 = d2(t, 24);
  const y2 = d2(t, 26);
  const d = d2(t, 8);
  const h = d2(t, 11);
  const mi = d2(t, 14);
  const s = d2(t, 17);
  if (y1 < 0 || y2 < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return null;
  return build(y1 * 100 + y2, mo, d, h, mi, s);
}

/**
 * A date or timestamp as delivered (Java text, ISO date or date-time, or yyyyMMdd[HHmmss]) → the stored form,
 * or null when it is not a real date. Callers treat the literal `null` / empty as "no value" before calling.
 */
export function normaliseDateTime(text: string): string | null {
  const fast = fastJava(text);
  if (fast !== undefined) return fast;
  let m = JAVA.exec(text);
  if (m) {
    const mo = MONTHS[m[1]!];
    if (mo === undefined) return null;
    return build(Number(m[6]), mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  }
  m = ISO.exec(text) ?? COMPACT.exec(text);
  if (m) {
    return build(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  }
  return null;
}

/** The date part (yyyy-MM-dd) of normaliseDateTime, for begndate/enddate columns of the query tables. */
export function normaliseDate(text: string): string | null {
  return normaliseDateTime(text)?.slice(0, 10) ?? null;
}

/** Beijing wall time of an instant, in the stored form. */
export function beijingDateTime(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600 * 1000);
  return (
    `${t.getUTCFullYear()}-${p2(t.getUTCMonth() + 1)}-${p2(t.getUTCDate())} ` +
    `${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`
  );
}

/** A stored date-time moved by `seconds` (Beijing wall time, no zone arithmetic needed: the offset cancels). */
export function shiftDateTime(text: string, seconds: number): string {
  const t = Date.parse(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(t)) return text;
  return beijingDateTime(new Date(t + seconds * 1000 - 8 * 3600 * 1000));
}
