import type { Db } from '../../db/connection';
import type { Logger } from '../../core/logger';
import { beijingDate } from '../../nhsa/beijing-time';
import { createMappingService, type NhsaCaller } from '../mapping/service';
import { ProductIndex } from '../search/product-index';
import { importProducts } from './import/importer';
import { createInsuranceFacts } from './insurance-facts';
import { createProductService } from './service';

export interface ProductCatalogueDeps {
  db: Db;
  log: Logger;
  now: () => number;
  /** the pharmacy's 医保区划, read fresh (a settings change applies at once) */
  admdvs: () => string;
  /** the insurance service for 3301/3302; null when it could not start */
  nhsa: () => NhsaCaller | null;
}

/** The product master, its search index, insurance facts and mapping, wired together once per core. */
export function createProductCatalogue(deps: ProductCatalogueDeps) {
  const facts = createInsuranceFacts({
    db: deps.db,
    admdvs: deps.admdvs,
    today: () => beijingDate(new Date(deps.now())),
  });
  const index = new ProductIndex(deps.db, facts);
  const products = createProductService({ db: deps.db, now: deps.now, facts, index });
  const mapping = createMappingService({ db: deps.db, log: deps.log, now: deps.now, products, facts, nhsa: deps.nhsa });
  return {
    facts,
    index,
    products,
    mapping,
    importFile: (fileName: string, bytes: Uint8Array, dryRun: boolean) =>
      importProducts(products, { fileName, bytes, dryRun }),
  };
}

export type ProductCatalogue = ReturnType<typeof createProductCatalogue>;
