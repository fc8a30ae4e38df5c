import { describe, expect, it } from 'vitest';
import {
  GS,
  classifyScan,
  formatGs1,
  gs1CheckDigit,
  hasValidGs1CheckDigit,
  normaliseTraceCode,
  parseGs1,
  parseGs1Date,
  validateTraceCode,
} from '../../app/shared/codes';

// Check digits computed independently (by hand / Python), not by the code under test.
const EAN13 = '6901234567892';
const EAN13_B = '4006381333931';
const EAN8 = '96385074';
const UPCA = '036000291452';
const ITF14 = '10690123456784';
const GTIN = '06901234567892';
const TRACE = '83711700173703755001';

describe('check digits', () => {
  it('computes the GS1 mod-10 digit', () => {
    expect(gs1CheckDigit('690123456789')).toBe(2);
    expect(gs1CheckDigit('9638507')).toBe(4);
    expect(gs1CheckDigit('03600029145')).toBe(2);
    expect(gs1CheckDigit('1069012345678')).toBe(4);
  });

  it('accepts good and rejects altered codes', () => {
    for (const c of [EAN13, EAN13_B, EAN8, UPCA, ITF14, GTIN]) expect(hasValidGs1CheckDigit(c), c).toBe(true);
    expect(hasValidGs1CheckDigit('6901234567893')).toBe(false);
    expect(hasValidGs1CheckDigit('6901234567829')).toBe(false); // transposed
    expect(hasValidGs1CheckDigit('69012345678A2')).toBe(false);
  });
});

