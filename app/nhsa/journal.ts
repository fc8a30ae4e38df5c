import { maskDeep } from '../shared/mask';
import type { Db } from '../db/connection';

export type JournalOutcome = 'pending' | 'ok' | 'business_error' | 'not_sent' | 'unknown';

export interface JournalRow {
  id: number;
  msgid: string;
  infno: string;
  operatorId: number | null;
  opter: string;
  psnNo: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  outcome: JournalOutcome;
  infcode: string | null;
  errMsg: string | null;
  request: unknown;
  response: unknown;
  warnings: string[];
  source: string;
}

export interface JournalQuery {
  from?: string;
  to?: string;
  infno?: string;
  outcome?: JournalOutcome;
  msgid?: string;
  limit: number;
  offset: number;
}

/** Replies are kept for the implementer, but a huge one (a catalogue page, garbage) is cut. */
const MAX_STORED_CHARS = 64 * 1024;

/** Lists longer than this keep their first rows only (a batch upload of hundreds of records, a catalogue page). */
const MAX_STORED_ROWS = 20;

/** The value with long lists cut, before it is masked: masking rows that are never stored would be wasted work. */
function shorten(value: unknown, depth = 0): unknown {
  if (depth > 12 || value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_STORED_ROWS).map((v) => shorten(v, depth + 1));
    return value.length > MAX_STORED_ROWS ? [...kept, `…共 ${value.length} 项，只记录前 ${MAX_STORED_ROWS} 项`] : kept;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = shorten(v, depth + 1);
  return out;
}

function compact(value: unknown): string {
  const json = JSON.stringify(maskDeep(shorten(value)), (_k, v: unknown) =>
    v instanceof Uint8Array
      ? `[${v.length} 字节]`
      : typeof v === 'string' && v.length > 4096
        ? `${v.slice(0, 64)}…[${v.length} 字符]`
        : v,
  );
  if (json.length <= MAX_STORED_CHARS) return json;
  return JSON.stringify({ truncated: true, chars: json.length, head: json.slice(0, 2000) });
}

/**
 * The call journal: every call is written (masked) before it is sent and completed after, so a
 * crash in between leaves a 'pending' row that start-up turns into an unknown outcome.
 */
