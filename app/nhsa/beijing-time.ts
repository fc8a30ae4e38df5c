/**
 * Times on the wire are Beijing time (UTC+8) whatever the till's time zone. China has had no
 * daylight saving since 1991, so a fixed offset is exact; Intl is avoided on the hot path.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

interface Parts {
  y: string;
  mo: string;
  d: string;
  h: string;
  mi: string;
  s: string;
  ms: string;
}

function parts(date: Date): Parts {
  const t = new Date(date.getTime() + OFFSET_MS);
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

/** yyyy-MM-dd HH:mm:ss (DT fields, inf_time) */
export function beijingDateTime(date: Date): string {
  const p = parts(date);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** yyyy-MM-dd (D fields) */
export function beijingDate(date: Date): string {
  const p = parts(date);
  return `${p.y}-${p.mo}-${p.d}`;
}

/** yyyyMMddHHmmss (the time part of a msgid) */
export function beijingCompact(date: Date): string {
  const p = parts(date);
  return `${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}`;
}

/** Parses a wire DT (Beijing time) back to an instant; null when malformed. */
export function parseBeijingDateTime(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s) - OFFSET_MS;
  const back = new Date(utc + OFFSET_MS);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return new Date(utc);
}
