import { create } from 'zustand';
import type {
  FoundSale,
  RefundOutcome,
  SaleView,
  ShiftReportView,
  SpecialRegisterView,
} from '../../../app/shared/counter';
import { PAYMENT_LABELS, type PaymentMethod } from '../../../app/shared/receipt';
import { call, toFailure, type Failure } from '../api/pos';
import { useCounterStore } from './counter';
import { useSessionStore } from './session';

/**
 * The counter's after-sale work: 退货 (find a sale, tick the lines to return, see what will happen,
 * confirm, read the outcome), 交班 (the shift report, printed on the receipt printer) and the
 * 特殊药品登记 (the special-drug register, exported as a file). Times are Beijing time, as on the
 * receipts and in the center's messages, whatever the computer's clock zone is.
 */

// ---- Beijing time ------------------------------------------------------------------------------

const BEIJING_OFFSET_MS = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-03-08 14:05 in Beijing time. */
export function formatBeijing(d: Date, seconds = false): string {
  const b = new Date(d.getTime() + BEIJING_OFFSET_MS);
  const base =
    `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())} ` +
    `${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`;
  return seconds ? `${base}:${pad(b.getUTCSeconds())}` : base;
}

/** Today 00:00 and now, Beijing time, as typed text. */
export function todaySoFar(now = new Date()): { from: string; to: string } {
  const to = formatBeijing(now);
  return { from: `${to.slice(0, 10)} 00:00`, to };
}

/**
 * Typed Beijing time ("2026-03-08 14:30", or a bare date: its start, or its end for the upper bound)
 * → ISO with +08:00; null when it is not a real date and time.
 */
export function parseBeijing(text: string, endOfDay: boolean): string | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：](\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hasTime = m[4] !== undefined;
  const h = hasTime ? Number(m[4]) : 0;
  const mi = hasTime ? Number(m[5]) : 0;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  if (h > 23 || mi > 59) return null;
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  if (!hasTime && endOfDay) {
    // the end of that day: the next day's 00:00 (the report's upper bound is exclusive)
    const next = new Date(Date.UTC(y, mo - 1, d + 1));
    return `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}T00:00:00+08:00`;
  }
  return `${date}T${pad(h)}:${pad(mi)}:${hasTime && endOfDay ? '59' : '00'}+08:00`;
}

/** A period typed by the user, checked: ISO bounds or the problem in words. */
export function readPeriod(
  from: string,
  to: string,
): { ok: true; from: string; to: string } | { ok: false; message: string } {
  const f = parseBeijing(from, false);
  const t = parseBeijing(to, true);
  if (!f || !t) return { ok: false, message: '时间应写成 2026-03-08 或 2026-03-08 14:30（北京时间）' };
  if (Date.parse(f) >= Date.parse(t)) return { ok: false, message: '开始时间应早于结束时间' };
  return { ok: true, from: f, to: t };
}

const problem = (code: Failure['code'], message: string): Failure => ({ code, message, fields: [] });

export const paymentLabel = (method: string) => PAYMENT_LABELS[method as PaymentMethod] ?? method;

// ---- refund ------------------------------------------------------------------------------------

export type RefundStep = 'find' | 'lines' | 'confirm' | 'done';

export interface RefundPlan {
  returning: number[];
  kept: number[];
  /** the amount of the ticked lines (self-pay), or the whole sale (insurance: cancelled whole) */
  goodsFen: number;
  /** what the customer gets back, by method, as the main process will work it out */
  payback: { method: string; amountFen: number }[];
  insured: boolean;
  /** an insurance sale with some lines kept: full cancellation and a new cart */
  newCart: boolean;
  problem: string | null;
}

interface AfterSaleState {
  step: RefundStep;
  query: string;
  found: FoundSale[] | null;
  sale: SaleView | null;
  foundSale: FoundSale | null;
  /** the lines ticked to return */
  returning: number[];
  outcome: RefundOutcome | null;
  busy: string | null;
  failure: Failure | null;

  shift: ShiftReportView | null;
  shiftBusy: string | null;
  shiftFailure: Failure | null;

  register: { rows: SpecialRegisterView[]; exportedTo: string | null } | null;
  registerBusy: string | null;
  registerFailure: Failure | null;
}

const initial: AfterSaleState = {
  step: 'find',
  query: '',
  found: null,
  sale: null,
  foundSale: null,
  returning: [],
  outcome: null,
  busy: null,
  failure: null,
  shift: null,
  shiftBusy: null,
  shiftFailure: null,
  register: null,
  registerBusy: null,
  registerFailure: null,
};

export const useAfterSaleStore = create<AfterSaleState>()(() => initial);
const set = useAfterSaleStore.setState;
const get = useAfterSaleStore.getState;

export function resetAfterSale(): void {
  set(initial);
}

// Nothing of one operator's after-sale work stays for the next one.
let lastOperatorId: number | null = useSessionStore.getState().operator?.id ?? null;
useSessionStore.subscribe((s) => {
  const id = s.operator?.id ?? null;
  if (id !== lastOperatorId) {
    lastOperatorId = id;
    resetAfterSale();
  }
});

/** A fresh refund (the dialog opens). */
export function startRefund(): void {
  set({
    step: 'find',
    query: '',
    found: null,
    sale: null,
    foundSale: null,
    returning: [],
    outcome: null,
    busy: null,
    failure: null,
  });
}

export function setRefundQuery(query: string): void {
  set({ query });
}

export async function findSales(): Promise<void> {
  const q = get().query.trim();
  if (!q) {
    set({ failure: problem('INVALID_INPUT', '请输入小票号、结算ID或证件号') });
    return;
  }
  set({ busy: '正在查找…', failure: null, found: null });
  try {
    const found = await call('counter.findSales', { q });
    set({ found });
    // one sale that can still be refunded: straight to its lines
    if (found.length === 1 && !found[0]!.refunded) await openFoundSale(found[0]!);
  } catch (e) {
    set({ failure: toFailure(e) });
  } finally {
    set({ busy: null });
  }
}

