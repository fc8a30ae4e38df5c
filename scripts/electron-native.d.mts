// Types for the parts of electron-native.mjs that the unit tests import.

export declare const ELECTRON_NATIVE_DIR: string;
export declare const NATIVE_STAMP_FILE: string;
export declare const PACKAGE_DIR: string;
export declare const NATIVE_BINARY: string;
export declare const ELECTRON_HEADERS_URL: string;

export interface WantedBuild {
  electron: string;
  arch: string;
  platform: string;
  betterSqlite3: string;
}

export interface BuildPaths {
  dir: string;
  source: string;
  packageCopy: string;
  binary: string;
  stamp: string;
}

export type BuildPlan =
  | { action: 'skip' | 'error'; reason: string; paths: BuildPaths; wanted: null }
  | { action: 'up-to-date' | 'build'; reason: string; paths: BuildPaths; wanted: WantedBuild };

export declare function parseArgs(argv: string[]): { arch: string | undefined; force: boolean };
export declare function stampMatches(stamp: unknown, wanted: Partial<WantedBuild>): boolean;
export declare function makeStamp(
  wanted: WantedBuild,
  method: string,
  now?: Date,
): WantedBuild & { method: string; builtAt: string };
export declare function readStamp(file: string): unknown;
export declare function planBuild(
  root: string,
  options: { arch?: string; force?: boolean },
  env?: NodeJS.ProcessEnv,
): BuildPlan;
export declare function buildForElectron(root: string, options: { arch?: string; force?: boolean }): boolean;
