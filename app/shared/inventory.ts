import { z } from './z';

/**
 * What the inventory screens (库存, 上传, 对账) send and see. Built in the main process; schemas validate every
 * payload there. Quantities: `qtyBase` is in base units (the split unit when the product has one, else the
 * package); screens show them as packages + pieces with `formatQty` below.
 */

// ---- batches ---------------------------------------------------------------------------------------------

export type BatchStatus = 'ok' | 'near_expiry' | 'expired' | 'locked' | 'empty';

export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = {
  ok: '正常',
  near_expiry: '近效期',
  expired: '已过期（锁定）',
  locked: '已锁定',
  empty: '无库存',
};

export interface BatchView {
  id: number;
  productId: number;
  productCode: string;
  productName: string;
  spec: string | null;
  manufacturer: string | null;
  category: string | null;
  unit: string;
  splitUnit: string | null;
  splitFactor: number | null;
  batchNo: string;
  mfgDate: string | null;
  expiryDate: string;
  supplier: string | null;
  purchasePriceFen: number | null;
  qtyBase: number;
  /** whole months left until expiry (negative once expired) */
  monthsLeft: number;
  status: BatchStatus;
  locked: boolean;
  /** trace codes of this batch still on the shelf */
  traceCodesInStock: number;
}

export interface LedgerRowView {
  id: number;
  at: string;
  deltaBase: number;
  /** e.g. 销售, 采购入库, 报损 … */
  causeLabel: string;
  cause: string;
  refType: string;
  refId: number;
  /** the document number or receipt number the change belongs to, when there is one */
  docNo: string | null;
  operatorName: string | null;
}