export async function openFoundSale(f: FoundSale): Promise<void> {
  if (f.refunded) {
    set({ failure: problem('CONFLICT', `小票 ${f.receiptNo} 已全部退货`) });
    return;
  }
  set({ busy: '正在读取销售单…', failure: null });
  try {
    const sale = await call('counter.get', { saleId: f.id });
    set({ sale, foundSale: f, returning: sale.lines.filter((l) => !l.returned).map((l) => l.id), step: 'lines' });
  } catch (e) {
    set({ failure: toFailure(e) });
  } finally {
    set({ busy: null });
  }
}

export function toggleReturn(lineId: number): void {
  set((s) => ({
    returning: s.returning.includes(lineId)
      ? s.returning.filter((x) => x !== lineId)
      : s.sale?.lines.find((l) => l.id === lineId)?.returned
        ? s.returning
        : [...s.returning, lineId],
  }));
}

export function setAllReturn(all: boolean): void {
  const sale = get().sale;
  set({ returning: all && sale ? sale.lines.filter((l) => !l.returned).map((l) => l.id) : [] });
}

export function backToFind(): void {
  set({ step: 'find', sale: null, foundSale: null, returning: [], failure: null });
}

export function toConfirm(): void {
  const s = get();
  if (!s.sale) return;
  const plan = refundPlan(s.sale, s.returning);
  if (plan.problem) {
    set({ failure: problem('INVALID_INPUT', plan.problem) });
    return;
  }
  set({ step: 'confirm', failure: null });
}

export function backToLines(): void {
  set({ step: 'lines', failure: null });
}

/**
 * What the refund will do, worked out as the main process does it (app/counter/refund.ts): the money
 * goes back non-cash first (to the same wallet or card), cash last, cash net of the change given.
 */
export function refundPlan(sale: SaleView, returning: readonly number[]): RefundPlan {
  const insured = sale.settlement !== null;
  const ret = sale.lines.filter((l) => returning.includes(l.id)).map((l) => l.id);
  // lines returned before are neither returned again nor kept
  const kept = sale.lines.filter((l) => !returning.includes(l.id) && !l.returned).map((l) => l.id);
  const goodsFen = insured
    ? sale.totalFen
    : sale.lines.filter((l) => ret.includes(l.id)).reduce((n, l) => n + l.amountFen, 0);
  // insurance: the customer's own part of the whole sale comes back (the cancellation is whole)
  const backFen = insured ? sale.payments.reduce((n, p) => n + p.amountFen, 0) - sale.changeFen : goodsFen;
  const paid = sale.payments.map((p) => ({ method: p.method as string, amountFen: p.amountFen }));
  const cash = paid.find((p) => p.method === 'cash');
  if (cash) cash.amountFen -= sale.changeFen;
  const payback: RefundPlan['payback'] = [];
  let left = backFen;
  for (const p of [...paid.filter((x) => x.method !== 'cash'), ...paid.filter((x) => x.method === 'cash')]) {
    const n = Math.min(left, p.amountFen);
    if (n > 0) payback.push({ method: p.method, amountFen: n });
    left -= n;
  }
  if (left > 0) payback.push({ method: 'cash', amountFen: left });
  return {
    returning: ret,
    kept,
    goodsFen,
    payback,
    insured,
    newCart: insured && ret.length > 0 && kept.length > 0,
    problem: ret.length === 0 ? '请至少勾选一种要退的商品（空格键勾选）' : null,
  };
}

export async function confirmRefund(): Promise<void> {
  const s = get();
  if (!s.sale || s.busy) return;
  const plan = refundPlan(s.sale, s.returning);
  if (plan.problem) return;
  set({ busy: plan.insured ? '正在撤销医保结算（2103）…' : '正在退货…', failure: null });
  try {
    const outcome = await call('counter.refund', { saleId: s.sale.id, keepLineIds: plan.kept });
    set({ outcome, step: 'done' });
    // the counter's "上一单" card must not go on showing a sale that was just refunded
    if (useCounterStore.getState().finished?.sale.id === s.sale.id) useCounterStore.setState({ finished: null });
  } catch (e) {
    set({ failure: toFailure(e), step: 'confirm' });
  } finally {
    set({ busy: null });
  }
}

// ---- 交班 ---------------------------------------------------------------------------------------

export async function loadShift(from: string, to: string, print: boolean): Promise<void> {
  if (get().shiftBusy) return;
  set({ shiftBusy: print ? '正在打印交班报表…' : '正在统计…', shiftFailure: null });
  try {
    set({ shift: await call('counter.shiftReport', { from, to, print }) });
  } catch (e) {
    set({ shiftFailure: toFailure(e) });
  } finally {
    set({ shiftBusy: null });
  }
}

export function shiftFailed(message: string): void {
  set({ shiftFailure: problem('INVALID_INPUT', message) });
}

// ---- 特殊药品登记 --------------------------------------------------------------------------------

export async function loadRegister(from: string, to: string, exportFile: boolean): Promise<void> {
  if (get().registerBusy) return;
  set({ registerBusy: exportFile ? '正在导出…' : '正在查询…', registerFailure: null });
  try {
    set({ register: await call('counter.specialRegister', { from, to, export: exportFile }) });
  } catch (e) {
    set({ registerFailure: toFailure(e) });
  } finally {
    set({ registerBusy: null });
  }
}

export function registerFailed(message: string): void {
  set({ registerFailure: problem('INVALID_INPUT', message) });
}
