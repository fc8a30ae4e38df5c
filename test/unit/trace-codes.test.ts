import { describe, expect, it } from 'vitest';
import {
  checkNewTraceCode,
  checkPriorUse,
  checkSaleTraceCodes,
  traceCodeRequirement,
  traceCollectionRequired,
  traceEntryFromCode,
  type TraceCodeEntry,
  type TraceLine,
} from '../../app/shared/trace-codes';

const GS = '\u001d';
const GTIN = '06901234567892';
const opts = { acceptGs1: true };
const code = (n: number) => `837117001737037${String(n).padStart(5, '0')}`;
const entry = (c: string): TraceCodeEntry => traceEntryFromCode(c, opts)!;

function line(over: Partial<TraceLine> & { lineId: string }): TraceLine {
  return {
    productName: '阿莫西林胶囊',
    quantity: 1,
    split: false,
    traceRequired: true,
    codes: [],
    ...over,
  };
}

describe('traceCodeRequirement', () => {
  it('needs one code per whole package', () => {
    expect(traceCodeRequirement(line({ lineId: 'a', quantity: 3 }))).toEqual({ min: 3, max: 3 });
  });

  it('needs none for goods without a code or a zero quantity', () => {
    expect(traceCodeRequirement(line({ lineId: 'a', quantity: 3, traceRequired: false }))).toEqual({ min: 0, max: 0 });
    expect(traceCodeRequirement(line({ lineId: 'a', quantity: 0 }))).toEqual({ min: 0, max: 0 });
  });

  it('flags a fractional whole-package quantity', () => {
    const r = traceCodeRequirement(line({ lineId: 'a', quantity: 1.5 }));
    expect(r.problem).toBe('阿莫西林胶囊：整盒销售数量应为整数，拆零请按拆零销售');
  });

  it('for 拆零 needs the box code once, plus one more when units may span an opened box', () => {
    expect(traceCodeRequirement(line({ lineId: 'a', split: true, quantity: 10, unitsPerPackage: 24 }))).toEqual({
      min: 1,
      max: 2,
    });
    expect(traceCodeRequirement(line({ lineId: 'a', split: true, quantity: 30, unitsPerPackage: 24 }))).toEqual({
      min: 2,
      max: 3,
    });
    expect(traceCodeRequirement(line({ lineId: 'a', split: true, quantity: 24, unitsPerPackage: 24 }))).toEqual({
      min: 1,
      max: 2,
    });
    expect(traceCodeRequirement(line({ lineId: 'a', split: true, quantity: 6 }))).toEqual({ min: 1, max: 6 });
  });
});

describe('traceCollectionRequired', () => {
  it('follows the two settings', () => {
    const s = { requiredForInsurance: true, requiredForSelfpay: false };
    expect(traceCollectionRequired('insurance', s)).toBe(true);
    expect(traceCollectionRequired('selfpay', s)).toBe(false);
  });
});

describe('checkNewTraceCode', () => {
  it('accepts a valid code for a line that still needs one', () => {
    const a = line({ lineId: 'a', quantity: 2 });
    expect(checkNewTraceCode(` ${code(1)}\r\n`, a, [a], opts)).toEqual({
      ok: true,
      entry: { code: code(1), key: code(1), format: 'cn20' },
      warnings: [],
    });
  });

  it('refuses an invalid code with the format reason', () => {
    const a = line({ lineId: 'a' });
    expect(checkNewTraceCode('12345', a, [a], opts)).toEqual({
      ok: false,
      reason: 'invalid',
      message: '追溯码应为20位数字（扫到5位）',
    });
  });

  it('refuses a duplicate in the same line and names the other line otherwise', () => {
    const a = line({ lineId: 'a', quantity: 2, codes: [entry(code(1))] });
    const b = line({ lineId: 'b', productName: '布洛芬缓释胶囊', quantity: 1 });
    expect(checkNewTraceCode(code(1), a, [a, b], opts)).toMatchObject({
      ok: false,
      reason: 'duplicate',
      message: '该追溯码已在本行扫过，同一盒药只需扫一次',
    });
    expect(checkNewTraceCode(code(1), b, [a, b], opts)).toEqual({
      ok: false,
      reason: 'duplicate',
      message: '该追溯码已在第1行（阿莫西林胶囊）扫过，同一盒药只需扫一次',
      otherLineId: 'a',
    });
  });

  it('sees the same GS1 pack as a duplicate even with its AIs in another order', () => {
    const a = line({ lineId: 'a', quantity: 2, codes: [entry(`01${GTIN}17261200` + `10B1${GS}21SN9`)] });
    const r = checkNewTraceCode(`(21)SN9(01)${GTIN}`, a, [a], opts);
    expect(r).toMatchObject({ ok: false, reason: 'duplicate' });
  });

  it('refuses a GS1 code of a different product when the line knows its GTINs', () => {
    const a = line({ lineId: 'a', gtins: ['06923456789012'] });
    expect(checkNewTraceCode(`01${GTIN}21SN1`, a, [a], opts)).toMatchObject({ ok: false, reason: 'wrong_product' });
    const b = line({ lineId: 'b', gtins: [GTIN] });
    expect(checkNewTraceCode(`01${GTIN}21SN1`, b, [b], opts).ok).toBe(true);
  });

  it('refuses a code once the line is full, and on lines without codes', () => {
    const a = line({ lineId: 'a', quantity: 1, codes: [entry(code(1))] });
    expect(checkNewTraceCode(code(2), a, [a], opts)).toEqual({
      ok: false,
      reason: 'line_full',
      message: '阿莫西林胶囊最多需要1个追溯码，已扫满，请先修改数量',
    });
    const n = line({ lineId: 'n', productName: '医用口罩', traceRequired: false });
    expect(checkNewTraceCode(code(3), n, [n], opts)).toMatchObject({
      reason: 'not_required',
      message: '医用口罩无需扫追溯码',
    });
  });

  it('passes format warnings through', () => {
    const a = line({ lineId: 'a' });
    const r = checkNewTraceCode('12345678901234567890', a, [a], opts);
    expect(r.ok && r.warnings.length).toBe(1);
  });
});

