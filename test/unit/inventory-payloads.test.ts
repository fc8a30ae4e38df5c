import { describe, expect, it } from 'vitest';
import {
  build3501,
  build3502,
  build3503,
  build3504,
  unitPriceYuan,
  type BatchFacts,
  type ProductFacts,
} from '../../app/inventory/payloads';
import { CHANGE_TYPES, STOCKTAKE_GAIN, STOCKTAKE_LOSS, chgTypeOf } from '../../app/inventory/change-types';
import { CHANGE_REASONS } from '../../app/shared/inventory';
import { uploadProblems } from '../support/inventory-fixture';

/** The 3501–3504 builders against the registry's field lists (types, lengths, required flags, code sets). */

const product = (over: Partial<ProductFacts> = {}): ProductFacts => ({
  id: 7,
  code: 'P001',
  genericName: '阿莫西林胶囊',
  natCode: 'XJ01CAA040A001010100001',
  rxClass: 'rx',
  splitFactor: 24,
  manufacturer: '石药集团欧意药业有限公司',
  aprvno: '国药准字H13023964',
  retailPriceFen: 1250,
  ...over,
});
const batch = (over: Partial<BatchFacts> = {}): BatchFacts => ({
  id: 42,
  batchNo: 'B123',
  mfgDate: '2025-06-01',
  expiryDate: '2028-05-31',
  purchasePriceFen: 800,
  ...over,
});
const at = Date.UTC(2026, 10, 28, 2, 0, 0); // 2026-11-28 10:00:00 Beijing
const code = (n: number) => `8${String(n).padStart(19, '0')}`;
const doc = {
  supplier: '国药控股北京有限公司',
  supplierLicense: null,
  deliveryNo: null,
  invoiceCode: null,
  invoiceNo: 'FP1',
};
const rowOf = (r: { payload: object } | null) => {
  const p = r!.payload as Record<string, Record<string, unknown>>;
  return (p.invinfo ?? p.purcinfo)!;
};

