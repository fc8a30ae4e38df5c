import fs from 'node:fs';
import path from 'node:path';

/**
 * Window hardening for the desktop shell. Nothing here imports electron: the shell passes in the
 * objects (webContents, session) and this module only decides, so every rule is unit-tested
 * under plain Node.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'pos';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for `protocol.registerSchemesAsPrivileged`. `standard` gives the pages a real origin
 * (relative URLs, localStorage, ES modules); `secure` makes it a secure context like https.
 * CORS, service workers and CSP bypass are deliberately not granted.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;

export interface SecureWebPreferencesOptions {
  /** DevTools are for developers and implementers; the shell turns them off in a packaged build */
  devTools?: boolean;
}

export function secureWebPreferences(preloadPath: string, options: SecureWebPreferencesOptions = {}) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // A cash drawer or a card reader must not stall because the window lost focus.
    backgroundThrottling: false,
    devTools: options.devTools ?? true,
  } as const;
}

/**
 * Vite's production build needs nothing beyond 'self' for scripts (no inline bootstrap, no
 * eval). Small assets are inlined as data: URIs (assetsInlineLimit), hence data: for images and
 * fonts. 'unsafe-inline' stays for styles only because React components and libraries set
 * <style> elements at run time; it does not allow inline scripts.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Headers the app:// handler sets on every response it serves. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    // A new build must never be mixed with cached files from the previous one.
    'Cache-Control': 'no-cache',
  };
}

export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === ''
  );
}

// ---- the webContents side ---------------------------------------------------------------------

export interface PreventableEvent {
  preventDefault(): void;
  /** Electron ≥ 25 puts the target URL on the event itself */
  url?: string;
}

export type WindowOpenResponse = { action: 'deny' } | { action: 'allow' };

/** The subset of Electron's WebContents that hardening touches. */
export interface HardenableContents {
  on(event: 'will-navigate', listener: NavigationListener): unknown;
  on(event: 'will-redirect', listener: NavigationListener): unknown;
  on(event: 'will-frame-navigate', listener: NavigationListener): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenResponse): void;
}

type NavigationListener = (event: PreventableEvent, legacyUrl?: string) => void;

export interface SecurityLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Everything the page could do to leave the app: navigate or be redirected elsewhere, open a
 * window, embed a webview. The POS has exactly one page, so all of it is refused.
 */
export function hardenWebContents(contents: HardenableContents, log?: SecurityLog): void {
  const guard =
    (kind: string): NavigationListener =>
    (event, legacyUrl) => {
      const url = event.url ?? legacyUrl;
      if (isAppUrl(url)) return;
      event.preventDefault();
      log?.warn('window: navigation refused', { kind, url: describeUrl(url) });
    };
  contents.on('will-navigate', guard('will-navigate'));
  contents.on('will-redirect', guard('will-redirect'));
  contents.on('will-frame-navigate', guard('will-frame-navigate'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log?.warn('window: webview refused');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log?.warn('window: window.open refused', { url: describeUrl(url) });
    return { action: 'deny' };
  });
}

/** Log only where a URL pointed, never its query (it may carry a card number or a token). */
function describeUrl(url: unknown): string {
  if (typeof url !== 'string') return String(url);
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`.slice(0, 200);
  } catch {
    return '(invalid url)';
  }
}

// ---- the session side ---------------------------------------------------------------------------

export interface PermissionSession {
  setPermissionRequestHandler(
    handler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((contents: unknown, permission: string) => boolean) | null): void;
  setDevicePermissionHandler?(handler: ((details: unknown) => boolean) | null): void;
}

/**
 * The counter needs no browser permission: scanners are keyboard wedges, printers, card readers
 * and the drawer are driven from the main process. Camera, microphone, notifications, HID,
 * serial, USB, geolocation and the rest are all refused.
 */
export function denyAllPermissions(session: PermissionSession, log?: SecurityLog): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log?.warn('window: permission refused', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}

export interface HeadersDetails {
  url: string;
  responseHeaders?: Record<string, string | string[]>;
}

export type HeadersCallback = (response: { responseHeaders?: Record<string, string | string[]> }) => void;

/**
 * For `session.webRequest.onHeadersReceived`: adds the CSP to every app:// response, replacing
 * any policy already there, whatever its spelling. The protocol handler sets the same header
 * itself; this hook is the second lock in case a response reaches the page some other way.
 */
export function cspHeaderHook(details: HeadersDetails, callback: HeadersCallback): void {
  if (!isAppUrl(details.url)) {
    callback({});
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
  }
  headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  callback({ responseHeaders: headers });
}

// ---- the app:// protocol -----------------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export interface FileProbe {
  isFile(file: string): boolean;
}

const diskProbe: FileProbe = {
  isFile(file) {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
};

// Anything a path segment must not contain once decoded: separators (an encoded "/" or "\"),
// a drive or stream colon, NUL, and control characters.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_SEGMENT_CHARS = /[/\\:\u0000-\u001f]/;

/**
 * Maps app://pos/<path> to a file inside `rootDir` (the built renderer). Returns null for a URL
 * of another origin, for any attempt to step outside `rootDir`, and for a missing file that
 * looks like a file (has an extension). A missing extension-less path is a client-side route
 * and gets index.html.
 */
export function resolveAppFile(rootDir: string, url: string, probe: FileProbe = diskProbe): string | null {
  if (!isAppUrl(url)) return null;
  // The raw path is checked before URL parsing so that the parser's own ".." folding cannot
  // hide a traversal attempt; a request like that is hostile, not a route.
  const rawPath = rawPathOf(url);
  if (rawPath === null || rawPath.includes('\\') || /%5c/i.test(rawPath)) return null;

  const pathname = new URL(url).pathname;
  const segments: string[] = [];
  const parts = pathname === '/' ? [] : pathname.slice(1).split('/');
  for (const [i, part] of parts.entries()) {
    // A trailing slash is allowed ("app://pos/sale/"); an empty segment elsewhere ("//") is not.
    if (part === '' && i === parts.length - 1) continue;
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (segment === '' || segment.startsWith('.') || FORBIDDEN_SEGMENT_CHARS.test(segment)) return null;
    segments.push(segment);
  }

  const root = path.resolve(rootDir);
  const index = path.join(root, 'index.html');
  if (segments.length === 0) return probe.isFile(index) ? index : null;

  const candidate = path.resolve(root, ...segments);
  const rel = path.relative(root, candidate);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;

  if (probe.isFile(candidate)) return candidate;
  const last = segments[segments.length - 1] ?? '';
  if (path.extname(last) === '' && probe.isFile(index)) return index;
  return null;
}

/** The path as written in the URL, before any normalisation. */
function rawPathOf(url: string): string | null {
  const prefix = `${APP_ORIGIN}`;
  if (!url.toLowerCase().startsWith(prefix)) return null;
  const rest = url.slice(prefix.length);
  const end = rest.search(/[?#]/);
  const raw = end === -1 ? rest : rest.slice(0, end);
  if (raw === '') return '/';
  if (!raw.startsWith('/')) return null;
  const segments = raw.split('/');
  for (const s of segments) {
    const lower = s.toLowerCase();
    if (lower === '..' || lower === '.' || /^(\.|%2e){1,2}$/.test(lower)) return null;
  }
  return raw;
}
