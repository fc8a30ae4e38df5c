import fs from 'node:fs';
import type { BootOptions, PosCore } from './boot-types';
import { createDispatcher, type Dispatcher } from './api/dispatch';
import { PosEventBus } from './api/events';
import { backupDirOf, createHandlers } from './api/handlers';
import { backendState, nhsaStatus } from './api/nhsa-handlers';
import { createNhsaService, toNhsaOperator, type NhsaService } from './nhsa/service';
import { createCatalogueSync, type CatalogueSync } from './catalogue/sync';
import type { ClientSession } from './api/session';
import { createAuditLog } from './auth/audit';
import { createOperatorService } from './auth/operators';
import { createFileLogger, createMemoryLogger, type Logger } from './core/logger';
import { dataPaths } from './core/paths';
import { createKeyFileCipher } from './core/secrets';
import { backupDatabase, hasBackupFor } from './db/backup';
import { openDatabase, startCheckpointTimer, type Db } from './db/connection';
import { migrate } from './db/migrate';
import { MIGRATIONS } from './db/migrations';
import { createSettingsService } from './settings/settings-service';
import { AppError } from './shared/errors';

export type { BootOptions, PosCore } from './boot-types';

const BACKUP_CHECK_MS = 60 * 60 * 1000;
const FIRST_BACKUP_DELAY_MS = 60 * 1000;

/**
 * Opens the data folder, the database (migrating it) and the settings, and wires the services
 * behind one dispatcher. Never throws for a bad environment: a core that cannot start still
 * answers app.status with the reason, so the shell can show it to the user.
 */
