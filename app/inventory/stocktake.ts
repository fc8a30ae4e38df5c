import type { Statement } from 'better-sqlite3';
import { DOC_STATE_LABELS, stocktakeStartSchema, type DocView } from '../shared/inventory';
import { STOCKTAKE_GAIN, STOCKTAKE_LOSS } from './change-types';
import type { DocLineRow, DocRow } from './doc-store';
import { fail } from './doc-store';
import { build3501, build3502 } from './payloads';
import { isManager, parseInput, qtyText } from './doc-checks';
import type { DocsContext } from './stock-docs';

/**
 * 盘点 (stocktake): a count sheet with one line per batch in stock (all, or of chosen products), counted while
 * the shop keeps selling, then approved by a manager.
 *
 * - Counting a line records what is on the shelf AND the books at that moment (book_qty_base is refreshed), so a
 *   sale between the count and the approval does not turn into a false difference: the approval applies
 *   delta = counted − book-at-count to the batch as it then is.
 * - The approval, in ONE transaction: for each counted line with a difference a stock_ledger row (stocktake_gain /
 *   stocktake_loss) and a 3502 (103 盘盈 / 104 盘损, ref_type 'stocktake_diff'); then a 3501 for EVERY counted line
 *   (ref_type 'stocktake_count') with the batch's quantity after the approval and the sheet's date. The outbox
 *   ids therefore run: all differences first, then all counts. Uncounted lines are left out (no adjustment, no
 *   3501) and the view says so.
 * - Who approves: a manager or admin who counted none of the sheet's lines (the count and its approval are two
 *   people's work). A shop with one manager approves with the admin account.
 * - One open sheet per batch: a batch cannot be on two sheets waiting for approval (its difference would be
 *   applied twice).
 */
