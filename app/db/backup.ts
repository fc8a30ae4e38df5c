import fs from 'node:fs';
import path from 'node:path';
import type { BackupInfo } from '../shared/contract';
import { AppError } from '../shared/errors';
import type { Db } from './connection';

const BACKUP_FILE = /^pos-(\d{4})(\d{2})(\d{2})\.sqlite$/;

function localDateStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`;
}

export function backupFileName(day: Date): string {
  return `pos-${localDateStamp(day)}.sqlite`;
}

/**
 * Online backup through SQLite's backup API (the till keeps working meanwhile). One file per
 * day; a second backup on the same day replaces that day's file. The copy is written under a
 * temporary name and renamed, so a crash never leaves a half-written file with a valid name.
 */
export async function backupDatabase(db: Db, dir: string, keep: number, now: Date = new Date()): Promise<BackupInfo> {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = backupFileName(now);
    const target = path.join(dir, file);
    const tmp = `${target}.partial`;
    fs.rmSync(tmp, { force: true });
    await db.backup(tmp);
    fs.renameSync(tmp, target);
    pruneBackups(dir, keep);
    const stat = fs.statSync(target);
    return { file, path: target, bytes: stat.size, createdAt: stat.mtime.toISOString() };
  } catch (e) {
    throw new AppError(
      'BACKUP_FAILED',
      `备份失败：${(e as Error).message}。请检查备份目录 ${dir} 是否存在且可写、磁盘空间是否充足。`,
      {
        logDetail: { dir, error: e },
        cause: e,
      },
    );
  }
}

export function listBackups(dir: string): BackupInfo[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => BACKUP_FILE.test(f))
    .sort()
    .reverse()
    .map((file) => {
      const p = path.join(dir, file);
      const stat = fs.statSync(p);
      return { file, path: p, bytes: stat.size, createdAt: stat.mtime.toISOString() };
    });
}

/** Keeps the newest `keep` daily copies; leaves every other file in the folder alone. */
export function pruneBackups(dir: string, keep: number): string[] {
  const removed: string[] = [];
  for (const b of listBackups(dir).slice(Math.max(1, keep))) {
    fs.rmSync(b.path, { force: true });
    removed.push(b.file);
  }
  return removed;
}

export function hasBackupFor(dir: string, day: Date): boolean {
  return fs.existsSync(path.join(dir, backupFileName(day)));
}
