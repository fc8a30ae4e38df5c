import { describe, expect, it } from 'vitest';
import { createReconciler } from '../../app/inventory/reconcile';
import { createUploader } from '../../app/inventory/uploader';
import { openSandboxInspector } from '../../app/sandbox/state';
import { code20, inventoryFixture } from '../support/inventory-fixture';
import { onCleanup } from '../support/nhsa-fixture';

/**
 * The whole stock ledger against the sandbox center: a receiving, a sale, its return, a stock change and a
 * stocktake with differences, each uploaded by the background uploader and then confirmed through 3508–3511 —
 * record by record and, per batch, the stock ledger's net movement against the center's records.
 */
describe('inventory: every movement reaches the center and is confirmed there', () => {
  it('receiving, sale, return, change and stocktake agree with 3508–3511', async () => {
    const f = await inventoryFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false', POS_UPLOAD_MODE: 'auto' } });
    const uploader = createUploader({ db: f.db, log: f.log, now: f.core.now, settings: f.core.settings, nhsa: f.svc });
    onCleanup(() => uploader.stop());

    // 采购入库: two products, the amoxicillin with its box codes
    const rk = f.docs.receive(
      {
        supplier: '国药控股北京有限公司',
        supplierLicense: 'JY11101010001',
        deliveryNo: 'SH-0001',
        invoiceNo: 'FP001',
        lines: [
          {
            productId: f.ids.amoxicillin,
            batchNo: 'AM-1',
            mfgDate: '2025-06-01',
            expiryDate: '2028-05-31',
            packages: 3,
            priceFen: 800,
            traceCodes: [code20(1), code20(2), code20(3)],
          },
          {
            productId: f.ids.vitaminC,
            batchNo: 'VC-1',
            mfgDate: '2025-03-01',
            expiryDate: '2027-09-30',
            packages: 10,
            priceFen: 200,
          },
        ],
      },
      f.ops.pharmacist,
    );
    const [am, vc] = rk.lines.map((l) => l.batchId!);

    // a sale of two bottles, then its return
    const sale = f.counter.start(f.opId);
    f.counter.addProduct(sale.id, f.opId, { productId: f.ids.vitaminC, qty: 2 });
    f.counter.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 700 }]);
    f.core.advance(60_000);
    await f.refunds.refund(sale.id, f.opId, []);
    // 报损 one box of amoxicillin
    f.docs.change(
      { reason: 'damage', note: '外包装破损', lines: [{ batchId: am!, qtyBase: 24, traceCodes: [code20(3)] }] },
      {
        id: f.ops.pharmacist,
        roles: ['pharmacist'],
      },
    );
    // a stocktake: one vitamin C bottle missing, 5 loose capsules more than the books
    let pd = f.docs.stocktakeStart({}, f.ops.pharmacist);
    const lineOf = (batchId: number) => pd.lines.find((l) => l.batchId === batchId)!.id;
    pd = f.docs.stocktakeCount(pd.id, lineOf(vc!), 9, f.ops.pharmacist);
    pd = f.docs.stocktakeCount(pd.id, lineOf(am!), 53, f.ops.pharmacist);
    pd = f.docs.stocktakeSubmit(pd.id, f.ops.pharmacist);
    pd = f.docs.stocktakeApprove(pd.id, f.ops.manager);
    expect([f.batchQty(am!), f.batchQty(vc!)]).toEqual([53, 9]);

    const queued = f.db.prepare('SELECT infno FROM upload_outbox ORDER BY id').pluck().all();
    expect(queued).toEqual(['3503', '3503', '3505', '3506', '3502', '3502', '3502', '3501', '3501']);
    await uploader.drain();
    expect(uploader.summary()).toMatchObject({ pending: 0, refused: 0, inDoubt: 0 });

    // the center's ledger holds each record once, with the trace codes where they belong
    const i = openSandboxInspector(f.sandboxDbPath);
    const recs = i.inventoryRecords({ live: true });
    i.close();
    expect(recs.map((r) => r.infno).sort()).toEqual([
      '3501',
      '3501',
      '3502',
      '3502',
      '3502',
      '3503',
      '3503',
      '3505',
      '3506',
    ]);
    const damage = recs.find((r) => r.infno === '3502' && r.row.inv_chg_type === '107')!;
    expect(damage.row.drugtracinfo).toEqual([{ drug_trac_codg: code20(3) }]);
    expect(recs.find((r) => r.infno === '3502' && r.row.inv_chg_type === '103')).toMatchObject({
      count: '5',
      trdnFlag: '1',
    });
    expect(recs.find((r) => r.infno === '3502' && r.row.inv_chg_type === '104')).toMatchObject({ count: '1' });
    expect(
      recs
        .filter((r) => r.infno === '3501')
        .map((r) => r.count)
        .sort(),
    ).toEqual(['2.21', '9']);

    // 差异对账: every kind found at the center, and the ledger's net per batch agrees with the center's records
    const report = await createReconciler({ db: f.db, log: f.log, nhsa: f.svc }).run({
      from: '2026-11-28',
      to: '2026-11-28',
    });
    expect(report.kinds).toEqual([
      { kind: 'stock', local: 2, center: 2, differences: 0, error: null },
      { kind: 'changes', local: 3, center: 3, differences: 0, error: null },
      { kind: 'purchases', local: 2, center: 2, differences: 0, error: null },
      { kind: 'sales', local: 2, center: 2, differences: 0, error: null },
      { kind: 'ledger', local: 2, center: 2, differences: 0, error: null },
    ]);
    const ledger = report.rows.filter((r) => r.kind === 'ledger');
    expect(ledger.map((r) => [r.bchno, r.localQtyBase, r.centerQtyBase])).toEqual(
      expect.arrayContaining([
        [String(am), 53, 53],
        [String(vc), 9, 9],
      ]),
    );
  });
});
