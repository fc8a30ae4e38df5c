import { createProductCatalogue } from '../../app/catalogue/products';
import { createCounter } from '../../app/counter/service';
import { createReceiptPrinting } from '../../app/counter/receipts';
import { createRefunds } from '../../app/counter/refund';
import { SANDBOX_PHARMACY, toNhsaOperator } from '../../app/nhsa/service';
import type { ProductDetail } from '../../app/shared/contract';
import { nhsaFixture, onCleanup, type ServiceOptions } from './nhsa-fixture';

/**
 * A till with a counter: the NHSA fixture (training-mode sandbox over real HTTP), the product master with a
 * few products mapped to the sandbox's drug codes (mapping state 'uploaded', as after a real 3301), stock in
 * batches, and the counter service over all of it.
 */

export const PRODUCTS = {
  amoxicillin: {
    code: 'P001',
    genericName: '阿莫西林胶囊',
    spec: '0.25g*24粒',
    unit: '盒',
    splitUnit: '粒',
    splitFactor: 24,
    retailPriceFen: 1250,
    rxClass: 'rx' as const,
    barcodes: ['6901234567892'],
    natCode: 'XJ01CAA040A001010100001',
  },
  vitaminC: {
    code: 'P002',
    genericName: '维生素C片',
    spec: '0.1g*100片',
    unit: '瓶',
    retailPriceFen: 350,
    rxClass: 'otc_b' as const,
    barcodes: ['6901234567809'],
    natCode: 'XA11GAW043A001010100002',
  },
  ibuprofen: {
    code: 'P003',
    genericName: '布洛芬缓释胶囊',
    spec: '0.3g*20粒',
    unit: '盒',
    retailPriceFen: 1880,
    rxClass: 'otc_a' as const,
    barcodes: ['6901234567816'],
    natCode: 'XM01AEB010E001010100004',
  },
  pseudoephedrine: {
    code: 'P004',
    genericName: '复方盐酸伪麻黄碱缓释胶囊',
    spec: '10粒',
    unit: '盒',
    retailPriceFen: 1590,
    rxClass: 'otc_a' as const,
    barcodes: ['6901234567823'],
    specialFlags: ['ephedrine' as const],
    natCode: null,
  },
};

export type ProductKey = keyof typeof PRODUCTS;

export async function counterFixture(opts: ServiceOptions = {}) {
  const f = await nhsaFixture({
    ...opts,
    env: {
      POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
      POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
      POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
      POS_GSP_PHARMACIST_NAME: '赵药师',
      POS_GSP_PHARMACIST_CERT_NO: 'ZY1101010001',
      ...(opts.env ?? {}),
    },
  });
  const catalogue = createProductCatalogue({
    db: f.db,
    log: f.log,
    now: f.core.now,
    admdvs: () => SANDBOX_PHARMACY.admdvs,
    nhsa: () => f.svc,
  });
  const ids = {} as Record<ProductKey, number>;
  const existing = f.db.prepare('SELECT id FROM products WHERE code = ?').pluck();
  for (const [key, p] of Object.entries(PRODUCTS) as [ProductKey, (typeof PRODUCTS)[ProductKey]][]) {
    const found = existing.get(p.code) as number | undefined;
    if (found) {
      ids[key] = found;
      continue;
    }
    const saved: ProductDetail = catalogue.products.save({
      code: p.code,
      genericName: p.genericName,
      spec: p.spec,
      unit: p.unit,
      splitUnit: 'splitUnit' in p ? p.splitUnit : null,
      splitFactor: 'splitFactor' in p ? p.splitFactor : null,
      retailPriceFen: p.retailPriceFen,
      rxClass: p.rxClass,
      specialFlags: 'specialFlags' in p ? p.specialFlags : [],
      barcodes: p.barcodes,
      active: true,
    } as never);
    ids[key] = saved.id;
    if (p.natCode) {
      f.db
        .prepare(
          `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, uploaded_at, updated_at)
           VALUES (?, ?, '1301', '101', 'uploaded', 0, 0, 0)`,
        )
        .run(saved.id, p.natCode);
      f.db.prepare('UPDATE products SET nat_code = ? WHERE id = ?').run(p.natCode, saved.id);
    }
  }
  const counter = createCounter({
    db: f.db,
    log: f.log,
    now: f.core.now,
    settings: f.core.settings,
    operators: f.core.operators,
    index: catalogue.index,
    facts: catalogue.facts,
    nhsa: f.svc,
    nhsaOperator: (id) => {
      const s = f.core.operators.sessionOf(id);
      return s ? toNhsaOperator(s) : f.op;
    },
  });
  const refunds = createRefunds({
    db: f.db,
    log: f.log,
    now: f.core.now,
    nhsa: f.svc,
    nhsaOperator: (id) => {
      const s = f.core.operators.sessionOf(id);
      return s ? toNhsaOperator(s) : f.op;
    },
    dutyPharmacist: () => ({
      name: f.core.settings.current()['gsp.pharmacist_name'],
      certNo: f.core.settings.current()['gsp.pharmacist_cert_no'],
    }),
  });
  const receipts = createReceiptPrinting({ db: f.db, log: f.log, now: f.core.now, settings: f.core.settings, counter });
  onCleanup(() => receipts.close());
  const stockUp = (key: ProductKey, batchNo: string, expiryDate: string, qtyBase: number) =>
    counter.stock.receive({
      productId: ids[key],
      batchNo,
      expiryDate,
      mfgDate: '2025-01-01',
      qtyBase,
      operatorId: null,
      refId: 0,
      now: f.core.now(),
    });
  return { ...f, catalogue, counter, refunds, receipts, ids, stockUp, opId: f.op.id! };
}

export type CounterFixture = Awaited<ReturnType<typeof counterFixture>>;
