import type { OperatorSummary, SessionOperator } from '../shared/contract';
import { AppError } from '../shared/errors';
import { ROLES, type Role } from '../shared/roles';
import type { Db } from '../db/connection';
import { dummyPasswordHash, hashPassword, passwordWeakness, verifyPassword } from './passwords';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 5;

interface OperatorRow {
  id: number;
  username: string;
  display_name: string;
  roles: string;
  password_hash: string;
  active: number;
  must_change_password: number;
  failed_attempts: number;
  locked_until: number | null;
  last_login_at: number | null;
  created_at: number;
}

export type LoginOutcome =
  | { ok: true; operator: SessionOperator }
  | {
      ok: false;
      reason: 'unknown' | 'password' | 'locked' | 'disabled';
      operator?: SessionOperator;
      lockedNow?: boolean;
    };

function parseRoles(json: string): Role[] {
  const raw = JSON.parse(json) as unknown;
  return Array.isArray(raw) ? raw.filter((r): r is Role => (ROLES as readonly string[]).includes(r as string)) : [];
}

function toSession(r: OperatorRow): SessionOperator {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: parseRoles(r.roles),
    mustChangePassword: r.must_change_password === 1,
  };
}

function toSummary(r: OperatorRow, now: number): OperatorSummary {
  return {
    ...toSession(r),
    active: r.active === 1,
    lockedUntil: r.locked_until && r.locked_until > now ? new Date(r.locked_until).toISOString() : null,
    lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

function assertStrong(password: string, username: string): void {
  const weakness = passwordWeakness(password, username);
  if (weakness) throw new AppError('WEAK_PASSWORD', weakness, { fields: [{ path: 'password', message: weakness }] });
}

export interface OperatorService {
  count(): number;
  get(id: number): OperatorSummary | null;
  /** the session view of an active operator, or null when missing or disabled */
  sessionOf(id: number): SessionOperator | null;
  list(): OperatorSummary[];
  setupFirstAdmin(input: { username: string; displayName: string; password: string }): Promise<SessionOperator>;
  create(input: { username: string; displayName: string; roles: Role[]; password: string }): Promise<OperatorSummary>;
  update(input: { id: number; displayName?: string; roles?: Role[]; active?: boolean }): OperatorSummary;
  resetPassword(id: number, password: string): Promise<void>;
  changePassword(id: number, oldPassword: string, newPassword: string): Promise<void>;
  unlock(id: number): OperatorSummary;
  login(username: string, password: string): Promise<LoginOutcome>;
}

export function createOperatorService(db: Db, now: () => number = Date.now): OperatorService {
  const byId = db.prepare('SELECT * FROM operators WHERE id = ?');
  const byName = db.prepare('SELECT * FROM operators WHERE username = ?');
  const countAll = db.prepare('SELECT count(*) AS n FROM operators');
  const insert = db.prepare(
    `INSERT INTO operators (username, display_name, roles, password_hash, must_change_password, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const recordFailure = db.prepare(
    'UPDATE operators SET failed_attempts = ?, locked_until = ?, updated_at = ? WHERE id = ?',
  );
  const recordSuccess = db.prepare(
    'UPDATE operators SET failed_attempts = 0, locked_until = NULL, last_login_at = ?, updated_at = ? WHERE id = ?',
  );
  const setPassword = db.prepare(
    'UPDATE operators SET password_hash = ?, must_change_password = ?, failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?',
  );

  const row = (id: number) => byId.get(id) as OperatorRow | undefined;
  const mustExist = (id: number): OperatorRow => {
    const r = row(id);
    if (!r) throw new AppError('NOT_FOUND', '操作员不存在');
    return r;
  };
  const countAdmins = (exceptId: number) =>
    (
      db
        .prepare(
          `SELECT count(*) AS n FROM operators WHERE active = 1 AND id != ? AND EXISTS (SELECT 1 FROM json_each(roles) WHERE value = 'admin')`,
        )
        .get(exceptId) as { n: number }
    ).n;

  const insertOperator = (username: string, displayName: string, roles: Role[], hash: string, mustChange: boolean) => {
    try {
      const t = now();
      const info = insert.run(username, displayName, JSON.stringify(roles), hash, mustChange ? 1 : 0, t, t);
      return Number(info.lastInsertRowid);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AppError('CONFLICT', `用户名“${username}”已存在`, {
          fields: [{ path: 'username', message: '用户名已存在' }],
        });
      }
      throw e;
    }
  };

  return {
    count: () => (countAll.get() as { n: number }).n,
    get(id) {
      const r = row(id);
      return r ? toSummary(r, now()) : null;
    },
    sessionOf(id) {
      const r = row(id);
      return r && r.active === 1 ? toSession(r) : null;
    },
    list() {
      const t = now();
      return (db.prepare('SELECT * FROM operators ORDER BY username').all() as OperatorRow[]).map((r) =>
        toSummary(r, t),
      );
    },

    async setupFirstAdmin({ username, displayName, password }) {
      assertStrong(password, username);
      const hash = await hashPassword(password);
      // IMMEDIATE: two windows racing through the first-run screen cannot both create an admin.
      const create = db.transaction(() => {
        if ((countAll.get() as { n: number }).n > 0) {
          throw new AppError('ALREADY_SET_UP', '系统已经设置过管理员，请直接登录');
        }
        return insertOperator(username, displayName, ['admin'], hash, false);
      });
      const id = create.immediate();
      return toSession(mustExist(id));
    },

    async create({ username, displayName, roles, password }) {
      assertStrong(password, username);
      const hash = await hashPassword(password);
      // A new operator sets their own password at first login; the admin's choice is temporary.
      const id = insertOperator(username, displayName, roles, hash, true);
      return toSummary(mustExist(id), now());
    },

    update({ id, displayName, roles, active }) {
      const current = mustExist(id);
      const losesAdmin =
        (roles !== undefined && !roles.includes('admin')) || active === false
          ? parseRoles(current.roles).includes('admin') && current.active === 1
          : false;
      if (losesAdmin && countAdmins(id) === 0) {
        throw new AppError('CONFLICT', '至少需要保留一名启用的管理员');
      }
      db.prepare(
        `UPDATE operators SET display_name = COALESCE(?, display_name), roles = COALESCE(?, roles),
           active = COALESCE(?, active), updated_at = ? WHERE id = ?`,
      ).run(
        displayName ?? null,
        roles ? JSON.stringify(roles) : null,
        active === undefined ? null : active ? 1 : 0,
        now(),
        id,
      );
      return toSummary(mustExist(id), now());
    },

    async resetPassword(id, password) {
      const r = mustExist(id);
      assertStrong(password, r.username);
      setPassword.run(await hashPassword(password), 1, now(), id);
    },

    async changePassword(id, oldPassword, newPassword) {
      const r = mustExist(id);
      if (!(await verifyPassword(oldPassword, r.password_hash))) {
        throw new AppError('AUTH_FAILED', '原密码不正确', {
          fields: [{ path: 'oldPassword', message: '原密码不正确' }],
        });
      }
      if (oldPassword === newPassword) {
        throw new AppError('WEAK_PASSWORD', '新密码不能与原密码相同', {
          fields: [{ path: 'newPassword', message: '新密码不能与原密码相同' }],
        });
      }
      assertStrong(newPassword, r.username);
      setPassword.run(await hashPassword(newPassword), 0, now(), id);
    },

    unlock(id) {
      mustExist(id);
      recordFailure.run(0, null, now(), id);
      return toSummary(mustExist(id), now());
    },

    async login(username, password) {
      const r = byName.get(username.trim()) as OperatorRow | undefined;
      if (!r) {
        await verifyPassword(password, await dummyPasswordHash());
        return { ok: false, reason: 'unknown' };
      }
      const t = now();
      if (r.locked_until && r.locked_until > t) return { ok: false, reason: 'locked', operator: toSession(r) };
      const matches = await verifyPassword(password, r.password_hash);
      if (r.active !== 1) return { ok: false, reason: 'disabled', operator: toSession(r) };
      if (!matches) {
        // Re-read inside the write so that parallel wrong attempts all count.
        const lockedNow = db.transaction(() => {
          const fresh = mustExist(r.id);
          const attempts = fresh.failed_attempts + 1;
          if (attempts >= MAX_FAILED_ATTEMPTS) {
            recordFailure.run(0, t + LOCK_MINUTES * 60_000, t, r.id);
            return true;
          }
          recordFailure.run(attempts, null, t, r.id);
          return false;
        })();
        return { ok: false, reason: 'password', operator: toSession(r), lockedNow };
      }
      recordSuccess.run(t, t, r.id);
      return { ok: true, operator: toSession(r) };
    },
  };
}
