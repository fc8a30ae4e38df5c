import { create } from 'zustand';
import type { BatchOption, ParkedSale, PersonMediumInput, PrintOutcome, SaleView } from '../../../app/shared/counter';
import type { PaperWidth, PaymentMethod, ReceiptLine } from '../../../app/shared/receipt';
import { call, toFailure, type Failure } from '../api/pos';
import { useSessionStore } from './session';

/**
 * The checkout (收银台): the operator's sale in progress as the main process sees it, and the one
 * finished just before (its change, receipt and print outcome stay on screen while the next
 * customer's first item is scanned). Every change goes through one queue, so a burst of scans is
 * sent — and answered — in the order it was made.
 */

export interface FinishedSale {
  sale: SaleView;
  receipt: { paperWidth: PaperWidth; lines: ReceiptLine[] } | null;
  receiptError: string | null;
  print: PrintOutcome | null;
  printing: boolean;
  /** cash was taken: the drawer was opened with the print */
  cashTaken: boolean;
}

export interface CounterState {
  sale: SaleView | null;
  selectedLineId: number | null;
  /** what is on its way to the main process, for the status line ('正在结算…') */
  busy: string | null;
  /** the sale could not be loaded at all */
  loadError: Failure | null;
  finished: FinishedSale | null;
}

const initial: CounterState = { sale: null, selectedLineId: null, busy: null, loadError: null, finished: null };

export const useCounterStore = create<CounterState>()(() => initial);
const set = useCounterStore.setState;
const get = useCounterStore.getState;

let queue: Promise<unknown> = Promise.resolve();
let generation = 0;
let pollTimer: ReturnType<typeof setTimeout> | null = null;
const POLL_MS = 1500;

export function resetCounter(): void {
  generation++;
  queue = Promise.resolve();
  stopPolling();
  set(initial);
}

// The next operator at the counter starts clean (the session store does not know about this one).
let lastOperatorId: number | null = useSessionStore.getState().operator?.id ?? null;
useSessionStore.subscribe((s) => {
  const id = s.operator?.id ?? null;
  if (id !== lastOperatorId) {
    lastOperatorId = id;
    resetCounter();
  }
});

