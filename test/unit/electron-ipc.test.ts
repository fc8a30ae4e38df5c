import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, type Handlers } from '../../app/api/dispatch';
import { createSession, type ClientSession } from '../../app/api/session';
import { createMemoryLogger } from '../../app/core/logger';
import { CHANNEL_NAMES, IPC_PREFIX, type SessionOperator } from '../../app/shared/contract';
import {
  registerIpc,
  type IpcInvokeEventLike,
  type IpcListener,
  type IpcMainLike,
  type WebContentsLike,
  type WebFrameLike,
} from '../../electron/ipc';

const OPERATOR: SessionOperator = {
  id: 7,
  username: 'wang',
  displayName: '王药师',
  roles: ['admin'],
  mustChangePassword: false,
};

/** Collects handlers the way ipcMain does, including its refusal of a second handler. */
function fakeIpcMain() {
  const handlers = new Map<string, IpcListener>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  return { ipcMain, handlers };
}

function frame(url: string, parent: WebFrameLike | null = null): WebFrameLike {
  return { url, parent, detached: false };
}

const OUR_WINDOW: WebContentsLike = { id: 1 };
const OTHER_WINDOW: WebContentsLike = { id: 2 };
const STRAY_CONTENTS: WebContentsLike = { id: 99 };

function event(sender: WebContentsLike, senderFrame: WebFrameLike | null = frame('app://pos/index.html')) {
  return { sender, senderFrame } satisfies IpcInvokeEventLike;
}

function setup(overrides: { sessionFor?: (sender: WebContentsLike) => ClientSession } = {}) {
  const log = createMemoryLogger();
  const calls: { channel: string; input: unknown; screen: string | null; session: ClientSession }[] = [];
  const handler = (channel: string) => (ctx: { session: ClientSession; screen: string | null }, input: unknown) => {
    calls.push({ channel, input, screen: ctx.screen, session: ctx.session });
    if (channel === 'auth.login') {
      ctx.session.operator = OPERATOR;
      return OPERATOR;
    }
    return { handled: channel };
  };
  const handlers = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, handler(c)])) as unknown as Handlers;
  const real = createDispatcher({
    handlers,
    log,
    refreshOperator: (id) => (id === OPERATOR.id ? OPERATOR : null),
    recordDenied: () => undefined,
  });
  const dispatcher = { call: vi.fn(real.call) };

  const sessions = new Map<number, ClientSession>();
  const sessionFor =
    overrides.sessionFor ??
    ((sender: WebContentsLike) => {
      let s = sessions.get(sender.id);
      if (!s) sessions.set(sender.id, (s = createSession('ipc')));
      return s;
    });
  const { ipcMain, handlers: registered } = fakeIpcMain();
  const unregister = registerIpc(ipcMain, {
    dispatcher,
    log,
    sessionFor,
    isTrustedSender: (e) => e.sender === OUR_WINDOW || e.sender === OTHER_WINDOW,
  });
  const invoke = (channel: string, ev: IpcInvokeEventLike, ...args: unknown[]) => {
    const listener = registered.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(ev, ...args);
  };
  return { log, calls, dispatcher, registered, unregister, invoke };
}

describe('registerIpc', () => {
  it('registers exactly one handler per channel, each with the pos: prefix', () => {
    const { registered } = setup();
    expect([...registered.keys()].sort()).toEqual(CHANNEL_NAMES.map((c) => IPC_PREFIX + c).sort());
    for (const name of registered.keys()) expect(name.startsWith('pos:')).toBe(true);
  });

  it('passes a call from our own page to the dispatcher and returns its result', async () => {
    const { invoke, calls, dispatcher } = setup();
    const result = await invoke(
      'pos:auth.login',
      event(OUR_WINDOW),
      { username: 'wang', password: 'x' },
      { screen: 'login' },
    );
    expect(result).toEqual({ ok: true, value: OPERATOR });
    expect(dispatcher.call).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([
      expect.objectContaining({ channel: 'auth.login', input: { username: 'wang', password: 'x' }, screen: 'login' }),
    ]);
  });

  it('answers a bad payload with INVALID_INPUT without running the handler', async () => {
    const { invoke, calls } = setup();
    const result = await invoke('pos:auth.login', event(OUR_WINDOW), { username: 'wang', password: 'x', admin: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const missing = await invoke('pos:operators.unlock', event(OUR_WINDOW), { id: 'seven' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['no sender frame', event(OUR_WINDOW, null)],
    ['a sub-frame of our page', event(OUR_WINDOW, frame('app://pos/index.html', frame('app://pos/index.html')))],
    ['a foreign page', event(OUR_WINDOW, frame('https://evil.example/'))],
    ['a file:// page', event(OUR_WINDOW, frame('file:///C:/Users/Public/evil.html'))],
    ['a look-alike host', event(OUR_WINDOW, frame('app://pos.evil/index.html'))],
    ['a detached frame', event(OUR_WINDOW, { url: 'app://pos/index.html', parent: null, detached: true })],
    ['a contents we did not create', event(STRAY_CONTENTS)],
  ])('refuses %s with FORBIDDEN_SENDER before the dispatcher sees it', async (_label, ev) => {
    const { invoke, dispatcher, calls, log } = setup();
    const result = await invoke('pos:auth.login', ev, { username: 'wang', password: 'x' });
    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_SENDER', message: '拒绝来自未知页面的请求' } });
    expect(dispatcher.call).not.toHaveBeenCalled();
    expect(calls).toHaveLength(0);
    expect(log.records).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'ipc: sender refused' }));
  });

  it('refuses a frame whose properties throw (its page is gone) instead of crashing', async () => {
    const { invoke, dispatcher } = setup();
    const gone = {
      sender: OUR_WINDOW,
      get senderFrame(): WebFrameLike {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    await expect(invoke('pos:app.status', gone, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' },
    });
    expect(dispatcher.call).not.toHaveBeenCalled();
  });

  it('keeps one session per window: a login in one window does not log in another', async () => {
    const { invoke } = setup();
    await invoke('pos:auth.login', event(OUR_WINDOW), { username: 'wang', password: 'x' });
    await expect(invoke('pos:operators.list', event(OUR_WINDOW), {})).resolves.toMatchObject({ ok: true });
    await expect(invoke('pos:operators.list', event(OTHER_WINDOW), {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'NOT_LOGGED_IN' },
    });
  });

  it('never rejects, even when the shell-side session lookup throws', async () => {
    const { invoke, log } = setup({
      sessionFor: () => {
        throw new Error('boom');
      },
    });
    await expect(invoke('pos:app.status', event(OUR_WINDOW), {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(log.records).toContainEqual(expect.objectContaining({ level: 'error', msg: 'ipc: handler failed' }));
  });

  it('unregisters every handler, and can register again afterwards', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const deps = {
      dispatcher: { call: vi.fn() },
      log: createMemoryLogger(),
      sessionFor: () => createSession('ipc'),
      isTrustedSender: () => true,
    };
    const unregister = registerIpc(ipcMain, deps);
    expect(handlers.size).toBe(CHANNEL_NAMES.length);
    unregister();
    expect(handlers.size).toBe(0);
    unregister();
    expect(() => registerIpc(ipcMain, deps)).not.toThrow();
    expect(handlers.size).toBe(CHANNEL_NAMES.length);
  });
});
