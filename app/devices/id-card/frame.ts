/**
 * SAM_V serial frames (GA 467), shared notes devices/card-readers.md §B.3. Pure: no port, no clock,
 * so the same code decodes bytes from a real reader, a pseudo-terminal and a unit test.
 *
 *   AA AA AA 96 69 | LEN (2, big-endian) | body | XOR
 *   LEN counts the body and the checksum; XOR covers LEN and body.
 *   body host→reader: CMD PARA [data]; reader→host: SW1 SW2 SW3 [data].
 */
import { z } from '../../shared/z';

export const PREAMBLE: readonly number[] = [0xaa, 0xaa, 0xaa, 0x96, 0x69];
const LENGTH_OFFSET = PREAMBLE.length;
const BODY_OFFSET = LENGTH_OFFSET + 2;

/** Smallest frame: CMD PARA + checksum (a reply needs one byte more; decodeReply checks that). */
export const MIN_LENGTH_FIELD = 3;
/**
 * Choice (the notes give no maximum): the largest known reply, 30 10 with two fingerprint
 * templates, has LEN ≈ 0x090A; 4096 leaves room for vendor extensions while a length field
 * read out of line noise cannot make us wait for tens of kilobytes.
 */
export const MAX_LENGTH_FIELD = 4096;

export interface Command {
  cmd: number;
  para: number;
}

/** Commands from the notes' table. Reset is omitted on purpose: its byte is disputed (10 FF vs 01 FF). */
export const COMMANDS = {
  samStatus: { cmd: 0x11, para: 0xff },
  samId: { cmd: 0x12, para: 0xff },
  findCard: { cmd: 0x20, para: 0x01 },
  selectCard: { cmd: 0x20, para: 0x02 },
  readText: { cmd: 0x30, para: 0x01 },
} as const satisfies Record<string, Command>;

/** SW3 values (libsamv.h / HslCommunication, the three older sources agree on 0x9F = find OK). */
export const SW3 = {
  ok: 0x90,
  findOk: 0x9f,
  noContent: 0x91,
  checksumError: 0x10,
  lengthError: 0x11,
  commandError: 0x21,
  unauthorisedOperation: 0x23,
  unknownError: 0x24,
  authFailed1: 0x31,
  authFailed2: 0x32,
  verifyFailed: 0x33,
  unknownCardType: 0x40,
  readFailed: 0x41,
  randomFailed: 0x47,
  samSelfTestFailed: 0x60,
  samNotAuthorised: 0x66,
  findFailed: 0x80,
  selectFailed: 0x81,
  commFault: 0xff,
} as const;

/** What each SW3 means in the protocol (for logs and the engineer), not what the cashier is told. */
export const SW3_MEANINGS: Readonly<Record<number, string>> = {
  0x90: '操作成功',
  0x9f: '寻找证/卡成功',
  0x91: '证/卡中此项无内容',
  0x10: '接收数据校验和错',
  0x11: '接收数据长度错',
  0x21: '接收命令错',
  0x23: '越权操作',
  0x24: '无法识别的错误',
  0x31: '证/卡认证SAM失败',
  0x32: 'SAM认证证/卡失败',
  0x33: '信息验证错误',
  0x40: '无法识别的证/卡类型',
  0x41: '读证/卡操作失败',
  0x47: '取随机数失败',
  0x60: 'SAM自检失败',
  0x66: 'SAM未经授权',
  0x80: '寻找证/卡失败',
  0x81: '选取证/卡失败',
  0xff: '通信故障',
};

export function describeSw3(sw3: number): string {
  return SW3_MEANINGS[sw3] ?? `未知状态 0x${hex(sw3)}`;
}

export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i]!;
  return x;
}

function frame(body: readonly number[] | Uint8Array): Uint8Array {
  const lengthField = body.length + 1;
  if (lengthField > 0xffff) throw new RangeError('frame body too long');
  const out = new Uint8Array(BODY_OFFSET + lengthField);
  out.set(PREAMBLE, 0);
  out[LENGTH_OFFSET] = lengthField >> 8;
  out[LENGTH_OFFSET + 1] = lengthField & 0xff;
  out.set(body, BODY_OFFSET);
  out[out.length - 1] = xorChecksum(out, LENGTH_OFFSET, out.length - 1);
  return out;
}

