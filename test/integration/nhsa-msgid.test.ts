import { describe, expect, it } from 'vitest';
import type { NhsaResult } from '../../app/nhsa/client';
import { beijing, beijingCompact, journalRows } from '../support/nhsa-data';
import { nhsaFixture, sandboxMessages, standaloneSandbox, testClock, type NhsaFixture } from '../support/nhsa-fixture';
import { childEnv, jsonLines, runNode } from '../support/nhsa-process';

// msgid = fixmedins_code + Beijing yyyyMMddHHmmss + 4 digits, never handed out twice — the center
// refuses a repeated msgid (报文ID重复), so every `ok` below is also the center's confirmation.

const QUERY = { medinsinfo: { fixmedins_type: '2' } };
const MSGID = /^P11010000001(\d{14})(\d{4})$/;

async function calls(f: NhsaFixture, n: number): Promise<NhsaResult[]> {
  const out: NhsaResult[] = [];
  for (let i = 0; i < n; i++) out.push(await f.svc.call('1201', QUERY, { operator: f.op }));
  return out;
}

function msgids(rs: NhsaResult[]): string[] {
  return rs.map((r) => {
    expect(r.kind).toBe('ok');
    expect(r.msgid).toMatch(MSGID);
    return r.msgid!;
  });
}

describe('msgid allocation through the client', () => {
  it('200 concurrent calls all get distinct msgids, and the center accepts every one', async () => {
    const f = await nhsaFixture();
    await f.svc.signIn(f.op);
    const rs = await Promise.all(Array.from({ length: 200 }, () => f.svc.call('1201', QUERY, { operator: f.op })));
    const ids = msgids(rs);
    expect(new Set(ids).size).toBe(200);
    const received = sandboxMessages(f.sandboxDbPath).filter((m) => m.infno === '1201');
    expect(received).toHaveLength(200);
    expect(received.every((m) => m.infcode === 0)).toBe(true);
    expect(new Set(received.map((m) => m.msgid))).toEqual(new Set(ids));
    expect(new Set(journalRows(f.db).map((j) => j.msgid)).size).toBe(journalRows(f.db).length);
  });

  it('a restart on the same database never reuses a msgid, even within the same second', async () => {
    const clock = testClock(Date.UTC(2026, 2, 1, 4, 0, 0)); // frozen: every call in one second
    const f = await nhsaFixture({ now: clock.now });
    const first = msgids(await calls(f, 5));
    await f.close();

    const g = await nhsaFixture({ dir: f.dir, now: clock.now });
    const second = msgids(await calls(g, 5));
    const all = [...first, ...second];
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((m) => m.slice(12, 26) === '20260301120000')).toBe(true);
    expect([...all].sort()).toEqual(all); // strictly increasing across the restart
    // the journal of the new run holds the older rows as well, all distinct
    expect(journalRows(g.db).map((j) => j.msgid)).toEqual(expect.arrayContaining(all));
  });

  it('with the clock set back an hour, msgids keep increasing and stay unique; inf_time follows the clock', async () => {
    const clock = testClock(Date.UTC(2026, 2, 1, 4, 0, 30));
    const f = await nhsaFixture({ now: clock.now });
    const before = msgids(await calls(f, 3));
    clock.advance(-3600_000);
    const after = msgids(await calls(f, 3));
    const all = [...before, ...after];
    expect(new Set(all).size).toBe(6);
    for (let i = 1; i < all.length; i++) expect(all[i]! > all[i - 1]!).toBe(true);
    // the time part stays at the last second used; the envelope's inf_time is the (set back) clock
    expect(after.every((m) => m.slice(12, 26) === beijingCompact(Date.UTC(2026, 2, 1, 4, 0, 30)))).toBe(true);
    const lastReq = JSON.parse(journalRows(f.db, '1201').at(-1)!.request) as { inf_time: string };
    expect(lastReq.inf_time).toBe(beijing(clock.ms));
  });
});

describe('two processes on one data folder', () => {
  it('bursts of calls from two tills at the same moment: no call fails on a database lock, no msgid repeats', async () => {
    const center = await standaloneSandbox();
    const f = await nhsaFixture({ env: center.env });
    const dir = f.dir;
    await f.close();
    const startAt = Date.now() + 2500; // both children booted and signed in by then
    const burst = (opter: string) =>
      runNode(
        'test/support/nhsa-child.ts',
        ['1201', JSON.stringify(QUERY)],
        childEnv({
          ...center.env,
          POS_DATA_DIR: dir,
          CHILD_REPEAT: '150',
          CHILD_START_AT: String(startAt),
          CHILD_OPTER: opter,
        }),
      );
    const runs = await Promise.all([burst('till01'), burst('till02')]);
    const results = runs.map((r) => {
      const line = jsonLines(r.stdout).find((l) => l.event === 'burst');
      expect(line, r.stderr).toBeDefined();
      return line as { kinds: Record<string, number>; errors: string[]; errorCount: number; msgids: string[] };
    });
    for (const r of results) {
      expect(r.errors).toEqual([]);
      expect(r.kinds).toEqual({ ok: 150 });
    }
    const all = results.flatMap((r) => r.msgids);
    expect(new Set(all).size).toBe(300);
    expect(sandboxMessages(center.dbPath).filter((m) => m.infno === '1201' && m.infcode === 0)).toHaveLength(300);
  }, 30_000);
});
