import type { Statement } from 'better-sqlite3';
import type { AuditLog } from '../auth/audit';
import { monthsUntil } from '../counter/stock';
import type { Db } from '../db/connection';
import { beijingDate } from '../nhsa/beijing-time';
import type { SettingsService } from '../settings/settings-service';
import {
  batchQuerySchema,
  type BatchQuery,
  type BatchStatus,
  type BatchView,
  type LedgerRowView,
  type SplitRecordView,
  type StockCharts,
} from '../shared/inventory';
import { LEDGER_CAUSE_LABELS } from './change-types';
import { isRealDate, parseInput } from './doc-checks';
import { fail } from './doc-store';

/**
 * Stock by batch for the 库存 screens: the list with GSP statuses (近效期, 过期, 锁定), a batch's ledger, locking,
 * the value charts and the 拆零 record. Reads only, apart from the lock flag.
 *
 * Near expiry: monthsUntil(today, expiry) < months — the counter's rule (app/counter/stock.ts). In SQL that is
 * `expiry_date < bound` with bound = today moved `months` months on, keeping its day even where the month is
 * shorter ("2027-02-31"): the strings compare exactly as monthsUntil counts (see nearBound).
 */

export interface StockQueryDeps {
  db: Db;
  settings: SettingsService;
  now: () => number;
  /** setLocked is audited */
  audit: AuditLog;
}

interface BatchJoinRow {
  id: number;
  product_id: number;
  code: string;
  generic_name: string;
  trade_name: string | null;
  spec: string | null;
  manufacturer: string | null;
  category: string | null;
  unit: string;
  split_unit: string | null;
  split_factor: number | null;
  batch_no: string;
  mfg_date: string | null;
  expiry_date: string;
  supplier: string | null;
  purchase_price_fen: number | null;
  qty_base: number;
  locked: number;
  codes: number;
}

/**
 * The page is read as arrays (better-sqlite3's raw mode): building a 19-key object per row in the driver cost
 * about as much as the query itself; a literal built here is cheap. The order is SELECT_BATCH's.
 */
function fromRaw(a: unknown[]): BatchJoinRow {
  return {
    id: a[0] as number,
    product_id: a[1] as number,
    code: a[2] as string,
    generic_name: a[3] as string,
    trade_name: a[4] as string | null,
    spec: a[5] as string | null,
    manufacturer: a[6] as string | null,
    category: a[7] as string | null,
    unit: a[8] as string,
    split_unit: a[9] as string | null,
    split_factor: a[10] as number | null,
    batch_no: a[11] as string,
    mfg_date: a[12] as string | null,
    expiry_date: a[13] as string,
    supplier: a[14] as string | null,
    purchase_price_fen: a[15] as number | null,
    qty_base: a[16] as number,
    locked: a[17] as number,
    codes: a[18] as number,
  };
}

