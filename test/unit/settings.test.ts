import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyFileCipher, createSafeStorageCipher } from '../../app/core/secrets';
import { createSettingsService } from '../../app/settings/settings-service';
import { SETTING_DEFS, defaultSettings, envNameOf } from '../../app/shared/settings-schema';
import { type AppError } from '../../app/shared/errors';
import { coreFixture } from '../support/core-fixture';
import { tempDir } from '../support/tmp';

describe('settings', () => {
  it('starts from the defaults', () => {
    const { settings } = coreFixture();
    expect(settings.current()).toEqual(defaultSettings());
    expect(settings.view().warnings).toEqual([]);
  });

  it('every setting has a Chinese label, a unique key and a default its own schema accepts', () => {
    const keys = new Set<string>();
    for (const d of SETTING_DEFS) {
      expect(keys.has(d.key), d.key).toBe(false);
      keys.add(d.key);
      expect(d.label).toMatch(/[\u4e00-\u9fa5]/);
      expect(d.schema.safeParse(d.default).success, d.key).toBe(true);
      expect(envNameOf(d.key)).toMatch(/^POS_[A-Z0-9_]+$/);
    }
  });

  it('saves valid changes and keeps them across a restart', () => {
    const f = coreFixture();
    const keys = f.settings.update(
      { 'pharmacy.fixmedins_code': 'P44030500001', 'pharmacy.admdvs': '440300', 'gsp.near_expiry_months': 3 },
      null,
    );
    expect(keys).toEqual(['pharmacy.fixmedins_code', 'pharmacy.admdvs', 'gsp.near_expiry_months']);
    const again = createSettingsService({ db: f.db, cipher: f.cipher, env: {}, log: f.log });
    expect(again.current()['pharmacy.admdvs']).toBe('440300');
    expect(again.current()['gsp.near_expiry_months']).toBe(3);
  });

  it('rejects a malformed value with field problems and writes nothing', () => {
    const f = coreFixture();
    let err: AppError | undefined;
    try {
      f.settings.update(
        { 'pharmacy.fixmedins_name': '好药房', 'pharmacy.admdvs': '4403', 'system.web_port': 70000 },
        null,
      );
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.code).toBe('SETTINGS_INVALID');
    expect(err?.fields).toEqual([
      { path: 'pharmacy.admdvs', message: '医保区划应为 6 位数字' },
      { path: 'system.web_port', message: '端口应在 0–65535 之间' },
    ]);
    expect(err?.message).toContain('就医地医保区划');
    expect(f.settings.current()['pharmacy.fixmedins_name']).toBe('');
    expect(f.db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 });
  });

  it('null resets a value to its default', () => {
    const f = coreFixture();
    f.settings.update({ 'gsp.near_expiry_months': 9 }, null);
    f.settings.update({ 'gsp.near_expiry_months': null }, null);
    expect(f.settings.current()['gsp.near_expiry_months']).toBe(6);
  });

  it('environment variables override stored values, typed by the setting', () => {
    const f = coreFixture();
    f.settings.update({ 'pharmacy.admdvs': '440300', 'trace.required_for_selfpay': true }, null);
    const env = {
      POS_ADMDVS: '130100',
      POS_TRACE_REQUIRED_FOR_SELFPAY: 'false',
      POS_GSP_NEAR_EXPIRY_MONTHS: '12',
      POS_NHSA_PROFILE: 'per_service',
      POS_UNRELATED: 'x',
    };
    const s = createSettingsService({ db: f.db, cipher: f.cipher, env, log: f.log });
    expect(s.current()).toMatchObject({
      'pharmacy.admdvs': '130100',
      'trace.required_for_selfpay': false,
      'gsp.near_expiry_months': 12,
      'nhsa.profile': 'per_service',
    });
    expect(s.view().overrides).toEqual({
      'pharmacy.admdvs': 'POS_ADMDVS',
      'trace.required_for_selfpay': 'POS_TRACE_REQUIRED_FOR_SELFPAY',
      'gsp.near_expiry_months': 'POS_GSP_NEAR_EXPIRY_MONTHS',
      'nhsa.profile': 'POS_NHSA_PROFILE',
    });
    // The screen cannot change what the environment decides.
    expect(() => s.update({ 'pharmacy.admdvs': '110100' }, null)).toThrow(/POS_ADMDVS/);
  });

  it('a malformed environment override is ignored with a warning, never a crash', () => {
    const f = coreFixture();
    const s = createSettingsService({
      db: f.db,
      cipher: f.cipher,
      env: { POS_GSP_NEAR_EXPIRY_MONTHS: 'six', POS_SYSTEM_LOG_LEVEL: 'loud' },
      log: f.log,
    });
    expect(s.current()['gsp.near_expiry_months']).toBe(6);
    expect(s.current()['system.log_level']).toBe('info');
    expect(s.view().warnings).toHaveLength(2);
    expect(s.view().warnings[0]).toContain('POS_GSP_NEAR_EXPIRY_MONTHS');
    expect(f.log.records.some((r) => r.env === 'POS_SYSTEM_LOG_LEVEL')).toBe(true);
  });

  it('a stored value that no longer validates falls back to the default with a warning', () => {
    const f = coreFixture();
    f.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('gsp.near_expiry_months', '99', 0)").run();
    const s = createSettingsService({ db: f.db, cipher: f.cipher, env: {}, log: f.log });
    expect(s.current()['gsp.near_expiry_months']).toBe(6);
    expect(s.view().warnings[0]).toContain('近效期预警');
  });
});

