import { create } from 'zustand';
import type {
  ChannelInput,
  ChannelOutput,
  MappingCandidate,
  MappingState,
  NatItemHit,
  ProductDetail,
} from '../../../app/shared/contract';
import { call, toFailure, type Failure } from '../api/pos';
import { replaceProduct } from './products';

export interface MappingFilters {
  q: string;
  mapping: MappingState | '';
}

export type UploadOutcome = ChannelOutput<'mapping.upload'> & {
  /** names of the products as the list knew them, for the result table */
  names: Record<number, string>;
  at: string;
};

interface MappingStoreState {
  filters: MappingFilters;
  page: number;
  pageSize: number;
  rows: ProductDetail[];
  total: number;
  loaded: boolean;
  loading: boolean;
  error: Failure | null;
  /** products ticked for 上传 */
  selected: number[];
  /** the product whose candidates are open */
  openId: number | null;
  uploading: boolean;
  uploadResult: UploadOutcome | null;
  uploadError: Failure | null;
}

const initial: MappingStoreState = {
  filters: { q: '', mapping: '' },
  page: 0,
  pageSize: 50,
  rows: [],
  total: 0,
  loaded: false,
  loading: false,
  error: null,
  selected: [],
  openId: null,
  uploading: false,
  uploadResult: null,
  uploadError: null,
};

export const useMappingStore = create<MappingStoreState>()(() => initial);
const set = useMappingStore.setState;
const get = useMappingStore.getState;

let requestSeq = 0;

export function resetMapping(): void {
  requestSeq++;
  set(initial);
}

export function setMappingFilters(patch: Partial<MappingFilters>): void {
  set((s) => ({ filters: { ...s.filters, ...patch } }));
}

export async function loadMapping(page = get().page): Promise<void> {
  const { filters, pageSize } = get();
  const input: ChannelInput<'products.list'> = { limit: pageSize, offset: page * pageSize };
  if (filters.q.trim()) input.q = filters.q.trim().slice(0, 100);
  if (filters.mapping) input.mapping = filters.mapping;
  const seq = ++requestSeq;
  set({ loading: true, error: null, page });
  try {
    const { rows, total } = await call('products.list', input);
    if (seq === requestSeq) {
      const ids = new Set(rows.map((r) => r.id));
      set((s) => ({ rows, total, loaded: true, loading: false, selected: s.selected.filter((id) => ids.has(id)) }));
    }
  } catch (e) {
    if (seq === requestSeq) set({ loading: false, error: toFailure(e) });
  }
}

export function openMapping(productId: number | null): void {
  set({ openId: productId });
}

export function toggleSelected(productId: number, on: boolean): void {
  set((s) => ({
    selected: on ? [...new Set([...s.selected, productId])] : s.selected.filter((id) => id !== productId),
  }));
}

export function setSelected(ids: number[]): void {
  set({ selected: ids });
}

function applyChanged(p: ProductDetail) {
  set((s) => ({ rows: s.rows.map((r) => (r.id === p.id ? p : r)) }));
  replaceProduct(p);
}

export function loadCandidates(productId: number): Promise<MappingCandidate[]> {
  return call('mapping.candidates', { productId });
}

export function searchNational(q: string, catalogue?: string): Promise<NatItemHit[]> {
  return call('catalogue.searchNational', {
    q: q.trim().slice(0, 100),
    limit: 50,
    ...(catalogue ? { catalogue } : {}),
  });
}

/** Throws PosError. */
export async function confirmMapping(productId: number, natCode: string, catalogue: string): Promise<ProductDetail> {
  const p = await call('mapping.confirm', { productId, natCode, catalogue });
  applyChanged(p);
  return p;
}

/** Throws PosError (NHSA_* when the center refused or could not be reached). */
export async function revokeMapping(productId: number): Promise<ProductDetail> {
  try {
    const p = await call('mapping.revoke', { productId });
    applyChanged(p);
    return p;
  } finally {
    void loadMapping();
  }
}

/**
 * 3301 for the given products, or for every product waiting for upload when none are given. The
 * per-product outcome stays in the store for the panel to show.
 */
export async function uploadMappings(productIds?: number[]): Promise<void> {
  if (get().uploading) return;
  const names: Record<number, string> = {};
  for (const r of get().rows) names[r.id] = `${r.code} ${r.genericName}${r.spec ? ' ' + r.spec : ''}`;
  set({ uploading: true, uploadError: null, uploadResult: null });
  try {
    const result = await call('mapping.upload', productIds && productIds.length > 0 ? { productIds } : {});
    set({ uploading: false, uploadResult: { ...result, names, at: new Date().toISOString() }, selected: [] });
  } catch (e) {
    set({ uploading: false, uploadError: toFailure(e) });
  }
  void loadMapping();
}

export function dismissUploadResult(): void {
  set({ uploadResult: null, uploadError: null });
}