export function createStocktakes(ctx: DocsContext) {
  const { db, store, stock, facts, traces, numbers } = ctx;
  const inStock = db.prepare(
    `SELECT b.id, b.product_id, b.batch_no, b.mfg_date, b.expiry_date, b.qty_base, b.purchase_price_fen
       FROM stock_batches b JOIN products p ON p.id = b.product_id
      WHERE b.qty_base > 0 AND (@all = 1 OR b.product_id IN (SELECT value FROM json_each(@ids)))
      ORDER BY p.code, b.expiry_date, b.id`,
  ) as Statement<
    Record<string, unknown>,
    {
      id: number;
      product_id: number;
      batch_no: string;
      mfg_date: string | null;
      expiry_date: string;
      qty_base: number;
      purchase_price_fen: number | null;
    }
  >;
  const openSheetOf = db
    .prepare(
      `SELECT d.doc_no FROM stock_doc_lines l JOIN stock_docs d ON d.id = l.doc_id
        WHERE d.kind = 'stocktake' AND d.state IN ('draft', 'submitted') AND l.batch_id = ? LIMIT 1`,
    )
    .pluck() as Statement<[number], string>;
  const openSheets = db
    .prepare("SELECT id FROM stock_docs WHERE kind = 'stocktake' AND state IN ('draft', 'submitted')")
    .pluck() as Statement<[], number>;

  function sheet(docId: number, allowed: readonly DocRow['state'][]): DocRow {
    const d = store.docRow(docId);
    if (d.kind !== 'stocktake') fail('该单据不是盘点单', 'INVALID_INPUT');
    if (!allowed.includes(d.state)) {
      const hint = d.state === 'draft' ? '，请先提交' : d.state === 'submitted' ? '，已提交待审批' : '';
      fail(`盘点单 ${d.doc_no} 当前为${DOC_STATE_LABELS[d.state]}${hint}，不能进行此操作`, 'CONFLICT');
    }
    return d;
  }

  return {
    stocktakeStart(input: { productIds?: number[]; scope?: string }, operatorId: number): DocView {
      const inp = parseInput(stocktakeStartSchema, input);
      const docId = db
        .transaction(() => {
          const t = ctx.now();
          const day = ctx.today();
          const all = inp.productIds === undefined;
          const batches = inStock.all({ all: all ? 1 : 0, ids: JSON.stringify(inp.productIds ?? []) });
          if (batches.length === 0) fail(all ? '当前没有库存批次可盘点' : '所选商品没有库存批次可盘点', 'CONFLICT');
          // one open sheet per batch: checked per batch only when a sheet is open at all (the common case is none)
          if (openSheets.all().length) {
            for (const b of batches) {
              const other = openSheetOf.get(b.id);
              if (other) fail(`批号 ${b.batch_no} 已在未完成的盘点单 ${other} 中，请先审批或作废该盘点单`, 'CONFLICT');
            }
          }
          const docNo = numbers.next('stocktake', day);
          const id = Number(
            store.insertDoc.run({
              kind: 'stocktake',
              docNo,
              state: 'draft',
              chgType: null,
              correction: 0,
              changeReason: null,
              supplier: null,
              supplierLicense: null,
              deliveryNo: null,
              invoiceCode: null,
              invoiceNo: null,
              origDocId: null,
              invdate: day,
              scope: inp.scope ?? (all ? '全部库存' : null),
              reason: null,
              operatorId,
              now: t,
              postedAt: null,
            }).lastInsertRowid,
          );
          for (const b of batches) {
            store.insertLine.run({
              docId: id,
              productId: b.product_id,
              batchId: b.id,
              batchNo: b.batch_no,
              mfgDate: b.mfg_date,
              expiryDate: b.expiry_date,
              qtyBase: null,
              bookQtyBase: b.qty_base,
              priceFen: b.purchase_price_fen,
              gift: 0,
              now: t,
            });
          }
          ctx.record(operatorId, 'stock.stocktakeStart', { docId: id, docNo, lines: batches.length, scope: inp.scope });
          return id;
        })
        .immediate();
      return store.view(docId);
    },

    /** Records a count; the line's book quantity becomes the batch's quantity at this moment. */
    stocktakeCount(docId: number, lineId: number, counted: number, operatorId: number): DocView {
      if (!Number.isSafeInteger(counted) || counted < 0) fail('盘点数量应为不小于 0 的整数', 'INVALID_INPUT');
      db.transaction(() => {
        sheet(docId, ['draft']);
        const l = store.line.get(lineId, docId);
        if (!l) fail('找不到该盘点行', 'NOT_FOUND');
        const b = store.batch.get(l.batch_id!)!;
        store.count.run({ id: lineId, counted, book: b.qty_base, operatorId, now: ctx.now() });
        store.touchDoc.run(ctx.now(), docId);
      }).immediate();
      return store.view(docId);
    },

    stocktakeSubmit(docId: number, operatorId: number): DocView {
      db.transaction(() => {
        const d = sheet(docId, ['draft']);
        const counted = store.lines.all(docId).filter((l) => l.qty_base !== null).length;
        if (counted === 0) fail('还没有盘点任何一行，不能提交', 'CONFLICT');
        store.setState.run({ id: docId, state: 'submitted', approvedBy: null, postedAt: null, now: ctx.now() });
        ctx.record(operatorId, 'stock.stocktakeSubmit', { docId, docNo: d.doc_no, counted });
      }).immediate();
      return store.view(docId);
    },

    stocktakeApprove(docId: number, managerId: number): DocView {
      if (!isManager(ctx.rolesOf(managerId))) fail('盘点审批只能由店长或管理员操作', 'FORBIDDEN');
      db.transaction(() => {
        const d = sheet(docId, ['submitted']);
        const t = ctx.now();
        const counted = store.lines
          .all(docId)
          .filter((l): l is DocLineRow & { qty_base: number } => l.qty_base !== null);
        if (counted.some((l) => l.counted_by === managerId)) {
          fail('您参与了本单的盘点，不能审批自己的盘点结果；请由其他店长或管理员审批', 'FORBIDDEN');
        }
        const opterName = facts.operatorName(managerId);
        const diffs: Record<string, unknown>[] = [];
        counted.forEach((l) => {
          const delta = l.qty_base - (l.book_qty_base ?? 0);
          if (delta === 0) return;
          const b = store.batch.get(l.batch_id!)!;
          const p = ctx.product(l.product_id)!;
          if (b.qty_base + delta < 0) {
            fail(
              `${p.name} 批号 ${b.batch_no}：盘损 ${qtyText(-delta, p)} 多于该批次现有库存 ${qtyText(b.qty_base, p)}（盘点后又有出库），请重新盘点该行`,
              'CONFLICT',
            );
          }
          const move = {
            batchId: b.id,
            productId: b.product_id,
            qtyBase: Math.abs(delta),
            refType: 'stock_doc_line',
            refId: l.id,
            operatorId: managerId,
            now: t,
            cause: delta > 0 ? 'stocktake_gain' : 'stocktake_loss',
          };
          if (delta > 0) stock.giveBack(move);
          else stock.take(move);
          store.queue(
            [
              build3502({
                product: facts.product(b.product_id)!,
                batch: facts.batch(b.id)!,
                refType: 'stocktake_diff',
                refId: l.id,
                chgType: delta > 0 ? STOCKTAKE_GAIN : STOCKTAKE_LOSS,
                qtyBase: Math.abs(delta),
                priceFen: b.purchase_price_fen,
                at: t,
                opterName,
                // which boxes were found or missing is not known: no codes with a difference
                codes: [],
              }),
            ],
            t,
          );
          diffs.push({
            lineId: l.id,
            batchId: b.id,
            batchNo: b.batch_no,
            before: b.qty_base,
            after: b.qty_base + delta,
            delta,
          });
        });
        for (const l of counted) {
          const b = store.batch.get(l.batch_id!)!;
          store.queue(
            [
              build3501({
                product: facts.product(b.product_id)!,
                batch: facts.batch(b.id)!,
                lineId: l.id,
                qtyBase: b.qty_base,
                invdate: d.invdate ?? ctx.today(),
                codes: traces.onShelf(b.id),
              }),
            ],
            t,
          );
        }
        store.setState.run({ id: docId, state: 'posted', approvedBy: managerId, postedAt: t, now: t });
        ctx.record(managerId, 'stock.stocktakeApprove', { docId, docNo: d.doc_no, counted: counted.length, diffs });
      }).immediate();
      ctx.log.info('inventory: stocktake approved', { docId });
      return store.view(docId);
    },

    stocktakeCancel(docId: number, operatorId: number): DocView {
      db.transaction(() => {
        const d = sheet(docId, ['draft', 'submitted']);
        store.setState.run({ id: docId, state: 'cancelled', approvedBy: null, postedAt: null, now: ctx.now() });
        ctx.record(operatorId, 'stock.stocktakeCancel', { docId, docNo: d.doc_no });
      }).immediate();
      return store.view(docId);
    },
  };
}
