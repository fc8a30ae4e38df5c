import { describe, expect, it } from 'vitest';
import { SANDBOX_DRUGS } from '../../app/sandbox/drugs';
import type { CatalogueId } from '../../app/shared/contract';
import { catalogueFixture } from './catalogue-sync-fixture';

const FILES = ['1301', '1302', '1306', '1306A', '1309', '1320'] as const;

describe('catalogue sync against the sandbox center (over HTTP)', () => {
  it('full sync: every catalogue, version loop over several files, state, history, events', async () => {
    const f = await catalogueFixture({ scale: 0.02, fileRowCap: 1000 });
    const runs = await f.syncNow();
    expect(runs.map((r) => [r.catalogue, r.status, r.error])).toEqual(runs.map((r) => [r.catalogue, 'ok', null]));
    expect(runs.map((r) => r.catalogue)).toEqual([
      '1301',
      '1302',
      '1306',
      '1306A',
      '1309',
      '1320',
      '1304',
      '1312',
      '1318',
      '1319',
      '1317',
      '1901',
    ]);

    for (const infno of FILES) {
      const versions = f.sandbox.catalogues.versions(infno);
      expect(f.count('SELECT count(*) FROM nat_items WHERE catalogue = ?', infno), infno).toBe(
        f.sandbox.catalogues.expectedCodes(infno),
      );
      expect(f.state(infno)?.max_ver, infno).toBe(versions[versions.length - 1]!.ver);
    }
    // 1301 needed several 1301 + 9102 rounds (the file cap is 1000 rows)
    const r1301 = runs.find((r) => r.catalogue === '1301')!;
    expect(r1301.files).toBeGreaterThanOrEqual(3);
    expect(r1301.fromMark).toBeNull();
    expect(r1301.toMark).toBe(f.state('1301')?.max_ver);
    expect(r1301.operatorName).toBe('收银员甲');

    // what the sandbox's settlement knows is in the catalogue, with its class
    for (const d of SANDBOX_DRUGS.filter((x) => x.list_type === '101' || x.list_type === '102')) {
      const row = f.db
        .prepare("SELECT name, chrgitm_lv FROM nat_items WHERE catalogue = '1301' AND code = ?")
        .get(d.med_list_codg) as { name: string; chrgitm_lv: string | null } | undefined;
      expect(row?.name, d.med_list_codg).toBe(d.name);
      expect(row?.chrgitm_lv).toBe({ '01': '甲', '02': '乙', '03': null }[d.chrgitm_lv]);
    }
    // the paged queries and 1901
    expect(f.count('SELECT count(*) FROM hi_list')).toBe(f.sandbox.catalogues.queryKeyCount('1312'));
    expect(f.count('SELECT count(*) FROM hi_price_limit')).toBe(f.sandbox.catalogues.queryKeyCount('1318'));
    expect(f.count('SELECT count(*) FROM hi_selfpay')).toBe(f.sandbox.catalogues.queryKeyCount('1319'));
    expect(f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1304'")).toBe(
      f.sandbox.catalogues.queryKeyCount('1304'),
    );
    expect(f.count("SELECT pric_uplmt_fen FROM hi_price_limit WHERE hilist_code = 'XC08CAA022A001010100005'")).toBe(
      3000,
    );
    expect(f.count("SELECT pric_uplmt_fen FROM hi_price_limit WHERE hilist_code = 'T000700001SBX0009'")).toBe(10);
    expect(
      f.count("SELECT count(*) FROM hi_list WHERE hilist_code = 'XA11HAW001E009010100007' AND chrgitm_lv = '03'"),
    ).toBe(1);
    for (const type of ['med_type', 'insutype', 'psn_type', 'gend', 'mdtrt_cert_type', 'chrgitm_lv', 'list_type']) {
      expect(
        f.count("SELECT count(*) FROM dict_items WHERE type = ? AND admdvs = '110101'", type),
        type,
      ).toBeGreaterThan(1);
    }
    expect(f.db.prepare("SELECT label FROM dict_items WHERE type = 'med_type' AND value = '41'").pluck().get()).toBe(
      '定点药店购药',
    );

    // state and history as the channels show them
    const states = f.sync.states();
    expect(states.find((s) => s.catalogue === '1301')).toMatchObject({
      name: '西药中成药目录',
      rows: f.sandbox.catalogues.expectedCodes('1301'),
      running: false,
      lastRun: { status: 'ok', trigger: 'manual' },
    });
    expect(f.sync.runs(50, 0).total).toBe(12);

    // progress: rows grow, rows/s and percent present, never more than ~10 events a second per run
    const p1301 = f.progress.filter((p) => p.catalogue === '1301');
    expect(p1301.some((p) => p.phase === 'importing' && p.rows > 0 && p.rowsPerSecond > 0)).toBe(true);
    expect(p1301.some((p) => p.phase === 'merging')).toBe(true);
    expect(p1301.some((p) => typeof p.percent === 'number' && p.percent > 0 && p.percent <= 100)).toBe(true);
    expect(p1301[p1301.length - 1]).toMatchObject({ phase: 'done', percent: 100 });
    expect(f.finished.map((r) => r.catalogue)).toHaveLength(12);
    // at most ~10 a second: beyond the phase changes (always sent), events are 100 ms apart
    const idx = f.progress.map((p, i) => i).filter((i) => f.progress[i]!.runId === r1301.id);
    let changes = 0;
    for (let k = 1; k < idx.length; k++) {
      const a = f.progress[idx[k - 1]!]!;
      const b = f.progress[idx[k]!]!;
      if (a.phase !== b.phase || a.file !== b.file || b.percent === 100) changes++;
    }
    const seconds = (f.progressAt[idx[idx.length - 1]!]! - f.progressAt[idx[0]!]!) / 1000;
    expect(idx.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + changes + 2);

    // search over the synced catalogue
    const hits = await f.sync.searchNational('阿莫西林胶囊', { limit: 5 });
    expect(hits.some((h) => h.code === 'XJ01CAA040A001010100001' && h.chrgitmLv === '甲')).toBe(true);
  }, 120_000);

  it('incremental: a second sync fetches nothing; a newer version brings only that', async () => {
    const f = await catalogueFixture({ scale: 0.01, fileRowCap: 500 });
    const only: CatalogueId[] = ['1301', '1302', '1312', '1318'];
    await f.syncNow(only);
    const before = f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301'");
    const snapshot = f.db.prepare("SELECT code, ver, cols FROM nat_items WHERE catalogue = '1301' ORDER BY code").all();

    const again = await f.syncNow(['1301', '1302']);
    for (const r of again) expect([r.catalogue, r.status, r.files, r.rowsImported]).toEqual([r.catalogue, 'ok', 0, 0]);
    expect(f.db.prepare("SELECT code, ver, cols FROM nat_items WHERE catalogue = '1301' ORDER BY code").all()).toEqual(
      snapshot,
    );

    const published = f.sandbox.catalogues.publish('1301', { newRows: 7, updates: 4 });
    const [next] = await f.syncNow(['1301']);
    expect(next).toMatchObject({ status: 'ok', files: 1, rowsImported: published.lines, toMark: published.ver });
    expect(f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301'")).toBe(before + 7);
    expect(f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301' AND ver = ?", published.ver)).toBe(11);
    expect(f.state('1301')?.max_ver).toBe(published.ver);

    // paged queries: rows changed at the center come in with the next sync, the mark moves past them
    const mark = f.state('1312')!.max_updt_time!;
    expect(f.sandbox.catalogues.publishQuery('1312', 3)).toBe(3);
    expect(f.sandbox.catalogues.publishQuery('1318', 2)).toBe(2);
    const paged = await f.syncNow(['1312', '1318']);
    for (const r of paged) expect(r.status).toBe('ok');
    expect(paged[0]!.rowsImported).toBeGreaterThanOrEqual(3);
    expect(f.state('1312')!.max_updt_time! > mark).toBe(true);
    const changed = f.sandbox.catalogues.queryRows('1312', mark);
    for (const r of changed) {
      expect(
        f.db
          .prepare('SELECT chrgitm_lv FROM hi_list WHERE hilist_code = ? AND insu_admdvs = ?')
          .pluck()
          .get(r.hilist_code, r.insu_admdvs),
      ).toBe(r.chrgitm_lv);
    }
    expect(f.count('SELECT count(*) FROM hi_list')).toBe(f.sandbox.catalogues.queryKeyCount('1312'));
  }, 120_000);

  it('one sync per catalogue at a time: asking again returns the run already queued', async () => {
    const f = await catalogueFixture({ scale: 0.01, fileRowCap: 500 });
    const first = f.sync.start(['1301', '1302'], { trigger: 'manual', operator: f.till.op });
    const second = f.sync.start(['1302', '1309'], { trigger: 'manual', operator: f.till.op });
    expect(second[0]).toBe(first[1]);
    expect(second[1]).not.toBe(first[0]);
    expect(f.sync.states().find((s) => s.catalogue === '1301')!.running).toBe(true);
    const runs = await f.sync.wait([...first, ...second]);
    expect(runs.every((r) => r.status === 'ok')).toBe(true);
    expect(f.sync.runs(50, 0).total).toBe(3);
  }, 60_000);
});
