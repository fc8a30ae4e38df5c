import { describe, expect, it } from 'vitest';
import { LOCK_MINUTES, MAX_FAILED_ATTEMPTS } from '../../app/auth/operators';
import { hashPassword, passwordWeakness, verifyPassword } from '../../app/auth/passwords';
import { coreFixture } from '../support/core-fixture';

describe('passwords', () => {
  it('are scrypt hashes with parameters and salt, verified in constant time', async () => {
    const h = await hashPassword('Counter2026');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await hashPassword('Counter2026')).not.toBe(h);
    expect(await verifyPassword('Counter2026', h)).toBe(true);
    expect(await verifyPassword('counter2026', h)).toBe(false);
    expect(await verifyPassword('Counter2026', 'garbage')).toBe(false);
  });

  it('weak passwords get a Chinese reason', () => {
    expect(passwordWeakness('abc12', 'x')).toBe('密码至少 8 位');
    expect(passwordWeakness('cashier01', 'Cashier01')).toBe('密码不能与用户名相同');
    expect(passwordWeakness('abcdefgh', 'x')).toBe('密码须同时包含字母和数字');
    expect(passwordWeakness('Counter2026', 'x')).toBeNull();
  });
});

describe('operators', () => {
  it('the first admin can be created once, with no default password', async () => {
    const { operators } = coreFixture();
    expect(operators.count()).toBe(0);
    const admin = await operators.setupFirstAdmin({ username: 'admin', displayName: '王店长', password: 'Admin2026x' });
    expect(admin).toMatchObject({ username: 'admin', roles: ['admin'], mustChangePassword: false });
    await expect(
      operators.setupFirstAdmin({ username: 'admin2', displayName: '李', password: 'Admin2026x' }),
    ).rejects.toMatchObject({ code: 'ALREADY_SET_UP' });
  });

  it('logs in with the right password only; usernames are case-insensitive', async () => {
    const { operators } = coreFixture();
    await operators.setupFirstAdmin({ username: 'Admin', displayName: '王', password: 'Admin2026x' });
    expect(await operators.login('admin', 'Admin2026x')).toMatchObject({ ok: true });
    expect(await operators.login('admin', 'wrong')).toMatchObject({ ok: false, reason: 'password' });
    expect(await operators.login('nobody', 'Admin2026x')).toEqual({ ok: false, reason: 'unknown' });
  });

  it(`locks an account for ${LOCK_MINUTES} minutes after ${MAX_FAILED_ATTEMPTS} wrong passwords`, async () => {
    const f = coreFixture();
    await f.operators.setupFirstAdmin({ username: 'admin', displayName: '王', password: 'Admin2026x' });
    const c = await f.operators.create({
      username: 'cashier1',
      displayName: '张收银',
      roles: ['cashier'],
      password: 'Cash2026xx',
    });
    for (let i = 1; i < MAX_FAILED_ATTEMPTS; i++) {
      expect(await f.operators.login('cashier1', 'bad')).toMatchObject({ reason: 'password', lockedNow: false });
    }
    expect(await f.operators.login('cashier1', 'bad')).toMatchObject({ reason: 'password', lockedNow: true });
    // Even the right password is refused while locked.
    expect(await f.operators.login('cashier1', 'Cash2026xx')).toMatchObject({ ok: false, reason: 'locked' });
    expect(f.operators.get(c.id)?.lockedUntil).toBe(new Date(f.now() + LOCK_MINUTES * 60_000).toISOString());
    f.advance(LOCK_MINUTES * 60_000 + 1);
    expect(await f.operators.login('cashier1', 'Cash2026xx')).toMatchObject({ ok: true });
  });

  it('an admin can unlock, and a disabled operator cannot log in', async () => {
    const f = coreFixture();
    await f.operators.setupFirstAdmin({ username: 'admin', displayName: '王', password: 'Admin2026x' });
    const c = await f.operators.create({
      username: 'c1',
      displayName: '张',
      roles: ['cashier'],
      password: 'Cash2026xx',
    });
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) await f.operators.login('c1', 'bad');
    expect(f.operators.unlock(c.id).lockedUntil).toBeNull();
    expect(await f.operators.login('c1', 'Cash2026xx')).toMatchObject({ ok: true });
    f.operators.update({ id: c.id, active: false });
    expect(await f.operators.login('c1', 'Cash2026xx')).toMatchObject({ ok: false, reason: 'disabled' });
    expect(f.operators.sessionOf(c.id)).toBeNull();
  });

  it('new operators must change the temporary password; the change clears the flag', async () => {
    const f = coreFixture();
    await f.operators.setupFirstAdmin({ username: 'admin', displayName: '王', password: 'Admin2026x' });
    const c = await f.operators.create({
      username: 'ph1',
      displayName: '刘药师',
      roles: ['pharmacist'],
      password: 'Temp2026xx',
    });
    expect(c.mustChangePassword).toBe(true);
    await expect(f.operators.changePassword(c.id, 'wrong', 'Mine2026xx')).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    await expect(f.operators.changePassword(c.id, 'Temp2026xx', 'Temp2026xx')).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    await f.operators.changePassword(c.id, 'Temp2026xx', 'Mine2026xx');
    expect(f.operators.sessionOf(c.id)?.mustChangePassword).toBe(false);
    expect(await f.operators.login('ph1', 'Mine2026xx')).toMatchObject({ ok: true });
  });

  it('refuses duplicate usernames and removing the last admin', async () => {
    const f = coreFixture();
    const admin = await f.operators.setupFirstAdmin({ username: 'admin', displayName: '王', password: 'Admin2026x' });
    await expect(
      f.operators.create({ username: 'ADMIN', displayName: 'x', roles: ['cashier'], password: 'Cash2026xx' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(() => f.operators.update({ id: admin.id, roles: ['cashier'] })).toThrow('至少需要保留一名启用的管理员');
    expect(() => f.operators.update({ id: admin.id, active: false })).toThrow('至少需要保留一名启用的管理员');
    const second = await f.operators.create({
      username: 'boss',
      displayName: '赵',
      roles: ['admin'],
      password: 'Boss2026xx',
    });
    expect(f.operators.update({ id: admin.id, roles: ['manager'] }).roles).toEqual(['manager']);
    expect(second.roles).toEqual(['admin']);
  });
});

describe('audit log', () => {
  it('records who, when, what and from which screen, masked, newest first', () => {
    const f = coreFixture();
    f.audit.record({ operatorId: null, operatorName: 'admin', action: 'auth.login', screen: 'login' });
    f.advance(1000);
    f.audit.record({
      operatorId: null,
      operatorName: 'admin',
      action: 'settings.update',
      screen: 'settings',
      detail: { buyer_certno: '110101199001011234', token: 'x' },
    });
    const { rows, total } = f.audit.list({ limit: 10, offset: 0 });
    expect(total).toBe(2);
    expect(rows[0]).toMatchObject({
      action: 'settings.update',
      screen: 'settings',
      outcome: 'ok',
      detail: { buyer_certno: '110101********1234', token: '[已隐藏]' },
    });
    expect(rows[1]!.action).toBe('auth.login');
    expect(f.audit.list({ action: 'settings', limit: 10, offset: 0 }).total).toBe(1);
    expect(f.audit.list({ from: new Date(f.now()).toISOString(), limit: 10, offset: 0 }).total).toBe(1);
    expect(f.audit.list({ limit: 1, offset: 1 }).rows[0]!.action).toBe('auth.login');
  });

  it('cannot be changed or deleted, even with SQL', () => {
    const f = coreFixture();
    f.audit.record({ operatorId: null, operatorName: 'x', action: 'auth.login' });
    expect(() => f.db.prepare("UPDATE audit_log SET outcome = 'failed'").run()).toThrow(/append-only/);
    expect(() => f.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(f.audit.list({ limit: 10, offset: 0 }).total).toBe(1);
  });
});
