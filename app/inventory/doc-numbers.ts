import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';
import type { StockDocKind } from '../shared/inventory';

/**
 * Stock document numbers: a prefix per kind, the local (Beijing) date and a 4-digit count per prefix and day —
 * RK202611280001. The same scheme as the receipt numbers (S + yyyyMMdd + 4 digits, sale-store.ts). The number is
 * taken inside the transaction that writes the document, so a document that fails leaves no gap behind it; past
 * 9999 documents of one kind a day the count simply grows a digit (doc_no stays unique).
 */

export const DOC_PREFIX: Readonly<Record<StockDocKind, string>> = {
  receiving: 'RK', // 入库
  purchase_return: 'TH', // 退货
  change: 'BD', // 变动
  stocktake: 'PD', // 盘点
};

export function formatDocNo(prefix: string, day: string, n: number): string {
  return `${prefix}${day.replaceAll('-', '')}${String(n).padStart(4, '0')}`;
}

export function createDocNumbers(db: Db) {
  const next = db
    .prepare(
      `INSERT INTO doc_counters (prefix, day, last) VALUES (?, ?, 1)
       ON CONFLICT (prefix, day) DO UPDATE SET last = last + 1 RETURNING last`,
    )
    .pluck() as Statement<[string, string], number>;
  return {
    /** The next number of `kind` on `day` (YYYY-MM-DD, local). Call inside the writing transaction. */
    next(kind: StockDocKind, day: string): string {
      if (!db.inTransaction) throw new Error('document numbers are taken inside the writing transaction');
      const prefix = DOC_PREFIX[kind];
      return formatDocNo(prefix, day, next.get(prefix, day)!);
    },
  };
}

export type DocNumbers = ReturnType<typeof createDocNumbers>;
