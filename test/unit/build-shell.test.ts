import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../app/core/worker-script';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { CHANNEL_NAMES, EVENT_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX } from '../../app/shared/contract';

const ROOT = path.resolve(__dirname, '..', '..');
let out: string;

/** Every module a CommonJS bundle requires at run time. */
function requiresOf(file: string): string[] {
  const code = fs.readFileSync(file, 'utf8');
  return [...new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? ''))].sort();
}

const isBuiltin = (m: string) => m.startsWith('node:') || builtinModules.includes(m);

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-shell-build-'));
  execFileSync(process.execPath, ['scripts/build-shell.mjs', '--only', 'preload,main', '--outdir', out], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}, 60_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('scripts/build-shell.mjs', () => {
  it('bundles the sandboxed preload into one file that requires only electron', () => {
    expect(requiresOf(path.join(out, 'electron', 'preload.js'))).toEqual(['electron']);
  });

  it('keeps zod out of the preload but carries the real channel and event names', () => {
    const code = fs.readFileSync(path.join(out, 'electron', 'preload.js'), 'utf8');
    expect(code).not.toMatch(/zod|ZodError|safeParse/i);
    expect(code.length).toBeLessThan(20_000);
    for (const name of [...CHANNEL_NAMES, ...EVENT_NAMES, IPC_EVENT_CHANNEL]) expect(code).toContain(`"${name}"`);
    expect(code).toContain(`IPC_PREFIX = "${IPC_PREFIX}"`);
    expect(code).toContain('exposeInMainWorld("pos"');
    expect(code).not.toMatch(/exposeInMainWorld\("(?!pos")/);
  });

  it('bundles the main process with only electron, better-sqlite3 and Node built-ins left external', () => {
    const external = requiresOf(path.join(out, 'electron', 'main.js')).filter((m) => !isBuiltin(m));
    expect(
      external.filter(
        (m) => !['electron', 'better-sqlite3', 'serialport', 'koffi', 'bufferutil', 'utf-8-validate'].includes(m),
      ),
    ).toEqual([]);
    expect(external).toContain('electron');
  });

  it('bundles the catalogue import worker beside the main bundle, and it starts from there', async () => {
    const dir = path.join(out, 'electron');
    const external = requiresOf(path.join(dir, 'catalogue-import-worker.js')).filter((m) => !isBuiltin(m));
    expect(external).toEqual(['better-sqlite3']);
    // The same lookup the core uses: the bundled .js next to the running bundle, no tsx involved. The bundle
    // finds better-sqlite3 the way the packaged app does, in a node_modules above it.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'), 'dir');
    const db = path.join(out, 'worker-probe.sqlite');
    const migrated = openDatabase(db);
    migrate(migrated, MIGRATIONS);
    migrated.close();
    const { port1 } = new MessageChannel();
    const worker = startWorker(dir, 'catalogue-import-worker', {
      workerData: { role: 'write', link: port1, dbFile: db, nativeBinding: undefined },
      transferList: [port1],
    });
    try {
      const first = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(first).toEqual({ t: 'ready' });
    } finally {
      await worker.terminate();
    }
  });

  it('writes source maps', () => {
    expect(fs.existsSync(path.join(out, 'electron', 'main.js.map'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'electron', 'preload.js.map'))).toBe(true);
  });

  it('fails loudly on an unknown entry', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/build-shell.mjs', '--only', 'nope', '--outdir', out], {
        cwd: ROOT,
        stdio: 'pipe',
      }),
    ).toThrow(/unknown entries: nope/);
  });
});
