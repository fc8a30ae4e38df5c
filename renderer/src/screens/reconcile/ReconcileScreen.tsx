import type { Role } from '../../../../app/shared/roles';
import { ModuleTabs, visibleTabs, type ModuleTabDef } from '../../components/ModuleTabs';
import { setReconcileTab, useUploadsStore, type ReconcileTab } from '../../stores/uploads';
import { DiffPanel } from './DiffPanel';
import { UploadsPanel } from './UploadsPanel';

const TABS: readonly ModuleTabDef<ReconcileTab>[] = [
  { id: 'uploads', label: '上传队列', channel: 'uploads.list', Panel: UploadsPanel },
  { id: 'diff', label: '差异对账', channel: 'reconcile.run', Panel: DiffPanel },
];

export function visibleReconcileTabs(roles: readonly Role[]): ModuleTabDef<ReconcileTab>[] {
  return visibleTabs(TABS, roles);
}

export function ReconcileScreen() {
  const selected = useUploadsStore((s) => s.tab);
  return (
    <ModuleTabs
      tabs={TABS}
      selected={selected}
      onSelect={setReconcileTab}
      prefix="reconcile"
      label="对账"
      className={() => 'reconcile-screen'}
      testId="reconcile-screen"
      altDigits
    />
  );
}
