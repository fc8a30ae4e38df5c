/**
 * The ID-card driver against the simulator over REAL pseudo-terminal pairs (socat), as the counter
 * will meet a USB-serial reader. Every wait is for a condition; timeouts are generous so a loaded
 * 2-core machine does not turn a slow answer into a failure — only the tests that expect a timeout
 * use short ones, and only on the step that is meant to stay silent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import {
  IdCardError,
  MESSAGES,
  createIdCardReader,
  openSerialLink,
  probeIdCardReader,
  type IdCardReader,
  type IdCardReaderSettings,
  type SerialLink,
} from '../../app/devices/id-card/reader';
import { IdCardReaderSim, SAMPLE_PERSON, type SimPerson } from '../../app/sandbox/devices/id-card-reader-sim';
import { tempDir } from '../support/tmp';

const SOCAT = '/usr/bin/socat';
const GENEROUS = { findMs: 10_000, selectMs: 10_000, readMs: 15_000, probeMs: 10_000 };

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface PtyPair {
  hostPath: string;
  devicePath: string;
  kill(): Promise<void>;
}

const socats = new Set<ChildProcess>();

async function killSocat(proc: ChildProcess): Promise<void> {
  socats.delete(proc);
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  await exited;
}

async function startPtyPair(): Promise<PtyPair> {
  const dir = tempDir('pos-idcard-');
  const hostPath = path.join(dir, 'host');
  const devicePath = path.join(dir, 'device');
  const proc = spawn(SOCAT, ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  socats.add(proc);
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let exited = false;
  proc.once('exit', () => (exited = true));
  await waitFor(() => {
    if (exited) throw new Error(`socat exited early: ${stderr}`);
    // The links exist once both PTYs are made; the loop message means bytes are being carried.
    return fs.existsSync(hostPath) && fs.existsSync(devicePath) && stderr.includes('starting data transfer loop');
  }, 'socat to create the pty pair');
  return { hostPath, devicePath, kill: () => killSocat(proc) };
}

interface Rig {
  pair: PtyPair;
  sim: IdCardReaderSim;
  reader: IdCardReader;
  logger: ReturnType<typeof createMemoryLogger>;
  /** every link the driver opened, to check for leftover listeners */
  links: SerialLink[];
}

const rigs: Rig[] = [];

async function startRig(settings: Partial<IdCardReaderSettings> = {}, person: SimPerson | null = SAMPLE_PERSON) {
  const pair = await startPtyPair();
  const logger = createMemoryLogger();
  const sim = new IdCardReaderSim({ logger, chunkSize: 100 });
  sim.setCard(person);
  await sim.start(pair.devicePath);
  const links: SerialLink[] = [];
  const reader = createIdCardReader({
    path: pair.hostPath,
    baudRate: 115_200,
    logger,
    timeouts: { ...GENEROUS, ...settings.timeouts },
    findAttempts: settings.findAttempts ?? 3,
    findRetryDelayMs: settings.findRetryDelayMs ?? 50,
    openPort: async (p, baud) => {
      const link = await openSerialLink(p, baud);
      links.push(link);
      return link;
    },
  });
  const rig = { pair, sim, reader, logger, links };
  rigs.push(rig);
  return rig;
}

async function teardown(rig: Rig): Promise<void> {
  await rig.reader.close();
  await rig.sim.close();
  await rig.pair.kill();
}

afterEach(async () => {
  while (rigs.length) await teardown(rigs.pop()!);
});

afterAll(async () => {
  for (const proc of [...socats]) await killSocat(proc);
});

async function failure(p: Promise<unknown>): Promise<IdCardError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IdCardError) return e;
    throw e;
  }
  throw new Error('expected the read to fail');
}

