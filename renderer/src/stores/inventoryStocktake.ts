import { create } from 'zustand';
import type { DocView } from '../../../app/shared/inventory';
import { call, toFailure, type Failure } from '../api/pos';
import { resetOnOperatorChange } from './inventory';
import { loadDocs } from './inventoryDocs';

/**
 * 盘点: the count sheet that is open. Counts are saved line by line as they are typed (the sheet survives a
 * power cut); what is being typed and not yet saved is kept per line in `edits`.
 */

export interface CountEdit {
  packages: string;
  pieces: string;
}

interface StocktakeState {
  doc: DocView | null;
  loading: boolean;
  /** start, submit, approve, cancel under way */
  acting: boolean;
  failure: Failure | null;
  edits: Record<number, CountEdit>;
  /** lines whose count is on its way to the service */
  saving: Record<number, boolean>;
  lineErrors: Record<number, string>;
}

const initial: StocktakeState = {
  doc: null,
  loading: false,
  acting: false,
  failure: null,
  edits: {},
  saving: {},
  lineErrors: {},
};

export const useStocktakeStore = create<StocktakeState>()(() => initial);
const set = useStocktakeStore.setState;
const get = useStocktakeStore.getState;

let docSeq = 0;

function without<T>(map: Record<number, T>, key: number): Record<number, T> {
  const next = { ...map };
  delete next[key];
  return next;
}

export async function openStocktake(docId: number): Promise<void> {
  const seq = ++docSeq;
  set({ loading: true, failure: null, edits: {}, saving: {}, lineErrors: {} });
  try {
    const doc = await call('stock.doc', { docId });
    if (seq === docSeq) set({ doc, loading: false });
  } catch (e) {
    if (seq === docSeq) set({ loading: false, failure: toFailure(e) });
  }
}

export function closeStocktake(): void {
  docSeq++;
  set(initial);
  void loadDocs('stocktake');
}

async function act(fn: () => Promise<DocView>): Promise<boolean> {
  if (get().acting) return false;
  const seq = ++docSeq;
  set({ acting: true, failure: null });
  try {
    const doc = await fn();
    if (seq === docSeq) set({ doc, acting: false, edits: {}, saving: {}, lineErrors: {} });
    void loadDocs('stocktake');
    return true;
  } catch (e) {
    if (seq === docSeq) set({ acting: false, failure: toFailure(e) });
    return false;
  }
}

export function startStocktake(productIds: number[] | null, scope: string): Promise<boolean> {
  const s = scope.trim();
  return act(() =>
    call('stock.stocktakeStart', {
      ...(productIds ? { productIds } : {}),
      ...(s ? { scope: s.slice(0, 100) } : {}),
    }),
  );
}

export function submitStocktake(docId: number): Promise<boolean> {
  return act(() => call('stock.stocktakeSubmit', { docId }));
}

export function approveStocktake(docId: number): Promise<boolean> {
  return act(() => call('stock.stocktakeApprove', { docId }));
}

export function cancelStocktake(docId: number): Promise<boolean> {
  return act(() => call('stock.stocktakeCancel', { docId }));
}

export function editCount(lineId: number, edit: CountEdit): void {
  set((s) => ({ edits: { ...s.edits, [lineId]: edit }, lineErrors: without(s.lineErrors, lineId) }));
}

/** The field holds what is saved already: nothing to send. */
export function dropEdit(lineId: number): void {
  set((s) => ({ edits: without(s.edits, lineId), lineErrors: without(s.lineErrors, lineId) }));
}

export function setLineError(lineId: number, message: string): void {
  set((s) => ({ lineErrors: { ...s.lineErrors, [lineId]: message } }));
}

let countSeq = 0;

/** An older answer still carries this line's saved count: take that line only. */
function withLine(doc: DocView, fresh: DocView, lineId: number): DocView {
  const line = fresh.lines.find((l) => l.id === lineId);
  return line ? { ...doc, lines: doc.lines.map((l) => (l.id === lineId ? line : l)) } : doc;
}

/** Saves one line's count; the sheet that comes back is the freshest when it answers the last request sent. */
export async function saveCount(lineId: number, countedBase: number): Promise<boolean> {
  const doc = get().doc;
  if (!doc) return false;
  const seq = ++countSeq;
  const sentEdit = get().edits[lineId];
  set((s) => ({ saving: { ...s.saving, [lineId]: true } }));
  try {
    const fresh = await call('stock.stocktakeCount', { docId: doc.id, lineId, countedBase });
    set((s) => ({
      doc: s.doc?.id !== fresh.id ? s.doc : seq === countSeq ? fresh : withLine(s.doc, fresh, lineId),
      saving: without(s.saving, lineId),
      // typed on meanwhile: what is in the field now is kept for the next save
      edits: s.edits[lineId] === sentEdit ? without(s.edits, lineId) : s.edits,
    }));
    return true;
  } catch (e) {
    set((s) => ({
      saving: without(s.saving, lineId),
      lineErrors: { ...s.lineErrors, [lineId]: toFailure(e).message },
    }));
    return false;
  }
}

/**
 * Every line that nobody counted gets its book quantity — for a sheet where only the differences were typed.
 * Sequential: the service writes one count at a time anyway.
 */
export async function fillUncountedWithBook(): Promise<number> {
  const doc = get().doc;
  if (!doc) return 0;
  let n = 0;
  for (const line of doc.lines) {
    if (line.qtyBase !== null || get().edits[line.id]) continue;
    if (!(await saveCount(line.id, line.bookQtyBase ?? 0))) break;
    n++;
  }
  return n;
}

export function resetStocktake(): void {
  docSeq++;
  countSeq++;
  set(initial);
}

resetOnOperatorChange(resetStocktake);