describe('secrets in settings', () => {
  it('are encrypted at rest and reach the view only as set / not set', () => {
    const f = coreFixture();
    f.settings.update({ 'nhsa.token': 'tok-123456', 'eprescription.sm2_private_key': 'ab'.repeat(32) }, null);
    expect(f.settings.current()['nhsa.token']).toBe('tok-123456');
    const view = f.settings.view();
    expect(view.values['nhsa.token']).toEqual({ secret: true, set: true });
    expect(view.values['eprescription.app_secret']).toEqual({ secret: true, set: false });
    expect(JSON.stringify(view)).not.toContain('tok-123456');
    const raw = f.db.prepare('SELECT scheme, ciphertext FROM secrets').all() as {
      scheme: string;
      ciphertext: Buffer;
    }[];
    expect(raw).toHaveLength(2);
    for (const r of raw) {
      expect(r.scheme).toBe('keyfile-aes-256-gcm');
      expect(r.ciphertext.toString('latin1')).not.toContain('tok-123456');
    }
    expect(f.db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 });
    // The whole database file never holds the clear text either.
    f.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(path.join(f.dir, 'pos.sqlite')).toString('latin1')).not.toContain('tok-123456');
  });

  it('an empty value or null clears a secret', () => {
    const f = coreFixture();
    f.settings.update({ 'nhsa.token': 'tok' }, null);
    f.settings.update({ 'nhsa.token': '' }, null);
    expect(f.settings.view().values['nhsa.token']).toEqual({ secret: true, set: false });
    expect(f.settings.current()['nhsa.token']).toBe('');
  });

  it('the key file is created with 0600 permissions and a different key cannot decrypt', () => {
    const dir = tempDir();
    const cipher = createKeyFileCipher(dir);
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(cipher.label).toContain('非桌面');
    const blob = cipher.encrypt('秘密');
    expect(createKeyFileCipher(dir).decrypt(blob)).toBe('秘密');
    expect(() => createKeyFileCipher(tempDir()).decrypt(blob)).toThrow();
  });

  it('a secret stored under another scheme or key becomes a warning, not a crash', () => {
    const f = coreFixture();
    f.settings.update({ 'nhsa.token': 'tok' }, null);
    const other = createSettingsService({ db: f.db, cipher: createKeyFileCipher(tempDir()), env: {}, log: f.log });
    expect(other.view().values['nhsa.token']).toEqual({ secret: true, set: false });
    expect(other.view().warnings[0]).toContain('无法解密');
    const fakeSafe = createSafeStorageCipher({
      isEncryptionAvailable: () => true,
      encryptString: (s) => Buffer.from([...s].reverse().join('')),
      decryptString: (b) => [...b.toString()].reverse().join(''),
    });
    const desktop = createSettingsService({ db: f.db, cipher: fakeSafe, env: {}, log: f.log });
    expect(desktop.view().warnings[0]).toContain('另一种方式加密');
    desktop.update({ 'nhsa.token': 'new' }, null);
    expect(desktop.current()['nhsa.token']).toBe('new');
  });
});
