import { createJournal } from '../../app/nhsa/journal';
import { describe, expect, it } from 'vitest';
import { WANG, beijingCompact, journalRows, oneBox, reversalRows } from '../support/nhsa-data';
import { inspectorOf, nhsaFixture, sandboxMessages, standaloneSandbox, waitFor } from '../support/nhsa-fixture';
import { childEnv, jsonLines, runNode } from '../support/nhsa-process';

// A call left 'pending' in the journal was perhaps sent: after a crash its outcome is unknown, and a
// 2102/2103 must be reversed — exactly once, however often recovery runs.

describe('recoverAfterCrash', () => {
  it('pending rows (written by journal.begin, never completed) become unknown; only the 2102 is queued, once', async () => {
    const f = await nhsaFixture();
    const at = Date.now() - 60_000;
    const msgid = (n: number) => `P11010000001${beijingCompact(at)}${String(n).padStart(4, '0')}`;
    // Written as a till that crashed would have left them: owned by a process with no lease.
    const crashed = createJournal(f.db, 'a-crashed-till');
    const begin = (m: string, infno: string, psnNo: string | null) =>
      crashed.begin({
        msgid: m,
        infno,
        operatorId: f.op.id,
        opter: f.op.opter,
        psnNo,
        insuplcAdmdvs: psnNo ? '110100' : null,
        request: { infno, msgid: m, input: {} },
        startedAt: at,
        source: 'app',
      });
    begin(msgid(9001), '2102', WANG.psn_no);
    begin(msgid(9002), '1101', null);
    begin(msgid(9003), '2101', WANG.psn_no);

    expect(f.svc.recoverAfterCrash()).toBe(3);
    expect(journalRows(f.db).map((j) => [j.infno, j.outcome])).toEqual([
      ['2102', 'unknown'],
      ['1101', 'unknown'],
      ['2101', 'unknown'],
    ]);
    expect(journalRows(f.db)[0]!.err_msg).toContain('程序在等待医保中心应答时退出');
    expect(reversalRows(f.db)).toMatchObject([
      { omsgid: msgid(9001), oinfno: '2102', psn_no: WANG.psn_no, state: 'pending', reason: 'crash_recovery' },
    ]);

    expect(f.svc.recoverAfterCrash()).toBe(0); // a second start finds nothing open
    expect(reversalRows(f.db)).toHaveLength(1);

    await f.svc.reversals.drain();
    expect(reversalRows(f.db)[0]).toMatchObject({ state: 'done' });
    // the center never received that msgid: 2601 answers "nothing to reverse" with infcode 0
    expect(journalRows(f.db, '2601').map((j) => j.outcome)).toEqual(['ok']);
    expect(f.sandbox!.inspect.settlements()).toEqual([]);
  });

  it('a till killed in the middle of a 2102 (settled at the center, reply delayed): the next start reverses it once', async () => {
    const center = await standaloneSandbox();
    const f = await nhsaFixture({ env: center.env });
    const dir = f.dir;
    await f.close(); // the folder is prepared (schema, settings key); the child owns it now

    // committed at once, answered only after 10 s: the child is killed while it waits
    center.sandbox.faults.inject({ mode: 'delay', infno: '2102', delayMs: 10_000 });
    const run = runNode(
      'test/support/nhsa-child.ts',
      ['2102', JSON.stringify(oneBox()), '110100'],
      childEnv({ ...center.env, POS_DATA_DIR: dir }),
    );
    await waitFor(() => center.sandbox.inspect.settlements().length === 1, 'the settlement at the center', 12_000, 50);
    run.child.kill('SIGKILL');
    const exit = await run;
    expect(exit.signal).toBe('SIGKILL');
    expect(jsonLines(exit.stdout).map((l) => l.event)).toEqual(['calling']);

    const g = await nhsaFixture({ dir, env: center.env });
    const open = journalRows(g.db, '2102');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ outcome: 'pending', source: 'child', operator_id: null, psn_no: WANG.psn_no });
    const settled = center.sandbox.inspect.settlements()[0]!;
    expect(settled.msgid).toBe(open[0]!.msgid);
    expect(settled.status).toBe('active');

    expect(g.svc.recoverAfterCrash()).toBe(1);
    expect(reversalRows(g.db)).toMatchObject([{ omsgid: settled.msgid, reason: 'crash_recovery', state: 'pending' }]);
    await g.svc.reversals.drain();
    expect(reversalRows(g.db)[0]).toMatchObject({ state: 'done' });

    const after = inspectorOf(center.dbPath);
    expect(after.settlements()).toHaveLength(1);
    expect(after.settlementByMsgid(settled.msgid)!.status).toBe('reversed');
    expect(after.balanceFen(WANG.psn_no)).toBe(100000);
    expect(sandboxMessages(center.dbPath).filter((m) => m.infno === '2601')).toHaveLength(1);
    // the reversal ran as the system operator (the child's CLI operator is not in the table)
    expect(JSON.parse(journalRows(g.db, '2601')[0]!.request)).toMatchObject({ opter: 'system' });
  }, 30_000);

  it('a second process on the same data folder leaves a live call alone (the owner holds a lease)', async () => {
    const center = await standaloneSandbox();
    const till = await nhsaFixture({ env: center.env });
    expect((await till.svc.signIn(till.op)).kind).toBe('ok');
    center.sandbox.faults.inject({ mode: 'delay', infno: '2102', delayMs: 1500 });
    const sale = till.svc.call('2102', oneBox(), { operator: till.op, insuplcAdmdvs: '110100' });
    await waitFor(() => journalRows(till.db, '2102')[0]?.outcome === 'pending', 'the live 2102');

    const other = await nhsaFixture({ dir: till.dir, env: center.env });
    expect(other.svc.recoverAfterCrash()).toBe(0);
    const r = await sale;
    expect(r.kind).toBe('ok');
    expect(journalRows(till.db, '2102')[0]!.outcome).toBe('ok');
    expect(reversalRows(till.db)).toEqual([]);
    expect(center.sandbox.inspect.settlementByMsgid(r.msgid!)!.status).toBe('active');
  });

  it('an open call whose owner stopped renewing its lease is recovered as unknown', async () => {
    const center = await standaloneSandbox();
    const till = await nhsaFixture({ env: center.env });
    expect((await till.svc.signIn(till.op)).kind).toBe('ok');
    center.sandbox.faults.inject({ mode: 'hang', infno: '2102' });
    void till.svc.call('2102', oneBox(), { operator: till.op, insuplcAdmdvs: '110100' });
    await waitFor(() => journalRows(till.db, '2102')[0]?.outcome === 'pending', 'the hanging 2102');
    // The till "dies": its lease stops being renewed.
    till.db.prepare('UPDATE process_leases SET heartbeat_at = 0').run();
    const other = await nhsaFixture({ dir: till.dir, env: center.env });
    expect(other.svc.recoverAfterCrash()).toBe(1);
    expect(journalRows(till.db, '2102')[0]!.outcome).toBe('unknown');
    expect(reversalRows(till.db)).toMatchObject([{ reason: 'crash_recovery', state: 'pending' }]);
  });
});
