import type { Role } from '../shared/roles';
import { stockChangeSchema, type DocView, type StockChangeInput } from '../shared/inventory';
import { CHANGE_TYPES, changeCause, chgTypeOf, signedDelta } from './change-types';
import {
  checkBatchDates,
  checkTraceCodes,
  isManager,
  parseInput,
  Problems,
  qtyText,
  type CheckedCode,
} from './doc-checks';
import { fail, type BatchRecord } from './doc-store';
import { build3502 } from './payloads';
import type { DocsContext, ProductRow } from './stock-docs';

/**
 * 库存变动 (3502 per line): 报损, 销毁, 报溢, 调拨, 赠药, 初始化入库, 其他 and the manager's 库存更正, each reason
 * with its inv_chg_type and direction (change-types.ts). Stock never goes below zero (the schema's CHECK refuses
 * it too; the message comes first). Every change is audited with each batch's quantity before and after; a
 * correction is a manager's or admin's, with a reason, and a refused attempt is audited as denied.
 */
export function createStockChanges(ctx: DocsContext) {
  const { db, log, now, today, store, stock, facts, traces, numbers } = ctx;
  const { newDoc, lineProduct, label, knownBatch, batchFor, traceOptions } = ctx;

  // --- 库存变动 -----------------------------------------------------------------------------------------

  function change(input: StockChangeInput, operator: { id: number; roles: readonly Role[] }): DocView {
    const inp = parseInput(stockChangeSchema, input);
    const type = CHANGE_TYPES[inp.reason];
    const correction = inp.reason === 'correction';
    if (correction && !isManager(operator.roles)) {
      ctx.record(operator.id, 'stock.correction', { reason: inp.note ?? null, lines: inp.lines.length }, 'denied');
      fail('库存更正只能由店长或管理员操作', 'FORBIDDEN');
    }
    if (correction && !inp.note) fail('库存更正须填写原因', 'INVALID_INPUT');
    const docId = db
      .transaction(() => {
        const t = now();
        const day = today();
        const problems = new Problems();
        const seen = new Map<string, number>();
        const batches = new Map<string, number>();
        const plans: {
          p: ProductRow;
          batch: BatchRecord | null;
          create: { batchNo: string; mfgDate: string; expiryDate: string; priceFen: number | null } | null;
          delta: number;
          priceFen: number | null;
          codes: CheckedCode[];
        }[] = [];
        inp.lines.forEach((l, i) => {
          const path = `lines.${i}`;
          let p: ProductRow | null;
          let b: BatchRecord | null;
          let create: (typeof plans)[number]['create'] = null;
          let lbl: string;
          if ('batchId' in l) {
            b = store.batch.get(l.batchId) ?? null;
            if (!b) {
              problems.add(`${path}.batchId`, `第${i + 1}行：找不到该批次`);
              return;
            }
            p = ctx.product(b.product_id)!;
            lbl = label(i, p, b.batch_no);
            if (correction ? l.qtyBase === 0 : l.qtyBase <= 0) {
              problems.add(`${path}.qtyBase`, `${lbl}：${correction ? '更正数量不能为 0' : '数量应大于 0'}`);
              return;
            }
          } else {
            p = lineProduct(problems, i, l.productId);
            if (!p) return;
            lbl = label(i, p, l.batchNo);
            if (!type.mayCreateBatch) {
              problems.add(`${path}.batchNo`, `${lbl}：${type.label}只能选择已有批次`);
              return;
            }
            if (!checkBatchDates(problems, path, lbl, l, day)) return;
            b = knownBatch(problems, path, lbl, p.id, l.batchNo, l.expiryDate ?? '');
            if (!b) {
              create = {
                batchNo: l.batchNo,
                mfgDate: l.mfgDate,
                expiryDate: l.expiryDate ?? '',
                priceFen: l.priceFen ?? null,
              };
            }
          }
          const lot = b ? `b${b.id}` : `n${p.id}\u0000${create!.batchNo}`;
          const first = batches.get(lot);
          if (first !== undefined) problems.add(path, `${lbl}：与第${first + 1}行是同一批次，请合并为一行`);
          else batches.set(lot, i);
          const delta = signedDelta(inp.reason, l.qtyBase);
          const held = b?.qty_base ?? 0;
          if (held + delta < 0) {
            problems.add(
              `${path}.qtyBase`,
              `${lbl}：${type.label} ${qtyText(-delta, p)} 超过库存，该批次仅剩 ${qtyText(held, p)}`,
            );
          }
          const codes = checkTraceCodes(
            { problems, traces, options: traceOptions(), seen },
            {
              index: i,
              path,
              label: lbl,
              raw: l.traceCodes,
              boxes: Math.ceil(Math.abs(delta) / (p.splitFactor ?? 1)),
              productId: p.id,
              batchId: b?.id ?? null,
              direction: delta > 0 ? 'in' : 'out',
            },
          );
          // the price reported with the change (3502 pric): what the line gives, else the batch's purchase price,
          // else the retail price (payloads.ts says why)
          const priceFen =
            ('priceFen' in l ? l.priceFen : undefined) ??
            b?.purchase_price_fen ??
            ctx.productFacts(p.id).retailPriceFen;
          plans.push({ p, batch: b, create, delta, priceFen, codes });
        });
        problems.throwIfAny();

        const codesUsed = new Set(plans.map((x) => chgTypeOf(inp.reason, x.delta)));
        const docNo = numbers.next('change', day);
        const id = newDoc({
          kind: 'change',
          docNo,
          state: 'posted',
          operatorId: operator.id,
          at: t,
          posted: true,
          chgType: codesUsed.size === 1 ? [...codesUsed][0]! : null,
          correction,
          changeReason: inp.reason,
          note: inp.note,
        });
        const opterName = facts.operatorName(operator.id);
        const trail: Record<string, unknown>[] = [];
        for (const x of plans) {
          const batchId =
            x.batch?.id ??
            batchFor(null, { productId: x.p.id, ...x.create!, supplier: null, priceFen: x.create!.priceFen }, t);
          const bookNo = x.batch?.batch_no ?? x.create!.batchNo;
          const before = x.batch?.qty_base ?? 0;
          const lineId = Number(
            store.insertLine.run({
              docId: id,
              productId: x.p.id,
              batchId,
              batchNo: bookNo,
              mfgDate: x.batch?.mfg_date ?? x.create!.mfgDate,
              expiryDate: x.batch?.expiry_date ?? x.create!.expiryDate,
              qtyBase: x.delta,
              bookQtyBase: null,
              priceFen: x.priceFen,
              gift: 0,
              now: t,
            }).lastInsertRowid,
          );
          const move = {
            batchId,
            productId: x.p.id,
            qtyBase: Math.abs(x.delta),
            refType: 'stock_doc_line',
            refId: lineId,
            operatorId: operator.id,
            now: t,
            cause: changeCause(inp.reason),
          };
          if (x.delta > 0) stock.giveBack(move);
          else if (!stock.take(move)) fail(`${x.p.name} 批号 ${bookNo}：库存刚刚发生变化，请重新填写`, 'CONFLICT');
          for (const c of x.codes) {
            const row = { ...c, productId: x.p.id, batchId, docLineId: lineId, now: t };
            if (x.delta > 0) traces.tie(row);
            else traces.markOut(row);
          }
          store.queue(
            [
              build3502({
                product: facts.product(x.p.id)!,
                batch: facts.batch(batchId)!,
                refType: 'change_line',
                refId: lineId,
                chgType: chgTypeOf(inp.reason, x.delta),
                qtyBase: Math.abs(x.delta),
                priceFen: x.priceFen,
                at: t,
                opterName,
                codes: x.codes.map((c) => c.code),
              }),
            ],
            t,
          );
          trail.push({
            batchId,
            productId: x.p.id,
            batchNo: bookNo,
            before,
            after: before + x.delta,
            delta: x.delta,
            chgType: chgTypeOf(inp.reason, x.delta),
            traceCodes: x.codes.map((c) => c.code),
          });
        }
        ctx.record(operator.id, correction ? 'stock.correction' : 'stock.change', {
          docId: id,
          docNo,
          reason: inp.reason,
          note: inp.note ?? null,
          lines: trail,
        });
        return id;
      })
      .immediate();
    log.info('inventory: stock change posted', { docId, reason: inp.reason, lines: inp.lines.length });
    return store.view(docId);
  }

  return { change };
}
