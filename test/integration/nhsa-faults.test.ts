import { describe, expect, it } from 'vitest';
import type { NhsaResult } from '../../app/nhsa/client';
import { SANDBOX_GATEWAY } from '../../app/nhsa/service';
import type { FaultSpec } from '../../app/sandbox';
import { WANG, journalRows, oneBox, reversalRows } from '../support/nhsa-data';
import {
  inspectorOf,
  nhsaFixture,
  sandboxMessages,
  standaloneSandbox,
  testClock,
  waitFor,
  type NhsaFixture,
} from '../support/nhsa-fixture';

// Each fault mode of the sandbox over a real socket, and the recovery the client documents for it:
// an unknown 2102 is reversed exactly once through the durable queue; anything else is only reported.

const CTX = { insuplcAdmdvs: WANG.insuplc_admdvs };
/** Short timeouts so a hang costs seconds, not the default 30. */
const FAST = { POS_NHSA_TIMEOUT_OVERRIDES: '2102=3,1101=3,2601=3' };

async function signedIn(env: Record<string, string> = FAST, now?: () => Date): Promise<NhsaFixture> {
  const f = await nhsaFixture({ env, now });
  const r = await f.svc.signIn(f.op);
  expect(r.kind).toBe('ok');
  return f;
}

async function settleUnder(f: NhsaFixture, fault: Omit<FaultSpec, 'infno'>): Promise<NhsaResult> {
  f.sandbox!.faults.inject({ ...fault, infno: '2102' });
  return f.svc.call('2102', oneBox(), { operator: f.op, ...CTX });
}

function msgidsSent(f: NhsaFixture, infno: string): string[] {
  return sandboxMessages(f.sandboxDbPath)
    .filter((m) => m.infno === infno)
    .map((m) => m.msgid);
}

/** After an unknown 2102: one queued reversal, drained with exactly one 2601 that the center confirms. */
async function expectOneReversal(f: NhsaFixture, r: NhsaResult) {
  expect(r.kind).toBe('unknown');
  expect(journalRows(f.db, '2102').map((j) => j.outcome)).toEqual(['unknown']);
  const queued = reversalRows(f.db);
  expect(queued).toHaveLength(1);
  expect(queued[0]).toMatchObject({
    omsgid: r.msgid,
    oinfno: '2102',
    psn_no: WANG.psn_no,
    state: 'pending',
    reason: 'unknown_outcome',
    attempts: 0,
  });
  expect(f.svc.reversals.pendingCount()).toBe(1);

  await f.svc.reversals.drain();
  await f.svc.reversals.drain(); // a second pass has nothing left to do
  const done = reversalRows(f.db);
  expect(done).toHaveLength(1);
  expect(done[0]).toMatchObject({ state: 'done', attempts: 1, last_error: null });
  const sent2601 = journalRows(f.db, '2601');
  expect(sent2601).toHaveLength(1);
  expect(sent2601[0]).toMatchObject({ outcome: 'ok', source: 'reversal', msgid: done[0]!.reversal_msgid });
  expect(msgidsSent(f, '2601')).toEqual([done[0]!.reversal_msgid]);
  expect(f.svc.reversals.pendingCount()).toBe(0);
  return done[0]!;
}