export async function bootCore(opts: BootOptions): Promise<PosCore> {
  const env = opts.env ?? process.env;
  const now = opts.now ?? (() => new Date());
  const paths = dataPaths(opts.dataDir);
  const events = new PosEventBus();

  let log: Logger & { close?: () => void };
  try {
    log = createFileLogger({ dir: paths.logDir, echo: opts.shell !== 'desktop', now });
  } catch (e) {
    log = createMemoryLogger('info');
    const fatal = {
      code: 'DB_UNAVAILABLE',
      message: `无法使用数据目录 ${opts.dataDir}：${(e as Error).message}。请检查该目录是否存在且可写，或用 POS_DATA_DIR 指定其他目录。`,
    };
    process.stderr.write(`${fatal.message}\n`);
    return failedCore(fatal, events, log, opts);
  }

  let db: Db | undefined;
  try {
    fs.mkdirSync(paths.dataDir, { recursive: true });
    const started = performance.now();
    db = openDatabase(paths.dbPath, { nativeBinding: opts.nativeBinding });
    const migration = migrate(db, MIGRATIONS, log, () => now().getTime());
    const cipher = opts.secretCipher ?? createKeyFileCipher(paths.dataDir);
    const settings = createSettingsService({ db, cipher, env, log, now: () => now().getTime() });
    log.setLevel(settings.current()['system.log_level']);
    const operators = createOperatorService(db, () => now().getTime());
    const audit = createAuditLog(db, () => now().getTime());

    // The insurance side starts after the database; a failure here leaves the rest of the till usable.
    let nhsa: NhsaService | null = null;
    let nhsaSweep: NodeJS.Timeout | null = null;
    try {
      nhsa = await createNhsaService({
        db,
        log,
        settings,
        dataDir: paths.dataDir,
        shell: opts.shell,
        now,
        operatorById: (id) => {
          const op = operators.sessionOf(id);
          return op ? toNhsaOperator(op) : null;
        },
        onChange: () => events.emit('nhsa.changed', nhsaStatus(nhsa, null)),
      });
      nhsa.recoverAfterCrash();
      if (opts.shell !== 'cli') {
        nhsa.reversals.start();
        // A CLI command or a second window that crashed mid-call is found while the till runs.
        const service = nhsa;
        const sweep = setInterval(() => {
          try {
            service.recoverAfterCrash();
          } catch (e) {
            log.warn('nhsa: crash sweep failed', { error: e });
          }
        }, 60_000);
        sweep.unref();
        nhsaSweep = sweep;
      }
    } catch (e) {
      log.error('boot: insurance service could not start', { error: e });
    }

    // National catalogues: sync in the background, search; works (read-only) without the insurance service.
    let catalogue: CatalogueSync | null = null;
    try {
      catalogue = createCatalogueSync({
        db,
        log: log.child({ component: 'catalogue' }),
        nhsa,
        now: () => now().getTime(),
        nativeBinding: opts.nativeBinding,
        emit: {
          progress: (p) => events.emit('catalogue.progress', p),
          finished: (r) => events.emit('catalogue.finished', r),
        },
      });
      // Daily incremental sync in the app shells only (the same flag as the daily backup: not for the CLI).
      if (opts.scheduleBackups) catalogue.schedule();
    } catch (e) {
      log.error('boot: catalogue sync could not start', { error: e });
    }

    const closers: (() => Promise<void>)[] = [];
    const handlers = createHandlers({
      db,
      paths,
      version: opts.version,
      shell: opts.shell === 'desktop' ? 'desktop' : 'browser',
      log,
      events,
      settings,
      operators,
      audit,
      now: () => now().getTime(),
      nhsa,
      catalogue,
      nativeDevices: opts.nativeDevices,
      watchDevices: opts.shell !== 'cli',
      backgroundUploads: opts.shell !== 'cli',
      closers,
    });
    const dispatcher = createDispatcher({
      handlers,
      log,
      refreshOperator: (id) => operators.sessionOf(id),
      recordDenied: (session, channel, screen, reason) =>
        audit.record({
          operatorId: session.operator?.id ?? null,
          operatorName: session.operator?.username ?? null,
          action: channel,
          screen,
          outcome: 'denied',
          detail: { reason },
        }),
    });
    log.info('boot: core ready', {
      shell: opts.shell,
      version: opts.version,
      schema: migration.to,
      migrated: migration.applied,
      secretStorage: cipher.scheme,
      insurance: backendState(nhsa).kind,
      ms: Math.round(performance.now() - started),
    });

    const openDb = db;
    const runBackup = () =>
      backupDatabase(openDb, backupDirOf({ settings, paths }), settings.current()['system.backup_keep_days'], now());
    const timers: NodeJS.Timeout[] = [];
    const stopCheckpoints = startCheckpointTimer(openDb, 30_000, (e) =>
      log.warn('db: checkpoint failed', { error: e }),
    );
    if (opts.scheduleBackups) {
      const check = () => {
        if (hasBackupFor(backupDirOf({ settings, paths }), now())) return;
        runBackup()
          .then((info) => {
            log.info('backup: daily copy written', { file: info.file, bytes: info.bytes });
            audit.record({
              operatorId: null,
              operatorName: null,
              action: 'system.backup',
              detail: { file: info.file, automatic: true },
            });
          })
          .catch((e: unknown) => log.error('backup: daily copy failed', { error: e }));
      };
      timers.push(setTimeout(check, FIRST_BACKUP_DELAY_MS).unref(), setInterval(check, BACKUP_CHECK_MS).unref());
    }

    let closed = false;
    return {
      dispatcher,
      events,
      log,
      fatal: null,
      webPort: () => settings.current()['system.web_port'],
      runBackup,
      nhsa,
      catalogue,
      async endSession(session: ClientSession) {
        if (closed || !session.operator) return;
        const op = session.operator;
        await nhsa?.signOut(toNhsaOperator(op)).catch((e: unknown) => log.error('nhsa: sign-out failed', { error: e }));
        audit.record({
          operatorId: session.operator.id,
          operatorName: session.operator.username,
          action: 'auth.logout',
          detail: { reason: 'ui_closed' },
        });
        session.operator = null;
      },
      async close() {
        if (closed) return;
        closed = true;
        timers.forEach((t) => clearTimeout(t));
        stopCheckpoints();
        if (nhsaSweep) clearInterval(nhsaSweep);
        log.info('boot: core closing');
        // Before the insurance service: a sync in progress stops at its next boundary and records itself.
        for (const c of closers) await c().catch((e: unknown) => log.error('core: close step failed', { error: e }));
        await catalogue?.close().catch((e: unknown) => log.error('catalogue: close failed', { error: e }));
        await nhsa?.close().catch((e: unknown) => log.error('nhsa: close failed', { error: e }));
        openDb.close();
        log.close?.();
      },
    };
  } catch (e) {
    try {
      db?.close();
    } catch {
      /* keep the original error */
    }
    const err =
      e instanceof AppError
        ? e
        : new AppError('INTERNAL', `程序启动失败：${(e as Error).message}。请联系实施工程师。`, { cause: e });
    log.error('boot: start-up refused', { code: err.code, message: err.message, ...(err.logDetail ?? {}), error: e });
    return failedCore({ code: err.code, message: err.message }, events, log, opts);
  }
}

/** A core that could not start: it says why and refuses everything else. */
function failedCore(
  fatal: { code: string; message: string },
  events: PosEventBus,
  log: Logger & { close?: () => void },
  opts: BootOptions,
): PosCore {
  const dispatcher: Dispatcher = {
    async call(_session, channel) {
      if (channel === 'app.status') {
        return {
          ok: true,
          value: {
            version: opts.version,
            firstRun: false,
            trainingMode: false,
            insurance: { kind: 'none', label: '未连接医保：程序未能启动' },
            pharmacyName: '',
            fatal,
            warnings: [],
            shell: opts.shell === 'desktop' ? 'desktop' : 'browser',
          },
        };
      }
      return { ok: false, error: { code: 'DB_UNAVAILABLE', message: fatal.message } };
    },
  };
  return {
    dispatcher,
    events,
    log,
    fatal,
    webPort: () => Number(opts.env?.POS_SYSTEM_WEB_PORT ?? 0) || 0,
    runBackup: () => Promise.reject(new AppError('DB_UNAVAILABLE', fatal.message)),
    nhsa: null,
    catalogue: null,
    endSession: async () => undefined,
    close: async () => log.close?.(),
  };
}
