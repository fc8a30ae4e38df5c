import type { Role } from '../../../../app/shared/roles';
import { ModuleTabs, visibleTabs, type ModuleTabDef } from '../../components/ModuleTabs';
import { setCatalogTab, useNavigationStore, type CatalogTab } from '../../stores/navigation';
import { MappingPanel } from './MappingPanel';
import { ProductsPanel } from './ProductsPanel';
import { SearchPanel } from './SearchPanel';
import { SyncPanel } from './SyncPanel';

const TABS: readonly ModuleTabDef<CatalogTab>[] = [
  { id: 'search', label: '商品检索', channel: 'products.search', Panel: SearchPanel },
  { id: 'products', label: '本店商品', channel: 'products.list', Panel: ProductsPanel },
  { id: 'mapping', label: '目录对照', channel: 'mapping.candidates', Panel: MappingPanel },
  { id: 'sync', label: '目录同步', channel: 'catalogue.states', Panel: SyncPanel },
];

export function visibleCatalogTabs(roles: readonly Role[]): ModuleTabDef<CatalogTab>[] {
  return visibleTabs(TABS, roles);
}

export function CatalogueScreen() {
  const selected = useNavigationStore((s) => s.catalogTab);
  return (
    <ModuleTabs
      tabs={TABS}
      selected={selected}
      onSelect={setCatalogTab}
      prefix="catalog"
      label="目录"
      className={(id) => `catalog-screen catalog-${id}`}
    />
  );
}
