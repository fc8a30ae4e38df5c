import { create } from 'zustand';
import type { BackupInfo, SystemInfo } from '../../../app/shared/contract';
import { call, errorMessage } from '../api/pos';

interface SystemState {
  info: SystemInfo | null;
  infoError: string | null;
  backups: BackupInfo[];
  backupsLoaded: boolean;
  backupsError: string | null;
  backingUp: boolean;
}

const initial: SystemState = {
  info: null,
  infoError: null,
  backups: [],
  backupsLoaded: false,
  backupsError: null,
  backingUp: false,
};

export const useSystemStore = create<SystemState>()(() => initial);
const set = useSystemStore.setState;

export function resetSystem(): void {
  set(initial);
}

export async function loadSystemInfo(): Promise<void> {
  set({ infoError: null });
  try {
    set({ info: await call('system.info', {}) });
  } catch (e) {
    set({ infoError: errorMessage(e) });
  }
}

export async function loadBackups(): Promise<void> {
  set({ backupsError: null });
  try {
    const backups = await call('system.listBackups', {});
    set({ backups, backupsLoaded: true });
  } catch (e) {
    set({ backupsError: errorMessage(e) });
  }
}

/** Throws PosError (e.g. BACKUP_FAILED) for the caller to show. */
export async function backupNow(): Promise<BackupInfo> {
  set({ backingUp: true });
  try {
    const info = await call('system.backupNow', {});
    void loadBackups();
    return info;
  } finally {
    set({ backingUp: false });
  }
}
