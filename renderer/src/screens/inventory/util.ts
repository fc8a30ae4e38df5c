/** Small pure helpers the inventory screens share: dates typed from a package, quantities, trace codes. */

const pad = (n: number) => String(n).padStart(2, '0');

export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function todayLocal(): string {
  return localDate(new Date());
}

export function monthStartLocal(): string {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-01`;
}

export function daysAgoLocal(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() - days);
  return localDate(d);
}

function toHalfWidth(text: string): string {
  return text
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。／－]/g, (c) => (c === '．' || c === '。' ? '.' : c === '／' ? '/' : '-'));
}

export type DateParse = { ok: true; date: string } | { ok: false; message: string };

/**
 * A date as printed on a box or typed quickly — 20250301, 2025-3-1, 2025/03/01, 2025.03.01, 2025年3月1日 — as
 * YYYY-MM-DD. Empty gives ''. A month alone (202706) is refused: which day it means is the supplier's to say.
 */
export function parseDateText(text: string): DateParse {
  const t = toHalfWidth(text).trim().replace(/日$/, '');
  if (t === '') return { ok: true, date: '' };
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})$/.exec(t);
  if (!m) {
    if (/^\d{4}\s*[-/.年]?\s*\d{1,2}\s*月?$/.test(t))
      return { ok: false, message: '请填写完整的年月日，如 2027-06-30' };
    return { ok: false, message: '日期格式应为 YYYY-MM-DD，如 2027-06-30' };
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const check = new Date(y, mo - 1, d);
  if (y < 1990 || y > 2100 || check.getFullYear() !== y || check.getMonth() !== mo - 1 || check.getDate() !== d) {
    return { ok: false, message: `没有这一天：${t}` };
  }
  return { ok: true, date: `${y}-${pad(mo)}-${pad(d)}` };
}

/** The date field after it loses the focus: tidied when it is a date, left as typed when it is not. */
export function tidyDate(text: string): string {
  const r = parseDateText(text);
  return r.ok ? r.date : text;
}

export type IntParse = { ok: true; value: number | null } | { ok: false };

/** A whole number typed (full-width digits too); empty → null. */
export function parseCount(text: string): IntParse {
  const t = toHalfWidth(text).trim();
  if (t === '') return { ok: true, value: null };
  if (!/^\d{1,7}$/.test(t)) return { ok: false };
  return { ok: true, value: Number(t) };
}

export interface SplitInfo {
  unit: string;
  splitUnit: string | null;
  splitFactor: number | null;
}

export const hasSplit = (p: SplitInfo): boolean => Boolean(p.splitUnit && p.splitFactor && p.splitFactor > 1);

export type QtyParse = { ok: true; qtyBase: number } | { ok: false; message: string };

/** Packages + pieces as typed → base units; empty counts as 0. */
export function parsePackagesPieces(packages: string, pieces: string, p: SplitInfo): QtyParse {
  const a = parseCount(packages);
  if (!a.ok) return { ok: false, message: `${p.unit}数应为整数` };
  const split = hasSplit(p);
  const b = split ? parseCount(pieces) : { ok: true as const, value: null };
  if (!b.ok) return { ok: false, message: `${p.splitUnit ?? ''}数应为整数` };
  const factor = split ? p.splitFactor! : 1;
  if (split && (b.value ?? 0) >= factor) {
    return { ok: false, message: `零头应少于 ${factor}${p.splitUnit}（1${p.unit} = ${factor}${p.splitUnit}）` };
  }
  return { ok: true, qtyBase: (a.value ?? 0) * factor + (b.value ?? 0) };
}

/** Base units back into the two fields. */
export function splitQty(qtyBase: number, p: SplitInfo): { packages: string; pieces: string } {
  if (!hasSplit(p)) return { packages: String(qtyBase), pieces: '' };
  const f = p.splitFactor!;
  const rest = qtyBase % f;
  return { packages: String(Math.floor(qtyBase / f)), pieces: rest ? String(rest) : '' };
}

export interface TraceCodeList {
  codes: string[];
  duplicates: number;
}

/** One code per line (a scanner ends each with Enter); spaces, commas and semicolons separate too. */
export function parseTraceCodes(text: string): TraceCodeList {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const raw of text.split(/[\s,，;；]+/)) {
    const code = raw.trim();
    if (!code) continue;
    if (seen.has(code)) duplicates++;
    else seen.add(code);
  }
  return { codes: [...seen], duplicates };
}

/** "第 2 行" from a path such as lines.1.batchNo (the service's field problems). */
export function lineOfPath(path: string): number | null {
  const m = /^lines\.(\d+)(?:\.|$)/.exec(path);
  return m ? Number(m[1]) + 1 : null;
}
