/**
 * A scanner in serial / virtual-COM (USB CDC) mode. Unlike a keyboard wedge it cannot be confused with
 * typing, but the port vanishes when the cable is pulled, so the reader keeps retrying with backoff
 * and reports 已连接 / 未连接 to the status bar.
 */
import iconv from 'iconv-lite';
import { SerialPort } from 'serialport';

export type ScannerState = 'connected' | 'disconnected';

export const SCANNER_STATE_LABELS: Record<ScannerState, string> = {
  connected: '已连接',
  disconnected: '未连接',
};

export type ScanEncoding = 'utf-8' | 'gb18030';

export interface SerialScannerOptions {
  /** COM3, /dev/ttyACM0 … (the `devices.scanner_port` setting) */
  path: string;
  /** most scanners ship at 9600 in COM mode */
  baudRate?: number;
  /**
   * What ends a code. 'cr-or-lf' (default) splits on CR, LF or CRLF; a string or bytes is an exact
   * suffix (e.g. '\t' or '\u0003').
   */
  suffix?: 'cr-or-lf' | string | Uint8Array;
  /**
   * For scanners configured without a suffix: a pause this long ends a code. 0 (default) disables it,
   * since a suffix is the reliable boundary.
   */
  idleFlushMs?: number;
  /** a runaway stream without suffix is dropped past this size rather than growing for ever */
  maxCodeBytes?: number;
  /** delays between reopen attempts: initialMs, doubled each failure, capped at maxMs */
  backoff?: { initialMs?: number; maxMs?: number };
  onCode: (code: string, info: { encoding: ScanEncoding; source: 'serial' }) => void;
  /** called on every change, and once for the first outcome; `message` is for the cashier */
  onState?: (state: ScannerState, message: string) => void;
  /** low-level errors, for the log */
  onError?: (error: Error) => void;
}

export interface SerialScanner {
  readonly state: ScannerState;
  /** stops reconnecting and closes the port */
  close(): Promise<void>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Scanners in China are often set to output Chinese (e.g. QR codes with names) in GBK; GB18030 is a
 * superset, and a GBK byte string is almost never valid UTF-8, so UTF-8 is tried first.
 */
export function decodeScanBytes(bytes: Uint8Array): { text: string; encoding: ScanEncoding } {
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gb18030' };
  }
}

export interface CodeSplitter {
  push(chunk: Buffer): void;
  flush(): void;
  clear(): void;
  readonly pending: number;
}

/**
 * Splits a byte stream into codes. Splitting bytes before decoding is safe for GBK too: its trail
 * bytes are 0x40–0xFE, so CR and LF never occur inside a Chinese character.
 */
export function createCodeSplitter(
  suffix: SerialScannerOptions['suffix'],
  maxBytes: number,
  emit: (bytes: Buffer) => void,
  onOverflow: () => void,
): CodeSplitter {
  const exact = suffix === undefined || suffix === 'cr-or-lf' ? null : Buffer.from(suffix);
  let buf = Buffer.alloc(0);

  const out = (bytes: Buffer) => {
    if (bytes.length > 0) emit(bytes);
  };

  return {
    push(chunk) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : Buffer.from(chunk);
      for (;;) {
        const at = exact ? buf.indexOf(exact) : buf.findIndex((b) => b === 0x0d || b === 0x0a);
        if (at < 0) break;
        out(buf.subarray(0, at));
        buf = buf.subarray(at + (exact ? exact.length : 1));
      }
      if (buf.length > maxBytes) {
        buf = Buffer.alloc(0);
        onOverflow();
      }
    },
    flush() {
      const rest = buf;
      buf = Buffer.alloc(0);
      out(rest);
    },
    clear() {
      buf = Buffer.alloc(0);
    },
    get pending() {
      return buf.length;
    },
  };
}

function reasonOf(err: Error & { code?: string; disconnected?: boolean }): string {
  const text = `${err.code ?? ''} ${err.message}`;
  if (err.disconnected) return '设备已断开';
  if (/ENOENT|No such file|File not found|cannot find/i.test(text)) return '找不到该串口，请检查连接或端口号';
  if (/EBUSY|lock|Access denied|being used/i.test(text)) return '串口被其他程序占用';
  if (/EACCES|EPERM|permission/i.test(text)) return '没有访问串口的权限';
  return `串口错误：${err.message}`;
}

export function startSerialScanner(options: SerialScannerOptions): SerialScanner {
  const baudRate = options.baudRate ?? 9600;
  const initialDelay = options.backoff?.initialMs ?? 500;
  const maxDelay = options.backoff?.maxMs ?? 5000;
  const idleFlushMs = options.idleFlushMs ?? 0;

  let state: ScannerState = 'disconnected';
  let reported: ScannerState | null = null;
  let closed = false;
  let port: SerialPort | null = null;
  let opening: Promise<void> = Promise.resolve();
  let retryTimer: NodeJS.Timeout | null = null;
  let idleTimer: NodeJS.Timeout | null = null;
  let failures = 0;

  const report = (next: ScannerState, message: string) => {
    state = next;
    if (reported === next || closed) return;
    reported = next;
    options.onState?.(next, message);
  };
  const logError = (err: Error) => options.onError?.(err);

  const splitter = createCodeSplitter(
    options.suffix,
    options.maxCodeBytes ?? 4096,
    (bytes) => {
      const { text, encoding } = decodeScanBytes(bytes);
      options.onCode(text, { encoding, source: 'serial' });
    },
    () => logError(new Error('scanner stream exceeded maxCodeBytes without a suffix; data dropped')),
  );

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    const delay = Math.min(maxDelay, initialDelay * 2 ** Math.min(failures, 16));
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
    retryTimer.unref();
  }

  function onData(chunk: Buffer) {
    splitter.push(chunk);
    if (idleFlushMs > 0) {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = splitter.pending > 0 ? setTimeout(() => splitter.flush(), idleFlushMs) : null;
    }
  }

  function lost(err: Error) {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    // Half a code from a pulled cable is not a code.
    splitter.clear();
    port = null;
    report('disconnected', `扫码枪${SCANNER_STATE_LABELS.disconnected}（${options.path}）：${reasonOf(err)}`);
    scheduleReconnect();
  }

  function connect() {
    if (closed) return;
    const p = new SerialPort({ path: options.path, baudRate, autoOpen: false });
    port = p;
    p.on('data', onData);
    p.on('error', logError);
    p.on('close', (err?: Error | null) => {
      if (port !== p || closed) return;
      lost(err ?? Object.assign(new Error('port closed'), { disconnected: true }));
    });
    opening = new Promise<void>((resolve) => {
      p.open((err) => {
        resolve();
        if (err) {
          p.removeAllListeners();
          if (port !== p || closed) return;
          logError(err);
          lost(err);
          return;
        }
        // close() waits for this callback and closes the port itself.
        if (closed) return;
        failures = 0;
        report('connected', `扫码枪${SCANNER_STATE_LABELS.connected}（${options.path}）`);
      });
    });
  }

  connect();

  return {
    get state() {
      return state;
    },
    async close() {
      closed = true;
      state = 'disconnected';
      if (retryTimer) clearTimeout(retryTimer);
      if (idleTimer) clearTimeout(idleTimer);
      retryTimer = idleTimer = null;
      await opening;
      const p = port;
      port = null;
      if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
      p?.removeAllListeners();
    },
  };
}
