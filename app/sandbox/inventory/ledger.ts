import type { Db } from '../../db/connection';

/**
 * The center's ledger of accepted inventory records (table inv_records, migration 0003). Every write runs inside
 * the request's transaction (the handlers are called within it), so a call's records are all there or none.
 * A 3507 never removes a row: it stamps deleted_at, and the queries skip stamped rows.
 */

export interface LedgerRow {
  id: number;
  fixmedins_code: string;
  infno: string;
  via_infno: string;
  inv_data_type: string;
  fixmedins_bchno: string;
  med_list_codg: string;
  fixmedins_hilist_id: string;
  fixmedins_hilist_name: string;
  cnt: string;
  trdn_flag: string | null;
  record_time: string;
  record_date: string;
  memo: string | null;
  row: string;
  msgid: string;
  opter: string | null;
  opter_name: string | null;
  created_at: string;
  deleted_at: string | null;
  deleted_by_msgid: string | null;
}

export type NewLedgerRow = Omit<LedgerRow, 'id' | 'deleted_at' | 'deleted_by_msgid'>;

/** The center's serial as the queries show it (rid, medins_prod_inv_no …): never mistaken for a till's batch id. */
export function recordNo(id: number): string {
  return `SBXJXC${String(id).padStart(10, '0')}`;
}

const INSERT = `INSERT INTO inv_records (fixmedins_code, infno, via_infno, inv_data_type, fixmedins_bchno, med_list_codg,
         fixmedins_hilist_id, fixmedins_hilist_name, cnt, trdn_flag, record_time, record_date, memo, row, msgid,
         opter, opter_name, created_at)
       VALUES (@fixmedins_code, @infno, @via_infno, @inv_data_type, @fixmedins_bchno, @med_list_codg,
         @fixmedins_hilist_id, @fixmedins_hilist_name, @cnt, @trdn_flag, @record_time, @record_date, @memo, @row,
         @msgid, @opter, @opter_name, @created_at)`;

/** One prepared INSERT per connection: a batch call records a hundred rows, and preparing dominated the center's cost. */
const inserts = new WeakMap<Db, ReturnType<Db['prepare']>>();

export function insertRecord(db: Db, row: NewLedgerRow): number {
  let stmt = inserts.get(db);
  if (!stmt) {
    stmt = db.prepare(INSERT);
    inserts.set(db, stmt);
  }
  return Number(stmt.run(row).lastInsertRowid);
}

export function liveBatchCount(db: Db, fixmedinsCode: string, invDataType: string, bchno: string): number {
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM inv_records
         WHERE fixmedins_code = ? AND inv_data_type = ? AND fixmedins_bchno = ? AND deleted_at IS NULL`,
      )
      .get(fixmedinsCode, invDataType, bchno) as { n: number }
  ).n;
}

/** Stamps every live record of that batch and data type as deleted; returns how many. */
export function deleteBatch(
  db: Db,
  fixmedinsCode: string,
  invDataType: string,
  bchno: string,
  at: string,
  msgid: string,
): number {
  return db
    .prepare(
      `UPDATE inv_records SET deleted_at = ?, deleted_by_msgid = ?
       WHERE fixmedins_code = ? AND inv_data_type = ? AND fixmedins_bchno = ? AND deleted_at IS NULL`,
    )
    .run(at, msgid, fixmedinsCode, invDataType, bchno).changes;
}

export interface LedgerQuery {
  fixmedinsCode: string;
  infnos: readonly string[];
  /** inclusive yyyy-MM-dd bounds on record_date */
  begndate: string;
  enddate: string;
  /** medins_list_codg of the queries: the pharmacy's own item code */
  hilistId?: string;
  bchno?: string;
}

/** Live records of those kinds in the date range, oldest first. */
export function liveRecords(db: Db, q: LedgerQuery): LedgerRow[] {
  const where = [
    'fixmedins_code = @fixmedinsCode',
    `infno IN (${q.infnos.map((_, i) => `@infno${i}`).join(', ')})`,
    'record_date BETWEEN @begndate AND @enddate',
    'deleted_at IS NULL',
  ];
  if (q.hilistId) where.push('fixmedins_hilist_id = @hilistId');
  if (q.bchno) where.push('fixmedins_bchno = @bchno');
  const params: Record<string, string> = {
    fixmedinsCode: q.fixmedinsCode,
    begndate: q.begndate,
    enddate: q.enddate,
    ...Object.fromEntries(q.infnos.map((infno, i) => [`infno${i}`, infno])),
  };
  if (q.hilistId) params.hilistId = q.hilistId;
  if (q.bchno) params.bchno = q.bchno;
  return db.prepare(`SELECT * FROM inv_records WHERE ${where.join(' AND ')} ORDER BY id`).all(params) as LedgerRow[];
}

// --- inspection (tests) ------------------------------------------------------------------------

/** What a test sees of one accepted record, live or deleted. */
export interface InventoryRecord {
  /** the center's serial, and its text form as the queries return it */
  id: number;
  rid: string;
  /** 3501 … 3506 */
  infno: string;
  /** the call that delivered it, e.g. 3505A */
  viaInfno: string;
  invDataType: string;
  bchno: string;
  medListCodg: string;
  hilistId: string;
  memo: string | null;
  /** decimal text as uploaded */
  count: string;
  trdnFlag: string | null;
  /** invdate / inv_chg_time / purc_retn_stoin_time / sel_retn_time as uploaded */
  recordTime: string;
  msgid: string;
  createdAt: string;
  deletedAt: string | null;
  deletedByMsgid: string | null;
  /** the whole uploaded row, drugtracinfo included */
  row: Record<string, unknown>;
}

export interface InventoryRecordFilter {
  infno?: string;
  bchno?: string;
  memo?: string;
  msgid?: string;
  /** true: live only; false: deleted only; absent: both */
  live?: boolean;
}

export interface InventoryInspector {
  /** accepted inventory records, oldest first */
  inventoryRecords(filter?: InventoryRecordFilter): InventoryRecord[];
}

function toInventoryRecord(r: LedgerRow): InventoryRecord {
  return {
    id: r.id,
    rid: recordNo(r.id),
    infno: r.infno,
    viaInfno: r.via_infno,
    invDataType: r.inv_data_type,
    bchno: r.fixmedins_bchno,
    medListCodg: r.med_list_codg,
    hilistId: r.fixmedins_hilist_id,
    memo: r.memo,
    count: r.cnt,
    trdnFlag: r.trdn_flag,
    recordTime: r.record_time,
    msgid: r.msgid,
    createdAt: r.created_at,
    deletedAt: r.deleted_at,
    deletedByMsgid: r.deleted_by_msgid,
    row: JSON.parse(r.row) as Record<string, unknown>,
  };
}

export function makeInventoryInspector(db: Db): InventoryInspector {
  return {
    inventoryRecords(filter = {}) {
      const where = ['1 = 1'];
      const params: Record<string, string> = {};
      for (const [key, column] of [
        ['infno', 'infno'],
        ['bchno', 'fixmedins_bchno'],
        ['memo', 'memo'],
        ['msgid', 'msgid'],
      ] as const) {
        const v = filter[key];
        if (v !== undefined) {
          where.push(`${column} = @${key}`);
          params[key] = v;
        }
      }
      if (filter.live === true) where.push('deleted_at IS NULL');
      if (filter.live === false) where.push('deleted_at IS NOT NULL');
      const rows = db
        .prepare(`SELECT * FROM inv_records WHERE ${where.join(' AND ')} ORDER BY id`)
        .all(params) as LedgerRow[];
      return rows.map(toInventoryRecord);
    },
  };
}
