import type { AuditLog } from '../auth/audit';
import type { Logger } from '../core/logger';
import { withNormalSync, type Db } from '../db/connection';
import type { NhsaOperator, NhsaResult } from '../nhsa/client';
import { CODESETS, interfaceSpec } from '../nhsa/registry';
import { backoffMs } from '../nhsa/reversal';
import type { NhsaService } from '../nhsa/service';
import { checkInput } from '../nhsa/validate';
import type { SettingsService } from '../settings/settings-service';
import { AppError } from '../shared/errors';
import type { UploadRowView, UploadSummary } from '../shared/inventory';
import { field, readQuery } from './readback';
import { createOutboxStore, memoFrom, memoOf, recordDay, toView, wireRow, type OutboxRow } from './upload-outbox';
import { verdictOf, type CallVerdict } from './upload-results';
import { INV_DATA_TYPE, READBACK_QUERY, UPLOAD_NODES, type UploadInfno } from './wire';

/**
 * The background uploader of the insurance stock ledger (3501–3507). Every record waits in upload_outbox, written
 * in the same transaction as the event it reports; this drains it:
 * - in the order written, a batch's records after its earlier ones;
 * - one by one, or with the batch variants (3501A–3507A) when a backlog builds up (`upload.mode` auto) or the
 *   region wants them (`batch`);
 * - per-row results of batch answers applied; a batch refused as a whole is sent again row by row, so one bad
 *   record is refused alone and the rest go through;
 * - a refused record waits, with the center's message, for a manager (fix and resend, or withdraw / 3507);
 * - before a call the rows it carries are marked in doubt (durably): when no answer comes — timeout, garbage,
 *   a crash or restart in the middle — they are looked up at the center with 3508–3511 by their memo before
 *   anything is sent again. Nothing is dropped, nothing is reported twice.
 */

/** Uploads are the pharmacy's reports, not one cashier's transactions: they run as this operator. */
export const UPLOAD_OPERATOR: NhsaOperator = { id: null, opter: 'system', opterName: '进销存自动上传' };

const POLL_MS = 3_000;
/** rows read per round; a round sends them in runs of one interface */
const ROUND_ROWS = 1_000;
/** calls of one interface on the wire at once */
const PIPELINE = 2;

export interface UploaderDeps {
  db: Db;
  log: Logger;
  now: () => number;
  settings: SettingsService;
  /** the insurance service: its call (sign-in included) and the pharmacy's configuration */
  nhsa: Pick<NhsaService, 'call' | 'config'> | null;
  audit?: AuditLog;
  onChange?: (summary: UploadSummary) => void;
  pollMs?: number;
}

type Who = { operatorId: number | null; operatorName: string | null; screen?: string | null };

