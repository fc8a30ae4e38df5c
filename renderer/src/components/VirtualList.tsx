import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface VirtualListProps<T> {
  items: readonly T[];
  /** every row has this height in px: what makes windowing a matter of arithmetic */
  rowHeight: number;
  /** the row the keyboard is on; -1 for none. It is scrolled into view whenever it changes. */
  activeIndex: number;
  getKey: (item: T, index: number) => string | number;
  renderRow: (item: T, index: number, active: boolean) => ReactNode;
  /** the listbox id; rows get `${id}-opt-${index}` so a combobox can point at them */
  id: string;
  label: string;
  onRowClick?: (index: number) => void;
  /** rows drawn beyond the visible ones, so that fast scrolling shows no gaps */
  overscan?: number;
  testId?: string;
  rowTestId?: string;
  className?: string;
}

export function optionId(listId: string, index: number): string {
  return `${listId}-opt-${index}`;
}

/**
 * A windowed listbox: only the rows in view (plus a few) are in the DOM, so hundreds of hits cost
 * the same as ten. Focus stays where it is (usually a search box): the active row is shown with
 * aria-activedescendant, not by moving focus.
 */
export function VirtualList<T>({
  items,
  rowHeight,
  activeIndex,
  getKey,
  renderRow,
  id,
  label,
  onRowClick,
  overscan = 6,
  testId,
  rowTestId,
  className,
}: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // A new list starts at the top.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && activeIndex <= 0) {
      el.scrollTop = 0;
      setScrollTop(0);
    }
  }, [items, activeIndex]);

  // Keep the active row in view, scrolling as little as possible.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    const bottom = top + rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
    setScrollTop(el.scrollTop);
  }, [activeIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + (viewport || rowHeight * 12)) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i] as T;
    const active = i === activeIndex;
    rows.push(
      <div
        key={getKey(item, i)}
        id={optionId(id, i)}
        role="option"
        aria-selected={active}
        aria-setsize={items.length}
        aria-posinset={i + 1}
        className={active ? 'vlist-row active' : 'vlist-row'}
        style={{ top: i * rowHeight, height: rowHeight }}
        onMouseDown={(e) => e.preventDefault() /* keep focus in the search box */}
        onClick={() => onRowClick?.(i)}
        data-testid={rowTestId}
        data-index={i}
      >
        {renderRow(item, i, active)}
      </div>,
    );
  }

  return (
    <div
      ref={ref}
      id={id}
      role="listbox"
      aria-label={label}
      className={['vlist', className].filter(Boolean).join(' ')}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      data-testid={testId}
      data-count={items.length}
    >
      <div className="vlist-spacer" style={{ height: items.length * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
