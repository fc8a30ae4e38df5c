import fs from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  session as electronSession,
  type WebContents,
} from 'electron';
import { createSession, type ClientSession } from '../app/api/session';
import { bootCore } from '../app/boot';
import type { PosCore } from '../app/boot-types';
import type { NationEcCodeSettings, SsCardSettings } from '../app/devices/identity/types';
import { createNationEcDecoder } from '../native/nation-ec-code';
import { createSsCardReader } from '../native/ss-card';
import { APP_FOLDER_NAME, resolveDataDir } from '../app/core/paths';
import { createSafeStorageCipher } from '../app/core/secrets';
import { IPC_EVENT_CHANNEL } from '../app/shared/contract';
import { registerIpc } from './ipc';
import { devNativeBinding } from './native-binding';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  contentTypeFor,
  cspHeaderHook,
  denyAllPermissions,
  hardenWebContents,
  resolveAppFile,
  secureWebPreferences,
  securityHeaders,
} from './window-security';

// The Electron main process. Deliberately thin: every decision lives in a module that runs
// under plain Node (window-security, ipc, pos-api, native-binding, app/).

const RENDERER_DIR = path.join(__dirname, '..', 'renderer');
const PRELOAD = path.join(__dirname, 'preload.js');
const SHUTDOWN_TIMEOUT_MS = 5000;

// Must run before `ready`.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

// userData decides where Chromium keeps its profile and which lock the single-instance check
// takes, so it is set before either happens.
app.setPath('userData', path.join(app.getPath('appData'), APP_FOLDER_NAME));

let core: PosCore | null = null;
let mainWindow: BrowserWindow | null = null;
let unregisterIpc: (() => void) | null = null;
let stopForwardingEvents: (() => void) | null = null;
const sessions = new Map<number, ClientSession>();
/** the windows this process created, by webContents id: the only senders IPC accepts */
const ownContents = new Map<number, WebContents>();

function logError(msg: string, error: unknown): void {
  if (core) core.log.error(msg, { error });
  else console.error(msg, error);
}

process.on('uncaughtException', (e) => logError('main: uncaught exception', e));
process.on('unhandledRejection', (e) => logError('main: unhandled rejection', e));

if (!app.requestSingleInstanceLock()) {
  // Two cashier windows on one database would each think they own the counter.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents, core?.log));
  app.on('child-process-gone', (_e, details) => {
    if (details.reason !== 'clean-exit') core?.log.error('main: child process gone', { ...details });
  });
  installShutdown();
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      logError('main: start-up failed', e);
      dialog.showErrorBox('药店医保收银台无法启动', e instanceof Error ? e.message : String(e));
      app.exit(1);
    });
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId('cn.pharmacy.pos');
  if (app.isPackaged) Menu.setApplicationMenu(null);

  const dataDir = resolveDataDir(process.env, app.getPath('userData'));
  const nativeBinding = app.isPackaged ? undefined : devBinding();
  core = await bootCore({
    dataDir,
    shell: 'desktop',
    version: app.getVersion(),
    // Without OS encryption (rare: a broken DPAPI profile) the core falls back to its key file
    // and says so on the system screen.
    secretCipher: safeStorage.isEncryptionAvailable() ? createSafeStorageCipher(safeStorage) : undefined,
    nativeBinding,
    scheduleBackups: true,
    // The vendor DLLs are loaded when first used at the counter, from the JSON configuration in the settings.
    nativeDevices: {
      eVoucher: (config) =>
        createNationEcDecoder(config as NationEcCodeSettings, { log: core?.log.child({ area: 'native' }) }),
      ssCard: (config) => createSsCardReader(config as SsCardSettings, { log: core?.log.child({ area: 'native' }) }),
    },
  });
  const log = core.log.child({ area: 'shell' });
  if (core.fatal) log.error('main: core reports a fatal start-up error', { ...core.fatal });

  const ses = electronSession.defaultSession;
  denyAllPermissions(ses, log);
  // No URL filter: custom schemes are not accepted in every Electron's filter syntax, and the
  // hook itself leaves anything that is not app:// untouched.
  ses.webRequest.onHeadersReceived(cspHeaderHook);
  protocol.handle(APP_SCHEME, serveRendererFile);

  unregisterIpc = registerIpc(ipcMain, {
    dispatcher: core.dispatcher,
    log: core.log.child({ area: 'ipc' }),
    isTrustedSender: (event) => ownContents.get(event.sender.id) === event.sender,
    sessionFor: (sender) => {
      let s = sessions.get(sender.id);
      if (!s) sessions.set(sender.id, (s = createSession('ipc')));
      return s;
    },
  });
  stopForwardingEvents = core.events.on((name, data) => {
    for (const contents of ownContents.values()) {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, name, data);
    }
  });

  // Opened even when the core failed: the page asks app.status and shows the reason.
  createWindow();
}

