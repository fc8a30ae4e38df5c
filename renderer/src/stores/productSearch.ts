import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { ProductHit } from '../../../app/shared/contract';
import { call, toFailure, type Failure } from '../api/pos';

export interface ProductSearchState {
  /** what is in the box, as typed */
  query: string;
  /** the (trimmed) query the hits shown answer; '' when nothing was searched */
  shownFor: string;
  hits: ProductHit[];
  /** the row the arrows are on; -1 for none */
  activeIndex: number;
  loading: boolean;
  error: Failure | null;
}

export interface ProductSearch {
  useStore: UseBoundStore<StoreApi<ProductSearchState>>;
  setQuery(query: string): void;
  /** moves the active row by delta, stopping at the ends */
  move(delta: number): void;
  setActive(index: number): void;
  /** runs a search that is still waiting for the debounce at once; resolves with the hits for the box's text */
  settle(): Promise<ProductHit[]>;
  clear(): void;
  /** asks again for what is in the box (after a product was changed) */
  refresh(): void;
  reset(): void;
}

const MAX_QUERY = 100;

/**
 * The counter's search: search-as-you-type with a short debounce, answers that arrive out of order
 * are dropped, and Enter can wait for the answer to what is in the box (a barcode scanner types
 * the code and Enter faster than any debounce). One instance per screen that searches: the
 * catalogue has one, the checkout makes its own.
 */
export function createProductSearch(options: { limit?: number; debounceMs?: number } = {}): ProductSearch {
  const limit = options.limit ?? 200;
  const debounceMs = options.debounceMs ?? 120;
  const initial: ProductSearchState = {
    query: '',
    shownFor: '',
    hits: [],
    activeIndex: -1,
    loading: false,
    error: null,
  };
  const useStore = create<ProductSearchState>()(() => initial);
  const set = useStore.setState;
  const get = useStore.getState;

  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inflight: { q: string; done: Promise<void> } | null = null;

  function cancelTimer() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function run(q: string): Promise<void> {
    const mine = ++seq;
    set({ loading: true, error: null });
    const done = (async () => {
      try {
        const hits = await call('products.search', { q, limit });
        if (mine !== seq) return;
        // asked again for the same text (refresh): the arrows stay where they were
        const prev = get().shownFor === q ? get().activeIndex : -1;
        const activeIndex = prev >= 0 && prev < hits.length ? prev : hits.length > 0 ? 0 : -1;
        set({ hits, shownFor: q, activeIndex, loading: false });
      } catch (e) {
        if (mine === seq) set({ hits: [], shownFor: q, activeIndex: -1, loading: false, error: toFailure(e) });
      }
    })();
    inflight = { q, done };
    void done.finally(() => {
      if (inflight?.done === done) inflight = null;
    });
    return done;
  }

  function setQuery(query: string) {
    const text = query.slice(0, MAX_QUERY);
    set({ query: text });
    cancelTimer();
    const q = text.trim();
    if (!q) {
      seq++;
      set({ hits: [], shownFor: '', activeIndex: -1, loading: false, error: null });
      return;
    }
    if (q === get().shownFor && !get().loading) return;
    timer = setTimeout(() => {
      timer = null;
      void run(q);
    }, debounceMs);
  }

  async function settle(): Promise<ProductHit[]> {
    const q = get().query.trim();
    if (!q) return [];
    if (timer !== null) {
      cancelTimer();
      await run(q);
    } else if (inflight && inflight.q === q) {
      await inflight.done;
    } else if (get().shownFor !== q) {
      await run(q);
    }
    const s = get();
    return s.shownFor === q ? s.hits : [];
  }

  function move(delta: number) {
    const { hits, activeIndex } = get();
    if (hits.length === 0) return;
    const next = Math.max(0, Math.min(hits.length - 1, (activeIndex < 0 ? -1 : activeIndex) + delta));
    set({ activeIndex: next });
  }

  function setActive(index: number) {
    const { hits } = get();
    if (index >= 0 && index < hits.length) set({ activeIndex: index });
  }

  function clear() {
    setQuery('');
  }

  function refresh() {
    const q = get().query.trim();
    cancelTimer();
    if (q) void run(q);
  }

  function reset() {
    cancelTimer();
    seq++;
    inflight = null;
    set(initial);
  }

  return { useStore, setQuery, move, setActive, settle, clear, refresh, reset };
}

/** The 目录 › 商品检索 screen's search; the checkout will keep its own. */
export const catalogueSearch = createProductSearch();
