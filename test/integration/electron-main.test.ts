import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../app/shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../electron/window-security';

/**
 * Runs the bundled main process (dist-style main.js) under plain Node against a fake `electron`
 * module: the real Electron binary cannot run here, but the shell's wiring — boot, IPC, the
 * app:// protocol, the window, shutdown — can still be exercised end to end.
 */

const ROOT = path.resolve(__dirname, '..', '..');
let out: string;

// A stand-in for the parts of Electron that electron/main.ts touches. It records what the main
// process does and lets the driver play the user and the renderer.
const FAKE_ELECTRON = String.raw`
const { EventEmitter } = require('node:events');
const path = require('node:path');
const state = {
  lock: process.env.FAKE_LOCK !== '0',
  privileges: null, protocolHandler: null, ipc: new Map(), windows: [], quitCalls: 0, exitCode: null,
  quitted: false, errorBoxes: [], permissionHandlers: 0, headerHooks: 0, menu: 'default', userData: null,
  hardened: 0,
};
const app = new EventEmitter();
let readyResolve;
const ready = new Promise((r) => (readyResolve = r));
Object.assign(app, {
  isPackaged: true,
  getVersion: () => '0.0.0-test',
  getAppPath: () => process.cwd(),
  getPath: (name) => (name === 'appData' ? process.env.FAKE_APPDATA : state.userData),
  setPath: (name, value) => { if (name === 'userData') state.userData = value; },
  requestSingleInstanceLock: () => state.lock,
  setAppUserModelId: () => undefined,
  whenReady: () => ready,
  quit: () => {
    state.quitCalls++;
    let prevented = false;
    app.emit('will-quit', { preventDefault: () => { prevented = true; } });
    if (!prevented) state.quitted = true;
  },
  exit: (code) => { state.exitCode = code; state.quitted = true; },
});
let nextId = 1;
class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.sent = [];
    this.destroyed = false;
    this.openHandler = null;
    this.mainFrame = { url: '', parent: null, detached: false };
  }
  send(...args) { this.sent.push(args); }
  isDestroyed() { return this.destroyed; }
  reload() {}
  setWindowOpenHandler(h) { this.openHandler = h; }
}
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.loaded = null;
    this.destroyed = false;
    state.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) { this.loaded = url; this.webContents.mainFrame.url = url; this.emit('ready-to-show'); }
  show() { this.shown = true; }
  focus() {}
  restore() {}
  isMinimized() { return false; }
  isDestroyed() { return this.destroyed; }
  close() {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    if (state.windows.every((w) => w.destroyed)) app.emit('window-all-closed');
  }
}
const webRequest = { onHeadersReceived: () => { state.headerHooks++; } };
module.exports = {
  __state: state,
  __ready: () => readyResolve(),
  app,
  BrowserWindow,
  dialog: { showErrorBox: (title, msg) => state.errorBoxes.push([title, msg]) },
  ipcMain: {
    handle: (ch, fn) => { if (state.ipc.has(ch)) throw new Error('second handler ' + ch); state.ipc.set(ch, fn); },
    removeHandler: (ch) => state.ipc.delete(ch),
  },
  Menu: { setApplicationMenu: (m) => { state.menu = m; } },
  protocol: {
    registerSchemesAsPrivileged: (s) => { state.privileges = s; },
    handle: (scheme, fn) => { state.protocolHandler = { scheme, fn }; },
  },
  safeStorage: {
    isEncryptionAvailable: () => true,
    encryptString: (s) => Buffer.from('enc:' + s),
    decryptString: (b) => b.toString().slice(4),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: () => { state.permissionHandlers++; },
      setPermissionCheckHandler: () => { state.permissionHandlers++; },
      setDevicePermissionHandler: () => { state.permissionHandlers++; },
      webRequest,
    },
  },
};
`;

