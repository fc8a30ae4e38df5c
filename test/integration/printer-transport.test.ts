import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import {
  createPrinterService,
  type PrinterService,
  type PrinterServiceOptions,
} from '../../app/devices/printer/printer';
import { createTransport, type PrinterTransportConfig } from '../../app/devices/printer/transport';
import {
  startSerialVirtualPrinter,
  startTcpVirtualPrinter,
  type SerialVirtualPrinter,
  type TcpVirtualPrinter,
  type VirtualPrinter,
} from '../../app/sandbox/devices/virtual-printer';
import type { ReceiptInput } from '../../app/shared/receipt';

const receipt: ReceiptInput = {
  pharmacyName: '仁心大药房',
  headerLines: ['定点编号:P11010000001'],
  receiptNo: 'R202501010001',
  time: '2025-01-01 12:00:05',
  operator: '王收银',
  lines: [
    {
      name: '阿莫西林胶囊',
      spec: '0.25g*24粒',
      quantity: 2,
      unit: '盒',
      unitPrice: 1250,
      amount: 2500,
      batchNo: 'A2401',
      expiry: '2026-12-31',
      traceCodes: ['83711700173703755001', '83711700173703755002'],
      insuranceClass: '甲',
    },
  ],
  insurance: {
    personName: '张三丰',
    setlId: 'S20250101000001',
    fundPay: 1500,
    accountPay: 500,
    cashPay: 500,
    others: [],
  },
  payments: [{ method: 'cash', amount: 1000 }],
  change: 500,
};

