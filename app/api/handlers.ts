import path from 'node:path';
import type { AppStatus, SessionOperator, SystemInfo } from '../shared/contract';
import { AppError } from '../shared/errors';
import { isSecretKey, settingDef } from '../shared/settings-schema';
import type { AuditLog } from '../auth/audit';
import type { OperatorService } from '../auth/operators';
import { LOCK_MINUTES } from '../auth/operators';
import type { Logger } from '../core/logger';
import type { DataPaths } from '../core/paths';
import type { SettingsService } from '../settings/settings-service';
import { backupDatabase, listBackups } from '../db/backup';
import type { Db } from '../db/connection';
import type { PosEventBus } from './events';
import type { HandlerContext, Handlers } from './dispatch';
import { backendState, createNhsaHandlers, nhsaStatus } from './nhsa-handlers';
import { createCatalogueHandlers } from './catalogue-handlers';
import { createProductHandlers } from './product-handlers';
import { createProductCatalogue } from '../catalogue/products';
import { toNhsaOperator, type NhsaService } from '../nhsa/service';
import type { CatalogueSync } from '../catalogue/sync';
import { createCounter, type Counter } from '../counter/service';
import { createReceiptPrinting, type ReceiptPrinting } from '../counter/receipts';
import { createRefunds, type Refunds } from '../counter/refund';
import { createDeviceHub, type DeviceHubDeps } from '../devices/hub';
import { createCounterHandlers } from './counter-handlers';
import { createUploader, type Uploader } from '../inventory/uploader';
import { createReconciler, type Reconciler } from '../inventory/reconcile';
import { createUploadHandlers } from './upload-handlers';
import { createStockDocs, type StockDocs } from '../inventory/stock-docs';
import { createStockQuery, type StockQuery } from '../inventory/stock-query';
import { createInventoryHandlers } from './inventory-handlers';

export interface HandlerDeps {
  db: Db;
  paths: DataPaths;
  version: string;
  shell: AppStatus['shell'];
  log: Logger;
  events: PosEventBus;
  settings: SettingsService;
  operators: OperatorService;
  audit: AuditLog;
  now: () => number;
  /** null when the insurance service could not start (the rest of the app still works) */
  nhsa: NhsaService | null;
  /** national-catalogue sync and search; absent or null when it could not start */
  catalogue?: CatalogueSync | null;
  /** vendor-DLL devices the desktop shell provides (none in browser mode or tests) */
  nativeDevices?: DeviceHubDeps['native'];
  /** keep the serial scanner open (the app shells; not the CLI, which has no screen and must not hold ports) */
  watchDevices?: boolean;
  /** what the core runs when it closes (devices and printers release their ports) */
  closers?: (() => Promise<void>)[];
  /** drain the insurance stock-ledger uploads in the background (the app shells; not the CLI) */
  backgroundUploads?: boolean;
}

