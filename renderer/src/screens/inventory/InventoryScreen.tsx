import type { KeyboardEvent } from 'react';
import type { ChannelName } from '../../../../app/shared/contract';
import type { Role } from '../../../../app/shared/roles';
import { canUse } from '../../access';
import { setInventoryTab, useInventoryNavStore, type InventoryTab } from '../../stores/inventory';
import { useSessionStore } from '../../stores/session';
import { BatchesPanel } from './BatchesPanel';
import { ChangePanel } from './ChangePanel';
import { ChartsPanel } from './ChartsPanel';
import { ExpiryPanel } from './ExpiryPanel';
import { PurchaseReturnPanel } from './PurchaseReturnPanel';
import { ReceivingPanel } from './ReceivingPanel';
import { SplitRecordsPanel } from './SplitRecordsPanel';
import { useAltDigitTabs } from './parts';
import { StocktakePanel } from './StocktakePanel';

interface TabDef {
  id: InventoryTab;
  label: string;
  /** the channel the tab cannot work without: it decides who sees the tab */
  channel: ChannelName;
  Panel: () => React.JSX.Element;
}

const TABS: readonly TabDef[] = [
  { id: 'batches', label: '批次库存', channel: 'stock.batches', Panel: BatchesPanel },
  { id: 'expiry', label: '近效期', channel: 'stock.batches', Panel: ExpiryPanel },
  { id: 'receiving', label: '采购入库', channel: 'stock.receive', Panel: ReceivingPanel },
  { id: 'return', label: '采购退货', channel: 'stock.purchaseReturn', Panel: PurchaseReturnPanel },
  { id: 'change', label: '库存变动', channel: 'stock.change', Panel: ChangePanel },
  { id: 'stocktake', label: '盘点', channel: 'stock.stocktakeCount', Panel: StocktakePanel },
  { id: 'split', label: '拆零记录', channel: 'stock.splitRecords', Panel: SplitRecordsPanel },
  { id: 'charts', label: '图表', channel: 'stock.charts', Panel: ChartsPanel },
];

export function visibleInventoryTabs(roles: readonly Role[]): TabDef[] {
  return TABS.filter((t) => canUse(t.channel, roles));
}

export function InventoryScreen() {
  const roles = useSessionStore((s) => s.operator?.roles);
  const selected = useInventoryNavStore((s) => s.tab);
  const tabs = roles ? visibleInventoryTabs(roles) : [];
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];

  // Alt+1 … Alt+8: straight to a tab, wherever the focus is (dialogs keep their keys)
  useAltDigitTabs(
    tabs.map((t) => t.id),
    (id) => setInventoryTab(id as InventoryTab),
    'inventory-tab-',
  );

  if (!current) return null;

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === current?.id);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    e.preventDefault();
    setInventoryTab(next.id);
    document.getElementById(`inventory-tab-${next.id}`)?.focus();
  }

  const Panel = current.Panel;
  return (
    <section className={`inventory-screen inventory-${current.id}`} data-testid="inventory-screen">
      <div className="tabs" role="tablist" aria-label="库存" onKeyDown={onTabKey}>
        {tabs.map((t, i) => (
          <button
            key={t.id}
            id={`inventory-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === current.id}
            aria-controls="inventory-panel"
            aria-keyshortcuts={`Alt+${i + 1}`}
            title={`Alt+${i + 1}`}
            tabIndex={t.id === current.id ? 0 : -1}
            className={t.id === current.id ? 'tab active' : 'tab'}
            onClick={() => setInventoryTab(t.id)}
            data-testid={`inventory-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="inventory-panel" role="tabpanel" aria-labelledby={`inventory-tab-${current.id}`} className="tab-panel">
        <Panel key={current.id} />
      </div>
    </section>
  );
}
