import { describe, expect, it } from 'vitest';
import { createUploader } from '../../app/inventory/uploader';
import { counterFixture } from '../support/counter-fixture';
import { inspectorOf, onCleanup, sandboxMessages, standaloneSandbox } from '../support/nhsa-fixture';
import { childEnv, runNode } from '../support/nhsa-process';
import { tempDir } from '../support/tmp';

/**
 * The till is killed (SIGKILL) while a batch of sale records is on the wire and the center has already recorded
 * it. After the restart every record is at the center exactly once: the rows the dead process left in doubt are
 * looked up (3511) and marked sent, not sent again; the ones it never reached go normally.
 */
describe('uploader: killed in the middle of a drain', () => {
  it('restarts with nothing lost and nothing sent twice', async () => {
    const sb = await standaloneSandbox();
    const dir = tempDir('upload-crash-');
    const env = {
      ...sb.env,
      POS_TRACE_REQUIRED_FOR_SELFPAY: 'false',
      POS_UPLOAD_MODE: 'batch',
      POS_UPLOAD_BATCH_SIZE: '4',
    };
    const seed = await counterFixture({ dir, env });
    seed.stockUp('vitaminC', 'VC-1', '2028-01-31', 100);
    for (let i = 0; i < 10; i++) {
      const sale = seed.counter.start(seed.opId);
      seed.counter.scan(sale.id, seed.opId, '6901234567809');
      seed.counter.pay(sale.id, seed.opId, [{ method: 'cash', amountFen: 350 }]);
    }
    await seed.core.operators.resetPassword(seed.opId, 'Manager2026x');
    seed.db.prepare(`UPDATE operators SET must_change_password = 0, roles = '["manager"]' WHERE id = ?`).run(seed.opId);
    await seed.close();

    // the first two batches (4 rows each, on the wire together) are recorded at once and answered 20 s later: the
    // kill lands in between
    sb.sandbox.faults.inject({ mode: 'delay', infno: '3505A', delayMs: 20_000, count: 2 });
    const run = runNode(
      'test/support/upload-child.ts',
      [],
      childEnv({ ...env, POS_DATA_DIR: dir, CHILD_USER: 'op01', CHILD_PASSWORD: 'Manager2026x' }),
      {
        timeoutMs: 60_000,
        onStdout: (text, child) => {
          if (text.includes('"event":"draining"')) setTimeout(() => child.kill('SIGKILL'), 2000);
        },
      },
    );
    const killed = await run;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const recorded = () =>
      inspectorOf(sb.dbPath)
        .inventoryRecords()
        .filter((r) => r.deletedAt === null);
    expect(recorded()).toHaveLength(8);

    // the till starts again and drains
    const f = await counterFixture({ dir, env });
    const states = () =>
      f.db.prepare('SELECT state, in_doubt FROM upload_outbox ORDER BY id').all() as {
        state: string;
        in_doubt: number;
      }[];
    expect(states().filter((r) => r.in_doubt === 1)).toHaveLength(8);
    const u = createUploader({ db: f.db, log: f.log, now: f.core.now, settings: f.core.settings, nhsa: f.svc });
    onCleanup(() => u.stop());
    await u.drain();
    expect(states().every((r) => r.state === 'sent' && r.in_doubt === 0)).toBe(true);
    const memos = recorded().map((r) => r.memo);
    expect(memos).toHaveLength(10);
    expect(new Set(memos).size).toBe(10);
    const calls = sandboxMessages(sb.dbPath).map((m) => m.infno);
    // two batches before the kill, one look-up for the batch's day, then the remaining 2 rows
    expect(calls.filter((i) => i === '3505A')).toHaveLength(3);
    expect(calls.filter((i) => i === '3511')).toHaveLength(1);
  });
});
