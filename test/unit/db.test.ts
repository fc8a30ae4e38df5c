import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../app/db/connection';
import { migrate, migrationHash } from '../../app/db/migrate';
import { MIGRATIONS, type Migration } from '../../app/db/migrations';
import { backupDatabase, listBackups, pruneBackups } from '../../app/db/backup';
import { AppError } from '../../app/shared/errors';
import { tempDir } from '../support/tmp';

const two: Migration[] = [
  { version: 1, name: '0001-a', sql: 'CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT;' },
  { version: 2, name: '0002-b', sql: 'CREATE TABLE b (id INTEGER PRIMARY KEY) STRICT;' },
];

function catchError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('database connection', () => {
  it('opens with WAL, foreign keys and full sync', () => {
    const db = openDatabase(path.join(tempDir(), 'pos.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('refuses a corrupt file with a clear Chinese message', () => {
    const file = path.join(tempDir(), 'pos.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x5a));
    const err = catchError(() => openDatabase(file));
    expect(err.code).toBe('DB_UNAVAILABLE');
    expect(err.message).toContain('数据库文件已损坏');
    expect(err.logDetail).toMatchObject({ sqliteCode: 'SQLITE_NOTADB' });
  });

  it('refuses a folder that cannot be created', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), '');
    const err = catchError(() => openDatabase(path.join(dir, 'file', 'pos.sqlite')));
    expect(err.message).toContain('无法打开数据库文件');
  });

  it('refuses a read-only database file (checked as an unprivileged user)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'pos.sqlite');
    openDatabase(file).close();
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o755);
    const script = `
      const { openDatabase } = require(${JSON.stringify(path.resolve('app/db/connection.ts'))});
      try { openDatabase(${JSON.stringify(file)}); console.log('OPENED'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      encoding: 'utf8',
      ...asNobody,
    });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as { code: string; message: string };
    expect(out.code).toBe('DB_UNAVAILABLE');
    expect(out.message).toContain('只读');
  });
});

describe('migrations', () => {
  it('applies numbered migrations, each recording its hash and the user_version', () => {
    const db = openDatabase(path.join(tempDir(), 'm.sqlite'));
    expect(migrate(db, two)).toEqual({ from: 0, to: 2, applied: ['0001-a', '0002-b'] });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const rows = db.prepare('SELECT version, sha256 FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual([
      { version: 1, sha256: migrationHash(two[0]!) },
      { version: 2, sha256: migrationHash(two[1]!) },
    ]);
    expect(migrate(db, two).applied).toEqual([]);
    db.close();
  });

  it('applies only the new ones on an existing database', () => {
    const db = openDatabase(path.join(tempDir(), 'm.sqlite'));
    migrate(db, two.slice(0, 1));
    expect(migrate(db, two)).toEqual({ from: 1, to: 2, applied: ['0002-b'] });
    db.close();
  });

  it('rolls a failing migration back completely', () => {
    const db = openDatabase(path.join(tempDir(), 'm.sqlite'));
    migrate(db, two.slice(0, 1));
    const bad: Migration = {
      version: 2,
      name: '0002-bad',
      sql: 'CREATE TABLE c (x INTEGER) STRICT; INSERT INTO nope VALUES (1);',
    };
    expect(() => migrate(db, [two[0]!, bad])).toThrow(/no such table: nope/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'c'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses to start when an applied migration was edited', () => {
    const db = openDatabase(path.join(tempDir(), 'm.sqlite'));
    migrate(db, two);
    const edited = [{ ...two[0]!, sql: two[0]!.sql + ' -- changed' }, two[1]!];
    const err = catchError(() => migrate(db, edited));
    expect(err.code).toBe('DB_UNAVAILABLE');
    expect(err.message).toContain('0001-a');
    expect(err.message).toContain('被修改');
    db.close();
  });

  it('refuses a database written by a newer version of the app', () => {
    const db = openDatabase(path.join(tempDir(), 'm.sqlite'));
    migrate(db, two);
    const err = catchError(() => migrate(db, two.slice(0, 1)));
    expect(err.message).toContain('比本程序支持的版本');
    db.close();
  });

  it('the real migrations create STRICT tables and an append-only audit log', () => {
    const db = openDatabase(path.join(tempDir(), 'm.sqlite'));
    migrate(db, MIGRATIONS);
    const tables = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string; sql: string }[];
    expect(tables.length).toBeGreaterThan(3);
    for (const t of tables) expect(t.sql, t.name).toMatch(/STRICT\s*$/);
    db.prepare("INSERT INTO audit_log (at, action, outcome) VALUES (1, 'x', 'ok')").run();
    expect(() => db.prepare("UPDATE audit_log SET action = 'y'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });
});

describe('online backup', () => {
  it('writes one copy per day, readable, and keeps the newest N', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'pos.sqlite'));
    migrate(db, two);
    db.prepare("INSERT INTO a (v) VALUES ('kept')").run();
    const backups = path.join(dir, 'backups');
    for (let day = 1; day <= 5; day++) await backupDatabase(db, backups, 3, new Date(2026, 10, day, 12));
    // A second backup on the same day replaces that day's copy.
    const again = await backupDatabase(db, backups, 3, new Date(2026, 10, 5, 18));
    expect(again.file).toBe('pos-20261105.sqlite');
    expect(listBackups(backups).map((b) => b.file)).toEqual([
      'pos-20261105.sqlite',
      'pos-20261104.sqlite',
      'pos-20261103.sqlite',
    ]);
    fs.writeFileSync(path.join(backups, 'notes.txt'), 'not a backup');
    expect(pruneBackups(backups, 1)).toEqual(['pos-20261104.sqlite', 'pos-20261103.sqlite']);
    expect(fs.existsSync(path.join(backups, 'notes.txt'))).toBe(true);
    const copy = openDatabase(again.path);
    expect(copy.prepare('SELECT v FROM a').all()).toEqual([{ v: 'kept' }]);
    copy.close();
    db.close();
  });

  it('reports an unwritable backup folder as a clear error', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'pos.sqlite'));
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    await expect(backupDatabase(db, path.join(dir, 'blocker', 'b'), 3)).rejects.toMatchObject({
      code: 'BACKUP_FAILED',
      message: expect.stringContaining('备份失败'),
    });
    db.close();
  });
});
