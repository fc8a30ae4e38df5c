import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';
import type { SaleState } from '../shared/counter';

/** Rows and statements of the sales tables (migration 0004), in one place. */

export interface SaleRow {
  id: number;
  kind: 'sale' | 'refund';
  orig_sale_id: number | null;
  receipt_no: string | null;
  state: SaleState;
  operator_id: number;
  person: string | null;
  insutype: string | null;
  acct_used: number;
  total_fen: number;
  presettle: string | null;
  settle_msgid: string | null;
  setl_id: string | null;
  mdtrt_id: string | null;
  settlement: string | null;
  fund_fen: number;
  acct_fen: number;
  cash_due_fen: number;
  paid_fen: number;
  change_fen: number;
  notice: string | null;
  pharmacist_id: number | null;
  park_label: string | null;
  created_at: number;
  updated_at: number;
  settled_at: number | null;
  completed_at: number | null;
}

export interface LineRow {
  id: number;
  sale_id: number;
  product_id: number;
  batch_id: number | null;
  batch_override: number;
  split: number;
  qty: number;
  qty_base: number;
  unit: string;
  unit_price_fen: number;
  amount_fen: number;
  feedetl_sn: string;
  created_at: number;
}

export interface TraceRow {
  id: number;
  sale_id: number;
  line_id: number;
  code: string;
  key: string;
  split: number;
}

