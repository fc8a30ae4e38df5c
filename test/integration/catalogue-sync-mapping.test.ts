import { describe, expect, it } from 'vitest';
import type { NhsaResult } from '../../app/nhsa/client';
import { catalogueFixture, type CatalogueFixture } from './catalogue-sync-fixture';

/**
 * The sandbox center's side of 目录对照: 3301 stores the pharmacy's mappings after checking them against its
 * catalogues, 3302 revokes one, and 1317 reports them back — so a till's upload shows up in its next 1317 sync.
 */

function row(code: string, natCode: string, listType = '101', extra: Record<string, string> = {}) {
  return {
    fixmedins_hilist_id: code,
    fixmedins_hilist_name: `本店商品${code}`,
    list_type: listType,
    med_list_codg: natCode,
    begndate: '2026-01-01',
    enddate: '',
    aprvno: '',
    dosform: '',
    exct_cont: '',
    item_cont: '',
    prcunt: '盒',
    spec: '',
    pacspec: '',
    memo: '',
    ...extra,
  };
}

function call(f: CatalogueFixture, infno: string, input: Record<string, unknown>): Promise<NhsaResult> {
  return f.till.svc.call(infno, input, { operator: f.till.op, source: 'test' });
}

function errorOf(r: NhsaResult): string {
  if (r.kind !== 'business_error') throw new Error(`expected a refusal, got ${r.kind}`);
  return r.errMsg;
}

describe('3301 / 3302 in the sandbox, seen through 1317', () => {
  it('stores valid mappings, refuses unknown codes and wrong classes, revokes', async () => {
    const f = await catalogueFixture({ scale: 0.01, fileRowCap: 1000 });
    const herb = f.sandbox.catalogues.codeList('1302')[5]!;
    const generatedWestern = f.sandbox.catalogues
      .codeList('1301')
      .find((c) => c.startsWith('X') && c.endsWith('200003'));

    const unknown = await call(f, '3301', {
      data: [row('SP001', 'XJ01CAA040A001010100001'), row('SP002', 'XNOTREAL0000000000000')],
    });
    expect(errorOf(unknown)).toContain('第2条：医疗目录编码“XNOTREAL0000000000000”不在国家目录中');

    const wrongClass = await call(f, '3301', { data: [row('SP003', herb, '101')] });
    expect(errorOf(wrongClass)).toMatch(/目录类别list_type“101”与医疗目录编码“\S+”不符（应为103）/);

    const dup = await call(f, '3301', { data: [row('SP004', herb, '103'), row('SP004', herb, '103')] });
    expect(errorOf(dup)).toContain('在本次上传中重复');

    const ok = await call(f, '3301', {
      data: [
        row('SP001', 'XJ01CAA040A001010100001'),
        row('SP005', herb, '103'),
        ...(generatedWestern ? [row('SP006', generatedWestern)] : []),
      ],
    });
    expect(ok.kind).toBe('ok');
    // uploading the same mapping again refreshes it; mapping the item elsewhere needs a 3302 first
    expect((await call(f, '3301', { data: [row('SP001', 'XJ01CAA040A001010100001')] })).kind).toBe('ok');
    const moved = await call(f, '3301', { data: [row('SP001', 'XA11GAW043A001010100002')] });
    expect(errorOf(moved)).toContain('已对照到“XJ01CAA040A001010100001”，请先撤销（3302）');

    const [sync1] = await f.syncNow(['1317']);
    expect(sync1).toMatchObject({ status: 'ok' });
    const mapped = f.db
      .prepare(
        'SELECT medins_list_codg, med_list_codg, vali_flag, list_type FROM hi_list_map ORDER BY medins_list_codg',
      )
      .all();
    expect(mapped).toEqual([
      { medins_list_codg: 'SP001', med_list_codg: 'XJ01CAA040A001010100001', vali_flag: '1', list_type: '101' },
      { medins_list_codg: 'SP005', med_list_codg: herb, vali_flag: '1', list_type: '103' },
      ...(generatedWestern
        ? [{ medins_list_codg: 'SP006', med_list_codg: generatedWestern, vali_flag: '1', list_type: '101' }]
        : []),
    ]);

    const revokeWrong = await call(f, '3302', {
      data: { fixmedins_code: 'P11010000001', fixmedins_hilist_id: 'SP005', list_type: '103', med_list_codg: 'T0' },
    });
    expect(errorOf(revokeWrong)).toContain('未找到');
    const revoked = await call(f, '3302', {
      data: {
        fixmedins_code: 'P11010000001',
        fixmedins_hilist_id: 'SP001',
        list_type: '101',
        med_list_codg: 'XJ01CAA040A001010100001',
      },
    });
    expect(revoked.kind).toBe('ok');
    expect(
      errorOf(
        await call(f, '3302', {
          data: {
            fixmedins_code: 'P11010000001',
            fixmedins_hilist_id: 'SP001',
            list_type: '101',
            med_list_codg: 'XJ01CAA040A001010100001',
          },
        }),
      ),
    ).toContain('可能已撤销');
    // after the revocation the item may be mapped elsewhere
    expect((await call(f, '3301', { data: [row('SP001', 'XA11GAW043A001010100002')] })).kind).toBe('ok');

    const [sync2] = await f.syncNow(['1317']);
    expect(sync2).toMatchObject({ status: 'ok' });
    expect(
      f.db
        .prepare(
          "SELECT med_list_codg, vali_flag FROM hi_list_map WHERE medins_list_codg = 'SP001' ORDER BY med_list_codg",
        )
        .all(),
    ).toEqual([
      { med_list_codg: 'XA11GAW043A001010100002', vali_flag: '1' },
      { med_list_codg: 'XJ01CAA040A001010100001', vali_flag: '0' },
    ]);
    const stored = f.sandboxRows<{ n: number }>('SELECT count(*) AS n FROM catalogue_mappings');
    expect(stored[0]!.n).toBe(f.count('SELECT count(*) FROM hi_list_map'));
  }, 60_000);

  it('refuses more than 100 rows in one upload', async () => {
    const f = await catalogueFixture({ scale: 0.01, fileRowCap: 1000 });
    const many = Array.from({ length: 101 }, (_, i) => row(`B${i}`, 'XJ01CAA040A001010100001'));
    expect(errorOf(await call(f, '3301', { data: many }))).toContain('每次最多100条');
  });
});
