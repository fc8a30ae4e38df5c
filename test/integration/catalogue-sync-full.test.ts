import { describe, expect, it } from 'vitest';
import { catalogueFixture } from './catalogue-sync-fixture';

/**
 * The real size: 1301 with 150,000+ codes, four 1301 + 9102 rounds of up to 50,000 rows each, over HTTP
 * from the sandbox center into the till's database. The generated catalogue is cached on disk, so only the
 * first run on a machine pays for generating and zipping it.
 */
describe('catalogue sync at full size', () => {
  it('imports the 150,000-row 1301 completely', async () => {
    const f = await catalogueFixture({ scale: 1, fileRowCap: 50_000 });
    const t0 = performance.now();
    const versions = f.sandbox.catalogues.versions('1301');
    const generatedMs = performance.now() - t0;
    const expected = f.sandbox.catalogues.expectedCodes('1301');
    expect(expected).toBeGreaterThanOrEqual(150_000);

    const t1 = performance.now();
    const [run] = await f.syncNow(['1301']);
    const syncMs = performance.now() - t1;
    expect(run).toMatchObject({ status: 'ok', error: null, rowsSkipped: 0 });
    expect(run!.files).toBeGreaterThanOrEqual(4);
    expect(f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301'")).toBe(expected);
    expect(f.state('1301')?.max_ver).toBe(versions[versions.length - 1]!.ver);
    expect((await f.sync.searchNational('连花清瘟胶囊', { limit: 5 })).length).toBeGreaterThan(0);
    process.stdout.write(
      `full 1301: ${expected} codes, ${run!.files} files, generation/cache read ${Math.round(generatedMs)} ms, ` +
        `sync ${Math.round(syncMs)} ms (${Math.round((expected / syncMs) * 1000)} rows/s)\n`,
    );
  }, 180_000);
});
