/**
 * Second-generation ID-card reader (SAM_V, GA 467) on a serial port: find → select → read.
 * The port is opened lazily and re-opened after the reader was unplugged; calls run one at a time.
 */
import { SerialPort } from 'serialport';
import type { Logger } from '../../core/logger';
import { AppError, type ErrorCode } from '../../shared/errors';
import { beijingDate } from '../../shared/id-number';
import { maskIdNumber, maskName } from '../../shared/mask';
import { z } from '../../shared/z';
import { zodProblems, describeProblems } from '../../shared/zod-problems';
import {
  COMMANDS,
  FrameDecoder,
  PREAMBLE,
  SW3,
  checkFindData,
  checkSelectData,
  decodeReply,
  describeSw3,
  encodeCommand,
  parseReadTextData,
  type Command,
  type FrameError,
  type Reply,
} from './frame';
import { parseTextBlock, type IdCardText } from './text-block';

// ─── the port, behind a small interface so unit tests can use a fake ───────────────────────────

export interface SerialLink {
  write(bytes: Uint8Array): Promise<void>;
  /** Each returns its own unsubscribe. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Fired once when the port closes, by us or because the device went away. */
  onClose(listener: (error: Error | null) => void): () => void;
  onError(listener: (error: Error) => void): () => void;
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** listeners currently subscribed through this link — a leak check for tests */
  listenerCount(): number;
}

export type SerialOpener = (path: string, baudRate: number) => Promise<SerialLink>;

/** The real opener: 8N1 as the notes assume; never calls SerialPort.list() (it needs udevadm). */
export const openSerialLink: SerialOpener = (path, baudRate) =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, dataBits: 8, stopBits: 1, parity: 'none', autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(wrapPort(port))));
  });

function wrapPort(port: SerialPort): SerialLink {
  const data = new Set<(chunk: Uint8Array) => void>();
  const closes = new Set<(error: Error | null) => void>();
  const errors = new Set<(error: Error) => void>();
  let closed = false;
  const each = <A>(set: Set<(a: A) => void>, arg: A) => {
    for (const l of [...set]) {
      try {
        l(arg);
      } catch {
        /* a listener's bug must not become an uncaught exception inside the port's emitter */
      }
    }
  };
  port.on('data', (chunk: Buffer) => each(data, chunk));
  // Always listening for 'error': an EventEmitter without one turns an unplugged device into a crash.
  port.on('error', (err: Error) => each(errors, err));
  port.on('close', (err: Error | null | undefined) => {
    // serialport may emit 'close' twice on a disconnect (stream end, then the disconnect error).
    if (closed) return;
    closed = true;
    each(closes, err ?? null);
    data.clear();
    closes.clear();
    errors.clear();
  });
  const subscribe =
    <L>(set: Set<L>) =>
    (listener: L) => {
      set.add(listener);
      return () => void set.delete(listener);
    };
  return {
    get isOpen() {
      return !closed && port.isOpen;
    },
    write: (bytes) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
      }),
    onData: subscribe(data),
    onClose: subscribe(closes),
    onError: subscribe(errors),
    close: () =>
      new Promise((resolve) => {
        if (closed || !port.isOpen) return resolve();
        port.close(() => resolve());
      }),
    listenerCount: () => data.size + closes.size + errors.size,
  };
}

// ─── options ────────────────────────────────────────────────────────────────────────────────────

const ms = (label: string) => z.number().int().min(50, `${label}过短`).max(60_000, `${label}过长`);

export const readerOptionsSchema = z.object({
  path: z.string().trim().min(1, '请设置身份证阅读器串口'),
  /** 115200 8N1 is the notes' inferred default; readers can be configured otherwise. */
  baudRate: z.number().int().positive('波特率无效').default(115_200),
  timeouts: z
    .object({
      findMs: ms('寻卡超时').default(2_000),
      selectMs: ms('选卡超时').default(2_000),
      // 1295 bytes take ~0.1 s at 115200 baud, but the reader first reads the chip (~1 s on real hardware).
      readMs: ms('读卡超时').default(5_000),
      probeMs: ms('检测超时').default(2_000),
    })
    .prefault({}),
  /** find attempts before "请放置身份证": the cashier often presses the button while still placing the card */
  findAttempts: z.number().int().min(1).max(20).default(3),
  findRetryDelayMs: z.number().int().min(0).max(5_000).default(300),
});

