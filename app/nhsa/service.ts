import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Db } from '../db/connection';
import type { Logger } from '../core/logger';
import type { SettingsService } from '../settings/settings-service';
import { parseTimeoutOverrides } from '../shared/settings-schema';
import type { SessionOperator } from '../shared/contract';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { createNhsaClient, type CallContext, type NhsaConfig, type NhsaOperator, type NhsaResult } from './client';
import { createJournal } from './journal';
import { createReversalQueue } from './reversal';
import { createSignInStore } from './signin';

/** Training mode: the credentials the built-in center checks, so the gateway path is exercised too. */
export const SANDBOX_GATEWAY = { paasid: 'sandbox', token: 'sandbox-training-token' };
export const SANDBOX_PHARMACY = { code: 'P11010000001', name: '沙箱培训大药房', admdvs: '110101' };

/** A lease is renewed every 10 s; one not renewed for a minute belongs to a process that is gone. */
const LEASE_RENEW_MS = 10_000;
const LEASE_GRACE_MS = 60_000;

/** A process on this machine that no longer exists cannot be waiting for an answer (PIDs are local). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The operator background work (reversals after a crash) runs as when the original one is gone. */
export const SYSTEM_OPERATOR: NhsaOperator = { id: null, opter: 'system', opterName: '系统自动冲正' };

export function toNhsaOperator(op: Pick<SessionOperator, 'id' | 'username' | 'displayName'>): NhsaOperator {
  return { id: op.id, opter: op.username, opterName: op.displayName };
}

export interface NhsaServiceDeps {
  db: Db;
  log: Logger;
  settings: SettingsService;
  dataDir: string;
  /** looks an operator up for reversals queued under their name */
  operatorById: (id: number) => NhsaOperator | null;
  now?: () => Date;
  /** start the built-in center when no endpoint is configured (training mode) */
  allowSandbox?: boolean;
  /** which kind of process this is, recorded in its lease */
  shell?: string;
  onChange?: () => void;
}

export type ConnectionState = {
  mode: 'sandbox' | 'remote' | 'none';
  lastKind: NhsaResult['kind'] | null;
  lastAt: string | null;
  lastError: string | null;
};

/**
 * The insurance side of the main process: one client, the sign-in per operator, the journal and
 * the reversal queue — and, in training mode, the sandbox center it talks to.
 */
