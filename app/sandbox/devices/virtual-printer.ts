import { EventEmitter } from 'node:events';
import net from 'node:net';
import { SerialPort } from 'serialport';
import { decodeEscPos, splitJobs, type DecodedJob } from '../../devices/printer/decode';

/**
 * A receipt printer for tests, demos and training mode: listens on TCP (like a 9100 network
 * printer) or opens a serial path (one end of a socat pty pair), captures each job and decodes
 * it back to text. Can also play a printer that stops reading, drops the line or runs out of paper.
 */

export interface CapturedJob {
  bytes: Buffer;
  decoded: DecodedJob;
  /** printed lines joined with "\n" */
  text: string;
  /** the connection dropped (close-mid-job) before the job was complete */
  interrupted: boolean;
  receivedAt: Date;
}

export type VirtualPrinterBehaviour =
  /** reads everything, closes after the client's end-of-job */
  | 'normal'
  /** accepts the connection, never reads, never closes */
  | 'never-read'
  /** reads `closeAfterBytes` and then drops the connection */
  | 'close-mid-job'
  /** reads and discards: nothing prints; status answers "paper end" */
  | 'paper-out';

/** What DLE EOT gets back. 'silent' is the many printers that never answer. */
export type VirtualPrinterStatus = 'ready' | 'paper_out' | 'cover_open' | 'silent';

// Answers to DLE EOT 1, 2, 4 (fixed bits 0x12; see transport.ts interpretStatus).
const STATUS_BYTES: Record<Exclude<VirtualPrinterStatus, 'silent'>, Record<number, number>> = {
  ready: { 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12 },
  paper_out: { 1: 0x1a, 2: 0x32, 3: 0x12, 4: 0x72 },
  cover_open: { 1: 0x1a, 2: 0x16, 3: 0x12, 4: 0x12 },
};

export interface VirtualPrinterOptions {
  behaviour?: VirtualPrinterBehaviour;
  /** defaults to 'ready', or 'paper_out' with the paper-out behaviour */
  status?: VirtualPrinterStatus;
  /** close-mid-job: bytes read before dropping the line */
  closeAfterBytes?: number;
}

export interface VirtualPrinter {
  readonly jobs: CapturedJob[];
  /** bytes received in total, status queries included */
  readonly bytesReceived: number;
  /** connections accepted (TCP) */
  readonly connections: number;
  /** connections still open (TCP): a client that leaks sockets shows here */
  readonly openConnections: number;
  waitForJobs(count: number, timeoutMs?: number): Promise<CapturedJob[]>;
  /** resolves once `predicate` holds, re-checked on every received chunk */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  setBehaviour(b: VirtualPrinterBehaviour): void;
  setStatus(s: VirtualPrinterStatus): void;
  close(): Promise<void>;
}

export interface TcpVirtualPrinter extends VirtualPrinter {
  readonly host: string;
  readonly port: number;
}

export interface SerialVirtualPrinter extends VirtualPrinter {
  readonly path: string;
}

class Core extends EventEmitter {
  jobs: CapturedJob[] = [];
  bytesReceived = 0;
  connections = 0;
  openConnections = 0;
  behaviour: VirtualPrinterBehaviour;
  status: VirtualPrinterStatus;
  closeAfterBytes: number;

  constructor(o: VirtualPrinterOptions) {
    super();
    this.behaviour = o.behaviour ?? 'normal';
    this.status = o.status ?? (this.behaviour === 'paper-out' ? 'paper_out' : 'ready');
    this.closeAfterBytes = o.closeAfterBytes ?? 1;
  }

  record(bytes: Buffer, interrupted: boolean): void {
    const decoded = decodeEscPos(bytes);
    const printable = decoded.lines.length > 0 || decoded.cuts > 0 || decoded.drawerKicks > 0;
    if (!printable || this.behaviour === 'paper-out') return;
    this.jobs.push({ bytes, decoded, text: decoded.lines.join('\n'), interrupted, receivedAt: new Date() });
    this.emit('change');
  }