describe('2102 under each fault: outcome, reversal queue and the center state', () => {
  it('drop_after_commit: unknown → one 2601 → the settlement is reversed, balance restored, no second settlement', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'drop_after_commit' });
    expect(r).toMatchObject({ kind: 'unknown' });
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)).toMatchObject({ status: 'active', acctPayFen: 500 });
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(99500);

    const rev = await expectOneReversal(f, r);
    const all = f.sandbox!.inspect.settlements();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ msgid: r.msgid, status: 'reversed', reversedByMsgid: rev.reversal_msgid });
    expect(f.sandbox!.inspect.liveSettlementCount()).toBe(0);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('drop_before_commit: unknown → one 2601 that answers 0 (nothing to undo); the center never saw the msgid', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'drop_before_commit' });
    expect(f.sandbox!.inspect.msgidSeen(r.msgid!)).toBe(false);
    await expectOneReversal(f, r);
    expect(f.sandbox!.inspect.settlements()).toEqual([]);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('hang: the per-interface timeout (POS_NHSA_TIMEOUT_OVERRIDES 2102=3) gives up after ~3 s → unknown → reversed', async () => {
    const f = await signedIn();
    const t0 = performance.now();
    const r = await settleUnder(f, { mode: 'hang' });
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThan(2900);
    expect(ms).toBeLessThan(6000);
    expect((r as { reason: string }).reason).toContain('3 秒内没有应答');
    await expectOneReversal(f, r);
    expect(f.sandbox!.inspect.settlements()).toEqual([]);
  });

  it('hang with the global timeout (POS_NHSA_TIMEOUT_SECONDS=3) on a non-reversible call: unknown, nothing queued', async () => {
    const f = await signedIn({ POS_NHSA_TIMEOUT_SECONDS: '3' });
    f.sandbox!.faults.inject({ mode: 'hang', infno: '1101' });
    const t0 = performance.now();
    const r = await f.svc.call(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      { operator: f.op },
    );
    expect(performance.now() - t0).toBeGreaterThan(2900);
    expect(r.kind).toBe('unknown');
    expect(journalRows(f.db, '1101').map((j) => j.outcome)).toEqual(['unknown']);
    expect(reversalRows(f.db)).toEqual([]);
  });

  it('http_500: unknown (not a business answer) → reversal finds nothing to undo', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'http_500' });
    expect((r as { reason: string }).reason).toContain('HTTP 500');
    const j = journalRows(f.db, '2102')[0]!;
    expect(JSON.parse(j.response!)).toMatchObject({ status: 500 });
    await expectOneReversal(f, r);
    expect(f.sandbox!.inspect.settlements()).toEqual([]);
  });

  it('garbage (truncated JSON + NUL/0xFF + HTML): unknown → the committed settlement is reversed', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'garbage' });
    expect((r as { reason: string }).reason).toContain('不是有效的 JSON');
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('active');
    await expectOneReversal(f, r);
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('reversed');
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('no_infcode: unknown (never guessed as success) → the committed settlement is reversed', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'no_infcode' });
    expect((r as { reason: string }).reason).toContain('infcode');
    await expectOneReversal(f, r);
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('reversed');
  });

  it('huge (10 MB reply): the read is abandoned, the journal row is completed (small), unknown → reversed', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'huge' });
    expect((r as { reason: string }).reason).toContain('应答过大');
    const j = journalRows(f.db, '2102')[0]!;
    expect(j.outcome).toBe('unknown');
    expect((j.response ?? '').length).toBeLessThan(70_000);
    await expectOneReversal(f, r);
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('reversed');
    // the client is still usable afterwards
    const next = await f.svc.call('2102', oneBox(), { operator: f.op, ...CTX });
    expect(next.kind).toBe('ok');
  });

  it('slow_drip within the timeout: the reply arrives byte by byte and is ok', async () => {
    const f = await signedIn();
    f.sandbox!.faults.inject({ mode: 'slow_drip', infno: '1101', delayMs: 1 });
    const r = await f.svc.call(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      { operator: f.op },
    );
    expect(r.kind).toBe('ok');
    expect(((r as Extract<NhsaResult, { kind: 'ok' }>).output.baseinfo as { psn_no: string }).psn_no).toBe(WANG.psn_no);
  });

  it('slow_drip beyond the timeout: unknown → the committed settlement is reversed', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'slow_drip', delayMs: 5 });
    expect(r.kind).toBe('unknown');
    await expectOneReversal(f, r);
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('reversed');
  });

  it('business_error: the center refused, nothing is queued, nothing was settled', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'business_error', message: '医保中心维护中，请稍后再试' });
    expect(r).toMatchObject({ kind: 'business_error', infcode: '-1', errMsg: '医保中心维护中，请稍后再试' });
    expect(reversalRows(f.db)).toEqual([]);
    expect(f.sandbox!.inspect.settlements()).toEqual([]);
  });

  it('delay within the timeout is ok; delay beyond it is unknown and the committed settlement is reversed', async () => {
    const f = await signedIn();
    const quick = await settleUnder(f, { mode: 'delay', delayMs: 300 });
    expect(quick.kind).toBe('ok');
    const slow = await settleUnder(f, { mode: 'delay', delayMs: 4000 });
    expect(slow.kind).toBe('unknown');
    expect(reversalRows(f.db)).toHaveLength(1);
    await f.svc.reversals.drain();
    expect(f.sandbox!.inspect.settlementByMsgid(slow.msgid!)!.status).toBe('reversed');
    expect(f.sandbox!.inspect.settlementByMsgid(quick.msgid!)!.status).toBe('active');
    expect(journalRows(f.db, '2601')).toHaveLength(1);
  });
});

