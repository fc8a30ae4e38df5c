import type { Db } from '../db/connection';
import { fenToYuan } from '../shared/money';
import { PAYMENT_LABELS, padEnd, padStart, type PaymentMethod } from '../shared/receipt';

/**
 * 交班 (shift hand-over): what each operator took between two moments — sales and refunds, the insurance fund
 * and account parts, and the money by payment method — so the drawer can be counted against it.
 */

export interface ShiftTotals {
  operatorId: number;
  operator: string;
  sales: number;
  refunds: number;
  totalFen: number;
  fundFen: number;
  accountFen: number;
  /** what customers paid, by method (refunds paid back are subtracted) */
  byMethod: Record<PaymentMethod, number>;
  changeFen: number;
}

export interface ShiftReport {
  from: string;
  to: string;
  operators: ShiftTotals[];
}

export function shiftReport(db: Db, a: { from: number; to: number; operatorId?: number | null }): ShiftReport {
  const rows = db
    .prepare(
      `SELECT s.id, s.kind, s.operator_id, o.display_name AS operator, s.total_fen, s.fund_fen, s.acct_fen,
              s.change_fen, s.orig_sale_id
         FROM sales s JOIN operators o ON o.id = s.operator_id
        WHERE s.state IN ('completed', 'refunded') AND s.completed_at >= @from AND s.completed_at < @to
          AND (@op IS NULL OR s.operator_id = @op)
        ORDER BY o.display_name, s.id`,
    )
    .all({ from: a.from, to: a.to, op: a.operatorId ?? null }) as {
    id: number;
    kind: 'sale' | 'refund';
    operator_id: number;
    operator: string;
    total_fen: number;
    fund_fen: number;
    acct_fen: number;
    change_fen: number;
    orig_sale_id: number | null;
  }[];
  const pays = db.prepare('SELECT method, amount_fen FROM sale_payments WHERE sale_id = ?');
  const original = db.prepare('SELECT fund_fen, acct_fen FROM sales WHERE id = ?');
  const by = new Map<number, ShiftTotals>();
  for (const r of rows) {
    let t = by.get(r.operator_id);
    if (!t) {
      t = {
        operatorId: r.operator_id,
        operator: r.operator,
        sales: 0,
        refunds: 0,
        totalFen: 0,
        fundFen: 0,
        accountFen: 0,
        byMethod: { cash: 0, wechat: 0, alipay: 0, bankcard: 0 },
        changeFen: 0,
      };
      by.set(r.operator_id, t);
    }
    const sign = r.kind === 'refund' ? -1 : 1;
    if (r.kind === 'sale') t.sales++;
    else t.refunds++;
    t.totalFen += sign * r.total_fen;
    const money =
      r.kind === 'refund' && r.orig_sale_id !== null
        ? (original.get(r.orig_sale_id) as { fund_fen: number; acct_fen: number })
        : { fund_fen: r.fund_fen, acct_fen: r.acct_fen };
    t.fundFen += sign * money.fund_fen;
    t.accountFen += sign * money.acct_fen;
    for (const p of pays.all(r.id) as { method: PaymentMethod; amount_fen: number }[]) {
      t.byMethod[p.method] += sign * p.amount_fen;
    }
    if (r.kind === 'sale') {
      // change given back comes out of the cash taken
      t.byMethod.cash -= r.change_fen;
      t.changeFen += r.change_fen;
    }
  }
  return { from: new Date(a.from).toISOString(), to: new Date(a.to).toISOString(), operators: [...by.values()] };
}

/** The report as printable lines (the printer's text layout pads them to the paper). */
export function shiftReportLines(r: ShiftReport, from: string, to: string): string[] {
  const row = (label: string, fen: number) => `${padEnd(label, 16)}${padStart(fenToYuan(fen), 14)}`;
  const out = [`时间 ${from}`, `  至 ${to}`, ''];
  for (const t of r.operators) {
    out.push(`收银员 ${t.operator}`, `销售 ${t.sales} 笔  退货 ${t.refunds} 笔`);
    out.push(row('销售合计', t.totalFen), row('医保统筹', t.fundFen), row('个人账户', t.accountFen));
    for (const m of Object.keys(PAYMENT_LABELS) as PaymentMethod[]) out.push(row(PAYMENT_LABELS[m], t.byMethod[m]));
    out.push('');
  }
  if (r.operators.length === 0) out.push('本时段没有销售');
  return out;
}