export async function createNhsaService(deps: NhsaServiceDeps) {
  const { db, log, settings } = deps;
  const now = deps.now ?? (() => new Date());
  // This process's lease: its open calls are its own business until the lease lapses.
  const bootId = randomUUID();
  const leaseNow = () => now().getTime();
  db.prepare('INSERT INTO process_leases (boot_id, pid, shell, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run(
    bootId,
    process.pid,
    deps.shell ?? 'app',
    leaseNow(),
    leaseNow(),
  );
  const renewLease = db.prepare('UPDATE process_leases SET heartbeat_at = ? WHERE boot_id = ?');
  const heartbeat = setInterval(() => {
    try {
      renewLease.run(leaseNow(), bootId);
    } catch (e) {
      log.warn('nhsa: lease renewal failed', { error: e });
    }
  }, LEASE_RENEW_MS);
  heartbeat.unref();
  const journal = createJournal(db, bootId);
  const signins = createSignInStore(db, log, now);

  let sandbox: Sandbox | null = null;
  const configuredUrl = settings.current()['nhsa.base_url'];
  if (!configuredUrl && deps.allowSandbox !== false) {
    const s = settings.current();
    sandbox = await startSandbox({
      dbPath: path.join(deps.dataDir, 'sandbox.sqlite'),
      port: 0,
      log: log.child({ component: 'sandbox' }),
      gateway: SANDBOX_GATEWAY,
      fixmedinsCode: s['pharmacy.fixmedins_code'] || SANDBOX_PHARMACY.code,
      fixmedinsName: s['pharmacy.fixmedins_name'] || SANDBOX_PHARMACY.name,
      now,
    });
    log.info('nhsa: training mode, built-in sandbox center started', { url: sandbox.url });
  }

  const config = (): NhsaConfig => {
    const s = settings.current();
    const common = {
      recerSysCode: s['nhsa.recer_sys_code'],
      infver: s['nhsa.infver'],
      timeoutSeconds: s['nhsa.timeout_seconds'],
      timeoutOverrides: parseTimeoutOverrides(s['nhsa.timeout_overrides']),
      profile: s['nhsa.profile'],
    };
    if (sandbox) {
      return {
        ...common,
        baseUrl: sandbox.url,
        paasid: SANDBOX_GATEWAY.paasid,
        token: SANDBOX_GATEWAY.token,
        fixmedinsCode: s['pharmacy.fixmedins_code'] || SANDBOX_PHARMACY.code,
        fixmedinsName: s['pharmacy.fixmedins_name'] || SANDBOX_PHARMACY.name,
        admdvs: s['pharmacy.admdvs'] || SANDBOX_PHARMACY.admdvs,
      };
    }
    return {
      ...common,
      baseUrl: s['nhsa.base_url'],
      paasid: s['nhsa.paasid'],
      token: s['nhsa.token'],
      fixmedinsCode: s['pharmacy.fixmedins_code'],
      fixmedinsName: s['pharmacy.fixmedins_name'],
      admdvs: s['pharmacy.admdvs'],
    };
  };

  const connection: ConnectionState = {
    mode: sandbox ? 'sandbox' : configuredUrl ? 'remote' : 'none',
    lastKind: null,
    lastAt: null,
    lastError: null,
  };

  // The queue needs `call` and the client needs the queue: bind late through this holder.
  const late: { reversals?: ReturnType<typeof createReversalQueue> } = {};
  const client = createNhsaClient({
    db,
    journal,
    log,
    config,
    now,
    signNoOf: (op) => signins.signNoOf(op),
    onUnknownReversible: (r) =>
      late.reversals!.enqueue({
        omsgid: r.msgid,
        oinfno: r.infno,
        psnNo: r.psnNo,
        insuplcAdmdvs: r.insuplcAdmdvs,
        operatorId: r.operatorId,
        reason: 'unknown_outcome',
      }),
  });

  // Calls still on the wire when the app closes are awaited (bounded) before the database closes.
  const inFlight = new Set<Promise<unknown>>();
  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Signs in first when the operator has no live sign-in; records how the center answered. */
  function call(infno: string, input: Record<string, unknown>, ctx: CallContext): Promise<NhsaResult> {
    return track(callInner(infno, input, ctx));
  }

  async function callInner(infno: string, input: Record<string, unknown>, ctx: CallContext): Promise<NhsaResult> {
    // A call that would be refused anyway must not cost a 9001 first.
    const refused = client.precheck(infno, input, ctx);
    if (refused) return refused;
    if (infno !== '9001' && !signins.signNoOf(ctx.operator)) {
      const signed = await signins.signIn(client, ctx.operator, ctx.source);
      note(signed);
      if (signed.kind !== 'ok') {
        const why = signed.kind === 'business_error' ? signed.errMsg : signed.reason;
        return { kind: 'not_sent', infno, msgid: null, reason: `医保签到失败：${why}` };
      }
    }
    const r = await client.call(infno, input, ctx);
    note(r);
    return r;
  }

  function note(r: NhsaResult): void {
    const changed = connection.lastKind !== r.kind;
    connection.lastKind = r.kind;
    connection.lastAt = now().toISOString();
    connection.lastError = r.kind === 'not_sent' || r.kind === 'unknown' ? r.reason : null;
    if (changed) deps.onChange?.();
  }

  const reversals = createReversalQueue({
    db,
    log,
    now,
    operatorFor: (id) => (id === null ? SYSTEM_OPERATOR : (deps.operatorById(id) ?? SYSTEM_OPERATOR)),
    send: (row, operator) =>
      call(
        '2601',
        { data: { psn_no: row.psnNo, omsgid: row.omsgid, oinfno: row.oinfno } },
        { operator, insuplcAdmdvs: row.insuplcAdmdvs, source: 'reversal' },
      ),
    onChange: deps.onChange,
  });
  late.reversals = reversals;

  /**
   * After a crash: a call left 'pending' by a process that is gone was perhaps sent; its outcome
   * is unknown. Calls of live processes (another till window, a CLI command) are left alone.
   */
  function recoverAfterCrash(): number {
    const leases = db.prepare('SELECT boot_id, pid, heartbeat_at FROM process_leases').all() as {
      boot_id: string;
      pid: number;
      heartbeat_at: number;
    }[];
    const live = leases.filter(
      (l) => l.boot_id === bootId || (l.heartbeat_at >= leaseNow() - LEASE_GRACE_MS && pidAlive(l.pid)),
    );
    const dead = leases.filter((l) => !live.includes(l)).map((l) => l.boot_id);
    if (dead.length)
      db.prepare('DELETE FROM process_leases WHERE boot_id IN (SELECT value FROM json_each(?))').run(
        JSON.stringify(dead),
      );
    const rows = journal.pendingRows(live.map((l) => l.boot_id));
    const close = db.transaction(() => {
      for (const r of rows) {
        journal.complete(r.msgid, {
          finishedAt: now().getTime(),
          durationMs: 0,
          outcome: 'unknown',
          infcode: null,
          errMsg: '程序在等待医保中心应答时退出，交易结果未知',
          response: undefined,
          warnings: [],
        });
        if ((r.infno === '2102' || r.infno === '2103') && r.psnNo) {
          reversals.enqueue({
            omsgid: r.msgid,
            oinfno: r.infno,
            psnNo: r.psnNo,
            insuplcAdmdvs: r.insuplcAdmdvs,
            operatorId: r.operatorId,
            reason: 'crash_recovery',
          });
        }
      }
    });
    close();
    if (rows.length) log.warn('nhsa: calls left open by a crash marked unknown', { count: rows.length });
    return rows.length;
  }

  return {
    client,
    call,
    journal,
    signins,
    reversals,
    sandbox,
    config,
    connection,
    recoverAfterCrash,
    signIn: (op: NhsaOperator, source?: string) =>
      track(
        signins.signIn(client, op, source).then((r) => {
          note(r);
          deps.onChange?.();
          return r;
        }),
      ),
    signOut: (op: NhsaOperator, source?: string) =>
      track(
        signins.signOut(client, op, source).then((r) => {
          deps.onChange?.();
          return r;
        }),
      ),
    /** 9002 for everyone still signed in, bounded so a dead network cannot hold the app open. */
    async signOutAll(limitMs = 5000): Promise<void> {
      const ops = [
        ...signins
          .signedInOperators()
          .map((s) => deps.operatorById(s.operatorId))
          .filter((o): o is NhsaOperator => o !== null),
        ...signins.transientOperators(),
      ];
      const all = Promise.allSettled(ops.map((op) => signins.signOut(client, op, 'shutdown')));
      await Promise.race([all, new Promise((r) => setTimeout(r, limitMs).unref())]);
    },
    async close(): Promise<void> {
      clearInterval(heartbeat);
      await reversals.stop();
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 5000).unref())]);
      await this.signOutAll();
      db.prepare('DELETE FROM process_leases WHERE boot_id = ?').run(bootId);
      await sandbox?.close();
    },
  };
}

export type NhsaService = Awaited<ReturnType<typeof createNhsaService>>;
