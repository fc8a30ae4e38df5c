import net from 'node:net';
import { SerialPort } from 'serialport';
import { AppError } from '../../shared/errors';
import { DLE, EOT } from './escpos';

/**
 * Getting bytes to a receipt printer over raw TCP (port 9100) or a (virtual) COM port. Every
 * failure becomes a PrinterError with a message for the cashier; sockets and ports are always
 * closed, whatever happened.
 */

export type PrinterFailureReason =
  'offline' | 'busy' | 'timeout' | 'interrupted' | 'unconfirmed' | 'paper_out' | 'cover_open' | 'printer_error';

export const PRINTER_MESSAGES: Record<PrinterFailureReason, string> = {
  offline: '打印机未连接，请检查打印机电源、连接线或网络',
  busy: '打印机串口被其他程序占用',
  timeout: '打印机无响应，请检查打印机是否缺纸、卡纸或故障',
  interrupted: '打印中断：打印机断开了连接，请检查打印机后重打小票',
  unconfirmed: '小票已发往打印机，但打印机没有确认，请查看小票是否打出',
  paper_out: '打印机缺纸，请装纸后重打小票',
  cover_open: '打印机纸仓盖未合上',
  printer_error: '打印机故障（切刀卡住或过热），请检查打印机',
};

export class PrinterError extends AppError {
  readonly reason: PrinterFailureReason;
  constructor(reason: PrinterFailureReason, detail?: string, cause?: unknown) {
    // ERROR_CODES has no printer code yet; INTERNAL keeps the Chinese message intact at the boundary.
    super('INTERNAL', PRINTER_MESSAGES[reason], { cause, logDetail: { reason, detail } });
    this.name = 'PrinterError';
    this.reason = reason;
  }
}

export function isPrinterError(e: unknown): e is PrinterError {
  return e instanceof PrinterError;
}

// ---- configuration ----------------------------------------------------------------------------

export interface TransportTimeouts {
  /** TCP connect / serial open */
  connectTimeoutMs?: number;
  /** until the job is handed to the OS; a printer that stops reading trips it */
  writeTimeoutMs?: number;
  /** TCP: until the printer closes its side after our end-of-job */
  confirmTimeoutMs?: number;
  /** per DLE EOT question; many printers never answer */
  statusTimeoutMs?: number;
}

export type PrinterTransportConfig =
  | ({ kind: 'network'; host: string; port?: number; confirmClose?: boolean } & TransportTimeouts)
  | ({
      kind: 'serial';
      path: string;
      baudRate: number;
      /** the port is held open between jobs and closed after this much quiet */
      idleCloseMs?: number;
    } & TransportTimeouts);

const DEFAULTS = { connectTimeoutMs: 3000, writeTimeoutMs: 10_000, confirmTimeoutMs: 5000, statusTimeoutMs: 800 };

/**
 * From the stored device settings (devices.printer_type / printer_port / printer_address).
 * Returns null for "不打印". The settings have no baud rate yet: 9600 is the common factory default.
 */
export function transportConfigFromSettings(s: {
  type: 'none' | 'serial' | 'network';
  port?: string;
  address?: string;
  baudRate?: number;
}): PrinterTransportConfig | null {
  if (s.type === 'serial' && s.port) return { kind: 'serial', path: s.port, baudRate: s.baudRate ?? 9600 };
  if (s.type === 'network' && s.address) {
    const m = /^(.*?)(?::(\d{1,5}))?$/.exec(s.address.trim());
    const host = m?.[1] ?? s.address;
    return { kind: 'network', host, port: m?.[2] ? Number(m[2]) : 9100 };
  }
  return null;
}

// ---- status (DLE EOT) -------------------------------------------------------------------------

export type PrinterState = 'ready' | 'paper_near_end' | 'paper_out' | 'cover_open' | 'offline' | 'error' | 'unknown';

export interface PrinterStatus {
  state: PrinterState;
  message: string;
  /** the answers to DLE EOT 1, 2, 4 as received */
  raw: number[];
}

const STATE_MESSAGES: Record<PrinterState, string> = {
  ready: '打印机就绪',
  paper_near_end: '打印纸即将用完',
  paper_out: PRINTER_MESSAGES.paper_out,
  cover_open: PRINTER_MESSAGES.cover_open,
  offline: '打印机处于离线状态',
  error: PRINTER_MESSAGES.printer_error,
  unknown: '打印机不支持状态查询',
};

/** Real-time status bytes always have bit 1 and bit 4 set, bits 0 and 7 clear (Epson convention). */
export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

/** Reads the answers to DLE EOT 1 (printer), 2 (offline cause), 4 (paper sensor). */
export function interpretStatus(raw: readonly number[]): PrinterStatus {
  const [printer, offline, paper] = raw;
  const make = (state: PrinterState): PrinterStatus => ({ state, message: STATE_MESSAGES[state], raw: [...raw] });
  if (printer === undefined || !isStatusByte(printer)) return make('unknown');
  if (offline !== undefined && isStatusByte(offline)) {
    if (offline & 0x04) return make('cover_open');
    if (offline & 0x20) return make('paper_out');
    if (offline & 0x40) return make('error');
  }
  if (paper !== undefined && isStatusByte(paper)) {
    if (paper & 0x60) return make('paper_out');
    if (paper & 0x0c) return make('paper_near_end');
  }
  if (printer & 0x08) return make('offline');
  return make('ready');
}

