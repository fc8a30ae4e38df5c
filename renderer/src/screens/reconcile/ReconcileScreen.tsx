import type { KeyboardEvent } from 'react';
import type { ChannelName } from '../../../../app/shared/contract';
import type { Role } from '../../../../app/shared/roles';
import { canUse } from '../../access';
import { useSessionStore } from '../../stores/session';
import { setReconcileTab, useUploadsStore, type ReconcileTab } from '../../stores/uploads';
import { useAltDigitTabs } from '../inventory/parts';
import { DiffPanel } from './DiffPanel';
import { UploadsPanel } from './UploadsPanel';

interface TabDef {
  id: ReconcileTab;
  label: string;
  channel: ChannelName;
  Panel: () => React.JSX.Element;
}

const TABS: readonly TabDef[] = [
  { id: 'uploads', label: '上传队列', channel: 'uploads.list', Panel: UploadsPanel },
  { id: 'diff', label: '差异对账', channel: 'reconcile.run', Panel: DiffPanel },
];

export function visibleReconcileTabs(roles: readonly Role[]): TabDef[] {
  return TABS.filter((t) => canUse(t.channel, roles));
}

export function ReconcileScreen() {
  const roles = useSessionStore((s) => s.operator?.roles);
  const selected = useUploadsStore((s) => s.tab);
  const tabs = roles ? visibleReconcileTabs(roles) : [];
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];
  useAltDigitTabs(
    tabs.map((t) => t.id),
    (id) => setReconcileTab(id as ReconcileTab),
    'reconcile-tab-',
  );
  if (!current) return null;

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === current?.id);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    e.preventDefault();
    setReconcileTab(next.id);
    document.getElementById(`reconcile-tab-${next.id}`)?.focus();
  }

  const Panel = current.Panel;
  return (
    <section className="reconcile-screen" data-testid="reconcile-screen">
      <div className="tabs" role="tablist" aria-label="对账" onKeyDown={onTabKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`reconcile-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === current.id}
            aria-controls="reconcile-panel"
            tabIndex={t.id === current.id ? 0 : -1}
            title={`Alt+${tabs.indexOf(t) + 1}`}
            aria-keyshortcuts={`Alt+${tabs.indexOf(t) + 1}`}
            className={t.id === current.id ? 'tab active' : 'tab'}
            onClick={() => setReconcileTab(t.id)}
            data-testid={`reconcile-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="reconcile-panel" role="tabpanel" aria-labelledby={`reconcile-tab-${current.id}`} className="tab-panel">
        <Panel key={current.id} />
      </div>
    </section>
  );
}