export function createSaleStore(db: Db) {
  const s = {
    sale: db.prepare('SELECT * FROM sales WHERE id = ?') as Statement<[number], SaleRow>,
    activeOf: db.prepare(
      `SELECT * FROM sales WHERE operator_id = ? AND kind = 'sale'
        AND state IN ('open', 'presettled', 'settling', 'reversing', 'settled') ORDER BY id DESC LIMIT 1`,
    ) as Statement<[number], SaleRow>,
    inState: db.prepare('SELECT * FROM sales WHERE state = ? ORDER BY id') as Statement<[string], SaleRow>,
    parked: db.prepare("SELECT * FROM sales WHERE state = 'parked' ORDER BY updated_at DESC") as Statement<[], SaleRow>,
    insert: db.prepare(
      `INSERT INTO sales (kind, orig_sale_id, state, operator_id, created_at, updated_at)
       VALUES (@kind, @origSaleId, 'open', @operatorId, @now, @now)`,
    ),
    lines: db.prepare('SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY id') as Statement<[number], LineRow>,
    line: db.prepare('SELECT * FROM sale_lines WHERE id = ? AND sale_id = ?') as Statement<[number, number], LineRow>,
    insertLine: db.prepare(
      `INSERT INTO sale_lines (sale_id, product_id, batch_id, batch_override, split, qty, qty_base, unit,
         unit_price_fen, amount_fen, feedetl_sn, created_at)
       VALUES (@saleId, @productId, @batchId, @batchOverride, @split, @qty, @qtyBase, @unit, @unitPriceFen,
         @amountFen, 'pending-' || lower(hex(randomblob(8))), @now)`,
    ),
    // 费用明细流水号 from the row id: unique across all sales, and short enough for the 30 characters
    numberLine: db.prepare("UPDATE sale_lines SET feedetl_sn = 'F' || printf('%010d', id) WHERE id = ?"),
    updateLine: db.prepare(
      `UPDATE sale_lines SET batch_id = @batchId, batch_override = @batchOverride, split = @split, unit = @unit,
         unit_price_fen = @unitPriceFen, qty = @qty, qty_base = @qtyBase, amount_fen = @amountFen WHERE id = @id`,
    ),
    deleteLine: db.prepare('DELETE FROM sale_lines WHERE id = ?'),
    traces: db.prepare('SELECT * FROM sale_trace_codes WHERE sale_id = ? ORDER BY id') as Statement<[number], TraceRow>,
    insertTrace: db.prepare(
      `INSERT INTO sale_trace_codes (sale_id, line_id, code, key, split, created_at)
       VALUES (@saleId, @lineId, @code, @key, @split, @now)`,
    ),
    deleteTrace: db.prepare('DELETE FROM sale_trace_codes WHERE id = ? AND sale_id = ?'),
    deleteTracesOfLine: db.prepare('DELETE FROM sale_trace_codes WHERE line_id = ?'),
    priorUses: db.prepare(
      `SELECT t.split, s.completed_at, s.settled_at, s.receipt_no, s.state FROM sale_trace_codes t
         JOIN sales s ON s.id = t.sale_id
        WHERE t.key = ? AND t.sale_id != ? AND s.kind = 'sale' AND s.state IN ('settled', 'completed', 'refunded')`,
    ) as Statement<
      [string, number],
      {
        split: number;
        completed_at: number | null;
        settled_at: number | null;
        receipt_no: string | null;
        state: string;
      }
    >,
    payments: db.prepare('SELECT method, amount_fen FROM sale_payments WHERE sale_id = ? ORDER BY id') as Statement<
      [number],
      { method: string; amount_fen: number }
    >,
    insertPayment: db.prepare(
      'INSERT INTO sale_payments (sale_id, method, amount_fen, at) VALUES (@saleId, @method, @amountFen, @now)',
    ),
    prescription: db.prepare(
      `SELECT p.rx_no, p.prescriber, p.institution, p.pharmacist_id, o.display_name AS pharmacist
         FROM sale_prescriptions p JOIN operators o ON o.id = p.pharmacist_id WHERE p.sale_id = ?`,
    ) as Statement<
      [number],
      { rx_no: string; prescriber: string; institution: string; pharmacist_id: number; pharmacist: string }
    >,
    upsertPrescription: db.prepare(
      `INSERT INTO sale_prescriptions (sale_id, rx_no, prescriber, institution, pharmacist_id, confirmed_at)
       VALUES (@saleId, @rxNo, @prescriber, @institution, @pharmacistId, @now)
       ON CONFLICT (sale_id) DO UPDATE SET rx_no = excluded.rx_no, prescriber = excluded.prescriber,
         institution = excluded.institution, pharmacist_id = excluded.pharmacist_id, confirmed_at = excluded.confirmed_at`,
    ),
    specialBuyer: db.prepare(
      'SELECT buyer_name, buyer_id_no, id_source FROM special_drug_sales WHERE sale_id = ?',
    ) as Statement<[number], { buyer_name: string; buyer_id_no: string; id_source: string }>,
    upsertSpecialBuyer: db.prepare(
      `INSERT INTO special_drug_sales (sale_id, buyer_name, buyer_id_no, id_source, created_at)
       VALUES (@saleId, @name, @idNo, @source, @now)
       ON CONFLICT (sale_id) DO UPDATE SET buyer_name = excluded.buyer_name, buyer_id_no = excluded.buyer_id_no,
         id_source = excluded.id_source`,
    ),
    nextReceipt: db
      .prepare(
        `INSERT INTO receipt_counters (day, last) VALUES (?, 1)
       ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last`,
      )
      .pluck() as Statement<[string], number>,
    outbox: db.prepare(
      `INSERT INTO upload_outbox (infno, ref_type, ref_id, payload, next_attempt_at, created_at, updated_at)
       VALUES (@infno, @refType, @refId, @payload, @now, @now, @now) ON CONFLICT (infno, ref_type, ref_id) DO NOTHING`,
    ),
  };

  const updates = new Map<string, Statement>();
  /** Sets the given columns of a sale (and updated_at); the column names are the code's, never the user's. */
  function update(id: number, now: number, fields: Partial<Omit<SaleRow, 'id' | 'updated_at'>>): void {
    const keys = Object.keys(fields).sort();
    const sig = keys.join(',');
    let stmt = updates.get(sig);
    if (!stmt) {
      stmt = db.prepare(
        `UPDATE sales SET ${[...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ')} WHERE id = @id`,
      );
      updates.set(sig, stmt);
    }
    stmt.run({ ...fields, updated_at: now, id });
  }

  /** A new line with its 费用明细流水号; returns its id. */
  function addLine(row: {
    saleId: number;
    productId: number;
    batchId: number | null;
    batchOverride: number;
    split: number;
    qty: number;
    qtyBase: number;
    unit: string;
    unitPriceFen: number;
    amountFen: number;
    now: number;
  }): number {
    const id = Number(s.insertLine.run(row).lastInsertRowid);
    s.numberLine.run(id);
    return id;
  }

  return { ...s, update, addLine };
}

export type SaleStore = ReturnType<typeof createSaleStore>;
