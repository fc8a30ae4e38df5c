import type { NhsaResult } from '../nhsa/client';

/**
 * Reading what 3508–3511 return. The notes leave the shape open (inventory.md §4: NMG models one object under
 * `output`, in camelCase; whether a list comes back is not confirmed). So a reader takes a list directly under
 * output, a list under any key of output (e.g. `data`), or a single object, and matches keys ignoring case and
 * underscores (`invCnt` = `inv_cnt`).
 */

export type CenterRecord = Record<string, unknown>;

const norm = (k: string) => k.replace(/_/g, '').toLowerCase();

function normaliseKeys(o: Record<string, unknown>): CenterRecord {
  const out: CenterRecord = {};
  for (const [k, v] of Object.entries(o)) out[norm(k)] = v;
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The records of a query reply, keys normalised (read them with `field`). */
export function queryRecords(output: unknown): CenterRecord[] {
  if (Array.isArray(output)) return output.filter(isObj).map(normaliseKeys);
  if (!isObj(output)) return [];
  for (const v of Object.values(output)) {
    if (Array.isArray(v) && v.every(isObj)) return v.map(normaliseKeys);
  }
  // a single record: it has at least one of the keys every query row carries
  const one = normaliseKeys(output);
  return 'fixmedinsbchno' in one || 'medlistcodg' in one ? [one] : [];
}

/** A field of a normalised record, as text ('' when absent). */
export function field(r: CenterRecord, name: string): string {
  const v = r[norm(name)];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return '';
}

/** A number field (counts come as number or decimal text). */
export function numberField(r: CenterRecord, name: string): number | null {
  const t = field(r, name);
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

export type QueryOutcome = { ok: true; records: CenterRecord[] } | { ok: false; message: string };

/** A query call's result as records, or why there are none. */
export function readQuery(r: NhsaResult): QueryOutcome {
  switch (r.kind) {
    case 'ok':
      return { ok: true, records: queryRecords(r.output) };
    case 'business_error':
      return { ok: false, message: `医保中心拒绝查询：${r.errMsg}` };
    case 'not_sent':
      return { ok: false, message: `查询未发出：${r.reason}` };
    case 'unknown':
      return { ok: false, message: `查询无应答：${r.reason}` };
  }
}
