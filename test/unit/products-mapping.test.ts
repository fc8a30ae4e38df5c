import { describe, expect, it } from 'vitest';
import { dice, scoreCandidate } from '../../app/catalogue/mapping/candidates';
import { listTypeOf } from '../../app/catalogue/mapping/list-type';
import type { NhsaCaller } from '../../app/catalogue/mapping/service';
import type { NhsaResult } from '../../app/nhsa/client';
import { AppError } from '../../app/shared/errors';
import { catalogueFixture, productInput, seedNatItems } from '../fixtures/products/catalogue-fixture';

const OP = { id: 1, opter: 'op01', opterName: '收银员甲' };

/** A stand-in center: answers each 3301/3302 with `answer(rows)` and records what it was sent. */
function fakeCenter(
  answer: (infno: string, rows: Record<string, string>[]) => NhsaResult['kind'] | { refuse: string },
) {
  const calls: { infno: string; rows: Record<string, string>[] }[] = [];
  let n = 0;
  const caller: NhsaCaller = {
    config: () => ({ fixmedinsCode: 'P11010000001' }),
    async call(infno, input) {
      const data = (input as { data: Record<string, string> | Record<string, string>[] }).data;
      const rows = Array.isArray(data) ? data : [data];
      calls.push({ infno, rows });
      const msgid = `P1101000000120261128100000${String(++n).padStart(4, '0')}`;
      const a = answer(infno, rows);
      if (typeof a === 'object') return { kind: 'business_error', infno, msgid, infcode: '-1', errMsg: a.refuse };
      if (a === 'ok') return { kind: 'ok', infno, msgid, output: {}, warnings: [] };
      if (a === 'unknown') return { kind: 'unknown', infno, msgid, reason: '等待医保中心应答超时' };
      if (a === 'not_sent') return { kind: 'not_sent', infno, msgid: null, reason: '医保签到失败：网络不通' };
      return { kind: 'business_error', infno, msgid, infcode: '-1', errMsg: '?' };
    },
  };
  return { caller, calls };
}

const AMOX = 'XJ01CAA040A001010100001';

function mappedShop(answer: Parameters<typeof fakeCenter>[0]) {
  const center = fakeCenter(answer);
  const f = catalogueFixture({ nhsa: () => center.caller });
  seedNatItems(f.db, [
    {
      code: AMOX,
      name: '阿莫西林胶囊',
      spec: '0.25g*24粒',
      dosform: '胶囊剂',
      manufacturer: '珠海联邦制药股份有限公司',
      aprvno: '国药准字H44021351',
      drugstdcode: '86900001000012',
    },
    {
      code: 'XJ01CAA040A001010100777',
      name: '阿莫西林胶囊',
      spec: '0.5g*12粒',
      manufacturer: '石药集团欧意药业有限公司',
    },
    {
      code: 'XJ01CAA040B002010100555',
      name: '阿莫西林颗粒',
      spec: '0.125g*12袋',
      manufacturer: '珠海联邦制药股份有限公司',
    },
    { code: 'XA11GAW043A013010100002', name: '维生素C泡腾片', spec: '1g*10片' },
    { code: 'ZA01AAA0001010100002', name: '板蓝根颗粒', tcmpatFlag: '1' },
    { catalogue: '1306', code: 'C0344051070500007551', name: '医用外科口罩' },
    { catalogue: '1309', code: 'M00100', name: '高血压' },
  ]);
  return { ...f, center };
}

