import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';
import {
  CHANGE_REASONS,
  DOC_KIND_LABELS,
  type ChangeReason,
  type DocLineView,
  type DocSummary,
  type DocView,
  type StockDocKind,
  type StockDocState,
} from '../shared/inventory';
import { AppError } from '../shared/errors';
import { CHANGE_TYPES } from './change-types';
import type { InventoryUploadRecord } from './payloads';
import type { TraceRegistry } from './trace-registry';

/** Rows and statements of the stock-document tables (migrations 0005, 0006), and the views built from them. */

export interface DocRow {
  id: number;
  kind: StockDocKind;
  doc_no: string;
  state: StockDocState;
  chg_type: string | null;
  correction: number;
  supplier: string | null;
  supplier_license: string | null;
  delivery_no: string | null;
  invoice_code: string | null;
  invoice_no: string | null;
  orig_doc_id: number | null;
  invdate: string | null;
  scope: string | null;
  reason: string | null;
  change_reason: string | null;
  operator_id: number;
  approved_by: number | null;
  created_at: number;
  updated_at: number;
  posted_at: number | null;
}

export interface DocLineRow {
  id: number;
  doc_id: number;
  product_id: number;
  batch_id: number | null;
  batch_no: string;
  mfg_date: string | null;
  expiry_date: string | null;
  qty_base: number | null;
  book_qty_base: number | null;
  price_fen: number | null;
  gift: number;
  counted_by: number | null;
  counted_at: number | null;
  created_at: number;
}

export interface BatchRecord {
  id: number;
  product_id: number;
  batch_no: string;
  mfg_date: string | null;
  expiry_date: string;
  supplier: string | null;
  purchase_price_fen: number | null;
  qty_base: number;
  locked: number;
}

/** The outbox rows a document kind writes, for the upload counts of its view. */
const UPLOAD_REFS: Readonly<Record<StockDocKind, { infnos: string[]; refTypes: string[] }>> = {
  receiving: { infnos: ['3503'], refTypes: ['receiving_line'] },
  purchase_return: { infnos: ['3504'], refTypes: ['purchase_return_line'] },
  change: { infnos: ['3502'], refTypes: ['change_line'] },
  stocktake: { infnos: ['3501', '3502'], refTypes: ['stocktake_count', 'stocktake_diff'] },
};

