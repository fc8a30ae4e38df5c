import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';

/**
 * The 药品追溯码 the pharmacy holds (trace_codes, migration 0005): tied to a batch when the goods come in
 * (receiving, or a stock change that brings goods in), released when a sale is booked, given back by a refund,
 * and marked `out` when goods leave otherwise (purchase return, 报损, 调拨出库 …).
 *
 * - doc_line_id is the stock-document line that last moved the code (the receiving line that tied it, then a
 *   purchase-return or change line that took it out). Choice: the schema keeps one link per code, and the document
 *   a code left with is what a return dispute or a recall asks for; where a code came from stays known through
 *   its batch (the batch's receiving lines). Every document line's codes are also in its audit record.
 * - 拆零: a box whose pieces are sold is `opened` (the box is still on the shelf); the official rule for split
 *   boxes was not found (trace-codes.ts in app/shared has the counter's reading).
 * - Codes the counter scans that were never received here (stock from before the system, 无码库 goods given a
 *   code later) are not added at sale: the registry holds what came in through a document.
 */

export type TraceState = 'in_stock' | 'sold' | 'opened' | 'out';

export const TRACE_STATE_LABELS: Readonly<Record<TraceState, string>> = {
  in_stock: '在库',
  sold: '已售出',
  opened: '已拆零',
  out: '已出库',
};

export interface TraceCodeRow {
  id: number;
  key: string;
  code: string;
  product_id: number;
  batch_id: number;
  state: TraceState;
  doc_line_id: number | null;
  sale_line_id: number | null;
  batch_no: string;
  product_name: string;
}

