import fs from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../shared/errors';

export type Db = Database.Database;

export interface OpenOptions {
  /** better-sqlite3 binary built for Electron; the Node build is used otherwise */
  nativeBinding?: string;
}

/**
 * Opens the database for a till: WAL so that readers never block the sale being written,
 * foreign keys on, synchronous=FULL because a committed sale must survive a power cut.
 * Failures become one clear Chinese message; the raw SQLite code goes into logDetail.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  let db: Db | undefined;
  try {
    db = new Database(file, { nativeBinding: options.nativeBinding, timeout: 5000 });
    // Forces SQLite to read the header now: a damaged file fails here, not in the middle of a sale.
    db.pragma('schema_version');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A checkpoint copies the WAL into the database and fsyncs it — ~15 ms on a till's disk. Left to
    // SQLite it lands on whichever commit crosses 1000 pages, i.e. in the middle of a sale; the core
    // runs it on a timer instead (startCheckpointTimer), and this larger bound is only the safety net.
    db.pragma('wal_autocheckpoint = 10000');
    assertWritable(db);
    return db;
  } catch (e) {
    try {
      db?.close();
    } catch {
      /* the original error is the one that matters */
    }
    throw describeOpenError(file, e);
  }
}

/** A read-only file opens without complaint; find out before the first sale does. */
function assertWritable(db: Db): void {
  db.exec(
    'BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS _write_probe(x INTEGER) STRICT; DROP TABLE _write_probe; COMMIT;',
  );
}

export function describeOpenError(file: string, e: unknown): AppError {
  if (e instanceof AppError) return e;
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  const logDetail = { file, sqliteCode: code, error: message };
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(message)) {
    return new AppError(
      'DB_UNAVAILABLE',
      `数据库文件已损坏，无法打开：${file}。请不要删除该文件；请从“备份”文件夹恢复最近一份备份，或联系实施工程师。`,
      { logDetail, cause: e },
    );
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS') {
    return new AppError(
      'DB_UNAVAILABLE',
      `数据库文件是只读的，程序无法保存销售记录：${file}。请检查该文件及其所在文件夹的写入权限（或磁盘是否写保护）。`,
      { logDetail, cause: e },
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'ENOENT') {
    const dirHint = fs.existsSync(file) ? '' : '（文件夹不存在或无法创建）';
    return new AppError('DB_UNAVAILABLE', `无法打开数据库文件：${file}${dirHint}。请检查数据目录是否存在且可写。`, {
      logDetail,
      cause: e,
    });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new AppError('DB_UNAVAILABLE', `数据库正被另一个程序占用：${file}。请关闭其他收银程序后重试。`, {
      logDetail,
      cause: e,
    });
  }
  return new AppError('DB_UNAVAILABLE', `无法打开数据库：${file}（${code || message}）。请联系实施工程师。`, {
    logDetail,
    cause: e,
  });
}

/** Moves WAL content into the database off the sale path: PASSIVE never waits for or blocks writers. */
export function startCheckpointTimer(db: Db, everyMs = 30_000, onError?: (e: unknown) => void): () => void {
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      onError?.(e);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Runs `fn` with synchronous=NORMAL, then restores the connection's FULL. In WAL mode NORMAL survives a crash of
 * the process but not a power cut; each caller says why that is enough for what it writes.
 */
export function withNormalSync<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
