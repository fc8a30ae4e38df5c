import type { Dispatcher } from './api/dispatch';
import type { PosEventBus } from './api/events';
import type { ClientSession } from './api/session';
import type { Logger } from './core/logger';
import type { SecretCipher } from './core/secrets';
import type { BackupInfo } from './shared/contract';
import type { NhsaService } from './nhsa/service';
import type { CatalogueSync } from './catalogue/sync';
import type { NativeDeviceFactories } from './devices/hub';

export interface BootOptions {
  /** the data folder: database, logs, backups, key file (POS_DATA_DIR overrides the shell's default) */
  dataDir: string;
  shell: 'desktop' | 'browser' | 'cli';
  version: string;
  /** environment for POS_<NAME> overrides; defaults to process.env */
  env?: NodeJS.ProcessEnv;
  /** how secrets are encrypted at rest; desktop passes Electron safeStorage, others get the key file */
  secretCipher?: SecretCipher;
  /** better-sqlite3 native binding built for Electron (the Node build is used otherwise) */
  nativeBinding?: string;
  now?: () => Date;
  /** start the daily backup timer (desktop and browser mode; not for CLIs and most tests) */
  scheduleBackups?: boolean;
  /** the vendor-DLL bindings (e-voucher decoder, social-security card reader) the desktop shell provides */
  nativeDevices?: NativeDeviceFactories;
}

/** What a shell gets from booting the core: one dispatcher, one event bus, and a way to stop. */
export interface PosCore {
  readonly dispatcher: Dispatcher;
  readonly events: PosEventBus;
  readonly log: Logger;
  /** set when start-up failed: every call but app.status answers with this error */
  readonly fatal: { code: string; message: string } | null;
  /** browser-mode port from the settings (0 = random) */
  webPort(): number;
  /** writes today's online backup and prunes old ones (also run daily by the timer) */
  runBackup(): Promise<BackupInfo>;
  /** the insurance service (client, journal, reversals, sandbox); null when it could not start */
  readonly nhsa: NhsaService | null;
  /** national-catalogue sync and search; null when it could not start */
  readonly catalogue: CatalogueSync | null;
  /** a UI went away (window closed, socket dropped): log its operator out */
  endSession(session: ClientSession): Promise<void>;
  close(): Promise<void>;
}