  /** Answers DLE EOT queries not answered yet; returns the offset up to which all are answered. */
  answerStatus(buffer: Buffer, from: number, reply: (b: Buffer) => void): number {
    if (!buffer.subarray(from).includes(0x10)) return buffer.length;
    let answered = from;
    for (const c of decodeEscPos(buffer).commands) {
      if (c.name !== 'status-query' || c.offset < from) continue;
      if (c.bytes.length < 3) return c.offset;
      answered = c.offset + 3;
      if (this.status === 'silent') continue;
      const byte = STATUS_BYTES[this.status][c.arg ?? 1];
      if (byte !== undefined) reply(Buffer.from([byte]));
    }
    return Math.max(answered, buffer.length - 1);
  }

  waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`virtual printer: condition not met in ${timeoutMs} ms (jobs: ${this.jobs.length})`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('change', check);
      };
      this.on('change', check);
    });
  }
}

function apiOf(core: Core, close: () => Promise<void>): VirtualPrinter {
  return {
    get jobs() {
      return core.jobs;
    },
    get bytesReceived() {
      return core.bytesReceived;
    },
    get connections() {
      return core.connections;
    },
    get openConnections() {
      return core.openConnections;
    },
    waitFor: (p, t) => core.waitFor(p, t),
    async waitForJobs(count, timeoutMs) {
      await core.waitFor(() => core.jobs.length >= count, timeoutMs);
      return core.jobs.slice(0, count);
    },
    setBehaviour(b) {
      core.behaviour = b;
    },
    setStatus(s) {
      core.status = s;
    },
    close,
  };
}

export async function startTcpVirtualPrinter(
  options: VirtualPrinterOptions & { host?: string; port?: number } = {},
): Promise<TcpVirtualPrinter> {
  const core = new Core(options);
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    core.connections += 1;
    core.openConnections += 1;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      core.openConnections -= 1;
      core.emit('change');
    });
    const behaviour = core.behaviour;
    core.emit('change');
    if (behaviour === 'never-read') {
      socket.pause();
      return;
    }
    let buffer = Buffer.alloc(0);
    let answered = 0;
    let dropped = false;
    socket.on('data', (chunk: Buffer) => {
      if (dropped) return;
      core.bytesReceived += chunk.length;
      buffer = Buffer.concat([buffer, chunk]);
      answered = core.answerStatus(buffer, answered, (b) => socket.write(b));
      core.emit('change');
      if (behaviour === 'close-mid-job' && buffer.length >= core.closeAfterBytes) {
        dropped = true;
        core.record(buffer, true);
        // resetAndDestroy sends RST, as a printer rebooting mid-job would.
        socket.resetAndDestroy();
      }
    });
    socket.on('end', () => {
      if (!dropped) core.record(buffer, false);
      socket.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(apiOf(core, close), { host: address.address, port: address.port });
}

/**
 * Opens `path` (e.g. the second link of `socat pty,raw,echo=0,link=a pty,raw,echo=0,link=b`). A
 * serial line has no connection boundaries, so a job ends at a cut, or after `idleMs` of silence
 * (a drawer kick on its own).
 */
export async function startSerialVirtualPrinter(
  options: VirtualPrinterOptions & { path: string; baudRate?: number; idleMs?: number },
): Promise<SerialVirtualPrinter> {
  const core = new Core(options);
  const port = new SerialPort({ path: options.path, baudRate: options.baudRate ?? 9600, autoOpen: false });
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));

  let pending: Buffer = Buffer.alloc(0);
  let answered = 0;
  let idle: NodeJS.Timeout | undefined;
  const flushIdle = () => {
    if (pending.length > 0) core.record(pending, false);
    pending = Buffer.alloc(0);
    answered = 0;
  };
  port.on('data', (chunk: Buffer) => {
    core.bytesReceived += chunk.length;
    if (core.behaviour === 'never-read') return;
    pending = Buffer.concat([pending, chunk]);
    answered = core.answerStatus(pending, answered, (b) => port.write(b));
    const { jobs, rest } = splitJobs(pending);
    for (const j of jobs) core.record(j, false);
    answered = Math.max(0, answered - (pending.length - rest.length));
    pending = rest;
    clearTimeout(idle);
    idle = setTimeout(flushIdle, options.idleMs ?? 500);
    core.emit('change');
  });

  const close = async () => {
    clearTimeout(idle);
    if (!port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  };
  return Object.assign(apiOf(core, close), { path: options.path });
}