describe('classifyScan', () => {
  it('recognises product barcodes by length and check digit', () => {
    expect(classifyScan(EAN13)).toEqual({
      kind: 'product_barcode',
      symbology: 'EAN-13',
      code: EAN13,
      gtin14: GTIN,
    });
    expect(classifyScan(EAN8)).toMatchObject({ symbology: 'EAN-8', gtin14: '00000096385074' });
    expect(classifyScan(UPCA)).toMatchObject({ symbology: 'UPC-A', gtin14: '00036000291452' });
    expect(classifyScan(ITF14)).toMatchObject({ symbology: 'ITF-14', gtin14: ITF14 });
  });

  it('keeps a barcode with a wrong check digit as search text with a warning', () => {
    const c = classifyScan('6901234567893');
    expect(c).toMatchObject({ kind: 'text', text: '6901234567893' });
    expect(c.kind === 'text' && c.warning).toContain('校验位');
  });

  it('recognises a 20-digit trace code and splits the 码上放心 parts', () => {
    expect(classifyScan(TRACE + '\r\n')).toEqual({
      kind: 'trace_code',
      format: 'cn20',
      code: TRACE,
      resourceCode: '8371170',
      serial: '0173703755001',
    });
  });

  it('parses GS1 element strings with GS separators', () => {
    const raw = `01${GTIN}17261200` + `10B2024X${GS}21SN0001`;
    const c = classifyScan(raw);
    expect(c.kind).toBe('gs1');
    if (c.kind !== 'gs1') return;
    expect(c.gs1.gtin).toBe(GTIN);
    expect(c.gs1.batch).toBe('B2024X');
    expect(c.gs1.serial).toBe('SN0001');
    expect(c.gs1.expiry).toEqual({ raw: '261200', date: '2026-12-31', endOfMonth: true });
    expect(formatGs1(c.gs1)).toBe(`(01)${GTIN}(17)261200(10)B2024X(21)SN0001`);
  });

  it('accepts a leading FNC1, an AIM identifier, visible GS stand-ins and the bracketed form', () => {
    const expected = { gtin: GTIN, serial: 'ABC123', batch: 'L01' };
    for (const raw of [
      `${GS}01${GTIN}21ABC123${GS}10L01`,
      `]d201${GTIN}21ABC123${GS}10L01`,
      `01${GTIN}21ABC123<GS>10L01`,
      `01${GTIN}21ABC123{GS}10L01`,
      `(01)${GTIN}(21)ABC123(10)L01`,
    ]) {
      const c = classifyScan(raw);
      expect(c.kind, raw).toBe('gs1');
      if (c.kind === 'gs1') expect(c.gs1, raw).toMatchObject(expected);
    }
  });

  it('parses a GS1 string whose scanner dropped GS when only the last field is variable', () => {
    const c = classifyScan(`01${GTIN}1728022910LOT9`);
    expect(c.kind).toBe('gs1');
    if (c.kind === 'gs1') {
      expect(c.gs1.expiry?.date).toBe('2028-02-29');
      expect(c.gs1.batch).toBe('LOT9');
    }
  });

  it('reports broken GS1 strings as unknown with the reason', () => {
    const badGtin = classifyScan(`]d201069012345678931712310110A`);
    expect(badGtin).toMatchObject({ kind: 'unknown' });
    // without a GS1 marker it is only "starts like GS1", so it stays search text
    expect(classifyScan(`01069012345678931712310110A`).kind).toBe('text');
    expect(badGtin.kind === 'unknown' && badGtin.note).toContain('校验位');
    const badDate = classifyScan(`01${GTIN}17261332${GS}10A`);
    expect(badDate.kind === 'unknown' && badDate.note).toContain('日期');
    const unknownAi = classifyScan(`01${GTIN}8888${GS}10A`);
    expect(unknownAi.kind).toBe('unknown');
  });

  it('detects ID numbers without validating them', () => {
    expect(classifyScan('11010119900101123x')).toEqual({ kind: 'id_number', code: '11010119900101123X' });
    expect(classifyScan('110101199001011234')).toEqual({ kind: 'id_number', code: '110101199001011234' });
  });

  it('treats names, pinyin and short codes as search text, and junk as unknown', () => {
    expect(classifyScan('阿莫西林')).toEqual({ kind: 'text', text: '阿莫西林' });
    expect(classifyScan('amxl')).toEqual({ kind: 'text', text: 'amxl' });
    expect(classifyScan('12345')).toEqual({ kind: 'text', text: '12345' });
    expect(classifyScan('  \r\n')).toEqual({ kind: 'empty' });
    expect(classifyScan('https://example.cn/qr?x=1').kind).toBe('unknown');
    expect(classifyScan('A'.repeat(80)).kind).toBe('unknown');
    expect(classifyScan('ab\u0007cd').kind).toBe('unknown');
  });

  it('converts full-width digits typed with a Chinese IME', () => {
    expect(classifyScan('６９０１２３４５６７８９２')).toMatchObject({ kind: 'product_barcode', code: EAN13 });
  });
});

describe('parseGs1Date', () => {
  it('resolves day 00 to the end of the month, leap years included', () => {
    expect(parseGs1Date('270200', 2026)?.date).toBe('2027-02-28');
    expect(parseGs1Date('280200', 2026)?.date).toBe('2028-02-29');
    expect(parseGs1Date('260400', 2026)).toEqual({ raw: '260400', date: '2026-04-30', endOfMonth: true });
    expect(parseGs1Date('260415', 2026)).toEqual({ raw: '260415', date: '2026-04-15', endOfMonth: false });
  });

  it('applies the GS1 century window and rejects impossible dates', () => {
    expect(parseGs1Date('991231', 2026)?.date).toBe('1999-12-31');
    expect(parseGs1Date('751231', 2026)?.date).toBe('2075-12-31');
    expect(parseGs1Date('261301', 2026)).toBeUndefined();
    expect(parseGs1Date('260231', 2026)).toBeUndefined();
    expect(parseGs1Date('26011', 2026)).toBeUndefined();
  });
});

describe('parseGs1', () => {
  it('rejects a fixed field cut short and an over-long variable field', () => {
    expect(parseGs1(`01${GTIN.slice(0, 10)}`)).toMatchObject({ ok: false });
    expect(parseGs1(`01${GTIN}10${'X'.repeat(21)}`)).toMatchObject({ ok: false });
  });
});