function devBinding(): string | undefined {
  const found = devNativeBinding(app.getAppPath(), {
    electron: process.versions.electron,
    arch: process.arch,
    platform: process.platform,
  });
  if (found.problem) console.warn(`[main] ${found.problem}`);
  return found.path;
}

async function serveRendererFile(request: Request): Promise<Response> {
  const headers = securityHeaders();
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers });
  }
  const file = resolveAppFile(RENDERER_DIR, request.url);
  if (!file) {
    core?.log.warn('protocol: refused', { url: request.url.slice(0, 200) });
    return new Response('Not found', { status: 404, headers: { ...headers, 'Content-Type': 'text/plain' } });
  }
  try {
    const body = request.method === 'HEAD' ? null : new Uint8Array(await fs.promises.readFile(file));
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': contentTypeFor(file) } });
  } catch (e) {
    core?.log.error('protocol: read failed', { file, error: e });
    return new Response('Read error', { status: 500, headers: { ...headers, 'Content-Type': 'text/plain' } });
  }
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: '药店医保收银台',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(PRELOAD, {
      devTools: !app.isPackaged || process.env.POS_DEVTOOLS === '1',
    }),
  });
  const contents = win.webContents;
  const contentsId = contents.id;
  ownContents.set(contentsId, contents);
  mainWindow = win;

  win.once('ready-to-show', () => win.show());
  contents.on('preload-error', (_e, preloadPath, error) =>
    core?.log.error('window: preload failed', { preloadPath, error }),
  );
  let lastCrashReload = 0;
  contents.on('render-process-gone', (_e, details) => {
    core?.log.error('window: renderer gone', { ...details });
    // One automatic reload per minute at most, so a page that crashes on load cannot spin.
    if (details.reason !== 'clean-exit' && Date.now() - lastCrashReload > 60_000 && !win.isDestroyed()) {
      lastCrashReload = Date.now();
      contents.reload();
    }
  });
  win.on('closed', () => {
    ownContents.delete(contentsId);
    if (mainWindow === win) mainWindow = null;
    endSessionOf(contentsId);
  });

  void win.loadURL(APP_ENTRY_URL).catch((e: unknown) => logError('window: load failed', e));
}

function endSessionOf(contentsId: number): Promise<void> {
  const s = sessions.get(contentsId);
  sessions.delete(contentsId);
  if (!s || !core) return Promise.resolve();
  return core.endSession(s).catch((e: unknown) => logError('main: endSession failed', e));
}

/**
 * Quitting waits (briefly) for the core to log out open sessions and close the database, so a
 * quit during a write does not leave the WAL to be replayed on the next start.
 */
function installShutdown(): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('will-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    const work = (async () => {
      stopForwardingEvents?.();
      await Promise.all([...sessions.keys()].map(endSessionOf));
      unregisterIpc?.();
      await core?.close();
    })();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref());
    void Promise.race([work.catch((e: unknown) => logError('main: shutdown failed', e)), timeout]).finally(() => {
      state = 'stopped';
      app.quit();
    });
  });
}
