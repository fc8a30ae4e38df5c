import type { KeyboardEvent } from 'react';
import type { ChannelName } from '../../../../app/shared/contract';
import type { Role } from '../../../../app/shared/roles';
import { canUse } from '../../access';
import { setSettingsTab, useNavigationStore, type SettingsTab } from '../../stores/navigation';
import { useSessionStore } from '../../stores/session';
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

interface TabDef {
  id: SettingsTab;
  label: string;
  group: TabGroup;
  /** the channel the tab cannot work without: it decides who sees the tab */
  channel: ChannelName;
  Panel: () => React.JSX.Element;
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
        {tabs.map((t, i) => {
          const caption = tabs[i - 1]?.group !== t.group ? GROUP_LABELS[t.group] : null;
          return [
            caption ? (
              <span key={`group-${t.group}`} className="tab-group-label" aria-hidden="true">
                {caption}
              </span>
            ) : null,
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
            </button>,
          ];
        })}
      </div>
      <div id="settings-panel" role="tabpanel" aria-labelledby={`settings-tab-${current.id}`} className="tab-panel">
        <Panel key={current.id} />
      </div>
    </section>
  );
}
