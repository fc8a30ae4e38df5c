import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import type { ProductHit } from '../../../app/shared/contract';
import { formatFen } from '../format';
import { MATCHED_BY_LABELS } from '../screens/catalogue/labels';
import type { ProductSearch as ProductSearchApi } from '../stores/productSearch';
import { CallErrorMessage } from './CallError';
import { FlagBadges, InsuranceBadges, InsuranceClassBadge, RxBadge } from './ProductBadges';
import { VirtualList, optionId } from './VirtualList';

const ROW_HEIGHT = 64;
const PAGE = 6;

interface ProductSearchProps {
  search: ProductSearchApi;
  /** Enter or a click on a row */
  onPick: (hit: ProductHit) => void;
  /** the product picked last, marked in the list */
  pickedId?: number | null;
  autoFocus?: boolean;
  /** typing (or scanning) while the focus is on no other text field goes into the box */
  captureTyping?: boolean;
  placeholder?: string;
}

function displayName(hit: ProductHit): string {
  return hit.tradeName && hit.tradeName !== hit.genericName
    ? `${hit.genericName}（${hit.tradeName}）`
    : hit.genericName;
}

/**
 * One box for everything the counter types or scans: barcode, own code, national code, name
 * fragment, pinyin initials or full pinyin. ↑↓ move, Enter picks, Esc clears, focus never leaves
 * the box; the hits are a windowed list.
 */
export function ProductSearch({ search, onPick, pickedId, autoFocus, captureTyping, placeholder }: ProductSearchProps) {
  const query = search.useStore((s) => s.query);
  const hits = search.useStore((s) => s.hits);
  const shownFor = search.useStore((s) => s.shownFor);
  const activeIndex = search.useStore((s) => s.activeIndex);
  const loading = search.useStore((s) => s.loading);
  const error = search.useStore((s) => s.error);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId().replace(/:/g, '') + '-hits';

  useEffect(() => {
    if (autoFocus) inputRef.current?.focus();
  }, [autoFocus]);

  // A scanner types wherever the focus is: keys typed while nothing else takes text land in the box.
  useEffect(() => {
    if (!captureTyping) return;
    function onKey(e: globalThis.KeyboardEvent) {
      if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1) return;
      if (document.querySelector('dialog[open]')) return;
      const a = document.activeElement;
      if (a instanceof HTMLInputElement || a instanceof HTMLTextAreaElement || a instanceof HTMLSelectElement) return;
      if (a instanceof HTMLElement && a.isContentEditable) return;
      // Space presses the button or row that has the focus
      if (e.key === ' ' && a !== document.body) return;
      inputRef.current?.focus();
    }
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [captureTyping]);

  async function pick(index?: number) {
    const fresh = await search.settle();
    const s = search.useStore.getState();
    const i = index ?? (s.activeIndex >= 0 ? s.activeIndex : 0);
    const hit = fresh[i];
    if (hit) onPick(hit);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    // keys that finish a Chinese input method's composition belong to the input method
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        search.move(1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        search.move(-1);
        break;
      case 'PageDown':
        e.preventDefault();
        search.move(PAGE);
        break;
      case 'PageUp':
        e.preventDefault();
        search.move(-PAGE);
        break;
      case 'Enter':
        e.preventDefault();
        void pick();
        break;
      case 'Escape':
        if (query) {
          e.preventDefault();
          e.stopPropagation();
          search.clear();
        }
        break;
    }
  }

  const q = query.trim();
  const stale = q !== shownFor;
  const expanded = hits.length > 0;
  let status: string;
  if (!q) status = '';
  else if (loading || stale) status = '正在检索…';
  else if (error) status = '';
  else if (hits.length === 0) status = '没有找到';
  else status = `${hits.length} 条${hits.length >= 200 ? '（只显示前 200 条，请输入更多内容）' : ''}`;

  return (
    <div className="product-search">
      <div className="search-box-row">
        <input
          ref={inputRef}
          type="search"
          role="combobox"
          aria-label="商品检索"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={expanded && activeIndex >= 0 ? optionId(listId, activeIndex) : undefined}
          className="search-input"
          placeholder={placeholder ?? '扫码，或输入条码 / 编码 / 名称 / 拼音首字母（如 amxl）'}
          value={query}
          maxLength={100}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => search.setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="product-search-input"
        />
        <span className="search-status muted" role="status" aria-live="polite" data-testid="product-search-status">
          {status}
        </span>
      </div>
      <CallErrorMessage failure={error} />
      {q && !loading && !stale && !error && hits.length === 0 ? (
        <div className="search-empty" data-testid="product-search-empty">
          没有找到“{q}”。可以试试条码、商品编码、名称中的几个字，或拼音首字母。
        </div>
      ) : null}
      {!q ? (
        <div className="search-empty muted">
          <p>
            扫描商品条码，或输入：商品编码、国家医保编码、名称中的几个字、拼音首字母（如 <kbd>amxl</kbd>
            ）或全拼。
          </p>
          <p>
            <kbd>↑</kbd> <kbd>↓</kbd> 选择，<kbd>Enter</kbd> 选定，<kbd>Esc</kbd> 清空。有库存的本店商品排在前面。
          </p>
        </div>
      ) : null}
      <VirtualList
        items={hits}
        rowHeight={ROW_HEIGHT}
        activeIndex={activeIndex}
        getKey={(h) => h.id}
        id={listId}
        label="检索结果"
        className={hits.length === 0 ? 'vlist-empty' : undefined}
        onRowClick={(i) => {
          search.setActive(i);
          inputRef.current?.focus();
          void pick(i);
        }}
        testId="product-search-results"
        rowTestId="product-hit"
        renderRow={(h) => <HitRow hit={h} picked={h.id === pickedId} />}
      />
    </div>
  );
}