export function createTraceRegistry(db: Db) {
  const s = {
    byKey: db.prepare(
      `SELECT t.id, t.key, t.code, t.product_id, t.batch_id, t.state, t.doc_line_id, t.sale_line_id, b.batch_no,
         p.generic_name AS product_name
       FROM trace_codes t JOIN stock_batches b ON b.id = t.batch_id JOIN products p ON p.id = t.product_id
       WHERE t.key = ?`,
    ) as Statement<[string], TraceCodeRow>,
    insert: db.prepare(
      `INSERT INTO trace_codes (key, code, product_id, batch_id, state, doc_line_id, created_at, updated_at)
       VALUES (@key, @code, @productId, @batchId, @state, @docLineId, @now, @now)`,
    ),
    move: db.prepare(
      `UPDATE trace_codes SET state = @state, product_id = @productId, batch_id = @batchId, doc_line_id = @docLineId,
         sale_line_id = NULL, updated_at = @now WHERE key = @key`,
    ),
    onShelf: db
      .prepare("SELECT code FROM trace_codes WHERE batch_id = ? AND state IN ('in_stock', 'opened') ORDER BY id")
      .pluck() as Statement<[number], string>,
    ofDocLines: db.prepare(
      `SELECT doc_line_id, code FROM trace_codes
        WHERE doc_line_id IN (SELECT id FROM stock_doc_lines WHERE doc_id = ?) ORDER BY id`,
    ) as Statement<[number], { doc_line_id: number; code: string }>,
    // a sale being booked: each of its codes is sold (whole box) or opened (拆零) by its line
    release: db.prepare(
      `UPDATE trace_codes SET state = CASE WHEN t.split = 1 THEN 'opened' ELSE 'sold' END, sale_line_id = t.line_id,
         updated_at = @now
       FROM (SELECT key, line_id, split FROM sale_trace_codes WHERE sale_id = @saleId) AS t
       WHERE trace_codes.key = t.key`,
    ),
    // codes whose last sale was one of the returned lines
    soldBy: db.prepare(
      `SELECT tc.key, c.line_id FROM sale_trace_codes c JOIN trace_codes tc ON tc.key = c.key AND tc.sale_line_id = c.line_id
        WHERE c.line_id = ?`,
    ) as Statement<[number], { key: string; line_id: number }>,
    // another sale still holding pieces of the same box (a sale line that is booked and not returned)
    otherUse: db
      .prepare(
        `SELECT c.line_id FROM sale_trace_codes c JOIN sales s ON s.id = c.sale_id
          WHERE c.key = ? AND c.line_id != ? AND s.kind = 'sale' AND s.state IN ('settled', 'completed')
            AND NOT EXISTS (SELECT 1 FROM stock_ledger g WHERE g.ref_type = 'return_line' AND g.ref_id = c.line_id)
            AND NOT EXISTS (SELECT 1 FROM upload_outbox o
                             WHERE o.infno = '3506' AND o.ref_type = 'return_line' AND o.ref_id = c.line_id)
          ORDER BY c.line_id DESC LIMIT 1`,
      )
      .pluck() as Statement<[string, number], number>,
    backOnShelf: db.prepare(
      'UPDATE trace_codes SET state = @state, sale_line_id = @saleLineId, updated_at = @now WHERE key = @key',
    ),
    batchNo: db.prepare('SELECT batch_no FROM stock_batches WHERE id = ?').pluck() as Statement<[number], string>,
  };

  return {
    get: (key: string): TraceCodeRow | undefined => s.byKey.get(key),

    /** Ties a code to a batch (state in_stock). A code that had left (`out`) may come back in. */
    tie(a: { key: string; code: string; productId: number; batchId: number; docLineId: number; now: number }): void {
      const known = s.byKey.get(a.key);
      if (known && known.state !== 'out') throw new Error(`trace code ${a.key} is already held (${known.state})`);
      const row = { ...a, state: 'in_stock' };
      if (known) s.move.run(row);
      else s.insert.run(row);
    },

    /** A code leaves with a purchase return or a stock change; an unknown code is recorded as gone. */
    markOut(a: {
      key: string;
      code: string;
      productId: number;
      batchId: number;
      docLineId: number;
      now: number;
    }): void {
      const row = { ...a, state: 'out' };
      if (s.byKey.get(a.key)) s.move.run(row);
      else s.insert.run(row);
    },

    /** Codes of a batch still on the shelf (in stock, or an opened box). */
    onShelf: (batchId: number): string[] => s.onShelf.all(batchId),

    /** Codes each line of a document last moved, by line id. */
    ofDoc(docId: number): Map<number, string[]> {
      const out = new Map<number, string[]>();
      for (const r of s.ofDocLines.all(docId)) {
        const list = out.get(r.doc_line_id);
        if (list) list.push(r.code);
        else out.set(r.doc_line_id, [r.code]);
      }
      return out;
    },

    /** A sale is booked (stock taken): its known codes are sold, or opened for a split line. */
    releaseForSale(saleId: number, now: number): void {
      s.release.run({ saleId, now });
    },

    /**
     * Lines of a sale are returned (their stock is back): their codes are on the shelf again — unless another
     * booked sale still holds pieces of the same box, which keeps it opened.
     */
    restoreForReturn(lineIds: readonly number[], now: number): void {
      for (const lineId of lineIds) {
        for (const r of s.soldBy.all(lineId)) {
          const other = s.otherUse.get(r.key, lineId);
          s.backOnShelf.run({
            key: r.key,
            state: other === undefined ? 'in_stock' : 'opened',
            saleLineId: other ?? null,
            now,
          });
        }
      }
    },

    /**
     * What the cashier is told (never a refusal: stock received before the system had no codes) when a scanned
     * code does not fit what the registry knows of it.
     */
    counterWarnings(key: string, productId: number, batchId: number | null): string[] {
      const r = s.byKey.get(key);
      if (!r) return ['追溯码未在入库时登记'];
      if (r.product_id !== productId) return [`该追溯码入库时属于其他商品（${r.product_name}，批号 ${r.batch_no}）`];
      if (batchId !== null && r.batch_id !== batchId) {
        const here = s.batchNo.get(batchId);
        return [`该追溯码入库时属于批号 ${r.batch_no}${here ? `，本行批号为 ${here}` : ''}`];
      }
      if (r.state === 'sold') return ['该追溯码在库存中已是售出状态，请核对'];
      if (r.state === 'out') return ['该追溯码已随退货或库存变动出库，请核对'];
      return [];
    },
  };
}

export type TraceRegistry = ReturnType<typeof createTraceRegistry>;
