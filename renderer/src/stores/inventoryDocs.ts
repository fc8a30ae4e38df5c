import { create } from 'zustand';
import type {
  BatchView,
  ChangeReason,
  DocSummary,
  DocView,
  PurchaseReturnInput,
  ReceivingInput,
  StockChangeInput,
  StockDocKind,
} from '../../../app/shared/inventory';
import { call, toFailure, type Failure } from '../api/pos';
import { parseYuanToFen } from '../format';
import {
  hasSplit,
  parseCount,
  parseDateText,
  parsePackagesPieces,
  parseTraceCodes,
  type SplitInfo,
} from '../screens/inventory/util';
import { resetOnOperatorChange } from './inventory';

/**
 * The forms of 采购入库, 采购退货 and 库存变动 kept while the operator goes elsewhere (a sale at F1, a look at
 * the batches) and the recent documents of each kind. A form's draft lives until it is posted or cleared.
 */

export interface PickedProduct extends SplitInfo {
  id: number;
  code: string;
  name: string;
  spec: string | null;
}

let nextKey = 1;
const newKey = () => nextKey++;

/** A problem found before sending, in the words the service would use: which line, which field. */
export interface LocalProblem {
  message: string;
  /** the line's key, to put the focus there */
  lineKey?: number;
  /** the field of the line (its input name), e.g. batchNo */
  field?: string;
}

/** What each document form keeps besides its draft. */
interface DocFormState {
  submitting: boolean;
  failure: Failure | null;
  problem: LocalProblem | null;
  /** the posted document, shown until 新建 */
  done: DocView | null;
}

const idleForm: DocFormState = { submitting: false, failure: null, problem: null, done: null };

interface DocForm<S extends DocFormState, I> {
  getState: () => S;
  setState: (patch: S | Partial<DocFormState>) => void;
  initial: S;
  build: (s: S) => { input: I } | { problem: LocalProblem };
  post: (input: I) => Promise<DocView>;
  /** the recent documents refreshed once it is posted */
  kind: StockDocKind;
}

/** Posts a form's draft; false when it was refused (the form shows why). */
async function submitDoc<S extends DocFormState, I>(form: DocForm<S, I>): Promise<boolean> {
  const s = form.getState();
  if (s.submitting) return false;
  const built = form.build(s);
  if ('problem' in built) {
    form.setState({ problem: built.problem, failure: null });
    return false;
  }
  form.setState({ submitting: true, failure: null, problem: null });
  try {
    const doc = await form.post(built.input);
    form.setState({ ...form.initial, done: doc });
    void loadDocs(form.kind);
    return true;
  } catch (e) {
    form.setState({ submitting: false, failure: toFailure(e) });
    return false;
  }
}

// ---- 采购入库 --------------------------------------------------------------------------------------------

export interface ReceivingLineDraft {
  key: number;
  product: PickedProduct;
  batchNo: string;
  mfgDate: string;
  expiryDate: string;
  packages: string;
  price: string;
  gift: boolean;
  traceText: string;
}

export interface ReceivingHeader {
  supplier: string;
  supplierLicense: string;
  deliveryNo: string;
  invoiceCode: string;
  invoiceNo: string;
  note: string;
}

interface ReceivingState extends DocFormState {
  header: ReceivingHeader;
  lines: ReceivingLineDraft[];
}

const emptyHeader: ReceivingHeader = {
  supplier: '',
  supplierLicense: '',
  deliveryNo: '',
  invoiceCode: '',
  invoiceNo: '',
  note: '',
};

const initialReceiving: ReceivingState = {
  header: emptyHeader,
  lines: [],
  ...idleForm,
};

export const useReceivingStore = create<ReceivingState>()(() => initialReceiving);
const setR = useReceivingStore.setState;
const getR = useReceivingStore.getState;

export function setReceivingHeader(patch: Partial<ReceivingHeader>): void {
  setR((s) => ({ header: { ...s.header, ...patch } }));
}

export function addReceivingLine(product: PickedProduct): number {
  const key = newKey();
  setR((s) => ({
    lines: [
      ...s.lines,
      {
        key,
        product,
        batchNo: '',
        mfgDate: '',
        expiryDate: '',
        packages: '',
        price: '',
        gift: false,
        traceText: '',
      },
    ],
    problem: null,
  }));
  return key;
}

export function updateReceivingLine(key: number, patch: Partial<Omit<ReceivingLineDraft, 'key'>>): void {
  setR((s) => ({ lines: s.lines.map((l) => (l.key === key ? { ...l, ...patch } : l)) }));
}

