import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootCore, type PosCore } from '../../app/boot';
import { createSession, type ClientSession } from '../../app/api/session';
import { openDatabase } from '../../app/db/connection';
import { MIGRATIONS } from '../../app/db/migrations';
import { tempDir } from '../support/tmp';

async function boot(dir = tempDir(), env: NodeJS.ProcessEnv = {}) {
  const core = await bootCore({ dataDir: dir, shell: 'browser', version: 'test', env });
  return { core, dir };
}

async function call(core: PosCore, s: ClientSession, channel: string, payload: unknown = {}, screen = 'test') {
  return core.dispatcher.call(s, channel, payload, { screen });
}

async function withAdmin() {
  const { core, dir } = await boot();
  const s = createSession('test');
  const r = await call(core, s, 'auth.setupAdmin', {
    username: 'admin',
    displayName: '王店长',
    password: 'Admin2026x',
  });
  expect(r.ok).toBe(true);
  return { core, dir, s };
}

describe('the core behind the channel table', () => {
  it('starts on an empty folder in first-run state, in training mode against the built-in sandbox center', async () => {
    const { core } = await boot();
    const r = await call(core, createSession('test'), 'app.status');
    expect(r).toMatchObject({
      ok: true,
      value: { firstRun: true, fatal: null, trainingMode: true, insurance: { kind: 'sandbox' } },
    });
    if (r.ok) expect((r.value as { insurance: { label: string } }).insurance.label).toContain('培训模式');
    await core.close();
  });

  it('a bad payload gets a typed INVALID_INPUT error naming the field', async () => {
    const { core, s } = await withAdmin();
    const r = await call(core, s, 'operators.create', {
      username: 'a b',
      displayName: '',
      roles: ['boss'],
      password: 'x',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.fields?.map((f) => f.path).sort()).toEqual(['displayName', 'roles.0', 'username']);
      expect(r.error.message).toContain('用户名只能包含');
    }
    const extra = await call(core, s, 'auth.logout', { sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const unknown = await call(core, s, 'fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    await core.close();
  });

  it('refuses privileged channels without login and with the wrong role, and audits the refusal', async () => {
    const { core, s } = await withAdmin();
    const anon = createSession('test');
    expect(await call(core, anon, 'settings.get')).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });

    const created = await call(core, s, 'operators.create', {
      username: 'cashier1',
      displayName: '张收银',
      roles: ['cashier'],
      password: 'Cash2026xx',
    });
    expect(created.ok).toBe(true);
    const cashier = createSession('test');
    expect(
      await call(core, cashier, 'auth.login', { username: 'cashier1', password: 'Cash2026xx' }, 'login'),
    ).toMatchObject({
      ok: true,
    });
    const denied = await call(
      core,
      cashier,
      'settings.update',
      { changes: { 'pharmacy.admdvs': '440300' } },
      'settings',
    );
    expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: '当前操作员无权执行此操作' } });

    const audit = await call(core, s, 'audit.list', { action: 'settings.update' });
    expect(audit.ok && (audit.value as { rows: unknown[] }).rows).toEqual([
      expect.objectContaining({ operatorName: 'cashier1', outcome: 'denied', screen: 'settings' }),
    ]);
    await core.close();
  });

  it('a disabled operator loses an open session at the next call', async () => {
    const { core, s } = await withAdmin();
    const c = await call(core, s, 'operators.create', {
      username: 'm1',
      displayName: '李',
      roles: ['manager'],
      password: 'Mgr2026xxx',
    });
    const other = createSession('test');
    await call(core, other, 'auth.login', { username: 'm1', password: 'Mgr2026xxx' });
    expect((await call(core, other, 'operators.list')).ok).toBe(true);
    await call(core, s, 'operators.update', { id: (c as { value: { id: number } }).value.id, active: false });
    expect(await call(core, other, 'operators.list')).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
    expect(other.operator).toBeNull();
    await core.close();
  });

  it('records login, failed login, lock-out, logout and settings changes in the audit log', async () => {
    const { core, s } = await withAdmin();
    await call(core, s, 'auth.logout', {}, 'main');
    const r = await call(core, s, 'auth.login', { username: 'admin', password: 'nope' }, 'login');
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', message: '用户名或密码错误' } });
    await call(core, s, 'auth.login', { username: 'admin', password: 'Admin2026x' }, 'login');
    await call(
      core,
      s,
      'settings.update',
      { changes: { 'pharmacy.fixmedins_name': '仁和大药房', 'nhsa.token': 'sekret' } },
      'settings',
    );
    const list = await call(core, s, 'audit.list', {});
    expect(list.ok).toBe(true);
    const rows = (
      list as { value: { rows: { action: string; outcome: string; screen: string | null; detail: unknown }[] } }
    ).value.rows;
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual([
      'settings.update:ok',
      'auth.login:ok',
      'auth.login:failed',
      'auth.logout:ok',
      'auth.login:ok',
      'auth.setup_admin:ok',
    ]);
    expect(rows[0]!.detail).toEqual({
      changes: { 'pharmacy.fixmedins_name': '仁和大药房', 'nhsa.token': '[已更改]' },
    });
    expect(rows[0]!.screen).toBe('settings');
    expect(JSON.stringify(rows)).not.toContain('sekret');

    const locked = createSession('test');
    for (let i = 0; i < 4; i++) await call(core, locked, 'auth.login', { username: 'admin', password: 'nope' });
    const fifth = await call(core, locked, 'auth.login', { username: 'admin', password: 'nope' });
    expect(fifth).toMatchObject({ ok: false, error: { code: 'AUTH_LOCKED' } });
    const sixth = await call(core, locked, 'auth.login', { username: 'admin', password: 'Admin2026x' });
    expect(sixth).toMatchObject({
      ok: false,
      error: { code: 'AUTH_LOCKED', message: expect.stringContaining('5 分钟') },
    });
    const lockRows = await call(core, s, 'audit.list', { action: 'auth.locked' });
    expect((lockRows as { value: { total: number } }).value.total).toBe(1);
    await core.close();
  });

  it('the settings view never carries a secret and pushes a change event', async () => {
    const { core, s } = await withAdmin();
    const events: string[] = [];
    core.events.on((name) => events.push(name));
    const r = await call(core, s, 'settings.update', {
      changes: { 'nhsa.token': 'tok-abc', 'nhsa.paasid': 'p1' },
    });
    expect(JSON.stringify(r)).not.toContain('tok-abc');
    expect(events).toContain('settings.changed');
    await core.close();
  });

  it('backs up on demand into the configured folder', async () => {
    const { core, s, dir } = await withAdmin();
    const target = path.join(dir, 'elsewhere');
    await call(core, s, 'settings.update', { changes: { 'system.backup_dir': target } });
    const r = await call(core, s, 'system.backupNow');
    expect(r).toMatchObject({ ok: true, value: { path: expect.stringContaining(target) } });
    const list = await call(core, s, 'system.listBackups');
    expect(list.ok && (list.value as unknown[]).length).toBe(1);
    const info = await call(core, s, 'system.info');
    expect(info).toMatchObject({
      ok: true,
      value: { dataDir: dir, schemaVersion: MIGRATIONS.length, backupDir: target },
    });
    await core.close();
  });

  it('a session that goes away is logged out in the audit log', async () => {
    const { core, s } = await withAdmin();
    await core.endSession(s);
    const list = await call(core, (await withAdminSession(core))!, 'audit.list', { action: 'auth.logout' });
    expect(list).toMatchObject({ ok: true, value: { total: 1, rows: [{ detail: { reason: 'ui_closed' } }] } });
    await core.close();
  });
});

