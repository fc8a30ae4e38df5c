import {
  SETTING_DEFS,
  defaultSettings,
  envNameOf,
  settingDef,
  type SettingDef,
  type SettingKey,
  type Settings,
  type SettingsView,
  type SettingsViewValue,
} from '../shared/settings-schema';
import { AppError, type FieldProblem } from '../shared/errors';
import type { Logger } from '../core/logger';
import type { SecretCipher } from '../core/secrets';
import type { Db } from '../db/connection';

export interface SettingsServiceDeps {
  db: Db;
  cipher: SecretCipher;
  env: NodeJS.ProcessEnv;
  log: Logger;
  now?: () => number;
}

export type SettingsChange = Partial<Record<SettingKey, string | number | boolean | null>>;

export interface SettingsService {
  /** effective settings with secrets in clear — for the main process only */
  current(): Settings;
  /** what the renderer may see: secrets reduced to set / not set */
  view(): SettingsView;
  update(changes: Record<string, unknown>, operatorId: number | null): SettingKey[];
  onChange(listener: (keys: SettingKey[]) => void): () => void;
}

const TRUE = /^(1|true|yes|on|是)$/i;
const FALSE = /^(0|false|no|off|否)$/i;

/** Turns an environment string into the setting's type before the schema sees it. */
function coerceFromEnv(def: SettingDef, raw: string): unknown {
  const s = raw.trim();
  switch (def.kind) {
    case 'integer':
      return /^-?\d+$/.test(s) ? Number(s) : s;
    case 'boolean':
      return TRUE.test(s) ? true : FALSE.test(s) ? false : s;
    default:
      return raw;
  }
}

/**
 * Settings: defaults, then what the admin saved in the database, then POS_<NAME> environment
 * overrides. Every layer is validated by the same schema; a bad stored or env value is reported
 * as a warning and skipped, never allowed to crash the till.
 */
