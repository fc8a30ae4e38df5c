import type { Db } from '../db/connection';
import type { Logger } from '../core/logger';
import type { NhsaOperator, NhsaResult } from './client';

export interface ReversalRow {
  id: number;
  omsgid: string;
  oinfno: '2102' | '2103';
  psnNo: string;
  insuplcAdmdvs: string | null;
  operatorId: number | null;
  state: 'pending' | 'done';
  reason: 'unknown_outcome' | 'manual' | 'crash_recovery';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  reversalMsgid: string | null;
  createdAt: string;
  doneAt: string | null;
}

/** 5 s, 10 s, 20 s … capped at 10 minutes: fast while the network blips, gentle when the center is down. */
export function backoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 10 * 60_000);
}

export interface ReversalDeps {
  db: Db;
  log: Logger;
  now?: () => Date;
  /** runs one 2601 as the given operator (the caller signs in as needed) */
  send(row: ReversalRow, operator: NhsaOperator): Promise<NhsaResult>;
  /** the operator a reversal runs as: the original one when known, else the system operator */
  operatorFor(operatorId: number | null): NhsaOperator;
  onChange?: () => void;
}

/**
 * The durable 2601 queue. A 2102/2103 whose outcome is unknown is queued in the same transaction
 * that completes its journal row; the queue survives restarts and retries with backoff until the
 * center confirms (infcode 0). Rows are never deleted.
 */
export function createReversalQueue(deps: ReversalDeps) {
  const { db, log } = deps;
  const now = deps.now ?? (() => new Date());
  const insert = db.prepare(
    `INSERT INTO nhsa_reversals (omsgid, oinfno, psn_no, insuplc_admdvs, operator_id, reason, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(omsgid) DO NOTHING`,
  );
  const due = db.prepare(
    `SELECT * FROM nhsa_reversals WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id`,
  );
  const byMsgid = db.prepare('SELECT * FROM nhsa_reversals WHERE omsgid = ?');
  const markDone = db.prepare(
    `UPDATE nhsa_reversals SET state = 'done', attempts = attempts + 1, reversal_msgid = ?, last_error = NULL, done_at = ? WHERE id = ?`,
  );
  const markRetry = db.prepare(
    `UPDATE nhsa_reversals SET attempts = ?, next_attempt_at = ?, last_error = ?, reversal_msgid = ? WHERE id = ?`,
  );
  const nextDue = db.prepare(`SELECT min(next_attempt_at) AS t FROM nhsa_reversals WHERE state = 'pending'`);

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;

  function enqueue(r: {
    omsgid: string;
    oinfno: string;
    psnNo: string;
    insuplcAdmdvs: string | null;
    operatorId: number | null;
    reason: ReversalRow['reason'];
  }): void {
    insert.run(r.omsgid, r.oinfno, r.psnNo, r.insuplcAdmdvs, r.operatorId, r.reason, now().getTime(), now().getTime());
    log.warn('nhsa: reversal queued', { omsgid: r.omsgid, oinfno: r.oinfno, reason: r.reason });
    deps.onChange?.();
    schedule(0);
  }

  async function attempt(row: ReversalRow): Promise<ReversalRow> {
    const result = await deps.send(row, deps.operatorFor(row.operatorId));
    if (result.kind === 'ok') {
      markDone.run(result.msgid, now().getTime(), row.id);
      log.info('nhsa: reversal confirmed', { omsgid: row.omsgid, msgid: result.msgid });
    } else {
      const attempts = row.attempts + 1;
      const error =
        result.kind === 'business_error'
          ? `医保中心拒绝冲正：${result.errMsg}`
          : result.kind === 'not_sent'
            ? result.reason
            : `冲正结果未知：${result.reason}`;
      markRetry.run(attempts, now().getTime() + backoffMs(attempts), error, result.msgid, row.id);
      log.warn('nhsa: reversal not confirmed, will retry', { omsgid: row.omsgid, attempts, kind: result.kind });
    }
    deps.onChange?.();
    return get(row.omsgid)!;
  }

  function get(omsgid: string): ReversalRow | null {
    const r = byMsgid.get(omsgid) as Record<string, unknown> | undefined;
    return r ? toRow(r) : null;
  }

  /** Works through every due row once; concurrent callers share the same pass. */
  function drain(): Promise<void> {
    if (running) return running;
    const pass = (async () => {
      for (const r of due.all(now().getTime()) as Record<string, unknown>[]) await attempt(toRow(r));
    })();
    // Cleared once the pass settles. (A pass with nothing due settles synchronously; clearing it
    // from inside, before `running` was even assigned, used to leave a settled pass in place for good.)
    running = pass;
    const clear = () => {
      if (running === pass) running = null;
    };
    pass.then(clear, clear);
    return pass;
  }

  function schedule(delayMs?: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    const t = (nextDue.get() as { t: number | null }).t;
    if (t === null && delayMs === undefined) return;
    const wait = delayMs ?? Math.max(0, (t ?? now().getTime()) - now().getTime());
    timer = setTimeout(
      () => {
        timer = null;
        drain()
          .catch((e: unknown) => log.error('nhsa: reversal pass failed', { error: e }))
          .finally(() => schedule());
      },
      Math.min(wait, 60_000),
    );
    timer.unref();
  }

  return {
    enqueue,
    get,
    drain,
    /** An admin reverses a settlement by hand: queued (if not yet) and attempted at once. */
    async reverseNow(r: {
      omsgid: string;
      oinfno: string;
      psnNo: string;
      insuplcAdmdvs: string | null;
      operatorId: number | null;
    }) {
      const existing = get(r.omsgid);
      if (existing?.state === 'done') return existing;
      if (!existing)
        insert.run(
          r.omsgid,
          r.oinfno,
          r.psnNo,
          r.insuplcAdmdvs,
          r.operatorId,
          'manual',
          now().getTime(),
          now().getTime(),
        );
      return attempt(get(r.omsgid)!);
    },
    list(state?: 'pending' | 'done'): ReversalRow[] {
      const rows = (
        state
          ? db.prepare('SELECT * FROM nhsa_reversals WHERE state = ? ORDER BY id DESC LIMIT 500').all(state)
          : db.prepare('SELECT * FROM nhsa_reversals ORDER BY id DESC LIMIT 500').all()
      ) as Record<string, unknown>[];
      return rows.map(toRow);
    },
    pendingCount(): number {
      return (db.prepare(`SELECT count(*) AS n FROM nhsa_reversals WHERE state = 'pending'`).get() as { n: number }).n;
    },
    start(): void {
      stopped = false;
      schedule(0);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

export type ReversalQueue = ReturnType<typeof createReversalQueue>;

function toRow(r: Record<string, unknown>): ReversalRow {
  const iso = (v: unknown) => (typeof v === 'number' ? new Date(v).toISOString() : null);
  return {
    id: r.id as number,
    omsgid: r.omsgid as string,
    oinfno: r.oinfno as '2102' | '2103',
    psnNo: r.psn_no as string,
    insuplcAdmdvs: (r.insuplc_admdvs as string | null) ?? null,
    operatorId: (r.operator_id as number | null) ?? null,
    state: r.state as 'pending' | 'done',
    reason: r.reason as ReversalRow['reason'],
    attempts: r.attempts as number,
    nextAttemptAt: iso(r.next_attempt_at)!,
    lastError: (r.last_error as string | null) ?? null,
    reversalMsgid: (r.reversal_msgid as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    doneAt: iso(r.done_at),
  };
}