// ---- connections ------------------------------------------------------------------------------

interface Connection {
  write(data: Uint8Array): Promise<void>;
  /** the next byte from the printer, or null when none arrives in time */
  readByte(timeoutMs: number): Promise<number | null>;
  discardInput(): void;
  /** false once the line has failed or the port went away (USB adapter pulled) */
  usable(): boolean;
  /** ends the job cleanly; TCP waits for the printer to close its side */
  finish(): Promise<void>;
  /** releases everything; safe to call more than once and after failures */
  destroy(): Promise<void>;
}

class Incoming {
  private readonly bytes: number[] = [];
  private waiter: (() => void) | null = null;

  clear(): void {
    this.bytes.length = 0;
  }

  push(chunk: Buffer): void {
    for (const b of chunk) this.bytes.push(b);
    this.waiter?.();
  }

  async readByte(timeoutMs: number): Promise<number | null> {
    if (this.bytes.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiter = done;
      });
      this.waiter = null;
    }
    return this.bytes.shift() ?? null;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ENOENT',
  'ENXIO',
  'ENODEV',
]);

function errorCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function openTcp(host: string, port: number, t: Required<TransportTimeouts>, confirmClose: boolean) {
  const socket = new net.Socket();
  const incoming = new Incoming();
  let failure: PrinterError | null = null;
  let peerEnded = false;
  let closed = false;
  const closedPromise = new Promise<boolean>((resolve) => socket.once('close', (hadError) => resolve(hadError)));
  // One listener for the whole life of the socket: an 'error' without a listener would crash the process.
  socket.on('error', (e) => {
    failure ??= OFFLINE_CODES.has(errorCode(e))
      ? new PrinterError('offline', describeError(e), e)
      : new PrinterError('interrupted', describeError(e), e);
  });
  socket.on('data', (chunk: Buffer) => incoming.push(chunk));
  socket.on('end', () => {
    peerEnded = true;
  });
  void closedPromise.then(() => {
    closed = true;
  });

  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      void closedPromise.then(() => reject(failure ?? new PrinterError('offline', 'closed while connecting')));
      socket.connect({ host, port });
    }),
    t.connectTimeoutMs,
    () => new PrinterError('offline', `connect timeout ${host}:${port}`),
  ).catch((e: unknown) => {
    socket.destroy();
    throw e;
  });

  const broken = () => failure ?? (peerEnded || closed ? new PrinterError('interrupted', 'printer closed') : null);

  const conn: Connection = {
    async write(data) {
      const early = broken();
      if (early) throw early;
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.write(data, (err) =>
            err ? reject(broken() ?? new PrinterError('interrupted', err.message)) : resolve(),
          );
          void closedPromise.then(() => reject(broken() ?? new PrinterError('interrupted', 'closed during write')));
        }),
        t.writeTimeoutMs,
        () => new PrinterError('timeout', 'write not flushed'),
      );
      const after = broken();
      if (after) throw after;
    },
    readByte: (ms) => incoming.readByte(ms),
    discardInput: () => incoming.clear(),
    usable: () => broken() === null,
    async finish() {
      if (peerEnded) throw new PrinterError('interrupted', 'printer closed before end of job');
      socket.end();
      if (!confirmClose) return;
      // A 9100 printer closes its side once it has read our end-of-job; a stuck one never does.
      const hadError = await withTimeout(
        closedPromise,
        t.confirmTimeoutMs,
        () => new PrinterError('unconfirmed', 'no close from printer'),
      );
      if (hadError || failure) throw failure ?? new PrinterError('interrupted', 'reset at end of job');
    },
    async destroy() {
      socket.destroy();
      await withTimeout(closedPromise, 2000, () => new Error('socket close timeout')).catch(() => undefined);
    },
  };
  return conn;
}

