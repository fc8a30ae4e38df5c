import { describe, expect, it } from 'vitest';
import { yuanToFen, parseWholeNumber, expandExponent } from '../../app/catalogue/products/money';
import { nameKeys, productKeys } from '../../app/catalogue/products/pinyin';
import { normaliseAprvno, aprvnoVariants } from '../../app/catalogue/products/model';
import { AppError } from '../../app/shared/errors';
import { catalogueFixture, productInput } from '../fixtures/products/catalogue-fixture';

function refused(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('product master: save and validation', () => {
  it('saves a product with several barcodes, split unit and flags, and reads it back', () => {
    const { catalogue } = catalogueFixture();
    const saved = catalogue.products.save(
      productInput({
        code: 'P001',
        genericName: '复方盐酸伪麻黄碱缓释胶囊',
        tradeName: '新康泰克',
        spec: '90mg*10粒',
        dosageForm: '胶囊剂',
        manufacturer: '中美天津史克制药有限公司',
        aprvno: '国药准字 h10940004',
        unit: '盒',
        splitUnit: '粒',
        splitFactor: 10,
        retailPriceFen: 1980,
        memberPriceFen: 1880,
        splitPriceFen: 220,
        rxClass: 'otc_a',
        specialFlags: ['ephedrine', 'special_compound'],
        storage: '密封，阴凉处',
        category: '感冒用药',
        barcodes: ['6901234567892', '6901234567908', '6901234567892'],
      }),
    );
    expect(saved).toMatchObject({
      code: 'P001',
      tradeName: '新康泰克',
      aprvno: '国药准字H10940004',
      splitUnit: '粒',
      splitFactor: 10,
      splitPriceFen: 220,
      memberPriceFen: 1880,
      specialFlags: ['ephedrine', 'special_compound'],
      barcodes: ['6901234567892', '6901234567908'],
      stockQty: 0,
      active: true,
      mapping: { state: 'unmapped', natCode: null },
      insurance: { natCode: null, chrgitmLv: null, isInsuranceItem: false },
    });
    expect(catalogue.products.get(saved.id).barcodes).toEqual(['6901234567892', '6901234567908']);

    const updated = catalogue.products.save(
      productInput({
        id: saved.id,
        code: 'P001',
        genericName: '复方盐酸伪麻黄碱缓释胶囊',
        barcodes: ['6901234567908'],
      }),
    );
    expect(updated.barcodes).toEqual(['6901234567908']);
    expect(updated.splitUnit).toBeNull();
  });

  it('keeps pinyin keys for every reading of a polyphone', () => {
    expect(nameKeys('阿莫西林胶囊').initials[0]).toBe('amxljn');
    expect(nameKeys('阿莫西林胶囊').full[0]).toBe('amoxilinjiaonang');
    // pinyin-pro would read 参 as "can"; both the fixed reading and the others are keys
    const shen = nameKeys('参苓白术散');
    expect(shen.initials[0]).toBe('slbzs');
    expect(shen.initials).toContain('clbzs');
    expect(nameKeys('维生素C片').initials[0]).toBe('wsscp');
    expect(nameKeys('重感灵片').initials).toEqual(expect.arrayContaining(['zglp', 'cglp']));
    const keys = productKeys('阿莫西林胶囊', '阿莫仙');
    expect(keys.initials.split(' ')).toEqual(expect.arrayContaining(['amxljn', 'amx']));
  });

  it('refuses a duplicate code (whatever its case) and a barcode of another product', () => {
    const { catalogue } = catalogueFixture();
    const a = catalogue.products.save(productInput({ code: 'A001', barcodes: ['6900000000011'] }));
    let e = refused(() => catalogue.products.save(productInput({ code: 'a001' })));
    expect(e.code).toBe('CONFLICT');
    expect(e.fields).toEqual([{ path: 'code', message: expect.stringContaining('已被商品') }]);

    e = refused(() =>
      catalogue.products.save(productInput({ code: 'A002', barcodes: ['6900000000028', '6900000000011'] })),
    );
    expect(e.code).toBe('CONFLICT');
    expect(e.fields).toEqual([{ path: 'barcodes.1', message: expect.stringContaining('6900000000011') }]);
    // nothing of the refused save was written
    expect(catalogue.products.list({ limit: 100, offset: 0 }).total).toBe(1);
    expect(catalogue.products.get(a.id).barcodes).toEqual(['6900000000011']);
  });

  it('applies the split-unit, price and special-drug rules', () => {
    const { catalogue } = catalogueFixture();
    const fieldsOf = (over: Parameters<typeof productInput>[0]) =>
      refused(() => catalogue.products.save(productInput(over))).fields?.map((f) => f.path);
    expect(fieldsOf({ code: 'X1', splitPriceFen: 100 })).toEqual(['splitPriceFen']);
    expect(fieldsOf({ code: 'X2', splitUnit: '粒' })).toEqual(['splitFactor']);
    expect(fieldsOf({ code: 'X3', splitFactor: 10 })).toEqual(['splitUnit']);
    expect(fieldsOf({ code: 'X4', splitUnit: '盒', splitFactor: 2 })).toEqual(['splitUnit']);
    expect(fieldsOf({ code: 'X5', memberPriceFen: 1300 })).toEqual(['memberPriceFen']);
    expect(fieldsOf({ code: 'X6', rxClass: 'non_drug', specialFlags: ['ephedrine'] })).toEqual(['specialFlags']);
    expect(catalogue.products.list({ limit: 10, offset: 0 }).total).toBe(0);
  });

  it('will not change the code of a product whose mapping is uploaded', () => {
    const { catalogue, db } = catalogueFixture();
    const p = catalogue.products.save(productInput({ code: 'M001' }));
    db.prepare(
      `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, updated_at)
       VALUES (?, 'XJ01CAA040A001010100001', '1301', '101', 'uploaded', 0, 0)`,
    ).run(p.id);
    const e = refused(() => catalogue.products.save(productInput({ id: p.id, code: 'M002' })));
    expect(e.fields?.[0]?.message).toContain('请先撤销对照');
    expect(catalogue.products.save(productInput({ id: p.id, code: 'M001', retailPriceFen: 999 })).retailPriceFen).toBe(
      999,
    );
  });

  it('lists by fragment, pinyin and mapping state', () => {
    const { catalogue } = catalogueFixture();
    catalogue.products.save(productInput({ code: 'L1', genericName: '阿莫西林胶囊' }));
    catalogue.products.save(productInput({ code: 'L2', genericName: '布洛芬缓释胶囊', barcodes: ['6911111111111'] }));
    expect(catalogue.products.list({ q: '布洛芬', limit: 10, offset: 0 }).rows.map((r) => r.code)).toEqual(['L2']);
    expect(catalogue.products.list({ q: 'amxl', limit: 10, offset: 0 }).rows.map((r) => r.code)).toEqual(['L1']);
    expect(catalogue.products.list({ q: '69111', limit: 10, offset: 0 }).rows.map((r) => r.code)).toEqual(['L2']);
    expect(catalogue.products.list({ mapping: 'unmapped', limit: 10, offset: 0 }).total).toBe(2);
    expect(catalogue.products.list({ mapping: 'pending', limit: 10, offset: 0 }).total).toBe(0);
  });
});

describe('money and codes without floating point', () => {
  it('turns yuan text into fen', () => {
    expect(yuanToFen('12.5')).toEqual({ ok: true, fen: 1250 });
    expect(yuanToFen('¥1,234.56元')).toEqual({ ok: true, fen: 123456 });
    expect(yuanToFen('０.１')).toEqual({ ok: true, fen: 10 });
    expect(yuanToFen('13.200000000000001')).toEqual({ ok: true, fen: 1320 });
    expect(yuanToFen('13.199999999999999')).toEqual({ ok: true, fen: 1320 });
    expect(yuanToFen('0.125').ok).toBe(false);
    expect(yuanToFen('-1').ok).toBe(false);
    expect(yuanToFen('abc').ok).toBe(false);
    expect(parseWholeNumber('10.0')).toBe(10);
    expect(parseWholeNumber('2.5')).toBeNull();
    expect(expandExponent('6.90123456789E12')).toBe('6901234567890');
  });

  it('normalises 批准文号', () => {
    expect(normaliseAprvno(' 国药准字 Ｈ１２３４５６７８ ')).toBe('国药准字H12345678');
    expect(aprvnoVariants('h12345678')).toEqual(expect.arrayContaining(['H12345678', '国药准字H12345678']));
  });
});
