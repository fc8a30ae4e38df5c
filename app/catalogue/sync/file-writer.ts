import type { Db } from '../../db/connection';
import type { FileRow } from './parse';
import { NAT_COLUMNS, NAT_UPDATE, NEWER_VER } from './store';

/**
 * Writes one downloaded catalogue file into nat_items inside ONE write transaction, opened when the file starts
 * and committed only after the whole file has been read and checked — together with the new version mark and
 * the run's file count. Readers on other connections (WAL) keep seeing the catalogue as it was until the
 * commit; a refused file, a cancelled run or a crash rolls the whole file back. So no half-imported file can
 * ever be seen, and the mark can never move without its rows.
 *
 * The transaction holds SQLite's write lock for the length of a file (about a second or two for 50,000 rows).
 * That is why it runs on its own connection in a worker thread (import-workers.ts): the till's main thread
 * never waits on it, and its own writes wait at most that long (busy_timeout) — the same as the single
 * INSERT … SELECT merge of a staged file did before, without writing every row twice.
 */

const UPSERT = `INSERT INTO nat_items (${NAT_COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (catalogue, code) DO UPDATE SET ${NAT_UPDATE}
  WHERE ${NEWER_VER('excluded.ver', 'nat_items.ver')}`;

export interface FileCommit {
  catalogue: string;
  runId: number;
  maxVer: string;
  skipped: number;
  /** rows the reader handed over; a mismatch with rows written means a chunk went missing: never commit then */
  expectedRows: number;
  now: number;
}

export interface FileWriter {
  begin(catalogue: string): void;
  /** rows inserted or replaced (a row older than the stored one changes nothing) */
  write(rows: readonly FileRow[]): number;
  commit(c: FileCommit): { changed: number; total: number };
  rollback(): void;
  readonly open: boolean;
}

export function createFileWriter(db: Db): FileWriter {
  // Positional parameters, bound from one reused array: no object per row on a path that runs 150,000 times.
  const upsert = db.prepare(UPSERT);
  const natCount = db.prepare('SELECT count(*) FROM nat_items WHERE catalogue = ?').pluck();
  const advanceVer = db.prepare(`INSERT INTO catalogue_sync_state (catalogue, max_ver, rows, updated_at)
    VALUES (@catalogue, @mark, @rows, @now)
    ON CONFLICT (catalogue) DO UPDATE SET
      max_ver = CASE WHEN max_ver IS NULL OR NOT ${NEWER_VER('max_ver', 'excluded.max_ver')} THEN excluded.max_ver
                ELSE max_ver END,
      rows = excluded.rows, updated_at = excluded.updated_at`);
  const runFileDone =
    db.prepare(`UPDATE catalogue_sync_runs SET files = files + 1, rows_imported = rows_imported + @rows,
    rows_skipped = rows_skipped + @skipped, to_mark = @mark WHERE id = @id`);

  let catalogue: string | null = null;
  let written = 0;
  let changed = 0;
  const bind: (string | null)[] = new Array<string | null>(15);

  return {
    get open() {
      return catalogue !== null;
    },

    begin(c: string): void {
      if (catalogue !== null) throw new Error(`a file of ${catalogue} is still open`);
      db.exec('BEGIN IMMEDIATE');
      catalogue = c;
      written = 0;
      changed = 0;
    },

    write(rows: readonly FileRow[]): number {
      if (catalogue === null) throw new Error('write outside a file');
      let n = 0;
      bind[0] = catalogue;
      for (const r of rows) {
        for (let i = 1; i < 15; i++) bind[i] = r[i] as string | null;
        n += upsert.run(bind).changes;
      }
      written += rows.length;
      changed += n;
      return n;
    },

    commit(c: FileCommit): { changed: number; total: number } {
      if (catalogue === null || catalogue !== c.catalogue) throw new Error(`commit of ${c.catalogue} without its file`);
      try {
        if (written !== c.expectedRows) {
          throw new Error(`${written} rows written, the reader handed over ${c.expectedRows}`);
        }
        const total = natCount.get(c.catalogue) as number;
        advanceVer.run({ catalogue: c.catalogue, mark: c.maxVer, rows: total, now: c.now });
        runFileDone.run({ id: c.runId, rows: changed, skipped: c.skipped, mark: c.maxVer });
        db.exec('COMMIT');
        return { changed, total };
      } catch (e) {
        this.rollback();
        throw e;
      } finally {
        catalogue = null;
      }
    },

    rollback(): void {
      catalogue = null;
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
}
