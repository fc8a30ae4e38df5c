import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER_NAME = 'PharmacyPOS';

/** Where the desktop app keeps its data by default; the same folder browser mode uses. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA ?? path.win32.join(os.homedir(), 'AppData', 'Roaming'), APP_FOLDER_NAME);
  }
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', APP_FOLDER_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), APP_FOLDER_NAME);
}

/** POS_DATA_DIR wins over the shell's default so implementers and scripts can point the app elsewhere. */
export function resolveDataDir(env: NodeJS.ProcessEnv, fallback: string): string {
  const fromEnv = env.POS_DATA_DIR?.trim();
  return path.resolve(fromEnv ? fromEnv : fallback);
}

export interface DataPaths {
  dataDir: string;
  dbPath: string;
  logDir: string;
  defaultBackupDir: string;
}

export function dataPaths(dataDir: string): DataPaths {
  return {
    dataDir,
    dbPath: path.join(dataDir, 'pos.sqlite'),
    logDir: path.join(dataDir, 'logs'),
    defaultBackupDir: path.join(dataDir, 'backups'),
  };
}
