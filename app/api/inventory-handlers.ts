import type { AuditLog } from '../auth/audit';
import type { Logger } from '../core/logger';
import type { StockDocs } from '../inventory/stock-docs';
import type { StockQuery } from '../inventory/stock-query';
import { AppError, isAppError } from '../shared/errors';
import type { HandlerContext, Handlers } from './dispatch';

type StockChannel = Extract<keyof Handlers, `stock.${string}`>;

export interface InventoryHandlerDeps {
  /** null when the inventory services could not start (the rest of the app still works) */
  docs: StockDocs | null;
  query: StockQuery | null;
  /** the services record their own audit rows (inside the posting transaction); not written to here */
  audit: AuditLog;
  log: Logger;
}

/**
 * The 库存 channels: thin over app/inventory. Roles are checked by the channel table (contract.ts); the services
 * check what depends on the data (a correction's role, who may approve a stocktake) and audit what they change.
 */
export function createInventoryHandlers(deps: InventoryHandlerDeps): Pick<Handlers, StockChannel> {
  const unavailable = () => new AppError('DB_UNAVAILABLE', '库存服务未能启动，请查看日志或联系实施工程师');
  const docs = (): StockDocs => {
    if (!deps.docs) throw unavailable();
    return deps.docs;
  };
  const query = (): StockQuery => {
    if (!deps.query) throw unavailable();
    return deps.query;
  };
  const op = (ctx: HandlerContext) => ctx.session.operator!;

  return {
    'stock.batches': (_ctx, q) => query().batches(q),
    'stock.ledger': (_ctx, { batchId }) => query().ledger(batchId),
    'stock.setLocked': (ctx, { batchId, locked, reason }) => query().setLocked(batchId, locked, reason, op(ctx).id),
    'stock.charts': () => query().charts(),
    'stock.splitRecords': (_ctx, { from, to }) => query().splitRecords(from, to),
    'stock.docs': (_ctx, q) => docs().docs(q),
    'stock.doc': (_ctx, { docId }) => docs().doc(docId),
    'stock.receive': (ctx, input) => docs().receive(input, op(ctx).id),
    'stock.purchaseReturn': (ctx, input) => docs().purchaseReturn(input, op(ctx).id),
    'stock.change': (ctx, input) => {
      const who = op(ctx);
      try {
        return docs().change(input, { id: who.id, roles: who.roles });
      } catch (e) {
        // the service audits the refusal itself; the log says which screen it came from
        if (isAppError(e) && e.code === 'FORBIDDEN') {
          deps.log.warn('inventory: stock change refused', {
            operatorId: who.id,
            screen: ctx.screen,
            reason: input.reason,
          });
        }
        throw e;
      }
    },
    'stock.stocktakeStart': (ctx, input) => docs().stocktakeStart(input, op(ctx).id),
    'stock.stocktakeCount': (ctx, { docId, lineId, countedBase }) =>
      docs().stocktakeCount(docId, lineId, countedBase, op(ctx).id),
    'stock.stocktakeSubmit': (ctx, { docId }) => docs().stocktakeSubmit(docId, op(ctx).id),
    'stock.stocktakeApprove': (ctx, { docId }) => docs().stocktakeApprove(docId, op(ctx).id),
    'stock.stocktakeCancel': (ctx, { docId }) => docs().stocktakeCancel(docId, op(ctx).id),
  };
}
