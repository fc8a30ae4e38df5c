import { Fragment, useEffect } from 'react';
import {
  SETTING_DEFS,
  SETTING_GROUPS,
  type SettingDef,
  type SettingGroup,
  type SettingKey,
  type SettingsViewValue,
} from '../../../../app/shared/settings-schema';
import { canUse } from '../../access';
import { ErrorMessage } from '../../components/Field';
import { refreshStatus, useSessionStore } from '../../stores/session';
import {
  computeChanges,
  discardDraft,
  isSecretValue,
  loadSettings,
  saveSettings,
  setDraft,
  useSettingsStore,
  type DraftValue,
} from '../../stores/settings';
import { showToast } from '../../stores/toast';
import { PharmacyInfoLookup } from './PharmacyInfoLookup';

const DEFS = SETTING_DEFS as readonly SettingDef[];

async function save() {
  const outcome = await saveSettings();
  if (outcome.saved) {
    showToast('ok', outcome.restartNeeded ? '已保存。部分设置需重启程序后生效' : '已保存');
    void refreshStatus();
  }
}

export function GeneralSettings() {
  const view = useSettingsStore((s) => s.view);
  const loading = useSettingsStore((s) => s.loading);
  const loadError = useSettingsStore((s) => s.loadError);
  const draft = useSettingsStore((s) => s.draft);
  const formError = useSettingsStore((s) => s.formError);
  const saving = useSettingsStore((s) => s.saving);
  const roles = useSessionStore((s) => s.operator?.roles);
  const canLookUpPharmacy = canUse('nhsa.pharmacyInfo', roles);

  useEffect(() => {
    if (!useSettingsStore.getState().view) void loadSettings();
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        if (!useSettingsStore.getState().saving) void save();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!view) {
    return loadError ? <ErrorMessage text={loadError} /> : <p className="muted">{loading ? '正在读取设置…' : ''}</p>;
  }

  const { changes } = computeChanges(view, draft);
  const changedCount = Object.keys(changes).length;
  const dirty = Object.keys(draft).length > 0;

  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      noValidate
    >
      {view.warnings.length > 0 ? (
        <ul className="warning-list" aria-label="设置提醒" data-testid="settings-warnings">
          {view.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      ) : null}
      <ErrorMessage text={formError} />
      {(Object.keys(SETTING_GROUPS) as SettingGroup[]).map((group) => (
        <fieldset key={group} className="settings-group">
          <legend>{SETTING_GROUPS[group]}</legend>
          {DEFS.filter((d) => d.group === group).map((def) => (
            <Fragment key={def.key}>
              <SettingRow def={def} />
              {/* right under the pharmacy's code and name: what the center has on record for them */}
              {def.key === 'pharmacy.fixmedins_name' && canLookUpPharmacy ? <PharmacyInfoLookup /> : null}
            </Fragment>
          ))}
        </fieldset>
      ))}
      <p className="muted small">密钥保存方式：{view.secretStorage.label}</p>
      <div className="sticky-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={saving || !dirty}
          data-testid="settings-save"
          aria-keyshortcuts="Control+S"
        >
          {saving ? '正在保存…' : '保存（Ctrl+S）'}
        </button>
        <button type="button" className="btn" disabled={saving || !dirty} onClick={discardDraft}>
          放弃修改
        </button>
        <span className="muted">{changedCount > 0 ? `已修改 ${changedCount} 项，尚未保存` : '没有未保存的修改'}</span>
      </div>
    </form>
  );
}

function displayValue(def: SettingDef, value: SettingsViewValue | undefined): string {
  if (value === undefined || isSecretValue(value)) return '';
  if (def.kind === 'boolean') return value ? '是' : '否';
  if (def.kind === 'enum') return def.choices?.find((c) => c.value === value)?.label ?? String(value);
  return String(value);
}

function SettingRow({ def }: { def: SettingDef }) {
  const key = def.key as SettingKey;
  const value = useSettingsStore((s) => s.view?.values[key]);
  const override = useSettingsStore((s) => s.view?.overrides[key]);
  const draftValue = useSettingsStore((s) => s.draft[key]);
  const hasDraft = useSettingsStore((s) => key in s.draft);
  const error = useSettingsStore((s) => s.fieldErrors[key]);
  const id = `setting-${key}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [def.help || override ? helpId : null, error ? errorId : null].filter(Boolean).join(' ');

  let control;
  if (override) {
    control = (
      <input
        id={id}
        readOnly
        className="readonly"
        value={displayValue(def, value)}
        data-testid={id}
        aria-describedby={describedBy}
      />
    );
  } else if (isSecretValue(value)) {
    control = <SecretControl id={id} settingKey={key} isSet={value.set} draft={draftValue} describedBy={describedBy} />;
  } else if (def.kind === 'boolean') {
    const checked = hasDraft ? draftValue === true : value === true;
    control = (
      <label className="checkbox">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(e) => setDraft(key, e.target.checked)}
          data-testid={id}
          aria-describedby={describedBy || undefined}
        />
        {checked ? '是' : '否'}
      </label>
    );
  } else if (def.kind === 'enum') {
    control = (
      <select
        id={id}
        value={hasDraft ? String(draftValue ?? '') : String(value ?? '')}
        onChange={(e) => setDraft(key, e.target.value)}
        data-testid={id}
        aria-describedby={describedBy || undefined}
        aria-invalid={Boolean(error)}
      >
        {(def.choices ?? []).map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={id}
        type="text"
        inputMode={def.kind === 'integer' ? 'numeric' : undefined}
        className={def.kind === 'integer' ? 'input-short' : undefined}
        value={hasDraft ? String(draftValue ?? '') : String(value ?? '')}
        onChange={(e) => setDraft(key, e.target.value)}
        data-testid={id}
        aria-describedby={describedBy || undefined}
        aria-invalid={Boolean(error)}
        spellCheck={false}
      />
    );
  }

  return (
    <div className={['setting-row', error ? 'field-invalid' : '', hasDraft ? 'changed' : ''].join(' ')}>
      <label htmlFor={id} className="setting-label">
        {def.label}
        {def.restart ? (
          <span className="badge badge-warn" title="修改后需重启程序才生效">
            需重启
          </span>
        ) : null}
      </label>
      <div className="setting-control">
        {control}
        {override || def.help ? (
          <div id={helpId} className="field-help">
            {override ? <span className="override-note">由环境变量 {override} 覆盖，此处不能修改</span> : def.help}
          </div>
        ) : null}
        {error ? (
          <div id={errorId} className="field-error" role="alert" data-testid={`setting-error-${key}`}>
            {error}
          </div>
        ) : null}
      </div>
    </div>
  );
}

function SecretControl(props: {
  id: string;
  settingKey: SettingKey;
  isSet: boolean;
  draft: DraftValue | undefined;
  describedBy: string;
}) {
  const { id, settingKey, isSet, draft, describedBy } = props;
  const clearing = draft === null;
  const replacing = typeof draft === 'string' && draft !== '';
  return (
    <div className="secret-control">
      <span className={isSet ? 'badge badge-ok' : 'badge badge-muted'} data-testid={`setting-state-${settingKey}`}>
        {clearing ? '将清除' : replacing ? '将更新' : isSet ? '已设置' : '未设置'}
      </span>
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        placeholder={isSet ? '输入新值以替换' : '输入以设置'}
        value={typeof draft === 'string' ? draft : ''}
        disabled={clearing}
        onChange={(e) => setDraft(settingKey, e.target.value)}
        data-testid={id}
        aria-describedby={describedBy || undefined}
      />
      {clearing ? (
        <button type="button" className="btn btn-small" onClick={() => setDraft(settingKey, '')}>
          撤销清除
        </button>
      ) : isSet ? (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => setDraft(settingKey, null)}
          data-testid={`setting-clear-${settingKey}`}
        >
          清除
        </button>
      ) : null}
    </div>
  );
}
