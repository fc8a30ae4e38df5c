import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';
import type { Logger } from '../core/logger';
import type { NhsaOperator } from '../nhsa/client';
import type { NhsaService } from '../nhsa/service';
import { AppError } from '../shared/errors';
import { fenToYuan, yuanToFen } from '../shared/money';
import { insuplcOf, type StoredPerson } from './person';
import { createSaleStore, type SaleRow } from './sale-store';
import { createStock } from './stock';
import { createTraceRegistry } from '../inventory/trace-registry';
import { returnUploadPayloads, type DutyPharmacist } from './upload-payloads';

/**
 * Refunds (退货), for a manager. An insurance settlement can only be cancelled whole (2103, settlement.md §5.4),
 * so:
 * - a full refund cancels the settlement, gives the stock back, queues 3506 for every line and pays the
 *   customer back what they paid (the insurance part returns to the fund and the account by the 2103);
 * - a partial refund is the same full cancellation, plus a new cart holding the kept lines for the same person,
 *   to be settled again at once — the screen says so in these words, so nobody thinks a line was refunded
 *   alone.
 * A self-pay sale has no center call; lines can be returned one by one.
 *
 * Crash safety follows the sale's rule: the refund row ('settling', ref 'sale:<refund id>') is on disk before
 * 2103 leaves; an unknown 2103 is reversed by the queue (the original settlement then stands) and the refund
 * is voided with a notice once the reversal is confirmed.
 */

export interface RefundResult {
  refundId: number;
  /** what goes back to the customer, by method */
  payback: { method: string; amountFen: number }[];
  /** the new sale holding the kept lines of a partial refund of an insurance sale */
  keptSaleId: number | null;
  message: string;
}