describe('ID-card reader over a real pseudo-terminal pair', { timeout: 90_000 }, () => {
  it('reads a card', async () => {
    const { reader, sim, logger } = await startRig();
    const card = await reader.readCard();
    expect(card).toMatchObject({
      name: '张三',
      sex: '男',
      nation: '汉',
      birthDate: '1990-03-07',
      address: SAMPLE_PERSON.address,
      idNumber: SAMPLE_PERSON.idNumber,
      authority: SAMPLE_PERSON.authority,
      validFrom: '2015-01-01',
      validUntil: '2035-01-01',
    });
    expect(card.photoWlt.length).toBe(1024);
    expect(sim.received).toEqual(['find', 'select', 'read']);
    const log = JSON.stringify(logger.records);
    expect(log).not.toContain(SAMPLE_PERSON.idNumber);
    expect(log).not.toContain(SAMPLE_PERSON.name);
    expect(log).not.toContain('东华门');
  });

  it('reads a card with 长期 validity and a different person after setCard', async () => {
    const { reader, sim } = await startRig();
    sim.setCard({
      ...SAMPLE_PERSON,
      name: '李四',
      sex: '女',
      nationCode: '03',
      birth: '19491231',
      idNumber: '11010519491231002X',
      validUntil: '长期',
    });
    expect(await reader.readCard()).toMatchObject({ name: '李四', sex: '女', nation: '回', validUntil: '长期' });
  });

  it('asks for the card when there is none, after retrying find', async () => {
    const { reader, sim } = await startRig({ findAttempts: 3 }, null);
    const e = await failure(reader.readCard());
    expect(e.reason).toBe('no_card');
    expect(e.message).toContain('请放置身份证');
    expect(sim.received).toEqual(['find', 'find', 'find']);
    // The card arrives: the same reader reads it.
    sim.setCard(SAMPLE_PERSON);
    expect((await reader.readCard()).idNumber).toBe(SAMPLE_PERSON.idNumber);
  });

  it('skips garbage before a good frame', async () => {
    const { reader, sim } = await startRig();
    sim.setFault('garbage-before');
    expect((await reader.readCard()).name).toBe('张三');
  });

  it('calls a reader that answers only noise unrecognisable (wrong baud rate)', async () => {
    const { reader, sim } = await startRig({ timeouts: { ...GENEROUS, findMs: 1_500 } });
    sim.setFault('garbage', { on: 'find' });
    const e = await failure(reader.readCard());
    expect([e.reason, e.message]).toEqual(['bad_reply', MESSAGES.unrecognised]);
  });

  it('times out on a partial frame, then recovers when the reader answers again', async () => {
    const { reader, sim, links } = await startRig({ timeouts: { ...GENEROUS, readMs: 1_500 } });
    sim.setFault('partial', { on: 'read' });
    const e = await failure(reader.readCard());
    expect([e.reason, e.message]).toEqual(['incomplete_reply', MESSAGES.incomplete]);
    expect(links[0]!.listenerCount()).toBe(1); // only the driver's own close watcher
    sim.setFault('none');
    expect((await reader.readCard()).name).toBe('张三');
    expect(links).toHaveLength(1);
  });

  it('times out when the reader goes silent', async () => {
    const { reader, sim } = await startRig({ timeouts: { ...GENEROUS, selectMs: 1_500 } });
    sim.setFault('silent', { on: 'select' });
    const e = await failure(reader.readCard());
    expect([e.reason, e.message]).toEqual(['timeout', MESSAGES.timeout]);
  });

  it('refuses a reply with a wrong checksum, then reads normally', async () => {
    const { reader, sim } = await startRig();
    sim.setFault('bad-checksum', { on: 'select', times: 1 });
    const e = await failure(reader.readCard());
    expect([e.reason, e.message]).toEqual(['bad_reply', MESSAGES.badReply]);
    expect((await reader.readCard()).name).toBe('张三');
  });

  it('reports a reader unplugged mid-read without crashing or leaking listeners', async () => {
    const { reader, sim, pair, links } = await startRig();
    sim.setFault('silent', { on: 'read' });
    const pending = failure(reader.readCard());
    await sim.waitForCommand('read');
    await pair.kill();
    const e = await pending;
    expect([e.reason, e.message]).toEqual(['disconnected', MESSAGES.disconnected]);
    expect(links[0]!.listenerCount()).toBe(0);
    expect(links[0]!.isOpen).toBe(false);
    expect(reader.isOpen).toBe(false);
    // The port is gone: the next call says so instead of hanging.
    const again = await failure(reader.readCard());
    expect(again.reason).toBe('open_failed');
    expect(again.message).toContain('无法打开身份证阅读器串口');
  });

  it('serialises two concurrent readCard calls', async () => {
    const { reader, sim } = await startRig();
    const [a, b] = await Promise.all([reader.readCard(), reader.readCard()]);
    expect(a.idNumber).toBe(SAMPLE_PERSON.idNumber);
    expect(b.idNumber).toBe(SAMPLE_PERSON.idNumber);
    expect(sim.received).toEqual(['find', 'select', 'read', 'find', 'select', 'read']);
  });

  it('probes the reader for the settings test button', async () => {
    const { reader, sim, pair } = await startRig();
    expect(await reader.probe()).toEqual({ ok: true, message: MESSAGES.probeOk });
    expect(sim.received).toEqual(['status']);
    // The one-shot form used before the settings are saved.
    const logger = createMemoryLogger();
    await reader.close();
    expect(await probeIdCardReader({ path: pair.hostPath, logger, timeouts: GENEROUS })).toMatchObject({ ok: true });
    sim.setFault('silent');
    expect(
      await probeIdCardReader({ path: pair.hostPath, logger, timeouts: { ...GENEROUS, probeMs: 1_000 } }),
    ).toMatchObject({ ok: false, reason: 'timeout' });
    expect(await probeIdCardReader({ path: path.join(path.dirname(pair.hostPath), 'missing'), logger })).toMatchObject({
      ok: false,
      reason: 'open_failed',
    });
  });
});
