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
