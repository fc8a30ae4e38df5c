import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import {
  COMMANDS,
  FrameDecoder,
  checkFindData,
  decodeReply,
  describeSw3,
  encodeCommand,
  encodeReply,
  parseReadTextData,
  xorChecksum,
  type FrameEvent,
} from '../../app/devices/id-card/frame';
import {
  IdCardError,
  MESSAGES,
  createIdCardReader,
  type SerialLink,
  type SerialOpener,
} from '../../app/devices/id-card/reader';
import { isCardExpired, parseTextBlock, splitTextBlock } from '../../app/devices/id-card/text-block';
import { SAMPLE_PERSON, buildTextBlock, type SimPerson } from '../../app/sandbox/devices/id-card-reader-sim';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

function frames(events: FrameEvent[]): string[] {
  return events.filter((e) => e.type === 'frame').map((e) => toHex(e.body));
}

describe('command frames (notes §B.3, XOR of LEN and body)', () => {
  it('encodes the commands byte for byte', () => {
    // find: 00 ^ 03 ^ 20 ^ 01 = 22
    expect(toHex(encodeCommand(COMMANDS.findCard))).toBe('AAAAAA96690003200122');
    // select: 00 ^ 03 ^ 20 ^ 02 = 21
    expect(toHex(encodeCommand(COMMANDS.selectCard))).toBe('AAAAAA96690003200221');
    // read text + photo: 00 ^ 03 ^ 30 ^ 01 = 32
    expect(toHex(encodeCommand(COMMANDS.readText))).toBe('AAAAAA96690003300132');
    // SAM status: 00 ^ 03 ^ 11 ^ FF = ED
    expect(toHex(encodeCommand(COMMANDS.samStatus))).toBe('AAAAAA9669000311FFED');
    expect(toHex(encodeCommand(COMMANDS.samId))).toBe('AAAAAA9669000312FFEE');
  });

  it('encodes replies as the notes show them', () => {
    expect(toHex(encodeReply(0x9f, new Uint8Array(4)))).toBe('AAAAAA9669000800009F0000000097');
    expect(toHex(encodeReply(0x80))).toBe('AAAAAA9669000400008084');
    expect(toHex(encodeReply(0x90, new Uint8Array(8)))).toBe('AAAAAA9669000C00009000000000000000009C');
    expect(toHex(encodeReply(0x81))).toBe('AAAAAA9669000400008185');
    expect(toHex(encodeReply(0x41))).toBe('AAAAAA9669000400004145');
    expect(toHex(encodeReply(0x90))).toBe('AAAAAA9669000400009094');
  });

  it('computes XOR over a range', () => {
    expect(xorChecksum(hex('0003 2001'))).toBe(0x22);
    expect(xorChecksum(hex('AAAAAA9669 0003 2001'), 5)).toBe(0x22);
  });
});