describe('2103 under a drop', () => {
  it('an unknown cancellation is reversed with oinfno 2103: the settlement is live again, the account charged again', async () => {
    const f = await signedIn({ POS_NHSA_TIMEOUT_OVERRIDES: '2103=3,2601=3' });
    const sale = await f.svc.call('2102', oneBox(), { operator: f.op, ...CTX });
    expect(sale.kind).toBe('ok');
    const s = (sale as Extract<NhsaResult, { kind: 'ok' }>).output.setlinfo as Record<string, string>;
    f.sandbox!.faults.inject({ mode: 'drop_after_commit', infno: '2103' });
    const cancel = await f.svc.call(
      '2103',
      { data: { setl_id: s.setl_id!, mdtrt_id: s.mdtrt_id!, psn_no: WANG.psn_no } },
      { operator: f.op, ...CTX },
    );
    expect(cancel.kind).toBe('unknown');
    expect(f.sandbox!.inspect.settlementBySetlId(s.setl_id!)!.status).toBe('cancelled'); // it did happen
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect(reversalRows(f.db)).toMatchObject([{ omsgid: cancel.msgid, oinfno: '2103', state: 'pending' }]);

    await f.svc.reversals.drain();
    expect(reversalRows(f.db)[0]).toMatchObject({ state: 'done' });
    expect(f.sandbox!.inspect.settlementBySetlId(s.setl_id!)!.status).toBe('active');
    expect(f.sandbox!.inspect.settlementByMsgid(cancel.msgid!)!).toMatchObject({ kind: 'cancel', status: 'reversed' });
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(99500);
    expect(journalRows(f.db, '2601')).toHaveLength(1);
  });
});

describe('non-reversible calls under a drop', () => {
  it('1101 and 2101 dropped after commit: unknown, and no reversal is queued', async () => {
    const f = await signedIn();
    f.sandbox!.faults.inject({ mode: 'drop_after_commit', infno: '1101' });
    f.sandbox!.faults.inject({ mode: 'drop_after_commit', infno: '2101' });
    const a = await f.svc.call(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      { operator: f.op },
    );
    const b = await f.svc.call('2101', oneBox(), { operator: f.op, ...CTX });
    expect([a.kind, b.kind]).toEqual(['unknown', 'unknown']);
    expect(reversalRows(f.db)).toEqual([]);
    expect(
      journalRows(f.db)
        .filter((j) => j.outcome === 'unknown')
        .map((j) => j.infno),
    ).toEqual(['1101', '2101']);
  });
});