export function removeReceivingLine(key: number): void {
  setR((s) => ({ lines: s.lines.filter((l) => l.key !== key) }));
}

export function newReceiving(): void {
  setR(initialReceiving);
}

const lineName = (i: number, name: string) => `第 ${i + 1} 行（${name}）`;

function optional(text: string): string | undefined {
  const t = text.trim();
  return t ? t : undefined;
}

export function buildReceiving(
  s: Pick<ReceivingState, 'header' | 'lines'>,
): { input: ReceivingInput } | { problem: LocalProblem } {
  if (!s.header.supplier.trim()) return { problem: { message: '请填写供应商' } };
  if (s.lines.length === 0) return { problem: { message: '请先添加商品（F6）' } };
  const lines: ReceivingInput['lines'] = [];
  for (const [i, l] of s.lines.entries()) {
    const at = lineName(i, l.product.name);
    const fail = (message: string, field: string) => ({
      problem: { message: `${at}：${message}`, lineKey: l.key, field },
    });
    if (!l.batchNo.trim()) return fail('请填写生产批号', 'batchNo');
    const mfg = parseDateText(l.mfgDate);
    if (!mfg.ok) return fail(`生产日期${mfg.message}`, 'mfgDate');
    if (!mfg.date) return fail('请填写生产日期', 'mfgDate');
    const expiry = parseDateText(l.expiryDate);
    if (!expiry.ok) return fail(`有效期至${expiry.message}`, 'expiryDate');
    const packages = parseCount(l.packages);
    if (!packages.ok || !packages.value) return fail(`数量应为 1 以上的整${l.product.unit}数`, 'packages');
    const price = parseYuanToFen(l.price);
    if (!price.ok) return fail(`进价${price.message}`, 'priceFen');
    lines.push({
      productId: l.product.id,
      batchNo: l.batchNo.trim(),
      mfgDate: mfg.date,
      expiryDate: expiry.date,
      packages: packages.value,
      ...(price.fen === null ? {} : { priceFen: price.fen }),
      gift: l.gift,
      traceCodes: parseTraceCodes(l.traceText).codes,
    });
  }
  const h = s.header;
  return {
    input: {
      supplier: h.supplier.trim(),
      supplierLicense: optional(h.supplierLicense),
      deliveryNo: optional(h.deliveryNo),
      invoiceCode: optional(h.invoiceCode),
      invoiceNo: optional(h.invoiceNo),
      note: optional(h.note),
      lines,
    },
  };
}

/** Posts the draft; false when it was refused (the form shows why). */
export function submitReceiving(): Promise<boolean> {
  return submitDoc({
    getState: getR,
    setState: setR,
    initial: initialReceiving,
    build: buildReceiving,
    post: (input) => call('stock.receive', input),
    kind: 'receiving',
  });
}

// ---- 采购退货 --------------------------------------------------------------------------------------------

export interface ReturnLineDraft {
  key: number;
  batch: BatchView;
  packages: string;
  traceText: string;
}

export interface ReturnHeader {
  supplier: string;
  supplierLicense: string;
  invoiceNo: string;
  invoiceCode: string;
  note: string;
}

interface ReturnState extends DocFormState {
  header: ReturnHeader;
  lines: ReturnLineDraft[];
}

const initialReturn: ReturnState = {
  header: { supplier: '', supplierLicense: '', invoiceNo: '', invoiceCode: '', note: '' },
  lines: [],
  ...idleForm,
};

export const useReturnStore = create<ReturnState>()(() => initialReturn);
const setRt = useReturnStore.setState;
const getRt = useReturnStore.getState;

export function setReturnHeader(patch: Partial<ReturnHeader>): void {
  setRt((s) => ({ header: { ...s.header, ...patch } }));
}

/** Adds a batch (once); the supplier is taken from the first batch when none was typed. */
export function addReturnLine(batch: BatchView): number {
  const existing = getRt().lines.find((l) => l.batch.id === batch.id);
  if (existing) return existing.key;
  const key = newKey();
  setRt((s) => ({
    lines: [...s.lines, { key, batch, packages: '', traceText: '' }],
    header: s.header.supplier.trim() || !batch.supplier ? s.header : { ...s.header, supplier: batch.supplier },
    problem: null,
  }));
  return key;
}

export function updateReturnLine(key: number, patch: Partial<Omit<ReturnLineDraft, 'key' | 'batch'>>): void {
  setRt((s) => ({ lines: s.lines.map((l) => (l.key === key ? { ...l, ...patch } : l)) }));
}

export function removeReturnLine(key: number): void {
  setRt((s) => ({ lines: s.lines.filter((l) => l.key !== key) }));
}