/** Generous waits: the suite must hold on a loaded 2-core machine. */
async function waitUntil(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const started: VirtualPrinter[] = [];
const services: PrinterService[] = [];
afterEach(async () => {
  // services first: a serial transport holds its port open between jobs
  while (services.length) await services.pop()!.close();
  while (started.length) await started.pop()!.close();
});

async function tcpPrinter(o: Parameters<typeof startTcpVirtualPrinter>[0] = {}): Promise<TcpVirtualPrinter> {
  const p = await startTcpVirtualPrinter(o);
  started.push(p);
  return p;
}

function service(config: PrinterTransportConfig, extra: Partial<PrinterServiceOptions> = {}) {
  const log = createMemoryLogger();
  const printer = createPrinterService({ transport: createTransport(config), log, paperWidth: 58, ...extra });
  services.push(printer);
  return { printer, log };
}

/** TCP sockets open in this process; the virtual printer's own count is subtracted to see the client's. */
function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('network printer (TCP 9100)', () => {
  it('prints a receipt that decodes back to exactly the preview, with the drawer kick', async () => {
    const vp = await tcpPrinter();
    const { printer, log } = service({ kind: 'network', host: vp.host, port: vp.port });
    const result = await printer.print(receipt, { paperWidth: 58, openDrawer: true });
    expect(result).toMatchObject({ ok: true });
    const [job] = await vp.waitForJobs(1);
    expect(job!.decoded.lines).toEqual(printer.preview(receipt, 58).map((l) => l.text));
    expect(job!.text).toContain('追溯码:83711700173703755002');
    expect(job!.text).toContain('参保人:张**');
    expect(job!.decoded.drawerKicks).toBe(1);
    expect(job!.decoded.cuts).toBe(1);
    expect(job!.interrupted).toBe(false);
    await waitUntil(() => vp.openConnections === 0, 'socket closed');
    // the log names the job but not the customer
    expect(JSON.stringify(log.records)).toContain('R202501010001');
    expect(JSON.stringify(log.records)).not.toContain('张三丰');
  });

  it('runs concurrent jobs one after another, in order', async () => {
    const vp = await tcpPrinter();
    const { printer } = service({ kind: 'network', host: vp.host, port: vp.port });
    const results = await Promise.all(
      ['R1', 'R2', 'R3'].map((no) => printer.print({ ...receipt, receiptNo: no }, { paperWidth: 80 })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const jobs = await vp.waitForJobs(3);
    expect(jobs.map((j) => j.decoded.lines.find((l) => l.startsWith('单号:')))).toEqual([
      '单号:R1',
      '单号:R2',
      '单号:R3',
    ]);
  });

  it('prints the test page and free text', async () => {
    const vp = await tcpPrinter();
    const { printer } = service({ kind: 'network', host: vp.host, port: vp.port });
    expect(await printer.testPage(80)).toMatchObject({ ok: true });
    expect(await printer.printText(['现金收款    100.00'], { title: '交班报表' })).toMatchObject({ ok: true });
    const [page, text] = await vp.waitForJobs(2);
    expect(page!.text).toContain('打印测试');
    expect(page!.decoded.lines).toContain('1234567890'.repeat(5).slice(0, 48));
    expect(page!.decoded.lines).toContain('中'.repeat(24));
    expect(text!.decoded.styled[0]).toMatchObject({ double: true });
    expect(text!.text).toContain('现金收款    100.00');
  });

  it('reports a refused connection as 打印机未连接', async () => {
    const port = await freePort();
    const { printer, log } = service({ kind: 'network', host: '127.0.0.1', port });
    const result = await printer.print(receipt);
    expect(result).toEqual({ ok: false, reason: 'offline', message: expect.stringContaining('打印机未连接') });
    expect(log.records.some((r) => r.reason === 'offline')).toBe(true);
  });

  it('does not claim success when the printer accepts but never reads, and closes the socket', async () => {
    const vp = await tcpPrinter({ behaviour: 'never-read' });
    const { printer } = service({ kind: 'network', host: vp.host, port: vp.port, confirmTimeoutMs: 1000 });
    const result = await printer.print(receipt);
    expect(result).toMatchObject({ ok: false, reason: 'unconfirmed' });
    if (!result.ok) expect(result.message).toContain('请查看小票是否打出');
    expect(vp.connections).toBe(1);
    // the paused server side cannot see the close, so count the sockets this process still holds
    await waitUntil(() => tcpSockets() - vp.openConnections === 0, 'client closed its socket');
  });

  it('times out a job the printer stops reading half way', async () => {
    const vp = await tcpPrinter({ behaviour: 'never-read' });
    const transport = createTransport({ kind: 'network', host: vp.host, port: vp.port, writeTimeoutMs: 1500 });
    // far more than the loopback socket buffers hold
    const big = Buffer.alloc(64 * 1024 * 1024, 0x41);
    await expect(transport.send(big)).rejects.toMatchObject({ reason: 'timeout', message: /打印机无响应/ });
    await waitUntil(() => tcpSockets() - vp.openConnections === 0, 'client closed its socket');
  });

  it('reports a printer that drops the connection mid-job as 打印中断', async () => {
    const vp = await tcpPrinter({ behaviour: 'close-mid-job', closeAfterBytes: 2000 });
    const { printer } = service({ kind: 'network', host: vp.host, port: vp.port });
    const lines = Array.from({ length: 20_000 }, (_, i) => `第${i}行 交班明细 现金 12.34`);
    const result = await printer.printText(lines);
    expect(result).toMatchObject({ ok: false, reason: 'interrupted' });
    if (!result.ok) expect(result.message).toContain('打印中断');
    await waitUntil(() => vp.openConnections === 0, 'sockets closed');
  });

  it('refuses to print on paper-out when status checks are on, and names the cause', async () => {
    const vp = await tcpPrinter({ behaviour: 'paper-out' });
    const { printer } = service({ kind: 'network', host: vp.host, port: vp.port }, { checkStatus: true });
    const result = await printer.print(receipt);
    expect(result).toEqual({ ok: false, reason: 'paper_out', message: '打印机缺纸，请装纸后重打小票' });
    expect(vp.jobs).toHaveLength(0);
    const status = await printer.status();
    expect(status).toMatchObject({ ok: true, status: { state: 'paper_out' } });
  });

  it('queries status with a timeout and prints anyway when the printer never answers', async () => {
    const vp = await tcpPrinter({ status: 'silent' });
    const { printer } = service(
      { kind: 'network', host: vp.host, port: vp.port, statusTimeoutMs: 300 },
      { checkStatus: true },
    );
    expect(await printer.status()).toMatchObject({ ok: true, status: { state: 'unknown' } });
    expect(await printer.print(receipt)).toMatchObject({ ok: true });
    const [job] = await vp.waitForJobs(1);
    expect(job!.decoded.commands.filter((c) => c.name === 'status-query')).toHaveLength(1);
    expect(job!.text).toContain('单号:R202501010001');

    vp.setStatus('ready');
    expect(await printer.status()).toMatchObject({ ok: true, status: { state: 'ready', raw: [0x12, 0x12, 0x12] } });
    vp.setStatus('cover_open');
    expect(await printer.print(receipt)).toMatchObject({ ok: false, reason: 'cover_open' });
  });
});

describe('serial printer on a real pseudo-terminal pair (socat)', () => {
  let dir: string;
  let socat: ChildProcess;
  let a: string;
  let b: string;
  let vp: SerialVirtualPrinter;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-printer-'));
    a = path.join(dir, 'a');
    b = path.join(dir, 'b');
    socat = spawn('/usr/bin/socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    socat.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitUntil(() => fs.existsSync(a) && fs.existsSync(b), `socat links (${stderr})`, 20_000);
    // socat logs "starting data transfer loop" once both ends are ready
    await waitUntil(() => stderr.includes('starting data transfer loop'), 'socat ready', 20_000);
    vp = await startSerialVirtualPrinter({ path: b, baudRate: 115200 });
  });

  afterAll(async () => {
    await vp?.close();
    if (socat && socat.exitCode === null) {
      const exited = new Promise((r) => socat.once('exit', r));
      socat.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints a receipt that the other end decodes back to the receipt text', async () => {
    const { printer } = service({ kind: 'serial', path: a, baudRate: 115200 });
    const before = vp.jobs.length;
    const result = await printer.print(receipt, { paperWidth: 80, openDrawer: true });
    expect(result).toMatchObject({ ok: true });
    const jobs = await vp.waitForJobs(before + 1);
    const job = jobs[before]!;
    expect(job.decoded.lines).toEqual(printer.preview(receipt, 80).map((l) => l.text));
    expect(job.text).toContain('  追溯码:83711700173703755001');
    expect(job.decoded.drawerKicks).toBe(1);
  });

  it('answers a status query over the line and takes two jobs back to back', async () => {
    const { printer } = service({ kind: 'serial', path: a, baudRate: 115200, statusTimeoutMs: 2000 });
    expect(await printer.status()).toMatchObject({ ok: true, status: { state: 'ready' } });
    const before = vp.jobs.length;
    const [r1, r2] = await Promise.all([
      printer.print({ ...receipt, receiptNo: 'S1' }),
      printer.print({ ...receipt, receiptNo: 'S2', reprint: true }),
    ]);
    expect(r1.ok && r2.ok).toBe(true);
    const jobs = (await vp.waitForJobs(before + 2)).slice(before);
    expect(jobs[0]!.decoded.lines).toContain('单号:S1');
    expect(jobs[1]!.decoded.lines).toContain('单号:S2');
    expect(jobs[1]!.text).toContain('重打');
  });

  it('opens the drawer on its own (a job without a cut ends after a quiet spell)', async () => {
    const { printer } = service({ kind: 'serial', path: a, baudRate: 115200 });
    const before = vp.jobs.length;
    expect(await printer.openDrawer()).toMatchObject({ ok: true });
    const jobs = await vp.waitForJobs(before + 1);
    expect(jobs[before]!.decoded.drawerKicks).toBe(1);
    expect(jobs[before]!.decoded.lines).toEqual([]);
  });

  it('holds the port between jobs and releases it after a quiet spell', async () => {
    const first = service({ kind: 'serial', path: a, baudRate: 115200, idleCloseMs: 300 }).printer;
    const second = service({ kind: 'serial', path: a, baudRate: 115200 }).printer;
    expect(await first.print({ ...receipt, receiptNo: 'H1' })).toMatchObject({ ok: true });
    // the port is locked while held
    expect(await second.print({ ...receipt, receiptNo: 'H2' })).toMatchObject({
      ok: false,
      reason: 'busy',
      message: '打印机串口被其他程序占用',
    });
    let result = await second.print({ ...receipt, receiptNo: 'H2' });
    for (let i = 0; i < 100 && !result.ok; i++) {
      await new Promise((r) => setTimeout(r, 100));
      result = await second.print({ ...receipt, receiptNo: 'H2' });
    }
    expect(result).toMatchObject({ ok: true });
    await vp.waitFor(() => vp.jobs.some((j) => j.decoded.lines.includes('单号:H2')));
  });

  it('reports a missing port as 打印机未连接', async () => {
    const { printer } = service({ kind: 'serial', path: path.join(dir, 'missing'), baudRate: 9600 });
    const result = await printer.print(receipt);
    expect(result).toEqual({ ok: false, reason: 'offline', message: expect.stringContaining('打印机未连接') });
  });
});