describe('mapping candidates', () => {
  it('puts the 批准文号 match first, with reasons in Chinese', () => {
    const { catalogue } = mappedShop(() => 'ok');
    const p = catalogue.products.save(
      productInput({
        code: 'P1',
        genericName: '阿莫西林胶囊(阿莫仙)',
        spec: '0.25g×24粒',
        manufacturer: '珠海联邦制药股份有限公司',
        aprvno: '国药准字 h44021351',
        barcodes: ['86900001000012'],
      }),
    );
    const c = catalogue.mapping.candidates(p.id);
    expect(c[0]).toMatchObject({ natCode: AMOX, catalogue: '1301', score: 100 });
    expect(c[0]!.reasons).toEqual(
      expect.arrayContaining([
        '批准文号一致（国药准字H44021351）',
        '药品本位码与条码 86900001000012 一致',
        '通用名一致',
        '规格一致',
        '生产企业一致',
      ]),
    );
    // the other strengths and forms follow, lower
    expect(c.map((x) => x.natCode)).toEqual(
      expect.arrayContaining(['XJ01CAA040A001010100777', 'XJ01CAA040B002010100555']),
    );
    expect(c[1]!.score).toBeLessThan(c[0]!.score);
  });

  it('finds by name when there is no 批准文号', () => {
    const { catalogue } = mappedShop(() => 'ok');
    const p = catalogue.products.save(
      productInput({ code: 'P2', genericName: '阿莫西林胶囊', spec: '0.5g*12粒', manufacturer: '石药集团欧意药业' }),
    );
    const c = catalogue.mapping.candidates(p.id);
    expect(c[0]).toMatchObject({ natCode: 'XJ01CAA040A001010100777' });
    // 石药集团欧意药业 and 石药集团欧意药业有限公司 are one company
    expect(c[0]!.reasons).toEqual(['通用名一致', '规格一致', '生产企业一致']);
  });

  it("finds by a barcode that is the drug's 本位码", () => {
    const { catalogue } = mappedShop(() => 'ok');
    const p = catalogue.products.save(
      productInput({ code: 'P3', genericName: '阿莫仙', barcodes: ['86900001000012'] }),
    );
    const c = catalogue.mapping.candidates(p.id);
    expect(c[0]).toMatchObject({ natCode: AMOX, reasons: ['药品本位码与条码 86900001000012 一致'] });
  });

  it('scores explainably', () => {
    expect(dice('阿莫西林胶囊', '阿莫西林颗粒')).toBeCloseTo(0.6, 5);
    const s = scoreCandidate(
      {
        generic_name: '阿莫西林胶囊',
        trade_name: null,
        spec: null,
        manufacturer: null,
        dosage_form: null,
        aprvno: null,
        nat_code: null,
      },
      [],
      {
        catalogue: '1301',
        code: 'X',
        name: '阿莫西林胶囊',
        trade_name: null,
        spec: null,
        dosform: null,
        manufacturer: null,
        aprvno: null,
        vali_flag: '0',
        stdcode: null,
      },
    );
    expect(s).toEqual({ score: 0, reasons: ['通用名一致', '该目录条目已失效（有效标志为 0）'] });
    expect(listTypeOf('1301', 'XA11', null)).toBe('101');
    expect(listTypeOf('1301', 'ZA01', null)).toBe('102');
    expect(listTypeOf('1301', 'XA01', '1')).toBe('102');
    expect(listTypeOf('1302', 'T1', null)).toBe('103');
    expect(listTypeOf('1306', 'C1', null)).toBe('301');
    expect(listTypeOf('1309', 'M1', null)).toBeNull();
  });
});

