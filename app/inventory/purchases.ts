import type { Statement } from 'better-sqlite3';
import {
  purchaseReturnSchema,
  receivingSchema,
  type DocView,
  type PurchaseReturnInput,
  type ReceivingInput,
} from '../shared/inventory';
import { checkBatchDates, checkTraceCodes, parseInput, Problems, qtyText, type CheckedCode } from './doc-checks';
import { fail, type BatchRecord } from './doc-store';
import { build3503, build3504 } from './payloads';
import type { DocsContext, ProductRow } from './stock-docs';

/**
 * 采购入库 (3503 per line) and 采购退货 (3504 per line): the supplier side of the stock. Each document is posted in
 * one transaction (stock-docs.ts says what that holds); every line is checked first and all problems are reported
 * together, naming the line, the product and the batch.
 */
export function createPurchases(ctx: DocsContext) {
  const { db, log, now, today, store, stock, facts, traces, numbers } = ctx;
  const { newDoc, lineProduct, label, checkPurchaseFacts, knownBatch, batchFor, traceOptions } = ctx;
  const receivingOfBatch = db.prepare(
    `SELECT d.id, d.doc_no FROM stock_doc_lines l JOIN stock_docs d ON d.id = l.doc_id
      WHERE l.batch_id = ? AND d.kind = 'receiving' AND d.state = 'posted' ORDER BY d.id DESC LIMIT 1`,
  ) as Statement<[number], { id: number; doc_no: string }>;

  // --- 采购入库 -----------------------------------------------------------------------------------------

  function receive(input: ReceivingInput, operatorId: number): DocView {
    const inp = parseInput(receivingSchema, input);
    const docId = db
      .transaction(() => {
        const t = now();
        const day = today();
        const problems = new Problems();
        const seen = new Map<string, number>();
        const lots = new Map<string, number>();
        const plans: {
          p: ProductRow;
          line: (typeof inp.lines)[number];
          expiry: string;
          existing: BatchRecord | null;
          qtyBase: number;
          codes: CheckedCode[];
        }[] = [];
        inp.lines.forEach((l, i) => {
          const p = lineProduct(problems, i, l.productId);
          if (!p) return;
          const lbl = label(i, p, l.batchNo);
          const path = `lines.${i}`;
          if (!p.active) problems.add(`${path}.productId`, `${lbl}：商品已停用，不能入库`);
          const lot = `${l.productId}\u0000${l.batchNo}`;
          const first = lots.get(lot);
          if (first !== undefined) {
            problems.add(`${path}.batchNo`, `${lbl}：与第${first + 1}行是同一商品同一批号，请合并为一行`);
          } else lots.set(lot, i);
          checkBatchDates(problems, path, lbl, { mfgDate: l.mfgDate, expiryDate: l.expiryDate }, day);
          const expiry = l.expiryDate ?? '';
          const existing = knownBatch(problems, path, lbl, l.productId, l.batchNo, expiry);
          checkPurchaseFacts(problems, i, lbl, l.productId);
          const codes = checkTraceCodes(
            { problems, traces, options: traceOptions(), seen },
            {
              index: i,
              path,
              label: lbl,
              raw: l.traceCodes,
              boxes: l.packages,
              productId: l.productId,
              batchId: existing?.id ?? null,
              direction: 'in',
            },
          );
          plans.push({ p, line: l, expiry, existing, qtyBase: l.packages * (p.splitFactor ?? 1), codes });
        });
        problems.throwIfAny();

        const docNo = numbers.next('receiving', day);
        const id = newDoc({
          kind: 'receiving',
          docNo,
          state: 'posted',
          operatorId,
          at: t,
          posted: true,
          supplier: inp.supplier,
          supplierLicense: inp.supplierLicense,
          deliveryNo: inp.deliveryNo,
          invoiceCode: inp.invoiceCode,
          invoiceNo: inp.invoiceNo,
          note: inp.note,
        });
        const opterName = facts.operatorName(operatorId);
        for (const { p, line: l, expiry, existing, qtyBase, codes } of plans) {
          const priceFen = l.priceFen ?? null;
          const batchId = batchFor(
            existing,
            {
              productId: p.id,
              batchNo: l.batchNo,
              mfgDate: l.mfgDate,
              expiryDate: expiry,
              supplier: inp.supplier,
              priceFen,
            },
            t,
          );
          const lineId = Number(
            store.insertLine.run({
              docId: id,
              productId: p.id,
              batchId,
              batchNo: l.batchNo,
              mfgDate: l.mfgDate,
              expiryDate: expiry,
              qtyBase,
              bookQtyBase: null,
              priceFen,
              gift: l.gift ? 1 : 0,
              now: t,
            }).lastInsertRowid,
          );
          stock.giveBack({
            batchId,
            productId: p.id,
            qtyBase,
            refType: 'stock_doc_line',
            refId: lineId,
            operatorId,
            now: t,
            cause: 'receive',
          });
          for (const c of codes) traces.tie({ ...c, productId: p.id, batchId, docLineId: lineId, now: t });
          store.queue(
            [
              build3503({
                product: facts.product(p.id)!,
                batch: facts.batch(batchId)!,
                lineId,
                qtyBase,
                priceFen,
                gift: l.gift,
                doc: {
                  supplier: inp.supplier,
                  supplierLicense: inp.supplierLicense ?? null,
                  deliveryNo: inp.deliveryNo ?? null,
                  invoiceCode: inp.invoiceCode ?? null,
                  invoiceNo: inp.invoiceNo ?? null,
                },
                at: t,
                opterName,
              }),
            ],
            t,
          );
        }
        ctx.record(operatorId, 'stock.receive', {
          docId: id,
          docNo,
          supplier: inp.supplier,
          lines: plans.map((x) => ({
            productId: x.p.id,
            batchNo: x.line.batchNo,
            qtyBase: x.qtyBase,
            traceCodes: x.codes.map((c) => c.code),
          })),
        });
        return id;
      })
      .immediate();
    log.info('inventory: receiving posted', { docId, lines: inp.lines.length });
    return store.view(docId);
  }

  // --- 采购退货 -----------------------------------------------------------------------------------------

  function purchaseReturn(input: PurchaseReturnInput, operatorId: number): DocView {
    const inp = parseInput(purchaseReturnSchema, input);
    const docId = db
      .transaction(() => {
        const t = now();
        const problems = new Problems();
        const seen = new Map<string, number>();
        const batches = new Map<number, number>();
        const plans: { p: ProductRow; b: BatchRecord; qtyBase: number; codes: CheckedCode[] }[] = [];
        inp.lines.forEach((l, i) => {
          const path = `lines.${i}`;
          const b = store.batch.get(l.batchId);
          if (!b) {
            problems.add(`${path}.batchId`, `第${i + 1}行：找不到该批次`);
            return;
          }
          const p = ctx.product(b.product_id)!;
          const lbl = label(i, p, b.batch_no);
          const first = batches.get(b.id);
          if (first !== undefined)
            problems.add(`${path}.batchId`, `${lbl}：与第${first + 1}行是同一批次，请合并为一行`);
          else batches.set(b.id, i);
          const qtyBase = l.packages * (p.splitFactor ?? 1);
          if (qtyBase > b.qty_base) {
            problems.add(
              `${path}.packages`,
              `${lbl}：退货 ${qtyText(qtyBase, p)} 超过库存，该批次仅剩 ${qtyText(b.qty_base, p)}`,
            );
          }
          const codes = checkTraceCodes(
            { problems, traces, options: traceOptions(), seen },
            {
              index: i,
              path,
              label: lbl,
              raw: l.traceCodes,
              boxes: l.packages,
              productId: p.id,
              batchId: b.id,
              direction: 'out',
            },
          );
          plans.push({ p, b, qtyBase, codes });
        });
        problems.throwIfAny();

        // the receiving each batch came with (3504 medins_prod_purc_no); the document points at it when all agree
        const origins = plans.map((x) => receivingOfBatch.get(x.b.id) ?? null);
        const origIds = new Set(origins.map((o) => o?.id ?? null));
        const docNo = numbers.next('purchase_return', today());
        const id = newDoc({
          kind: 'purchase_return',
          docNo,
          state: 'posted',
          operatorId,
          at: t,
          posted: true,
          supplier: inp.supplier,
          supplierLicense: inp.supplierLicense,
          invoiceCode: inp.invoiceCode,
          invoiceNo: inp.invoiceNo,
          origDocId: origIds.size === 1 ? (origins[0]?.id ?? null) : null,
          note: inp.note,
        });
        const opterName = facts.operatorName(operatorId);
        plans.forEach(({ p, b, qtyBase, codes }, i) => {
          const lineId = Number(
            store.insertLine.run({
              docId: id,
              productId: p.id,
              batchId: b.id,
              batchNo: b.batch_no,
              mfgDate: b.mfg_date,
              expiryDate: b.expiry_date,
              qtyBase,
              bookQtyBase: null,
              priceFen: b.purchase_price_fen,
              gift: 0,
              now: t,
            }).lastInsertRowid,
          );
          const taken = stock.take({
            batchId: b.id,
            productId: p.id,
            qtyBase,
            refType: 'stock_doc_line',
            refId: lineId,
            operatorId,
            now: t,
            cause: 'purchase_return',
          });
          if (!taken)
            fail(`第${i + 1}行 ${p.name} 批号 ${b.batch_no}：库存刚刚发生变化，请重新打开后再退货`, 'CONFLICT');
          for (const c of codes) traces.markOut({ ...c, productId: p.id, batchId: b.id, docLineId: lineId, now: t });
          store.queue(
            [
              build3504({
                product: facts.product(p.id)!,
                batch: facts.batch(b.id)!,
                lineId,
                qtyBase,
                doc: {
                  supplier: inp.supplier,
                  supplierLicense: inp.supplierLicense ?? null,
                  deliveryNo: null,
                  invoiceCode: inp.invoiceCode ?? null,
                  invoiceNo: inp.invoiceNo,
                },
                origDocNo: origins[i]?.doc_no ?? null,
                at: t,
                opterName,
              }),
            ],
            t,
          );
        });
        ctx.record(operatorId, 'stock.purchaseReturn', {
          docId: id,
          docNo,
          supplier: inp.supplier,
          invoiceNo: inp.invoiceNo,
          lines: plans.map((x) => ({
            batchId: x.b.id,
            batchNo: x.b.batch_no,
            before: x.b.qty_base,
            after: x.b.qty_base - x.qtyBase,
            traceCodes: x.codes.map((c) => c.code),
          })),
        });
        return id;
      })
      .immediate();
    log.info('inventory: purchase return posted', { docId, lines: inp.lines.length });
    return store.view(docId);
  }

  return { receive, purchaseReturn };
}