export type IdCardReaderSettings = z.input<typeof readerOptionsSchema>;

export interface IdCardReaderOptions extends IdCardReaderSettings {
  logger: Logger;
  openPort?: SerialOpener;
  /** today in Beijing as YYYY-MM-DD; bounds the birth date on the card */
  today?: () => string;
}

// ─── results and errors ─────────────────────────────────────────────────────────────────────────

export interface IdCard extends IdCardText {
  /** the 1024-byte "wlt" photo; decoding it needs the vendor library */
  photoWlt: Uint8Array;
}

export type IdCardFailure =
  | 'no_card'
  | 'read_failed'
  | 'invalid_card'
  | 'timeout'
  | 'incomplete_reply'
  | 'bad_reply'
  | 'device_fault'
  | 'disconnected'
  | 'open_failed'
  | 'closed'
  | 'settings_invalid';

/**
 * Choice: errors.ts has no device code and is not this module's to change, so device trouble is
 * INTERNAL for now; code should branch on `reason`. A DEVICE_* code is proposed to the integrator.
 */
const CODES: Record<IdCardFailure, ErrorCode> = {
  no_card: 'NOT_FOUND',
  read_failed: 'INTERNAL',
  invalid_card: 'INVALID_INPUT',
  timeout: 'INTERNAL',
  incomplete_reply: 'INTERNAL',
  bad_reply: 'INTERNAL',
  device_fault: 'INTERNAL',
  disconnected: 'INTERNAL',
  open_failed: 'INTERNAL',
  closed: 'INTERNAL',
  settings_invalid: 'SETTINGS_INVALID',
};

export class IdCardError extends AppError {
  readonly reason: IdCardFailure;
  constructor(reason: IdCardFailure, message: string, logDetail?: Record<string, unknown>, cause?: unknown) {
    super(CODES[reason], message, { logDetail, cause });
    this.name = 'IdCardError';
    this.reason = reason;
  }
}

export const MESSAGES = {
  noCard: '请放置身份证（如已放置，请拿起后重新放置）',
  readFailed: '读卡失败，请重新放置身份证',
  authFailed: '身份证认证失败，请重新放置；如仍失败，此证可能已损坏',
  unknownCardType: '无法识别的证件，请放置第二代居民身份证',
  timeout: '读卡器无应答，请检查读卡器连接和串口设置',
  incomplete: '读卡器应答不完整，请重新放置身份证',
  badReply: '读卡器应答数据错误，请重新放置身份证；如反复出现，请检查读卡器连接',
  unrecognised: '读卡器应答无法识别，请检查波特率设置',
  commError: '读卡器通信错误，请重试',
  samFault: '读卡器安全模块故障，请联系实施工程师',
  commandRefused: '读卡器不支持该指令，请联系实施工程师',
  disconnected: '读卡器已断开，请检查读卡器连接后重试',
  closed: '读卡器已关闭',
  probeOk: '读卡器连接正常',
} as const;

type Step = 'find' | 'select' | 'read' | 'probe';

/** SW3 → what the cashier is told; the protocol meaning goes to the log. */
function statusFailure(sw3: number, step: Step): IdCardError {
  const detail = { step, sw3: `0x${sw3.toString(16).toUpperCase().padStart(2, '0')}`, meaning: describeSw3(sw3) };
  switch (sw3) {
    case SW3.findFailed:
      return new IdCardError('no_card', MESSAGES.noCard, detail);
    case SW3.selectFailed:
    case SW3.readFailed:
    case SW3.randomFailed:
    case SW3.noContent:
      return new IdCardError('read_failed', MESSAGES.readFailed, detail);
    case SW3.authFailed1:
    case SW3.authFailed2:
    case SW3.verifyFailed:
      return new IdCardError('read_failed', MESSAGES.authFailed, detail);
    case SW3.unknownCardType:
      return new IdCardError('read_failed', MESSAGES.unknownCardType, detail);
    case SW3.checksumError:
    case SW3.lengthError:
    case SW3.commFault:
      return new IdCardError('device_fault', MESSAGES.commError, detail);
    case SW3.samSelfTestFailed:
    case SW3.samNotAuthorised:
      return new IdCardError('device_fault', MESSAGES.samFault, detail);
    case SW3.commandError:
    case SW3.unauthorisedOperation:
      return new IdCardError('device_fault', MESSAGES.commandRefused, detail);
    default:
      return new IdCardError('device_fault', `读卡器返回异常状态（${detail.sw3}），请重试`, detail);
  }
}