function HitRow({ hit, picked }: { hit: ProductHit; picked: boolean }) {
  const detail = [hit.spec, hit.manufacturer].filter(Boolean).join(' · ');
  const out = hit.stockQty <= 0;
  return (
    <div className={picked ? 'hit picked' : 'hit'} data-product-id={hit.id} data-code={hit.code}>
      <div className="hit-class">
        {hit.insurance.chrgitmLv ? (
          <InsuranceClassBadge level={hit.insurance.chrgitmLv} />
        ) : (
          <span className="ins-badge ins-none" title="没有医保类别">
            —
          </span>
        )}
      </div>
      <div className="hit-main">
        <div className="hit-line">
          <span className="hit-name" title={displayName(hit)} data-testid="hit-name">
            {hit.genericName}
            {hit.tradeName && hit.tradeName !== hit.genericName ? (
              <span className="hit-trade">（{hit.tradeName}）</span>
            ) : null}
          </span>
          <span className="hit-badges">
            <RxBadge rxClass={hit.rxClass} />
            <FlagBadges flags={hit.specialFlags} />
          </span>
        </div>
        <div className="hit-line hit-sub">
          <span className="hit-badges">
            <InsuranceBadges facts={hit.insurance} compact showClass={false} />
          </span>
          <span className="hit-detail" title={detail}>
            {detail || '—'}
          </span>
          <span
            className="hit-code mono"
            title={`商品编码 ${hit.code}（按${MATCHED_BY_LABELS[hit.matchedBy] ?? hit.matchedBy}匹配）`}
          >
            {hit.code}
          </span>
        </div>
      </div>
      <div className="hit-side">
        <div className="hit-price" data-testid="hit-price">
          {formatFen(hit.retailPriceFen)}
          <span className="hit-unit">/{hit.unit}</span>
        </div>
        <div className={out ? 'hit-stock out' : 'hit-stock'}>
          库存 {hit.stockQty}
          {hit.unit}
        </div>
      </div>
    </div>
  );
}