export function newReturn(): void {
  setRt(initialReturn);
}

export function buildReturn(
  s: Pick<ReturnState, 'header' | 'lines'>,
): { input: PurchaseReturnInput } | { problem: LocalProblem } {
  if (!s.header.supplier.trim()) return { problem: { message: '请填写供应商' } };
  if (!s.header.invoiceNo.trim()) return { problem: { message: '采购退货须填写采购发票号' } };
  if (s.lines.length === 0) return { problem: { message: '请先选择要退货的批次（F6）' } };
  const lines: PurchaseReturnInput['lines'] = [];
  for (const [i, l] of s.lines.entries()) {
    const packages = parseCount(l.packages);
    if (!packages.ok || !packages.value) {
      return {
        problem: {
          message: `${lineName(i, l.batch.productName)}：退货数量应为 1 以上的整${l.batch.unit}数`,
          lineKey: l.key,
          field: 'packages',
        },
      };
    }
    lines.push({ batchId: l.batch.id, packages: packages.value, traceCodes: parseTraceCodes(l.traceText).codes });
  }
  const h = s.header;
  return {
    input: {
      supplier: h.supplier.trim(),
      supplierLicense: optional(h.supplierLicense),
      invoiceNo: h.invoiceNo.trim(),
      invoiceCode: optional(h.invoiceCode),
      note: optional(h.note),
      lines,
    },
  };
}

export function submitReturn(): Promise<boolean> {
  return submitDoc({
    getState: getRt,
    setState: setRt,
    initial: initialReturn,
    build: buildReturn,
    post: (input) => call('stock.purchaseReturn', input),
    kind: 'purchase_return',
  });
}

// ---- 库存变动 --------------------------------------------------------------------------------------------

/** Reasons that bring goods in: a new batch may be entered for the ones marked. */
export const INBOUND_REASONS: readonly ChangeReason[] = ['overflow', 'transfer_in', 'gift_in', 'initial', 'other_in'];
export const NEW_BATCH_REASONS: readonly ChangeReason[] = ['transfer_in', 'gift_in', 'initial', 'other_in'];

export type ChangeLineDraft =
  | {
      key: number;
      kind: 'batch';
      batch: BatchView;
      packages: string;
      pieces: string;
      /** 库存更正 only: -1 takes away */
      sign: 1 | -1;
      traceText: string;
    }
  | {
      key: number;
      kind: 'new';
      product: PickedProduct;
      batchNo: string;
      mfgDate: string;
      expiryDate: string;
      packages: string;
      pieces: string;
      price: string;
      traceText: string;
    };

interface ChangeState extends DocFormState {
  reason: ChangeReason | '';
  note: string;
  lines: ChangeLineDraft[];
}

const initialChange: ChangeState = {
  reason: '',
  note: '',
  lines: [],
  ...idleForm,
};

export const useChangeStore = create<ChangeState>()(() => initialChange);
const setC = useChangeStore.setState;
const getC = useChangeStore.getState;

export function setChangeReason(reason: ChangeReason | ''): void {
  setC((s) => ({
    reason,
    // new batches only make sense for the reasons that may bring one in
    lines: reason && NEW_BATCH_REASONS.includes(reason) ? s.lines : s.lines.filter((l) => l.kind === 'batch'),
    problem: null,
  }));
}

export function setChangeNote(note: string): void {
  setC({ note });
}

export function addChangeBatchLine(batch: BatchView): number {
  const existing = getC().lines.find((l) => l.kind === 'batch' && l.batch.id === batch.id);
  if (existing) return existing.key;
  const key = newKey();
  setC((s) => ({
    lines: [...s.lines, { key, kind: 'batch', batch, packages: '', pieces: '', sign: 1, traceText: '' }],
    problem: null,
  }));
  return key;
}

export function addChangeNewLine(product: PickedProduct): number {
  const key = newKey();
  setC((s) => ({
    lines: [
      ...s.lines,
      {
        key,
        kind: 'new',
        product,
        batchNo: '',
        mfgDate: '',
        expiryDate: '',
        packages: '',
        pieces: '',
        price: '',
        traceText: '',
      },
    ],
    problem: null,
  }));
  return key;
}

type ChangePatch = Partial<{
  packages: string;
  pieces: string;
  sign: 1 | -1;
  traceText: string;
  batchNo: string;
  mfgDate: string;
  expiryDate: string;
  price: string;
}>;

export function updateChangeLine(key: number, patch: ChangePatch): void {
  setC((s) => ({ lines: s.lines.map((l) => (l.key === key ? ({ ...l, ...patch } as ChangeLineDraft) : l)) }));
}

