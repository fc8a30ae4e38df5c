import type { Reconciler } from '../inventory/reconcile';
import type { Uploader } from '../inventory/uploader';
import { AppError } from '../shared/errors';
import type { HandlerContext, Handlers } from './dispatch';

type UploadChannel = Extract<keyof Handlers, `uploads.${string}` | 'reconcile.run'>;

export interface UploadHandlerDeps {
  uploader: Uploader | null;
  reconciler: Reconciler | null;
}

/** The uploads screen and the reconciliation: thin over app/inventory's uploader and reconciler. */
export function createUploadHandlers(deps: UploadHandlerDeps): Pick<Handlers, UploadChannel> {
  const uploader = (): Uploader => {
    if (!deps.uploader) throw new AppError('DB_UNAVAILABLE', '上传服务未能启动，请查看日志或联系实施工程师');
    return deps.uploader;
  };
  const who = (ctx: HandlerContext) => ({
    operatorId: ctx.session.operator?.id ?? null,
    operatorName: ctx.session.operator?.username ?? null,
    screen: ctx.screen,
  });
  return {
    'uploads.summary': () => uploader().summary(),
    'uploads.list': (_ctx, q) => uploader().list(q),
    'uploads.get': (_ctx, { id }) => uploader().get(id),
    'uploads.resend': (ctx, { id, row }) => uploader().resend(id, row, who(ctx)),
    'uploads.delete': (ctx, { id, reason }) => uploader().remove(id, reason, who(ctx)),
    'uploads.drainNow': async () => {
      await uploader().drain();
      return uploader().summary();
    },
    'reconcile.run': (_ctx, q) => {
      if (!deps.reconciler) throw new AppError('DB_UNAVAILABLE', '对账服务未能启动');
      return deps.reconciler.run(q);
    },
  };
}
