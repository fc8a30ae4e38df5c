import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(external.filter((m) => !['electron', 'better-sqlite3', 'bufferutil', 'utf-8-validate'].includes(m))).toEqual(
      [],
    );
    expect(external).toContain('electron');
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