/** Runs one call after the ones before it; rejects with PosError like `call`. */
function enqueue<T>(busy: string | null, fn: () => Promise<T>): Promise<T> {
  const gen = generation;
  const run = async () => {
    if (gen !== generation) throw new Error('stale');
    if (busy) set({ busy });
    try {
      return await fn();
    } finally {
      if (busy && gen === generation) set({ busy: null });
    }
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}

function applySale(sale: SaleView, selectLineId?: number | null): void {
  const s = get();
  let selected = selectLineId ?? s.selectedLineId;
  if (selected === null || !sale.lines.some((l) => l.id === selected)) {
    selected = sale.lines.length ? sale.lines[sale.lines.length - 1]!.id : null;
  }
  set({ sale, selectedLineId: selected, loadError: null });
  if (sale.state === 'reversing' || sale.state === 'settling') startPolling();
  else stopPolling();
}

function stopPolling(): void {
  if (pollTimer !== null) clearTimeout(pollTimer);
  pollTimer = null;
}

/** While the center has not confirmed a reversal, ask again until the cart is given back. */
function startPolling(): void {
  if (pollTimer !== null) return;
  const gen = generation;
  pollTimer = setTimeout(() => {
    pollTimer = null;
    const sale = get().sale;
    if (gen !== generation || !sale || (sale.state !== 'reversing' && sale.state !== 'settling')) return;
    call('counter.get', { saleId: sale.id })
      .then((v) => {
        if (gen === generation && get().sale?.id === v.id) applySale(v);
      })
      .catch(() => {
        if (gen === generation) startPolling();
      });
  }, POLL_MS);
}

function saleId(): number {
  const s = get().sale;
  if (!s) throw new Error('no sale');
  return s.id;
}

/** The operator's sale in progress, or a new empty one. */
export async function loadSale(): Promise<void> {
  try {
    await enqueue(null, async () => {
      const active = await call('counter.active', {});
      applySale(active ?? (await call('counter.start', {})));
    });
  } catch (e) {
    set({ loadError: toFailure(e) });
  }
}

/** Reads the sale again (after a refusal that may have changed its state, e.g. an unknown settlement). */
export async function refreshSale(): Promise<void> {
  const s = get().sale;
  if (!s) return loadSale();
  try {
    applySale(await call('counter.get', { saleId: s.id }));
  } catch {
    /* the error the cashier needs was already shown */
  }
}

export function selectLine(lineId: number | null): void {
  set({ selectedLineId: lineId });
}

export function moveSelection(delta: number): void {
  const { sale, selectedLineId } = get();
  if (!sale || sale.lines.length === 0) return;
  const i = sale.lines.findIndex((l) => l.id === selectedLineId);
  const next = Math.max(0, Math.min(sale.lines.length - 1, (i < 0 ? sale.lines.length : i) + delta));
  set({ selectedLineId: sale.lines[next]!.id });
}

export type ScanResult =
  | { kind: 'added' | 'trace'; message: string | null; lineId: number }
  | { kind: 'choose'; candidates: { id: number; code: string; name: string; spec: string | null }[] };

export function scanCode(code: string): Promise<ScanResult> {
  return enqueue(null, async () => {
    const r = await call('counter.scan', { saleId: saleId(), code });
    if (r.kind === 'choose') {
      applySale(r.sale);
      return { kind: 'choose', candidates: r.candidates };
    }
    applySale(r.sale, r.lineId);
    return { kind: r.kind, message: r.message, lineId: r.lineId };
  });
}

export function addProduct(productId: number, qty = 1, batchId?: number): Promise<string | null> {
  return enqueue(null, async () => {
    const r = await call('counter.addProduct', { saleId: saleId(), productId, qty, batchId });
    applySale(r.sale, r.lineId);
    return r.message;
  });
}

export function setQuantity(lineId: number, qty: number): Promise<void> {
  return enqueue(null, async () => applySale(await call('counter.updateLine', { saleId: saleId(), lineId, qty })));
}

/** 拆零 on (sold by the piece, starting at one) or back to whole packages. */
export function setSplit(lineId: number, split: boolean): Promise<void> {
  return enqueue(null, async () =>
    applySale(await call('counter.updateLine', { saleId: saleId(), lineId, split }), lineId),
  );
}

export function setBatch(lineId: number, batchId: number): Promise<void> {
  return enqueue(null, async () =>
    applySale(await call('counter.updateLine', { saleId: saleId(), lineId, batchId }), lineId),
  );
}

export function removeLine(lineId: number): Promise<void> {
  return enqueue(null, async () => {
    const { sale } = get();
    const i = sale?.lines.findIndex((l) => l.id === lineId) ?? -1;
    const v = await call('counter.removeLine', { saleId: saleId(), lineId });
    const next = v.lines[Math.min(Math.max(i, 0), v.lines.length - 1)]?.id ?? null;
    applySale(v, next);
  });
}

export function batchesOf(productId: number): Promise<BatchOption[]> {
  return call('counter.batches', { productId });
}

export function removeTraceCode(traceId: number): Promise<void> {
  return enqueue(null, async () => applySale(await call('counter.removeTraceCode', { saleId: saleId(), traceId })));
}

export function addTraceCode(lineId: number, code: string): Promise<string | null> {
  return enqueue(null, async () => {
    const r = await call('counter.addTraceCode', { saleId: saleId(), lineId, code });
    applySale(r.sale, r.lineId);
    return r.message;
  });
}

const MEDIUM_BUSY: Record<PersonMediumInput['medium'], string> = {
  id_card_reader: '正在读身份证…',
  id_number: '正在查询参保信息…',
  e_voucher: '正在解析医保电子凭证…',
  ss_card_reader: '正在读社保卡…',
  ss_card: '正在查询参保信息…',
};

export function readPerson(source: PersonMediumInput): Promise<void> {
  return enqueue(MEDIUM_BUSY[source.medium], async () =>
    applySale(await call('counter.readPerson', { saleId: saleId(), source })),
  );
}

export function chooseInsutype(insutype: string, acctUsed: boolean): Promise<void> {
  return enqueue(null, async () =>
    applySale(await call('counter.chooseInsutype', { saleId: saleId(), insutype, acctUsed })),
  );
}

export function clearPerson(): Promise<void> {
  return enqueue(null, async () => applySale(await call('counter.clearPerson', { saleId: saleId() })));
}

export function setPrescription(input: {
  rxNo: string;
  prescriber: string;
  institution: string;
  pharmacist?: { username: string; password: string };
}): Promise<void> {
  return enqueue('正在登记处方…', async () =>
    applySale(await call('counter.setPrescription', { saleId: saleId(), ...input })),
  );
}

export function setSpecialBuyer(name: string, idNo: string): Promise<void> {
  return enqueue(null, async () => applySale(await call('counter.setSpecialBuyer', { saleId: saleId(), name, idNo })));
}

export function specialBuyerFromReader(): Promise<void> {
  return enqueue('正在读身份证…', async () =>
    applySale(await call('counter.specialBuyerFromReader', { saleId: saleId() })),
  );
}

export function preSettle(): Promise<void> {
  return enqueue('正在预结算（2101）…', async () => {
    try {
      applySale(await call('counter.preSettle', { saleId: saleId() }));
    } catch (e) {
      await refreshSale();
      throw e;
    }
  });
}

export function settle(): Promise<void> {
  return enqueue('正在医保结算（2102）…', async () => {
    try {
      applySale(await call('counter.settle', { saleId: saleId() }));
    } catch (e) {
      // an unknown outcome leaves the sale reversing: show that state and keep asking
      await refreshSale();
      throw e;
    }
  });
}

/**
 * Takes the money, then prints (the drawer opens with it when cash was taken) and starts the next
 * customer's sale. Resolves once the sale is completed; printing carries on in the background.
 */
export function pay(payments: { method: PaymentMethod; amountFen: number }[]): Promise<void> {
  return enqueue('正在收款…', async () => {
    const done = await call('counter.pay', { saleId: saleId(), payments });
    const cashTaken = payments.some((p) => p.method === 'cash');
    set({
      finished: { sale: done, receipt: null, receiptError: null, print: null, printing: true, cashTaken },
    });
    applySale(await call('counter.start', {}), null);
    void finishReceipt(done.id, false, cashTaken);
  });
}

async function finishReceipt(id: number, reprint: boolean, openDrawer: boolean): Promise<void> {
  const gen = generation;
  const mine = () => gen === generation && get().finished?.sale.id === id;
  try {
    const receipt = await call('counter.receipt', { saleId: id, reprint });
    if (mine()) set((s) => ({ finished: s.finished && { ...s.finished, receipt, receiptError: null } }));
  } catch (e) {
    if (mine()) set((s) => ({ finished: s.finished && { ...s.finished, receiptError: toFailure(e).message } }));
  }
  let print: PrintOutcome;
  try {
    print = await call('counter.print', { saleId: id, reprint, openDrawer });
  } catch (e) {
    print = { printed: false, message: toFailure(e).message };
  }
  if (mine()) set((s) => ({ finished: s.finished && { ...s.finished, print, printing: false } }));
}

/** 重打小票: the last finished sale, marked as a reprint; the drawer stays shut. */
export async function reprintLast(): Promise<boolean> {
  const f = get().finished;
  if (!f) return false;
  set({ finished: { ...f, printing: true, print: null } });
  await finishReceipt(f.sale.id, true, false);
  return true;
}

export function park(label: string | null): Promise<void> {
  return enqueue(null, async () => {
    await call('counter.park', { saleId: saleId(), label });
    applySale(await call('counter.start', {}), null);
  });
}

export function listParked(): Promise<ParkedSale[]> {
  return call('counter.parked', {});
}

/** Takes a parked sale back; an empty current cart is dropped by the main process, a full one refuses. */
export function resume(id: number): Promise<void> {
  return enqueue(null, async () => {
    applySale(await call('counter.resume', { saleId: id }), null);
  });
}

export function voidSale(): Promise<void> {
  return enqueue(null, async () => {
    await call('counter.void', { saleId: saleId() });
    applySale(await call('counter.start', {}), null);
  });
}
