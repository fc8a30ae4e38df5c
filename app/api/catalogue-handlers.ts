import type { AuditLog } from '../auth/audit';
import type { CatalogueSync } from '../catalogue/sync';
import { toNhsaOperator } from '../nhsa/service';
import { AppError } from '../shared/errors';
import type { Handlers } from './dispatch';

type CatalogueChannels = 'catalogue.states' | 'catalogue.sync' | 'catalogue.runs' | 'catalogue.searchNational';

export interface CatalogueHandlerDeps {
  /** null when the core has no catalogue sync (it could not start) */
  catalogue: CatalogueSync | null;
  audit: AuditLog;
}

export function createCatalogueHandlers(deps: CatalogueHandlerDeps): Pick<Handlers, CatalogueChannels> {
  const need = (): CatalogueSync => {
    if (!deps.catalogue) throw new AppError('DB_UNAVAILABLE', '目录同步功能未能启动，请查看日志或联系实施工程师');
    return deps.catalogue;
  };
  return {
    'catalogue.states': () => need().states(),

    // Starts in the background and answers at once with the run ids; progress arrives as events.
    'catalogue.sync': (ctx, { catalogues }) => {
      const op = ctx.session.operator!;
      const started = need().start(catalogues, { trigger: 'manual', operator: toNhsaOperator(op) });
      deps.audit.record({
        operatorId: op.id,
        operatorName: op.username,
        action: 'catalogue.sync',
        screen: ctx.screen,
        detail: { catalogues: catalogues ?? 'all', runs: started },
      });
      return { started };
    },

    'catalogue.runs': (_ctx, { limit, offset }) => need().runs(limit, offset),

    'catalogue.searchNational': (_ctx, { q, catalogue, limit }) => need().searchNational(q, { catalogue, limit }),
  };
}
