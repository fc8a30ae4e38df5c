#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron into .cache/electron-native/, for `npm start`
// on a developer machine. node_modules/better-sqlite3 is left alone: the tests need its Node
// build. Installers do not use this: electron-builder rebuilds node_modules at packaging time.
//
// Usage: node scripts/electron-native.mjs [--arch x64|ia32|arm64] [--force]
// POS_SKIP_ELECTRON_NATIVE=1 skips it (e.g. when the Node build is deliberately used).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Keep in step with electron/native-binding.ts (checked by test/unit/electron-native.test.ts).
export const ELECTRON_NATIVE_DIR = path.join('.cache', 'electron-native');
export const NATIVE_STAMP_FILE = 'stamp.json';
export const PACKAGE_DIR = 'better-sqlite3';
export const NATIVE_BINARY = path.join(PACKAGE_DIR, 'build', 'Release', 'better_sqlite3.node');
export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

const STAMP_KEYS = ['electron', 'arch', 'platform', 'betterSqlite3'];

/** @param {string[]} argv */
export function parseArgs(argv) {
  /** @type {{ arch: string | undefined, force: boolean }} */
  const out = { arch: undefined, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') out.force = true;
    else if (a === '--arch') out.arch = argv[++i];
    else if (a?.startsWith('--arch=')) out.arch = a.slice('--arch='.length);
    else throw new Error(`未知参数 / unknown argument: ${a}`);
  }
  if (out.arch !== undefined && !/^(x64|ia32|arm64)$/.test(out.arch)) {
    throw new Error(`不支持的架构 / unsupported arch: ${out.arch}`);
  }
  return out;
}

/** @param {unknown} stamp @param {Record<string, string>} wanted */
export function stampMatches(stamp, wanted) {
  if (!stamp || typeof stamp !== 'object') return false;
  const s = /** @type {Record<string, unknown>} */ (stamp);
  return STAMP_KEYS.every((k) => typeof wanted[k] === 'string' && s[k] === wanted[k]);
}

/** @param {Record<string, string>} wanted @param {string} method @param {Date} [now] */
export function makeStamp(wanted, method, now = new Date()) {
  /** @type {Record<string, string>} */
  const stamp = {};
  for (const k of STAMP_KEYS) stamp[k] = wanted[k] ?? '';
  return { ...stamp, method, builtAt: now.toISOString() };
}

