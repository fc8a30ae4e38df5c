import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { ProgressReporter, type RunContext } from '../../app/catalogue/sync/context';
import { FILE_CATALOGUES } from '../../app/catalogue/sync/definitions';
import { importCatalogueZip } from '../../app/catalogue/sync/file-sync';
import { createFileImporter } from '../../app/catalogue/sync/import-workers';
import { createNationalSearch } from '../../app/catalogue/sync/national-search';
import { CatalogueFileParser, type FileRow } from '../../app/catalogue/sync/parse';
import { createSyncStore } from '../../app/catalogue/sync/store';
import { inflateEntry, readZipEntry, textPieces } from '../../app/catalogue/sync/zip';
import { createSandboxCatalogues } from '../../app/sandbox/catalogue/catalogues';
import { SandboxState } from '../../app/sandbox/state';
import { percentile, round, type Bench, type BenchResult } from './types';

/**
 * The 1301 import on the sandbox's full-size data (150,000 codes over several versions, the files a full sync
 * downloads, 50,000 rows a file at most): throughput of the real import path — zip bytes → unzip → parse (reader
 * thread) → upsert into nat_items with its indexes inside the file's transaction (writer thread) → commit, i.e.
 * until the rows are visible — against a bare
 * better-sqlite3 insert of the same final rows into the same table (the migration's nat_items, indexes and
 * CHECKs included), one prepared statement in one transaction, in the same process. Both run three times,
 * interleaved, on fresh databases; the medians are compared.
 *
 * The bare insert gets the deduplicated final rows (150,009): the least work that produces the same visible
 * table. The import also handles the re-issued rows of later versions (158,000+ lines). Throughput is
 * counted in visible rows for both.
 */

const CACHE = path.join(os.tmpdir(), 'pos-sandbox-catalogue-cache');
const RUNS = 3;