describe('inventory payloads (3501–3504)', () => {
  it('3501: a counted batch in packages (2 decimals when a box is open), codes inside the row', () => {
    const r = build3501({
      product: product(),
      batch: batch(),
      lineId: 5,
      qtyBase: 30,
      invdate: '2026-11-28',
      codes: [code(1)],
    });
    expect(r).toMatchObject({ infno: '3501', refType: 'stocktake_count', refId: 5 });
    expect(uploadProblems('3501', r!.payload)).toEqual([]);
    expect(rowOf(r)).toEqual({
      med_list_codg: 'XJ01CAA040A001010100001',
      fixmedins_hilist_id: 'P001',
      fixmedins_hilist_name: '阿莫西林胶囊',
      fixmedins_bchno: '42',
      rx_flag: '1',
      invdate: '2026-11-28',
      inv_cnt: '1.25',
      manu_lotnum: 'B123',
      manu_date: '2025-06-01',
      expy_end: '2028-05-31',
      memo: 'pos:stocktake_count:5',
      drugtracinfo: [{ drug_trac_codg: code(1) }],
    });
    // no codes: no node at all
    const bare = build3501({
      product: product(),
      batch: batch(),
      lineId: 5,
      qtyBase: 48,
      invdate: '2026-11-28',
      codes: [],
    });
    expect(rowOf(bare)).not.toHaveProperty('drugtracinfo');
    expect(rowOf(bare).inv_cnt).toBe('2');
    // a batch without a production date is caught by the same check the uploader runs
    const noMfg = build3501({
      product: product(),
      batch: batch({ mfgDate: null }),
      lineId: 5,
      qtyBase: 1,
      invdate: '2026-11-28',
      codes: [],
    });
    expect(uploadProblems('3501', noMfg!.payload).map((p) => p.path)).toEqual(['input.invinfo.manu_date']);
  });

  it('3502: every change reason and both stocktake codes give a valid row; split counts at the split price', () => {
    for (const reason of CHANGE_REASONS) {
      for (const sign of CHANGE_TYPES[reason].direction === 'signed' ? [1, -1] : [1]) {
        const r = build3502({
          product: product(),
          batch: batch(),
          refType: 'change_line',
          refId: 9,
          chgType: chgTypeOf(reason, sign),
          qtyBase: 48,
          priceFen: null,
          at,
          opterName: '钱药师',
          codes: [code(1), code(2)],
        });
        expect(uploadProblems('3502', r!.payload), reason).toEqual([]);
        expect(rowOf(r)).toMatchObject({ cnt: '2', trdn_flag: '0', pric: '8.00', inv_chg_time: '2026-11-28 10:00:00' });
      }
    }
    for (const chgType of [STOCKTAKE_GAIN, STOCKTAKE_LOSS]) {
      const r = build3502({
        product: product({ splitFactor: null, rxClass: 'otc_b' }),
        batch: batch({ purchasePriceFen: null }),
        refType: 'stocktake_diff',
        refId: 3,
        chgType,
        qtyBase: 3,
        priceFen: null,
        at,
        opterName: '孙店长',
        codes: [],
      });
      expect(uploadProblems('3502', r!.payload)).toEqual([]);
      // no purchase price: the retail price
      expect(rowOf(r)).toMatchObject({ inv_chg_type: chgType, cnt: '3', trdn_flag: '0', pric: '12.50', rx_flag: '0' });
      expect(rowOf(r).memo).toBe('pos:stocktake_diff:3');
    }
    const pieces = build3502({
      product: product(),
      batch: batch(),
      refType: 'change_line',
      refId: 1,
      chgType: '107',
      qtyBase: 5,
      priceFen: 1000,
      at,
      opterName: '',
      codes: [],
    });
    expect(rowOf(pieces)).toMatchObject({ cnt: '5', trdn_flag: '1', pric: '0.416667' });
    expect(uploadProblems('3502', pieces!.payload)).toEqual([]);
  });

  it('3503 / 3504: purchase and return rows, no trace codes', () => {
    const r3 = build3503({
      product: product(),
      batch: batch(),
      lineId: 11,
      qtyBase: 72,
      priceFen: 800,
      gift: true,
      doc: { ...doc, supplierLicense: 'JY1', deliveryNo: 'SH1', invoiceCode: 'C1' },
      at,
      opterName: '钱药师',
    });
    expect(uploadProblems('3503', r3!.payload)).toEqual([]);
    expect(rowOf(r3)).toMatchObject({
      purc_retn_cnt: '3',
      finl_trns_pric: '8.00',
      prod_geay_flag: '1',
      dynt_no: 'SH1',
    });
    expect(rowOf(r3)).not.toHaveProperty('drugtracinfo');
    // a price left out is simply not sent (optional)
    const free = build3503({
      product: product(),
      batch: batch(),
      lineId: 1,
      qtyBase: 24,
      priceFen: null,
      gift: false,
      doc,
      at,
      opterName: 'x',
    });
    expect(uploadProblems('3503', free!.payload)).toEqual([]);
    // the maker and approval number are required: receiving refuses a product without them
    const bare = build3503({
      product: product({ manufacturer: null, aprvno: null }),
      batch: batch(),
      lineId: 1,
      qtyBase: 24,
      priceFen: null,
      gift: false,
      doc,
      at,
      opterName: 'x',
    });
    expect(uploadProblems('3503', bare!.payload).map((p) => p.path)).toEqual([
      'input.purcinfo.prodentp_name',
      'input.purcinfo.aprvno',
    ]);
    const r4 = build3504({
      product: product(),
      batch: batch(),
      lineId: 12,
      qtyBase: 24,
      doc,
      origDocNo: 'RK202611280001',
      at,
      opterName: '孙店长',
    });
    expect(uploadProblems('3504', r4!.payload)).toEqual([]);
    expect(rowOf(r4)).toMatchObject({
      purc_retn_cnt: '1',
      purc_invo_no: 'FP1',
      medins_prod_purc_no: 'RK202611280001',
      memo: 'pos:purchase_return_line:12',
    });
    // 3504 has no lot field (the batch serial says it)
    expect(rowOf(r4)).not.toHaveProperty('manu_lotnum');
  });

  it('goods without a national code produce no record', () => {
    const p = product({ natCode: null });
    expect(
      build3501({ product: p, batch: batch(), lineId: 1, qtyBase: 1, invdate: '2026-11-28', codes: [] }),
    ).toBeNull();
    expect(
      build3502({
        product: p,
        batch: batch(),
        refType: 'change_line',
        refId: 1,
        chgType: '107',
        qtyBase: 1,
        priceFen: 1,
        at,
        opterName: '',
        codes: [],
      }),
    ).toBeNull();
    expect(
      build3503({
        product: p,
        batch: batch(),
        lineId: 1,
        qtyBase: 1,
        priceFen: 1,
        gift: false,
        doc,
        at,
        opterName: '',
      }),
    ).toBeNull();
    expect(
      build3504({ product: p, batch: batch(), lineId: 1, qtyBase: 1, doc, origDocNo: null, at, opterName: '' }),
    ).toBeNull();
  });

  it('unit prices: yuan with up to 6 decimals, at least 2', () => {
    expect(unitPriceYuan(1250, 1)).toBe('12.50');
    expect(unitPriceYuan(1200, 24)).toBe('0.50');
    expect(unitPriceYuan(1250, 24)).toBe('0.520833');
    expect(unitPriceYuan(100, 8)).toBe('0.125');
    expect(unitPriceYuan(0, 10)).toBe('0.00');
  });
});