export function fail(message: string, code: 'INVALID_INPUT' | 'CONFLICT' | 'NOT_FOUND' | 'FORBIDDEN'): never {
  throw new AppError(code, message);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function createDocStore(db: Db, traces: TraceRegistry) {
  const s = {
    insertDoc: db.prepare(
      `INSERT INTO stock_docs (kind, doc_no, state, chg_type, correction, change_reason, supplier, supplier_license,
         delivery_no, invoice_code, invoice_no, orig_doc_id, invdate, scope, reason, operator_id, created_at,
         updated_at, posted_at)
       VALUES (@kind, @docNo, @state, @chgType, @correction, @changeReason, @supplier, @supplierLicense, @deliveryNo,
         @invoiceCode, @invoiceNo, @origDocId, @invdate, @scope, @reason, @operatorId, @now, @now, @postedAt)`,
    ),
    doc: db.prepare('SELECT * FROM stock_docs WHERE id = ?') as Statement<[number], DocRow>,
    setState: db.prepare(
      `UPDATE stock_docs SET state = @state, approved_by = coalesce(@approvedBy, approved_by),
         posted_at = coalesce(@postedAt, posted_at), updated_at = @now WHERE id = @id`,
    ),
    touchDoc: db.prepare('UPDATE stock_docs SET updated_at = ? WHERE id = ?'),
    insertLine: db.prepare(
      `INSERT INTO stock_doc_lines (doc_id, product_id, batch_id, batch_no, mfg_date, expiry_date, qty_base,
         book_qty_base, price_fen, gift, created_at)
       VALUES (@docId, @productId, @batchId, @batchNo, @mfgDate, @expiryDate, @qtyBase, @bookQtyBase, @priceFen,
         @gift, @now)`,
    ),
    line: db.prepare('SELECT * FROM stock_doc_lines WHERE id = ? AND doc_id = ?') as Statement<
      [number, number],
      DocLineRow
    >,
    lines: db.prepare('SELECT * FROM stock_doc_lines WHERE doc_id = ? ORDER BY id') as Statement<[number], DocLineRow>,
    count: db.prepare(
      `UPDATE stock_doc_lines SET qty_base = @counted, book_qty_base = @book, counted_by = @operatorId,
         counted_at = @now WHERE id = @id`,
    ),
    batch: db.prepare('SELECT * FROM stock_batches WHERE id = ?') as Statement<[number], BatchRecord>,
    batchOf: db.prepare('SELECT * FROM stock_batches WHERE product_id = ? AND batch_no = ?') as Statement<
      [number, string],
      BatchRecord
    >,
    insertBatch: db
      .prepare(
        `INSERT INTO stock_batches (product_id, batch_no, mfg_date, expiry_date, supplier, purchase_price_fen, qty_base,
           created_at, updated_at)
         VALUES (@productId, @batchNo, @mfgDate, @expiryDate, @supplier, @priceFen, 0, @now, @now) RETURNING id`,
      )
      .pluck() as Statement<Record<string, unknown>, number>,
    // a known batch delivered again: what it lacked is filled in, nothing it had is overwritten (its price is the
    // first delivery's — one price per batch, the schema's choice)
    fillBatch: db.prepare(
      `UPDATE stock_batches SET mfg_date = coalesce(mfg_date, @mfgDate), supplier = coalesce(supplier, @supplier),
         purchase_price_fen = coalesce(purchase_price_fen, @priceFen) WHERE id = @id`,
    ),
    outbox: db.prepare(
      `INSERT INTO upload_outbox (infno, ref_type, ref_id, payload, next_attempt_at, created_at, updated_at)
       VALUES (@infno, @refType, @refId, @payload, @now, @now, @now) ON CONFLICT (infno, ref_type, ref_id) DO NOTHING`,
    ),
    operatorName: db.prepare('SELECT display_name FROM operators WHERE id = ?').pluck() as Statement<[number], string>,
    operatorRoles: db.prepare('SELECT roles FROM operators WHERE id = ? AND active = 1').pluck() as Statement<
      [number],
      string
    >,
    viewLines: db.prepare(
      `SELECT l.*, p.code, p.generic_name, p.trade_name, p.spec, p.unit, p.split_unit, p.split_factor
         FROM stock_doc_lines l JOIN products p ON p.id = l.product_id WHERE l.doc_id = ? ORDER BY l.id`,
    ) as Statement<
      [number],
      DocLineRow & {
        code: string;
        generic_name: string;
        trade_name: string | null;
        spec: string | null;
        unit: string;
        split_unit: string | null;
        split_factor: number | null;
      }
    >,
    lineCounts: db.prepare(
      'SELECT count(*) AS n, count(qty_base) AS counted FROM stock_doc_lines WHERE doc_id = ?',
    ) as Statement<[number], { n: number; counted: number }>,
  };

  function uploadsOf(d: DocRow): DocView['uploads'] {
    const refs = UPLOAD_REFS[d.kind];
    const marks = (xs: string[]) => xs.map(() => '?').join(', ');
    const rows = db
      .prepare(
        `SELECT state, count(*) AS n FROM upload_outbox
          WHERE infno IN (${marks(refs.infnos)}) AND ref_type IN (${marks(refs.refTypes)})
            AND ref_id IN (SELECT id FROM stock_doc_lines WHERE doc_id = ?) GROUP BY state`,
      )
      .all(...refs.infnos, ...refs.refTypes, d.id) as { state: string; n: number }[];
    const n = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    return { pending: n('pending'), sent: n('sent'), refused: n('refused') };
  }

  function summaryOf(d: DocRow): Omit<DocView, 'lines'> {
    const reason =
      d.change_reason && (CHANGE_REASONS as readonly string[]).includes(d.change_reason)
        ? (d.change_reason as ChangeReason)
        : null;
    const counts = s.lineCounts.get(d.id)!;
    const uncounted = d.kind === 'stocktake' ? counts.n - counts.counted : 0;
    return {
      id: d.id,
      kind: d.kind,
      kindLabel: DOC_KIND_LABELS[d.kind],
      docNo: d.doc_no,
      state: d.state,
      reason,
      reasonLabel: reason ? CHANGE_TYPES[reason].label : null,
      chgType: d.chg_type,
      note: d.reason,
      supplier: d.supplier,
      supplierLicense: d.supplier_license,
      deliveryNo: d.delivery_no,
      invoiceCode: d.invoice_code,
      invoiceNo: d.invoice_no,
      invdate: d.invdate,
      scope: d.scope,
      operatorName: s.operatorName.get(d.operator_id) ?? '',
      approvedByName: d.approved_by === null ? null : (s.operatorName.get(d.approved_by) ?? null),
      createdAt: iso(d.created_at)!,
      postedAt: iso(d.posted_at),
      uploads: uploadsOf(d),
      notice:
        uncounted > 0
          ? d.state === 'posted'
            ? `${uncounted} 行未盘点，审批时未计入（未调整库存，未上报盘存）`
            : `${uncounted} 行尚未盘点：审批时未盘点的行不计入（不调整库存，不上报盘存）`
          : null,
    };
  }

  function docRow(id: number): DocRow {
    const d = s.doc.get(id);
    if (!d) fail('找不到该单据', 'NOT_FOUND');
    return d;
  }

  return {
    ...s,
    docRow,

    view(id: number): DocView {
      const d = docRow(id);
      const codes = traces.ofDoc(id);
      const lines: DocLineView[] = s.viewLines.all(id).map((l) => ({
        id: l.id,
        productId: l.product_id,
        productCode: l.code,
        productName: l.trade_name ? `${l.generic_name}（${l.trade_name}）` : l.generic_name,
        spec: l.spec,
        unit: l.unit,
        splitUnit: l.split_unit,
        splitFactor: l.split_factor,
        batchId: l.batch_id,
        batchNo: l.batch_no,
        mfgDate: l.mfg_date,
        expiryDate: l.expiry_date,
        qtyBase: l.qty_base,
        bookQtyBase: l.book_qty_base,
        priceFen: l.price_fen,
        gift: l.gift === 1,
        traceCodes: codes.get(l.id) ?? [],
      }));
      return { ...summaryOf(d), lines };
    },

    list(q: { kind?: StockDocKind; state?: StockDocState; offset: number; limit: number }): {
      rows: DocSummary[];
      total: number;
    } {
      const where: string[] = [];
      const args: Record<string, unknown> = { offset: q.offset, limit: q.limit };
      if (q.kind) {
        where.push('kind = @kind');
        args.kind = q.kind;
      }
      if (q.state) {
        where.push('state = @state');
        args.state = q.state;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = db.prepare(`SELECT count(*) FROM stock_docs ${clause}`).pluck().get(args) as number;
      const rows = db
        .prepare(`SELECT * FROM stock_docs ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
        .all(args) as DocRow[];
      return {
        total,
        rows: rows.map((d) => ({ ...summaryOf(d), lineCount: s.lineCounts.get(d.id)!.n })),
      };
    },

    /** Queues the records a line produced (none for goods without a national code). */
    queue(records: readonly (InventoryUploadRecord | null)[], now: number): void {
      for (const r of records) {
        if (!r) continue;
        s.outbox.run({ infno: r.infno, refType: r.refType, refId: r.refId, payload: JSON.stringify(r.payload), now });
      }
    },
  };
}

export type DocStore = ReturnType<typeof createDocStore>;