describe('mapping: confirm, upload (3301), revoke (3302)', () => {
  it('confirm → pending; upload → uploaded; revoke → revoked', async () => {
    const { catalogue, center } = mappedShop(() => 'ok');
    const p = catalogue.products.save(
      productInput({ code: 'P1', aprvno: '国药准字H44021351', dosageForm: '胶囊剂', spec: '0.25g*24粒' }),
    );
    const confirmed = catalogue.mapping.confirm({ productId: p.id, natCode: AMOX, catalogue: '1301' }, 1);
    expect(confirmed).toMatchObject({ natCode: AMOX, mapping: { state: 'pending', natCode: AMOX, catalogue: '1301' } });
    // the product is now found by its national code
    expect(catalogue.index.search(AMOX, 5)[0]).toMatchObject({ code: 'P1', matchedBy: 'nat_code' });

    const up = await catalogue.mapping.upload(undefined, OP);
    expect(up).toEqual({ uploaded: 1, failed: 0, results: [{ productId: p.id, state: 'uploaded', message: null }] });
    expect(center.calls[0]).toEqual({
      infno: '3301',
      rows: [
        {
          fixmedins_hilist_id: 'P1',
          fixmedins_hilist_name: '阿莫西林胶囊',
          list_type: '101',
          med_list_codg: AMOX,
          begndate: '2026-11-28',
          enddate: '',
          aprvno: '国药准字H44021351',
          dosform: '胶囊剂',
          exct_cont: '',
          item_cont: '',
          prcunt: '盒',
          spec: '0.25g*24粒',
          pacspec: '',
          memo: '',
        },
      ],
    });
    expect(catalogue.products.get(p.id).mapping.state).toBe('uploaded');

    // an uploaded mapping must be revoked before it is pointed elsewhere
    expect(() =>
      catalogue.mapping.confirm({ productId: p.id, natCode: 'XJ01CAA040A001010100777', catalogue: '1301' }, 1),
    ).toThrow(/请先撤销/);

    const revoked = await catalogue.mapping.revoke(p.id, OP);
    expect(revoked.mapping.state).toBe('revoked');
    expect(center.calls[1]).toEqual({
      infno: '3302',
      rows: [{ fixmedins_code: 'P11010000001', fixmedins_hilist_id: 'P1', list_type: '101', med_list_codg: AMOX }],
    });
  });

  it('uploads in batches of at most 100 and finds the refused rows of a refused batch', async () => {
    const { catalogue, center } = mappedShop((infno, rows) =>
      rows.some((r) => r.fixmedins_hilist_id === 'B137') ? { refuse: '目录编码B137对照信息有误' } : 'ok',
    );
    for (let i = 0; i < 250; i++) {
      const p = catalogue.products.save(productInput({ code: `B${String(i).padStart(3, '0')}` }));
      catalogue.mapping.confirm({ productId: p.id, natCode: AMOX, catalogue: '1301' }, 1);
    }
    const up = await catalogue.mapping.upload(undefined, OP);
    expect(up.uploaded).toBe(249);
    expect(up.failed).toBe(1);
    const failed = up.results.filter((r) => r.state === 'failed');
    expect(failed).toEqual([
      { productId: expect.any(Number), state: 'failed', message: '医保中心返回：目录编码B137对照信息有误' },
    ]);
    expect(catalogue.products.get(failed[0]!.productId).mapping).toMatchObject({
      state: 'failed',
      centerMessage: '医保中心返回：目录编码B137对照信息有误',
    });
    expect(center.calls.every((c) => c.rows.length <= 100)).toBe(true);
    expect(center.calls.slice(0, 2).map((c) => c.rows.length)).toEqual([100, 100]);
    expect(catalogue.products.list({ mapping: 'uploaded', limit: 1, offset: 0 }).total).toBe(249);
  });

  it('leaves an unknown outcome pending with a note, and a retry goes through', async () => {
    let mode: 'unknown' | 'ok' = 'unknown';
    const { catalogue } = mappedShop(() => mode);
    const p = catalogue.products.save(productInput({ code: 'U1' }));
    catalogue.mapping.confirm({ productId: p.id, natCode: AMOX, catalogue: '1301' }, 1);
    const first = await catalogue.mapping.upload(undefined, OP);
    expect(first).toMatchObject({ uploaded: 0, failed: 0, results: [{ state: 'pending' }] });
    const d = catalogue.products.get(p.id);
    expect(d.mapping.state).toBe('pending');
    expect(d.mapping.centerMessage).toContain('上传结果未知');
    mode = 'ok';
    expect((await catalogue.mapping.upload(undefined, OP)).uploaded).toBe(1);
    expect(catalogue.products.get(p.id).mapping).toMatchObject({ state: 'uploaded', centerMessage: null });
  });

  it('does not send a mapping the center already lists (1317), nor one it cannot accept', async () => {
    const { catalogue, db, center } = mappedShop(() => 'ok');
    const p = catalogue.products.save(productInput({ code: 'K1' }));
    const long = catalogue.products.save(productInput({ code: 'K'.repeat(31) }));
    catalogue.mapping.confirm({ productId: p.id, natCode: AMOX, catalogue: '1301' }, 1);
    catalogue.mapping.confirm({ productId: long.id, natCode: AMOX, catalogue: '1301' }, 1);
    db.prepare(
      `INSERT INTO hi_list_map (medins_list_codg, med_list_codg, begndate, vali_flag, row) VALUES ('K1', ?, '2026-01-01', '1', '{}')`,
    ).run(AMOX);
    const up = await catalogue.mapping.upload(undefined, OP);
    expect(center.calls).toHaveLength(0);
    expect(up.results).toEqual(
      expect.arrayContaining([
        { productId: p.id, state: 'uploaded', message: expect.stringContaining('1317') },
        { productId: long.id, state: 'failed', message: expect.stringContaining('超过 30 位') },
      ]),
    );
  });

  it('keeps the state when nothing was sent, and on a refused revoke', async () => {
    let answer: ReturnType<Parameters<typeof fakeCenter>[0]> = 'not_sent';
    const { catalogue } = mappedShop(() => answer);
    const p = catalogue.products.save(productInput({ code: 'N1' }));
    catalogue.mapping.confirm({ productId: p.id, natCode: AMOX, catalogue: '1301' }, 1);
    const up = await catalogue.mapping.upload(undefined, OP);
    expect(up.results[0]).toMatchObject({ state: 'pending', message: expect.stringContaining('医保签到失败') });
    answer = 'ok';
    await catalogue.mapping.upload([p.id], OP);
    answer = { refuse: '该对照已用于结算，不能撤销' };
    const e = await catalogue.mapping.revoke(p.id, OP).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('NHSA_REFUSED');
    expect(catalogue.products.get(p.id).mapping).toMatchObject({
      state: 'uploaded',
      centerMessage: expect.stringContaining('该对照已用于结算'),
    });
  });

  it('cancels a never-sent mapping without calling the center, and refuses a disease code', async () => {
    const { catalogue, center } = mappedShop(() => 'ok');
    const p = catalogue.products.save(productInput({ code: 'C1' }));
    catalogue.mapping.confirm({ productId: p.id, natCode: AMOX, catalogue: '1301' }, 1);
    expect((await catalogue.mapping.revoke(p.id, OP)).mapping.state).toBe('unmapped');
    expect(center.calls).toHaveLength(0);
    expect(() => catalogue.mapping.confirm({ productId: p.id, natCode: 'M00100', catalogue: '1309' }, 1)).toThrow(
      /不能用于商品对照/,
    );
    expect(() => catalogue.mapping.confirm({ productId: p.id, natCode: 'NOPE', catalogue: '1301' }, 1)).toThrow(
      /找不到编码/,
    );
    const mask = catalogue.mapping.confirm({ productId: p.id, natCode: 'C0344051070500007551', catalogue: '1306' }, 1);
    expect(mask.mapping).toMatchObject({ state: 'pending', catalogue: '1306' });
  });
});
