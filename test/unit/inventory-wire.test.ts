import { describe, expect, it } from 'vitest';
import { baseFromWire, parseRecordMemo, recordMemo, wireCount, wireStockCount } from '../../app/inventory/wire';

describe('inventory wire conventions', () => {
  it('counts whole packages in packages and the rest of a split product in split units', () => {
    expect(wireCount(48, 24)).toEqual({ cnt: '2', trdnFlag: '0' });
    expect(wireCount(30, 24)).toEqual({ cnt: '30', trdnFlag: '1' });
    expect(wireCount(7, null)).toEqual({ cnt: '7', trdnFlag: '0' });
    expect(wireStockCount(30, 24)).toBe('1.25');
    expect(wireStockCount(31, 24)).toBe('1.29');
    expect(wireStockCount(5, null)).toBe('5');
  });

  it('reads the center’s counts back into base units', () => {
    expect(baseFromWire(2, '0', 24)).toBe(48);
    expect(baseFromWire(30, '1', 24)).toBe(30);
    expect(baseFromWire(1.25, undefined, 24)).toBe(30);
    expect(baseFromWire(7, '0', null)).toBe(7);
  });

  it('names every record by its till identity in memo', () => {
    expect(recordMemo('sale_line', 42)).toBe('pos:sale_line:42');
    expect(parseRecordMemo(' pos:return_line:7 ')).toEqual({ refType: 'return_line', refId: 7 });
    expect(parseRecordMemo('手工录入')).toBeNull();
    expect(parseRecordMemo(undefined)).toBeNull();
  });
});