describe('FrameDecoder', () => {
  const findOk = hex('AAAAAA9669000800009F0000000097');

  it('decodes a whole frame', () => {
    const d = new FrameDecoder();
    expect(frames(d.push(findOk))).toEqual(['00009F00000000']);
    expect(d.pendingBytes).toBe(0);
  });

  it('reassembles a frame that arrives one byte at a time', () => {
    const d = new FrameDecoder();
    const events: FrameEvent[] = [];
    for (const b of findOk) events.push(...d.push(Uint8Array.of(b)));
    expect(frames(events)).toEqual(['00009F00000000']);
    expect(events.filter((e) => e.type !== 'frame')).toEqual([]);
  });

  it('reassembles at every split point, including inside the preamble and length', () => {
    for (let cut = 1; cut < findOk.length; cut++) {
      const d = new FrameDecoder();
      expect(d.push(findOk.slice(0, cut)).filter((e) => e.type === 'frame')).toEqual([]);
      expect(frames(d.push(findOk.slice(cut))), `cut at ${cut}`).toEqual(['00009F00000000']);
    }
  });

  it('reports garbage before a frame and still finds the frame', () => {
    const d = new FrameDecoder();
    const events = d.push(Uint8Array.from([0x13, 0x37, 0xaa, 0xaa, 0x96, 0x69, 0xaa, ...findOk]));
    // 13 37 AA AA 96 69 and the first of four AAs: 7 bytes
    expect(events[0]).toEqual({ type: 'garbage', count: 7 });
    expect(frames(events)).toEqual(['00009F00000000']);
  });

  it('keeps a possible preamble start across chunks instead of calling it garbage', () => {
    const d = new FrameDecoder();
    expect(d.push(Uint8Array.from([0x00, 0xaa, 0xaa]))).toEqual([{ type: 'garbage', count: 1 }]);
    expect(d.pendingBytes).toBe(2);
    expect(frames(d.push(findOk.slice(2)))).toEqual(['00009F00000000']);
  });

  it('decodes two frames in one chunk', () => {
    const d = new FrameDecoder();
    const two = Uint8Array.from([...hex('AAAAAA9669000400008084'), ...findOk]);
    expect(frames(d.push(two))).toEqual(['000080', '00009F00000000']);
  });

  it('reports a wrong checksum and resynchronises on the next frame', () => {
    const d = new FrameDecoder();
    const bad = hex('AAAAAA9669000400008085');
    const events = d.push(Uint8Array.from([...bad, ...findOk]));
    expect(events[0]).toMatchObject({ type: 'error', error: { kind: 'bad_checksum', expected: 0x84, actual: 0x85 } });
    expect(frames(events)).toEqual(['00009F00000000']);
  });

  it('reports an impossible length and resynchronises', () => {
    const d = new FrameDecoder();
    const events = d.push(Uint8Array.from([...hex('AAAAAA9669FFFF00'), ...findOk]));
    expect(events[0]).toMatchObject({ type: 'error', error: { kind: 'bad_length', length: 0xffff } });
    expect(frames(events)).toEqual(['00009F00000000']);
    const short = new FrameDecoder().push(hex('AAAAAA96690002'));
    expect(short[0]).toMatchObject({ type: 'error', error: { kind: 'bad_length', length: 2 } });
  });

  it('waits for the rest of a partial frame and can be reset', () => {
    const d = new FrameDecoder();
    expect(d.push(findOk.slice(0, 9))).toEqual([]);
    expect(d.pendingBytes).toBe(9);
    d.reset();
    expect(d.pendingBytes).toBe(0);
  });
});

describe('replies', () => {
  it('splits status bytes and data', () => {
    const r = decodeReply(hex('00009F00000000'));
    expect(r).toEqual({ ok: true, value: { sw1: 0, sw2: 0, sw3: 0x9f, data: new Uint8Array(4) } });
    expect(checkFindData(new Uint8Array(3))).toMatchObject({ ok: false, error: { kind: 'bad_payload' } });
  });

  it('refuses SW1/SW2 other than 00 and too short bodies', () => {
    expect(decodeReply(hex('010090'))).toMatchObject({ ok: false, error: { kind: 'bad_status_bytes', sw1: 1 } });
    expect(decodeReply(hex('0000'))).toMatchObject({ ok: false, error: { kind: 'bad_payload' } });
  });

  it('describes SW3 codes from the notes', () => {
    expect(describeSw3(0x9f)).toBe('寻找证/卡成功');
    expect(describeSw3(0x80)).toBe('寻找证/卡失败');
    expect(describeSw3(0x41)).toBe('读证/卡操作失败');
    expect(describeSw3(0x42)).toBe('未知状态 0x42');
  });

  it('checks a hand-computed 30 01 reply (LEN 0x0508, 1295 bytes)', () => {
    // XOR: 05 ^ 08 ^ 00 ^ 00 ^ 90 ^ 01 ^ 00 ^ 04 ^ 00 ^ (1280 zero bytes) = 98
    const bytes = Uint8Array.from([...hex('AAAAAA9669 0508 000090 0100 0400'), ...new Uint8Array(1280), 0x98]);
    expect(bytes.length).toBe(1295);
    const events = new FrameDecoder().push(bytes);
    expect(events).toHaveLength(1);
    const body = (events[0] as { body: Uint8Array }).body;
    const reply = decodeReply(body);
    expect(reply.ok && reply.value.sw3).toBe(0x90);
    const data = parseReadTextData(reply.ok ? reply.value.data : new Uint8Array(0));
    expect(data.ok && [data.value.text.length, data.value.photo.length]).toEqual([256, 1024]);
  });

  it('refuses a 30 01 reply whose lengths do not add up', () => {
    const data = Uint8Array.from([0x01, 0x00, 0x04, 0x00, ...new Uint8Array(1000)]);
    expect(parseReadTextData(data)).toMatchObject({ ok: false, error: { kind: 'bad_payload' } });
    const wrongText = Uint8Array.from([0x00, 0x80, 0x00, 0x00, ...new Uint8Array(128)]);
    const r = parseReadTextData(wrongText);
    expect(!r.ok && r.error.message).toContain('256');
  });
});

