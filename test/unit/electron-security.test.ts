import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  contentTypeFor,
  cspHeaderHook,
  denyAllPermissions,
  hardenWebContents,
  isAppUrl,
  resolveAppFile,
  secureWebPreferences,
  securityHeaders,
  type HardenableContents,
  type PermissionSession,
  type PreventableEvent,
  type WindowOpenResponse,
} from '../../electron/window-security';

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the page and gives it no Node', () => {
    const prefs = secureWebPreferences('/app/dist/electron/preload.js');
    expect(prefs).toMatchObject({
      preload: '/app/dist/electron/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    });
  });

  it('turns DevTools off when asked (packaged build)', () => {
    expect(secureWebPreferences('p.js', { devTools: false }).devTools).toBe(false);
  });

  it('registers app:// as a secure standard scheme without CSP bypass or CORS', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled');
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it.each([
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['form-action', ["'none'"]],
  ])('%s is %j', (name, values) => {
    expect(directives.get(name)).toEqual(values);
  });

  it('never allows inline or eval’d scripts, or any remote origin', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|wasm-unsafe-eval|https?:|\*/);
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('is among the headers of every served file', () => {
    expect(securityHeaders()).toMatchObject({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('isAppUrl', () => {
  it.each([
    APP_ENTRY_URL,
    'app://pos/',
    'app://pos',
    'app://pos/assets/index-abc.js?x=1#top',
    'app://pos/sale/checkout',
  ])('accepts %s', (url) => expect(isAppUrl(url)).toBe(true));

  it.each([
    'https://evil.example/',
    'http://pos/',
    'file:///C:/pos/index.html',
    'app://evil/index.html',
    'app://pos.evil/index.html',
    'app://pos:8080/',
    'app://user:pw@pos/',
    'app:pos/index.html',
    'devtools://devtools/bundled/inspector.html',
    'about:blank',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    '',
    'not a url',
    null,
    undefined,
    42,
  ])('refuses %s', (url) => expect(isAppUrl(url)).toBe(false));
});

describe('resolveAppFile', () => {
  let root: string;
  let outside: string;

  beforeAll(() => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-app-files-'));
    root = path.join(base, 'renderer');
    outside = path.join(base, 'secret.txt');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'assets', 'logo mark.svg'), '<svg/>');
    fs.writeFileSync(path.join(root, '.env'), 'SECRET=1');
    // Same name inside the root: a traversal that the URL parser folds back into the root must
    // still be refused, not quietly served.
    fs.writeFileSync(path.join(root, 'secret.txt'), 'inside');
    fs.writeFileSync(outside, 'do not serve');
  });

  afterAll(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  it('maps the entry and its assets into the root', () => {
    expect(resolveAppFile(root, 'app://pos/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://pos')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, APP_ENTRY_URL)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://pos/assets/index-abc.js?v=2#x')).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveAppFile(root, 'app://pos/assets/logo%20mark.svg')).toBe(path.join(root, 'assets', 'logo mark.svg'));
  });

  it('serves index.html for client-side routes (no extension)', () => {
    expect(resolveAppFile(root, 'app://pos/sale')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://pos/settings/operators/')).toBe(path.join(root, 'index.html'));
  });

  it('returns null for a missing file that has an extension', () => {
    expect(resolveAppFile(root, 'app://pos/assets/missing.js')).toBeNull();
    expect(resolveAppFile(root, 'app://pos/favicon.ico')).toBeNull();
  });

  it.each([
    'app://pos/../secret.txt',
    'app://pos/assets/../../secret.txt',
    'app://pos/%2e%2e/secret.txt',
    'app://pos/%2E%2E/secret.txt',
    'app://pos/.%2e/secret.txt',
    'app://pos/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://pos/..%2fsecret.txt',
    'app://pos/..%5csecret.txt',
    'app://pos/assets\\..\\..\\secret.txt',
    'app://pos/%5c%5cserver%5cshare%5cx.txt',
    'app://pos//etc/passwd',
    'app://pos/C:/Windows/win.ini',
    'app://pos/C%3A%5CWindows%5Cwin.ini',
    'app://pos/%2Fetc%2Fpasswd',
    'app://pos/index.html%00.js',
    'app://pos/.env',
    'app://pos/./index.html',
    'app://pos/%zz',
    'https://evil.example/index.html',
    'file:///etc/passwd',
    'app://other/index.html',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(root, url)).toBeNull();
  });

  it('never returns a path outside the root, whatever the input', () => {
    const samples = ['..', '%2e%2e', '.', '%2e', 'a', '%2f', '%5c', '\\', ':', 'C:', ''];
    for (const a of samples) {
      for (const b of samples) {
        const resolved = resolveAppFile(root, `app://pos/${a}/${b}/secret.txt`);
        if (resolved !== null) expect(path.relative(root, resolved).startsWith('..')).toBe(false);
      }
    }
  });

  it('gives each served file a content type', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a/b/index-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
    expect(contentTypeFor('blob.bin')).toBe('application/octet-stream');
  });
});

/** A webContents stand-in that records listeners so the test can fire them. */
function fakeContents() {
  const listeners = new Map<string, ((event: PreventableEvent, url?: string) => void)[]>();
  let openHandler: ((details: { url: string }) => WindowOpenResponse) | null = null;
  const contents: HardenableContents = {
    on(name: string, listener: (event: PreventableEvent, url?: string) => void) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
  };
  const fire = (name: string, url?: string, legacy = false) => {
    let prevented = false;
    const ev: PreventableEvent = {
      preventDefault: () => {
        prevented = true;
      },
      ...(legacy ? {} : { url }),
    };
    for (const l of listeners.get(name) ?? []) l(ev, url);
    return prevented;
  };
  return { contents, fire, open: (url: string) => openHandler?.({ url }), listeners };
}

describe('hardenWebContents', () => {
  it('prevents navigation and redirects away from the app', () => {
    const { contents, fire } = fakeContents();
    const warnings: string[] = [];
    hardenWebContents(contents, { warn: (msg) => warnings.push(msg) });
    for (const kind of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(fire(kind, 'https://evil.example/')).toBe(true);
      expect(fire(kind, 'file:///C:/Windows/win.ini')).toBe(true);
      expect(fire(kind, 'app://pos.evil/')).toBe(true);
    }
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('lets the app move between its own pages', () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(contents);
    expect(fire('will-navigate', 'app://pos/index.html')).toBe(false);
    expect(fire('will-redirect', 'app://pos/sale')).toBe(false);
  });

  it('reads the URL from the older listener argument when the event has none', () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(contents);
    expect(fire('will-navigate', 'https://evil.example/', true)).toBe(true);
    expect(fire('will-navigate', 'app://pos/', true)).toBe(false);
  });

  it('prevents navigation when no URL is known at all', () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(contents);
    expect(fire('will-navigate', undefined)).toBe(true);
  });

  it('denies every window.open, including to our own origin', () => {
    const { contents, open } = fakeContents();
    hardenWebContents(contents);
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open('app://pos/index.html')).toEqual({ action: 'deny' });
  });

  it('prevents webviews from being attached', () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(contents);
    expect(fire('will-attach-webview', 'https://evil.example/')).toBe(true);
  });
});

