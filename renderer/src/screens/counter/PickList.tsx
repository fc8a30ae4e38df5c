import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

interface PickListProps<T> {
  items: readonly T[];
  getKey: (item: T) => string | number;
  render: (item: T, active: boolean) => ReactNode;
  onPick: (item: T) => void;
  /** Delete on the active row */
  onDelete?: (item: T) => void;
  label: string;
  testId?: string;
  initialIndex?: number;
}

/** A short list for a dialog: ↑↓ move, Enter picks, a click picks; it takes the focus when shown. */
export function PickList<T>({
  items,
  getKey,
  render,
  onPick,
  onDelete,
  label,
  testId,
  initialIndex = 0,
}: PickListProps<T>) {
  const [active, setActive] = useState(Math.min(initialIndex, Math.max(0, items.length - 1)));
  const ref = useRef<HTMLUListElement>(null);
  const index = Math.min(active, Math.max(0, items.length - 1));

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [index]);

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive(Math.min(items.length - 1, index + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(0, index - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const item = items[index];
      if (item !== undefined) onPick(item);
    } else if (e.key === 'Delete' && onDelete) {
      e.preventDefault();
      const item = items[index];
      if (item !== undefined) onDelete(item);
    }
  }

  return (
    <ul
      ref={ref}
      className="pick-list"
      role="listbox"
      aria-label={label}
      tabIndex={0}
      data-autofocus
      onKeyDown={onKeyDown}
      data-testid={testId}
    >
      {items.map((item, i) => (
        <li
          key={getKey(item)}
          role="option"
          aria-selected={i === index}
          className={i === index ? 'pick-item active' : 'pick-item'}
          onClick={() => {
            setActive(i);
            onPick(item);
          }}
        >
          {render(item, i === index)}
        </li>
      ))}
    </ul>
  );
}
