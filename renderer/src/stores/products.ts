import { create } from 'zustand';
import type { ChannelInput, ImportReport, MappingState, ProductDetail } from '../../../app/shared/contract';
import { call, toFailure, type Failure } from '../api/pos';

export interface ProductFilters {
  q: string;
  mapping: MappingState | '';
}

interface ProductsState {
  filters: ProductFilters;
  page: number;
  pageSize: number;
  rows: ProductDetail[];
  total: number;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
}

const initial: ProductsState = {
  filters: { q: '', mapping: '' },
  page: 0,
  pageSize: 50,
  rows: [],
  total: 0,
  loaded: false,
  loading: false,
  error: null,
};

export const useProductsStore = create<ProductsState>()(() => initial);
const set = useProductsStore.setState;
const get = useProductsStore.getState;

let requestSeq = 0;

export function resetProducts(): void {
  requestSeq++;
  set(initial);
}

export function setProductFilters(patch: Partial<ProductFilters>): void {
  set((s) => ({ filters: { ...s.filters, ...patch } }));
}

export async function loadProducts(page = get().page): Promise<void> {
  const { filters, pageSize } = get();
  const input: ChannelInput<'products.list'> = { limit: pageSize, offset: page * pageSize };
  if (filters.q.trim()) input.q = filters.q.trim().slice(0, 100);
  if (filters.mapping) input.mapping = filters.mapping;
  const seq = ++requestSeq;
  set({ loading: true, error: null, page });
  try {
    const { rows, total } = await call('products.list', input);
    if (seq === requestSeq) set({ rows, total, loaded: true, loading: false });
  } catch (e) {
    if (seq === requestSeq) set({ loading: false, error: toFailure(e) });
  }
}

/** Puts a changed product into the list where it is shown. */
export function replaceProduct(p: ProductDetail): void {
  set((s) => ({ rows: s.rows.map((r) => (r.id === p.id ? p : r)) }));
}

/** Throws PosError, so that the open form can show the reasons next to its fields. */
export async function saveProduct(input: ChannelInput<'products.save'>): Promise<ProductDetail> {
  const saved = await call('products.save', input);
  if (input.id) replaceProduct(saved);
  else void loadProducts();
  return saved;
}

export function getProduct(id: number): Promise<ProductDetail> {
  return call('products.get', { id });
}

/** Throws PosError; the report (with its problems per row) is the caller's to show. */
export async function importProducts(fileName: string, contentBase64: string, dryRun: boolean): Promise<ImportReport> {
  const report = await call('products.import', { fileName, contentBase64, dryRun });
  if (!dryRun) void loadProducts(0);
  return report;
}
