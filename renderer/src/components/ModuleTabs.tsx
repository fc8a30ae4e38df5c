import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { ChannelName } from '../../../app/shared/contract';
import type { Role } from '../../../app/shared/roles';
import { canUse } from '../access';
import { useSessionStore } from '../stores/session';

export interface ModuleTabDef<T extends string> {
  id: T;
  label: string;
  /** the channel the tab cannot work without: it decides who sees the tab */
  channel: ChannelName;
  Panel: () => React.JSX.Element;
  /** the group the tab belongs to; a caption (see `groupLabels`) goes before a group's first tab */
  group?: string;
}

/** The tabs a holder of these roles may use, in their order. */
export function visibleTabs<D extends ModuleTabDef<string>>(tabs: readonly D[], roles: readonly Role[]): D[] {
  return tabs.filter((t) => canUse(t.channel, roles));
}

/**
 * Alt+1 … Alt+9: straight to a sub-tab of the module, wherever the focus is (not while a dialog is open). The tab
 * button with id `${idPrefix}${id}` takes the focus.
 */
export function useAltDigitTabs(ids: readonly string[], select: (id: string) => void, idPrefix: string): void {
  const ref = useRef({ ids, select });
  useEffect(() => {
    ref.current = { ids, select };
  });
  useEffect(() => {
    function onKey(e: globalThis.KeyboardEvent) {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      if (document.querySelector('dialog[open]')) return;
      const n = /^Digit([1-9])$/.exec(e.code)?.[1];
      const id = n ? ref.current.ids[Number(n) - 1] : undefined;
      if (!id) return;
      e.preventDefault();
      ref.current.select(id);
      requestAnimationFrame(() => document.getElementById(`${idPrefix}${id}`)?.focus());
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [idPrefix]);
}

interface ModuleTabsProps<T extends string> {
  /** every tab of the module; the operator's roles decide which are shown */
  tabs: readonly ModuleTabDef<T>[];
  selected: T;
  onSelect: (id: T) => void;
  /** `${prefix}-tab-${id}` names each tab (element id and data-testid), `${prefix}-panel` the panel */
  prefix: string;
  /** the tab strip's aria-label */
  label: string;
  /** the section's class name, given the shown tab */
  className: (current: T) => string;
  testId?: string;
  /** Alt+digit selects a tab (and the tabs say so) */
  altDigits?: boolean;
  /** the caption per group; a group without one (or null) goes without */
  groupLabels?: Readonly<Record<string, string | null>>;
}

/** A module screen: its role-filtered tab strip (←/→ between tabs, Alt+digit when asked) and the shown tab's panel. */
export function ModuleTabs<T extends string>(props: ModuleTabsProps<T>) {
  const { prefix, onSelect, groupLabels, altDigits } = props;
  const roles = useSessionStore((s) => s.operator?.roles);
  const tabs = roles ? visibleTabs(props.tabs, roles) : [];
  const current = tabs.find((t) => t.id === props.selected) ?? tabs[0];

  useAltDigitTabs(altDigits ? tabs.map((t) => t.id) : [], (id) => onSelect(id as T), `${prefix}-tab-`);

  if (!current) return null;

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === current?.id);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    e.preventDefault();
    onSelect(next.id);
    document.getElementById(`${prefix}-tab-${next.id}`)?.focus();
  }

  const Panel = current.Panel;
  return (
    <section className={props.className(current.id)} data-testid={props.testId}>
      <div className="tabs" role="tablist" aria-label={props.label} onKeyDown={onTabKey}>
        {tabs.map((t, i) => {
          const caption = t.group && tabs[i - 1]?.group !== t.group ? groupLabels?.[t.group] : null;
          return [
            caption ? (
              <span key={`group-${t.group}`} className="tab-group-label" aria-hidden="true">
                {caption}
              </span>
            ) : null,
            <button
              key={t.id}
              id={`${prefix}-tab-${t.id}`}
              type="button"
              role="tab"
              aria-selected={t.id === current.id}
              aria-controls={`${prefix}-panel`}
              aria-keyshortcuts={altDigits ? `Alt+${i + 1}` : undefined}
              title={altDigits ? `Alt+${i + 1}` : undefined}
              tabIndex={t.id === current.id ? 0 : -1}
              className={t.id === current.id ? 'tab active' : 'tab'}
              onClick={() => onSelect(t.id)}
              data-testid={`${prefix}-tab-${t.id}`}
            >
              {t.label}
            </button>,
          ];
        })}
      </div>
      <div id={`${prefix}-panel`} role="tabpanel" aria-labelledby={`${prefix}-tab-${current.id}`} className="tab-panel">
        <Panel key={current.id} />
      </div>
    </section>
  );
}
