import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';

/**
 * Batches as the counter sees them: first expiry first out among batches that may be sold (not locked, not
 * expired), and the one place a sale takes stock (with its ledger row). Quantities are in base units (see
 * migration 0004). Receiving and stock changes belong to the inventory module; `receive` here is the minimal
 * entry the training data and the tests stock a till with.
 */

export interface BatchRow {
  id: number;
  product_id: number;
  batch_no: string;
  mfg_date: string | null;
  expiry_date: string;
  qty_base: number;
  locked: number;
}

export interface Allocation {
  batch: BatchRow;
  qtyBase: number;
}

export function createStock(db: Db) {
  const sellable = db.prepare(
    `SELECT id, product_id, batch_no, mfg_date, expiry_date, qty_base, locked FROM stock_batches
      WHERE product_id = ? AND qty_base > 0 AND locked = 0 AND expiry_date >= ? ORDER BY expiry_date, id`,
  ) as Statement<[number, string], BatchRow>;
  const byId = db.prepare(
    'SELECT id, product_id, batch_no, mfg_date, expiry_date, qty_base, locked FROM stock_batches WHERE id = ?',
  ) as Statement<[number], BatchRow>;
  const take = db.prepare(
    'UPDATE stock_batches SET qty_base = qty_base - @qty, updated_at = @now WHERE id = @id AND qty_base >= @qty',
  );
  const giveBack = db.prepare('UPDATE stock_batches SET qty_base = qty_base + @qty, updated_at = @now WHERE id = @id');
  const ledger = db.prepare(
    `INSERT INTO stock_ledger (batch_id, product_id, delta_base, cause, ref_type, ref_id, operator_id, at)
     VALUES (@batchId, @productId, @delta, @cause, @refType, @refId, @operatorId, @now)`,
  );
  const insertBatch = db
    .prepare(
      `INSERT INTO stock_batches (product_id, batch_no, mfg_date, expiry_date, supplier, purchase_price_fen, qty_base,
       created_at, updated_at)
     VALUES (@productId, @batchNo, @mfgDate, @expiryDate, @supplier, @purchasePriceFen, 0, @now, @now)
     ON CONFLICT (product_id, batch_no) DO UPDATE SET updated_at = excluded.updated_at
     RETURNING id`,
    )
    .pluck() as Statement<Record<string, unknown>, number>;

  return {
    batch: (id: number): BatchRow | undefined => byId.get(id),

    /** Sellable batches, first expiry first. `today` is the local date (YYYY-MM-DD): a batch expiring today sells. */
    sellable: (productId: number, today: string): BatchRow[] => sellable.all(productId, today),

    /**
     * Splits a quantity over the sellable batches, first expiry first, less what other lines of the same sale
     * already hold (`held`: batch id → base units). Returns null when there is not enough.
     */
    allocate(
      productId: number,
      qtyBase: number,
      today: string,
      held: ReadonlyMap<number, number>,
    ): Allocation[] | null {
      const out: Allocation[] = [];
      let left = qtyBase;
      for (const b of sellable.all(productId, today)) {
        const free = b.qty_base - (held.get(b.id) ?? 0);
        if (free <= 0) continue;
        const n = Math.min(free, left);
        out.push({ batch: b, qtyBase: n });
        left -= n;
        if (left === 0) return out;
      }
      return null;
    },

    /** Takes stock for a sale line; false when the batch no longer holds enough (nothing is changed then). */
    take(a: {
      batchId: number;
      productId: number;
      qtyBase: number;
      refType: string;
      refId: number;
      operatorId: number | null;
      now: number;
      cause: string;
    }): boolean {
      if (take.run({ id: a.batchId, qty: a.qtyBase, now: a.now }).changes !== 1) return false;
      ledger.run({ ...a, delta: -a.qtyBase });
      return true;
    },

    giveBack(a: {
      batchId: number;
      productId: number;
      qtyBase: number;
      refType: string;
      refId: number;
      operatorId: number | null;
      now: number;
      cause: string;
    }): void {
      giveBack.run({ id: a.batchId, qty: a.qtyBase, now: a.now });
      ledger.run({ ...a, delta: a.qtyBase });
    },

    /** Adds stock to a batch (created if new), with its ledger row. */
    receive(a: {
      productId: number;
      batchNo: string;
      mfgDate?: string | null;
      expiryDate: string;
      qtyBase: number;
      supplier?: string | null;
      purchasePriceFen?: number | null;
      operatorId: number | null;
      refId: number;
      now: number;
    }): number {
      return db.transaction(() => {
        const id = insertBatch.get({
          productId: a.productId,
          batchNo: a.batchNo,
          mfgDate: a.mfgDate ?? null,
          expiryDate: a.expiryDate,
          supplier: a.supplier ?? null,
          purchasePriceFen: a.purchasePriceFen ?? null,
          now: a.now,
        })!;
        giveBack.run({ id, qty: a.qtyBase, now: a.now });
        ledger.run({
          batchId: id,
          productId: a.productId,
          delta: a.qtyBase,
          cause: 'receive',
          refType: 'receiving',
          refId: a.refId,
          operatorId: a.operatorId,
          now: a.now,
        });
        return id;
      })();
    },
  };
}

export type Stock = ReturnType<typeof createStock>;

/** Whole months from `today` to `expiry` (dates YYYY-MM-DD), for the near-expiry warning. */
export function monthsUntil(today: string, expiry: string): number {
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const [ey, em, ed] = expiry.split('-').map(Number) as [number, number, number];
  let months = (ey - ty) * 12 + (em - tm);
  if (ed < td) months--;
  return months;
}
