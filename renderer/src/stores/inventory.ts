import { create } from 'zustand';
import type { BatchQuery, BatchView, LedgerRowView } from '../../../app/shared/inventory';
import { call, toFailure, type Failure } from '../api/pos';
import { useSessionStore } from './session';

/**
 * 库存 › 批次库存 and 近效期: the list of batches with their filters, the batch whose ledger is open, and which
 * sub-tab the module shows. Everything here is forgotten when the operator changes.
 */

export type InventoryTab = 'batches' | 'expiry' | 'receiving' | 'return' | 'change' | 'stocktake' | 'split' | 'charts';

interface InventoryNavState {
  tab: InventoryTab;
}

export const useInventoryNavStore = create<InventoryNavState>()(() => ({ tab: 'batches' }));

export function setInventoryTab(tab: InventoryTab): void {
  useInventoryNavStore.setState({ tab });
}

/**
 * Runs `reset` whenever the person at the till changes (login, logout, another operator): what the last one typed
 * or looked at is not for the next.
 */
export function resetOnOperatorChange(reset: () => void): void {
  useSessionStore.subscribe((s, prev) => {
    if (s.operator?.id !== prev.operator?.id) reset();
  });
}

// ---- 批次库存 --------------------------------------------------------------------------------------------

export type BatchStatusFilter = NonNullable<BatchQuery['status']>;
export type BatchSort = NonNullable<BatchQuery['sort']>;

export interface BatchFilters {
  text: string;
  status: BatchStatusFilter;
  sort: BatchSort;
}

interface BatchesState {
  filters: BatchFilters;
  page: number;
  pageSize: number;
  rows: BatchView[];
  total: number;
  /** the near-expiry horizon the service used (gsp.near_expiry_months) */
  months: number | null;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
  /** the batch whose ledger is open in the side panel */
  selectedId: number | null;
  ledger: LedgerRowView[] | null;
  ledgerLoading: boolean;
  ledgerError: Failure | null;
}

const initialBatches: BatchesState = {
  filters: { text: '', status: 'in_stock', sort: 'expiry' },
  page: 0,
  pageSize: 50,
  rows: [],
  total: 0,
  months: null,
  loaded: false,
  loading: false,
  error: null,
  selectedId: null,
  ledger: null,
  ledgerLoading: false,
  ledgerError: null,
};

export const useBatchesStore = create<BatchesState>()(() => initialBatches);
const setB = useBatchesStore.setState;
const getB = useBatchesStore.getState;

let batchSeq = 0;
let ledgerSeq = 0;

export function setBatchFilters(patch: Partial<BatchFilters>): void {
  setB((s) => ({ filters: { ...s.filters, ...patch } }));
}

export async function loadBatches(page = getB().page): Promise<void> {
  const { filters, pageSize } = getB();
  const input: BatchQuery = {
    status: filters.status,
    sort: filters.sort,
    offset: page * pageSize,
    limit: pageSize,
  };
  const text = filters.text.trim().slice(0, 64);
  if (text) input.text = text;
  const seq = ++batchSeq;
  setB({ loading: true, error: null, page });
  try {
    const { rows, total, months } = await call('stock.batches', input);
    if (seq === batchSeq) setB({ rows, total, months, loaded: true, loading: false });
  } catch (e) {
    if (seq === batchSeq) setB({ loading: false, error: toFailure(e) });
  }
}

export async function selectBatch(batchId: number | null): Promise<void> {
  const seq = ++ledgerSeq;
  setB({ selectedId: batchId, ledger: null, ledgerError: null, ledgerLoading: batchId !== null });
  if (batchId === null) return;
  try {
    const ledger = await call('stock.ledger', { batchId });
    if (seq === ledgerSeq) setB({ ledger, ledgerLoading: false });
  } catch (e) {
    if (seq === ledgerSeq) setB({ ledgerLoading: false, ledgerError: toFailure(e) });
  }
}

/** 锁定 / 解锁 with a reason; throws PosError for the dialog to show. The row and its ledger are refreshed. */
export async function setBatchLocked(batchId: number, locked: boolean, reason: string): Promise<BatchView> {
  const batch = await call('stock.setLocked', { batchId, locked, reason });
  setB((s) => ({ rows: s.rows.map((r) => (r.id === batch.id ? batch : r)) }));
  if (getB().selectedId === batchId) void selectBatch(batchId);
  return batch;
}

// ---- 近效期 (GSP) ----------------------------------------------------------------------------------------

interface ExpiryState {
  near: BatchView[];
  nearTotal: number;
  expired: BatchView[];
  expiredTotal: number;
  months: number | null;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
}

const initialExpiry: ExpiryState = {
  near: [],
  nearTotal: 0,
  expired: [],
  expiredTotal: 0,
  months: null,
  loaded: false,
  loading: false,
  error: null,
};

export const useExpiryStore = create<ExpiryState>()(() => initialExpiry);
let expirySeq = 0;

/** Both lists at once, ordered by expiry: what runs out first is on top. */
export async function loadExpiry(): Promise<void> {
  const seq = ++expirySeq;
  useExpiryStore.setState({ loading: true, error: null });
  try {
    const [near, expired] = await Promise.all([
      call('stock.batches', { status: 'near_expiry', sort: 'expiry', limit: 500 }),
      call('stock.batches', { status: 'expired', sort: 'expiry', limit: 500 }),
    ]);
    if (seq !== expirySeq) return;
    useExpiryStore.setState({
      near: near.rows,
      nearTotal: near.total,
      expired: expired.rows,
      expiredTotal: expired.total,
      months: near.months,
      loaded: true,
      loading: false,
    });
  } catch (e) {
    if (seq === expirySeq) useExpiryStore.setState({ loading: false, error: toFailure(e) });
  }
}

/** A batch search for the pickers (采购退货, 库存变动, 盘点): in-stock batches matching the text. */
export async function searchBatches(text: string, status: BatchStatusFilter = 'in_stock'): Promise<BatchView[]> {
  const q = text.trim().slice(0, 64);
  const input: BatchQuery = { status, sort: 'product', limit: 100 };
  if (q) input.text = q;
  const { rows } = await call('stock.batches', input);
  return rows;
}

export function resetInventory(): void {
  batchSeq++;
  ledgerSeq++;
  expirySeq++;
  useInventoryNavStore.setState({ tab: 'batches' });
  setB(initialBatches);
  useExpiryStore.setState(initialExpiry);
}

resetOnOperatorChange(resetInventory);
