import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCodeSplitter,
  decodeScanBytes,
  startSerialScanner,
  type ScannerState,
  type SerialScanner,
} from '../../app/devices/scanner/serial-scanner';

const SOCAT = '/usr/bin/socat';
const TRACE = '83711700173703755001';
const GTIN = '06901234567892';

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pseudo-terminal pair: `a` plays the scanner, `b` is the port the driver opens. */
class PtyPair {
  private proc: ChildProcess | null = null;
  constructor(
    readonly a: string,
    readonly b: string,
  ) {}

  async start(): Promise<void> {
    const proc = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    this.proc = proc;
    await waitFor(`socat links (${log})`, () => fs.existsSync(this.a) && fs.existsSync(this.b));
  }

  /** The "USB cable pulled": socat exits and both devices disappear. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    await exited;
    // SIGTERM lets socat remove its links; make sure for the restart on the same paths.
    for (const p of [this.a, this.b]) fs.rmSync(p, { force: true });
  }

  /** Writes as the scanner would, through the other end of the pair. */
  write(data: string | Buffer): void {
    const fd = fs.openSync(this.a, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    } finally {
      fs.closeSync(fd);
    }
  }
}

describe('serial scanner on a real pseudo-terminal pair', () => {
  let dir: string;
  let pty: PtyPair;
  let scanner: SerialScanner;
  const codes: Array<{ code: string; encoding: string }> = [];
  const states: Array<{ state: ScannerState; message: string }> = [];
  const lastState = () => states[states.length - 1]?.state;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-scanner-'));
    pty = new PtyPair(path.join(dir, 'a'), path.join(dir, 'b'));
    await pty.start();
    scanner = startSerialScanner({
      path: pty.b,
      baudRate: 9600,
      backoff: { initialMs: 100, maxMs: 400 },
      onCode: (code, info) => codes.push({ code, encoding: info.encoding }),
      onState: (state, message) => states.push({ state, message }),
    });
  });

  afterAll(async () => {
    await scanner?.close();
    await pty?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports 已连接 and reads codes split by CR/LF, across writes, in UTF-8 and GBK', async () => {
    await waitFor('connected', () => lastState() === 'connected');
    expect(states[0]).toEqual({ state: 'connected', message: `扫码枪已连接（${pty.b}）` });
    expect(scanner.state).toBe('connected');

    pty.write(`${TRACE}\r\n`);
    pty.write('6901234');
    await sleep(80);
    pty.write('567892\r');
    await sleep(30);
    pty.write('\n');
    pty.write(Buffer.concat([iconv.encode('阿莫西林胶囊', 'gbk'), Buffer.from('\r\n')]));
    pty.write(`01${GTIN}10B1\u001d21S1\n`);
    pty.write('布洛芬缓释胶囊\r\n');

    await waitFor('five codes', () => codes.length >= 5);
    await sleep(100);
    expect(codes).toEqual([
      { code: TRACE, encoding: 'utf-8' },
      { code: '6901234567892', encoding: 'utf-8' },
      { code: '阿莫西林胶囊', encoding: 'gb18030' },
      { code: `01${GTIN}10B1\u001d21S1`, encoding: 'utf-8' },
      { code: '布洛芬缓释胶囊', encoding: 'utf-8' },
    ]);
  }, 60_000);

  it('reports 未连接 when the port disappears and reconnects when it comes back', async () => {
    await waitFor('connected', () => lastState() === 'connected');
    const before = states.length;

    await pty.stop();
    await waitFor('disconnected', () => lastState() === 'disconnected');
    expect(states.length).toBe(before + 1);
    expect(states[before]!.message).toMatch(/^扫码枪未连接（.+）：/);
    expect(scanner.state).toBe('disconnected');

    // a few failed reopen attempts while unplugged must not produce more state reports
    await sleep(1000);
    expect(states.length).toBe(before + 1);

    await pty.start();
    await waitFor('reconnected', () => lastState() === 'connected', 30_000);
    expect(states.slice(before).map((s) => s.state)).toEqual(['disconnected', 'connected']);

    codes.length = 0;
    pty.write(`${TRACE}\n`);
    await waitFor('code after reconnect', () => codes.length >= 1);
    expect(codes[0]).toEqual({ code: TRACE, encoding: 'utf-8' });
  }, 90_000);

  it('stops cleanly: no more reports or reconnects after close()', async () => {
    await waitFor('connected', () => lastState() === 'connected');
    const before = states.length;
    await scanner.close();
    expect(scanner.state).toBe('disconnected');
    await pty.stop();
    await sleep(600);
    expect(states.length).toBe(before);
  }, 60_000);
});

describe('serial scanner without a device', () => {
  it('reports 未连接 with the reason for a port that does not exist, and keeps retrying', async () => {
    const missing = path.join(os.tmpdir(), `pos-no-such-port-${process.pid}`);
    const states: Array<{ state: ScannerState; message: string }> = [];
    const errors: Error[] = [];
    const s = startSerialScanner({
      path: missing,
      backoff: { initialMs: 50, maxMs: 100 },
      onCode: () => undefined,
      onState: (state, message) => states.push({ state, message }),
      onError: (e) => errors.push(e),
    });
    try {
      await waitFor('first report', () => states.length > 0);
      await waitFor('retries', () => errors.length >= 3);
      expect(states).toEqual([
        { state: 'disconnected', message: `扫码枪未连接（${missing}）：找不到该串口，请检查连接或端口号` },
      ]);
    } finally {
      await s.close();
    }
  }, 30_000);
});

describe('code splitting and decoding', () => {
  function collect(suffix?: string) {
    const out: string[] = [];
    let overflows = 0;
    const sp = createCodeSplitter(
      suffix,
      16,
      (b) => out.push(decodeScanBytes(b).text),
      () => overflows++,
    );
    return { sp, out, overflows: () => overflows };
  }

  it('treats CR, LF and CRLF alike and skips empty pieces', () => {
    const { sp, out } = collect();
    sp.push(Buffer.from('A1\r\nB2\rC3\n\n'));
    sp.push(Buffer.from('D4'));
    expect(out).toEqual(['A1', 'B2', 'C3']);
    sp.push(Buffer.from('\r'));
    expect(out).toEqual(['A1', 'B2', 'C3', 'D4']);
  });

  it('supports an exact custom suffix, split across chunks', () => {
    const { sp, out } = collect('\t');
    sp.push(Buffer.from('X1\tX'));
    sp.push(Buffer.from('2\t'));
    expect(out).toEqual(['X1', 'X2']);
  });

  it('drops a runaway stream without suffix', () => {
    const { sp, out, overflows } = collect();
    sp.push(Buffer.from('0123456789ABCDEFG'));
    expect(out).toEqual([]);
    expect(overflows()).toBe(1);
    expect(sp.pending).toBe(0);
  });

  it('falls back to GB18030 only when the bytes are not UTF-8', () => {
    expect(decodeScanBytes(iconv.encode('复方甘草片', 'gbk'))).toEqual({ text: '复方甘草片', encoding: 'gb18030' });
    expect(decodeScanBytes(Buffer.from('复方甘草片'))).toEqual({ text: '复方甘草片', encoding: 'utf-8' });
  });
});