function frameFailure(error: FrameError, step: Step): IdCardError {
  return new IdCardError('bad_reply', MESSAGES.badReply, { step, frameError: error.kind, detail: error.message });
}

export type ProbeResult = { ok: true; message: string } | { ok: false; reason: IdCardFailure; message: string };

export interface IdCardReader {
  readCard(): Promise<IdCard>;
  probe(): Promise<ProbeResult>;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

// ─── the driver ─────────────────────────────────────────────────────────────────────────────────

export function createIdCardReader(options: IdCardReaderOptions): IdCardReader {
  const parsed = readerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error);
    throw new IdCardError('settings_invalid', `身份证阅读器设置无效：${describeProblems(problems)}`);
  }
  const settings = parsed.data;
  const open = options.openPort ?? openSerialLink;
  const today = options.today ?? (() => beijingDate(new Date()));
  const log = options.logger.child({ device: 'id-card-reader', path: settings.path });
  const decoder = new FrameDecoder();

  let link: SerialLink | null = null;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  const closedError = () => new IdCardError('closed', MESSAGES.closed);

  function serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(() => (closed ? Promise.reject(closedError()) : work()));
    queue = run.catch(() => undefined);
    return run;
  }

  async function ensureOpen(): Promise<SerialLink> {
    if (link?.isOpen) return link;
    link = null;
    let opened: SerialLink;
    try {
      opened = await open(settings.path, settings.baudRate);
    } catch (e) {
      throw new IdCardError(
        'open_failed',
        `无法打开身份证阅读器串口 ${settings.path}，请检查读卡器是否连接、串口设置是否正确`,
        { error: (e as Error).message },
        e,
      );
    }
    if (closed) {
      await opened.close();
      throw closedError();
    }
    const dropOnClose = opened.onClose(() => {
      dropOnClose();
      if (link === opened) link = null;
    });
    link = opened;
    log.info('id card reader port opened', { baudRate: settings.baudRate });
    return opened;
  }

  /** One command, one reply frame; whatever happens, every listener and the timer are gone afterwards. */
  async function transact(command: Command, timeoutMs: number, step: Step): Promise<Reply> {
    const port = await ensureOpen();
    decoder.reset(); // bytes left over from an earlier timed-out reply belong to no one
    return new Promise<Reply>((resolve, reject) => {
      let settled = false;
      let garbage = 0;
      const unsubscribes: Array<() => void> = [];
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        for (const u of unsubscribes) u();
        fn();
      };
      const fail = (e: IdCardError) => settle(() => reject(e));

      unsubscribes.push(
        port.onData((chunk) => {
          for (const event of decoder.push(chunk)) {
            if (settled) return;
            if (event.type === 'garbage') {
              garbage += event.count;
              log.debug('id card reader: skipped bytes before a frame', { step, count: event.count });
            } else if (event.type === 'error') {
              fail(frameFailure(event.error, step));
            } else {
              const reply = decodeReply(event.body);
              if (reply.ok) settle(() => resolve(reply.value));
              else fail(frameFailure(reply.error, step));
            }
          }
        }),
        port.onClose((err) =>
          fail(
            closed
              ? closedError()
              : new IdCardError('disconnected', MESSAGES.disconnected, { step, error: err?.message ?? null }),
          ),
        ),
        port.onError((err) =>
          fail(new IdCardError('disconnected', MESSAGES.disconnected, { step, error: err.message })),
        ),
      );
      const timer = setTimeout(() => {
        const pending = decoder.pendingBytes;
        const detail = { step, timeoutMs, pendingBytes: pending, skippedBytes: garbage };
        // Only noise and no frame usually means the baud rate is wrong, not that the reader is gone.
        // A tail shorter than the preamble may be noise that happens to end like one.
        fail(
          pending >= PREAMBLE.length
            ? new IdCardError('incomplete_reply', MESSAGES.incomplete, detail)
            : garbage > 0
              ? new IdCardError('bad_reply', MESSAGES.unrecognised, detail)
              : new IdCardError('timeout', MESSAGES.timeout, detail),
        );
      }, timeoutMs);
      port
        .write(encodeCommand(command))
        .catch((err: Error) =>
          fail(new IdCardError('disconnected', MESSAGES.disconnected, { step, error: err.message })),
        );
    });
  }

  const delay = (waitMs: number) => new Promise<void>((r) => setTimeout(r, waitMs));

  async function findCard(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const reply = await transact(COMMANDS.findCard, settings.timeouts.findMs, 'find');
      if (reply.sw3 === SW3.findOk) {
        const data = checkFindData(reply.data);
        if (!data.ok) throw frameFailure(data.error, 'find');
        return;
      }
      if (reply.sw3 !== SW3.findFailed || attempt >= settings.findAttempts) throw statusFailure(reply.sw3, 'find');
      await delay(settings.findRetryDelayMs);
      if (closed) throw closedError();
    }
  }

  async function selectCard(): Promise<void> {
    const reply = await transact(COMMANDS.selectCard, settings.timeouts.selectMs, 'select');
    if (reply.sw3 !== SW3.ok) throw statusFailure(reply.sw3, 'select');
    const data = checkSelectData(reply.data);
    if (!data.ok) throw frameFailure(data.error, 'select');
  }

  async function readText(): Promise<IdCard> {
    const reply = await transact(COMMANDS.readText, settings.timeouts.readMs, 'read');
    if (reply.sw3 !== SW3.ok) throw statusFailure(reply.sw3, 'read');
    const data = parseReadTextData(reply.data);
    if (!data.ok) throw frameFailure(data.error, 'read');
    const text = parseTextBlock(data.value.text, today());
    if (!text.ok) {
      // Field values stay out of the log: only which field was wrong.
      throw new IdCardError('invalid_card', `${text.reason}，请重新放置身份证`, { field: text.field });
    }
    return { ...text.value, photoWlt: data.value.photo };
  }

  async function logged<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (e instanceof IdCardError) {
        log.warn(`${what} failed`, { reason: e.reason, message: e.message, ...(e.logDetail ?? {}) });
      } else {
        log.error(`${what} crashed`, { error: e });
      }
      throw e;
    }
  }

  return {
    get isOpen() {
      return link?.isOpen ?? false;
    },

    readCard: () =>
      serialise(() =>
        logged('id card read', async () => {
          await findCard();
          await selectCard();
          const card = await readText();
          log.info('id card read', { name: maskName(card.name), certno: maskIdNumber(card.idNumber) });
          return card;
        }),
      ),

    probe: () =>
      serialise(async (): Promise<ProbeResult> => {
        const reply = await logged('id card reader probe', () =>
          transact(COMMANDS.samStatus, settings.timeouts.probeMs, 'probe'),
        );
        if (reply.sw3 === SW3.ok) return { ok: true, message: MESSAGES.probeOk };
        const e = statusFailure(reply.sw3, 'probe');
        log.warn('id card reader probe: bad status', e.logDetail);
        return { ok: false, reason: e.reason, message: e.message };
      }).catch((e: unknown): ProbeResult => {
        if (e instanceof IdCardError) return { ok: false, reason: e.reason, message: e.message };
        throw e;
      }),

    async close() {
      if (closed) return;
      closed = true;
      const current = link;
      link = null;
      // Closing the port fails an in-flight step with "closed"; then wait for the queue to drain.
      if (current) await current.close();
      await queue;
      log.info('id card reader closed');
    },
  };
}

/** For the settings "测试" button: open the given port, ask the SAM for its status, close again. */
export async function probeIdCardReader(options: IdCardReaderOptions): Promise<ProbeResult> {
  let reader: IdCardReader;
  try {
    reader = createIdCardReader(options);
  } catch (e) {
    if (e instanceof IdCardError) return { ok: false, reason: e.reason, message: e.message };
    throw e;
  }
  try {
    return await reader.probe();
  } finally {
    await reader.close();
  }
}
