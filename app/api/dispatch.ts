import {
  CHANNELS,
  CallMetaSchema,
  type ChannelName,
  type ChannelOutput,
  type ChannelParsedInput,
  type SessionOperator,
} from '../shared/contract';
import { AppError, type PosResult } from '../shared/errors';
import { hasAnyRole } from '../shared/roles';
import { describeProblems, zodProblems } from '../shared/zod-problems';
import type { Logger } from '../core/logger';
import type { ClientSession } from './session';

export interface HandlerContext {
  session: ClientSession;
  /** the screen the call came from, for the audit log */
  screen: string | null;
}

export type Handler<C extends ChannelName> = (
  ctx: HandlerContext,
  input: ChannelParsedInput<C>,
) => Promise<ChannelOutput<C>> | ChannelOutput<C>;

export type Handlers = { [C in ChannelName]: Handler<C> };

export interface DispatchDeps {
  handlers: Handlers;
  log: Logger;
  /** re-reads the operator so that a disabled account or a changed role takes effect at once */
  refreshOperator(id: number): SessionOperator | null;
  recordDenied(session: ClientSession, channel: string, screen: string | null, reason: string): void;
}

export interface Dispatcher {
  call(session: ClientSession, channel: string, payload: unknown, meta?: unknown): Promise<PosResult<unknown>>;
}

function isChannel(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(CHANNELS, name);
}

/**
 * The single entry for every call from a UI, whatever the transport: validate the payload,
 * check the session's role, run the handler, and turn every failure into a typed result.
 */
export function createDispatcher(deps: DispatchDeps): Dispatcher {
  const { log } = deps;
  return {
    async call(session, channel, payload, meta) {
      if (typeof channel !== 'string' || !isChannel(channel)) {
        log.warn('ipc: unknown channel', { channel: String(channel).slice(0, 64), session: session.id });
        return fail(new AppError('UNKNOWN_CHANNEL', '未知的操作'));
      }
      const def = CHANNELS[channel];
      const metaParsed = CallMetaSchema.safeParse(meta ?? {});
      const screen = metaParsed.success ? (metaParsed.data.screen ?? null) : null;

      const parsed = def.input.safeParse(payload ?? {});
      if (!parsed.success) {
        const fields = zodProblems(parsed.error);
        log.warn('ipc: invalid payload', { channel, session: session.id, problems: fields });
        return fail(new AppError('INVALID_INPUT', `输入有误：${describeProblems(fields)}`, { fields }));
      }

      if (def.access !== 'public') {
        if (!session.operator) return fail(new AppError('NOT_LOGGED_IN', '请先登录'));
        const fresh = deps.refreshOperator(session.operator.id);
        if (!fresh) {
          session.operator = null;
          return fail(new AppError('NOT_LOGGED_IN', '操作员已被停用，请重新登录'));
        }
        session.operator = fresh;
        if (def.access !== 'authenticated' && !hasAnyRole(fresh.roles, def.access)) {
          log.warn('ipc: role refused', { channel, operatorId: fresh.id, roles: fresh.roles, session: session.id });
          deps.recordDenied(session, channel, screen, 'role');
          return fail(new AppError('FORBIDDEN', '当前操作员无权执行此操作'));
        }
      }

      try {
        const handler = deps.handlers[channel] as Handler<ChannelName>;
        const value = await handler({ session, screen }, parsed.data as never);
        return { ok: true, value: value ?? null };
      } catch (e) {
        if (e instanceof AppError) {
          log.info('ipc: refused', { channel, code: e.code, message: e.message, ...(e.logDetail ?? {}) });
          return fail(e);
        }
        log.error('ipc: handler crashed', { channel, error: e });
        return fail(new AppError('INTERNAL', '系统内部错误，已记录日志，请联系实施工程师'));
      }
    },
  };
}

function fail(e: AppError): PosResult<never> {
  return { ok: false, error: e.toShape() };
}
