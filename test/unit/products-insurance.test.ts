import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseChrgitmLv } from '../../app/catalogue/products/insurance-facts';
import type { Db } from '../../app/db/connection';
import { catalogueFixture, productInput, seedNatItems } from '../fixtures/products/catalogue-fixture';

// The fixture's clock is 2026-11-28 (Beijing); the pharmacy's 医保区划 is 110101.

function hiList(db: Db, code: string, lv: string, over: Record<string, string | null> = {}) {
  const row = {
    hilist_code: code,
    insu_admdvs: '',
    begndate: '2020-01-01',
    enddate: null,
    chrgitm_lv: lv,
    lmt_used_flag: '0',
    vali_flag: '1',
    ...over,
  };
  db.prepare(
    `INSERT INTO hi_list (hilist_code, insu_admdvs, begndate, enddate, chrgitm_lv, lmt_used_flag, vali_flag, row)
     VALUES (@hilist_code, @insu_admdvs, @begndate, @enddate, @chrgitm_lv, @lmt_used_flag, @vali_flag, '{}')`,
  ).run(row);
}

function priceLimit(
  db: Db,
  code: string,
  fen: number,
  admdvs = '',
  begndate = '2020-01-01',
  enddate: string | null = null,
) {
  db.prepare(
    `INSERT INTO hi_price_limit (hilist_code, hilist_lmtpric_type, insu_admdvs, begndate, enddate, pric_uplmt_fen, vali_flag, row)
     VALUES (?, '1', ?, ?, ?, ?, '1', '{}')`,
  ).run(code, admdvs, begndate, enddate, fen);
}

describe('insurance facts per product', () => {
  it('reads 甲/乙/丙 in every form the catalogues use', () => {
    for (const v of ['1', '01', '甲', '甲类']) expect(parseChrgitmLv(v)).toBe('甲');
    for (const v of ['2', '02', '乙', '乙类']) expect(parseChrgitmLv(v)).toBe('乙');
    for (const v of ['3', '03', '丙', '丙类', '自费']) expect(parseChrgitmLv(v)).toBe('丙');
    for (const v of [null, '', 'x', '4']) expect(parseChrgitmLv(v)).toBeNull();
  });

  it('combines 1312, 1301, 1318, 1319 and 1317 for a product', () => {
    const { catalogue, db } = catalogueFixture();
    const A = 'XJ01CAA040A001010100001';
    const B = 'ZA01AAA0001010100002';
    seedNatItems(db, [
      { code: A, name: '阿莫西林胶囊', chrgitmLv: '甲' },
      { code: B, name: '板蓝根颗粒', chrgitmLv: '乙类', tcmpatFlag: '1' },
    ]);
    hiList(db, A, '02', { lmt_used_flag: '1' });
    // an expired row and a row of another region do not count
    hiList(db, A, '01', { begndate: '2019-01-01', enddate: '2019-12-31' });
    priceLimit(db, A, 2000);
    priceLimit(db, A, 1850, '110101');
    priceLimit(db, A, 100, '110101', '2024-01-01', '2025-01-01');
    db.prepare(
      `INSERT INTO hi_selfpay (hilist_code, selfpay_prop_psn_type, selfpay_prop_type, insu_admdvs, begndate, selfpay_prop, vali_flag, row)
       VALUES (?, '', '1', '', '2020-01-01', '0.1000', '1', '{}')`,
    ).run(A);

    const a = catalogue.products.save(productInput({ code: 'A' }));
    db.prepare('UPDATE products SET nat_code = ? WHERE id = ?').run(A, a.id);
    const b = catalogue.products.save(productInput({ code: 'B', genericName: '板蓝根颗粒', rxClass: 'otc_b' }));
    db.prepare('UPDATE products SET nat_code = ? WHERE id = ?').run(B, b.id);
    const c = catalogue.products.save(productInput({ code: 'C', genericName: '医用口罩', rxClass: 'non_drug' }));

    expect(catalogue.products.get(a.id).insurance).toEqual({
      natCode: A,
      chrgitmLv: '乙',
      priceLimitFen: 1850,
      selfpayProp: '0.1000',
      isInsuranceItem: false,
      limitedUse: true,
    });
    // no 1312 row: 1301's own column decides
    expect(catalogue.products.get(b.id).insurance).toMatchObject({
      chrgitmLv: '乙',
      priceLimitFen: null,
      selfpayProp: null,
    });
    expect(catalogue.products.get(c.id).insurance).toMatchObject({
      natCode: null,
      chrgitmLv: null,
      isInsuranceItem: false,
    });

    // 1317 lists the pharmacy's mapping: by its own code, or by the national code
    db.prepare(
      `INSERT INTO hi_list_map (medins_list_codg, med_list_codg, begndate, vali_flag, row) VALUES ('A', ?, '2026-01-01', '1', '{}')`,
    ).run(A);
    expect(catalogue.index.search('A', 5)[0]).toMatchObject({
      code: 'A',
      insurance: { isInsuranceItem: true, chrgitmLv: '乙' },
    });
    db.prepare(
      `INSERT INTO hi_list_map (medins_list_codg, med_list_codg, begndate, vali_flag, row) VALUES ('OTHER', ?, '2026-01-01', '1', '{}')`,
    ).run(B);
    expect(catalogue.products.get(b.id).insurance.isInsuranceItem).toBe(true);
  });

  it('sees a catalogue sync between two searches, on this connection or another', () => {
    const { catalogue, db } = catalogueFixture();
    const A = 'XJ01CAA040A001010100001';
    const a = catalogue.products.save(productInput({ code: 'A' }));
    db.prepare('UPDATE products SET nat_code = ? WHERE id = ?').run(A, a.id);
    expect(catalogue.index.search('amxl', 5)[0]!.insurance.chrgitmLv).toBeNull();
    // a sync on this connection: rows and its sync state in one transaction
    db.transaction(() => {
      hiList(db, A, '1');
      db.prepare(
        `INSERT INTO catalogue_sync_state (catalogue, max_updt_time, rows, updated_at) VALUES ('1312', '2026-11-28 09:00:00', 1, 1)`,
      ).run();
    })();
    expect(catalogue.index.search('amxl', 5)[0]!.insurance.chrgitmLv).toBe('甲');
    // a sync worker with its own connection
    const other = new Database(db.name);
    other.prepare('UPDATE hi_list SET chrgitm_lv = ? WHERE hilist_code = ?').run('03', A);
    other.close();
    expect(catalogue.index.search('amxl', 5)[0]!.insurance.chrgitmLv).toBe('丙');
  });
});
