import { describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, EVENT_NAMES, type AppStatus } from '../../app/shared/contract';
import { buildPosApi, type EventSourceFn, type InvokeFn } from '../../electron/pos-api';

/** Stands in for ipcRenderer: records invokes and lets the test push events. */
function fakeTransport(
  reply: (channel: string, ...args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: null }),
) {
  const invoke = vi.fn<InvokeFn>(reply);
  let underlying: ((name: unknown, data: unknown) => void) | null = null;
  let attachCount = 0;
  const onEvent = vi.fn<EventSourceFn>((listener) => {
    if (underlying) throw new Error('a second underlying listener was attached');
    underlying = listener;
    attachCount++;
    return () => {
      underlying = null;
    };
  });
  return {
    invoke,
    onEvent,
    emit: (name: unknown, data: unknown) => underlying?.(name, data),
    attached: () => underlying !== null,
    attachCount: () => attachCount,
  };
}

const groupsOf = (names: readonly string[]) => [...new Set(names.map((n) => n.slice(0, n.indexOf('.'))))].sort();

describe('buildPosApi', () => {
  it('exposes the channel groups and subscribe, and nothing else', () => {
    const t = fakeTransport();
    const api = buildPosApi(t.invoke, t.onEvent) as unknown as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...groupsOf(CHANNEL_NAMES), 'subscribe'].sort());
    expect(groupsOf(CHANNEL_NAMES)).not.toContain('subscribe');
    for (const key of ['ipcRenderer', 'invoke', 'send', 'on', 'require', 'process'])
      expect(api).not.toHaveProperty(key);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('has exactly one method per channel, nested by group', () => {
    const t = fakeTransport();
    const api = buildPosApi(t.invoke, t.onEvent) as unknown as Record<string, Record<string, unknown>>;
    const exposed: string[] = [];
    for (const group of groupsOf(CHANNEL_NAMES)) {
      const methods = api[group] ?? {};
      expect(Object.isFrozen(methods)).toBe(true);
      for (const [action, fn] of Object.entries(methods)) {
        expect(typeof fn).toBe('function');
        exposed.push(`${group}.${action}`);
      }
    }
    expect(exposed.sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('invokes pos:<channel> with the input and the meta', async () => {
    const t = fakeTransport(async (channel) => ({ ok: true, value: channel }));
    const api = buildPosApi(t.invoke, t.onEvent);
    await expect(api.auth.login({ username: 'wang', password: 'x' }, { screen: 'login' })).resolves.toEqual({
      ok: true,
      value: 'pos:auth.login',
    });
    expect(t.invoke).toHaveBeenLastCalledWith(
      'pos:auth.login',
      { username: 'wang', password: 'x' },
      { screen: 'login' },
    );
    await api.app.status({});
    expect(t.invoke).toHaveBeenLastCalledWith('pos:app.status', {}, undefined);

    const all = buildPosApi(t.invoke, t.onEvent) as unknown as Record<string, Record<string, (i: unknown) => unknown>>;
    t.invoke.mockClear();
    for (const name of CHANNEL_NAMES) {
      const [group = '', action = ''] = name.split('.');
      await all[group]?.[action]?.({});
    }
    expect(t.invoke.mock.calls.map((c) => c[0])).toEqual(CHANNEL_NAMES.map((n) => `pos:${n}`));
  });

  it('resolves to an error result instead of rejecting when the transport fails', async () => {
    const t = fakeTransport(async () => {
      throw new Error("No handler registered for 'pos:app.status'");
    });
    const api = buildPosApi(t.invoke, t.onEvent);
    await expect(api.app.status({})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('delivers subscribed events with their data only, and stops after unsubscribe', () => {
    const t = fakeTransport();
    const api = buildPosApi(t.invoke, t.onEvent);
    const seen: unknown[] = [];
    const off = api.subscribe('settings.changed', (data) => seen.push(data));
    t.emit('settings.changed', { keys: ['pharmacy.name'] });
    t.emit('status.changed', { version: 'x' } as Partial<AppStatus>);
    expect(seen).toEqual([{ keys: ['pharmacy.name'] }]);
    off();
    t.emit('settings.changed', { keys: ['again'] });
    expect(seen).toHaveLength(1);
  });

  it('uses a single underlying listener, attached on first use and detached when nobody listens', () => {
    const t = fakeTransport();
    const api = buildPosApi(t.invoke, t.onEvent);
    expect(t.attached()).toBe(false);
    const a = vi.fn();
    const b = vi.fn();
    const offA = api.subscribe('status.changed', a);
    const offB = api.subscribe('session.ended', b);
    const offA2 = api.subscribe('status.changed', a);
    expect(t.attachCount()).toBe(1);
    t.emit('status.changed', { firstRun: true });
    expect(a).toHaveBeenCalledTimes(2);
    expect(a).toHaveBeenCalledWith({ firstRun: true });
    offA();
    offA(); // a second call must not unsubscribe the other registration of the same function
    t.emit('status.changed', { firstRun: false });
    expect(a).toHaveBeenCalledTimes(3);
    offA2();
    expect(t.attached()).toBe(true);
    offB();
    expect(t.attached()).toBe(false);
    api.subscribe('session.ended', b);
    expect(t.attachCount()).toBe(2);
  });

  it('ignores unknown or malformed events from the transport', () => {
    const t = fakeTransport();
    const api = buildPosApi(t.invoke, t.onEvent);
    const listener = vi.fn();
    for (const name of EVENT_NAMES) api.subscribe(name, listener);
    t.emit('not.an.event', {});
    t.emit(42, {});
    t.emit(undefined, undefined);
    t.emit({ toString: () => 'settings.changed' }, {});
    expect(listener).not.toHaveBeenCalled();
  });

  it('refuses to subscribe to an unknown event or with a non-function', () => {
    const t = fakeTransport();
    const api = buildPosApi(t.invoke, t.onEvent);
    expect(() => api.subscribe('nope' as never, () => undefined)).toThrow(TypeError);
    expect(() => api.subscribe('settings.changed', 'x' as never)).toThrow(TypeError);
    expect(t.onEvent).not.toHaveBeenCalled();
  });

  it('keeps delivering to other listeners when one throws', () => {
    const t = fakeTransport();
    const api = buildPosApi(t.invoke, t.onEvent);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    api.subscribe('session.ended', () => {
      throw new Error('screen bug');
    });
    api.subscribe('session.ended', after);
    t.emit('session.ended', { reason: '操作员已停用' });
    expect(after).toHaveBeenCalledWith({ reason: '操作员已停用' });
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});
