import { describe, expect, it } from 'vitest';
import {
  CHANGE_TYPES,
  LEDGER_CAUSE_LABELS,
  changeCause,
  chgTypeOf,
  signedDelta,
} from '../../app/inventory/change-types';
import { DOC_PREFIX, formatDocNo } from '../../app/inventory/doc-numbers';
import { batchValueFen, nearBound } from '../../app/inventory/stock-query';
import { monthsUntil } from '../../app/counter/stock';
import { INVENTORY_CODESETS } from '../../app/nhsa/registry/inventory-codesets';
import { CHANGE_REASONS } from '../../app/shared/inventory';

describe('inventory change types', () => {
  const dictionary = INVENTORY_CODESETS.find((c) => c.name === 'inv_chg_type')!.codes;

  it('maps every reason of the screen to a code of the inv_chg_type dictionary, with its label', () => {
    expect(Object.keys(CHANGE_TYPES).sort()).toEqual([...CHANGE_REASONS].sort());
    for (const reason of CHANGE_REASONS) {
      const t = CHANGE_TYPES[reason];
      expect(t.reason).toBe(reason);
      expect(Object.keys(dictionary), reason).toContain(t.code);
      expect(t.label).toMatch(/[\u4e00-\u9fff]/);
      // only what brings goods in may bring a lot the books do not know
      if (t.mayCreateBatch) expect(t.direction, reason).toBe('in');
    }
  });

  it('keeps the lead’s mapping', () => {
    const codes = Object.fromEntries(CHANGE_REASONS.map((r) => [r, CHANGE_TYPES[r].code]));
    expect(codes).toEqual({
      damage: '107',
      destroy: '105',
      overflow: '106',
      transfer_in: '101',
      transfer_out: '102',
      gift_in: '110',
      gift_out: '111',
      initial: '108',
      other_in: '106',
      other_out: '107',
      goods_return_out: '109',
      correction: '106',
    });
    expect([chgTypeOf('correction', 3), chgTypeOf('correction', -3), chgTypeOf('damage', 3)]).toEqual([
      '106',
      '107',
      '107',
    ]);
    expect([signedDelta('damage', 4), signedDelta('initial', 4), signedDelta('correction', -4)]).toEqual([-4, 4, -4]);
    expect(LEDGER_CAUSE_LABELS[changeCause('damage')]).toBe('报损');
    expect(LEDGER_CAUSE_LABELS.stocktake_gain).toBe('盘盈');
  });
});

describe('inventory: document numbers, near-expiry bound, stock value', () => {
  it('numbers documents RK/TH/BD/PD + yyyyMMdd + 4 digits', () => {
    expect(DOC_PREFIX).toEqual({ receiving: 'RK', purchase_return: 'TH', change: 'BD', stocktake: 'PD' });
    expect(formatDocNo('RK', '2026-11-28', 1)).toBe('RK202611280001');
    expect(formatDocNo('PD', '2026-01-05', 12345)).toBe('PD2026010512345');
  });

  it('expiry < nearBound(today, m) exactly when monthsUntil(today, expiry) < m (the counter’s rule)', () => {
    // every day of 800 (a leap year, every month end) against the expiry dates around its bound
    const start = Date.UTC(2026, 0, 1) - 40 * 86_400_000;
    const days = Array.from({ length: 800 + 36 * 31 + 80 }, (_, k) =>
      new Date(start + k * 86_400_000).toISOString().slice(0, 10),
    );
    const wrong: string[] = [];
    let checked = 0;
    for (let i = 40; i < 840; i++) {
      const today = days[i]!;
      for (const m of [1, 2, 6, 12, 36]) {
        const bound = nearBound(today, m);
        // around today and around the bound, where the two could disagree
        const js = [-3, -2, -1, 0, 1, 2, 3];
        for (let j = m * 28 - 3; j <= m * 31 + 4; j++) js.push(j);
        for (const j of js) {
          const expiry = days[i + j]!;
          checked++;
          if (expiry < bound !== monthsUntil(today, expiry) < m) wrong.push(`${today} +${m} ${expiry}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100_000);
    expect(wrong).toEqual([]);
    expect(nearBound('2027-01-31', 1)).toBe('2027-02-31');
    expect(nearBound('2026-11-28', 14)).toBe('2028-01-28');
  });

  it('values a batch at purchase price per package, in fen, rounded', () => {
    expect(batchValueFen(30, 800, 24)).toBe(1000);
    expect(batchValueFen(5, 1250, 24)).toBe(260); // 260.4
    expect(batchValueFen(7, 300, null)).toBe(2100);
    expect(batchValueFen(7, null, null)).toBe(0);
  });
});
