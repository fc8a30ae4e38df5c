import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';
import { beijingDate } from '../nhsa/beijing-time';
import { UPLOAD_INFNO_LABELS, type UploadRowView, type UploadState } from '../shared/inventory';
import { RECORD_FIELDS, UPLOAD_NODES, recordMemo, type UploadInfno } from './wire';

/** The upload_outbox table as the uploader and the uploads screen see it (migrations 0004 and 0005). */

export interface OutboxRow {
  id: number;
  infno: UploadInfno;
  ref_type: string;
  ref_id: number;
  payload: string;
  state: UploadState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  bchno: string | null;
  in_doubt: number;
  msgid: string | null;
  via: string | null;
  sent_at: number | null;
  center_msg: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The record as it goes on the wire: the interface row with its trace codes inside it. The counter stores
 * `{ selinfo, drugtracinfo }` side by side, the inventory documents store the codes inside the row; both are read.
 * An empty code list is left out, for platforms that do not know the node yet.
 */
export function wireRow(row: Pick<OutboxRow, 'infno' | 'payload'>): Obj {
  const payload = JSON.parse(row.payload) as Obj;
  const inner = payload[UPLOAD_NODES[row.infno].node];
  const out: Obj = isObj(inner) ? { ...inner } : {};
  const codes = Array.isArray(payload.drugtracinfo) ? payload.drugtracinfo : out.drugtracinfo;
  if (Array.isArray(codes) && codes.length) out.drugtracinfo = codes;
  else delete out.drugtracinfo;
  return out;
}

/** The record's identity at the center (memo), also for rows written before memo was set. */
export function memoOf(row: Pick<OutboxRow, 'infno' | 'payload' | 'ref_type' | 'ref_id'>): string {
  return memoFrom(row, wireRow(row));
}

export function memoFrom(row: Pick<OutboxRow, 'ref_type' | 'ref_id'>, wire: Record<string, unknown>): string {
  return typeof wire.memo === 'string' && wire.memo ? wire.memo : recordMemo(row.ref_type, row.ref_id);
}

/** The day the record is dated at the center (Beijing), which the read-back queries filter on. */
export function recordDay(row: OutboxRow): string {
  if (row.infno !== '3507') {
    const v = wireRow(row)[RECORD_FIELDS[row.infno].date];
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return v.slice(0, 10);
  }
  return beijingDate(new Date(row.created_at));
}

/** A line a manager can read: what, which batch, how many, which document. */
export function summaryOf(row: OutboxRow): string {
  const r = wireRow(row);
  const s = (k: string) => (typeof r[k] === 'string' || typeof r[k] === 'number' ? String(r[k]) : '');
  if (row.infno === '3507') return `删除中心记录：批次流水号 ${s('fixmedins_bchno')}，数据类型 ${s('inv_data_type')}`;
  const count = s(RECORD_FIELDS[row.infno].count);
  const doc = s('rtal_docno') || s('medins_prod_sel_no') || s('dynt_no') || s('purc_invo_no');
  return [
    s('fixmedins_hilist_name'),
    s('manu_lotnum') && `批号 ${s('manu_lotnum')}`,
    count && `数量 ${count}${s('trdn_flag') === '1' ? '（拆零）' : ''}`,
    s('inv_chg_type') && `变更类型 ${s('inv_chg_type')}`,
    doc && `单号 ${doc}`,
  ]
    .filter(Boolean)
    .join('，');
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toView(row: OutboxRow): UploadRowView {
  return {
    id: row.id,
    infno: row.infno,
    infnoLabel: UPLOAD_INFNO_LABELS[row.infno] ?? row.infno,
    refType: row.ref_type,
    refId: row.ref_id,
    state: row.state,
    inDoubt: row.in_doubt === 1,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' ? iso(row.next_attempt_at) : null,
    lastError: row.last_error,
    centerMsg: row.center_msg,
    via: row.via,
    sentAt: iso(row.sent_at),
    createdAt: new Date(row.created_at).toISOString(),
    summary: summaryOf(row),
    bchno: row.bchno,
  };
}

const COLS = `id, infno, ref_type, ref_id, payload, state, attempts, next_attempt_at, last_error, created_at, updated_at,
  bchno, in_doubt, msgid, via, sent_at, center_msg`;

export function createOutboxStore(db: Db) {
  const s = {
    byId: db.prepare(`SELECT ${COLS} FROM upload_outbox WHERE id = ?`) as Statement<[number], OutboxRow>,
    // Due rows in the order they were written (see `blocked` for the rows that must wait): walked on (state, id)
    // so a backlog of thousands is read a round at a time, never sorted whole.
    due: db.prepare(
      `SELECT ${COLS} FROM upload_outbox INDEXED BY upload_outbox_state
        WHERE state = 'pending' AND in_doubt = 0 AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
    ) as Statement<[number, number], OutboxRow>,
    // A row waits while an earlier row of its batch still waits (the center sees a batch's purchase before its
    // sales): per batch, the first row that is not due (backing off, or in doubt). Refused rows do not hold the
    // others back — they wait for a manager, and the rest must not become late uploads because of them.
    blocked: db.prepare(
      `SELECT bchno, min(id) AS first FROM (
         SELECT id, bchno FROM upload_outbox WHERE state = 'pending' AND next_attempt_at > @now
         UNION ALL
         SELECT id, bchno FROM upload_outbox WHERE state = 'pending' AND in_doubt = 1)
        WHERE bchno IS NOT NULL GROUP BY bchno`,
    ) as Statement<{ now: number }, { bchno: string; first: number }>,
    doubts: db.prepare(
      `SELECT ${COLS} FROM upload_outbox
        WHERE state = 'pending' AND in_doubt = 1 AND next_attempt_at <= ? ORDER BY id LIMIT 500`,
    ) as Statement<[number], OutboxRow>,
    anyDue: db
      .prepare(`SELECT 1 FROM upload_outbox WHERE state = 'pending' AND next_attempt_at <= ? LIMIT 1`)
      .pluck() as Statement<[number], number>,
    pendingCount: db.prepare(`SELECT count(*) FROM upload_outbox WHERE state = 'pending'`).pluck() as Statement<
      [],
      number
    >,
    // each figure on its own index: the status bar asks after every call
    counts: db.prepare(
      `SELECT
         (SELECT count(*) FROM upload_outbox WHERE state = 'pending') AS pending,
         (SELECT count(*) FROM upload_outbox WHERE state = 'refused') AS refused,
         (SELECT count(*) FROM upload_outbox WHERE state = 'pending' AND in_doubt = 1) AS in_doubt,
         (SELECT created_at FROM upload_outbox WHERE state = 'pending' ORDER BY id LIMIT 1) AS oldest,
         (SELECT max(sent_at) FROM upload_outbox WHERE sent_at IS NOT NULL) AS last_sent`,
    ) as Statement<
      [],
      { pending: number; refused: number; in_doubt: number; oldest: number | null; last_sent: number | null }
    >,
    // set-based: a batch call marks its hundred rows with one statement
    markInFlight: db.prepare(
      `UPDATE upload_outbox SET in_doubt = 1, attempts = attempts + 1, updated_at = @now
        WHERE id IN (SELECT value FROM json_each(@ids))`,
    ),
    markAllSent: db.prepare(
      `UPDATE upload_outbox SET state = 'sent', in_doubt = 0, msgid = @msgid, via = @via, sent_at = @now,
         center_msg = NULL, last_error = NULL, updated_at = @now WHERE id IN (SELECT value FROM json_each(@ids))`,
    ),
    markSent: db.prepare(
      `UPDATE upload_outbox SET state = 'sent', in_doubt = 0, msgid = @msgid, via = @via, sent_at = @now,
         center_msg = NULL, last_error = NULL, updated_at = @now WHERE id = @id`,
    ),
    markRefused: db.prepare(
      `UPDATE upload_outbox SET state = 'refused', in_doubt = 0, msgid = @msgid, via = @via, center_msg = @message,
         last_error = NULL, updated_at = @now WHERE id = @id`,
    ),
    markWaiting: db.prepare(
      `UPDATE upload_outbox SET in_doubt = @inDoubt, next_attempt_at = @next, last_error = @message, updated_at = @now
        WHERE id = @id`,
    ),
    markDeleted: db.prepare(
      `UPDATE upload_outbox SET state = 'deleted', in_doubt = 0, last_error = @message, updated_at = @now
        WHERE id = @id`,
    ),
    // after a 3507 the center holds none of the batch's records of that data type: the ones that stand go again
    requeueSiblings: db.prepare(
      `UPDATE upload_outbox SET state = 'pending', attempts = 0, next_attempt_at = @now, sent_at = NULL,
         last_error = '同批次的中心记录已删除，重新上传', updated_at = @now
        WHERE bchno = @bchno AND state = 'sent' AND id != @id AND infno IN (SELECT value FROM json_each(@infnos))`,
    ),
    setPayload: db.prepare(
      `UPDATE upload_outbox SET payload = @payload, state = 'pending', in_doubt = 0, attempts = 0,
         next_attempt_at = @now, last_error = NULL, updated_at = @now WHERE id = @id`,
    ),
    insertDelete: db
      .prepare(
        `INSERT INTO upload_outbox (infno, ref_type, ref_id, payload, next_attempt_at, created_at, updated_at)
         VALUES ('3507', 'delete', @targetId, @payload, @now, @now, @now)
         ON CONFLICT (infno, ref_type, ref_id) DO UPDATE SET payload = excluded.payload, state = 'pending',
           in_doubt = 0, attempts = 0, next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at
         RETURNING id`,
      )
      .pluck() as Statement<{ targetId: number; payload: string; now: number }, number>,
    pendingDeleteOf: db
      .prepare(
        `SELECT id FROM upload_outbox WHERE infno = '3507' AND ref_type = 'delete' AND ref_id = ? AND state = 'pending'`,
      )
      .pluck() as Statement<[number], number>,
  };
  return s;
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
