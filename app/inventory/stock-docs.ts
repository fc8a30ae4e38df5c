import type { Statement } from 'better-sqlite3';
import type { AuditLog } from '../auth/audit';
import type { Logger } from '../core/logger';
import { createStock, type Stock } from '../counter/stock';
import type { Db } from '../db/connection';
import { beijingDate } from '../nhsa/beijing-time';
import type { SettingsService } from '../settings/settings-service';
import type { TraceCodeOptions } from '../shared/codes';
import type { DocView, StockDocKind, StockDocState } from '../shared/inventory';
import type { Role } from '../shared/roles';
import { type Problems, type UnitFacts } from './doc-checks';
import { createDocNumbers, type DocNumbers } from './doc-numbers';
import { createDocStore, type BatchRecord, type DocStore } from './doc-store';
import { createUploadFacts, type ProductFacts, type UploadFacts } from './payloads';
import { createPurchases } from './purchases';
import { createStockChanges } from './stock-change';
import { createStocktakes } from './stocktake';
import { createTraceRegistry, type TraceRegistry } from './trace-registry';

/**
 * Stock documents (进销存单据): 采购入库, 采购退货, 库存变动 and 盘点 (stocktake.ts). A document is posted in ONE
 * transaction with everything it causes — its lines, the batches' quantities with a stock_ledger row per line
 * (ref_type 'stock_doc_line'), the trace codes, one upload_outbox row per line for the center (3501–3504, built by
 * payloads.ts; none for goods without a national code) and its audit record — so a failure leaves nothing
 * half-written. Quantities are base units (migration 0004); receiving and returns are typed in whole packages.
 * Posting transactions are IMMEDIATE: they read (stock, the day's document counter) then write, and a deferred
 * one would fail with SQLITE_BUSY when another process on the file (the CLI, a second till) wrote in between.
 */

export interface StockDocsDeps {
  db: Db;
  log: Logger;
  now: () => number;
  settings: SettingsService;
  audit: AuditLog;
}

export interface ProductRow extends UnitFacts {
  id: number;
  name: string;
  active: number;
}

export interface NewDoc {
  kind: StockDocKind;
  docNo: string;
  state: StockDocState;
  operatorId: number;
  at: number;
  posted: boolean;
  chgType?: string | null;
  correction?: boolean;
  changeReason?: string | null;
  supplier?: string | null;
  supplierLicense?: string | null;
  deliveryNo?: string | null;
  invoiceCode?: string | null;
  invoiceNo?: string | null;
  origDocId?: number | null;
  invdate?: string | null;
  scope?: string | null;
  note?: string | null;
}

export interface NewBatch {
  productId: number;
  batchNo: string;
  mfgDate: string;
  expiryDate: string;
  supplier: string | null;
  priceFen: number | null;
}

/** What the document kinds share (purchases.ts, stock-change.ts, stocktake.ts). */
export interface DocsContext {
  db: Db;
  log: Logger;
  now: () => number;
  today: () => string;
  audit: AuditLog;
  store: DocStore;
  stock: Stock;
  facts: UploadFacts;
  traces: TraceRegistry;
  numbers: DocNumbers;
  product(id: number): ProductRow | undefined;
  productFacts(id: number): ProductFacts;
  /** the operator's roles (active operators only) */
  rolesOf(operatorId: number): Role[];
  /** writes the audit row (inside the posting transaction: it stands or falls with the document) */
  record(operatorId: number, action: string, detail: Record<string, unknown>, outcome?: 'ok' | 'denied'): void;
  traceOptions(): TraceCodeOptions;
  /** inserts a stock_docs row; returns its id */
  newDoc(a: NewDoc): number;
  /** a line's product, or a problem (第N行：找不到该商品) when it does not exist */
  lineProduct(problems: Problems, i: number, productId: number): ProductRow | null;
  /** 第2行 阿莫西林胶囊 批号 B123 — how every message names a line */
  label(i: number, p: ProductRow, batchNo: string): string;
  /** a product reported with 3503 needs its maker and approval number (both required there) */
  checkPurchaseFacts(problems: Problems, i: number, lbl: string, productId: number): void;
  /** an incoming lot: the known batch (a different expiry is a problem) or null for a new one */
  knownBatch(
    problems: Problems,
    path: string,
    lbl: string,
    productId: number,
    batchNo: string,
    expiry: string,
  ): BatchRecord | null;
  /** the batch a line books into: the known one (what it lacked filled in) or a new one at 0 */
  batchFor(existing: BatchRecord | null, a: NewBatch, at: number): number;
}