// Plays one session: start, call the API as the page would, fetch files, close the window.
const DRIVER = String.raw`
const electron = require('electron');
const state = electron.__state;
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, what) {
  for (let i = 0; i < 200; i++) { if (fn()) return; await wait(25); }
  throw new Error('timed out waiting for ' + what);
}
(async () => {
  require('./electron/main.js');
  const result = { lockHeld: state.lock };
  electron.__ready();
  if (!state.lock) {
    await wait(100);
    Object.assign(result, { quitCalls: state.quitCalls, ipcCount: state.ipc.size, windows: state.windows.length });
    process.stdout.write(JSON.stringify(result));
    return;
  }
  await until(() => state.windows.length === 1 && state.windows[0].loaded, 'the window');
  const win = state.windows[0];
  const wc = win.webContents;
  const top = (url) => ({ sender: wc, senderFrame: { url, parent: null, detached: false } });
  const call = (ch, ev, ...args) => state.ipc.get(ch)(ev, ...args);

  result.userData = state.userData;
  result.privileges = state.privileges;
  result.ipcChannels = [...state.ipc.keys()].sort();
  result.webPreferences = win.options.webPreferences;
  result.loaded = win.loaded;
  result.shown = !!win.shown;
  result.menu = state.menu;
  result.permissionHandlers = state.permissionHandlers;
  result.headerHooks = state.headerHooks;
  result.navigationGuards = wc.listenerCount('will-navigate');
  result.windowOpen = wc.openHandler && wc.openHandler({ url: 'https://evil.example/' });

  result.status = await call('pos:app.status', top('app://pos/index.html'), {});
  result.foreign = await call('pos:app.status', top('https://evil.example/'), {});
  const stranger = { id: 999 };
  result.stranger = await call('pos:app.status', { sender: stranger, senderFrame: { url: 'app://pos/', parent: null } }, {});
  result.invalid = await call('pos:auth.login', top('app://pos/index.html'), { username: 'a' });

  const serve = async (url, method = 'GET') => {
    const res = await state.protocolHandler.fn(new Request(url, { method }));
    return { status: res.status, csp: res.headers.get('content-security-policy'), type: res.headers.get('content-type'),
      body: method === 'GET' ? await res.text() : null };
  };
  result.protocolScheme = state.protocolHandler.scheme;
  result.index = await serve('app://pos/index.html');
  result.route = await serve('app://pos/sale/checkout');
  result.traversal = await serve('app://pos/%2e%2e/%2e%2e/package.json');
  result.post = await serve('app://pos/index.html', 'POST');

  const page = top('app://pos/index.html');
  result.setup = await call('pos:auth.setupAdmin', page, { username: 'admin', displayName: '管理员', password: 'Counter2025safe' });
  result.info = await call('pos:system.info', page, {});
  result.update = await call('pos:settings.update', page, { changes: { 'pharmacy.receipt_title': '测试药店' } });
  result.sent = wc.sent.map(([channel, name]) => [channel, name]);

  win.close();
  await until(() => state.quitted, 'the app to quit');
  result.quitCalls = state.quitCalls;
  result.ipcAfterQuit = state.ipc.size;
  result.exitCode = state.exitCode;
  result.errorBoxes = state.errorBoxes;
  process.stdout.write(JSON.stringify(result));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

function run(env: Record<string, string>): Record<string, unknown> {
  const stdout = execFileSync(process.execPath, ['driver.cjs'], {
    cwd: out,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-main-'));
  execFileSync(process.execPath, ['scripts/build-shell.mjs', '--only', 'main', '--outdir', out], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  fs.mkdirSync(path.join(out, 'node_modules', 'electron'), { recursive: true });
  fs.writeFileSync(path.join(out, 'node_modules', 'electron', 'index.js'), FAKE_ELECTRON);
  // The native modules the bundle leaves external, found the way the packaged app finds them.
  for (const m of ['better-sqlite3', 'serialport', 'koffi']) {
    fs.symlinkSync(path.join(ROOT, 'node_modules', m), path.join(out, 'node_modules', m), 'junction');
  }
  fs.mkdirSync(path.join(out, 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(out, 'renderer', 'index.html'), '<!doctype html><title>收银台</title>');
  fs.writeFileSync(path.join(out, 'package.json'), '{"secret": true}');
  fs.writeFileSync(path.join(out, 'driver.cjs'), DRIVER);
}, 60_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('electron/main.ts under a fake Electron', () => {
  let r: Record<string, unknown>;
  let appData: string;

  beforeAll(() => {
    appData = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-appdata-'));
    r = run({ FAKE_APPDATA: appData, POS_DATA_DIR: '' });
  }, 60_000);

  afterAll(() => fs.rmSync(appData, { recursive: true, force: true }));

  it('keeps its data in <appData>/PharmacyPOS', () => {
    expect(r.userData).toBe(path.join(appData, 'PharmacyPOS'));
    expect(fs.existsSync(path.join(appData, 'PharmacyPOS'))).toBe(true);
  });

  it('registers app:// as privileged and serves it', () => {
    expect(r.privileges).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(r.protocolScheme).toBe('app');
  });

  it('opens one hardened window on app://pos/ with the sandboxed preload', () => {
    expect(r.loaded).toBe('app://pos/index.html');
    expect(r.shown).toBe(true);
    expect(r.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      devTools: false,
    });
    expect(String((r.webPreferences as { preload: string }).preload)).toBe(path.join(out, 'electron', 'preload.js'));
    expect(r.navigationGuards).toBe(1);
    expect(r.windowOpen).toEqual({ action: 'deny' });
    expect(r.permissionHandlers).toBe(3);
    expect(r.headerHooks).toBe(1);
    expect(r.menu).toBeNull();
  });

  it('registers every channel and answers the page', () => {
    expect(r.ipcChannels).toEqual(CHANNEL_NAMES.map((c) => `pos:${c}`).sort());
    expect(r.status).toMatchObject({ ok: true, value: { shell: 'desktop', fatal: null, version: '0.0.0-test' } });
    expect(r.invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('keeps secrets with safeStorage when the OS offers it', () => {
    expect(r.setup).toMatchObject({ ok: true });
    expect(r.info).toMatchObject({ ok: true, value: { secretStorage: { scheme: 'electron-safestorage' } } });
  });

  it('forwards core events to the window on pos:event', () => {
    expect(r.update).toMatchObject({ ok: true });
    expect(r.sent).toContainEqual(['pos:event', 'settings.changed']);
  });

  it('refuses foreign pages and contents it did not create', () => {
    expect(r.foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(r.stranger).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
  });

  it('serves the renderer with the CSP, falls back to index.html for routes, refuses traversal', () => {
    expect(r.index).toMatchObject({ status: 200, csp: CONTENT_SECURITY_POLICY, type: 'text/html; charset=utf-8' });
    expect(r.route).toMatchObject({ status: 200, body: expect.stringContaining('收银台') });
    expect(r.traversal).toMatchObject({ status: 404, csp: CONTENT_SECURITY_POLICY });
    expect((r.traversal as { body: string }).body).not.toContain('secret');
    expect(r.post).toMatchObject({ status: 405 });
  });

  it('closes the core and unregisters IPC before quitting when the window closes', () => {
    expect(r.quitCalls).toBe(2);
    expect(r.ipcAfterQuit).toBe(0);
    expect(r.exitCode).toBeNull();
    expect(r.errorBoxes).toEqual([]);
  });
});

describe('electron/main.ts edge cases', () => {
  it('a second instance quits at once without booting', () => {
    const appData = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-appdata-'));
    try {
      const r = run({ FAKE_APPDATA: appData, FAKE_LOCK: '0' });
      expect(r).toMatchObject({ lockHeld: false, quitCalls: 1, ipcCount: 0, windows: 0 });
    } finally {
      fs.rmSync(appData, { recursive: true, force: true });
    }
  });

  it('still opens the window when the core cannot start, and app.status carries the reason', () => {
    const appData = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-appdata-'));
    const notADir = path.join(appData, 'file-not-dir');
    fs.writeFileSync(notADir, 'x');
    try {
      const r = run({ FAKE_APPDATA: appData, POS_DATA_DIR: notADir });
      expect(r.loaded).toBe('app://pos/index.html');
      expect(r.status).toMatchObject({ ok: true, value: { fatal: { code: expect.any(String) } } });
      expect(r.quitCalls).toBe(2);
    } finally {
      fs.rmSync(appData, { recursive: true, force: true });
    }
  });
});