export function createJournal(db: Db, owner: string | null = null) {
  const insert = db.prepare(
    `INSERT INTO nhsa_journal (msgid, infno, operator_id, opter, psn_no, insuplc_admdvs, request, started_at, source, owner, ref)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const complete = db.prepare(
    `UPDATE nhsa_journal SET finished_at = ?, duration_ms = ?, outcome = ?, infcode = ?, err_msg = ?, response = ?, warnings = ?
     WHERE msgid = ? AND outcome = 'pending'`,
  );
  const latestForRef = db.prepare(
    'SELECT msgid, outcome, err_msg FROM nhsa_journal WHERE ref = ? AND infno = ? ORDER BY id DESC LIMIT 1',
  );
  // Open calls whose sender is gone: every owner not in the given list of live processes.
  const pending = db.prepare(
    `SELECT msgid, infno, operator_id, psn_no, insuplc_admdvs FROM nhsa_journal
     WHERE outcome = 'pending' AND (owner IS NULL OR owner NOT IN (SELECT value FROM json_each(?)))`,
  );

  return {
    begin(row: {
      msgid: string;
      infno: string;
      operatorId: number | null;
      opter: string;
      psnNo: string | null;
      insuplcAdmdvs: string | null;
      request: unknown;
      startedAt: number;
      source: string;
      ref?: string | null;
    }): void {
      insert.run(
        row.msgid,
        row.infno,
        row.operatorId,
        row.opter,
        row.psnNo,
        row.insuplcAdmdvs,
        compact(row.request),
        row.startedAt,
        row.source,
        owner,
        row.ref ?? null,
      );
    },

    complete(
      msgid: string,
      r: {
        finishedAt: number;
        durationMs: number;
        outcome: Exclude<JournalOutcome, 'pending'>;
        infcode: string | null;
        errMsg: string | null;
        response: unknown;
        warnings: string[];
      },
    ): void {
      complete.run(
        r.finishedAt,
        Math.round(r.durationMs),
        r.outcome,
        r.infcode,
        r.errMsg ? r.errMsg.slice(0, 2000) : null,
        r.response === undefined ? null : compact(r.response),
        r.warnings.length ? JSON.stringify(r.warnings.slice(0, 50)) : null,
        msgid,
      );
    },

    /** The newest call of a kind made for `ref` (see CallContext.ref), with how it ended so far. */
    latestFor(ref: string, infno: string): { msgid: string; outcome: JournalOutcome; errMsg: string | null } | null {
      const r = latestForRef.get(ref, infno) as
        { msgid: string; outcome: JournalOutcome; err_msg: string | null } | undefined;
      return r ? { msgid: r.msgid, outcome: r.outcome, errMsg: r.err_msg } : null;
    },

    /** Rows a crash left open: sent (perhaps) but never completed, by a process not in `liveOwners`. */
    pendingRows(liveOwners: readonly string[]): {
      msgid: string;
      infno: string;
      operatorId: number | null;
      psnNo: string | null;
      insuplcAdmdvs: string | null;
    }[] {
      return (
        pending.all(JSON.stringify(liveOwners)) as {
          msgid: string;
          infno: string;
          operator_id: number | null;
          psn_no: string | null;
          insuplc_admdvs: string | null;
        }[]
      ).map((r) => ({
        msgid: r.msgid,
        infno: r.infno,
        operatorId: r.operator_id,
        psnNo: r.psn_no,
        insuplcAdmdvs: r.insuplc_admdvs,
      }));
    },

    list(q: JournalQuery): { rows: JournalRow[]; total: number } {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.from) {
        where.push('started_at >= ?');
        args.push(Date.parse(q.from));
      }
      if (q.to) {
        where.push('started_at <= ?');
        args.push(Date.parse(q.to));
      }
      if (q.infno) {
        where.push('infno = ?');
        args.push(q.infno);
      }
      if (q.outcome) {
        where.push('outcome = ?');
        args.push(q.outcome);
      }
      if (q.msgid) {
        where.push('msgid = ?');
        args.push(q.msgid);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT count(*) AS n FROM nhsa_journal ${clause}`).get(...args) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM nhsa_journal ${clause} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(...args, q.limit, q.offset) as Record<string, unknown>[];
      return { total, rows: rows.map(toRow) };
    },

    /** Everything in a period as masked JSON lines, for the implementer or the center's support. */
    *exportLines(q: Omit<JournalQuery, 'limit' | 'offset'>): Generator<string> {
      const pageSize = 500;
      for (let offset = 0; ; offset += pageSize) {
        const { rows } = this.list({ ...q, limit: pageSize, offset });
        for (const r of rows) yield JSON.stringify(r);
        if (rows.length < pageSize) return;
      }
    },
  };
}

export type Journal = ReturnType<typeof createJournal>;

function toRow(r: Record<string, unknown>): JournalRow {
  const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : null);
  const iso = (v: unknown) => (typeof v === 'number' ? new Date(v).toISOString() : null);
  return {
    id: r.id as number,
    msgid: r.msgid as string,
    infno: r.infno as string,
    operatorId: (r.operator_id as number | null) ?? null,
    opter: r.opter as string,
    psnNo: (r.psn_no as string | null) ?? null,
    startedAt: iso(r.started_at)!,
    finishedAt: iso(r.finished_at),
    durationMs: (r.duration_ms as number | null) ?? null,
    outcome: r.outcome as JournalOutcome,
    infcode: (r.infcode as string | null) ?? null,
    errMsg: (r.err_msg as string | null) ?? null,
    request: parse(r.request),
    response: parse(r.response),
    warnings: (parse(r.warnings) as string[] | null) ?? [],
    source: r.source as string,
  };
}