describe('checkSaleTraceCodes', () => {
  it('is complete when every line has its codes', () => {
    const lines = [
      line({ lineId: 'a', quantity: 2, codes: [entry(code(1)), entry(code(2))] }),
      line({ lineId: 'b', split: true, quantity: 6, unitsPerPackage: 24, codes: [entry(code(3))] }),
      line({ lineId: 'c', traceRequired: false }),
    ];
    expect(checkSaleTraceCodes(lines, true)).toEqual({ complete: true, issues: [], missing: 0 });
  });

  it('lists missing, surplus and duplicate codes with Chinese messages', () => {
    const lines = [
      line({ lineId: 'a', quantity: 3, codes: [entry(code(1))] }),
      line({ lineId: 'b', productName: '布洛芬缓释胶囊', quantity: 1, codes: [entry(code(1)), entry(code(2))] }),
      line({ lineId: 'c', productName: '医用口罩', traceRequired: false, codes: [entry(code(4))] }),
    ];
    const r = checkSaleTraceCodes(lines, true);
    expect(r.complete).toBe(false);
    expect(r.missing).toBe(2);
    expect(r.issues.map((i) => i.message)).toEqual([
      '第1行（阿莫西林胶囊）还差2个追溯码（已扫1个，需3个）',
      '第2行（布洛芬缓释胶囊）多扫了1个追溯码（最多1个），请删除多余的',
      '第3行（医用口罩）不需要追溯码，请删除已扫的1个',
      `追溯码 ${code(1)} 在本单中重复出现（第1行（阿莫西林胶囊）、第2行（布洛芬缓释胶囊）），同一盒药只能扫一次`,
    ]);
  });

  it('does not ask for codes when collection is not required, but still catches duplicates', () => {
    const lines = [line({ lineId: 'a', quantity: 2, codes: [entry(code(1)), entry(code(1))] })];
    const r = checkSaleTraceCodes(lines, false);
    expect(r.missing).toBe(0);
    expect(r.issues.map((i) => i.kind)).toEqual(['duplicate']);
  });

  it('reports a fractional whole-package quantity', () => {
    const r = checkSaleTraceCodes([line({ lineId: 'a', quantity: 0.5 })], true);
    expect(r.issues.map((i) => i.kind)).toEqual(['bad_quantity', 'missing']);
  });
});

describe('checkPriorUse', () => {
  it('allows a code never sold, or sold and returned', () => {
    expect(checkPriorUse(false, [])).toEqual({ ok: true, warnings: [] });
    expect(checkPriorUse(false, [{ split: false, soldAt: '2026-03-01 10:22', returned: true }])).toEqual({
      ok: true,
      warnings: [],
    });
  });

  it('refuses a box already sold whole', () => {
    const r = checkPriorUse(true, [{ split: false, soldAt: '2026-03-01 10:22', saleNo: 'S0001' }]);
    expect(r).toEqual({
      ok: false,
      message: '该追溯码已于2026-03-01 10:22（单号 S0001）整盒售出，同一盒药不能再次销售，请核对是否重复扫码或为回流药',
    });
  });

  it('lets an opened box be split again, but not sold whole', () => {
    const uses = [{ split: true, soldAt: '2026-03-01 10:22' }];
    expect(checkPriorUse(true, uses)).toEqual({ ok: true, warnings: ['该盒药此前已拆零销售1次'] });
    expect(checkPriorUse(false, uses)).toMatchObject({ ok: false, message: expect.stringContaining('拆零销售过') });
  });
});
