import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { FILE_CATALOGUES } from '../../app/catalogue/sync/definitions';
import { FileReadFailure, createFileImporter, type FileImporter } from '../../app/catalogue/sync/import-workers';
import { createSyncStore } from '../../app/catalogue/sync/store';
import { CATALOGUE_FILE_COLUMNS } from '../../app/nhsa/registry/catalogue-files';
import { tempDir } from '../support/tmp';

/**
 * The import threads on their own: a file is read by one thread and written by another inside one transaction,
 * invisible to every other connection until the commit; a rollback, a stop or a refused file leaves nothing; and
 * the in-thread fallback (an in-memory database) produces the same table.
 */

const def = FILE_CATALOGUES['1309'];
const COLS = CATALOGUE_FILE_COLUMNS['1309'].map((c) => c.name);

function row(code: string, ver: string): string {
  const cells: Record<string, string> = {
    opsp_dise_code: code,
    opsp_dise_name: `病种${code}`,
    vali_flag: '1',
    updt_time: 'Tue Jan 02 09:30:15 CST 2024',
    ver,
  };
  return COLS.map((n) => cells[n] ?? 'null').join('\t');
}

function zipOf(lines: string[], name = '1001.txt'): Uint8Array {
  return zipSync({ [name]: strToU8(lines.join('\n') + '\n') });
}

const ROWS = 12_000;
const big = zipOf(Array.from({ length: ROWS }, (_, i) => row(`D${String(i).padStart(6, '0')}`, '20240101001')));

const open: { importer: FileImporter; db: Db }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.importer.close();
    o.db.close();
  }
});

async function setUp(memory = false): Promise<{ db: Db; file: string; importer: FileImporter; runId: number }> {
  const file = memory ? ':memory:' : path.join(tempDir('import-threads-'), 'pos.sqlite');
  const db = memory ? new Database(':memory:') : openDatabase(file);
  migrate(db, MIGRATIONS);
  const importer = await createFileImporter({ db, log: createMemoryLogger('warn') });
  open.push({ importer, db });
  const runId = createSyncStore(db).insertRun({
    catalogue: '1309',
    trigger: 'cli',
    operatorId: null,
    operator: 'test',
    now: 0,
  });
  return { db, file, importer, runId };
}

const count = (db: Db) => db.prepare("SELECT count(*) FROM nat_items WHERE catalogue = '1309'").pluck().get() as number;

describe('catalogue import threads', () => {
  it('writes a file in another thread, invisible until the commit moves rows and mark together', async () => {
    const { db, importer, runId } = await setUp();
    expect(importer.threaded).toBe(true);
    const seen: number[] = [];
    const progress: number[] = [];
    const file = await importer.read(def, big, '1001.txt.zip', (rows) => {
      progress.push(rows);
      seen.push(count(db));
    });
    expect(file).toMatchObject({ entryName: '1001.txt', rowsWritten: ROWS });
    expect(file.summary).toMatchObject({ lines: ROWS, rows: ROWS, maxVer: '20240101001' });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toBe(ROWS);
    // written, not committed: the main connection still sees nothing
    expect(new Set(seen)).toEqual(new Set([0]));
    expect(count(db)).toBe(0);

    const r = await importer.commit({
      catalogue: '1309',
      runId,
      maxVer: file.summary.maxVer!,
      skipped: 0,
      expectedRows: ROWS,
      now: 1,
    });
    expect(r).toEqual({ changed: ROWS, total: ROWS });
    expect(count(db)).toBe(ROWS);
    expect(db.prepare("SELECT max_ver, rows FROM catalogue_sync_state WHERE catalogue = '1309'").get()).toEqual({
      max_ver: '20240101001',
      rows: ROWS,
    });
    expect(db.prepare('SELECT files, rows_imported, to_mark FROM catalogue_sync_runs WHERE id = ?').get(runId)).toEqual(
      { files: 1, rows_imported: ROWS, to_mark: '20240101001' },
    );

    // the next file updates some codes and adds others; an older version of a code never wins
    const next = zipOf([row('D000001', '20240201001'), row('D000002', '20231201001'), row('N000001', '20240201001')]);
    const f2 = await importer.read(def, next, '1002.txt.zip', () => undefined);
    const r2 = await importer.commit({
      catalogue: '1309',
      runId,
      maxVer: f2.summary.maxVer!,
      skipped: 0,
      expectedRows: 3,
      now: 2,
    });
    expect(r2).toEqual({ changed: 2, total: ROWS + 1 });
    const ver = db.prepare("SELECT ver FROM nat_items WHERE catalogue = '1309' AND code = ?").pluck();
    expect(ver.get('D000001')).toBe('20240201001');
    expect(ver.get('D000002')).toBe('20240101001');
  });

  it('a rollback leaves nothing, and the till can write while nothing is open', async () => {
    const { db, importer } = await setUp();
    await importer.read(def, big, '1001.txt.zip', () => undefined);
    await importer.rollback();
    expect(count(db)).toBe(0);
    // the write lock is free again
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('probe', '1', 0)").run();
  });

  it('a refused file (same code twice in one version) is rolled back with its report', async () => {
    const { db, importer } = await setUp();
    const lines = Array.from({ length: 5000 }, (_, i) => row(`D${i}`, '20240101001'));
    lines.push(row('D10', '20240101001'));
    const e = await importer.read(def, zipOf(lines), '1001.txt.zip', () => undefined).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileReadFailure);
    expect((e as FileReadFailure).zh).toContain('同一编码 D10 的同一版本');
    expect((e as FileReadFailure).problems.map((p) => p.line)).toEqual([11, 5001]);
    expect(count(db)).toBe(0);
    // and the importer goes on with the next file
    const ok = await importer.read(def, zipOf([row('X1', '20240101002')]), '1002.txt.zip', () => undefined);
    expect(ok.rowsWritten).toBe(1);
  });

  it('stop() ends a read at the next chunk: interrupted, nothing visible', async () => {
    const { db, importer } = await setUp();
    let stopped = false;
    const e = await importer
      .read(def, big, '1001.txt.zip', () => {
        if (!stopped) {
          stopped = true;
          importer.stop();
        }
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileReadFailure);
    expect((e as FileReadFailure).interrupted).toBe(true);
    expect(count(db)).toBe(0);
  });

  it('an in-memory database imports in the calling thread with the same result', async () => {
    const { db, importer, runId } = await setUp(true);
    expect(importer.threaded).toBe(false);
    const file = await importer.read(def, big, '1001.txt.zip', () => undefined);
    expect(count(db)).toBe(0);
    await importer.commit({
      catalogue: '1309',
      runId,
      maxVer: file.summary.maxVer!,
      skipped: 0,
      expectedRows: ROWS,
      now: 1,
    });
    expect(count(db)).toBe(ROWS);
  });
});
