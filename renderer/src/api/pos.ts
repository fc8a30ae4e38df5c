import type { CallMeta, ChannelInput, ChannelName, ChannelOutput } from '../../../app/shared/contract';
import { splitChannel, type PosApi } from '../../../app/shared/api';
import type { ErrorCode, FieldProblem, PosResult } from '../../../app/shared/errors';
import { bridgeUrlFor, createBridgeApi, type ConnectionInfo } from './bridge';

declare global {
  interface Window {
    /** exposed by the Electron preload; absent in browser mode */
    pos?: PosApi;
  }
}

type Hook<T> = Set<(value: T) => void>;
const connectionHooks: Hook<ConnectionInfo> = new Set();
const reconnectedHooks: Hook<void> = new Set();
const serverErrorHooks: Hook<string> = new Set();
let lastConnection: ConnectionInfo = { state: 'connecting', attempts: 0 };

let api: PosApi | null = null;

/** window.pos on the desktop; otherwise a WebSocket client to the loopback bridge with the same shape. */
export function getPosApi(): PosApi {
  if (api) return api;
  if (window.pos) {
    api = window.pos;
    lastConnection = { state: 'open', attempts: 0 };
  } else {
    api = createBridgeApi({
      url: bridgeUrlFor(location),
      onConnectionChange: (info) => {
        lastConnection = info;
        for (const h of connectionHooks) h(info);
      },
      onReconnected: () => {
        for (const h of reconnectedHooks) h();
      },
      onServerError: (message) => {
        for (const h of serverErrorHooks) h(message);
      },
    });
  }
  return api;
}

export function isDesktop(): boolean {
  return Boolean(window.pos);
}

export function onConnectionChange(listener: (info: ConnectionInfo) => void): () => void {
  connectionHooks.add(listener);
  listener(lastConnection);
  return () => connectionHooks.delete(listener);
}

export function onReconnected(listener: () => void): () => void {
  reconnectedHooks.add(listener);
  return () => reconnectedHooks.delete(listener);
}

export function onServerError(listener: (message: string) => void): () => void {
  serverErrorHooks.add(listener);
  return () => serverErrorHooks.delete(listener);
}

/** A refused call, carried as an exception so UI code can use try/catch. */
export class PosError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[];

  constructor(code: ErrorCode, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.name = 'PosError';
    this.code = code;
    this.fields = fields;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof PosError) return e.message;
  console.error(e);
  return '操作失败：程序出现意外错误';
}

/** A refusal kept for display: the code decides how it looks (an insurance refusal is not a crash). */
export interface Failure {
  code: ErrorCode;
  message: string;
  fields: FieldProblem[];
}

export function toFailure(e: unknown): Failure {
  if (e instanceof PosError) return { code: e.code, message: e.message, fields: e.fields };
  return { code: 'INTERNAL', message: errorMessage(e), fields: [] };
}

let screenProvider: () => string = () => 'app';

/** The audit log records which screen a call came from; the app tells us how to find out. */
export function setScreenProvider(provider: () => string): void {
  screenProvider = provider;
}

type AnyMethod = (input: unknown, meta?: CallMeta) => Promise<PosResult<unknown>>;

/** Calls a channel with meta.screen filled in, and unwraps the result (throws PosError when refused). */
export async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const [group, action] = splitChannel(channel);
  const groups = getPosApi() as unknown as Record<string, Record<string, AnyMethod> | undefined>;
  const method = groups[group]?.[action];
  if (!method) throw new PosError('UNKNOWN_CHANNEL', '未知的操作');
  let result: PosResult<unknown>;
  try {
    result = await method(input, { screen: screenProvider() });
  } catch (e) {
    // The transports promise never to reject; if one does, treat it like a lost connection.
    console.error('调用失败', channel, e);
    throw new PosError('INTERNAL', '与本机服务通信失败');
  }
  if (result.ok) return result.value as ChannelOutput<C>;
  throw new PosError(result.error.code, result.error.message, result.error.fields ?? []);
}
