import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';
import { beijingDateTime } from '../nhsa/beijing-time';
import { fenToYuan } from '../shared/money';
import { bchnoOf, recordMemo, wireCount, wireStockCount } from './wire';

/**
 * The 3501–3504 records a stock document leaves in upload_outbox — the same contract as the counter's 3505/3506
 * (app/counter/upload-payloads.ts): one row per document line, payload = the complete interface input as it will
 * be sent, `{ invinfo: row }` (3501, 3502) or `{ purcinfo: row }` (3503, 3504), built when the stock moved and never
 * rebuilt from the books afterwards. Trace codes travel as `drugtracinfo: [{ drug_trac_codg }]` INSIDE the row
 * (registry/inventory.ts: the nested node sits in each row), and only when there are codes; 3503/3504 carry none
 * (no source has the node there, inventory.md §5).
 *
 * Only goods with a national code (product_mappings.nat_code, else products.nat_code) are reported: med_list_codg
 * is required by every one of these interfaces and the center cannot place anything else. A builder returns null
 * for other goods (non-drugs, products not yet mapped) and nothing is queued for them; the counter's 3505/3506 follow
 * the same rule. Mapping a product later does not report its past movements — the next stocktake's 3501 states the
 * stock as it then is.
 *
 * Wire conventions shared with the uploader and the reconciliation (app/inventory/wire.ts): fixmedins_bchno = the
 * batch id, memo = `pos:<ref_type>:<ref_id>` (the outbox row's identity), counts by wireCount / wireStockCount,
 * times in Beijing time, money in yuan.
 */

export type InventoryInfno = '3501' | '3502' | '3503' | '3504';
export type InventoryRefType =
  'receiving_line' | 'purchase_return_line' | 'change_line' | 'stocktake_diff' | 'stocktake_count';

type Row = Record<string, unknown>;

export interface InventoryUploadRecord {
  infno: InventoryInfno;
  refType: InventoryRefType;
  refId: number;
  payload: { invinfo: Row } | { purcinfo: Row };
}

export interface ProductFacts {
  id: number;
  code: string;
  genericName: string;
  /** product_mappings.nat_code, else products.nat_code; null = the product cannot be reported */
  natCode: string | null;
  rxClass: string;
  splitFactor: number | null;
  /** products.manufacturer, else the national catalogue's (nat_items) for the national code */
  manufacturer: string | null;
  /** products.aprvno, else the national catalogue's */
  aprvno: string | null;
  retailPriceFen: number;
}

export interface BatchFacts {
  id: number;
  batchNo: string;
  mfgDate: string | null;
  expiryDate: string;
  purchasePriceFen: number | null;
}

/** 0 非处方药 / 1 处方药, as the counter's 3505 does (QD maps OTC to 0, everything else 1; non-drugs 0). */
const rxFlag = (p: ProductFacts) => (p.rxClass === 'rx' ? '1' : '0');

const traceNode = (codes: readonly string[]) =>
  codes.length ? { drugtracinfo: codes.map((c) => ({ drug_trac_codg: c })) } : {};

/**
 * A unit price (16,6) in yuan: the price of a package, or of one split unit when the count is in split units
 * (trdn_flag 1) — the price must be of the unit `cnt` counts.
 */
export function unitPriceYuan(fenPerPackage: number, divisor: number): string {
  if (divisor <= 1) return fenToYuan(fenPerPackage);
  const v = fenPerPackage / divisor / 100;
  const s = v.toFixed(6).replace(/0+$/, '');
  return /\.\d?$/.test(s) ? v.toFixed(2) : s;
}

/** The common head of every record: what the center knows the product by. */
function head(p: ProductFacts, b: BatchFacts): Row {
  return {
    med_list_codg: p.natCode,
    fixmedins_hilist_id: p.code,
    // the generic name, as the counter's 3505 sends it
    fixmedins_hilist_name: p.genericName,
    fixmedins_bchno: bchnoOf(b.id),
  };
}

