import { create } from 'zustand';
import type { FieldProblem } from '../../../app/shared/errors';
import {
  SETTING_DEFS,
  SETTING_KEYS,
  settingDef,
  type SettingKey,
  type SettingsView,
  type SettingsViewValue,
} from '../../../app/shared/settings-schema';
import { PosError, call, errorMessage } from '../api/pos';

/**
 * What the admin has typed but not saved. Integers stay text until saving so a half-typed number
 * is not rejected on every keystroke. For a secret: a string replaces it, null clears it.
 */
export type DraftValue = string | boolean | null;

interface SettingsState {
  view: SettingsView | null;
  loading: boolean;
  loadError: string | null;
  draft: Partial<Record<SettingKey, DraftValue>>;
  fieldErrors: Partial<Record<SettingKey, string>>;
  formError: string | null;
  saving: boolean;
}

const initial: SettingsState = {
  view: null,
  loading: false,
  loadError: null,
  draft: {},
  fieldErrors: {},
  formError: null,
  saving: false,
};

export const useSettingsStore = create<SettingsState>()(() => initial);
const set = useSettingsStore.setState;
const get = useSettingsStore.getState;

export function resetSettings(): void {
  set(initial);
}

export async function loadSettings(): Promise<void> {
  set({ loading: true, loadError: null });
  try {
    const view = await call('settings.get', {});
    set({ view, loading: false });
  } catch (e) {
    set({ loading: false, loadError: errorMessage(e) });
  }
}

export function setDraft(key: SettingKey, value: DraftValue): void {
  const { draft, fieldErrors } = get();
  const nextErrors = { ...fieldErrors };
  delete nextErrors[key];
  set({ draft: { ...draft, [key]: value }, fieldErrors: nextErrors });
}

export function discardDraft(): void {
  set({ draft: {}, fieldErrors: {}, formError: null });
}

export function isSecretValue(v: SettingsViewValue | undefined): v is { secret: true; set: boolean } {
  return typeof v === 'object' && v !== null && 'secret' in v;
}

/** Turns the draft into the changes settings.update expects, dropping edits that change nothing. */
export function computeChanges(
  view: SettingsView,
  draft: Partial<Record<SettingKey, DraftValue>>,
): { changes: Record<string, string | number | boolean>; errors: Partial<Record<SettingKey, string>> } {
  const changes: Record<string, string | number | boolean> = {};
  const errors: Partial<Record<SettingKey, string>> = {};
  for (const def of SETTING_DEFS) {
    const key = def.key as SettingKey;
    if (!(key in draft) || view.overrides[key]) continue;
    const value = draft[key];
    const current = view.values[key];
    if (isSecretValue(current)) {
      // The service stores '' for "no secret"; sending it keeps the value inside the setting's schema.
      if (value === null) {
        if (current.set) changes[key] = '';
      } else if (typeof value === 'string' && value !== '') changes[key] = value;
      continue;
    }
    if (def.kind === 'integer') {
      const text = String(value ?? '').trim();
      if (!/^-?\d+$/.test(text)) {
        errors[key] = '请填写整数';
        continue;
      }
      const n = Number(text);
      if (n !== current) changes[key] = n;
    } else if (def.kind === 'boolean') {
      if (typeof value === 'boolean' && value !== current) changes[key] = value;
    } else if (typeof value === 'string' && value !== current) {
      changes[key] = value;
    }
  }
  return { changes, errors };
}

/** A problem's dotted path names the setting, possibly under "changes."; find which one. */
export function settingKeyOfPath(path: string): SettingKey | null {
  let best: SettingKey | null = null;
  for (const key of SETTING_KEYS) {
    for (const candidate of [key, `changes.${key}`]) {
      if ((path === candidate || path.startsWith(candidate + '.')) && (!best || key.length > best.length)) best = key;
    }
  }
  return best;
}

function errorsFromFields(fields: readonly FieldProblem[]): {
  byKey: Partial<Record<SettingKey, string>>;
  other: string[];
} {
  const byKey: Partial<Record<SettingKey, string>> = {};
  const other: string[] = [];
  for (const f of fields) {
    const key = settingKeyOfPath(f.path);
    if (key) byKey[key] = byKey[key] ? `${byKey[key]}；${f.message}` : f.message;
    else other.push(f.message);
  }
  return { byKey, other };
}

export type SaveOutcome = { saved: false } | { saved: true; restartNeeded: boolean; count: number };

export async function saveSettings(): Promise<SaveOutcome> {
  const { view, draft } = get();
  if (!view) return { saved: false };
  const { changes, errors } = computeChanges(view, draft);
  if (Object.keys(errors).length > 0) {
    set({ fieldErrors: errors, formError: '有设置填写有误，请查看标红的项目' });
    return { saved: false };
  }
  const keys = Object.keys(changes);
  if (keys.length === 0) {
    set({ draft: {}, fieldErrors: {}, formError: null });
    return { saved: false };
  }
  set({ saving: true, formError: null, fieldErrors: {} });
  try {
    const next = await call('settings.update', { changes });
    set({ view: next, draft: {}, saving: false });
    return { saved: true, count: keys.length, restartNeeded: keys.some((k) => settingDef(k)?.restart === true) };
  } catch (e) {
    if (e instanceof PosError && e.fields.length > 0) {
      const { byKey, other } = errorsFromFields(e.fields);
      const matched = Object.keys(byKey).length;
      set({
        saving: false,
        fieldErrors: byKey,
        formError: other.length > 0 ? other.join('；') : matched > 0 ? '有设置填写有误，请查看标红的项目' : e.message,
      });
    } else {
      set({ saving: false, formError: errorMessage(e) });
    }
    return { saved: false };
  }
}

/** Another window (or the CLI) changed settings: take them in unless this admin is mid-edit. */
export async function onSettingsChangedElsewhere(): Promise<void> {
  const { view, draft, saving } = get();
  if (!view || saving) return;
  if (Object.keys(draft).length === 0) await loadSettings();
}
