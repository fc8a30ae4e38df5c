/**
 * A virtual SAM_V ID-card reader on a serial path — normally one end of a socat pseudo-terminal
 * pair — for tests, demos and training mode.
 *
 * Written from the shared notes (devices/card-readers.md §B.3) only: it does not import the driver's
 * frame or text-block code, so a driver that merely agrees with itself is caught here.
 */
import { SerialPort } from 'serialport';
import type { Logger } from '../../core/logger';
import { maskIdNumber, maskName } from '../../shared/mask';
import { z } from '../../shared/z';

const PREAMBLE = Buffer.from([0xaa, 0xaa, 0xaa, 0x96, 0x69]);

const compactDate = z.string().regex(/^\d{8}$/, '日期应为 yyyyMMdd');
const fits = (max: number, label: string) =>
  z
    .string()
    .min(1, `${label}不能为空`)
    .refine((s) => s.length <= max, `${label}最多 ${max} 个字符`);

/** The person on the virtual card. Widths are the card's; values are written as given (no validation of the ID). */
export const simPersonSchema = z.object({
  name: fits(15, '姓名'),
  sex: z.enum(['男', '女']),
  /** GB/T 3304 two-digit code, '01' = 汉 */
  nationCode: z.string().regex(/^\d{2}$/, '民族代码应为两位数字'),
  birth: compactDate,
  address: fits(35, '住址'),
  idNumber: z.string().length(18, '身份证号码应为 18 位'),
  authority: fits(15, '签发机关'),
  validFrom: compactDate,
  validUntil: z.union([compactDate, z.literal('长期')]),
});
export type SimPerson = z.infer<typeof simPersonSchema>;

/** A deterministic sample card (the check digit is right; the person is invented). */
export const SAMPLE_PERSON: SimPerson = {
  name: '张三',
  sex: '男',
  nationCode: '01',
  birth: '19900307',
  address: '北京市东城区东华门街道测试胡同1号',
  idNumber: '110101199003074477',
  authority: '北京市公安局东城分局',
  validFrom: '20150101',
  validUntil: '20350101',
};

/**
 * - garbage: answer with noise instead of a frame
 * - garbage-before: noise, then the correct frame
 * - partial: only the first half of the frame
 * - silent: no answer
 * - bad-checksum: the correct frame with its last byte altered
 */
export type SimFault = 'none' | 'garbage' | 'garbage-before' | 'partial' | 'silent' | 'bad-checksum';
export type SimCommand = 'reset' | 'status' | 'samId' | 'find' | 'select' | 'read' | 'unknown';

export interface SimFaultOptions {
  /** which command the fault applies to (default: all) */
  on?: SimCommand | 'any';
  /** how many replies it affects before clearing itself (default: until changed) */
  times?: number;
}

export interface IdCardReaderSimOptions {
  logger?: Logger;
  /** write replies in pieces of this many bytes, so the driver's reassembly is exercised */
  chunkSize?: number;
}

/** Noise that contains pieces of the preamble but never all of it, and ends like one (AA). */
const NOISE_BEFORE = Buffer.from([0x55, 0xaa, 0xaa, 0x00, 0x96, 0x69, 0x13, 0x37, 0xff, 0xaa]);
/** Noise a reader at the wrong baud rate might produce. */
const NOISE_ONLY = Buffer.from([0x00, 0xf0, 0x3c, 0x78, 0x0f, 0xe1, 0x87, 0x1e, 0x55, 0x13]);

const COMMAND_NAMES: Record<string, SimCommand> = {
  '10ff': 'reset',
  '01ff': 'reset', // BearPi's reset byte; the notes cannot tell which is right, so both answer
  '11ff': 'status',
  '12ff': 'samId',
  '2001': 'find',
  '2002': 'select',
  '3001': 'read',
};

function xor(bytes: Buffer): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

function replyFrame(sw3: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const len = 3 + data.length + 1;
  const lenAndBody = Buffer.concat([Buffer.from([len >> 8, len & 0xff, 0x00, 0x00, sw3]), data]);
  return Buffer.concat([PREAMBLE, lenAndBody, Buffer.from([xor(lenAndBody)])]);
}

function ucs2Field(value: string, chars: number): Buffer {
  const out = Buffer.alloc(chars * 2);
  out.write(value.padEnd(chars, ' '), 'utf16le');
  return out;
}

/** The 256-byte text block, laid out as in the notes' table; chars 110–127 reserved (spaces). */
export function buildTextBlock(p: SimPerson): Buffer {
  const block = Buffer.concat([
    ucs2Field(p.name, 15),
    ucs2Field(p.sex === '男' ? '1' : '2', 1),
    ucs2Field(p.nationCode, 2),
    ucs2Field(p.birth, 8),
    ucs2Field(p.address, 35),
    ucs2Field(p.idNumber, 18),
    ucs2Field(p.authority, 15),
    ucs2Field(p.validFrom, 8),
    ucs2Field(p.validUntil, 8),
    ucs2Field('', 18),
  ]);
  if (block.length !== 256) throw new Error(`text block is ${block.length} bytes`);
  return block;
}

function photoBytes(): Buffer {
  // Not a real wlt image (that needs the vendor encoder); just 1024 recognisable bytes.
  const photo = Buffer.alloc(1024);
  for (let i = 0; i < photo.length; i++) photo[i] = (i * 7 + 3) & 0xff;
  return photo;
}

export class IdCardReaderSim {
  private port: SerialPort | null = null;
  private inbox = Buffer.alloc(0);
  private person: SimPerson | null = SAMPLE_PERSON;
  private fault: SimFault = 'none';
  private faultOn: SimCommand | 'any' = 'any';
  private faultTimes = Infinity;
  private waiters: Array<{ command: SimCommand; count: number; resolve: () => void }> = [];
  private readonly log: Logger | undefined;
  private readonly chunkSize: number;
  /** every command received, in order */
  readonly received: SimCommand[] = [];