/** 3501 商品盘存上传: one counted batch of an approved stocktake. */
export function build3501(a: {
  product: ProductFacts;
  batch: BatchFacts;
  lineId: number;
  /** the batch's quantity after the approval */
  qtyBase: number;
  /** the sheet's count date (YYYY-MM-DD) */
  invdate: string;
  /** codes of the batch still on the shelf */
  codes: readonly string[];
}): InventoryUploadRecord | null {
  const { product: p, batch: b } = a;
  if (!p.natCode) return null;
  return {
    infno: '3501',
    refType: 'stocktake_count',
    refId: a.lineId,
    payload: {
      invinfo: {
        ...head(p, b),
        rx_flag: rxFlag(p),
        invdate: a.invdate,
        // in packages, 2 decimals when a box is open (wire.ts)
        inv_cnt: wireStockCount(a.qtyBase, p.splitFactor),
        manu_lotnum: b.batchNo,
        // required; a batch booked before production dates were recorded sends '' and the uploader's check
        // refuses the row, to be corrected on the uploads screen
        manu_date: b.mfgDate ?? '',
        expy_end: b.expiryDate,
        memo: recordMemo('stocktake_count', a.lineId),
        ...traceNode(a.codes),
      },
    },
  };
}

/** 3502 商品库存变更: a change line (报损, 调拨 …) or a stocktake difference (103/104). */
export function build3502(a: {
  product: ProductFacts;
  batch: BatchFacts;
  refType: 'change_line' | 'stocktake_diff';
  refId: number;
  chgType: string;
  /** base units moved (> 0; the direction is in inv_chg_type) */
  qtyBase: number;
  /** price per package reported with it; null: the batch's purchase price, else the retail price */
  priceFen: number | null;
  at: number;
  opterName: string;
  codes: readonly string[];
}): InventoryUploadRecord | null {
  const { product: p, batch: b } = a;
  if (!p.natCode) return null;
  const { cnt, trdnFlag } = wireCount(a.qtyBase, p.splitFactor);
  // pric is required and no source says which price: the purchase price (what the stock is worth to the
  // pharmacy) when known, else the retail price — a choice
  const perPackage = a.priceFen ?? b.purchasePriceFen ?? p.retailPriceFen;
  return {
    infno: '3502',
    refType: a.refType,
    refId: a.refId,
    payload: {
      invinfo: {
        ...head(p, b),
        inv_chg_type: a.chgType,
        pric: unitPriceYuan(perPackage, trdnFlag === '1' ? (p.splitFactor ?? 1) : 1),
        cnt,
        rx_flag: rxFlag(p),
        inv_chg_time: beijingDateTime(new Date(a.at)),
        inv_chg_opter_name: a.opterName,
        memo: recordMemo(a.refType, a.refId),
        trdn_flag: trdnFlag,
        ...traceNode(a.codes),
      },
    },
  };
}

export interface PurchaseDocFacts {
  supplier: string;
  supplierLicense: string | null;
  deliveryNo: string | null;
  invoiceCode: string | null;
  invoiceNo: string | null;
}

/** 3503 商品采购: one receiving line (whole packages). */
export function build3503(a: {
  product: ProductFacts;
  batch: BatchFacts;
  lineId: number;
  qtyBase: number;
  /** purchase price per package */
  priceFen: number | null;
  gift: boolean;
  doc: PurchaseDocFacts;
  at: number;
  opterName: string;
}): InventoryUploadRecord | null {
  const { product: p, batch: b } = a;
  if (!p.natCode) return null;
  return {
    infno: '3503',
    refType: 'receiving_line',
    refId: a.lineId,
    payload: {
      purcinfo: {
        ...head(p, b),
        // 随货单号: the delivery note number typed at receiving
        dynt_no: a.doc.deliveryNo ?? '',
        spler_name: a.doc.supplier,
        // 供应商许可证号: the supplier's licence number typed at receiving (optional)
        spler_pmtno: a.doc.supplierLicense ?? '',
        manu_lotnum: b.batchNo,
        // 生产厂家 and 批准文号 (required) come from the product master, else the national catalogue row of the
        // national code; receiving refuses a reported product that has neither (stock-docs.ts)
        prodentp_name: p.manufacturer ?? '',
        aprvno: p.aprvno ?? '',
        manu_date: b.mfgDate ?? '',
        expy_end: b.expiryDate,
        // per package: receiving counts whole packages, so purc_retn_cnt is in packages too (wire.ts)
        finl_trns_pric: a.priceFen === null ? '' : fenToYuan(a.priceFen),
        purc_retn_cnt: wireCount(a.qtyBase, p.splitFactor).cnt,
        purc_invo_codg: a.doc.invoiceCode ?? '',
        purc_invo_no: a.doc.invoiceNo ?? '',
        rx_flag: rxFlag(p),
        purc_retn_stoin_time: beijingDateTime(new Date(a.at)),
        purc_retn_opter_name: a.opterName,
        // "N?" in the notes; always sent (0/1), which is harmless where it is optional
        prod_geay_flag: a.gift ? '1' : '0',
        memo: recordMemo('receiving_line', a.lineId),
      },
    },
  };
}