export function removeChangeLine(key: number): void {
  setC((s) => ({ lines: s.lines.filter((l) => l.key !== key) }));
}

export function newChange(): void {
  setC(initialChange);
}

export function buildChange(
  s: Pick<ChangeState, 'reason' | 'note' | 'lines'>,
): { input: StockChangeInput } | { problem: LocalProblem } {
  if (!s.reason) return { problem: { message: '请选择变动原因' } };
  if (s.lines.length === 0) return { problem: { message: '请先添加要变动的批次（F6）' } };
  if (s.reason === 'correction' && !s.note.trim()) {
    return { problem: { message: '库存更正须在备注中说明原因' } };
  }
  const lines: StockChangeInput['lines'] = [];
  for (const [i, l] of s.lines.entries()) {
    const name = l.kind === 'batch' ? l.batch.productName : l.product.name;
    const fail = (message: string, field = 'qtyBase') => ({
      problem: { message: `${lineName(i, name)}：${message}`, lineKey: l.key, field },
    });
    const split: SplitInfo = l.kind === 'batch' ? l.batch : l.product;
    const qty = parsePackagesPieces(l.packages, l.pieces, split);
    if (!qty.ok) return fail(qty.message);
    if (qty.qtyBase <= 0) return fail(hasSplit(split) ? '请填写数量（整件和零头）' : '请填写数量');
    const traceCodes = parseTraceCodes(l.traceText).codes;
    if (l.kind === 'batch') {
      const signed = s.reason === 'correction' ? qty.qtyBase * l.sign : qty.qtyBase;
      lines.push({ batchId: l.batch.id, qtyBase: signed, traceCodes });
    } else {
      if (!l.batchNo.trim()) return fail('请填写生产批号', 'batchNo');
      const mfg = parseDateText(l.mfgDate);
      if (!mfg.ok) return fail(`生产日期${mfg.message}`, 'mfgDate');
      if (!mfg.date) return fail('请填写生产日期', 'mfgDate');
      const expiry = parseDateText(l.expiryDate);
      if (!expiry.ok) return fail(`有效期至${expiry.message}`, 'expiryDate');
      const price = parseYuanToFen(l.price);
      if (!price.ok) return fail(`进价${price.message}`, 'priceFen');
      lines.push({
        productId: l.product.id,
        batchNo: l.batchNo.trim(),
        mfgDate: mfg.date,
        expiryDate: expiry.date,
        qtyBase: qty.qtyBase,
        ...(price.fen === null ? {} : { priceFen: price.fen }),
        traceCodes,
      });
    }
  }
  return { input: { reason: s.reason, note: optional(s.note), lines } };
}

export function submitChange(): Promise<boolean> {
  return submitDoc({
    getState: getC,
    setState: setC,
    initial: initialChange,
    build: buildChange,
    post: (input) => call('stock.change', input),
    kind: 'change',
  });
}

// ---- recent documents ------------------------------------------------------------------------------------

interface DocList {
  rows: DocSummary[];
  total: number;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
}

type DocsState = Record<StockDocKind, DocList>;

const emptyList: DocList = { rows: [], total: 0, loaded: false, loading: false, error: null };
const initialDocs: DocsState = {
  receiving: emptyList,
  purchase_return: emptyList,
  change: emptyList,
  stocktake: emptyList,
};

export const useDocsStore = create<DocsState>()(() => initialDocs);
const docSeq: Record<StockDocKind, number> = { receiving: 0, purchase_return: 0, change: 0, stocktake: 0 };

export async function loadDocs(kind: StockDocKind, limit = 20): Promise<void> {
  const seq = ++docSeq[kind];
  useDocsStore.setState((s) => ({ [kind]: { ...s[kind], loading: true, error: null } }));
  try {
    const { rows, total } = await call('stock.docs', { kind, limit });
    if (seq === docSeq[kind]) {
      useDocsStore.setState({ [kind]: { rows, total, loaded: true, loading: false, error: null } });
    }
  } catch (e) {
    if (seq === docSeq[kind]) {
      useDocsStore.setState((s) => ({ [kind]: { ...s[kind], loading: false, error: toFailure(e) } }));
    }
  }
}

export function getDoc(docId: number): Promise<DocView> {
  return call('stock.doc', { docId });
}

export function resetInventoryDocs(): void {
  for (const k of Object.keys(docSeq) as StockDocKind[]) docSeq[k]++;
  setR(initialReceiving);
  setRt(initialReturn);
  setC(initialChange);
  useDocsStore.setState(initialDocs);
}

resetOnOperatorChange(resetInventoryDocs);