async function openSerial(path: string, baudRate: number, t: Required<TransportTimeouts>): Promise<Connection> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  const incoming = new Incoming();
  let failure: PrinterError | null = null;
  port.on('error', (e) => {
    failure ??= new PrinterError('interrupted', describeError(e), e);
  });
  port.on('data', (chunk: Buffer) => incoming.push(chunk));
  port.on('close', () => {
    failure ??= new PrinterError('offline', 'port closed');
  });

  const close = () =>
    new Promise<void>((resolve) => {
      if (!port.isOpen) return resolve();
      port.close(() => resolve());
    });

  await withTimeout(
    new Promise<void>((resolve, reject) => {
      port.open((err) => {
        if (!err) return resolve();
        const msg = describeError(err);
        reject(
          /busy|resource temporarily|access denied|locked|EBUSY|EACCES/i.test(msg)
            ? new PrinterError('busy', msg, err)
            : new PrinterError('offline', msg, err),
        );
      });
    }),
    t.connectTimeoutMs,
    () => new PrinterError('offline', `open timeout ${path}`),
  ).catch(async (e: unknown) => {
    await withTimeout(close(), 2000, () => new Error('close timeout')).catch(() => undefined);
    throw e;
  });

  return {
    async write(data) {
      if (failure) throw failure;
      // The write callback fires once the OS has the bytes. tcdrain (port.drain) is avoided on purpose:
      // it blocks a libuv worker thread for as long as a stalled line does not move.
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          port.write(Buffer.from(data), (err) =>
            err ? reject(failure ?? new PrinterError('interrupted', describeError(err), err)) : resolve(),
          );
        }),
        t.writeTimeoutMs,
        () => new PrinterError('timeout', 'serial write timeout'),
      );
      if (failure) throw failure;
    },
    readByte: (ms) => incoming.readByte(ms),
    discardInput: () => incoming.clear(),
    usable: () => failure === null && port.isOpen,
    async finish() {
      if (failure) throw failure;
    },
    async destroy() {
      await withTimeout(close(), 3000, () => new Error('close timeout')).catch(() => undefined);
    },
  };
}

// ---- transport --------------------------------------------------------------------------------

export interface SendOptions {
  /** ask DLE EOT first and refuse to print on paper-out / cover-open / error; no answer = go ahead */
  checkStatus?: boolean;
}

export interface PrinterTransport {
  readonly description: string;
  send(data: Uint8Array, options?: SendOptions): Promise<void>;
  queryStatus(): Promise<PrinterStatus>;
  /** releases a held serial port (app shutdown, settings change); later jobs reopen it */
  close(): Promise<void>;
}

async function askStatus(conn: Connection, timeoutMs: number): Promise<PrinterStatus> {
  // A late answer to an earlier, timed-out question must not pass for this one.
  conn.discardInput();
  const raw: number[] = [];
  for (const n of [1, 2, 4]) {
    await conn.write(Uint8Array.from([DLE, EOT, n]));
    const b = await conn.readByte(timeoutMs);
    if (b === null) break;
    raw.push(b);
  }
  return interpretStatus(raw);
}

const STATE_FAILURE: Partial<Record<PrinterState, PrinterFailureReason>> = {
  paper_out: 'paper_out',
  cover_open: 'cover_open',
  error: 'printer_error',
  offline: 'timeout',
};

export function createTransport(config: PrinterTransportConfig): PrinterTransport {
  const t: Required<TransportTimeouts> = {
    connectTimeoutMs: config.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    writeTimeoutMs: config.writeTimeoutMs ?? DEFAULTS.writeTimeoutMs,
    confirmTimeoutMs: config.confirmTimeoutMs ?? DEFAULTS.confirmTimeoutMs,
    statusTimeoutMs: config.statusTimeoutMs ?? DEFAULTS.statusTimeoutMs,
  };
  const open = (): Promise<Connection> =>
    config.kind === 'network'
      ? openTcp(config.host, config.port ?? 9100, t, config.confirmClose ?? true)
      : openSerial(config.path, config.baudRate, t);
  const description =
    config.kind === 'network' ? `${config.host}:${config.port ?? 9100}` : `${config.path}@${config.baudRate}`;

  // One job at a time: a COM port opens once, and interleaved jobs would print as one mess.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };

  // A serial port stays open between jobs: opening runs tcflush(TCIOFLUSH), which would throw away
  // the tail of the previous receipt still queued for a slow line (and, on a pty, not yet read).
  const keepOpen = config.kind === 'serial';
  const idleCloseMs = config.kind === 'serial' ? (config.idleCloseMs ?? 5000) : 0;
  let held: Connection | null = null;
  let idleTimer: NodeJS.Timeout | undefined;
  const release = async () => {
    clearTimeout(idleTimer);
    const c = held;
    held = null;
    if (c) await c.destroy();
  };

  const withConnection = <T>(use: (c: Connection) => Promise<T>): Promise<T> =>
    exclusive(async () => {
      clearTimeout(idleTimer);
      if (held && !held.usable()) await release();
      const conn = held ?? (await open());
      held = null;
      let ok = false;
      try {
        const result = await use(conn);
        ok = true;
        return result;
      } finally {
        if (ok && keepOpen) {
          held = conn;
          idleTimer = setTimeout(() => void exclusive(release), idleCloseMs);
          idleTimer.unref();
        } else {
          await conn.destroy();
        }
      }
    });

  return {
    description,
    send: (data, options = {}) =>
      withConnection(async (conn) => {
        if (options.checkStatus) {
          const status = await askStatus(conn, t.statusTimeoutMs);
          const reason = STATE_FAILURE[status.state];
          if (reason) throw new PrinterError(reason, `status ${status.raw.join(',')}`);
        }
        await conn.write(data);
        await conn.finish();
      }),
    queryStatus: () => withConnection((conn) => askStatus(conn, t.statusTimeoutMs)),
    close: () => exclusive(release),
  };
}