/** today + months, same day (possibly past the month's end: it is only compared as a string). */
export function nearBound(today: string, months: number): string {
  const [y, m, d] = today.split('-') as [string, string, string];
  const total = Number(y) * 12 + (Number(m) - 1) + months;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}-${d}`;
}

const SELECT_BATCH = `SELECT b.id, b.product_id, p.code, p.generic_name, p.trade_name, p.spec, p.manufacturer,
    p.category, p.unit, p.split_unit, p.split_factor, b.batch_no, b.mfg_date, b.expiry_date, b.supplier,
    b.purchase_price_fen, b.qty_base, b.locked,
    (SELECT count(*) FROM trace_codes t WHERE t.batch_id = b.id AND t.state IN ('in_stock', 'opened')) AS codes
  FROM stock_batches b JOIN products p ON p.id = b.product_id`;

/** The value of a batch at purchase price: the price is per package, the quantity in base units. */
export const batchValueFen = (qtyBase: number, priceFen: number | null, splitFactor: number | null): number =>
  priceFen === null ? 0 : Math.round((qtyBase * priceFen) / (splitFactor ?? 1));

const HORIZONS = ['已过期', '≤1 月', '1–3 月', '3–6 月', '6–12 月', '>12 月'] as const;

function horizonOf(today: string, expiry: string): (typeof HORIZONS)[number] {
  if (expiry < today) return '已过期';
  const m = monthsUntil(today, expiry);
  if (m < 1) return '≤1 月';
  if (m < 3) return '1–3 月';
  if (m < 6) return '3–6 月';
  if (m < 12) return '6–12 月';
  return '>12 月';
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Product text for the list's search, held in memory: matching a fragment against ten thousand names in SQL
 * (LIKE '%…%' on four columns) costs several milliseconds; here it is a string scan, reloaded only when
 * product_index_clock.products_rev says the products changed (a trigger moves it on every write, from any
 * process). The matching batches are then found through the product index.
 */
function createProductText(db: Db) {
  const rev = db.prepare('SELECT products_rev FROM product_index_clock WHERE id = 1').pluck() as Statement<[], number>;
  const all = db.prepare(
    "SELECT id, code || char(1) || generic_name || char(1) || coalesce(trade_name, '') || char(1) || pinyin_initials AS text FROM products",
  ) as Statement<[], { id: number; text: string }>;
  let held: { rev: number; ids: number[]; texts: string[] } | null = null;
  /** The ids of the products containing the fragment, and how many products there are. */
  return (fragment: string): { ids: number[]; of: number } => {
    const now = rev.get() ?? 0;
    if (!held || held.rev !== now) {
      const rows = all.all();
      held = { rev: now, ids: rows.map((r) => r.id), texts: rows.map((r) => r.text.toLowerCase()) };
    }
    const needle = fragment.toLowerCase();
    const ids: number[] = [];
    for (let i = 0; i < held.texts.length; i++) if (held.texts[i]!.includes(needle)) ids.push(held.ids[i]!);
    return { ids, of: held.ids.length };
  };
}

export function createStockQuery(deps: StockQueryDeps) {
  const { db } = deps;
  const productsMatching = createProductText(db);
  const today = () => beijingDate(new Date(deps.now()));
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const one = db.prepare(`${SELECT_BATCH} WHERE b.id = ?`) as Statement<[number], BatchJoinRow>;
  // A list's total is counted once per change of the stock (stock_version moves with every batch change, migration
  // 0006): paging through a list, or coming back to it, does not count tens of thousands of batches again.
  const stockVersion = db.prepare('SELECT n FROM stock_version WHERE id = 1').pluck() as Statement<[], number>;
  const inStock = db.prepare('SELECT in_stock FROM stock_version WHERE id = 1').pluck() as Statement<[], number>;
  const IN_STOCK_ONLY = 'WHERE b.qty_base > 0';
  const totals = new Map<string, { version: number; total: number }>();
  function countOf(where: string, args: Record<string, unknown>): number {
    // the default list (everything in stock): its total is kept by the triggers
    if (where === IN_STOCK_ONLY) return inStock.get()!;
    const sql = `SELECT count(*) FROM stock_batches b ${where}`;
    const { limit: _limit, offset: _offset, ...filter } = args;
    const key = `${sql}|${JSON.stringify(filter)}`;
    const version = stockVersion.get()!;
    const hit = totals.get(key);
    if (hit && hit.version === version) return hit.total;
    const total = prepared(sql).pluck().get(args) as number;
    if (totals.size >= 64) totals.delete(totals.keys().next().value!);
    totals.set(key, { version, total });
    return total;
  }
  const batchPrefix = db
    .prepare("SELECT 1 FROM stock_batches WHERE batch_no LIKE ? ESCAPE '\\' LIMIT 1")
    .pluck() as Statement<[string], number>;
  const setLock = db.prepare('UPDATE stock_batches SET locked = ?, updated_at = ? WHERE id = ?');
  const ledgerRows = db.prepare(
    `SELECT g.id, g.at, g.delta_base, g.cause, g.ref_type, g.ref_id, o.display_name AS operator_name,
       CASE g.ref_type
         WHEN 'stock_doc_line' THEN (SELECT d.doc_no FROM stock_doc_lines l JOIN stock_docs d ON d.id = l.doc_id
                                      WHERE l.id = g.ref_id)
         WHEN 'sale' THEN (SELECT receipt_no FROM sales WHERE id = g.ref_id)
         WHEN 'refund' THEN (SELECT o2.receipt_no FROM sales r JOIN sales o2 ON o2.id = r.orig_sale_id
                              WHERE r.id = g.ref_id)
         WHEN 'return_line' THEN (SELECT s.receipt_no FROM sale_lines l JOIN sales s ON s.id = l.sale_id
                                   WHERE l.id = g.ref_id)
       END AS doc_no
     FROM stock_ledger g LEFT JOIN operators o ON o.id = g.operator_id
     WHERE g.batch_id = ? ORDER BY g.at, g.id`,
  ) as Statement<
    [number],
    {
      id: number;
      at: number;
      delta_base: number;
      cause: string;
      ref_type: string;
      ref_id: number;
      operator_name: string | null;
      doc_no: string | null;
    }
  >;
  const chartRows = db.prepare(
    `SELECT coalesce(nullif(trim(p.category), ''), '未分类') AS category, p.split_factor, b.expiry_date,
       b.purchase_price_fen, b.qty_base
     FROM stock_batches b JOIN products p ON p.id = b.product_id WHERE b.qty_base > 0`,
  ) as Statement<
    [],
    {
      category: string;
      split_factor: number | null;
      expiry_date: string;
      purchase_price_fen: number | null;
      qty_base: number;
    }
  >;
  const splitRows = db.prepare(
    `SELECT s.id AS sale_id, s.receipt_no, s.completed_at, p.generic_name, p.trade_name, b.batch_no, l.qty, l.unit,
       l.amount_fen, o.display_name AS operator_name
     FROM sales s JOIN sale_lines l ON l.sale_id = s.id JOIN products p ON p.id = l.product_id
       LEFT JOIN stock_batches b ON b.id = l.batch_id JOIN operators o ON o.id = s.operator_id
     WHERE s.completed_at >= ? AND s.completed_at < ? AND s.kind = 'sale' AND s.state IN ('completed', 'refunded')
       AND l.split = 1
     ORDER BY s.completed_at, l.id`,
  ) as Statement<
    [number, number],
    {
      sale_id: number;
      receipt_no: string | null;
      completed_at: number;
      generic_name: string;
      trade_name: string | null;
      batch_no: string | null;
      qty: number;
      unit: string;
      amount_fen: number;
      operator_name: string;
    }
  >;

  function view(r: BatchJoinRow, day: string, months: number): BatchView {
    const monthsLeft = monthsUntil(day, r.expiry_date);
    const status: BatchStatus =
      r.qty_base === 0
        ? 'empty'
        : r.expiry_date < day
          ? 'expired'
          : r.locked === 1
            ? 'locked'
            : monthsLeft < months
              ? 'near_expiry'
              : 'ok';
    return {
      id: r.id,
      productId: r.product_id,
      productCode: r.code,
      productName: r.trade_name ? `${r.generic_name}（${r.trade_name}）` : r.generic_name,
      spec: r.spec,
      manufacturer: r.manufacturer,
      category: r.category,
      unit: r.unit,
      splitUnit: r.split_unit,
      splitFactor: r.split_factor,
      batchNo: r.batch_no,
      mfgDate: r.mfg_date,
      expiryDate: r.expiry_date,
      supplier: r.supplier,
      purchasePriceFen: r.purchase_price_fen,
      qtyBase: r.qty_base,
      monthsLeft,
      status,
      locked: r.locked === 1,
      traceCodesInStock: r.codes,
    };
  }

  function batchById(id: number): BatchView {
    const r = one.get(id);
    if (!r) fail('找不到该批次', 'NOT_FOUND');
    return view(r, today(), deps.settings.current()['gsp.near_expiry_months']);
  }

  return {
    /**
     * Batches by status, text and sort, a page at a time with the total. Text matches the product code, generic
     * or trade name, pinyin initials (substring) or the batch number (prefix).
     */
    batches(query: BatchQuery): { rows: BatchView[]; total: number; months: number } {
      const q = parseInput(batchQuerySchema, query);
      const day = today();
      const months = q.months ?? deps.settings.current()['gsp.near_expiry_months'];
      const where: string[] = [];
      const args: Record<string, unknown> = { limit: q.limit, offset: q.offset };
      switch (q.status) {
        case 'in_stock':
          where.push('b.qty_base > 0');
          break;
        case 'near_expiry':
          where.push('b.qty_base > 0', 'b.expiry_date >= @today', 'b.expiry_date < @bound');
          args.today = day;
          args.bound = nearBound(day, months);
          break;
        case 'expired':
          where.push('b.qty_base > 0', 'b.expiry_date < @today');
          args.today = day;
          break;
        case 'locked':
          where.push('b.qty_base > 0', 'b.locked = 1');
          break;
        case 'all':
          break;
      }
      if (q.productId !== undefined) {
        where.push('b.product_id = @productId');
        args.productId = q.productId;
      }
      // text: the products whose code, names or pinyin initials contain it (matched in memory, see
      // createProductText), or the batch number by prefix (typed from a box) — each branch only when it matches
      // something, so the usual search runs on one index. `{P}` marks the product term (see `broad`).
      const text = q.text?.trim();
      let broad = false;
      if (text) {
        const products = productsMatching(text);
        args.ids = JSON.stringify(products.ids);
        args.prefix = `${escapeLike(text)}%`;
        const lot = batchPrefix.get(args.prefix as string) !== undefined;
        const terms = [
          ...(products.ids.length ? ['{P}b.product_id IN (SELECT value FROM json_each(@ids))'] : []),
          ...(lot ? ["b.batch_no LIKE @prefix ESCAPE '\\'"] : []),
        ];
        where.push(terms.length ? `(${terms.join(' OR ')})` : '0');
        // a text most products contain ('片'): the page walks the expiry order and stops at a page, rather than
        // collect and sort every batch of those products; the count still goes by product
        broad = products.ids.length * 20 > products.of;
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const pageClause = clause.replaceAll('{P}', broad && q.sort === 'expiry' ? '+' : '');
      const countClause = clause.replaceAll('{P}', '');
      const order = q.sort === 'product' ? 'p.code, b.expiry_date, b.id' : 'b.expiry_date, b.id';
      // the page's ids first (on the indexes alone: rows skipped by OFFSET are never read in full), then its rows
      const ids = `SELECT b.id FROM stock_batches b ${q.sort === 'product' ? 'JOIN products p ON p.id = b.product_id' : ''}
        ${pageClause} ORDER BY ${order} LIMIT @limit OFFSET @offset`;
      const page = prepared(`${SELECT_BATCH} WHERE b.id IN (${ids}) ORDER BY ${order}`);
      const rows = page.raw(true).all(args) as unknown[][];
      // a page that is not full ends the list: its total is known without counting. Otherwise count — the
      // conditions name batch columns only (text goes through a subquery), so the count needs no join and runs
      // on the covering index of 0006 for the status lists.
      const total =
        rows.length < q.limit && (rows.length > 0 || q.offset === 0)
          ? q.offset + rows.length
          : countOf(countClause, args);
      return { rows: rows.map((a) => view(fromRaw(a), day, months)), total, months };
    },

    batch: batchById,

    /** Every movement of a batch, oldest first, with the document or receipt it belongs to. */
    ledger(batchId: number): LedgerRowView[] {
      if (!one.get(batchId)) fail('找不到该批次', 'NOT_FOUND');
      return ledgerRows.all(batchId).map((g) => ({
        id: g.id,
        at: new Date(g.at).toISOString(),
        deltaBase: g.delta_base,
        causeLabel: LEDGER_CAUSE_LABELS[g.cause] ?? g.cause,
        cause: g.cause,
        refType: g.ref_type,
        refId: g.ref_id,
        docNo: g.doc_no,
        operatorName: g.operator_name,
      }));
    },

    /** Locks (quality hold, recall) or releases a batch; a locked batch is not sold (stock.ts sellable). */
    setLocked(batchId: number, locked: boolean, reason: string, operatorId: number): BatchView {
      const before = batchById(batchId);
      db.transaction(() => {
        setLock.run(locked ? 1 : 0, deps.now(), batchId);
        deps.audit.record({
          operatorId,
          operatorName: db.prepare('SELECT username FROM operators WHERE id = ?').pluck().get(operatorId) as string,
          action: locked ? 'stock.lock' : 'stock.unlock',
          detail: {
            batchId,
            productCode: before.productCode,
            batchNo: before.batchNo,
            before: before.locked,
            after: locked,
            reason,
          },
        });
      })();
      return batchById(batchId);
    },

    /** Stock value at purchase price by category and by how soon it expires. */
    charts(): StockCharts {
      const day = today();
      const byCategory = new Map<string, { valueFen: number; batches: number }>();
      const byHorizon = new Map<string, { valueFen: number; batches: number }>(
        HORIZONS.map((h) => [h, { valueFen: 0, batches: 0 }]),
      );
      let total = 0;
      for (const r of chartRows.all()) {
        const v = batchValueFen(r.qty_base, r.purchase_price_fen, r.split_factor);
        total += v;
        const c = byCategory.get(r.category) ?? { valueFen: 0, batches: 0 };
        c.valueFen += v;
        c.batches += 1;
        byCategory.set(r.category, c);
        const h = byHorizon.get(horizonOf(day, r.expiry_date))!;
        h.valueFen += v;
        h.batches += 1;
      }
      return {
        valueByCategory: [...byCategory]
          .map(([category, x]) => ({ category, ...x }))
          .sort((a, b) => b.valueFen - a.valueFen || a.category.localeCompare(b.category, 'zh')),
        expiryHorizon: HORIZONS.map((label) => ({ label, ...byHorizon.get(label)! })),
        totalValueFen: total,
      };
    },

    /**
     * 拆零 record (GSP): split sale lines of sales completed between two local dates (inclusive). A sale refunded
     * later stays in the record — the box was opened and dispensed.
     */
    splitRecords(from: string, to: string): SplitRecordView[] {
      if (!isRealDate(from) || !isRealDate(to)) fail('日期格式应为 YYYY-MM-DD', 'INVALID_INPUT');
      if (from > to) fail('开始日期不能晚于结束日期', 'INVALID_INPUT');
      const start = Date.parse(`${from}T00:00:00+08:00`);
      const end = Date.parse(`${to}T00:00:00+08:00`) + 24 * 60 * 60 * 1000;
      return splitRows.all(start, end).map((r) => ({
        saleId: r.sale_id,
        receiptNo: r.receipt_no,
        at: new Date(r.completed_at).toISOString(),
        productName: r.trade_name ? `${r.generic_name}（${r.trade_name}）` : r.generic_name,
        batchNo: r.batch_no,
        qty: r.qty,
        unit: r.unit,
        amountFen: r.amount_fen,
        operatorName: r.operator_name,
      }));
    },
  };
}

export type StockQuery = ReturnType<typeof createStockQuery>;
