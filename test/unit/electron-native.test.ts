import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as binding from '../../electron/native-binding';
import * as script from '../../scripts/electron-native.mjs';

const WANTED = { electron: '45.5.0', arch: 'x64', platform: 'win32', betterSqlite3: '12.11.1' };

const temps: string[] = [];
function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-native-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function writeJson(file: string, value: unknown) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

/** A project root with the installed packages the script reads, and optionally a finished build. */
function project(opts: { built?: boolean; stamp?: unknown } = {}) {
  const root = tempRoot();
  writeJson(path.join(root, 'node_modules', 'electron', 'package.json'), { version: WANTED.electron });
  writeJson(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), { version: WANTED.betterSqlite3 });
  const dir = path.join(root, script.ELECTRON_NATIVE_DIR);
  if (opts.built) {
    fs.mkdirSync(path.dirname(path.join(dir, script.NATIVE_BINARY)), { recursive: true });
    fs.writeFileSync(path.join(dir, script.NATIVE_BINARY), 'not really a binary');
  }
  if (opts.stamp !== undefined) writeJson(path.join(dir, script.NATIVE_STAMP_FILE), opts.stamp);
  return root;
}

describe('electron-native layout', () => {
  it('is the same in the script and in the main process', () => {
    expect(script.ELECTRON_NATIVE_DIR).toBe(binding.ELECTRON_NATIVE_DIR);
    expect(script.NATIVE_STAMP_FILE).toBe(binding.NATIVE_STAMP_FILE);
    expect(script.NATIVE_BINARY).toBe(binding.NATIVE_BINARY);
  });

  it('lives under .cache, never inside node_modules', () => {
    expect(script.ELECTRON_NATIVE_DIR.split(path.sep)[0]).toBe('.cache');
    expect(script.NATIVE_BINARY).not.toContain('node_modules');
  });
});

describe('stamp logic', () => {
  it('matches only the same Electron, arch, platform and better-sqlite3', () => {
    const stamp = script.makeStamp(WANTED, 'prebuild-install', new Date('2025-01-02T03:04:05Z'));
    expect(stamp).toEqual({ ...WANTED, method: 'prebuild-install', builtAt: '2025-01-02T03:04:05.000Z' });
    expect(script.stampMatches(stamp, WANTED)).toBe(true);
    expect(script.stampMatches(stamp, { ...WANTED, electron: '45.5.1' })).toBe(false);
    expect(script.stampMatches(stamp, { ...WANTED, arch: 'ia32' })).toBe(false);
    expect(script.stampMatches(stamp, { ...WANTED, platform: 'linux' })).toBe(false);
    expect(script.stampMatches(stamp, { ...WANTED, betterSqlite3: '12.12.0' })).toBe(false);
  });

  it('treats a missing, damaged or partial stamp as no build', () => {
    expect(script.stampMatches(null, WANTED)).toBe(false);
    expect(script.stampMatches('45.5.0', WANTED)).toBe(false);
    expect(script.stampMatches({ electron: '45.5.0' }, WANTED)).toBe(false);
    expect(script.stampMatches(WANTED, { electron: '45.5.0' })).toBe(false);
    const root = tempRoot();
    fs.writeFileSync(path.join(root, 'stamp.json'), '{ not json');
    expect(script.readStamp(path.join(root, 'stamp.json'))).toBeNull();
    expect(script.readStamp(path.join(root, 'missing.json'))).toBeNull();
  });
});

describe('planBuild', () => {
  const arch = WANTED.arch;

  it('builds when nothing was built yet', () => {
    const plan = script.planBuild(project(), { arch }, {});
    expect(plan.action).toBe('build');
    expect(plan.wanted).toMatchObject({ electron: '45.5.0', betterSqlite3: '12.11.1', arch: 'x64' });
  });

  it('skips when the binary exists and the stamp matches', () => {
    const root = project({ built: true, stamp: { ...WANTED, platform: process.platform } });
    expect(script.planBuild(root, { arch }, {}).action).toBe('up-to-date');
    expect(script.planBuild(root, { arch, force: true }, {}).action).toBe('build');
  });

  it('rebuilds after an Electron upgrade or for another arch', () => {
    const root = project({ built: true, stamp: { ...WANTED, electron: '44.0.0', platform: process.platform } });
    expect(script.planBuild(root, { arch }, {}).action).toBe('build');
    const other = project({ built: true, stamp: { ...WANTED, platform: process.platform } });
    expect(script.planBuild(other, { arch: 'ia32' }, {}).action).toBe('build');
  });

  it('rebuilds when the stamp matches but the binary is gone', () => {
    const root = project({ built: false, stamp: { ...WANTED, platform: process.platform } });
    expect(script.planBuild(root, { arch }, {}).action).toBe('build');
  });

  it('reports a missing npm install and honours POS_SKIP_ELECTRON_NATIVE', () => {
    const plan = script.planBuild(tempRoot(), { arch }, {});
    expect(plan.action).toBe('error');
    expect(plan.reason).toMatch(/npm install/);
    expect(script.planBuild(project(), { arch }, { POS_SKIP_ELECTRON_NATIVE: '1' }).action).toBe('skip');
  });

  it('never plans to write into node_modules', () => {
    const root = project();
    const { paths } = script.planBuild(root, { arch }, {});
    for (const p of [paths.dir, paths.packageCopy, paths.binary, paths.stamp]) {
      expect(path.relative(root, p).split(path.sep)).not.toContain('node_modules');
    }
  });
});

describe('parseArgs', () => {
  it('reads --arch and --force and refuses anything else', () => {
    expect(script.parseArgs([])).toEqual({ arch: undefined, force: false });
    expect(script.parseArgs(['--arch', 'ia32', '--force'])).toEqual({ arch: 'ia32', force: true });
    expect(script.parseArgs(['--arch=x64'])).toEqual({ arch: 'x64', force: false });
    expect(() => script.parseArgs(['--arch', 'mips'])).toThrow(/arch/);
    expect(() => script.parseArgs(['--yes'])).toThrow(/unknown argument/);
  });
});

describe('devNativeBinding (main process side)', () => {
  const runtime = { electron: WANTED.electron, arch: WANTED.arch, platform: WANTED.platform };

  it('returns the cached binary when it was built for this Electron', () => {
    const root = project({ built: true, stamp: WANTED });
    const found = binding.devNativeBinding(root, runtime);
    expect(found).toEqual({ path: path.join(root, binding.ELECTRON_NATIVE_DIR, binding.NATIVE_BINARY), problem: null });
  });

  it('explains, in Chinese, why it cannot use the cache', () => {
    expect(binding.devNativeBinding(project(), runtime)).toMatchObject({
      path: undefined,
      problem: expect.stringMatching(/未找到/),
    });
    expect(binding.devNativeBinding(project({ built: true }), runtime).problem).toMatch(/标记/);
    expect(
      binding.devNativeBinding(project({ built: true, stamp: { ...WANTED, electron: '44.0.0' } }), runtime).problem,
    ).toMatch(/electron=44\.0\.0/);
    expect(
      binding.devNativeBinding(project({ built: true, stamp: { ...WANTED, betterSqlite3: '11.0.0' } }), runtime)
        .problem,
    ).toMatch(/不一致/);
  });
});