/** @param {string} file */
export function readStamp(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** @param {string} packageJson */
function readVersion(packageJson) {
  try {
    const v = JSON.parse(fs.readFileSync(packageJson, 'utf8')).version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/**
 * Decides what to do without doing it.
 * @param {string} root project root
 * @param {{ arch?: string, force?: boolean }} options
 * @param {NodeJS.ProcessEnv} [env]
 */
export function planBuild(root, options, env = process.env) {
  const dir = path.join(root, ELECTRON_NATIVE_DIR);
  const paths = {
    dir,
    source: path.join(root, 'node_modules', PACKAGE_DIR),
    packageCopy: path.join(dir, PACKAGE_DIR),
    binary: path.join(dir, NATIVE_BINARY),
    stamp: path.join(dir, NATIVE_STAMP_FILE),
  };
  if (env.POS_SKIP_ELECTRON_NATIVE === '1') {
    return { action: /** @type {const} */ ('skip'), reason: 'POS_SKIP_ELECTRON_NATIVE=1', paths, wanted: null };
  }
  const electron = readVersion(path.join(root, 'node_modules', 'electron', 'package.json'));
  const betterSqlite3 = readVersion(path.join(paths.source, 'package.json'));
  if (!electron || !betterSqlite3) {
    return {
      action: /** @type {const} */ ('error'),
      reason: !electron
        ? '未安装 electron，请先运行 npm install (electron is not installed; run npm install first)'
        : '未安装 better-sqlite3，请先运行 npm install (better-sqlite3 is not installed; run npm install first)',
      paths,
      wanted: null,
    };
  }
  const wanted = { electron, arch: options.arch ?? process.arch, platform: process.platform, betterSqlite3 };
  if (!options.force && fs.existsSync(paths.binary) && stampMatches(readStamp(paths.stamp), wanted)) {
    return { action: /** @type {const} */ ('up-to-date'), reason: 'stamp matches', paths, wanted };
  }
  return {
    action: /** @type {const} */ ('build'),
    reason: options.force ? '--force' : 'no matching build',
    paths,
    wanted,
  };
}

/**
 * The local copy of a tool if npm installed one (works offline), else npx. prebuild-install and
 * node-gyp both come with better-sqlite3's own dependencies.
 * @param {string} root @param {string} pkg @param {string} bin
 */
function toolCommand(root, pkg, bin) {
  try {
    const file = createRequire(path.join(root, 'package.json')).resolve(`${pkg}/${bin}`);
    return { command: process.execPath, args: [file], shell: false };
  } catch {
    return { command: 'npx', args: ['--yes', pkg], shell: process.platform === 'win32' };
  }
}

/** @param {{ command: string, args: string[], shell: boolean }} tool @param {string[]} args @param {string} cwd */
function run(tool, args, cwd) {
  console.log(`> ${[tool.command, ...tool.args, ...args].join(' ')}`);
  const r = spawnSync(tool.command, [...tool.args, ...args], { cwd, stdio: 'inherit', shell: tool.shell });
  if (r.error) console.error(r.error.message);
  return r.status === 0;
}

/** @param {string} root @param {{ arch?: string, force?: boolean }} options */
export function buildForElectron(root, options) {
  const plan = planBuild(root, options);
  if (plan.action === 'skip') {
    console.log(`[electron-native] 已跳过 / skipped (${plan.reason})`);
    return true;
  }
  if (plan.action === 'error') {
    console.error(`[electron-native] ${plan.reason}`);
    return false;
  }
  const { wanted, paths } = plan;
  const label = `Electron ${wanted.electron} ${wanted.platform}-${wanted.arch}, better-sqlite3 ${wanted.betterSqlite3}`;
  if (plan.action === 'up-to-date') {
    console.log(`[electron-native] 已是最新，无需重新编译 / already built for ${label}`);
    return true;
  }

  console.log(`[electron-native] 正在为 Electron 准备 better-sqlite3 / preparing better-sqlite3 for ${label}`);
  fs.rmSync(paths.dir, { recursive: true, force: true });
  fs.mkdirSync(paths.dir, { recursive: true });
  // The copy leaves out build/ so that nothing of the Node binary can be mistaken for ours.
  fs.cpSync(paths.source, paths.packageCopy, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(paths.source, src);
      return rel !== 'build' && !rel.startsWith(`build${path.sep}`) && rel !== 'node_modules';
    },
  });

  const common = [`--arch=${wanted.arch}`];
  let method = 'prebuild-install';
  let ok = run(
    toolCommand(root, 'prebuild-install', 'bin.js'),
    ['--runtime=electron', `--target=${wanted.electron}`, `--platform=${wanted.platform}`, ...common, '--verbose'],
    paths.packageCopy,
  );
  if (!ok || !fs.existsSync(paths.binary)) {
    console.warn(
      '[electron-native] 没有可下载的预编译文件，改为本机编译 / no prebuilt binary, compiling with node-gyp',
    );
    method = 'node-gyp';
    ok = run(
      toolCommand(root, 'node-gyp', 'bin/node-gyp.js'),
      [
        'rebuild',
        '--release',
        `--target=${wanted.electron}`,
        `--dist-url=${ELECTRON_HEADERS_URL}`,
        // Electron's headers are cached apart from Node's, which use the same version numbers.
        `--devdir=${path.join(os.homedir(), '.electron-gyp')}`,
        ...common,
      ],
      paths.packageCopy,
    );
  }
  if (!ok || !fs.existsSync(paths.binary)) {
    console.error(
      [
        '[electron-native] 无法为 Electron 编译 better-sqlite3。',
        '  请检查网络（需要访问 GitHub 下载预编译文件，或 electronjs.org 下载头文件），',
        '  Windows 上还需要安装 Visual Studio 生成工具（“使用 C++ 的桌面开发”）和 Python 3。',
        '[electron-native] Could not build better-sqlite3 for Electron.',
        '  Check network access (GitHub for prebuilt binaries, electronjs.org for headers);',
        '  compiling on Windows also needs Visual Studio Build Tools (C++ workload) and Python 3.',
      ].join('\n'),
    );
    return false;
  }
  fs.writeFileSync(paths.stamp, JSON.stringify(makeStamp(wanted, method), null, 2) + '\n');
  console.log(`[electron-native] 完成 / done: ${paths.binary} (${method})`);
  return true;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;

if (invokedDirectly) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`[electron-native] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
  process.exit(buildForElectron(root, options) ? 0 : 1);
}
