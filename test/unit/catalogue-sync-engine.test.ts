import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createCatalogueSync, type CatalogueSync } from '../../app/catalogue/sync';
import type { NhsaResult } from '../../app/nhsa/client';
import type { NhsaService } from '../../app/nhsa/service';
import { tempDir } from '../support/tmp';

/** The queue, the schedule and shutdown, against a center stub that has nothing new to offer. */

function db(): Db {
  const d = openDatabase(path.join(tempDir('cat-engine-'), 'pos.sqlite'));
  migrate(d, MIGRATIONS);
  return d;
}

/** A center that is up to date for everything; `hold` makes the next 1301 call wait for release(). */
function stubCenter() {
  const calls: { infno: string; opter: string }[] = [];
  let held: (() => void) | null = null;
  let hold = false;
  const nhsa = {
    config: () => ({ fixmedinsCode: 'P11010000001', admdvs: '110101' }),
    async call(
      infno: string,
      _input: Record<string, unknown>,
      ctx: { operator: { opter: string } },
    ): Promise<NhsaResult> {
      calls.push({ infno, opter: ctx.operator.opter });
      if (infno === '1301' && hold) {
        hold = false;
        await new Promise<void>((resolve) => (held = resolve));
        return {
          kind: 'ok',
          infno,
          msgid: 'm',
          warnings: [],
          output: { file_qury_no: 'fsi/x', filename: 'a.txt.zip', data_cnt: 1 },
        };
      }
      const output: Record<string, unknown> =
        infno === '1901'
          ? { list: [] }
          : /^13\d\d[A-Z]?$/.test(infno) && !['1304', '1312', '1317', '1318', '1319'].includes(infno)
            ? { file_qury_no: '', filename: '', data_cnt: 0 }
            : { data: [], pages: 0, recordCounts: 0 };
      return { kind: 'ok', infno, msgid: 'm', warnings: [], output };
    },
  };
  return {
    nhsa: nhsa as unknown as Pick<NhsaService, 'call' | 'config'>,
    calls,
    holdNext1301: () => (hold = true),
    release: () => held?.(),
  };
}

async function settle(sync: CatalogueSync): Promise<void> {
  for (let i = 0; i < 1000 && sync.states().some((s) => s.running); i++) {
    await new Promise((r) => setImmediate(r));
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('catalogue sync engine', () => {
  it('runs the daily sync as the system operator: a little after start-up, then every 24 hours', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const d = db();
    const center = stubCenter();
    const sync = createCatalogueSync({ db: d, log: createMemoryLogger(), nhsa: center.nhsa });
    sync.schedule();
    expect(sync.runs(50, 0).total).toBe(0);

    await vi.advanceTimersByTimeAsync(2 * 60 * 1000);
    await settle(sync);
    const first = sync.runs(50, 0);
    expect(first.total).toBe(12);
    expect(new Set(first.rows.map((r) => r.trigger))).toEqual(new Set(['startup']));
    expect(first.rows.every((r) => r.status === 'ok' && r.operatorName === '系统自动同步')).toBe(true);
    expect(new Set(center.calls.map((c) => c.opter))).toEqual(new Set(['system']));

    await vi.advanceTimersByTimeAsync(24 * 3600 * 1000);
    await settle(sync);
    const second = sync.runs(50, 0);
    expect(second.total).toBe(24);
    expect(second.rows[0]!.trigger).toBe('scheduled');
    await sync.close();
    d.close();
  });

  it('shutdown stops the run at its next boundary and records the queued ones as interrupted', async () => {
    const d = db();
    const center = stubCenter();
    const sync = createCatalogueSync({ db: d, log: createMemoryLogger(), nhsa: center.nhsa });
    center.holdNext1301();
    const ids = sync.start(['1301', '1302'], {
      trigger: 'manual',
      operator: { id: null, opter: 'op1', opterName: '收银员' },
    });
    await new Promise((r) => setTimeout(r, 20));
    const closing = sync.close();
    center.release();
    await closing;
    const runs = ids.map((id) => sync.runs(10, 0).rows.find((r) => r.id === id)!);
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'interrupted']);
    expect(runs[0]!.error).toContain('同步已中断');
    expect(runs[1]!.error).toContain('排队中的同步未开始');
    expect(() =>
      sync.start(['1301'], { trigger: 'manual', operator: { id: null, opter: 'x', opterName: 'x' } }),
    ).toThrow('程序正在退出');
    d.close();
  });

  it('a run left running by a crashed process is marked interrupted by the next one', () => {
    const d = db();
    d.prepare(
      "INSERT INTO catalogue_sync_runs (catalogue, trigger, started_at, status) VALUES ('1301', 'manual', 1, 'running')",
    ).run();
    const sync = createCatalogueSync({ db: d, log: createMemoryLogger(), nhsa: null });
    const [run] = sync.runs(10, 0).rows;
    expect(run).toMatchObject({ status: 'interrupted' });
    expect(run!.error).toContain('程序在同步过程中退出');
    expect(() =>
      sync.start(undefined, { trigger: 'manual', operator: { id: null, opter: 'x', opterName: 'x' } }),
    ).toThrow('医保服务未能启动');
    d.close();
  });
});