describe('normaliseTraceCode', () => {
  it('strips suffixes, spaces a person typed and full-width digits', () => {
    expect(normaliseTraceCode(` ${TRACE}\r\n`)).toBe(TRACE);
    expect(normaliseTraceCode('8371 1700 1737 0375 5001')).toBe(TRACE);
    expect(normaliseTraceCode('８３７１１７００１７３７０３７５５００１')).toBe(TRACE);
    expect(normaliseTraceCode(`]d2${GS}01${GTIN}21S1<GS>10L`)).toBe(`01${GTIN}21S1${GS}10L`);
  });
});

describe('validateTraceCode', () => {
  const opts = { acceptGs1: true };

  it('accepts a 20-digit code', () => {
    expect(validateTraceCode(TRACE, opts)).toEqual({
      ok: true,
      code: TRACE,
      format: 'cn20',
      key: TRACE,
      warnings: [],
    });
  });

  it('says why a code is refused, in Chinese', () => {
    expect(validateTraceCode('8371170017370375500', opts)).toEqual({
      ok: false,
      reason: '追溯码应为20位数字（扫到19位）',
    });
    expect(validateTraceCode('837117001737037550012', opts)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('20位'),
    });
    expect(validateTraceCode('', opts)).toEqual({ ok: false, reason: '追溯码为空' });
    expect(validateTraceCode('abc', opts)).toEqual({ ok: false, reason: '追溯码应为20位数字' });
    expect(validateTraceCode(EAN13, opts)).toMatchObject({ ok: false, reason: expect.stringContaining('商品条码') });
    expect(validateTraceCode('11010119900101123X', opts)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('身份证'),
    });
  });

  it('handles the leading 8 as configured (warn by default)', () => {
    const other = '12345678901234567890';
    const warned = validateTraceCode(other, opts);
    expect(warned.ok && warned.warnings[0]).toContain('8开头');
    expect(validateTraceCode(other, { ...opts, leadingEight: 'off' })).toMatchObject({ ok: true, warnings: [] });
    expect(validateTraceCode(other, { ...opts, leadingEight: 'require' })).toEqual({
      ok: false,
      reason: '追溯码应以8开头',
    });
  });

  it('lets a region plug in a check-digit rule', () => {
    const lastIsOne = (c: string) => c.endsWith('1');
    expect(validateTraceCode(TRACE, { ...opts, cn20CheckDigit: lastIsOne }).ok).toBe(true);
    expect(validateTraceCode('83711700173703755002', { ...opts, cn20CheckDigit: lastIsOne })).toEqual({
      ok: false,
      reason: '追溯码校验位错误',
    });
  });

  it('accepts GS1 codes with a serial when enabled, keyed by GTIN + serial', () => {
    const a = validateTraceCode(`01${GTIN}17261200` + `10B1${GS}21SN9`, opts);
    const b = validateTraceCode(`(21)SN9(01)${GTIN}`, opts);
    expect(a).toMatchObject({ ok: true, format: 'gs1', key: `gs1:${GTIN}:SN9` });
    expect(b.ok && a.ok && b.key === a.key).toBe(true);
    expect(validateTraceCode(`01${GTIN}21SN9`, { acceptGs1: false })).toEqual({
      ok: false,
      reason: '未启用GS1追溯码，请扫描20位追溯码',
    });
    expect(validateTraceCode(`01${GTIN}10B1`, opts)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('(21)'),
    });
    expect(validateTraceCode(`01${GTIN}10B1`, { ...opts, requireGs1Serial: false }).ok).toBe(true);
  });

  it('lets unknown formats through with a warning only when configured', () => {
    expect(validateTraceCode('MFR-ABC-0001', opts).ok).toBe(false);
    expect(validateTraceCode('MFR-ABC-0001', { ...opts, acceptUnknownFormat: true })).toMatchObject({
      ok: true,
      format: 'other',
      warnings: ['追溯码格式未知，已按原样记录，请核对'],
    });
    expect(validateTraceCode(EAN13, { ...opts, acceptUnknownFormat: true }).ok).toBe(false);
  });
});
