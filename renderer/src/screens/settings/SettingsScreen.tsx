import type { Role } from '../../../../app/shared/roles';
import { ModuleTabs, visibleTabs, type ModuleTabDef } from '../../components/ModuleTabs';
import { setSettingsTab, useNavigationStore, type SettingsTab } from '../../stores/navigation';
import { AuditPanel } from './AuditPanel';
import { BackupPanel } from './BackupPanel';
import { GeneralSettings } from './GeneralSettings';
import { NhsaJournalPanel } from './NhsaJournalPanel';
import { OperatorsPanel } from './OperatorsPanel';
import { PractitionersPanel } from './PractitionersPanel';
import { ReversalsPanel } from './ReversalsPanel';
import { SystemInfoPanel } from './SystemInfoPanel';

type TabGroup = 'store' | 'nhsa';

/** The caption shown before a group's first tab; the first group goes without one. */
const GROUP_LABELS: Record<TabGroup, string | null> = { store: null, nhsa: '医保' };

interface TabDef extends ModuleTabDef<SettingsTab> {
  group: TabGroup;
}

const TABS: readonly TabDef[] = [
  { id: 'general', label: '基本设置', group: 'store', channel: 'settings.get', Panel: GeneralSettings },
  { id: 'operators', label: '操作员', group: 'store', channel: 'operators.list', Panel: OperatorsPanel },
  { id: 'audit', label: '审计日志', group: 'store', channel: 'audit.list', Panel: AuditPanel },
  { id: 'backup', label: '数据备份', group: 'store', channel: 'system.listBackups', Panel: BackupPanel },
  { id: 'system', label: '系统信息', group: 'store', channel: 'system.info', Panel: SystemInfoPanel },
  { id: 'nhsa-journal', label: '医保接口日志', group: 'nhsa', channel: 'nhsa.journal', Panel: NhsaJournalPanel },
  { id: 'nhsa-reversals', label: '冲正队列', group: 'nhsa', channel: 'nhsa.reversals', Panel: ReversalsPanel },
  { id: 'practitioners', label: '药师', group: 'nhsa', channel: 'nhsa.practitioners', Panel: PractitionersPanel },
];

export function visibleSettingsTabs(roles: readonly Role[]): TabDef[] {
  return visibleTabs(TABS, roles);
}

export function SettingsScreen() {
  const selected = useNavigationStore((s) => s.settingsTab);
  return (
    <ModuleTabs
      tabs={TABS}
      selected={selected}
      onSelect={setSettingsTab}
      prefix="settings"
      label="设置"
      className={() => 'settings-screen'}
      groupLabels={GROUP_LABELS}
    />
  );
}
