import crypto from 'node:crypto';
import { AppError } from '../shared/errors';
import type { Logger } from '../core/logger';
import type { Db } from './connection';
import type { Migration } from './migrations';

export function migrationHash(m: Migration): string {
  return crypto.createHash('sha256').update(m.sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings the schema to the newest version. Each migration runs in its own transaction together
 * with the bump of user_version and its hash record, so a crash leaves either all or none of it.
 * Refuses to start when an applied migration's text changed or the database is newer than the app.
 */
export function migrate(
  db: Db,
  migrations: readonly Migration[],
  log?: Logger,
  now: () => number = Date.now,
): MigrateResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);

  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order at ${m.name}`);
  });

  if (current > latest) {
    throw new AppError(
      'DB_UNAVAILABLE',
      `数据库版本（${current}）比本程序支持的版本（${latest}）新：它可能被更新版本的收银台使用过。请安装最新版本的程序，不要用旧版本打开。`,
      { logDetail: { current, latest } },
    );
  }

  const recorded = new Map(
    (
      db.prepare('SELECT version, name, sha256 FROM schema_migrations').all() as {
        version: number;
        name: string;
        sha256: string;
      }[]
    ).map((r) => [r.version, r]),
  );
  for (const m of migrations) {
    if (m.version > current) break;
    const row = recorded.get(m.version);
    const hash = migrationHash(m);
    if (!row) {
      throw new AppError(
        'DB_UNAVAILABLE',
        `数据库迁移记录缺失（第 ${m.version} 步 ${m.name}），无法确认数据库结构，程序拒绝启动。请联系实施工程师。`,
        { logDetail: { version: m.version } },
      );
    }
    if (row.sha256 !== hash) {
      throw new AppError(
        'DB_UNAVAILABLE',
        `数据库迁移“${m.name}”在应用后被修改过（校验值不符），为保护数据程序拒绝启动。请安装正式发布的版本，或联系实施工程师。`,
        { logDetail: { version: m.version, recorded: row.sha256, expected: hash } },
      );
    }
  }

  const applied: string[] = [];
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations) {
    if (m.version <= current) continue;
    const apply = db.transaction(() => {
      db.exec(m.sql);
      insert.run(m.version, m.name, migrationHash(m), now());
      db.pragma(`user_version = ${m.version}`);
    });
    apply.immediate();
    applied.push(m.name);
    log?.info('db: migration applied', { version: m.version, migration: m.name });
  }
  return { from: current, to: Math.max(current, latest), applied };
}
