import type { Dispatcher } from '../app/api/dispatch';
import type { ClientSession } from '../app/api/session';
import type { Logger } from '../app/core/logger';
import { CHANNEL_NAMES, IPC_PREFIX } from '../app/shared/contract';
import type { PosResult } from '../app/shared/errors';
import { isAppUrl } from './window-security';

/**
 * IPC registration, kept free of electron so it runs under vitest: the shell passes `ipcMain`
 * and the events it delivers satisfy these shapes structurally.
 */

export interface WebFrameLike {
  readonly url: string;
  readonly parent: WebFrameLike | null;
  readonly detached?: boolean;
}

export interface WebContentsLike {
  readonly id: number;
}

export interface IpcInvokeEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: WebFrameLike | null | undefined;
}

export type IpcListener = (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>;

export interface IpcMainLike {
  handle(channel: string, listener: IpcListener): void;
  removeHandler(channel: string): void;
}

export interface IpcDeps {
  dispatcher: Dispatcher;
  sessionFor(sender: WebContentsLike): ClientSession;
  /** the sender belongs to a window this process created (not a devtools or stray contents) */
  isTrustedSender(event: IpcInvokeEventLike): boolean;
  log: Logger;
}

export const FORBIDDEN_SENDER_RESULT = {
  ok: false,
  error: { code: 'FORBIDDEN_SENDER', message: '拒绝来自未知页面的请求' },
} as const satisfies PosResult<never>;

const INTERNAL_RESULT = {
  ok: false,
  error: { code: 'INTERNAL', message: '系统内部错误，已记录日志，请联系实施工程师' },
} as const satisfies PosResult<never>;

/**
 * Why a frame may not call the API, or null if it may: it must be the top frame of its window,
 * still attached, and showing our own app:// page. A frame object can throw once its page has
 * gone away, which is treated as a refusal too.
 */
export function senderFrameProblem(event: IpcInvokeEventLike): string | null {
  try {
    const frame = event.senderFrame;
    if (!frame) return 'no sender frame';
    if (frame.detached) return 'detached frame';
    if (frame.parent !== null) return 'not the top frame';
    if (!isAppUrl(frame.url)) return 'foreign page';
    return null;
  } catch {
    return 'sender frame unavailable';
  }
}

/** Registers one handler per channel; returns the function that removes them all. */
export function registerIpc(ipcMain: IpcMainLike, deps: IpcDeps): () => void {
  const { dispatcher, log } = deps;
  const registered: string[] = [];

  for (const name of CHANNEL_NAMES) {
    const ipcChannel = IPC_PREFIX + name;
    ipcMain.handle(ipcChannel, async (event, payload, meta) => {
      try {
        const problem = senderFrameProblem(event) ?? (deps.isTrustedSender(event) ? null : 'not our window');
        if (problem) {
          log.warn('ipc: sender refused', { channel: name, reason: problem, url: frameOrigin(event) });
          return FORBIDDEN_SENDER_RESULT;
        }
        return await dispatcher.call(deps.sessionFor(event.sender), name, payload, meta);
      } catch (e) {
        // The dispatcher never throws; this catches a broken sessionFor or isTrustedSender, so
        // that the renderer still gets a result instead of a rejected promise.
        log.error('ipc: handler failed', { channel: name, error: e });
        return INTERNAL_RESULT;
      }
    });
    registered.push(ipcChannel);
  }

  return () => {
    for (const ipcChannel of registered.splice(0)) ipcMain.removeHandler(ipcChannel);
  };
}

function frameOrigin(event: IpcInvokeEventLike): string {
  try {
    const url = event.senderFrame?.url;
    if (!url) return '(none)';
    const u = new URL(url);
    return `${u.protocol}//${u.host}`.slice(0, 100);
  } catch {
    return '(unknown)';
  }
}
