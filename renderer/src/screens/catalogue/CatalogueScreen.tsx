import type { KeyboardEvent } from 'react';
import type { ChannelName } from '../../../../app/shared/contract';
import type { Role } from '../../../../app/shared/roles';
import { canUse } from '../../access';
import { setCatalogTab, useNavigationStore, type CatalogTab } from '../../stores/navigation';
import { useSessionStore } from '../../stores/session';
import { MappingPanel } from './MappingPanel';
import { ProductsPanel } from './ProductsPanel';
import { SearchPanel } from './SearchPanel';
import { SyncPanel } from './SyncPanel';

interface TabDef {
  id: CatalogTab;
  label: string;
  /** the channel the tab cannot work without: it decides who sees the tab */
  channel: ChannelName;
  Panel: () => React.JSX.Element;
}

const TABS: readonly TabDef[] = [
  { id: 'search', label: '商品检索', channel: 'products.search', Panel: SearchPanel },
  { id: 'products', label: '本店商品', channel: 'products.list', Panel: ProductsPanel },
  { id: 'mapping', label: '目录对照', channel: 'mapping.candidates', Panel: MappingPanel },
  { id: 'sync', label: '目录同步', channel: 'catalogue.states', Panel: SyncPanel },
];

export function visibleCatalogTabs(roles: readonly Role[]): TabDef[] {
  return TABS.filter((t) => canUse(t.channel, roles));
}

export function CatalogueScreen() {
  const roles = useSessionStore((s) => s.operator?.roles);
  const selected = useNavigationStore((s) => s.catalogTab);
  const tabs = roles ? visibleCatalogTabs(roles) : [];
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];
  if (!current) return null;

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === current?.id);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    e.preventDefault();
    setCatalogTab(next.id);
    document.getElementById(`catalog-tab-${next.id}`)?.focus();
  }

  const Panel = current.Panel;
  return (
    <section className={`catalog-screen catalog-${current.id}`}>
      <div className="tabs" role="tablist" aria-label="目录" onKeyDown={onTabKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`catalog-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === current.id}
            aria-controls="catalog-panel"
            tabIndex={t.id === current.id ? 0 : -1}
            className={t.id === current.id ? 'tab active' : 'tab'}
            onClick={() => setCatalogTab(t.id)}
            data-testid={`catalog-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="catalog-panel" role="tabpanel" aria-labelledby={`catalog-tab-${current.id}`} className="tab-panel">
        <Panel key={current.id} />
      </div>
    </section>
  );
}