export function createRefunds(deps: {
  db: Db;
  log: Logger;
  now: () => number;
  nhsa: NhsaService | null;
  nhsaOperator: (operatorId: number) => NhsaOperator;
  /** the pharmacist on duty, for the 3506 records (settings gsp.pharmacist_*) */
  dutyPharmacist: () => DutyPharmacist;
}) {
  const { db, log, now } = deps;
  const store = createSaleStore(db);
  const stock = createStock(db);
  const traces = createTraceRegistry(db);
  const opName = db.prepare('SELECT display_name FROM operators WHERE id = ?').pluck() as Statement<[number], string>;
  const find = db.prepare(
    `SELECT id, receipt_no, setl_id, total_fen, cash_due_fen, completed_at, person IS NOT NULL AS insured, state
       FROM sales WHERE kind = 'sale' AND state IN ('completed', 'refunded')
        AND (receipt_no = @q OR setl_id = @q OR json_extract(person, '$.idNo') = @q
             OR json_extract(person, '$.certNo') = @q OR json_extract(person, '$.psnNo') = @q)
      ORDER BY id DESC LIMIT 50`,
  ) as Statement<
    { q: string },
    {
      id: number;
      receipt_no: string;
      setl_id: string | null;
      total_fen: number;
      cash_due_fen: number;
      completed_at: number;
      insured: number;
      state: string;
    }
  >;
  // A returned line has its stock-ledger row (ref 'return_line', the line id) — every line, reported to the center
  // or not; older refunds are known by their 3506 row.
  const returnedLines = db
    .prepare(
      `SELECT ref_id FROM stock_ledger WHERE ref_type = 'return_line'
        AND ref_id IN (SELECT id FROM sale_lines WHERE sale_id = @saleId)
       UNION
       SELECT ref_id FROM upload_outbox WHERE infno = '3506' AND ref_type = 'return_line'
        AND ref_id IN (SELECT id FROM sale_lines WHERE sale_id = @saleId)`,
    )
    .pluck() as Statement<[{ saleId: number }], number>;

  function fail(message: string, code: 'CONFLICT' | 'INVALID_INPUT' | 'NOT_FOUND' = 'CONFLICT'): never {
    throw new AppError(code, message);
  }

  /** Stock back, 3506 rows, money back: the refund row completes in one transaction. */
  function book(
    refundId: number,
    original: SaleRow,
    lineIds: number[],
    operatorId: number,
    payback: RefundResult['payback'],
  ): void {
    const t = now();
    const person = original.person ? (JSON.parse(original.person) as StoredPerson) : null;
    for (const l of store.lines.all(original.id).filter((x) => lineIds.includes(x.id))) {
      // ledger row per returned line (ref 'return_line' = the original line): it marks the line returned
      stock.giveBack({
        batchId: l.batch_id!,
        productId: l.product_id,
        qtyBase: l.qty_base,
        refType: 'return_line',
        refId: l.id,
        operatorId,
        now: t,
        cause: 'sale_return',
      });
    }
    traces.restoreForReturn(lineIds, t);
    const duty = deps.dutyPharmacist();
    for (const r of returnUploadPayloads(db, original, person, lineIds, t, opName.get(operatorId) ?? '', duty)) {
      store.outbox.run({
        infno: r.infno,
        refType: r.refType,
        refId: r.refId,
        payload: JSON.stringify(r.payload),
        now: t,
      });
    }
    for (const p of payback)
      store.insertPayment.run({ saleId: refundId, method: p.method, amountFen: p.amountFen, now: t });
    const allReturned = store.lines
      .all(original.id)
      .every((l) => lineIds.includes(l.id) || returnedLines.all({ saleId: original.id }).includes(l.id));
    store.update(refundId, t, {
      state: 'completed',
      completed_at: t,
      paid_fen: payback.reduce((n, p) => n + p.amountFen, 0),
    });
    if (allReturned) store.update(original.id, t, { state: 'refunded' });
  }

  /** The customer gets back what they paid, by the methods they paid with (cash net of change). */
  function paybackOf(original: SaleRow, amountFen: number): RefundResult['payback'] {
    const paid = store.payments.all(original.id).map((p) => ({ method: p.method, amountFen: p.amount_fen }));
    const cash = paid.find((p) => p.method === 'cash');
    if (cash) cash.amountFen -= original.change_fen;
    const out: RefundResult['payback'] = [];
    let left = amountFen;
    // Non-cash first (back to the same wallet or card), cash last.
    for (const p of [...paid.filter((x) => x.method !== 'cash'), ...paid.filter((x) => x.method === 'cash')]) {
      const n = Math.min(left, p.amountFen);
      if (n > 0) out.push({ method: p.method, amountFen: n });
      left -= n;
    }
    if (left > 0) out.push({ method: 'cash', amountFen: left });
    return out;
  }

  return {
    find: (q: string) =>
      find.all({ q: q.trim() }).map((r) => ({
        id: r.id,
        receiptNo: r.receipt_no,
        setlId: r.setl_id,
        totalFen: r.total_fen,
        paidFen: r.cash_due_fen,
        insured: r.insured === 1,
        refunded: r.state === 'refunded',
        completedAt: new Date(r.completed_at).toISOString(),
      })),

    async refund(saleId: number, operatorId: number, keepLineIds: readonly number[] = []): Promise<RefundResult> {
      const original = store.sale.get(saleId);
      if (!original || original.kind !== 'sale') fail('找不到该销售单', 'NOT_FOUND');
      if (original.state !== 'completed') fail(original.state === 'refunded' ? '该单已退货' : '该单尚未完成，不能退货');
      const lines = store.lines.all(saleId);
      const already = new Set(returnedLines.all({ saleId }));
      const returning = lines.filter((l) => !keepLineIds.includes(l.id) && !already.has(l.id)).map((l) => l.id);
      if (returning.length === 0) fail('没有可退的商品', 'INVALID_INPUT');
      const insured = original.setl_id !== null;
      const refundId = Number(
        store.insert.run({ kind: 'refund', origSaleId: saleId, operatorId, now: now() }).lastInsertRowid,
      );

      if (!insured) {
        const amount = lines.filter((l) => returning.includes(l.id)).reduce((n, l) => n + l.amount_fen, 0);
        const payback = paybackOf(original, amount);
        db.transaction(() => {
          store.update(refundId, now(), { total_fen: amount });
          book(refundId, original, returning, operatorId, payback);
        })();
        log.info('counter: self-pay refund', { saleId, refundId, lines: returning.length, amountFen: amount });
        return { refundId, payback, keptSaleId: null, message: `已退货，应退顾客 ${fenToYuan(amount)} 元` };
      }

      // Insurance: the settlement is cancelled whole; kept lines are settled again in a new cart.
      const nhsa = deps.nhsa;
      if (!nhsa) fail('医保服务未启动，不能撤销医保结算');
      if (already.size) fail('该单已部分退货，请联系医保中心处理');
      const person = JSON.parse(original.person!) as StoredPerson;
      store.update(refundId, now(), { state: 'settling', person: original.person, insutype: original.insutype });
      const r = await nhsa.call(
        '2103',
        { data: { setl_id: original.setl_id, mdtrt_id: original.mdtrt_id, psn_no: person.psnNo } },
        {
          operator: deps.nhsaOperator(operatorId),
          insuplcAdmdvs: insuplcOf(person, original.insutype),
          source: 'counter',
          ref: `sale:${refundId}`,
        },
      );
      if (r.kind !== 'ok') {
        const unknown = r.kind === 'unknown';
        store.update(refundId, now(), {
          state: unknown ? 'reversing' : 'voided',
          settle_msgid: r.msgid,
          notice: unknown ? '撤销结算结果未知，系统正在冲正；冲正完成后原结算仍有效，请重新办理退货' : null,
        });
        const why = r.kind === 'business_error' ? `医保中心返回：${r.errMsg}` : r.reason;
        throw new AppError(
          r.kind === 'business_error' ? 'NHSA_REFUSED' : unknown ? 'NHSA_UNKNOWN' : 'NHSA_NOT_SENT',
          unknown ? `撤销医保结算结果未知（${why}），系统已自动冲正，请稍后重新办理退货` : `撤销医保结算失败：${why}`,
        );
      }
      const setl = (r.output.setlinfo ?? {}) as Record<string, unknown>;
      const refundedCash = Math.abs(yuanToFen(setl.cash_payamt ?? setl.psn_cash_pay) ?? original.cash_due_fen);
      const payback = paybackOf(original, Math.min(refundedCash, original.cash_due_fen) || original.cash_due_fen);
      let keptSaleId: number | null = null;
      db.transaction(() => {
        store.update(refundId, now(), {
          settle_msgid: r.msgid,
          setl_id: setl.setl_id === undefined ? null : String(setl.setl_id),
          settlement: JSON.stringify({ msgid: r.msgid, setlinfo: setl }),
          total_fen: original.total_fen,
        });
        book(
          refundId,
          original,
          lines.map((l) => l.id),
          operatorId,
          payback,
        );
        const kept = lines.filter((l) => keepLineIds.includes(l.id));
        if (kept.length) {
          keptSaleId = Number(
            store.insert.run({ kind: 'sale', origSaleId: null, operatorId, now: now() }).lastInsertRowid,
          );
          for (const l of kept) {
            const lineId = store.addLine({
              saleId: keptSaleId,
              productId: l.product_id,
              batchId: l.batch_id,
              batchOverride: l.batch_override,
              split: l.split,
              qty: l.qty,
              qtyBase: l.qty_base,
              unit: l.unit,
              unitPriceFen: l.unit_price_fen,
              amountFen: l.amount_fen,
              now: now(),
            });
            for (const t of store.traces.all(saleId).filter((x) => x.line_id === l.id)) {
              store.insertTrace.run({
                saleId: keptSaleId,
                lineId,
                code: t.code,
                key: t.key,
                split: t.split,
                now: now(),
              });
            }
          }
          store.update(keptSaleId, now(), {
            total_fen: kept.reduce((n, l) => n + l.amount_fen, 0),
            person: original.person,
            insutype: original.insutype,
            acct_used: original.acct_used,
            notice: '部分退货：原医保结算已整单撤销，保留的商品已放入本单，请预结算并重新结算收款',
          });
        }
      })();
      log.info('counter: insurance refund', { saleId, refundId, kept: keepLineIds.length, keptSaleId });
      const back = payback.reduce((n, p) => n + p.amountFen, 0);
      return {
        refundId,
        payback,
        keptSaleId,
        message:
          keptSaleId === null
            ? `医保结算已撤销，应退顾客 ${fenToYuan(back)} 元（统筹和个人账户部分已退回医保）`
            : `原医保结算已整单撤销（应退顾客 ${fenToYuan(back)} 元），保留的 ${keepLineIds.length} 种商品已放入新的销售单，请重新结算收款`,
      };
    },
  };
}

export type Refunds = ReturnType<typeof createRefunds>;
