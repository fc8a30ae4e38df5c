import type { KeyboardEvent } from 'react';
import type { ChannelName } from '../../../../app/shared/contract';
import type { Role } from '../../../../app/shared/roles';
import { canUse } from '../../access';
import { setSettingsTab, useNavigationStore, type SettingsTab } from '../../stores/navigation';
import { useSessionStore } from '../../stores/session';
import { AuditPanel } from './AuditPanel';
import { BackupPanel } from './BackupPanel';
import { GeneralSettings } from './GeneralSettings';
import { OperatorsPanel } from './OperatorsPanel';
import { SystemInfoPanel } from './SystemInfoPanel';

interface TabDef {
  id: SettingsTab;
  label: string;
  /** the channel the tab cannot work without: it decides who sees the tab */
  channel: ChannelName;
  Panel: () => React.JSX.Element;
}

const TABS: readonly TabDef[] = [
  { id: 'general', label: '基本设置', channel: 'settings.get', Panel: GeneralSettings },
  { id: 'operators', label: '操作员', channel: 'operators.list', Panel: OperatorsPanel },
  { id: 'audit', label: '审计日志', channel: 'audit.list', Panel: AuditPanel },
  { id: 'backup', label: '数据备份', channel: 'system.listBackups', Panel: BackupPanel },
  { id: 'system', label: '系统信息', channel: 'system.info', Panel: SystemInfoPanel },
];

export function visibleSettingsTabs(roles: readonly Role[]): TabDef[] {
  return TABS.filter((t) => canUse(t.channel, roles));
}

export function SettingsScreen() {
  const roles = useSessionStore((s) => s.operator?.roles);
  const selected = useNavigationStore((s) => s.settingsTab);
  const tabs = roles ? visibleSettingsTabs(roles) : [];
  const current = tabs.find((t) => t.id === selected) ?? tabs[0];
  if (!current) return null;

  function onTabKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabs.findIndex((t) => t.id === current?.id);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (!next) return;
    e.preventDefault();
    setSettingsTab(next.id);
    document.getElementById(`settings-tab-${next.id}`)?.focus();
  }

  const Panel = current.Panel;
  return (
    <section className="settings-screen">
      <div className="tabs" role="tablist" aria-label="设置" onKeyDown={onTabKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`settings-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === current.id}
            aria-controls="settings-panel"
            tabIndex={t.id === current.id ? 0 : -1}
            className={t.id === current.id ? 'tab active' : 'tab'}
            onClick={() => setSettingsTab(t.id)}
            data-testid={`settings-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="settings-panel" role="tabpanel" aria-labelledby={`settings-tab-${current.id}`} className="tab-panel">
        <Panel key={current.id} />
      </div>
    </section>
  );
}