  constructor(options: IdCardReaderSimOptions = {}) {
    this.log = options.logger?.child({ device: 'id-card-reader-sim' });
    this.chunkSize = options.chunkSize ?? 64;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  start(path: string, baudRate = 115_200): Promise<void> {
    if (this.port) return Promise.reject(new Error('simulator already started'));
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    // The other end going away (socat killed) is normal in tests; it must not crash the process.
    port.on('error', (err: Error) => this.log?.warn('id card reader sim: port error', { error: err.message }));
    port.on('close', () => {
      if (this.port === port) this.port = null;
    });
    return new Promise((resolve, reject) =>
      port.open((err) => {
        if (err) {
          this.port = null;
          reject(err);
        } else resolve();
      }),
    );
  }

  /** null = no card on the reader */
  setCard(person: SimPerson | null): void {
    this.person = person === null ? null : simPersonSchema.parse(person);
    this.log?.info(
      'id card reader sim: card',
      person ? { name: maskName(person.name), certno: maskIdNumber(person.idNumber) } : { card: null },
    );
  }

  setFault(fault: SimFault, options: SimFaultOptions = {}): void {
    this.fault = fault;
    this.faultOn = options.on ?? 'any';
    this.faultTimes = options.times ?? Infinity;
  }

  /** Resolves once `count` commands of this kind have been received in total (counting earlier ones). */
  waitForCommand(command: SimCommand, count = 1): Promise<void> {
    if (this.countOf(command) >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ command, count, resolve }));
  }

  countOf(command: SimCommand): number {
    return this.received.filter((c) => c === command).length;
  }

  close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }

  private receive(chunk: Buffer): void {
    this.inbox = Buffer.concat([this.inbox, chunk]);
    for (;;) {
      const start = this.inbox.indexOf(PREAMBLE);
      if (start < 0) {
        this.inbox = this.inbox.subarray(Math.max(0, this.inbox.length - (PREAMBLE.length - 1)));
        return;
      }
      this.inbox = this.inbox.subarray(start);
      if (this.inbox.length < 7) return;
      const len = this.inbox.readUInt16BE(5);
      if (len < 3 || len > 1024) {
        this.inbox = this.inbox.subarray(1);
        this.send('unknown', replyFrame(0x11));
        continue;
      }
      if (this.inbox.length < 7 + len) return;
      const frame = this.inbox.subarray(0, 7 + len);
      this.inbox = this.inbox.subarray(7 + len);
      if (xor(frame.subarray(5, frame.length - 1)) !== frame[frame.length - 1]) {
        this.send('unknown', replyFrame(0x10));
        continue;
      }
      this.handle(frame.subarray(7, frame.length - 1));
    }
  }

  private handle(body: Buffer): void {
    const command = COMMAND_NAMES[body.subarray(0, 2).toString('hex')] ?? 'unknown';
    this.received.push(command);
    const p = this.person;
    let reply: Buffer;
    switch (command) {
      case 'reset':
      case 'status':
        reply = replyFrame(0x90);
        break;
      case 'samId':
        reply = replyFrame(0x90, Buffer.from('05000000000000000000000000000001', 'hex'));
        break;
      case 'find':
        reply = p ? replyFrame(0x9f, Buffer.alloc(4)) : replyFrame(0x80);
        break;
      case 'select':
        reply = p ? replyFrame(0x90, Buffer.alloc(8)) : replyFrame(0x81);
        break;
      case 'read':
        reply = p
          ? replyFrame(0x90, Buffer.concat([Buffer.from([0x01, 0x00, 0x04, 0x00]), buildTextBlock(p), photoBytes()]))
          : replyFrame(0x41);
        break;
      default:
        reply = replyFrame(0x21);
    }
    this.send(command, reply);
    // Waiters run after the reply is queued, so a test that reacts to a command sees its effect.
    this.waiters = this.waiters.filter((w) => {
      if (this.countOf(w.command) < w.count) return true;
      w.resolve();
      return false;
    });
  }

  private send(command: SimCommand, reply: Buffer): void {
    const port = this.port;
    if (!port?.isOpen) return;
    let out: Buffer | null = reply;
    if (this.fault !== 'none' && (this.faultOn === 'any' || this.faultOn === command) && this.faultTimes > 0) {
      out = this.applyFault(reply);
      if (--this.faultTimes <= 0) this.fault = 'none';
    }
    if (!out) return;
    for (let i = 0; i < out.length; i += this.chunkSize) {
      port.write(out.subarray(i, i + this.chunkSize), (err) => {
        if (err) this.log?.warn('id card reader sim: write failed', { error: err.message });
      });
    }
  }

  private applyFault(reply: Buffer): Buffer | null {
    switch (this.fault) {
      case 'garbage':
        return NOISE_ONLY;
      case 'garbage-before':
        return Buffer.concat([NOISE_BEFORE, reply]);
      case 'partial':
        return reply.subarray(0, Math.max(8, Math.floor(reply.length / 2)));
      case 'silent':
        return null;
      case 'bad-checksum': {
        const bad = Buffer.from(reply);
        bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x5a;
        return bad;
      }
      default:
        return reply;
    }
  }
}

/** Convenience for training mode and tests: a simulator already listening on `path`. */
export async function startIdCardReaderSim(
  path: string,
  options: IdCardReaderSimOptions & { baudRate?: number; person?: SimPerson | null } = {},
): Promise<IdCardReaderSim> {
  const sim = new IdCardReaderSim(options);
  if (options.person !== undefined) sim.setCard(options.person);
  await sim.start(path, options.baudRate);
  return sim;
}