/** Host → reader frame, e.g. encodeCommand(COMMANDS.findCard) = AA AA AA 96 69 00 03 20 01 22. */
export function encodeCommand(command: Command, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return frame([command.cmd & 0xff, command.para & 0xff, ...data]);
}

/** Reader → host frame; the driver never sends one, tests and simulators do. */
export function encodeReply(sw3: number, data: Uint8Array = new Uint8Array(0), sw1 = 0, sw2 = 0): Uint8Array {
  const body = new Uint8Array(3 + data.length);
  body.set([sw1 & 0xff, sw2 & 0xff, sw3 & 0xff], 0);
  body.set(data, 3);
  return frame(body);
}

// ─── errors ─────────────────────────────────────────────────────────────────────────────────────

export type FrameError =
  | { kind: 'bad_length'; length: number; message: string }
  | { kind: 'bad_checksum'; expected: number; actual: number; message: string }
  | { kind: 'bad_status_bytes'; sw1: number; sw2: number; message: string }
  | { kind: 'bad_payload'; message: string };

export type Result<T> = { ok: true; value: T } | { ok: false; error: FrameError };

// ─── stream decoder ─────────────────────────────────────────────────────────────────────────────

export type FrameEvent =
  /** body = the bytes between the length field and the checksum */
  | { type: 'frame'; body: Uint8Array }
  /** bytes dropped while looking for a preamble */
  | { type: 'garbage'; count: number }
  | { type: 'error'; error: FrameError };

/**
 * Reassembles frames from a byte stream that arrives in arbitrary pieces. Bytes before a preamble
 * are reported as garbage. A bad length or checksum drops only the first preamble byte and scans
 * on, so a real frame that a corrupted length field seemed to swallow is still found.
 */
export class FrameDecoder {
  private buf = new Uint8Array(0);

  get pendingBytes(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf, 0);
    joined.set(chunk, this.buf.length);
    this.buf = joined;

    const events: FrameEvent[] = [];
    for (;;) {
      const start = findPreamble(this.buf);
      if (start < 0) {
        // Keep a tail that may be the start of a preamble split across chunks.
        const keep = partialPreambleTail(this.buf);
        this.drop(this.buf.length - keep, events);
        return events;
      }
      this.drop(start, events);
      if (this.buf.length < BODY_OFFSET) return events;

      const lengthField = (this.buf[LENGTH_OFFSET]! << 8) | this.buf[LENGTH_OFFSET + 1]!;
      if (lengthField < MIN_LENGTH_FIELD || lengthField > MAX_LENGTH_FIELD) {
        events.push({
          type: 'error',
          error: { kind: 'bad_length', length: lengthField, message: `帧长度字段无效（${lengthField}）` },
        });
        this.drop(1, events, false);
        continue;
      }
      const total = BODY_OFFSET + lengthField;
      if (this.buf.length < total) return events;

      const expected = xorChecksum(this.buf, LENGTH_OFFSET, total - 1);
      const actual = this.buf[total - 1]!;
      if (expected !== actual) {
        events.push({
          type: 'error',
          error: {
            kind: 'bad_checksum',
            expected,
            actual,
            message: `帧校验和错误（应为 0x${hex(expected)}，收到 0x${hex(actual)}）`,
          },
        });
        this.drop(1, events, false);
        continue;
      }
      events.push({ type: 'frame', body: this.buf.slice(BODY_OFFSET, total - 1) });
      this.buf = this.buf.slice(total);
    }
  }

  private drop(n: number, events: FrameEvent[], report = true): void {
    if (n <= 0) return;
    this.buf = this.buf.slice(n);
    if (!report) return;
    const last = events[events.length - 1];
    if (last?.type === 'garbage') last.count += n;
    else events.push({ type: 'garbage', count: n });
  }
}

function findPreamble(buf: Uint8Array): number {
  outer: for (let i = 0; i + PREAMBLE.length <= buf.length; i++) {
    for (let j = 0; j < PREAMBLE.length; j++) if (buf[i + j] !== PREAMBLE[j]) continue outer;
    return i;
  }
  return -1;
}