describe('denyAllPermissions', () => {
  function fakeSession() {
    const s = {
      request: null as Parameters<PermissionSession['setPermissionRequestHandler']>[0],
      check: null as Parameters<PermissionSession['setPermissionCheckHandler']>[0],
      device: null as ((details: unknown) => boolean) | null,
    };
    const session: PermissionSession = {
      setPermissionRequestHandler: (h) => void (s.request = h),
      setPermissionCheckHandler: (h) => void (s.check = h),
      setDevicePermissionHandler: (h) => void (s.device = h),
    };
    return { s, session };
  }

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal'])(
    'refuses %s on request and on check',
    (permission) => {
      const { s, session } = fakeSession();
      denyAllPermissions(session);
      let granted: boolean | undefined;
      s.request?.({}, permission, (g) => (granted = g));
      expect(granted).toBe(false);
      expect(s.check?.({}, permission)).toBe(false);
      expect(s.device?.({ deviceType: permission })).toBe(false);
    },
  );

  it('works with a session that has no device handler', () => {
    const session: PermissionSession = {
      setPermissionRequestHandler: () => undefined,
      setPermissionCheckHandler: () => undefined,
    };
    expect(() => denyAllPermissions(session)).not.toThrow();
  });
});

describe('cspHeaderHook', () => {
  it('adds the CSP to an app:// response and replaces any other policy', () => {
    let out: { responseHeaders?: Record<string, string | string[]> } | undefined;
    cspHeaderHook(
      {
        url: 'app://pos/index.html',
        responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] },
      },
      (r) => (out = r),
    );
    expect(out?.responseHeaders).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('leaves other responses untouched', () => {
    let out: unknown;
    cspHeaderHook({ url: 'devtools://devtools/x', responseHeaders: { a: ['b'] } }, (r) => (out = r));
    expect(out).toEqual({});
  });
});