describe('the reversal queue', () => {
  it('the completion and the queued reversal commit together: if queueing fails, the row stays pending for recovery', async () => {
    const f = await signedIn();
    f.db.exec(
      `CREATE TEMP TRIGGER refuse_reversal BEFORE INSERT ON nhsa_reversals BEGIN SELECT RAISE(ABORT, 'test: queue refused'); END`,
    );
    f.sandbox!.faults.inject({ mode: 'drop_after_commit', infno: '2102' });
    await expect(f.svc.call('2102', oneBox(), { operator: f.op, ...CTX })).rejects.toThrow(/queue refused/);
    // neither the unknown outcome nor the reversal was written: the journal still says pending
    expect(journalRows(f.db, '2102').map((j) => j.outcome)).toEqual(['pending']);
    expect(reversalRows(f.db)).toEqual([]);

    f.db.exec('DROP TRIGGER refuse_reversal');
    // A live process never recovers its own open calls; the next start (after the crash) does.
    expect(f.svc.recoverAfterCrash()).toBe(0);
    f.db.prepare('UPDATE process_leases SET heartbeat_at = 0').run();
    const restarted = await nhsaFixture({ dir: f.dir });
    expect(restarted.svc.recoverAfterCrash()).toBe(1);
    expect(reversalRows(f.db)).toMatchObject([{ reason: 'crash_recovery', state: 'pending' }]);
    await f.svc.reversals.drain();
    expect(f.sandbox!.inspect.settlements()).toMatchObject([{ status: 'reversed' }]);
  });

  it('the running queue (start(), as boot does) reverses an unknown 2102 by itself, also after an empty pass', async () => {
    const f = await signedIn();
    f.svc.reversals.start(); // first pass: nothing due
    await f.svc.reversals.drain(); // and an explicit empty pass
    const r = await settleUnder(f, { mode: 'drop_after_commit' });
    expect(r.kind).toBe('unknown');
    await waitFor(() => reversalRows(f.db)[0]?.state === 'done', 'the automatic reversal', 5000);
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('reversed');
    expect(journalRows(f.db, '2601')).toHaveLength(1);
  });

  it('a 2601 that fails is retried with backoff (5 s, then 10 s) and confirmed later', async () => {
    const clock = testClock();
    const f = await signedIn(FAST, clock.now);
    const r = await settleUnder(f, { mode: 'drop_after_commit' });
    expect(r.kind).toBe('unknown');
    f.sandbox!.faults.inject({ mode: 'http_500', infno: '2601' });
    f.sandbox!.faults.inject({ mode: 'drop_after_commit', infno: '2601' }); // reverses, but the answer is lost

    await f.svc.reversals.drain();
    let [row] = reversalRows(f.db);
    expect(row).toMatchObject({ state: 'pending', attempts: 1, next_attempt_at: clock.ms + 5000 });
    expect(row!.last_error).toContain('HTTP 500');
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('active');

    await f.svc.reversals.drain(); // not due yet: nothing is sent
    expect(journalRows(f.db, '2601')).toHaveLength(1);

    clock.advance(5000);
    await f.svc.reversals.drain();
    [row] = reversalRows(f.db);
    expect(row).toMatchObject({ state: 'pending', attempts: 2, next_attempt_at: clock.ms + 10_000 });
    expect(f.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('reversed'); // done, answer lost

    clock.advance(9999);
    await f.svc.reversals.drain();
    expect(journalRows(f.db, '2601')).toHaveLength(2);
    clock.advance(1);
    await f.svc.reversals.drain();
    [row] = reversalRows(f.db);
    expect(row).toMatchObject({ state: 'done', attempts: 3, last_error: null });
    // the idempotent third 2601 confirmed it; the center did reverse exactly once
    expect(journalRows(f.db, '2601').map((j) => j.outcome)).toEqual(['unknown', 'unknown', 'ok']);
    expect(f.sandbox!.inspect.settlements()).toHaveLength(1);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('survives a restart: a new service on the same database drains the queue on its own (start())', async () => {
    const f = await signedIn();
    const r = await settleUnder(f, { mode: 'drop_after_commit' });
    expect(r.kind).toBe('unknown');
    expect(reversalRows(f.db)).toHaveLength(1);
    await f.close(); // the till stops before the queue ran

    const g = await nhsaFixture({ dir: f.dir, env: FAST });
    expect(g.svc.reversals.pendingCount()).toBe(1);
    g.svc.reversals.start();
    await waitFor(() => reversalRows(g.db)[0]!.state === 'done', 'the reversal after restart');
    expect(g.sandbox!.inspect.settlementByMsgid(r.msgid!)!.status).toBe('reversed');
    expect(g.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect(journalRows(g.db, '2601')).toHaveLength(1);
  });
});

describe('gateway authentication', () => {
  it('a wrong token is refused by the gateway (401) before the platform: not_sent, journaled, nothing to reverse', async () => {
    // Observed: the sandbox gateway answers 401 {code, msg} and the client reports kind 'not_sent'
    // (client.ts treats 401/403 as "the business service never saw it"), for every interface — a
    // 2102 refused this way is not queued for reversal. (Earlier in this session the client reported
    // any non-200, 401 included, as 'unknown'.)
    const center = await standaloneSandbox();
    const env = { ...center.env, ...FAST };
    delete (env as Record<string, string>).POS_NHSA_TOKEN; // set through the settings so it can change
    const f = await nhsaFixture({ env });
    f.core.settings.update({ 'nhsa.token': SANDBOX_GATEWAY.token }, null);
    expect((await f.svc.signIn(f.op)).kind).toBe('ok');
    const seen = sandboxMessages(center.dbPath).length;

    f.core.settings.update({ 'nhsa.token': 'not-the-token' }, null);
    const read = await f.svc.call(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      { operator: f.op },
    );
    expect(read.kind).toBe('not_sent');
    expect(read.msgid).toMatch(/^P11010000001\d{18}$/); // it was sent, so it has a msgid and a journal row
    expect((read as { reason: string }).reason).toContain('HTTP 401');
    expect((read as { reason: string }).reason).toContain('签名校验失败'); // the gateway's own message
    const j = journalRows(f.db, '1101')[0]!;
    expect(j).toMatchObject({ outcome: 'not_sent', msgid: read.msgid });
    expect(JSON.parse(j.response!)).toMatchObject({ code: '401' });

    const sale = await f.svc.call('2102', oneBox(), { operator: f.op, ...CTX });
    expect(sale.kind).toBe('not_sent');
    expect(reversalRows(f.db)).toEqual([]);
    expect(sandboxMessages(center.dbPath)).toHaveLength(seen); // the platform saw none of them
    expect(inspectorOf(center.dbPath).settlements()).toEqual([]);

    // the setting applies at once: the next call with the right token goes through
    f.core.settings.update({ 'nhsa.token': SANDBOX_GATEWAY.token }, null);
    expect((await f.svc.call('2102', oneBox(), { operator: f.op, ...CTX })).kind).toBe('ok');
  });
});