function partialPreambleTail(buf: Uint8Array): number {
  for (let keep = Math.min(PREAMBLE.length - 1, buf.length); keep > 0; keep--) {
    let match = true;
    for (let j = 0; j < keep; j++) if (buf[buf.length - keep + j] !== PREAMBLE[j]) match = false;
    if (match) return keep;
  }
  return 0;
}

// ─── replies ────────────────────────────────────────────────────────────────────────────────────

export interface Reply {
  sw1: number;
  sw2: number;
  sw3: number;
  data: Uint8Array;
}

const byteArray = z.instanceof(Uint8Array);
const replySchema = z.object({
  sw1: z.literal(0, { error: 'SW1 应为 00' }),
  sw2: z.literal(0, { error: 'SW2 应为 00' }),
  sw3: z.number().int().min(0).max(255),
  data: byteArray,
});

/** Splits a reply body into status bytes and data; SW1 SW2 other than 00 00 mean a foreign or broken device. */
export function decodeReply(body: Uint8Array): Result<Reply> {
  if (body.length < 3) {
    return { ok: false, error: { kind: 'bad_payload', message: `应答过短（${body.length} 字节）` } };
  }
  const candidate = { sw1: body[0]!, sw2: body[1]!, sw3: body[2]!, data: body.slice(3) };
  const parsed = replySchema.safeParse(candidate);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        kind: 'bad_status_bytes',
        sw1: candidate.sw1,
        sw2: candidate.sw2,
        message: `应答状态字节无效（SW1=0x${hex(candidate.sw1)} SW2=0x${hex(candidate.sw2)}）`,
      },
    };
  }
  return { ok: true, value: candidate };
}

/** Data lengths of the success replies, from the notes' sample frames. */
const findDataSchema = byteArray.refine((d) => d.length === 4, '寻卡应答数据应为 4 字节');
const selectDataSchema = byteArray.refine((d) => d.length === 8, '选卡应答数据应为 8 字节');

/**
 * 30 01 reply data: text length (2, BE) + photo length (2, BE) + text + photo. The text must be the
 * 256-byte block; the photo length is taken from the field (1024 on every sample) but must fit.
 */
const readTextHeaderSchema = z
  .object({
    textLength: z.literal(256, { error: '文字信息长度应为 256 字节' }),
    photoLength: z.number().int().min(0).max(2048),
    dataLength: z.number().int(),
  })
  .refine((h) => h.dataLength === 4 + h.textLength + h.photoLength, '读卡应答长度与文字、照片长度不符');

function payloadError<T>(error: z.ZodError): Result<T> {
  return { ok: false, error: { kind: 'bad_payload', message: error.issues.map((i) => i.message).join('；') } };
}

export function checkFindData(data: Uint8Array): Result<Uint8Array> {
  const r = findDataSchema.safeParse(data);
  return r.success ? { ok: true, value: data } : payloadError(r.error);
}

export function checkSelectData(data: Uint8Array): Result<Uint8Array> {
  const r = selectDataSchema.safeParse(data);
  return r.success ? { ok: true, value: data } : payloadError(r.error);
}

export interface ReadTextData {
  /** 256 bytes, UCS-2LE (see text-block.ts) */
  text: Uint8Array;
  /** "wlt" photo data; turning it into an image needs the vendor decoder */
  photo: Uint8Array;
}

export function parseReadTextData(data: Uint8Array): Result<ReadTextData> {
  if (data.length < 4) return { ok: false, error: { kind: 'bad_payload', message: '读卡应答过短' } };
  const header = {
    textLength: (data[0]! << 8) | data[1]!,
    photoLength: (data[2]! << 8) | data[3]!,
    dataLength: data.length,
  };
  const r = readTextHeaderSchema.safeParse(header);
  if (!r.success) return payloadError(r.error);
  const textEnd = 4 + header.textLength;
  return {
    ok: true,
    value: { text: data.slice(4, textEnd), photo: data.slice(textEnd, textEnd + header.photoLength) },
  };
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
