import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createMemoryLogger } from '../../app/core/logger';
import { createCatalogueSync } from '../../app/catalogue/sync';
import { SANDBOX_GATEWAY, SANDBOX_PHARMACY } from '../../app/nhsa/service';
import { startSandbox } from '../../app/sandbox';
import type { CatalogueId, CatalogueProgress, CatalogueSyncRun } from '../../app/shared/contract';
import { nhsaFixture, onCleanup } from '../support/nhsa-fixture';
import { tempDir } from '../support/tmp';

/**
 * A till and a sandbox center with generated catalogues, over real HTTP. The generated catalogues are cached
 * in one folder for every test run (keyed by generator version, size and file cap), so only the first test
 * of a size pays for generating it.
 */

export const CATALOGUE_CACHE = path.join(os.tmpdir(), 'pos-sandbox-catalogue-cache');

export interface CatalogueFixtureOptions {
  /** catalogue size relative to the real one (1301 = 150,000 × scale) */
  scale?: number;
  fileRowCap?: number;
}

export async function catalogueFixture(o: CatalogueFixtureOptions = {}) {
  const dir = tempDir('sandbox-cat-');
  const dbPath = path.join(dir, 'sandbox.sqlite');
  const sandboxLog = createMemoryLogger();
  const sandbox = await startSandbox({
    dbPath,
    log: sandboxLog,
    port: 0,
    gateway: SANDBOX_GATEWAY,
    fixmedinsCode: SANDBOX_PHARMACY.code,
    fixmedinsName: SANDBOX_PHARMACY.name,
    catalogues: { scale: o.scale ?? 0.02, fileRowCap: o.fileRowCap ?? 1000, cacheDir: CATALOGUE_CACHE },
  });
  onCleanup(() => sandbox.close());
  const till = await nhsaFixture({
    env: {
      POS_NHSA_BASE_URL: sandbox.url,
      POS_NHSA_PAASID: SANDBOX_GATEWAY.paasid,
      POS_NHSA_TOKEN: SANDBOX_GATEWAY.token,
      POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
      POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
      POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
    },
  });
  const progress: CatalogueProgress[] = [];
  /** when each progress event arrived (performance.now), same order as progress */
  const progressAt: number[] = [];
  /** called with every progress event, after it is recorded (tests hook faults onto a phase) */
  const onProgress: { fn: ((p: CatalogueProgress) => void) | null } = { fn: null };
  const finished: CatalogueSyncRun[] = [];
  const makeSync = () =>
    createCatalogueSync({
      db: till.db,
      log: till.log,
      nhsa: till.svc,
      emit: {
        progress: (p) => {
          progress.push(p);
          progressAt.push(performance.now());
          onProgress.fn?.(p);
        },
        finished: (r) => finished.push(r),
      },
    });
  let sync = makeSync();
  onCleanup(() => sync.close());

  return {
    sandbox,
    sandboxDbPath: dbPath,
    till,
    db: till.db,
    progress,
    progressAt,
    onProgress,
    finished,
    get sync() {
      return sync;
    },
    /** A new engine on the same database, as after a restart of the app. */
    restart() {
      sync = makeSync();
      return sync;
    },
    /** Starts a manual sync and waits for it. */
    async syncNow(catalogues?: CatalogueId[]): Promise<CatalogueSyncRun[]> {
      const ids = sync.start(catalogues, { trigger: 'manual', operator: till.op });
      return sync.wait(ids);
    },
    count(sql: string, ...params: unknown[]): number {
      return till.db
        .prepare(sql)
        .pluck()
        .get(...params) as number;
    },
    state(catalogue: string) {
      return till.db.prepare('SELECT * FROM catalogue_sync_state WHERE catalogue = ?').get(catalogue) as
        { max_ver: string | null; max_updt_time: string | null; rows: number } | undefined;
    },
    /** Rows of the sandbox database (read-only second connection). */
    sandboxRows<T>(sql: string, ...params: unknown[]): T[] {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
  };
}

export type CatalogueFixture = Awaited<ReturnType<typeof catalogueFixture>>;
