import type { AuditLog } from '../auth/audit';
import type { Logger } from '../core/logger';
import type { ProductCatalogue } from '../catalogue/products';
import { toNhsaOperator } from '../nhsa/service';
import { AppError } from '../shared/errors';
import type { HandlerContext, Handlers } from './dispatch';

type ProductChannels =
  | 'products.search'
  | 'products.list'
  | 'products.get'
  | 'products.save'
  | 'products.import'
  | 'mapping.candidates'
  | 'mapping.confirm'
  | 'mapping.upload'
  | 'mapping.revoke';

export interface ProductHandlerDeps {
  catalogue: ProductCatalogue;
  audit: AuditLog;
  log: Logger;
}

export function createProductHandlers(deps: ProductHandlerDeps): Pick<Handlers, ProductChannels> {
  const { catalogue, audit, log } = deps;
  const { products, mapping } = catalogue;
  const who = (ctx: HandlerContext) => ({
    operatorId: ctx.session.operator?.id ?? null,
    operatorName: ctx.session.operator?.username ?? null,
    screen: ctx.screen,
  });

  /** Records a refused or failed action too, then lets the error reach the screen. */
  async function audited<T>(
    ctx: HandlerContext,
    action: string,
    detail: Record<string, unknown>,
    fn: () => T | Promise<T>,
    describe: (r: T) => Record<string, unknown> = () => ({}),
  ): Promise<T> {
    try {
      const r = await fn();
      audit.record({ ...who(ctx), action, detail: { ...detail, ...describe(r) } });
      return r;
    } catch (e) {
      audit.record({
        ...who(ctx),
        action,
        outcome: 'failed',
        detail: { ...detail, error: e instanceof AppError ? e.message : 'internal' },
      });
      throw e;
    }
  }

  return {
    'products.search': (_ctx, { q, limit }) => catalogue.index.search(q, limit),

    'products.list': (_ctx, q) => products.list(q),

    'products.get': (_ctx, { id }) => products.get(id),

    'products.save': (ctx, input) =>
      audited(
        ctx,
        'products.save',
        { id: input.id ?? null, code: input.code },
        () => products.save(input),
        (r) => ({ id: r.id, created: input.id === undefined }),
      ),

    'products.import': (ctx, { fileName, contentBase64, dryRun }) =>
      audited(
        ctx,
        'products.import',
        { fileName, dryRun },
        async () => {
          const bytes = Buffer.from(contentBase64, 'base64');
          const started = performance.now();
          const report = await catalogue.importFile(fileName, bytes, dryRun);
          // rebuild the search index now rather than on the cashier's next keystroke
          if (!dryRun && report.created + report.updated > 0) catalogue.index.warm();
          log.info('products: import', {
            dryRun,
            total: report.total,
            created: report.created,
            updated: report.updated,
            skipped: report.skipped,
            fatal: report.fatal !== null,
            ms: Math.round(performance.now() - started),
          });
          return report;
        },
        (r) => ({ total: r.total, created: r.created, updated: r.updated, skipped: r.skipped, fatal: r.fatal }),
      ),

    'mapping.candidates': (_ctx, { productId }) => mapping.candidates(productId),

    'mapping.confirm': (ctx, input) =>
      audited(ctx, 'mapping.confirm', { ...input }, () => mapping.confirm(input, ctx.session.operator!.id)),

    'mapping.upload': (ctx, { productIds }) =>
      audited(
        ctx,
        'mapping.upload',
        { productIds: productIds ?? 'pending' },
        () => mapping.upload(productIds, toNhsaOperator(ctx.session.operator!)),
        (r) => ({
          uploaded: r.uploaded,
          failed: r.failed,
          failedIds: r.results.filter((x) => x.state === 'failed').map((x) => x.productId),
        }),
      ),

    'mapping.revoke': (ctx, { productId }) =>
      audited(ctx, 'mapping.revoke', { productId }, () =>
        mapping.revoke(productId, toNhsaOperator(ctx.session.operator!)),
      ),
  };
}
