import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import type { NhsaOperator } from '../../app/nhsa/client';
import { SANDBOX_GATEWAY, SANDBOX_PHARMACY, createNhsaService, toNhsaOperator } from '../../app/nhsa/service';
import { openSandboxInspector, startSandbox, type SandboxInspector } from '../../app/sandbox';
import { coreFixture } from './core-fixture';
import { tempDir } from './tmp';

/**
 * The NHSA side over real parts: a real SQLite file in a fresh temp folder, the real settings
 * (with POS_* overrides), the real service and client, and a sandbox center over real HTTP —
 * either the one training mode starts itself, or a standalone one the test points settings at.
 */

const cleanups: (() => Promise<void> | void)[] = [];

/** Runs fn when the current test ends (servers closed, databases closed), newest first. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

afterEach(async () => {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch {
      /* a failed close must not hide the test's own result */
    }
  }
});

/** A mutable clock for `now` injection: a Date-returning function plus a way to move it. */
export function testClock(start = Date.now()) {
  let t = start;
  const now = () => new Date(t);
  return {
    now,
    set(ms: number) {
      t = ms;
    },
    advance(ms: number) {
      t += ms;
    },
    get ms() {
      return t;
    },
  };
}

export interface ServiceOptions {
  /** POS_* overrides for the settings */
  env?: Record<string, string>;
  now?: () => Date;
  /** reuse a data folder (a "restart") */
  dir?: string;
  /** the DB operator to create (skipped when the folder already has it) */
  operator?: { username: string; displayName: string };
}

const DEFAULT_OPERATOR = { username: 'op01', displayName: '收银员甲' };

/**
 * A till: database, settings, an operator in the operators table, and createNhsaService. With no
 * POS_NHSA_BASE_URL in env it runs in training mode with its own sandbox (allowSandbox true).
 */
export async function nhsaFixture(opts: ServiceOptions = {}) {
  const dir = opts.dir ?? tempDir('pos-nhsa-');
  const core = coreFixture({ ...(opts.env ?? {}) }, dir);
  const who = opts.operator ?? DEFAULT_OPERATOR;
  let row = core.operators.list().find((o) => o.username === who.username);
  if (!row) {
    // Direct insert: a password hash is irrelevant here and hashing would only slow the tests.
    const info = core.db
      .prepare(
        `INSERT INTO operators (username, display_name, roles, password_hash, must_change_password, created_at, updated_at)
         VALUES (?, ?, '["cashier"]', 'x', 0, 0, 0)`,
      )
      .run(who.username, who.displayName);
    row = core.operators.get(Number(info.lastInsertRowid))!;
  }
  const op: NhsaOperator = toNhsaOperator({ id: row.id, username: row.username, displayName: row.displayName });
  const svc = await createNhsaService({
    db: core.db,
    log: core.log,
    settings: core.settings,
    dataDir: dir,
    allowSandbox: true,
    now: opts.now,
    operatorById: (id) => {
      const s = core.operators.sessionOf(id);
      return s ? toNhsaOperator(s) : null;
    },
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await svc.close();
    core.db.close();
  };
  onCleanup(close);
  return {
    dir,
    core,
    db: core.db,
    log: core.log,
    svc,
    op,
    /** the training-mode sandbox (null when env points at a remote center) */
    sandbox: svc.sandbox,
    sandboxDbPath: path.join(dir, 'sandbox.sqlite'),
    /** closes the service (signing operators out) and the database: the till "stops" */
    close,
  };
}

export type NhsaFixture = Awaited<ReturnType<typeof nhsaFixture>>;

/** A standalone sandbox center (gateway on) and the POS_* overrides that point a till at it. */
export async function standaloneSandbox(opts: { now?: () => Date; gateway?: boolean } = {}) {
  const dir = tempDir('sandbox-');
  const dbPath = path.join(dir, 'sandbox.sqlite');
  const log = createMemoryLogger();
  const sandbox = await startSandbox({
    dbPath,
    log,
    port: 0,
    gateway: opts.gateway === false ? undefined : SANDBOX_GATEWAY,
    fixmedinsCode: SANDBOX_PHARMACY.code,
    fixmedinsName: SANDBOX_PHARMACY.name,
    now: opts.now,
  });
  onCleanup(() => sandbox.close());
  const envFor = (url = sandbox.url): Record<string, string> => ({
    POS_NHSA_BASE_URL: url,
    POS_NHSA_PAASID: SANDBOX_GATEWAY.paasid,
    POS_NHSA_TOKEN: SANDBOX_GATEWAY.token,
    POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
    POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
    POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
  });
  return { sandbox, dbPath, log, env: envFor(), envFor };
}

export interface SandboxMessage {
  msgid: string;
  infno: string;
  infcode: number;
  err_msg: string | null;
}

/** Every msgid the center has received (its `messages` table), read over a second connection. */
export function sandboxMessages(dbPath: string): SandboxMessage[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT msgid, infno, infcode, err_msg FROM messages ORDER BY rowid').all() as SandboxMessage[];
  } finally {
    db.close();
  }
}

/** The center's sign-in rows. */
export function sandboxSignIns(dbPath: string): { sign_no: string; opter: string; signed_out_at: string | null }[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT sign_no, opter, signed_out_at FROM sign_ins ORDER BY rowid').all() as never;
  } finally {
    db.close();
  }
}

/** A read-only inspector on a sandbox database file, closed after the test. */
export function inspectorOf(dbPath: string): SandboxInspector {
  const i = openSandboxInspector(dbPath);
  onCleanup(() => i.close());
  return i;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A forwarding proxy in front of a center that keeps every request as it went over the wire, so
 * a test can check the envelope the client really sent (not what it journaled).
 */
export async function recordingProxy(target: string) {
  const requests: RecordedRequest[] = [];
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const up = http.request(
        { host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers, agent: false },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  onCleanup(close);
  return {
    url,
    requests,
    /** the JSON envelopes sent (multipart bodies give their jsonStr part) */
    envelopes(): Record<string, unknown>[] {
      return requests.map((r) => parseEnvelope(r));
    },
  };
}

/** The envelope of a recorded request: the JSON body, or the jsonStr part of a multipart body. */
export function parseEnvelope(r: RecordedRequest): Record<string, unknown> {
  const ct = String(r.headers['content-type'] ?? '');
  if (ct.startsWith('multipart/form-data')) {
    const text = r.body.toString('latin1');
    const m = /name="jsonStr"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text);
    if (!m) throw new Error('multipart body without a jsonStr part');
    return JSON.parse(Buffer.from(m[1]!, 'latin1').toString('utf8')) as Record<string, unknown>;
  }
  return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
}

/** A tiny center of our own for reply variants the sandbox cannot produce. */
export async function scriptedCenter(reply: (envelope: Record<string, unknown>) => { status?: number; body: string }) {
  const seen: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const env = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      seen.push(env);
      const r = reply(env);
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url, seen };
}

/** Polls until fn returns a truthy value or the deadline passes (then throws with `what`). */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 5000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