/** 3504 商品采购退货: one purchase-return line (whole packages). */
export function build3504(a: {
  product: ProductFacts;
  batch: BatchFacts;
  lineId: number;
  qtyBase: number;
  doc: PurchaseDocFacts;
  /** the receiving document the batch came in with (medins_prod_purc_no, as QD fills it) */
  origDocNo: string | null;
  at: number;
  opterName: string;
}): InventoryUploadRecord | null {
  const { product: p, batch: b } = a;
  if (!p.natCode) return null;
  return {
    infno: '3504',
    refType: 'purchase_return_line',
    refId: a.lineId,
    payload: {
      purcinfo: {
        ...head(p, b),
        spler_name: a.doc.supplier,
        spler_pmtno: a.doc.supplierLicense ?? '',
        manu_date: b.mfgDate ?? '',
        expy_end: b.expiryDate,
        // the batch's purchase price per package (the price it is returned at)
        finl_trns_pric: b.purchasePriceFen === null ? '' : fenToYuan(b.purchasePriceFen),
        purc_retn_cnt: wireCount(a.qtyBase, p.splitFactor).cnt,
        purc_invo_codg: a.doc.invoiceCode ?? '',
        // required in 3504 (BZ, HSA): the return form requires it
        purc_invo_no: a.doc.invoiceNo ?? '',
        rx_flag: rxFlag(p),
        purc_retn_stoin_time: beijingDateTime(new Date(a.at)),
        purc_retn_opter_name: a.opterName,
        memo: recordMemo('purchase_return_line', a.lineId),
        medins_prod_purc_no: a.origDocNo ?? '',
      },
    },
  };
}

interface ProductFactsRow {
  id: number;
  code: string;
  generic_name: string;
  nat_code: string | null;
  rx_class: string;
  split_factor: number | null;
  manufacturer: string | null;
  aprvno: string | null;
  retail_price_fen: number;
}

/** Reads what the builders need from the product master, the mapping and the national catalogue. */
export function createUploadFacts(db: Db) {
  const product = db.prepare(
    `SELECT p.id, p.code, p.generic_name, p.rx_class, p.split_factor, p.retail_price_fen,
       nullif(trim(coalesce(m.nat_code, p.nat_code, '')), '') AS nat_code,
       coalesce(nullif(trim(p.manufacturer), ''), (SELECT nullif(trim(n.manufacturer), '') FROM nat_items n
         WHERE n.code = coalesce(m.nat_code, p.nat_code) AND nullif(trim(n.manufacturer), '') IS NOT NULL LIMIT 1))
         AS manufacturer,
       coalesce(nullif(trim(p.aprvno), ''), (SELECT nullif(trim(n.aprvno), '') FROM nat_items n
         WHERE n.code = coalesce(m.nat_code, p.nat_code) AND nullif(trim(n.aprvno), '') IS NOT NULL LIMIT 1))
         AS aprvno
     FROM products p LEFT JOIN product_mappings m ON m.product_id = p.id WHERE p.id = ?`,
  ) as Statement<[number], ProductFactsRow>;
  const batch = db.prepare(
    'SELECT id, batch_no, mfg_date, expiry_date, purchase_price_fen FROM stock_batches WHERE id = ?',
  ) as Statement<
    [number],
    { id: number; batch_no: string; mfg_date: string | null; expiry_date: string; purchase_price_fen: number | null }
  >;
  const operatorName = db.prepare('SELECT display_name FROM operators WHERE id = ?').pluck() as Statement<
    [number],
    string
  >;
  return {
    product(id: number): ProductFacts | undefined {
      const r = product.get(id);
      return r
        ? {
            id: r.id,
            code: r.code,
            genericName: r.generic_name,
            natCode: r.nat_code,
            rxClass: r.rx_class,
            splitFactor: r.split_factor,
            manufacturer: r.manufacturer,
            aprvno: r.aprvno,
            retailPriceFen: r.retail_price_fen,
          }
        : undefined;
    },
    batch(id: number): BatchFacts | undefined {
      const r = batch.get(id);
      return r
        ? {
            id: r.id,
            batchNo: r.batch_no,
            mfgDate: r.mfg_date,
            expiryDate: r.expiry_date,
            purchasePriceFen: r.purchase_price_fen,
          }
        : undefined;
    },
    operatorName: (id: number): string => operatorName.get(id) ?? '',
  };
}

export type UploadFacts = ReturnType<typeof createUploadFacts>;