export function backupDirOf(deps: Pick<HandlerDeps, 'settings' | 'paths'>): string {
  return deps.settings.current()['system.backup_dir'] || deps.paths.defaultBackupDir;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { operators, audit, settings, log } = deps;
  const productCatalogue = createProductCatalogue({
    db: deps.db,
    log,
    now: deps.now,
    admdvs: () => settings.current()['pharmacy.admdvs'],
    nhsa: () => deps.nhsa,
  });
  // Build the product search index right after start-up, not on the cashier's first keystroke.
  setImmediate(() => {
    if (!deps.db.open) return;
    try {
      productCatalogue.index.warm();
    } catch (e) {
      log.warn('products: search index warm-up failed', { error: e });
    }
  });

  // The counter: the sale service over the product master, the devices, and the receipts.
  const devices = createDeviceHub({
    settings,
    log,
    now: deps.now,
    training: () => Boolean(deps.nhsa?.sandbox),
    native: deps.nativeDevices,
  });
  // Not for the CLI: it has no screen to send scans to, and must not hold the port.
  if (deps.watchDevices) {
    const stop = devices.watchScanner(
      (code) => deps.events.emit('scanner.code', { code }),
      (connected, message) => deps.events.emit('scanner.state', { connected, message }),
    );
    deps.closers?.push(() => Promise.resolve(stop()));
  }
  let counter: Counter | null = null;
  let receipts: ReceiptPrinting | null = null;
  let refunds: Refunds | null = null;
  try {
    counter = createCounter({
      db: deps.db,
      log: log.child({ component: 'counter' }),
      now: deps.now,
      settings,
      operators,
      index: productCatalogue.index,
      facts: productCatalogue.facts,
      nhsa: deps.nhsa,
      nhsaOperator: (id) => {
        const op = operators.sessionOf(id);
        if (!op) throw new AppError('NOT_LOGGED_IN', '操作员已停用或不存在');
        return toNhsaOperator(op);
      },
    });
    // Sales a crash left waiting on the center: settled, refused, or reversed and given back.
    const resolved = counter.recover();
    if (resolved) log.warn('counter: sales in doubt after the last run checked', { count: resolved });
    receipts = createReceiptPrinting({ db: deps.db, log, now: deps.now, settings, counter });
    refunds = createRefunds({
      db: deps.db,
      log: log.child({ component: 'refund' }),
      now: deps.now,
      nhsa: deps.nhsa,
      nhsaOperator: (id) => toNhsaOperator(operators.sessionOf(id)!),
      dutyPharmacist: () => ({
        name: settings.current()['gsp.pharmacist_name'],
        certNo: settings.current()['gsp.pharmacist_cert_no'],
      }),
    });
  } catch (e) {
    log.error('counter: could not start', { error: e });
  }
  deps.closers?.push(async () => {
    await receipts?.close();
    await devices.close();
  });

  // Stock documents and the stock views (库存).
  let stockDocs: StockDocs | null = null;
  let stockQuery: StockQuery | null = null;
  try {
    stockDocs = createStockDocs({
      db: deps.db,
      log: log.child({ component: 'inventory' }),
      now: deps.now,
      settings,
      audit,
    });
    stockQuery = createStockQuery({ db: deps.db, settings, now: deps.now, audit });
  } catch (e) {
    log.error('inventory: could not start', { error: e });
  }

  // The insurance stock ledger (3501–3507): drained in the background, reconciled on request (3508–3511).
  let uploader: Uploader | null = null;
  let reconciler: Reconciler | null = null;
  try {
    uploader = createUploader({
      db: deps.db,
      log: log.child({ component: 'upload' }),
      now: deps.now,
      settings,
      nhsa: deps.nhsa,
      audit,
      onChange: (summary) => deps.events.emit('uploads.changed', summary),
    });
    reconciler = createReconciler({ db: deps.db, log: log.child({ component: 'reconcile' }), nhsa: deps.nhsa });
    if (deps.backgroundUploads) {
      uploader.start();
      // before the insurance service closes: a call in flight is awaited, its rows stay in doubt otherwise
      deps.closers?.push(() => uploader!.stop());
    }
  } catch (e) {
    log.error('upload: could not start', { error: e });
  }

  const who = (ctx: HandlerContext) => ({
    operatorId: ctx.session.operator?.id ?? null,
    operatorName: ctx.session.operator?.username ?? null,
    screen: ctx.screen,
  });

  /** 9001 right after login, in the background, so the first sale does not wait for it. */
  const signInSoon = (op: SessionOperator) => {
    if (!deps.nhsa) return;
    deps.nhsa
      .signIn(toNhsaOperator(op))
      .then((r) => {
        if (r.kind !== 'ok') log.warn('nhsa: sign-in at login failed', { operatorId: op.id, kind: r.kind });
        deps.events.emit('nhsa.changed', nhsaStatus(deps.nhsa, op));
      })
      .catch((e: unknown) => log.error('nhsa: sign-in at login crashed', { error: e }));
  };
  const signOutSoon = (op: SessionOperator) => {
    deps.nhsa
      ?.signOut(toNhsaOperator(op))
      .catch((e: unknown) => log.error('nhsa: sign-out at logout crashed', { error: e }));
  };

  const status = (): AppStatus => {
    const s = settings.current();
    const insurance = backendState(deps.nhsa);
    return {
      version: deps.version,
      firstRun: operators.count() === 0,
      trainingMode: insurance.kind === 'sandbox',
      insurance,
      pharmacyName: s['pharmacy.fixmedins_name'],
      fatal: null,
      warnings: settings.view().warnings,
      shell: deps.shell,
    };
  };

  return {
    'app.status': () => status(),

    'auth.session': (ctx) => ctx.session.operator,

    'auth.setupAdmin': async (ctx, input) => {
      const op = await operators.setupFirstAdmin(input);
      ctx.session.operator = op;
      audit.record({ operatorId: op.id, operatorName: op.username, action: 'auth.setup_admin', screen: ctx.screen });
      audit.record({ operatorId: op.id, operatorName: op.username, action: 'auth.login', screen: ctx.screen });
      deps.events.emit('status.changed', status());
      signInSoon(op);
      return op;
    },

    'auth.login': async (ctx, { username, password }) => {
      const outcome = await operators.login(username, password);
      if (outcome.ok) {
        ctx.session.operator = outcome.operator;
        audit.record({
          operatorId: outcome.operator.id,
          operatorName: outcome.operator.username,
          action: 'auth.login',
          screen: ctx.screen,
        });
        log.info('auth: login', { operatorId: outcome.operator.id, session: ctx.session.id });
        signInSoon(outcome.operator);
        return outcome.operator;
      }
      const base = {
        operatorId: outcome.operator?.id ?? null,
        operatorName: outcome.operator?.username ?? username,
        screen: ctx.screen,
      };
      audit.record({ ...base, action: 'auth.login', outcome: 'failed', detail: { reason: outcome.reason } });
      log.warn('auth: login refused', { reason: outcome.reason, operatorId: outcome.operator?.id ?? null });
      if (outcome.reason === 'locked') {
        const until = outcome.operator ? operators.get(outcome.operator.id)?.lockedUntil : null;
        const minutes = until ? Math.max(1, Math.ceil((Date.parse(until) - deps.now()) / 60_000)) : LOCK_MINUTES;
        throw new AppError('AUTH_LOCKED', `账户已锁定，请 ${minutes} 分钟后再试，或请管理员解锁`);
      }
      if (outcome.reason === 'disabled') throw new AppError('AUTH_DISABLED', '该操作员已停用，请联系管理员');
      if (outcome.lockedNow) {
        audit.record({ ...base, action: 'auth.locked', outcome: 'denied', detail: { minutes: LOCK_MINUTES } });
        throw new AppError('AUTH_LOCKED', `密码连续输错 5 次，账户已锁定 ${LOCK_MINUTES} 分钟`);
      }
      throw new AppError('AUTH_FAILED', '用户名或密码错误');
    },

    'auth.logout': (ctx) => {
      audit.record({ ...who(ctx), action: 'auth.logout' });
      signOutSoon(ctx.session.operator!);
      ctx.session.operator = null;
      return null;
    },

    'auth.changePassword': async (ctx, { oldPassword, newPassword }) => {
      const op = ctx.session.operator!;
      try {
        await operators.changePassword(op.id, oldPassword, newPassword);
      } catch (e) {
        audit.record({ ...who(ctx), action: 'auth.change_password', outcome: 'failed' });
        throw e;
      }
      audit.record({ ...who(ctx), action: 'auth.change_password' });
      ctx.session.operator = operators.sessionOf(op.id);
      return null;
    },

    'operators.list': () => operators.list(),

    'operators.create': async (ctx, input) => {
      const created = await operators.create(input);
      audit.record({
        ...who(ctx),
        action: 'operators.create',
        detail: { id: created.id, username: created.username, roles: created.roles },
      });
      return created;
    },

    'operators.update': (ctx, input) => {
      const updated = operators.update(input);
      audit.record({ ...who(ctx), action: 'operators.update', detail: { ...input } });
      return updated;
    },

    'operators.resetPassword': async (ctx, { id, password }) => {
      await operators.resetPassword(id, password);
      audit.record({ ...who(ctx), action: 'operators.reset_password', detail: { id } });
      return null;
    },

    'operators.unlock': (ctx, { id }) => {
      const op = operators.unlock(id);
      audit.record({ ...who(ctx), action: 'operators.unlock', detail: { id } });
      return op;
    },

    'settings.get': () => settings.view(),

    'settings.update': (ctx, { changes }) => {
      let keys: string[];
      try {
        keys = settings.update(changes, ctx.session.operator?.id ?? null);
      } catch (e) {
        if (e instanceof AppError) {
          audit.record({
            ...who(ctx),
            action: 'settings.update',
            outcome: 'failed',
            detail: { keys: Object.keys(changes) },
          });
        }
        throw e;
      }
      const shown: Record<string, unknown> = {};
      for (const k of keys)
        shown[k] = isSecretKey(k) ? (changes[k] === null || changes[k] === '' ? '[已清除]' : '[已更改]') : changes[k];
      audit.record({ ...who(ctx), action: 'settings.update', detail: { changes: shown } });
      if (keys.includes('system.log_level')) log.setLevel(settings.current()['system.log_level']);
      deps.events.emit('settings.changed', { keys });
      deps.events.emit('status.changed', status());
      const restart = keys.filter((k) => settingDef(k)?.restart);
      if (restart.length) log.info('settings: restart needed', { keys: restart });
      return settings.view();
    },

    'audit.list': (_ctx, query) => audit.list(query),

    'system.info': (): SystemInfo => {
      const cipher = settings.view().secretStorage;
      return {
        version: deps.version,
        dataDir: deps.paths.dataDir,
        dbPath: deps.paths.dbPath,
        logDir: deps.paths.logDir,
        backupDir: backupDirOf(deps),
        schemaVersion: deps.db.pragma('user_version', { simple: true }) as number,
        secretStorage: cipher,
      };
    },

    'system.backupNow': async (ctx) => {
      const s = settings.current();
      try {
        const info = await backupDatabase(
          deps.db,
          backupDirOf(deps),
          s['system.backup_keep_days'],
          new Date(deps.now()),
        );
        audit.record({ ...who(ctx), action: 'system.backup', detail: { file: info.file, bytes: info.bytes } });
        return info;
      } catch (e) {
        audit.record({ ...who(ctx), action: 'system.backup', outcome: 'failed' });
        throw e;
      }
    },

    'system.listBackups': () => listBackups(backupDirOf(deps)),

    ...createCatalogueHandlers({ catalogue: deps.catalogue ?? null, audit }),
    ...createProductHandlers({ catalogue: productCatalogue, audit, log }),
    ...createCounterHandlers({
      counter,
      refunds,
      db: deps.db,
      exportDir: path.join(deps.paths.dataDir, 'exports'),
      devices,
      receipts,
      nhsa: deps.nhsa,
      settings,
      audit,
      log,
    }),

    ...createInventoryHandlers({ docs: stockDocs, query: stockQuery, audit, log }),
    ...createUploadHandlers({ uploader, reconciler }),

    ...createNhsaHandlers({
      nhsa: deps.nhsa,
      audit,
      exportDir: path.join(deps.paths.dataDir, 'exports'),
      now: deps.now,
    }),
  };
}