async function withAdminSession(core: PosCore) {
  const s = createSession('test');
  const r = await core.dispatcher.call(s, 'auth.login', { username: 'admin', password: 'Admin2026x' });
  return r.ok ? s : null;
}

describe('start-up refusals', () => {
  it('a corrupt database gives a fatal status with a Chinese message, and every other call is refused', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'pos.sqlite'), Buffer.alloc(4096, 0x41));
    const { core } = await boot(dir);
    expect(core.fatal?.message).toContain('数据库文件已损坏');
    const st = await core.dispatcher.call(createSession('test'), 'app.status', {});
    expect(st).toMatchObject({ ok: true, value: { fatal: { code: 'DB_UNAVAILABLE' } } });
    expect(
      await core.dispatcher.call(createSession('test'), 'auth.login', { username: 'a', password: 'b' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'DB_UNAVAILABLE' },
    });
    const log = fs.readFileSync(path.join(dir, 'logs', 'pos.log'), 'utf8');
    expect(log).toContain('SQLITE_NOTADB');
    await core.close();
  });

  it('an edited migration stops start-up', async () => {
    const dir = tempDir();
    (await boot(dir)).core.close();
    const db = openDatabase(path.join(dir, 'pos.sqlite'));
    db.prepare("UPDATE schema_migrations SET sha256 = 'x' WHERE version = 1").run();
    db.close();
    const { core } = await boot(dir);
    expect(core.fatal?.message).toContain('被修改过');
    await core.close();
  });

  it('an unusable data folder is reported, not thrown', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    const { core } = await boot(path.join(dir, 'blocker'));
    expect(core.fatal?.message).toContain('无法使用数据目录');
    await core.close();
  });

  it('POS_DATA_DIR-style env overrides reach the core', async () => {
    const { core } = await boot(tempDir(), { POS_FIXMEDINS_NAME: '环境药房', POS_SYSTEM_WEB_PORT: '18080' });
    const st = await core.dispatcher.call(createSession('test'), 'app.status', {});
    expect(st).toMatchObject({ ok: true, value: { pharmacyName: '环境药房' } });
    expect(core.webPort()).toBe(18080);
    await core.close();
  });
});