export function createStockDocs(deps: StockDocsDeps) {
  const { db, log, now, audit } = deps;
  const traces = createTraceRegistry(db);
  const store = createDocStore(db, traces);
  const stock = createStock(db);
  const facts = createUploadFacts(db);
  const numbers = createDocNumbers(db);
  const productOf = db.prepare(
    `SELECT id, generic_name AS name, unit, split_unit AS splitUnit, split_factor AS splitFactor, active
       FROM products WHERE id = ?`,
  ) as Statement<[number], ProductRow>;
  const usernameOf = db.prepare('SELECT username FROM operators WHERE id = ?').pluck() as Statement<[number], string>;

  const today = () => beijingDate(new Date(now()));
  const traceOptions = (): TraceCodeOptions => ({
    acceptGs1: deps.settings.current()['trace.accept_gs1'],
    acceptUnknownFormat: deps.settings.current()['trace.accept_unknown_format'],
  });

  const ctx: DocsContext = {
    db,
    log,
    now,
    today,
    audit,
    store,
    stock,
    facts,
    traces,
    numbers,
    product: (id) => productOf.get(id),
    productFacts: (id) => facts.product(id)!,
    rolesOf(operatorId) {
      const raw = store.operatorRoles.get(operatorId);
      return raw ? (JSON.parse(raw) as Role[]) : [];
    },
    record(operatorId, action, detail, outcome = 'ok') {
      audit.record({ operatorId, operatorName: usernameOf.get(operatorId) ?? null, action, outcome, detail });
    },
    traceOptions,

    newDoc(a) {
      return Number(
        store.insertDoc.run({
          kind: a.kind,
          docNo: a.docNo,
          state: a.state,
          chgType: a.chgType ?? null,
          correction: a.correction ? 1 : 0,
          changeReason: a.changeReason ?? null,
          supplier: a.supplier ?? null,
          supplierLicense: a.supplierLicense ?? null,
          deliveryNo: a.deliveryNo ?? null,
          invoiceCode: a.invoiceCode ?? null,
          invoiceNo: a.invoiceNo ?? null,
          origDocId: a.origDocId ?? null,
          invdate: a.invdate ?? null,
          scope: a.scope ?? null,
          reason: a.note ?? null,
          operatorId: a.operatorId,
          now: a.at,
          postedAt: a.posted ? a.at : null,
        }).lastInsertRowid,
      );
    },

    lineProduct(problems, i, productId) {
      const p = productOf.get(productId);
      if (!p) problems.add(`lines.${i}.productId`, `第${i + 1}行：找不到该商品`);
      return p ?? null;
    },

    label: (i, p, batchNo) => `第${i + 1}行 ${p.name} 批号 ${batchNo}`,

    checkPurchaseFacts(problems, i, lbl, productId) {
      const f = facts.product(productId)!;
      if (!f.natCode) return;
      const missing = [f.manufacturer ? null : '生产厂家', f.aprvno ? null : '批准文号'].filter(Boolean);
      if (missing.length) {
        problems.add(
          `lines.${i}.productId`,
          `${lbl}：商品资料缺少${missing.join('、')}（医保采购上报必填），请先在商品资料中补全`,
        );
      }
    },

    knownBatch(problems, path, lbl, productId, batchNo, expiry) {
      const b = store.batchOf.get(productId, batchNo);
      if (b && expiry && b.expiry_date !== expiry) {
        problems.add(
          `${path}.expiryDate`,
          `${lbl}：该批号已在库，有效期为 ${b.expiry_date}，与本次填写的 ${expiry} 不一致`,
        );
      }
      return b ?? null;
    },

    batchFor(existing, a, at) {
      if (existing) {
        store.fillBatch.run({ id: existing.id, mfgDate: a.mfgDate, supplier: a.supplier, priceFen: a.priceFen });
        return existing.id;
      }
      return store.insertBatch.get({ ...a, now: at })!;
    },
  };

  return {
    ...createPurchases(ctx),
    ...createStockChanges(ctx),
    ...createStocktakes(ctx),
    docs: (q: { kind?: StockDocKind; state?: StockDocState; offset?: number; limit?: number }) =>
      store.list({ kind: q.kind, state: q.state, offset: q.offset ?? 0, limit: q.limit ?? 50 }),
    doc: (id: number): DocView => store.view(id),
    /** the registry the counter's hooks use (the same rules, one place) */
    traces,
  };
}

export type StockDocs = ReturnType<typeof createStockDocs>;