export const batchQuerySchema = z
  .object({
    /** product code, name, pinyin initials or batch number */
    text: z.string().trim().max(64).optional(),
    productId: z.number().int().positive().optional(),
    status: z.enum(['all', 'in_stock', 'near_expiry', 'expired', 'locked']).default('in_stock'),
    /** near-expiry horizon; the setting gsp.near_expiry_months when absent */
    months: z.number().int().min(1).max(36).optional(),
    sort: z.enum(['expiry', 'product']).default('expiry'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type BatchQuery = z.input<typeof batchQuerySchema>;

export interface StockCharts {
  /** stock value at purchase price (batches without a price at 0) by product category */
  valueByCategory: { category: string; valueFen: number; batches: number }[];
  /** stock value by how soon it expires: 已过期, ≤1 月, 1–3 月, 3–6 月, 6–12 月, >12 月 */
  expiryHorizon: { label: string; valueFen: number; batches: number }[];
  totalValueFen: number;
}

export interface SplitRecordView {
  saleId: number;
  receiptNo: string | null;
  at: string;
  productName: string;
  batchNo: string | null;
  qty: number;
  unit: string;
  amountFen: number;
  operatorName: string;
}

// ---- documents (receiving, purchase return, stock change, stocktake) -------------------------------------

export type StockDocKind = 'receiving' | 'purchase_return' | 'change' | 'stocktake';
export type StockDocState = 'draft' | 'submitted' | 'posted' | 'cancelled';

export const DOC_KIND_LABELS: Record<StockDocKind, string> = {
  receiving: '采购入库',
  purchase_return: '采购退货',
  change: '库存变动',
  stocktake: '盘点',
};
export const DOC_STATE_LABELS: Record<StockDocState, string> = {
  draft: '草稿',
  submitted: '待审批',
  posted: '已过账',
  cancelled: '已作废',
};

/**
 * Reasons a stock change is made for, each tied to its inv_chg_type (app/inventory/change-types.ts holds the
 * codes). 盘盈/盘损 come only from an approved stocktake; 更正 is a manager's audited correction.
 */
export const CHANGE_REASONS = [
  'damage',
  'destroy',
  'overflow',
  'transfer_in',
  'transfer_out',
  'gift_in',
  'gift_out',
  'initial',
  'other_in',
  'other_out',
  'goods_return_out',
  'correction',
] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

export interface DocLineView {
  id: number;
  productId: number;
  productCode: string;
  productName: string;
  spec: string | null;
  unit: string;
  splitUnit: string | null;
  splitFactor: number | null;
  batchId: number | null;
  batchNo: string;
  mfgDate: string | null;
  expiryDate: string | null;
  /** receiving / return: moved; change: signed delta; stocktake: counted (null = not yet) */
  qtyBase: number | null;
  /** stocktake: the books at the count */
  bookQtyBase: number | null;
  priceFen: number | null;
  gift: boolean;
  traceCodes: string[];
}

export interface DocView {
  id: number;
  kind: StockDocKind;
  kindLabel: string;
  docNo: string;
  state: StockDocState;
  /** change: the reason and its inv_chg_type */
  reason: ChangeReason | null;
  reasonLabel: string | null;
  chgType: string | null;
  note: string | null;
  supplier: string | null;
  supplierLicense: string | null;
  deliveryNo: string | null;
  invoiceCode: string | null;
  invoiceNo: string | null;
  invdate: string | null;
  /** stocktake: what the sheet covers, as typed when it was started */
  scope: string | null;
  operatorName: string;
  approvedByName: string | null;
  createdAt: string;
  postedAt: string | null;
  lines: DocLineView[];
  /** where the uploads of this document stand */
  uploads: { pending: number; sent: number; refused: number };
  /**
   * what the screen should say about the document beyond its lines, e.g. a stocktake's uncounted lines (left out
   * of the approval: no adjustment, no 3501); null when there is nothing to say
   */
  notice?: string | null;
}

export type DocSummary = Omit<DocView, 'lines'> & { lineCount: number };

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const optText = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字符`).optional();
const qtyPositive = z.number().int('数量应为整数').min(1, '数量至少为 1').max(1_000_000, '数量过大');

export const receivingLineSchema = z
  .object({
    productId: z.number().int().positive(),
    batchNo: z.string().trim().min(1, '请填写生产批号').max(30, '生产批号不能超过 30 个字符'),
    mfgDate: date,
    /** optional in the schema so the service can say which line lacks it, in words a receiver understands */
    expiryDate: z.union([date, z.literal('')]).optional(),
    /** whole packages received */
    packages: qtyPositive,
    /** purchase price per package */
    priceFen: z.number().int().min(0).max(100_000_000).optional(),
    gift: z.boolean().default(false),
    traceCodes: z.array(z.string().trim().min(1).max(100)).max(10_000).default([]),
  })
  .strict();

export const receivingSchema = z
  .object({
    supplier: z.string().trim().min(1, '请填写供应商').max(200, '供应商名称不能超过 200 个字符'),
    supplierLicense: optText(50),
    deliveryNo: optText(50),
    invoiceCode: optText(50),
    invoiceNo: optText(50),
    note: optText(500),
    lines: z.array(receivingLineSchema).min(1, '至少一行').max(500, '一张入库单最多 500 行'),
  })
  .strict();
export type ReceivingInput = z.input<typeof receivingSchema>;

export const purchaseReturnSchema = z
  .object({
    supplier: z.string().trim().min(1, '请填写供应商').max(200),
    supplierLicense: optText(50),
    /** 3504 requires the purchase invoice number */
    invoiceNo: z.string().trim().min(1, '采购退货须填写采购发票号').max(50),
    invoiceCode: optText(50),
    note: optText(500),
    lines: z
      .array(
        z
          .object({
            batchId: z.number().int().positive(),
            /** whole packages returned */
            packages: qtyPositive,
            traceCodes: z.array(z.string().trim().min(1).max(100)).max(10_000).default([]),
          })
          .strict(),
      )
      .min(1, '至少一行')
      .max(500),
  })
  .strict();
export type PurchaseReturnInput = z.input<typeof purchaseReturnSchema>;

export const stockChangeSchema = z
  .object({
    reason: z.enum(CHANGE_REASONS, { message: '未知的变动原因' }),
    note: optText(500),
    lines: z
      .array(
        z.union([
          // an existing batch: qtyBase is the amount moved in the reason's direction (a correction: signed)
          z
            .object({
              batchId: z.number().int().positive(),
              qtyBase: z.number().int().min(-1_000_000).max(1_000_000),
              traceCodes: z.array(z.string().trim().min(1).max(100)).max(10_000).default([]),
            })
            .strict(),
          // a new batch (初始化入库, 赠药入库, 调拨入库, 其他入库)
          z
            .object({
              productId: z.number().int().positive(),
              batchNo: z.string().trim().min(1, '请填写生产批号').max(30),
              mfgDate: date,
              expiryDate: z.union([date, z.literal('')]).optional(),
              qtyBase: qtyPositive,
              priceFen: z.number().int().min(0).max(100_000_000).optional(),
              traceCodes: z.array(z.string().trim().min(1).max(100)).max(10_000).default([]),
            })
            .strict(),
        ]),
      )
      .min(1, '至少一行')
      .max(500),
  })
  .strict();
export type StockChangeInput = z.input<typeof stockChangeSchema>;

export const stocktakeStartSchema = z
  .object({
    /** all batches in stock, or only these products */
    productIds: z.array(z.number().int().positive()).max(5000).optional(),
    scope: optText(100),
  })
  .strict();

export const stocktakeCountSchema = z
  .object({
    docId: z.number().int().positive(),
    lineId: z.number().int().positive(),
    countedBase: z.number().int().min(0, '盘点数量不能为负').max(1_000_000),
  })
  .strict();

// ---- uploads --------------------------------------------------------------------------------------------

export type UploadState = 'pending' | 'sent' | 'refused' | 'deleted';
export const UPLOAD_STATE_LABELS: Record<UploadState, string> = {
  pending: '待上传',
  sent: '已上传',
  refused: '被拒收',
  deleted: '已删除',
};

export const UPLOAD_INFNO_LABELS: Record<string, string> = {
  '3501': '盘存',
  '3502': '库存变更',
  '3503': '采购',
  '3504': '采购退货',
  '3505': '销售',
  '3506': '销售退货',
  '3507': '删除',
};

export interface UploadRowView {
  id: number;
  infno: string;
  infnoLabel: string;
  refType: string;
  refId: number;
  state: UploadState;
  /** a call carrying it got no answer; it is looked up at the center before it is sent again */
  inDoubt: boolean;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  centerMsg: string | null;
  via: string | null;
  sentAt: string | null;
  createdAt: string;
  /** a line a person can read: product, batch, count, document */
  summary: string;
  bchno: string | null;
}

export interface UploadSummary {
  pending: number;
  refused: number;
  inDoubt: number;
  /** when the oldest row still waiting was written (the backlog's age) */
  oldestPendingAt: string | null;
  lastSentAt: string | null;
  /** the last failure that kept rows waiting (network, center), cleared by the next success */
  lastError: string | null;
  draining: boolean;
}

export const uploadListSchema = z
  .object({
    state: z.enum(['pending', 'sent', 'refused', 'deleted', 'problem']).optional(),
    infno: z.enum(['3501', '3502', '3503', '3504', '3505', '3506', '3507']).optional(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

export const uploadResendSchema = z
  .object({
    id: z.number().int().positive(),
    /** the corrected record (the interface row, e.g. the selinfo object); absent = send as it is */
    row: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const uploadDeleteSchema = z
  .object({
    id: z.number().int().positive(),
    reason: z.string().trim().min(2, '请说明删除原因').max(200),
  })
  .strict();

// ---- reconciliation (差异对账) ---------------------------------------------------------------------------

export type ReconcileKind = 'stock' | 'changes' | 'purchases' | 'sales' | 'ledger';
export const RECONCILE_KIND_LABELS: Record<ReconcileKind, string> = {
  stock: '盘存（3508）',
  changes: '库存变更（3509）',
  purchases: '采购/退货（3510）',
  sales: '销售/退货（3511）',
  /** per batch: the local stock ledger's net movement against the center's records of the same period */
  ledger: '本地台账（按批次净变动）',
};

export type ReconcileStatus = 'match' | 'missing_at_center' | 'extra_at_center' | 'count_differs' | 'duplicate';
export const RECONCILE_STATUS_LABELS: Record<ReconcileStatus, string> = {
  match: '一致',
  missing_at_center: '中心缺少',
  extra_at_center: '中心多出',
  count_differs: '数量不一致',
  duplicate: '中心重复',
};

export interface ReconcileRow {
  kind: ReconcileKind;
  status: ReconcileStatus;
  /** the record's identity (memo) or, for center records without one, the center's serial */
  key: string;
  productName: string;
  bchno: string;
  /** base units, signed as the record moves stock */
  localQtyBase: number | null;
  centerQtyBase: number | null;
  /** the product's units, to show the quantities as 盒/粒 (null when the product is unknown to the till) */
  units: { unit: string; splitUnit: string | null; splitFactor: number | null } | null;
  /** the upload row for the record, when there is one (lets the screen jump to it) */
  uploadId: number | null;
  note: string;
}

export interface ReconcileReport {
  from: string;
  to: string;
  ranAt: string;
  /** per kind: how many records each side holds, and whether the query itself worked */
  kinds: {
    kind: ReconcileKind;
    local: number;
    center: number;
    differences: number;
    error: string | null;
  }[];
  /** differences first; matches included so the screen can show them on request */
  rows: ReconcileRow[];
}

export const reconcileSchema = z
  .object({
    from: date,
    to: date,
    kinds: z
      .array(z.enum(['stock', 'changes', 'purchases', 'sales', 'ledger']))
      .min(1)
      .optional(),
  })
  .strict()
  .refine((v) => v.from <= v.to, { message: '开始日期不能晚于结束日期' });

/** 12 盒 3 粒 — a base-unit quantity the way a pharmacist counts it. */
export function formatQty(
  qtyBase: number,
  p: { unit: string; splitUnit: string | null; splitFactor: number | null },
): string {
  const sign = qtyBase < 0 ? '-' : '';
  const n = Math.abs(qtyBase);
  if (!p.splitFactor || !p.splitUnit) return `${sign}${n}${p.unit}`;
  const whole = Math.floor(n / p.splitFactor);
  const rest = n % p.splitFactor;
  if (rest === 0) return `${sign}${whole}${p.unit}`;
  if (whole === 0) return `${sign}${rest}${p.splitUnit}`;
  return `${sign}${whole}${p.unit}${rest}${p.splitUnit}`;
}
