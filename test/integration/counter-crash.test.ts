import { describe, expect, it } from 'vitest';
import { counterFixture } from '../support/counter-fixture';
import { standaloneSandbox, sandboxMessages } from '../support/nhsa-fixture';
import { childEnv, runNode } from '../support/nhsa-process';
import { tempDir } from '../support/tmp';
import { inspectorOf } from '../support/nhsa-fixture';

/**
 * The till is killed (SIGKILL: no cleanup of any kind) while 2102 is on the wire and the center has already
 * settled. The next start must end in exactly one outcome: the settlement reversed with 2601 and the cart
 * given back to the cashier with a notice — never a settled sale nobody was charged for, never a second
 * settlement on top.
 */

describe('counter: killed between 2102 and its answer', () => {
  it('restarts, reverses the settlement and gives the cart back', async () => {
    const sb = await standaloneSandbox();
    const dir = tempDir('till-crash-');
    const env = { ...sb.env, POS_TRACE_REQUIRED_FOR_INSURANCE: 'false' };
    // stock the till, give the cashier a password, then let the child process be the till
    const seed = await counterFixture({ dir, env });
    seed.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    seed.stockUp('ibuprofen', 'IB-1', '2028-01-31', 10);
    await seed.core.operators.resetPassword(seed.opId, 'Counter2026x');
    seed.db.prepare('UPDATE operators SET must_change_password = 0 WHERE id = ?').run(seed.opId);
    await seed.close();

    // the center commits 2102 at once and answers 20 s later: the kill lands in between
    sb.sandbox.faults.inject({ mode: 'delay', infno: '2102', delayMs: 20_000 });
    let saleId = 0;
    const run = runNode(
      'test/support/counter-child.ts',
      ['6901234567809', '6901234567816'],
      childEnv({
        ...env,
        POS_DATA_DIR: dir,
        CHILD_USER: 'op01',
        CHILD_PASSWORD: 'Counter2026x',
        CHILD_ID_NO: '11010119650315201X',
      }),
      {
        timeoutMs: 60_000,
        onStdout: (text, child) => {
          const m = /"event":"settling","saleId":(\d+)/.exec(text);
          if (m && !saleId) {
            saleId = Number(m[1]);
            // long enough for 2102 to reach the center, far too short for its answer
            setTimeout(() => child.kill('SIGKILL'), 1500);
          }
        },
      },
    );
    const killed = await run;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(saleId).toBeGreaterThan(0);
    const settled = () =>
      inspectorOf(sb.dbPath)
        .settlements()
        .filter((s) => s.kind === 'settle');
    expect(settled()).toHaveLength(1);

    // the cashier starts the till again
    const f = await counterFixture({ dir, env });
    expect(f.db.prepare('SELECT state FROM sales WHERE id = ?').pluck().get(saleId)).toBe('settling');
    f.svc.recoverAfterCrash();
    expect(f.counter.recover()).toBe(1);
    let v = f.counter.get(saleId);
    expect(v.state).toBe('reversing');
    expect(v.notice).toContain('自动冲正');
    await f.svc.reversals.drain();
    v = f.counter.get(saleId);
    expect(v.state).toBe('open');
    expect(v.notice).toContain('已冲正');
    expect(v.lines).toHaveLength(2);
    // at the center: the one settlement, reversed; 2102 was sent once
    expect(sandboxMessages(sb.dbPath).filter((m) => m.infno === '2102')).toHaveLength(1);
    expect(sandboxMessages(sb.dbPath).filter((m) => m.infno === '2601' && m.infcode === 0)).toHaveLength(1);
    expect(settled()[0]!.status).not.toBe('active');
    // nothing was booked locally
    expect(f.db.prepare('SELECT count(*) FROM upload_outbox').pluck().get()).toBe(0);
    expect(f.db.prepare('SELECT count(*) FROM stock_ledger WHERE ref_type = ?').pluck().get('sale')).toBe(0);
  }, 90_000);
});
