import type { Role } from '../../../../app/shared/roles';
import { ModuleTabs, visibleTabs, type ModuleTabDef } from '../../components/ModuleTabs';
import { setInventoryTab, useInventoryNavStore, type InventoryTab } from '../../stores/inventory';
import { BatchesPanel } from './BatchesPanel';
import { ChangePanel } from './ChangePanel';
import { ChartsPanel } from './ChartsPanel';
import { ExpiryPanel } from './ExpiryPanel';
import { PurchaseReturnPanel } from './PurchaseReturnPanel';
import { ReceivingPanel } from './ReceivingPanel';
import { SplitRecordsPanel } from './SplitRecordsPanel';
import { StocktakePanel } from './StocktakePanel';

const TABS: readonly ModuleTabDef<InventoryTab>[] = [
  { id: 'batches', label: '批次库存', channel: 'stock.batches', Panel: BatchesPanel },
  { id: 'expiry', label: '近效期', channel: 'stock.batches', Panel: ExpiryPanel },
  { id: 'receiving', label: '采购入库', channel: 'stock.receive', Panel: ReceivingPanel },
  { id: 'return', label: '采购退货', channel: 'stock.purchaseReturn', Panel: PurchaseReturnPanel },
  { id: 'change', label: '库存变动', channel: 'stock.change', Panel: ChangePanel },
  { id: 'stocktake', label: '盘点', channel: 'stock.stocktakeCount', Panel: StocktakePanel },
  { id: 'split', label: '拆零记录', channel: 'stock.splitRecords', Panel: SplitRecordsPanel },
  { id: 'charts', label: '图表', channel: 'stock.charts', Panel: ChartsPanel },
];

export function visibleInventoryTabs(roles: readonly Role[]): ModuleTabDef<InventoryTab>[] {
  return visibleTabs(TABS, roles);
}

export function InventoryScreen() {
  const selected = useInventoryNavStore((s) => s.tab);
  // Alt+1 … Alt+8: straight to a tab, wherever the focus is (dialogs keep their keys)
  return (
    <ModuleTabs
      tabs={TABS}
      selected={selected}
      onSelect={setInventoryTab}
      prefix="inventory"
      label="库存"
      className={(id) => `inventory-screen inventory-${id}`}
      testId="inventory-screen"
      altDigits
    />
  );
}