describe('text block (UCS-2LE, 256 bytes)', () => {
  it('puts fields at the offsets of the notes', () => {
    const block = buildTextBlock(SAMPLE_PERSON);
    expect(block.length).toBe(256);
    // ID number at char 61 = byte 122; sex at char 15 = byte 30; '长期' would sit at byte 204.
    expect(block.subarray(122, 122 + 36).toString('utf16le')).toBe(SAMPLE_PERSON.idNumber);
    expect(block.subarray(30, 32).toString('utf16le')).toBe('1');
  });

  it('parses the fields, trimming the padding', () => {
    const r = parseTextBlock(buildTextBlock(SAMPLE_PERSON), '2026-11-28');
    expect(r).toEqual({
      ok: true,
      value: {
        name: '张三',
        sex: '男',
        nationCode: '01',
        nation: '汉',
        birthDate: '1990-03-07',
        address: '北京市东城区东华门街道测试胡同1号',
        idNumber: '110101199003074477',
        authority: '北京市公安局东城分局',
        validFrom: '2015-01-01',
        validUntil: '2035-01-01',
      },
    });
  });

  it('understands 长期, full-length fields and NUL padding', () => {
    const person: SimPerson = {
      ...SAMPLE_PERSON,
      name: '阿依古丽·买买提艾力麦麦提',
      sex: '女',
      nationCode: '05',
      birth: '19491231',
      idNumber: '11010519491231002X',
      address: '新疆维吾尔自治区乌鲁木齐市天山区测试路一百二十三号四号楼五单元六〇一室',
      validUntil: '长期',
    };
    expect(person.address.length).toBe(35);
    const block = Buffer.from(buildTextBlock(person));
    // Re-pad the name with NULs instead of spaces.
    for (let i = Array.from(person.name).length * 2; i < 30; i++) block[i] = 0;
    const r = parseTextBlock(block);
    expect(r.ok && r.value).toMatchObject({
      name: person.name,
      sex: '女',
      nation: '维吾尔',
      address: person.address,
      validUntil: '长期',
    });
    expect(r.ok && isCardExpired(r.value, '2099-01-01')).toBe(false);
  });

  it('tells expiry inclusive of the last day', () => {
    expect(isCardExpired({ validUntil: '2026-11-28' }, '2026-11-28')).toBe(false);
    expect(isCardExpired({ validUntil: '2026-11-27' }, '2026-11-28')).toBe(true);
  });

  it.each<[string, Partial<SimPerson>, string]>([
    ['a bad check digit', { idNumber: '110101199003074470' }, '校验位不正确'],
    ['an unknown nation code', { nationCode: '77' }, '民族代码无法识别'],
    ['a birth date that disagrees with the number', { birth: '19900308' }, '出生日期与身份证号码不一致'],
    ['a sex that disagrees with the number', { sex: '女' }, '性别与身份证号码不一致'],
    ['an impossible validity date', { validUntil: '20351340' }, '有效期截止日期无效'],
  ])('refuses %s', (_what, change, reason) => {
    const r = parseTextBlock(buildTextBlock({ ...SAMPLE_PERSON, ...change }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('refuses an unknown sex code and a wrong block size', () => {
    const block = Buffer.from(buildTextBlock(SAMPLE_PERSON));
    block.write('9', 30, 'utf16le');
    expect(parseTextBlock(block)).toMatchObject({ ok: false, field: 'sexCode' });
    expect(parseTextBlock(new Uint8Array(255))).toMatchObject({ ok: false });
  });

  it('splits raw fields for diagnostics', () => {
    expect(splitTextBlock(buildTextBlock(SAMPLE_PERSON)).idNumber).toBe(SAMPLE_PERSON.idNumber);
  });
});

// ─── the driver over a fake port ────────────────────────────────────────────────────────────────

type Responder = (command: string) => Uint8Array[] | null;

class FakeLink implements SerialLink {
  private data = new Set<(c: Uint8Array) => void>();
  private closes = new Set<(e: Error | null) => void>();
  private errors = new Set<(e: Error) => void>();
  private closed = false;
  readonly written: string[] = [];
  constructor(private readonly respond: Responder) {}
  get isOpen() {
    return !this.closed;
  }
  write(bytes: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('Port is not open'));
    const command = toHex(bytes.slice(7, 9));
    this.written.push(command);
    const pieces = this.respond(command);
    // Deliver each piece on its own turn of the event loop, as a port would.
    if (pieces) pieces.forEach((p, i) => setTimeout(() => this.emitData(p), i));
    return Promise.resolve();
  }
  emitData(chunk: Uint8Array) {
    for (const l of [...this.data]) l(chunk);
  }
  unplug() {
    this.finish(new Error('EIO: i/o error'));
  }
  private finish(error: Error | null) {
    if (this.closed) return;
    this.closed = true;
    for (const l of [...this.closes]) l(error);
    this.data.clear();
    this.closes.clear();
    this.errors.clear();
  }
  onData(l: (c: Uint8Array) => void) {
    this.data.add(l);
    return () => void this.data.delete(l);
  }
  onClose(l: (e: Error | null) => void) {
    this.closes.add(l);
    return () => void this.closes.delete(l);
  }
  onError(l: (e: Error) => void) {
    this.errors.add(l);
    return () => void this.errors.delete(l);
  }
  close() {
    this.finish(null);
    return Promise.resolve();
  }
  listenerCount() {
    return this.data.size + this.closes.size + this.errors.size;
  }
}

const READ_REPLY = encodeReply(
  0x90,
  Uint8Array.from([0x01, 0x00, 0x04, 0x00, ...buildTextBlock(SAMPLE_PERSON), ...new Uint8Array(1024)]),
);

function cardResponder(overrides: Record<string, Uint8Array | null> = {}): Responder {
  const base: Record<string, Uint8Array | null> = {
    '2001': encodeReply(0x9f, new Uint8Array(4)),
    '2002': encodeReply(0x90, new Uint8Array(8)),
    '3001': READ_REPLY,
    '11FF': encodeReply(0x90),
    ...overrides,
  };
  return (command) => {
    const reply = base[command];
    if (!reply) return null;
    // Odd piece sizes so that frame boundaries never line up with chunks.
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < reply.length; i += 97) pieces.push(reply.slice(i, i + 97));
    return pieces;
  };
}

// Generous by default so a loaded machine cannot fail a step that is meant to succeed; the tests
// that expect a timeout shorten only the silent step.
const GENEROUS = { findMs: 5_000, selectMs: 5_000, readMs: 5_000, probeMs: 5_000 };

function setup(
  respond: Responder,
  extra: { findAttempts?: number; failOpen?: boolean; timeouts?: Partial<typeof GENEROUS> } = {},
) {
  const logger = createMemoryLogger();
  const links: FakeLink[] = [];
  const openPort: SerialOpener = (path) => {
    if (extra.failOpen) return Promise.reject(new Error(`ENOENT: no such file ${path}`));
    const link = new FakeLink(respond);
    links.push(link);
    return Promise.resolve(link);
  };
  const reader = createIdCardReader({
    path: '/dev/ttyFAKE0',
    logger,
    openPort,
    today: () => '2026-11-28',
    timeouts: { ...GENEROUS, ...extra.timeouts },
    findAttempts: extra.findAttempts ?? 3,
    findRetryDelayMs: 0,
  });
  return { reader, links, logger };
}

async function failure(p: Promise<unknown>): Promise<IdCardError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IdCardError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('IdCardReader over a fake port', () => {
  it('reads a card: find, select, read', async () => {
    const { reader, links, logger } = setup(cardResponder());
    const card = await reader.readCard();
    expect(card).toMatchObject({ name: '张三', idNumber: '110101199003074477', nation: '汉', sex: '男' });
    expect(card.photoWlt.length).toBe(1024);
    expect(links[0]!.written).toEqual(['2001', '2002', '3001']);
    // Only the reader's own close watcher stays subscribed between calls.
    expect(links[0]!.listenerCount()).toBe(1);
    const log = JSON.stringify(logger.records);
    expect(log).not.toContain('110101199003074477');
    expect(log).not.toContain('张三');
    expect(log).toContain('110101********4477');
    await reader.close();
  });

  it('retries find on "no card", then asks for the card', async () => {
    const { reader, links } = setup(cardResponder({ '2001': encodeReply(0x80) }), { findAttempts: 4 });
    const e = await failure(reader.readCard());
    expect(e.reason).toBe('no_card');
    expect(e.message).toContain('请放置身份证');
    expect(links[0]!.written).toEqual(['2001', '2001', '2001', '2001']);
    await reader.close();
  });

  it.each([
    ['2002', 0x81, 'read_failed', '读卡失败，请重新放置'],
    ['3001', 0x41, 'read_failed', '读卡失败，请重新放置'],
    ['3001', 0x33, 'read_failed', '认证失败'],
    ['2001', 0x66, 'device_fault', '安全模块'],
    ['2001', 0x21, 'device_fault', '不支持该指令'],
    ['2001', 0x42, 'device_fault', '0x42'],
  ])('maps command %s status 0x%s to a Chinese message', async (command, sw3, reason, text) => {
    const { reader } = setup(cardResponder({ [command]: encodeReply(sw3) }));
    const e = await failure(reader.readCard());
    expect(e.reason).toBe(reason);
    expect(e.message).toContain(text);
    await reader.close();
  });

  it('refuses a card whose text fails validation, without logging its values', async () => {
    const bad = encodeReply(
      0x90,
      Uint8Array.from([
        ...[0x01, 0x00, 0x04, 0x00],
        ...buildTextBlock({ ...SAMPLE_PERSON, idNumber: '110101199003074470' }),
        ...new Uint8Array(1024),
      ]),
    );
    const { reader, logger } = setup(cardResponder({ '3001': bad }));
    const e = await failure(reader.readCard());
    expect(e.reason).toBe('invalid_card');
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toContain('校验位不正确');
    expect(JSON.stringify(logger.records)).not.toContain('110101199003074470');
    await reader.close();
  });

  it('times out on silence, leaving no listener behind', async () => {
    const { reader, links } = setup(cardResponder({ '2002': null }), { timeouts: { selectMs: 200 } });
    const silent = await failure(reader.readCard());
    expect([silent.reason, silent.message]).toEqual(['timeout', MESSAGES.timeout]);
    expect(links[0]!.listenerCount()).toBe(1);
    await reader.close();
  });

  it('reports a partial frame as incomplete', async () => {
    const { reader, links } = setup(cardResponder({ '3001': READ_REPLY.slice(0, 600) }), { timeouts: { readMs: 300 } });
    const partial = await failure(reader.readCard());
    expect([partial.reason, partial.message]).toEqual(['incomplete_reply', MESSAGES.incomplete]);
    expect(links[0]!.listenerCount()).toBe(1);
    await reader.close();
  });

  it('reports a bad checksum at once', async () => {
    const bad = encodeReply(0x9f, new Uint8Array(4));
    bad[bad.length - 1] = bad.at(-1)! ^ 0xff;
    const { reader } = setup(cardResponder({ '2001': bad }));
    const e = await failure(reader.readCard());
    expect(e.reason).toBe('bad_reply');
    await reader.close();
  });

  it('handles an unplugged reader mid-read and re-opens on the next call', async () => {
    const { reader, links } = setup(cardResponder({ '3001': null }), { timeouts: { readMs: 300 } });
    const pending = failure(reader.readCard());
    await waitFor(() => links[0]?.written.includes('3001') ?? false);
    links[0]!.unplug();
    const e = await pending;
    expect([e.reason, e.message]).toEqual(['disconnected', MESSAGES.disconnected]);
    expect(links[0]!.listenerCount()).toBe(0);
    expect(reader.isOpen).toBe(false);
    await failure(reader.readCard()); // read still silent: times out on a fresh link
    expect(links).toHaveLength(2);
    await reader.close();
  });

  it('serialises concurrent calls', async () => {
    const { reader, links } = setup(cardResponder());
    const [a, b] = await Promise.all([reader.readCard(), reader.readCard()]);
    expect(a.idNumber).toBe(b.idNumber);
    expect(links[0]!.written).toEqual(['2001', '2002', '3001', '2001', '2002', '3001']);
    await reader.close();
  });

  it('fails the call in flight and later calls after close', async () => {
    const { reader, links } = setup(cardResponder({ '3001': null }));
    const pending = failure(reader.readCard());
    const queued = failure(reader.readCard());
    await waitFor(() => links[0]?.written.includes('3001') ?? false);
    await reader.close();
    expect((await pending).reason).toBe('closed');
    expect((await queued).reason).toBe('closed');
    expect((await failure(reader.readCard())).reason).toBe('closed');
  });

  it('reports a port that cannot be opened', async () => {
    const { reader } = setup(cardResponder(), { failOpen: true });
    const e = await failure(reader.readCard());
    expect(e.reason).toBe('open_failed');
    expect(e.message).toContain('/dev/ttyFAKE0');
    expect(await reader.probe()).toMatchObject({ ok: false, reason: 'open_failed' });
  });

  it('probes the SAM', async () => {
    const ok = setup(cardResponder());
    expect(await ok.reader.probe()).toEqual({ ok: true, message: MESSAGES.probeOk });
    await ok.reader.close();
    const silent = setup(cardResponder({ '11FF': null }), { timeouts: { probeMs: 200 } });
    expect(await silent.reader.probe()).toMatchObject({ ok: false, reason: 'timeout' });
    await silent.reader.close();
  });

  it('refuses invalid settings with a Chinese message', () => {
    expect(() => createIdCardReader({ path: ' ', logger: createMemoryLogger() })).toThrow(/请设置身份证阅读器串口/);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
}
