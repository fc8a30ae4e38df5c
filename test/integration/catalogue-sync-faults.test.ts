import { describe, expect, it } from 'vitest';
import type { CatalogueDefectKind } from '../../app/sandbox/catalogue/catalogues';
import { catalogueFixture, type CatalogueFixture } from './catalogue-sync-fixture';

/**
 * A sync that meets a broken network or a broken file stops (or skips a row) with a specific report, nothing
 * of the broken file becomes visible — not even while it is being read — and the next sync completes the
 * catalogue with no row missing and none twice.
 */

// 1301 with 15,000 codes in files of at most 5,000 rows: a file is staged in several chunks before a defect in
// its middle is reached.
const SIZE = { scale: 0.1, fileRowCap: 5000 };

function codes(f: CatalogueFixture): string[] {
  return f.db.prepare("SELECT code FROM nat_items WHERE catalogue = '1301' ORDER BY code").pluck().all() as string[];
}

/** Counts 1301 rows at every progress event of the file being imported: they must not move until its merge. */
function watchVisibility(f: CatalogueFixture): { seen: Set<number> } {
  const seen = new Set<number>();
  f.onProgress.fn = (p) => {
    if (p.catalogue === '1301' && (p.phase === 'parsing' || p.phase === 'importing') && p.percent !== 100) {
      seen.add(f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301'"));
    }
  };
  return { seen };
}

async function completes(f: CatalogueFixture): Promise<void> {
  f.onProgress.fn = null;
  const [run] = await f.syncNow(['1301']);
  expect(run).toMatchObject({ status: 'ok', error: null });
  expect(codes(f)).toEqual([...new Set(f.sandbox.catalogues.codeList('1301'))].sort());
  const versions = f.sandbox.catalogues.versions('1301');
  expect(f.state('1301')?.max_ver).toBe(versions[versions.length - 1]!.ver);
}

describe('catalogue sync: interrupted and resumed', () => {
  it('a connection lost in the middle of the version loop: the files before stay, the next sync finishes', async () => {
    const f = await catalogueFixture(SIZE);
    let merged = 0;
    f.onProgress.fn = (p) => {
      // after the first file is merged, the next 9102 loses its connection (the center did answer)
      if (p.catalogue === '1301' && p.phase === 'merging' && ++merged === 1) {
        f.sandbox.faults.inject({ mode: 'drop_after_commit', infno: '9102' });
      }
    };
    const [failed] = await f.syncNow(['1301']);
    expect(failed).toMatchObject({ status: 'failed', files: 1 });
    expect(failed!.error).toContain('连接中断或超时');
    const firstVer = f.sandbox.catalogues.versions('1301')[0]!.ver;
    expect(f.state('1301')?.max_ver).toBe(firstVer);
    expect(f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301'")).toBe(
      f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301' AND ver = ?", firstVer),
    );

    await completes(f);
  }, 120_000);

  it('a center that refuses 13xx or answers 9102 with a JSON error: stopped with its message', async () => {
    const f = await catalogueFixture(SIZE);
    f.sandbox.faults.inject({ mode: 'business_error', infno: '1301', message: '目录服务维护中' });
    const [a] = await f.syncNow(['1301']);
    expect(a).toMatchObject({ status: 'failed', files: 0 });
    expect(a!.error).toContain('目录服务维护中');

    const { seen } = watchVisibility(f);
    f.sandbox.faults.inject({ mode: 'business_error', infno: '9102', message: '文件查询号不存在' });
    const [b] = await f.syncNow(['1301']);
    expect(b).toMatchObject({ status: 'failed', files: 0 });
    expect(b!.error).toContain('文件查询号不存在');
    expect(f.count("SELECT count(*) FROM nat_items WHERE catalogue = '1301'")).toBe(0);
    expect(seen.size).toBeLessThanOrEqual(1);
    expect(f.state('1301')).toBeUndefined();

    await completes(f);
  }, 120_000);
});

describe('catalogue sync: bad files', () => {
  const refused: [CatalogueDefectKind, RegExp, string | null][] = [
    ['truncated_zip', /损坏，无法解压/, '(zip)'],
    ['corrupt_zip', /损坏，无法解压/, '(zip)'],
    ['short_row', /只有 \d+ 列，西药中成药目录应有 92 列/, '(列数)'],
    ['duplicate_code', /是同一编码 \S+ 的同一版本/, 'med_list_codg'],
    ['invalid_utf8', /不是有效的 UTF-8/, '(编码)'],
  ];

  for (const [kind, message, field] of refused) {
    it(`${kind}: the file is refused with a report, nothing of it becomes visible`, async () => {
      const f = await catalogueFixture(SIZE);
      await f.syncNow(['1301']);
      const published = f.sandbox.catalogues.publish('1301', { newRows: 3000, updates: 1000 });
      const before = codes(f);
      const stateBefore = f.state('1301');
      const { seen } = watchVisibility(f);

      f.sandbox.catalogues.defect({ infno: '1301', kind });
      const [run] = await f.syncNow(['1301']);
      expect(run).toMatchObject({ status: 'failed', files: 0, rowsImported: 0 });
      expect(run!.error).toMatch(message);
      expect(run!.problems.length).toBeGreaterThan(0);
      if (field) expect(run!.problems.map((p) => p.field)).toContain(field);
      for (const p of run!.problems) expect(p.file).toMatch(/\.txt/);
      if (kind === 'short_row' || kind === 'duplicate_code') {
        expect(run!.problems.every((p) => p.line > 1)).toBe(true);
      }
      // not while reading (a truncated zip is refused before reading starts), not after
      expect([...seen]).toEqual(kind === 'truncated_zip' ? [] : [before.length]);
      expect(codes(f)).toEqual(before);
      expect(f.state('1301')?.max_ver).toBe(stateBefore?.max_ver);

      await completes(f);
      expect(f.state('1301')?.max_ver).toBe(published.ver);
    }, 120_000);
  }

  it('bad_date / empty_code: that row is skipped and reported, the rest of the file is imported', async () => {
    const f = await catalogueFixture(SIZE);
    f.sandbox.catalogues.defect({ infno: '1301', kind: 'bad_date', line: 1234 });
    const [a] = await f.syncNow(['1301']);
    expect(a).toMatchObject({ status: 'ok', rowsSkipped: 1 });
    expect(a!.problems).toHaveLength(1);
    expect(a!.problems[0]).toMatchObject({ line: 1234, field: 'begndate' });
    expect(a!.problems[0]!.message).toContain('Tue Abc 45 25:61:00 CST 2021');
    expect(a!.problems[0]!.file).toMatch(/\.txt$/);

    const f2 = await catalogueFixture(SIZE);
    f2.sandbox.catalogues.defect({ infno: '1301', kind: 'empty_code', line: 77 });
    const [b] = await f2.syncNow(['1301']);
    expect(b).toMatchObject({ status: 'ok', rowsSkipped: 1 });
    expect(b!.problems[0]).toMatchObject({ line: 77, field: 'med_list_codg' });
    const expected = new Set(f2.sandbox.catalogues.codeList('1301'));
    expect(codes(f2).length).toBe(expected.size - 1);
  }, 120_000);

  it('extra trailing columns are read by position and kept', async () => {
    const f = await catalogueFixture(SIZE);
    f.sandbox.catalogues.defect({ infno: '1301', kind: 'extra_columns' });
    const [run] = await f.syncNow(['1301']);
    expect(run).toMatchObject({ status: 'ok', rowsSkipped: 0 });
    expect(codes(f)).toEqual([...new Set(f.sandbox.catalogues.codeList('1301'))].sort());
    const withExtra = f.count(
      "SELECT count(*) FROM nat_items WHERE catalogue = '1301' AND json_array_length(cols) = 94",
    );
    expect(withExtra).toBeGreaterThan(1000);
    const report = f.db.prepare('SELECT report FROM catalogue_sync_runs WHERE id = ?').pluck().get(run!.id) as string;
    expect((JSON.parse(report) as { notes: string[] }).notes.join()).toContain('有 94 列（规范 92 列）');
  }, 120_000);
});