export function createSettingsService(deps: SettingsServiceDeps): SettingsService {
  const { db, cipher, env, log } = deps;
  const now = deps.now ?? Date.now;
  const listeners = new Set<(keys: SettingKey[]) => void>();

  let effective: Settings = defaultSettings();
  let overrides: Partial<Record<SettingKey, string>> = {};
  let warnings: string[] = [];
  let secretSet = new Set<SettingKey>();

  const selectSettings = db.prepare('SELECT key, value FROM settings');
  const selectSecrets = db.prepare('SELECT key, scheme, ciphertext FROM secrets');
  const upsertSetting = db.prepare(
    `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
  const deleteSetting = db.prepare('DELETE FROM settings WHERE key = ?');
  const upsertSecret = db.prepare(
    `INSERT INTO secrets (key, scheme, ciphertext, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET scheme = excluded.scheme, ciphertext = excluded.ciphertext,
       updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
  const deleteSecret = db.prepare('DELETE FROM secrets WHERE key = ?');

  function load(): void {
    const next = defaultSettings() as Record<string, unknown>;
    const nextWarnings: string[] = [];
    const nextOverrides: Partial<Record<SettingKey, string>> = {};
    const nextSecretSet = new Set<SettingKey>();

    for (const row of selectSettings.all() as { key: string; value: string }[]) {
      const def = settingDef(row.key);
      if (!def || def.secret) {
        log.warn('settings: unknown key in database ignored', { key: row.key });
        continue;
      }
      const parsed = def.schema.safeParse(JSON.parse(row.value));
      if (parsed.success) next[def.key] = parsed.data;
      else {
        nextWarnings.push(`已保存的设置“${def.label}”无效，已改用默认值：${parsed.error.issues[0]?.message ?? ''}`);
        log.warn('settings: stored value invalid, default used', {
          key: def.key,
          problem: parsed.error.issues[0]?.message,
        });
      }
    }

    for (const row of selectSecrets.all() as { key: string; scheme: string; ciphertext: Buffer }[]) {
      const def = settingDef(row.key);
      if (!def?.secret) continue;
      if (row.scheme !== cipher.scheme) {
        nextWarnings.push(`“${def.label}”是用另一种方式加密保存的（${row.scheme}），在当前环境无法解密，请重新输入。`);
        log.warn('settings: secret stored with another scheme', {
          key: def.key,
          scheme: row.scheme,
          current: cipher.scheme,
        });
        continue;
      }
      try {
        next[def.key] = cipher.decrypt(row.ciphertext);
        nextSecretSet.add(def.key as SettingKey);
      } catch (e) {
        nextWarnings.push(`“${def.label}”无法解密（密钥文件可能已更换），请重新输入。`);
        log.warn('settings: secret could not be decrypted', { key: def.key, error: (e as Error).message });
      }
    }

    for (const d of SETTING_DEFS) {
      const def = d as SettingDef;
      const name = envNameOf(def.key);
      const raw = env[name];
      if (raw === undefined) continue;
      const parsed = def.schema.safeParse(coerceFromEnv(def, raw));
      if (!parsed.success) {
        const problem = parsed.error.issues[0]?.message ?? '';
        nextWarnings.push(`环境变量 ${name} 的值无效，已忽略：${problem}`);
        log.warn('settings: env override invalid, ignored', { env: name, problem });
        continue;
      }
      next[def.key] = parsed.data;
      nextOverrides[def.key as SettingKey] = name;
      if (def.secret && parsed.data !== '') nextSecretSet.add(def.key as SettingKey);
    }

    effective = next as Settings;
    overrides = nextOverrides;
    warnings = nextWarnings;
    secretSet = nextSecretSet;
  }

  function validate(changes: Record<string, unknown>): { def: SettingDef; value: unknown }[] {
    const problems: FieldProblem[] = [];
    const accepted: { def: SettingDef; value: unknown }[] = [];
    for (const [key, raw] of Object.entries(changes)) {
      const def = settingDef(key);
      if (!def) {
        problems.push({ path: key, message: '未知设置项' });
        continue;
      }
      if (overrides[key as SettingKey]) {
        problems.push({ path: key, message: `该设置由环境变量 ${overrides[key as SettingKey]} 覆盖，请修改环境变量` });
        continue;
      }
      if (raw === null) {
        accepted.push({ def, value: null });
        continue;
      }
      const parsed = def.schema.safeParse(raw);
      if (!parsed.success) {
        problems.push({ path: key, message: parsed.error.issues[0]?.message ?? '值无效' });
        continue;
      }
      accepted.push({ def, value: parsed.data });
    }
    if (problems.length) {
      throw new AppError(
        'SETTINGS_INVALID',
        `设置未保存：${problems.map((p) => `${settingDef(p.path)?.label ?? p.path}：${p.message}`).join('；')}`,
        {
          fields: problems,
        },
      );
    }
    return accepted;
  }

  load();
  for (const w of warnings) log.warn('settings: warning at start-up', { warning: w });

  return {
    current: () => effective,
    view() {
      const values = {} as Record<SettingKey, SettingsViewValue>;
      for (const d of SETTING_DEFS) {
        const key = d.key as SettingKey;
        values[key] = (d as SettingDef).secret
          ? { secret: true, set: secretSet.has(key) }
          : (effective[key] as SettingsViewValue);
      }
      return {
        values,
        overrides: { ...overrides },
        warnings: [...warnings],
        secretStorage: { scheme: cipher.scheme, label: cipher.label },
      };
    },
    update(changes, operatorId) {
      const accepted = validate(changes);
      const at = now();
      const write = db.transaction(() => {
        for (const { def, value } of accepted) {
          if (def.secret) {
            if (value === null || value === '') deleteSecret.run(def.key);
            else upsertSecret.run(def.key, cipher.scheme, cipher.encrypt(String(value)), at, operatorId);
          } else if (value === null) deleteSetting.run(def.key);
          else upsertSetting.run(def.key, JSON.stringify(value), at, operatorId);
        }
      });
      write.immediate();
      load();
      const keys = accepted.map((a) => a.def.key as SettingKey);
      log.info('settings: updated', { keys, operatorId });
      for (const l of listeners) l(keys);
      return keys;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
