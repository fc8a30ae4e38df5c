import { ROLE_LABELS, type Role } from '../../app/shared/roles';

const pad = (n: number) => String(n).padStart(2, '0');

/** 2025-03-08 14:05:09 in the counter's local time; "—" for nothing. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

export function roleLabels(roles: readonly Role[]): string {
  return roles.map((r) => ROLE_LABELS[r] ?? r).join('、');
}

/** One line of JSON for a table cell; the full text goes into the tooltip. */
export function compactJson(value: unknown, max = 160): { short: string; full: string } {
  if (value === null || value === undefined) return { short: '', full: '' };
  let full: string;
  try {
    full = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    full = String(value);
  }
  return { short: full.length > max ? full.slice(0, max - 1) + '…' : full, full };
}

export function isFuture(iso: string | null | undefined, now = Date.now()): boolean {
  if (!iso) return false;
  const t = new Date(iso).getTime();
  return !Number.isNaN(t) && t > now;
}

/** Indented JSON for reading a message in full; text that is not JSON is shown as it is. */
export function prettyJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/** 85 ms, 1.2 s, 2 分 5 秒; "—" while unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} 分 ${s % 60} 秒`;
}

/** fen → "￥12.34"; integer arithmetic only, so no rounding surprises. "—" for nothing. */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  return (fen < 0 ? '-￥' : '￥') + fenToYuanText(Math.abs(fen));
}

/** fen → "12.34" (no currency sign), for putting a price back into a form field. */
export function fenToYuanText(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '';
  const n = Math.round(Math.abs(fen));
  return `${fen < 0 ? '-' : ''}${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}

export const MAX_PRICE_FEN = 100_000_000;

export type YuanParse = { ok: true; fen: number | null } | { ok: false; message: string };

/**
 * A price typed in yuan ("12", "12.5", "12.50", "￥12.50") → fen, exactly: the decimal string is
 * split at the point and the parts are read as integers, never through a binary fraction.
 * Empty → null (the caller decides whether that is allowed).
 */
export function parseYuanToFen(text: string): YuanParse {
  // a Chinese input method may type full-width digits and points
  const t = text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .trim()
    .replace(/^[￥¥]\s*/, '')
    .replace(/\s*元$/, '')
    .replace(/[,，]/g, '');
  if (t === '') return { ok: true, fen: null };
  if (t.startsWith('-')) return { ok: false, message: '价格不能为负' };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return { ok: false, message: '请输入金额，如 12.50' };
  const intPart = (m[1] ?? '').replace(/^0+(?=\d)/, '');
  const decPart = m[2] ?? '';
  if (decPart.length > 2) return { ok: false, message: '金额最多两位小数（精确到分）' };
  if (intPart.length > 7) return { ok: false, message: '金额不能超过 1000000 元' };
  const fen = Number(intPart || '0') * 100 + Number(decPart.padEnd(2, '0'));
  if (fen > MAX_PRICE_FEN) return { ok: false, message: '金额不能超过 1000000 元' };
  return { ok: true, fen };
}

/** 12345 → "12,345": row counts in the catalogues run into the hundreds of thousands. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** "今天 14:05" / "03-08 14:05" / "2024-03-08": short enough for a table cell; the full time goes in the tooltip. */
export function formatShortDateTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  if (sameDay) return `今天 ${time}`;
  if (d.getFullYear() === now.getFullYear()) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