export function createUploader(deps: UploaderDeps) {
  const { db, log, now } = deps;
  const store = createOutboxStore(db);
  let running: Promise<void> | null = null;
  let lastError: string | null = null;
  let lastEmitted = '';
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const ctxFor = (infno: string) => ({
    operator: UPLOAD_OPERATOR,
    source: 'upload',
    // 35xx records mix persons of several regions in one batch: the pharmacy's own region is sent (a choice —
    // the envelope has one insuplc_admdvs, and these are the pharmacy's reports, not the person's settlement)
    insuplcAdmdvs: deps.nhsa?.config().admdvs || null,
    ref: `upload:${infno}`,
  });

  function summary(): UploadSummary {
    const c = store.counts.get()!;
    return {
      pending: c.pending,
      refused: c.refused,
      inDoubt: c.in_doubt,
      oldestPendingAt: c.oldest === null ? null : new Date(c.oldest).toISOString(),
      lastSentAt: c.last_sent === null ? null : new Date(c.last_sent).toISOString(),
      lastError,
      draining: running !== null,
    };
  }

  function emit(): void {
    // the core may be closing: a drain that ends after the database closed has nothing to tell
    if (!deps.onChange || !db.open) return;
    try {
      const s = summary();
      const key = JSON.stringify(s);
      if (key === lastEmitted) return;
      lastEmitted = key;
      deps.onChange(s);
    } catch (e) {
      log.warn('upload: backlog figures not sent', { error: e });
    }
  }

  // ---- applying what the center said --------------------------------------------------------------------

  /** A 3507 went through: its target is gone at the center, and the batch's other records of that type go again. */
  function applyDeletion(del: OutboxRow, at: number): void {
    const target = store.byId.get(del.ref_id);
    if (!target) return;
    store.markDeleted.run({ id: target.id, message: '已在医保中心删除', now: at });
    const type = INV_DATA_TYPE[target.infno as Exclude<UploadInfno, '3507'>];
    const infnos = Object.entries(INV_DATA_TYPE)
      .filter(([, t]) => t === type)
      .map(([i]) => i);
    store.requeueSiblings.run({ bchno: target.bchno, id: target.id, infnos: JSON.stringify(infnos), now: at });
  }

  function applySent(row: OutboxRow, msgid: string | null, via: string, at: number): void {
    store.markSent.run({ id: row.id, msgid, via, now: at });
    if (row.infno === '3507') applyDeletion(row, at);
  }

  const apply = db.transaction((rows: OutboxRow[], verdict: CallVerdict, msgid: string | null, via: string) => {
    const at = now();
    switch (verdict.kind) {
      case 'rows': {
        const sent: number[] = [];
        rows.forEach((row, i) => {
          const o = verdict.outcomes[i]!;
          if (o.kind === 'sent') {
            if (row.infno === '3507') applySent(row, msgid, via, at);
            else sent.push(row.id);
          } else if (o.kind === 'refused') {
            store.markRefused.run({ id: row.id, msgid, via, message: o.message, now: at });
          } else store.markWaiting.run({ id: row.id, inDoubt: 1, next: at, message: o.message, now: at });
        });
        if (sent.length) store.markAllSent.run({ ids: JSON.stringify(sent), msgid, via, now: at });
        return;
      }
      case 'split':
        // refused whole: nothing was recorded, the rows go again one by one
        for (const row of rows)
          store.markWaiting.run({
            id: row.id,
            inDoubt: 0,
            next: at,
            message: `批量上传被拒：${verdict.message}`,
            now: at,
          });
        return;
      case 'retry':
      case 'doubt':
        for (const row of rows) {
          const attempts = store.byId.get(row.id)!.attempts;
          store.markWaiting.run({
            id: row.id,
            inDoubt: verdict.kind === 'doubt' ? 1 : 0,
            next: at + backoffMs(attempts),
            message: verdict.message,
            now: at,
          });
        }
        return;
    }
  });

  /**
   * The uploader's bookkeeping commits with synchronous=NORMAL, like the client's journal of non-reversible calls:
   * WAL keeps it through a crash of the process (the restart test kills one mid-drain), at a fraction of the cost
   * of an fsync per call. A power cut can lose the last marks; a record could then be reported twice, which the
   * reconciliation lists as 中心重复 for a manager to delete (3507) — the price of draining a backlog at network
   * speed.
   */
  const lightly = <T>(fn: () => T): T => withNormalSync(db, fn);

  const markInFlight = (rows: OutboxRow[]) =>
    lightly(() => store.markInFlight.run({ ids: JSON.stringify(rows.map((r) => r.id)), now: now() }));

  // ---- sending ----------------------------------------------------------------------------------------------

  async function send(rows: OutboxRow[], batch: boolean): Promise<boolean> {
    const nhsa = deps.nhsa!;
    const infno = rows[0]!.infno;
    const nodes = UPLOAD_NODES[infno];
    const wire = rows.map((r) => wireRow(r));
    const callInfno = batch ? `${infno}A` : infno;
    const input = batch ? { [nodes.listKey]: wire } : { [nodes.node]: wire[0]! };
    markInFlight(rows);
    let result: NhsaResult;
    try {
      result = await nhsa.call(callInfno, input, ctxFor(callInfno));
    } catch (e) {
      result = { kind: 'not_sent', infno: callInfno, msgid: null, reason: e instanceof Error ? e.message : String(e) };
    }
    const verdict = verdictOf(
      result,
      rows.map((r, i) => ({ memo: memoFrom(r, wire[i]!), bchno: r.bchno })),
      batch,
    );
    const msgid = result.msgid;
    lightly(() => apply(rows, verdict, msgid, callInfno));
    if (verdict.kind === 'retry' || verdict.kind === 'doubt') {
      lastError = `${callInfno}：${verdict.message}`;
      log.warn('upload: call failed, rows wait', { infno: callInfno, rows: rows.length, kind: verdict.kind });
      emit();
      return false;
    }
    lastError = null;
    if (verdict.kind === 'split') {
      log.warn('upload: batch refused as a whole, sending its rows one by one', {
        infno: callInfno,
        rows: rows.length,
      });
      for (const r of rows) {
        if (stopped) return false;
        if (!(await send([store.byId.get(r.id)!], false))) return false;
      }
    }
    emit();
    return true;
  }

  /** Looks the rows left in doubt up at the center: recorded → sent; not recorded → sent again. */
  async function resolveDoubts(): Promise<boolean> {
    const rows = store.doubts.all(now());
    if (!rows.length) return true;
    const nhsa = deps.nhsa!;
    const fixmedinsCode = nhsa.config().fixmedinsCode;
    // one query per (interface, batch, day) covers every row of it
    const groups = new Map<
      string,
      { query: string; row: OutboxRow; rows: OutboxRow[]; target: Map<number, OutboxRow> }
    >();
    for (const row of rows) {
      const subject = row.infno === '3507' ? store.byId.get(row.ref_id) : row;
      if (!subject || subject.infno === '3507') {
        // a deletion whose target is gone: nothing to look up, send it again
        store.markWaiting.run({ id: row.id, inDoubt: 0, next: now(), message: null, now: now() });
        continue;
      }
      const query = READBACK_QUERY[subject.infno as Exclude<UploadInfno, '3507'>];
      const key = `${query}|${subject.bchno ?? ''}|${recordDay(subject)}`;
      const g = groups.get(key) ?? {
        query,
        row: subject,
        rows: [] as OutboxRow[],
        target: new Map<number, OutboxRow>(),
      };
      g.rows.push(row);
      g.target.set(row.id, subject);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      if (stopped) return false;
      const day = recordDay(g.row);
      const wire = wireRow(g.row);
      const data: Record<string, unknown> = { fixmedins_code: fixmedinsCode, begndate: day, enddate: day };
      if (g.row.bchno) data.fixmedins_bchno = g.row.bchno;
      else data.medins_list_codg = wire.fixmedins_hilist_id;
      const result = await nhsa.call(g.query, { data }, { ...ctxFor(g.query), insuplcAdmdvs: null });
      const read = readQuery(result);
      if (!read.ok) {
        lastError = `核实上传结果（${g.query}）：${read.message}`;
        for (const r of g.rows) {
          const attempts = store.byId.get(r.id)!.attempts;
          store.markWaiting.run({
            id: r.id,
            inDoubt: 1,
            next: now() + backoffMs(attempts),
            message: lastError,
            now: now(),
          });
        }
        emit();
        return false;
      }
      const memos = new Set(read.records.map((rec) => field(rec, 'memo')));
      db.transaction(() => {
        const at = now();
        for (const r of g.rows) {
          const subject = g.target.get(r.id)!;
          const atCenter = memos.has(memoOf(subject));
          // a deletion is done when its target is no longer there; a record is sent when it is there
          const done = r.infno === '3507' ? !atCenter : atCenter;
          if (done) applySent(r, r.msgid, `${r.via ?? r.infno}（已核实）`, at);
          else store.markWaiting.run({ id: r.id, inDoubt: 0, next: at, message: '中心未收到，重新上传', now: at });
        }
      })();
      log.info('upload: rows in doubt checked at the center', { query: g.query, rows: g.rows.length });
    }
    return true;
  }

  function useBatch(): boolean {
    const s = deps.settings.current();
    if (s['upload.mode'] === 'batch') return true;
    if (s['upload.mode'] === 'single') return false;
    return store.pendingCount.get()! >= s['upload.batch_threshold'];
  }

  async function pass(): Promise<void> {
    if (!deps.nhsa) return;
    if (!(await resolveDoubts())) return;
    const batchSize = deps.settings.current()['upload.batch_size'];
    for (;;) {
      if (stopped) return;
      const at = now();
      const waiting = new Map(store.blocked.all({ now: at }).map((b) => [b.bchno, b.first]));
      const due = store.due
        .all(at, ROUND_ROWS)
        .filter((r) => !(r.bchno !== null && (waiting.get(r.bchno) ?? Infinity) < r.id));
      if (!due.length) return;
      const batch = useBatch();
      // Runs of one interface, in the order written. Up to PIPELINE calls of the same interface are on the wire
      // at once (records of one kind commute: two sales of a batch may arrive in either order), so the center's
      // processing of one call overlaps the preparation of the next; a run of another interface starts only
      // when all of them have been answered (a return after its sale, a sale after its purchase).
      const inFlight: Promise<boolean>[] = [];
      const settle = async (all: boolean): Promise<boolean> => {
        const done = all ? inFlight.splice(0) : inFlight.splice(0, 1);
        return (await Promise.all(done)).every(Boolean);
      };
      let current: string | null = null;
      let i = 0;
      while (i < due.length) {
        if (stopped) break;
        const infno = due[i]!.infno;
        let j = i + 1;
        const max = batch ? batchSize : 1;
        while (j < due.length && j - i < max && due[j]!.infno === infno) j++;
        if (inFlight.length && (infno !== current || inFlight.length >= PIPELINE)) {
          if (!(await settle(infno !== current))) {
            await settle(true);
            return;
          }
        }
        current = infno;
        inFlight.push(send(due.slice(i, j), batch));
        i = j;
      }
      if (!(await settle(true)) || stopped) return;
    }
  }

  /** Runs one drain now (or joins the one running). */
  function drain(): Promise<void> {
    if (running) return running;
    // stopped: the core is closing (a drain queued by start() or a manager's action must not outlive it)
    if (stopped || !db.open) return Promise.resolve();
    running = pass()
      .catch((e) => {
        lastError = e instanceof Error ? e.message : String(e);
        log.error('upload: drain failed', { error: e });
      })
      .finally(() => {
        running = null;
        emit();
      });
    emit();
    return running;
  }

  // ---- the manager's actions --------------------------------------------------------------------------------

  function rowOrThrow(id: number): OutboxRow {
    const row = store.byId.get(id);
    if (!row) throw new AppError('NOT_FOUND', '上传记录不存在');
    return row;
  }

  function guardBusy(row: OutboxRow): void {
    if (row.in_doubt === 1) throw new AppError('CONFLICT', '该记录正在医保中心核实上传结果，请稍后再操作');
  }

  /** A refused (or waiting) record sent again, as it is or corrected; its identity fields cannot change. */
  function resend(id: number, corrected: Record<string, unknown> | undefined, who: Who): UploadRowView {
    const row = rowOrThrow(id);
    guardBusy(row);
    if (row.state !== 'refused' && row.state !== 'pending') {
      throw new AppError('CONFLICT', row.state === 'sent' ? '该记录已上传；如需更正请先删除再重传' : '该记录已删除');
    }
    let payload = row.payload;
    let changed: string[] = [];
    if (corrected) {
      const before = wireRow(row);
      for (const key of ['memo', 'fixmedins_bchno'] as const) {
        if (String(corrected[key] ?? '') !== String(before[key] ?? '')) {
          throw new AppError(
            'INVALID_INPUT',
            `${key === 'memo' ? '备注（记录标识）' : '批次流水号'}不能修改：它标识这条记录`,
          );
        }
      }
      const node = UPLOAD_NODES[row.infno].node;
      const spec = interfaceSpec(row.infno)!;
      const problems = checkInput(spec, { [node]: corrected }, CODESETS);
      if (problems.length) {
        throw new AppError('INVALID_INPUT', `修改后的记录仍不完整：${problems.map((p) => p.zh).join('；')}`);
      }
      changed = Object.keys({ ...before, ...corrected }).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(corrected[k]),
      );
      payload = JSON.stringify({ [node]: corrected });
    }
    store.setPayload.run({ id, payload, now: now() });
    deps.audit?.record({
      ...who,
      action: 'uploads.resend',
      detail: { id, infno: row.infno, ref: `${row.ref_type}:${row.ref_id}`, changed, centerMsg: row.center_msg },
    });
    log.info('upload: record queued again by a manager', { id, infno: row.infno, changed });
    setImmediate(() => void drain());
    emit();
    return toView(store.byId.get(id)!);
  }

  /**
   * A record withdrawn: one never accepted is simply withdrawn; one the center holds is deleted there with 3507
   * (queued like every upload, so a network failure cannot lose it).
   */
  function remove(id: number, reason: string, who: Who): UploadRowView {
    const row = rowOrThrow(id);
    guardBusy(row);
    if (row.state === 'deleted') throw new AppError('CONFLICT', '该记录已删除');
    if (row.state === 'sent' && row.infno === '3507') throw new AppError('CONFLICT', '删除记录本身不能再删除');
    if (row.state === 'sent') {
      if (store.pendingDeleteOf.get(id)) throw new AppError('CONFLICT', '该记录的删除已在排队');
      if (!row.bchno) throw new AppError('CONFLICT', '该记录没有批次流水号，无法在中心删除');
      const payload = JSON.stringify({
        data: { fixmedins_bchno: row.bchno, inv_data_type: INV_DATA_TYPE[row.infno as Exclude<UploadInfno, '3507'>] },
      });
      store.insertDelete.get({ targetId: id, payload, now: now() });
      setImmediate(() => void drain());
    } else {
      store.markDeleted.run({ id, message: `已撤回：${reason}`, now: now() });
    }
    deps.audit?.record({
      ...who,
      action: 'uploads.delete',
      detail: { id, infno: row.infno, ref: `${row.ref_type}:${row.ref_id}`, state: row.state, reason },
    });
    emit();
    return toView(store.byId.get(id)!);
  }

  return {
    summary,
    drain,
    resend,
    remove,
    get(id: number): { row: UploadRowView; payload: unknown } {
      const row = rowOrThrow(id);
      return { row: toView(row), payload: wireRow(row) };
    },
    list(q: { state?: string; infno?: string; offset: number; limit: number }): {
      rows: UploadRowView[];
      total: number;
    } {
      const where: string[] = [];
      const args: Record<string, unknown> = { offset: q.offset, limit: q.limit };
      if (q.state === 'problem') where.push("(state = 'refused' OR (state = 'pending' AND in_doubt = 1))");
      else if (q.state) {
        where.push('state = @state');
        args.state = q.state;
      }
      if (q.infno) {
        where.push('infno = @infno');
        args.infno = q.infno;
      }
      const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = db.prepare(`SELECT count(*) FROM upload_outbox ${w}`).pluck().get(args) as number;
      const rows = db
        .prepare(
          `SELECT id, infno, ref_type, ref_id, payload, state, attempts, next_attempt_at, last_error, created_at,
             updated_at, bchno, in_doubt, msgid, via, sent_at, center_msg
           FROM upload_outbox ${w} ORDER BY (state = 'refused') DESC, id DESC LIMIT @limit OFFSET @offset`,
        )
        .all(args) as OutboxRow[];
      return { rows: rows.map(toView), total };
    },
    /** Polls for due rows in the background (the app shells; not the CLI). */
    start(): void {
      if (timer || !deps.nhsa) return;
      stopped = false;
      timer = setInterval(() => {
        if (running || stopped) return;
        try {
          if (store.anyDue.get(now())) void drain();
        } catch (e) {
          log.warn('upload: poll failed', { error: e });
        }
      }, deps.pollMs ?? POLL_MS);
      timer.unref();
      setImmediate(() => void drain());
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

export type Uploader = ReturnType<typeof createUploader>;
