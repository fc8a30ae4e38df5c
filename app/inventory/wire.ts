/**
 * How the pharmacy's stock records are written on the wire (3501–3511) — one place for the conventions every
 * builder, the uploader, the reconciliation and the sandbox center share. inventory.md leaves each of these open;
 * the choice is written next to it.
 */

/** The 35xx upload interfaces, single and batch. */
export type UploadInfno = '3501' | '3502' | '3503' | '3504' | '3505' | '3506' | '3507';
export type BatchInfno = `${UploadInfno}A`;

/** The input node of a single call and the list key of its batch variant (inventory.md §3, §3.8). */
export const UPLOAD_NODES: Readonly<Record<UploadInfno, { node: string; listKey: string }>> = {
  '3501': { node: 'invinfo', listKey: 'invinfoDetail' },
  '3502': { node: 'invinfo', listKey: 'invinfoDetail' },
  '3503': { node: 'purcinfo', listKey: 'purcinfoDetail' },
  '3504': { node: 'purcinfo', listKey: 'purcinfoDetail' },
  '3505': { node: 'selinfo', listKey: 'selinfoDetail' },
  '3506': { node: 'selinfo', listKey: 'selinfoDetail' },
  '3507': { node: 'data', listKey: 'goodDetail' },
};

/** Where a record of each kind carries its count and its date (inventory.md §3.1–§3.6). */
export const RECORD_FIELDS: Readonly<Record<Exclude<UploadInfno, '3507'>, { count: string; date: string }>> = {
  '3501': { count: 'inv_cnt', date: 'invdate' },
  '3502': { count: 'cnt', date: 'inv_chg_time' },
  '3503': { count: 'purc_retn_cnt', date: 'purc_retn_stoin_time' },
  '3504': { count: 'purc_retn_cnt', date: 'purc_retn_stoin_time' },
  '3505': { count: 'sel_retn_cnt', date: 'sel_retn_time' },
  '3506': { count: 'sel_retn_cnt', date: 'sel_retn_time' },
};

/**
 * inv_data_type of 3507 (inventory.md §2.2): which kind of record a deletion removes. 3503 and 3504 share 3,
 * 3505 and 3506 share 4.
 */
export const INV_DATA_TYPE: Readonly<Record<Exclude<UploadInfno, '3507'>, '1' | '2' | '3' | '4'>> = {
  '3501': '1',
  '3502': '2',
  '3503': '3',
  '3504': '3',
  '3505': '4',
  '3506': '4',
};

/** The query that reads back what an upload recorded (inventory.md §4): used to confirm a call left in doubt. */
export const READBACK_QUERY: Readonly<Record<Exclude<UploadInfno, '3507'>, '3508' | '3509' | '3510' | '3511'>> = {
  '3501': '3508',
  '3502': '3509',
  '3503': '3510',
  '3504': '3510',
  '3505': '3511',
  '3506': '3511',
};

/**
 * fixmedins_bchno (定点医药机构批次流水号) = the till's stock batch id, for every record of that batch.
 * Choice: the notes infer it "must be unique per uploaded record" because 3507 deletes by it, but the center can
 * only keep a stock ledger (3508 by batch; purchases, changes and sales of one batch tied together) when every
 * record of a batch carries the same serial. So a 3507 removes every record of that batch and data type at the
 * center, and the uploader sends the records that still stand again afterwards (see uploader.ts).
 */
export const bchnoOf = (batchId: number): string => String(batchId);

/**
 * memo carries the record's identity in the till, `pos:<ref_type>:<ref_id>` — the same key as its upload_outbox
 * row. Choice: memo is the one free field every upload has and every query (3508–3511) returns, so a call whose
 * answer was lost is looked up by it before anything is sent again (nothing reported twice), and the
 * reconciliation matches records one to one.
 */
export function recordMemo(refType: string, refId: number): string {
  return `pos:${refType}:${refId}`;
}

export function parseRecordMemo(memo: unknown): { refType: string; refId: number } | null {
  if (typeof memo !== 'string') return null;
  const m = /^pos:([a-z_]+):(\d+)$/.exec(memo.trim());
  return m ? { refType: m[1]!, refId: Number(m[2]) } : null;
}

/**
 * Counts on the wire (inv_cnt, cnt, purc_retn_cnt, sel_retn_cnt) — "按最小计价包装单位统计" is not defined further.
 * Choice, the same as the counter's 3505 (拆零 lines): whole packages are counted in packages (trdn_flag 0);
 * a quantity that is not whole packages of a product sold split is counted in split units (trdn_flag 1). The
 * reconciliation converts the center's records back with the same rule. 3501 has no trdn_flag: its inv_cnt
 * (16,2) is in packages, rounded to 2 decimals when a box is open.
 */
export function wireCount(qtyBase: number, splitFactor: number | null): { cnt: string; trdnFlag: '0' | '1' } {
  if (!splitFactor || splitFactor < 2 || qtyBase % splitFactor === 0) {
    return { cnt: String(splitFactor && splitFactor >= 2 ? qtyBase / splitFactor : qtyBase), trdnFlag: '0' };
  }
  return { cnt: String(qtyBase), trdnFlag: '1' };
}

/** A stock count (3501 inv_cnt, 16,2) in packages. */
export function wireStockCount(qtyBase: number, splitFactor: number | null): string {
  if (!splitFactor || splitFactor < 2) return String(qtyBase);
  const packages = Math.round((qtyBase / splitFactor) * 100) / 100;
  return String(packages);
}

/** The center's count back to base units (the inverse of wireCount / wireStockCount). */
export function baseFromWire(cnt: number, trdnFlag: string | undefined, splitFactor: number | null): number {
  if (trdnFlag === '1' || !splitFactor || splitFactor < 2) return Math.round(cnt);
  return Math.round(cnt * splitFactor);
}

/** inv_chg_type codes that bring stock in (inventory.md §2.1); every other code takes stock out. */
export const INBOUND_CHG_TYPES: ReadonlySet<string> = new Set(['101', '103', '106', '108', '110']);
