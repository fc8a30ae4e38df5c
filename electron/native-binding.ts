import fs from 'node:fs';
import path from 'node:path';

/**
 * Where `scripts/electron-native.mjs` leaves the better-sqlite3 binary built for Electron, and
 * whether it fits the Electron that is running. Only for `npm start` on a developer machine: a
 * packaged app has node_modules rebuilt by electron-builder and passes no binding at all.
 * The same layout is written down in the script; test/unit/electron-native.test.ts keeps the
 * two in step.
 */

export const ELECTRON_NATIVE_DIR = path.join('.cache', 'electron-native');
export const NATIVE_STAMP_FILE = 'stamp.json';
export const NATIVE_BINARY = path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

export interface NativeRuntime {
  electron: string;
  arch: string;
  platform: string;
}

export type DevNativeBinding = { path: string; problem: null } | { path: undefined; problem: string };

export function devNativeBinding(appPath: string, runtime: NativeRuntime): DevNativeBinding {
  const dir = path.join(appPath, ELECTRON_NATIVE_DIR);
  const binary = path.join(dir, NATIVE_BINARY);
  const hint = '请先运行 node scripts/electron-native.mjs (run it to build better-sqlite3 for Electron)';
  if (!fs.existsSync(binary))
    return { path: undefined, problem: `未找到为 Electron 编译的 better-sqlite3：${binary}。${hint}` };

  let stamp: Record<string, unknown>;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(dir, NATIVE_STAMP_FILE), 'utf8')) as Record<string, unknown>;
  } catch {
    return { path: undefined, problem: `better-sqlite3 的 Electron 版本标记缺失或损坏。${hint}` };
  }
  for (const key of ['electron', 'arch', 'platform'] as const) {
    if (stamp[key] !== runtime[key]) {
      return {
        path: undefined,
        problem: `better-sqlite3 是为 ${key}=${String(stamp[key])} 编译的，当前是 ${runtime[key]}。${hint}`,
      };
    }
  }
  const installed = readVersion(path.join(appPath, 'node_modules', 'better-sqlite3', 'package.json'));
  if (installed && stamp.betterSqlite3 !== installed) {
    return {
      path: undefined,
      problem: `缓存的 better-sqlite3 ${String(stamp.betterSqlite3)} 与已安装的 ${installed} 不一致。${hint}`,
    };
  }
  return { path: binary, problem: null };
}

function readVersion(packageJson: string): string | null {
  try {
    const v = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}