function freshDb(dir: string, name: string): Db {
  const file = path.join(dir, name);
  for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
  const db = openDatabase(file);
  migrate(db, MIGRATIONS);
  return db;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

export const catalogueImport: Bench = {
  name: 'catalogue import (1301, full size)',
  async run(): Promise<BenchResult[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-cat-'));
    const log = createMemoryLogger('info');
    try {
      // The files a full 1301 sync downloads, exactly as the sandbox center serves them.
      const state = SandboxState.open(path.join(dir, 'sandbox.sqlite'), log, () => new Date());
      const center = createSandboxCatalogues(
        state,
        { scale: 1, fileRowCap: 50_000, cacheDir: CACHE },
        path.join(dir, 'sandbox.sqlite'),
        () => new Date(),
      );
      const files: { name: string; zip: Uint8Array; lines: number }[] = [];
      for (let ver = '0'; ;) {
        const f = center.fileAfter('1301', ver);
        if (!f) break;
        files.push({ name: f.filename, zip: f.zip, lines: f.lines });
        ver = f.toVer;
      }
      state.close();
      const def = FILE_CATALOGUES['1301'];
      const lines = files.reduce((n, f) => n + f.lines, 0);
      const zipBytes = files.reduce((n, f) => n + f.zip.length, 0);

      // The same final rows for the bare insert, prepared outside the timing (newest version of each code).
      const finals = new Map<string, FileRow>();
      for (const f of files) {
        const entry = readZipEntry(f.zip, f.name);
        const parser = new CatalogueFileParser(def, entry.name);
        for await (const text of textPieces(inflateEntry(entry, f.name), entry.name)) {
          for (const rows of parser.chunks(text, 5000)) for (const r of rows) finals.set(r[1], r);
        }
      }
      const bare = [...finals.values()].map((r) => ['1301', ...r.slice(1)]);
      const visible = bare.length;

      const runBare = (): number => {
        const db = freshDb(dir, 'bare.sqlite');
        try {
          const insert = db.prepare(`INSERT INTO nat_items (catalogue, code, name, trade_name, spec, dosform,
            manufacturer, aprvno, otc_flag, chrgitm_lv, pinyin, vali_flag, ver, updt_time, cols)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
          const t = performance.now();
          db.transaction(() => {
            for (const r of bare) insert.run(r);
          })();
          return performance.now() - t;
        } finally {
          db.close();
        }
      };

      const startupMs: number[] = [];
      const runImport = async (): Promise<number> => {
        const db = freshDb(dir, 'import.sqlite');
        // The reader and writer threads start once per sync run, before its first file; their start-up is
        // reported on its own line (from source it includes tsx compiling the worker, which a build does not do).
        const t0 = performance.now();
        const importer = await createFileImporter({ db, log });
        if (!importer.threaded) throw new Error('the import threads did not start');
        startupMs.push(performance.now() - t0);
        try {
          const store = createSyncStore(db);
          const runId = store.insertRun({
            catalogue: '1301',
            trigger: 'cli',
            operatorId: null,
            operator: 'bench',
            now: 0,
          });
          const ctx: RunContext = {
            runId,
            catalogue: '1301',
            store,
            openImporter: () => Promise.resolve(importer),
            log,
            call: () => Promise.reject(new Error('no calls in the benchmark')),
            pharmacy: () => ({ fixmedinsCode: 'P11010000001', admdvs: '110101' }),
            now: Date.now,
            signal: { aborted: false },
            progress: new ProgressReporter(runId, '1301', () => undefined),
            report: { problems: [], problemsDropped: 0, notes: [], operator: 'bench' },
            counters: { files: 0, rows: 0, skipped: 0 },
            mark: null,
          };
          const t = performance.now();
          for (const f of files) await importCatalogueZip(ctx, importer, def, f.zip, f.name, f.lines);
          const ms = performance.now() - t;
          const n = db.prepare("SELECT count(*) FROM nat_items WHERE catalogue = '1301'").pluck().get() as number;
          if (n !== visible) throw new Error(`import produced ${n} rows, expected ${visible}`);
          return ms;
        } finally {
          await importer.close();
          db.close();
        }
      };

      const bareMs: number[] = [];
      const importMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        bareMs.push(runBare());
        importMs.push(await runImport());
      }
      const fileLogs = log.records
        .filter((r) => r.msg === 'catalogue: file imported')
        .map((r) => r as { readMs?: number; writeMs?: number });
      const bareRate = visible / (median(bareMs) / 1000);
      const importRate = visible / (median(importMs) / 1000);

      // National search over the imported catalogue: name fragment, pinyin initials, code prefix, approval no.
      const searchDb = openDatabase(path.join(dir, 'import.sqlite'));
      const search = createNationalSearch(searchDb, log);
      const queries = [
        '阿莫西林',
        '胶囊',
        'amxl',
        'bls',
        'XJ01',
        '国药准字H2013',
        '连花清瘟',
        '维生素C',
        '头孢',
        'zsy',
      ];
      // the first search loads the keys (timed separately), the rest are what a keystroke costs
      const tBuild = performance.now();
      await search.search('预热', { limit: 50 });
      const buildMs = performance.now() - tBuild;
      const lat: number[] = [];
      for (let i = 0; i < 300; i++) {
        const t = performance.now();
        await search.search(queries[i % queries.length]!, { limit: 50 });
        lat.push(performance.now() - t);
      }
      search.close();
      searchDb.close();
      lat.sort((a, b) => a - b);

      process.stdout.write(
        `  1301: ${files.length} files, ${lines} lines, ${visible} visible rows, ${(zipBytes / 1e6).toFixed(1)} MB of zip\n` +
          `  bare insert ms: ${bareMs.map(Math.round).join(', ')}; import ms: ${importMs.map(Math.round).join(', ')}\n` +
          `  import threads started in ${startupMs.map(Math.round).join(', ')} ms (before the clock)\n` +
          `  last run, per file: reader ${files.map((_, i) => fileLogs[fileLogs.length - files.length + i]?.readMs).join(', ')} ms; ` +
          `writer busy ${files.map((_, i) => fileLogs[fileLogs.length - files.length + i]?.writeMs).join(', ')} ms\n` +
          `  search keys loaded in ${Math.round(buildMs)} ms\n`,
      );
      return [
        {
          name: 'catalogue import 1301: zip → visible rows',
          value: Math.round(importRate),
          unit: 'rows/s',
          goal: '>= 0.7 × bare insert',
          baseline: Math.round(bareRate),
          ratio: round(importRate / bareRate, 2),
        },
        {
          name: 'catalogue.searchNational p50 (150k rows)',
          value: round(percentile(lat, 50), 3),
          unit: 'ms',
          goal: '< a few ms',
        },
        {
          name: 'catalogue.searchNational p99 (150k rows)',
          value: round(percentile(lat, 99), 3),
          unit: 'ms',
          goal: '< a few ms',
        },
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
