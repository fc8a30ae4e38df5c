import { describe, expect, it } from 'vitest';
import type { HandlerContext } from '../../app/api/dispatch';
import { createInventoryHandlers } from '../../app/api/inventory-handlers';
import { CHANNELS } from '../../app/shared/contract';
import { AppError } from '../../app/shared/errors';
import type { ReceivingInput } from '../../app/shared/inventory';
import type { Role } from '../../app/shared/roles';
import { code20, inventoryFixture, uploadProblems, type InventoryFixture } from '../support/inventory-fixture';

/**
 * Stock documents over a real SQLite file: receiving (3503), purchase return (3504), stock changes (3502) and
 * stocktakes (3502 103/104 then 3501) — stock, ledger, trace codes and outbox rows written together or not at
 * all; the refusals with the messages a receiver reads; the stock list's GSP statuses and the charts.
 */

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

interface OutboxRow {
  id: number;
  infno: string;
  ref_type: string;
  ref_id: number;
  payload: string;
  state: string;
}
const outbox = (f: InventoryFixture, where = '1 = 1'): OutboxRow[] =>
  f.db
    .prepare(`SELECT id, infno, ref_type, ref_id, payload, state FROM upload_outbox WHERE ${where} ORDER BY id`)
    .all() as OutboxRow[];
const rowOf = (r: OutboxRow) => {
  const p = JSON.parse(r.payload) as Record<string, Record<string, unknown>>;
  return (p.invinfo ?? p.purcinfo)!;
};

const delivery = (f: InventoryFixture, lines: ReceivingInput['lines'], extra: Partial<ReceivingInput> = {}) =>
  f.docs.receive(
    {
      supplier: '国药控股北京有限公司',
      supplierLicense: 'JY11101010001',
      deliveryNo: 'SH-0001',
      invoiceNo: 'FP001',
      lines,
      ...extra,
    },
    f.ops.pharmacist,
  );

const amox = (f: InventoryFixture, over: Partial<ReceivingInput['lines'][number]> = {}) => ({
  productId: f.ids.amoxicillin,
  batchNo: 'B123',
  mfgDate: '2025-06-01',
  expiryDate: '2028-05-31',
  packages: 2,
  priceFen: 800,
  ...over,
});

describe('inventory: receiving (采购入库)', () => {
  it('posts stock, ledger, trace codes and one valid 3503 per reported line, in one document', async () => {
    const f = await inventoryFixture();
    const doc = delivery(f, [
      amox(f, { traceCodes: [code20(1), code20(2)] }),
      {
        productId: f.ids.vitaminC,
        batchNo: 'VC-9',
        mfgDate: '2025-03-01',
        expiryDate: '2027-09-30',
        packages: 5,
        priceFen: 200,
      },
      // no national code: stocked, but nothing can be reported for it
      {
        productId: f.ids.pseudoephedrine,
        batchNo: 'PE-1',
        mfgDate: '2025-01-01',
        expiryDate: '2027-12-31',
        packages: 3,
      },
    ]);
    expect(doc).toMatchObject({
      kind: 'receiving',
      kindLabel: '采购入库',
      docNo: 'RK202611280001',
      state: 'posted',
      supplier: '国药控股北京有限公司',
      operatorName: '钱药师',
      uploads: { pending: 2, sent: 0, refused: 0 },
    });
    expect(doc.lines.map((l) => [l.productCode, l.batchNo, l.qtyBase, l.priceFen])).toEqual([
      ['P001', 'B123', 48, 800],
      ['P002', 'VC-9', 5, 200],
      ['P004', 'PE-1', 3, null],
    ]);
    expect(doc.lines[0]!.traceCodes).toEqual([code20(1), code20(2)]);

    const [am, vc] = doc.lines;
    expect(f.batchQty(am!.batchId!)).toBe(48); // 2 boxes of 24 capsules
    const ledger = f.db
      .prepare('SELECT batch_id, delta_base, cause, ref_type, ref_id FROM stock_ledger ORDER BY id')
      .all();
    expect(ledger).toEqual(
      doc.lines.map((l) => ({
        batch_id: l.batchId,
        delta_base: l.qtyBase,
        cause: 'receive',
        ref_type: 'stock_doc_line',
        ref_id: l.id,
      })),
    );
    expect(f.db.prepare('SELECT code, state, batch_id, doc_line_id FROM trace_codes ORDER BY id').all()).toEqual([
      { code: code20(1), state: 'in_stock', batch_id: am!.batchId, doc_line_id: am!.id },
      { code: code20(2), state: 'in_stock', batch_id: am!.batchId, doc_line_id: am!.id },
    ]);

    const rows = outbox(f);
    expect(rows.map((r) => [r.infno, r.ref_type, r.ref_id, r.state])).toEqual([
      ['3503', 'receiving_line', am!.id, 'pending'],
      ['3503', 'receiving_line', vc!.id, 'pending'],
    ]);
    for (const r of rows) expect(uploadProblems('3503', JSON.parse(r.payload))).toEqual([]);
    expect(rowOf(rows[0]!)).toMatchObject({
      med_list_codg: 'XJ01CAA040A001010100001',
      fixmedins_hilist_id: 'P001',
      fixmedins_hilist_name: '阿莫西林胶囊',
      fixmedins_bchno: String(am!.batchId),
      dynt_no: 'SH-0001',
      spler_name: '国药控股北京有限公司',
      spler_pmtno: 'JY11101010001',
      manu_lotnum: 'B123',
      prodentp_name: '石药集团欧意药业有限公司',
      aprvno: '国药准字H13023964',
      manu_date: '2025-06-01',
      expy_end: '2028-05-31',
      finl_trns_pric: '8.00',
      purc_retn_cnt: '2',
      purc_invo_no: 'FP001',
      rx_flag: '1',
      purc_retn_stoin_time: '2026-11-28 10:00:00',
      purc_retn_opter_name: '钱药师',
      prod_geay_flag: '0',
      memo: `pos:receiving_line:${am!.id}`,
    });
    expect(rowOf(rows[0]!)).not.toHaveProperty('drugtracinfo');
    // the till's own bookkeeping column sees the batch serial
    expect(f.db.prepare('SELECT bchno FROM upload_outbox WHERE id = ?').pluck().get(rows[0]!.id)).toBe(
      String(am!.batchId),
    );

    // a second delivery of the same lot adds to its batch; numbers go on
    const again = delivery(f, [amox(f, { packages: 1, priceFen: 900, traceCodes: [code20(3)] })]);
    expect(again.docNo).toBe('RK202611280002');
    expect(again.lines[0]!.batchId).toBe(am!.batchId);
    expect(f.batchQty(am!.batchId!)).toBe(72);
    // the batch keeps its first price (one price per batch)
    expect(f.query.batch(am!.batchId!).purchasePriceFen).toBe(800);
    expect(f.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'stock.receive'").pluck().get()).toBe(2);
    expect(f.docs.docs({ kind: 'receiving' })).toMatchObject({
      total: 2,
      rows: [{ docNo: 'RK202611280002', lineCount: 1 }, { lineCount: 3 }],
    });
  });

  it('refuses a line with the exact reason and writes nothing at all', async () => {
    const f = await inventoryFixture();
    delivery(f, [amox(f, { traceCodes: [code20(1)] })]);
    const before = f.footprint();
    const refused = (lines: ReceivingInput['lines']) => errorOf(() => delivery(f, lines));

    const noExpiry = refused([
      { productId: f.ids.vitaminC, batchNo: 'VC-1', mfgDate: '2025-01-01', expiryDate: '2027-12-31', packages: 1 },
      amox(f, { batchNo: 'B200', expiryDate: '' }),
    ]);
    expect(noExpiry.code).toBe('INVALID_INPUT');
    expect(noExpiry.message).toBe('第2行 阿莫西林胶囊 批号 B200：缺少有效期');
    expect(noExpiry.fields).toEqual([{ path: 'lines.1.expiryDate', message: noExpiry.message }]);

    expect(refused([amox(f, { batchNo: 'B201', traceCodes: ['8000000000000000001'] })]).message).toBe(
      '第1行 阿莫西林胶囊 批号 B201：追溯码 8000000000000000001 格式不正确：追溯码应为20位数字（扫到19位）',
    );
    expect(
      refused([
        amox(f, { batchNo: 'B202', traceCodes: [code20(7)] }),
        {
          productId: f.ids.ibuprofen,
          batchNo: 'IB-1',
          mfgDate: '2025-01-01',
          expiryDate: '2028-01-31',
          packages: 1,
          traceCodes: [code20(7)],
        },
      ]).message,
    ).toBe(`第2行 布洛芬缓释胶囊 批号 IB-1：追溯码 ${code20(7)} 在本单重复（第1行已有）`);
    expect(refused([amox(f, { batchNo: 'B203', traceCodes: [code20(1)] })]).message).toBe(
      `第1行 阿莫西林胶囊 批号 B203：追溯码 ${code20(1)} 已登记（阿莫西林胶囊 批号 B123，在库），同一盒药不能重复入库`,
    );
    expect(refused([amox(f, { batchNo: 'B204', packages: 1, traceCodes: [code20(8), code20(9)] })]).message).toBe(
      '第1行 阿莫西林胶囊 批号 B204：追溯码 2 个，多于本行的 1 个最小包装（每盒一个码）',
    );
    expect(refused([amox(f, { batchNo: 'B205', mfgDate: '2026-01-01', expiryDate: '2025-12-31' })]).message).toBe(
      '第1行 阿莫西林胶囊 批号 B205：有效期 2025-12-31 早于生产日期 2026-01-01',
    );
    expect(refused([amox(f, { batchNo: 'B206', expiryDate: '2026-11-27' })]).message).toBe(
      '第1行 阿莫西林胶囊 批号 B206：已过期（有效期至 2026-11-27），不能入库',
    );
    expect(refused([amox(f, { batchNo: 'B207', mfgDate: '2027-01-01', expiryDate: '2029-01-01' })]).message).toBe(
      '第1行 阿莫西林胶囊 批号 B207：生产日期 2027-01-01 晚于今天',
    );
    // a known lot with another expiry: refused, so one batch keeps one expiry
    expect(refused([amox(f, { expiryDate: '2028-06-30' })]).message).toBe(
      '第1行 阿莫西林胶囊 批号 B123：该批号已在库，有效期为 2028-05-31，与本次填写的 2028-06-30 不一致',
    );
    expect(refused([amox(f, { batchNo: 'B208' }), amox(f, { batchNo: 'B208' })]).message).toBe(
      '第2行 阿莫西林胶囊 批号 B208：与第1行是同一商品同一批号，请合并为一行',
    );
    // several problems at once, each with its line
    const many = refused([
      amox(f, { batchNo: 'B209', expiryDate: '' }),
      amox(f, { batchNo: 'B210', expiryDate: '2020-01-01' }),
    ]);
    expect(many.fields?.map((x) => x.path)).toEqual(['lines.0.expiryDate', 'lines.1.expiryDate']);
    expect(many.message).toContain('；');
    // a reported product must carry its maker and approval number (3503 requires them)
    f.db.prepare('UPDATE products SET manufacturer = NULL, aprvno = NULL WHERE id = ?').run(f.ids.amoxicillin);
    expect(refused([amox(f, { batchNo: 'B211' })]).message).toBe(
      '第1行 阿莫西林胶囊 批号 B211：商品资料缺少生产厂家、批准文号（医保采购上报必填），请先在商品资料中补全',
    );
    expect(f.footprint()).toEqual(before);
  });
});

describe('inventory: purchase return (采购退货)', () => {
  it('refuses more than the batch holds; a return takes stock, sets its codes out and queues 3504', async () => {
    const f = await inventoryFixture();
    const rk = delivery(f, [amox(f, { traceCodes: [code20(1), code20(2)] })]);
    const batchId = rk.lines[0]!.batchId!;
    const before = f.footprint();
    const ret = (packages: number, traceCodes: string[] = []) =>
      f.docs.purchaseReturn(
        {
          supplier: '国药控股北京有限公司',
          invoiceNo: 'FP001',
          note: '包装破损',
          lines: [{ batchId, packages, traceCodes }],
        },
        f.ops.manager,
      );
    expect(errorOf(() => ret(3)).message).toBe('第1行 阿莫西林胶囊 批号 B123：退货 3盒 超过库存，该批次仅剩 2盒');
    expect(errorOf(() => ret(1, [code20(99), code20(98)])).message).toContain('多于本行的 1 个最小包装');
    expect(f.footprint()).toEqual(before);

    const th = ret(1, [code20(1)]);
    expect(th).toMatchObject({
      docNo: 'TH202611280001',
      kind: 'purchase_return',
      note: '包装破损',
      invoiceNo: 'FP001',
    });
    expect(th.lines[0]).toMatchObject({ batchId, qtyBase: 24, traceCodes: [code20(1)] });
    expect(f.batchQty(batchId)).toBe(24);
    expect(f.db.prepare('SELECT state FROM trace_codes WHERE code = ?').pluck().get(code20(1))).toBe('out');
    expect(f.db.prepare('SELECT orig_doc_id FROM stock_docs WHERE id = ?').pluck().get(th.id)).toBe(rk.id);
    const rows = outbox(f, "infno = '3504'");
    expect(rows).toHaveLength(1);
    expect(uploadProblems('3504', JSON.parse(rows[0]!.payload))).toEqual([]);
    expect(rowOf(rows[0]!)).toMatchObject({
      fixmedins_bchno: String(batchId),
      purc_retn_cnt: '1',
      finl_trns_pric: '8.00',
      purc_invo_no: 'FP001',
      medins_prod_purc_no: rk.docNo,
      memo: `pos:purchase_return_line:${th.lines[0]!.id}`,
    });
    // a code that left cannot leave again
    expect(errorOf(() => ret(1, [code20(1)])).message).toBe(
      `第1行 阿莫西林胶囊 批号 B123：追溯码 ${code20(1)} 已出库，不在库中`,
    );
    const ledger = f.db.prepare("SELECT delta_base, cause FROM stock_ledger WHERE cause = 'purchase_return'").all();
    expect(ledger).toEqual([{ delta_base: -24, cause: 'purchase_return' }]);
  });
});

describe('inventory: stock changes (库存变动)', () => {
  it('moves stock in the reason’s direction with 3502 rows; never below zero; new lots only where allowed', async () => {
    const f = await inventoryFixture();
    const rk = delivery(f, [amox(f, { traceCodes: [code20(1), code20(2)] })]);
    const batchId = rk.lines[0]!.batchId!;

    const damage = f.docs.change(
      { reason: 'damage', note: '受潮', lines: [{ batchId, qtyBase: 5 }] },
      { id: f.ops.pharmacist, roles: ['pharmacist'] },
    );
    expect(damage).toMatchObject({
      docNo: 'BD202611280001',
      reason: 'damage',
      reasonLabel: '报损',
      chgType: '107',
      note: '受潮',
    });
    expect(damage.lines[0]!.qtyBase).toBe(-5);
    expect(f.batchQty(batchId)).toBe(43);
    let rows = outbox(f, "infno = '3502'");
    expect(uploadProblems('3502', JSON.parse(rows[0]!.payload))).toEqual([]);
    // 5 capsules: counted in split units (trdn_flag 1) at the capsule's price (8.00 / 24)
    expect(rowOf(rows[0]!)).toMatchObject({
      inv_chg_type: '107',
      cnt: '5',
      trdn_flag: '1',
      pric: '0.333333',
      inv_chg_opter_name: '钱药师',
    });

    // out beyond stock, and a new lot for an outgoing reason: refused with the line named
    expect(
      errorOf(() =>
        f.docs.change(
          { reason: 'destroy', lines: [{ batchId, qtyBase: 44 }] },
          { id: f.ops.pharmacist, roles: ['pharmacist'] },
        ),
      ).message,
    ).toBe('第1行 阿莫西林胶囊 批号 B123：销毁 1盒20粒 超过库存，该批次仅剩 1盒19粒');
    expect(
      errorOf(() =>
        f.docs.change(
          {
            reason: 'damage',
            lines: [
              { productId: f.ids.vitaminC, batchNo: 'X1', mfgDate: '2025-01-01', expiryDate: '2028-01-01', qtyBase: 1 },
            ],
          },
          { id: f.ops.pharmacist, roles: ['pharmacist'] },
        ),
      ).message,
    ).toBe('第1行 维生素C片 批号 X1：报损只能选择已有批次');

    // in: a transfer brings a new lot with its codes; out: a transfer takes a box and its code
    const tin = f.docs.change(
      {
        reason: 'transfer_in',
        lines: [
          {
            productId: f.ids.vitaminC,
            batchNo: 'VC-T',
            mfgDate: '2025-05-01',
            expiryDate: '2027-10-31',
            qtyBase: 4,
            priceFen: 250,
            traceCodes: [code20(40)],
          },
        ],
      },
      { id: f.ops.pharmacist, roles: ['pharmacist'] },
    );
    const vcBatch = tin.lines[0]!.batchId!;
    expect(f.batchQty(vcBatch)).toBe(4);
    expect(f.db.prepare('SELECT state, batch_id FROM trace_codes WHERE code = ?').get(code20(40))).toEqual({
      state: 'in_stock',
      batch_id: vcBatch,
    });
    const tout = f.docs.change(
      { reason: 'transfer_out', lines: [{ batchId, qtyBase: 24, traceCodes: [code20(2)] }] },
      { id: f.ops.pharmacist, roles: ['pharmacist'] },
    );
    expect(tout.chgType).toBe('102');
    expect(f.db.prepare('SELECT state FROM trace_codes WHERE code = ?').pluck().get(code20(2))).toBe('out');
    rows = outbox(f, "infno = '3502'");
    expect(rows.map((r) => rowOf(r).inv_chg_type)).toEqual(['107', '101', '102']);
    for (const r of rows) expect(uploadProblems('3502', JSON.parse(r.payload))).toEqual([]);
    expect(rowOf(rows[1]!)).toMatchObject({
      cnt: '4',
      trdn_flag: '0',
      pric: '2.50',
      drugtracinfo: [{ drug_trac_codg: code20(40) }],
    });
    expect(rowOf(rows[2]!)).toMatchObject({ cnt: '1', trdn_flag: '0', drugtracinfo: [{ drug_trac_codg: code20(2) }] });
    expect(f.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'stock.change'").pluck().get()).toBe(3);
    const causes = f.db
      .prepare("SELECT cause FROM stock_ledger WHERE ref_type = 'stock_doc_line' AND cause != 'receive' ORDER BY id")
      .pluck()
      .all();
    expect(causes).toEqual(['change_damage', 'change_transfer_in', 'change_transfer_out']);

    // a box that left may come back, as the same product only
    const back = (productId: number) =>
      f.docs.change(
        {
          reason: 'transfer_in',
          lines: [
            {
              productId,
              batchNo: 'BACK-1',
              mfgDate: '2025-05-01',
              expiryDate: '2027-10-31',
              qtyBase: 24,
              traceCodes: [code20(2)],
            },
          ],
        },
        { id: f.ops.pharmacist, roles: ['pharmacist'] },
      );
    expect(errorOf(() => back(f.ids.ibuprofen)).message).toBe(
      `第1行 布洛芬缓释胶囊 批号 BACK-1：追溯码 ${code20(2)} 出库前属于 阿莫西林胶囊，不是本行的商品`,
    );
    const returned = back(f.ids.amoxicillin);
    expect(f.db.prepare('SELECT state, batch_id, doc_line_id FROM trace_codes WHERE code = ?').get(code20(2))).toEqual({
      state: 'in_stock',
      batch_id: returned.lines[0]!.batchId,
      doc_line_id: returned.lines[0]!.id,
    });
  });

  it('库存更正: refused for a pharmacist (audited as denied), needs a reason, audited with before/after', async () => {
    const f = await inventoryFixture();
    const rk = delivery(f, [
      amox(f),
      {
        productId: f.ids.vitaminC,
        batchNo: 'VC-1',
        mfgDate: '2025-01-01',
        expiryDate: '2028-01-31',
        packages: 10,
        priceFen: 200,
      },
    ]);
    const [am, vc] = rk.lines.map((l) => l.batchId!);
    const before = f.footprint();
    const e = errorOf(() =>
      f.docs.change(
        { reason: 'correction', note: '录错', lines: [{ batchId: am!, qtyBase: -3 }] },
        { id: f.ops.pharmacist, roles: ['pharmacist'] },
      ),
    );
    expect(e).toMatchObject({ code: 'FORBIDDEN', message: '库存更正只能由店长或管理员操作' });
    expect(f.footprint()).toEqual({ ...before, audit_log: before.audit_log! + 1 });
    expect(f.db.prepare("SELECT outcome FROM audit_log WHERE action = 'stock.correction'").pluck().get()).toBe(
      'denied',
    );
    expect(
      errorOf(() =>
        f.docs.change(
          { reason: 'correction', lines: [{ batchId: am!, qtyBase: -3 }] },
          { id: f.ops.manager, roles: ['manager'] },
        ),
      ).message,
    ).toBe('库存更正须填写原因');

    const doc = f.docs.change(
      {
        reason: 'correction',
        note: '入库时数量录错',
        lines: [
          { batchId: am!, qtyBase: -3 },
          { batchId: vc!, qtyBase: 2 },
        ],
      },
      { id: f.ops.manager, roles: ['manager'] },
    );
    expect(doc).toMatchObject({ reason: 'correction', reasonLabel: '库存更正', chgType: null, note: '入库时数量录错' });
    expect([f.batchQty(am!), f.batchQty(vc!)]).toEqual([45, 12]);
    expect(outbox(f, "infno = '3502'").map((r) => rowOf(r).inv_chg_type)).toEqual(['107', '106']);
    const audit = f.db
      .prepare(
        "SELECT operator_name, outcome, detail FROM audit_log WHERE action = 'stock.correction' AND outcome = 'ok'",
      )
      .get() as {
      operator_name: string;
      detail: string;
    };
    expect(audit.operator_name).toBe('dianzhang');
    expect(JSON.parse(audit.detail)).toMatchObject({
      reason: 'correction',
      note: '入库时数量录错',
      lines: [
        { batchId: am, before: 48, after: 45, delta: -3, chgType: '107' },
        { batchId: vc, before: 10, after: 12, delta: 2, chgType: '106' },
      ],
    });
  });
});

describe('inventory: stocktake (盘点)', () => {
  it('a gain and a loss with a sale between count and approval: ledger, 3502 103/104 then 3501, stock right', async () => {
    const f = await inventoryFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    const rk = delivery(f, [
      {
        productId: f.ids.vitaminC,
        batchNo: 'VC-1',
        mfgDate: '2025-01-01',
        expiryDate: '2028-01-31',
        packages: 10,
        priceFen: 200,
      },
      {
        productId: f.ids.ibuprofen,
        batchNo: 'IB-1',
        mfgDate: '2025-01-01',
        expiryDate: '2028-01-31',
        packages: 10,
        priceFen: 1000,
        traceCodes: [code20(1), code20(2)],
      },
      {
        productId: f.ids.pseudoephedrine,
        batchNo: 'PE-1',
        mfgDate: '2025-01-01',
        expiryDate: '2028-01-31',
        packages: 5,
      },
    ]);
    const [vc, ib, pe] = rk.lines.map((l) => l.batchId!);
    let pd = f.docs.stocktakeStart({}, f.ops.pharmacist);
    expect(pd).toMatchObject({ docNo: 'PD202611280001', state: 'draft', invdate: '2026-11-28' });
    expect(pd.lines.map((l) => [l.batchId, l.bookQtyBase, l.qtyBase])).toEqual([
      [vc, 10, null],
      [ib, 10, null],
      [pe, 5, null],
    ]);
    // a batch cannot be on two open sheets
    expect(errorOf(() => f.docs.stocktakeStart({ productIds: [f.ids.vitaminC] }, f.ops.pharmacist)).message).toBe(
      '批号 VC-1 已在未完成的盘点单 PD202611280001 中，请先审批或作废该盘点单',
    );
    const line = (batchId: number) => pd.lines.find((l) => l.batchId === batchId)!.id;
    pd = f.docs.stocktakeCount(pd.id, line(vc!), 12, f.ops.pharmacist); // 2 more on the shelf than the books
    pd = f.docs.stocktakeCount(pd.id, line(ib!), 7, f.ops.manager); // 3 missing
    expect(pd.notice).toContain('1 行尚未盘点');

    // the shop sells 2 bottles of the counted batch before the approval
    f.core.advance(60_000);
    const sale = f.counter.start(f.opId);
    f.counter.addProduct(sale.id, f.opId, { productId: f.ids.vitaminC, qty: 2 });
    f.counter.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 700 }]);
    expect(f.batchQty(vc!)).toBe(8);

    expect(errorOf(() => f.docs.stocktakeApprove(pd.id, f.ops.manager2)).message).toContain('请先提交');
    pd = f.docs.stocktakeSubmit(pd.id, f.ops.pharmacist);
    expect(pd.state).toBe('submitted');
    expect(errorOf(() => f.docs.stocktakeCount(pd.id, line(pe!), 5, f.ops.pharmacist)).code).toBe('CONFLICT');
    expect(errorOf(() => f.docs.stocktakeApprove(pd.id, f.ops.pharmacist))).toMatchObject({
      code: 'FORBIDDEN',
      message: '盘点审批只能由店长或管理员操作',
    });
    expect(errorOf(() => f.docs.stocktakeApprove(pd.id, f.ops.manager)).message).toContain('不能审批自己的盘点结果');
    const before = outbox(f).length;
    pd = f.docs.stocktakeApprove(pd.id, f.ops.manager2);
    expect(pd).toMatchObject({ state: 'posted', approvedByName: '李店长' });
    expect(pd.notice).toBe('1 行未盘点，审批时未计入（未调整库存，未上报盘存）');

    // stock: what was counted, less what was sold since the count
    expect([f.batchQty(vc!), f.batchQty(ib!), f.batchQty(pe!)]).toEqual([10, 7, 5]);
    const ledger = f.db
      .prepare("SELECT batch_id, delta_base, cause FROM stock_ledger WHERE cause LIKE 'stocktake%' ORDER BY id")
      .all();
    expect(ledger).toEqual([
      { batch_id: vc, delta_base: 2, cause: 'stocktake_gain' },
      { batch_id: ib, delta_base: -3, cause: 'stocktake_loss' },
    ]);
    const rows = outbox(f).slice(before);
    expect(rows.map((r) => [r.infno, r.ref_type, r.ref_id])).toEqual([
      ['3502', 'stocktake_diff', line(vc!)],
      ['3502', 'stocktake_diff', line(ib!)],
      ['3501', 'stocktake_count', line(vc!)],
      ['3501', 'stocktake_count', line(ib!)],
    ]);
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
    for (const r of rows) expect(uploadProblems(r.infno, JSON.parse(r.payload))).toEqual([]);
    expect(rows.slice(0, 2).map((r) => [rowOf(r).inv_chg_type, rowOf(r).cnt, rowOf(r).pric])).toEqual([
      ['103', '2', '2.00'],
      ['104', '3', '10.00'],
    ]);
    expect(rowOf(rows[2]!)).toMatchObject({ invdate: '2026-11-28', inv_cnt: '10', fixmedins_bchno: String(vc) });
    expect(rowOf(rows[2]!)).not.toHaveProperty('drugtracinfo');
    // the codes still on the shelf travel with the count
    expect(rowOf(rows[3]!)).toMatchObject({
      inv_cnt: '7',
      drugtracinfo: [{ drug_trac_codg: code20(1) }, { drug_trac_codg: code20(2) }],
    });
    expect(pd.uploads).toEqual({ pending: 4, sent: 0, refused: 0 });
    expect(f.docs.docs({ kind: 'stocktake', state: 'posted' }).total).toBe(1);

    // the next sheet: nothing open any more; a sheet is cancelled by a manager
    const next = f.docs.stocktakeStart({ productIds: [f.ids.vitaminC], scope: '货架A' }, f.ops.pharmacist);
    expect(next.lines).toHaveLength(1);
    expect(f.docs.stocktakeCancel(next.id, f.ops.manager).state).toBe('cancelled');
    expect(errorOf(() => f.docs.stocktakeSubmit(next.id, f.ops.pharmacist)).message).toContain('已作废');
  });
});

describe('inventory: the stock list (库存查询)', () => {
  it('statuses near-expiry / expired / locked, text search, paging, ledger with document numbers, charts', async () => {
    const f = await inventoryFixture({
      env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false', POS_GSP_RX_REQUIRES_PHARMACIST: 'false' },
    });
    const rk = delivery(f, [
      amox(f, { batchNo: 'AM-LONG', expiryDate: '2029-06-30', packages: 2, priceFen: 2400 }),
      {
        productId: f.ids.vitaminC,
        batchNo: 'VC-NEAR',
        mfgDate: '2025-01-01',
        expiryDate: '2027-03-31',
        packages: 10,
        priceFen: 150,
      },
      {
        productId: f.ids.ibuprofen,
        batchNo: 'IB-OK',
        mfgDate: '2025-01-01',
        expiryDate: '2028-01-31',
        packages: 4,
        priceFen: 1000,
      },
      {
        productId: f.ids.pseudoephedrine,
        batchNo: 'PE-1',
        mfgDate: '2025-01-01',
        expiryDate: '2027-08-31',
        packages: 1,
        priceFen: 999,
      },
    ]);
    const old = f.stockUp('vitaminC', 'VC-OLD', '2026-10-31', 3); // before the system: no price, already expired
    const [amBatch, , ibBatch] = rk.lines.map((l) => l.batchId!);
    // 30 capsules of the amoxicillin lot sold split: 1 box 18 capsules left
    const sale = f.counter.start(f.opId);
    const added = f.counter.addProduct(sale.id, f.opId, { productId: f.ids.amoxicillin, qty: 30, split: true });
    expect(added.sale.lines[0]!.batch?.id).toBe(amBatch);
    f.counter.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 30 * 52 }]);

    const locked = f.query.setLocked(ibBatch!, true, '质量抽检', f.ops.manager);
    expect(locked).toMatchObject({ status: 'locked', locked: true });
    expect(f.db.prepare("SELECT detail FROM audit_log WHERE action = 'stock.lock'").pluck().get()).toContain(
      '质量抽检',
    );
    expect(f.counter.batches(f.ids.ibuprofen)).toEqual([]); // a locked batch is not sold

    const list = f.query.batches({});
    expect(list.months).toBe(6);
    expect(list.total).toBe(5);
    expect(list.rows.map((r) => [r.batchNo, r.status, r.monthsLeft])).toEqual([
      ['VC-OLD', 'expired', -1],
      ['VC-NEAR', 'near_expiry', 4],
      ['PE-1', 'ok', 9],
      ['IB-OK', 'locked', 14],
      ['AM-LONG', 'ok', 31],
    ]);
    expect(list.rows[4]).toMatchObject({
      qtyBase: 18,
      traceCodesInStock: 0,
      category: '抗感染药',
      purchasePriceFen: 2400,
    });
    const names = (q: Parameters<typeof f.query.batches>[0]) => f.query.batches(q).rows.map((r) => r.batchNo);
    expect(names({ status: 'near_expiry' })).toEqual(['VC-NEAR']);
    expect(names({ status: 'near_expiry', months: 12 })).toEqual(['VC-NEAR', 'PE-1']);
    expect(names({ status: 'expired' })).toEqual(['VC-OLD']);
    expect(names({ status: 'locked' })).toEqual(['IB-OK']);
    expect(names({ text: '布洛芬' })).toEqual(['IB-OK']);
    expect(names({ text: 'p002' })).toEqual(['VC-OLD', 'VC-NEAR']);
    expect(names({ text: 'wss' })).toEqual(['VC-OLD', 'VC-NEAR']); // 维生素 pinyin initials
    expect(names({ text: 'AM-' })).toEqual(['AM-LONG']);
    expect(names({ text: '100%' })).toEqual([]);
    expect(names({ sort: 'product' })).toEqual(['AM-LONG', 'VC-OLD', 'VC-NEAR', 'IB-OK', 'PE-1']);
    const page = f.query.batches({ limit: 2, offset: 2 });
    expect([page.total, page.rows.map((r) => r.batchNo)]).toEqual([5, ['PE-1', 'IB-OK']]);
    f.db.prepare('UPDATE stock_batches SET qty_base = 0 WHERE id = ?').run(old);
    expect(f.query.batches({ status: 'all' }).rows.find((r) => r.id === old)?.status).toBe('empty');
    expect(names({})).not.toContain('VC-OLD');

    const ledger = f.query.ledger(amBatch!);
    expect(ledger.map((g) => [g.causeLabel, g.deltaBase, g.docNo])).toEqual([
      ['采购入库', 48, rk.docNo],
      ['销售', -30, f.counter.get(sale.id).receiptNo],
    ]);
    expect(ledger[0]!.operatorName).toBe('钱药师');

    // value at purchase price: price per box, quantity in base units; batches without a price count 0
    const charts = f.query.charts();
    const am = Math.round((18 * 2400) / 24); // 1800
    expect(charts.totalValueFen).toBe(am + 10 * 150 + 4 * 1000 + 999);
    expect(charts.valueByCategory).toEqual([
      { category: '解热镇痛', valueFen: 4000, batches: 1 },
      { category: '抗感染药', valueFen: am, batches: 1 },
      { category: '维生素', valueFen: 1500, batches: 1 },
      { category: '未分类', valueFen: 999, batches: 1 },
    ]);
    expect(charts.expiryHorizon).toEqual([
      { label: '已过期', valueFen: 0, batches: 0 },
      { label: '≤1 月', valueFen: 0, batches: 0 },
      { label: '1–3 月', valueFen: 0, batches: 0 },
      { label: '3–6 月', valueFen: 1500, batches: 1 },
      { label: '6–12 月', valueFen: 999, batches: 1 },
      { label: '>12 月', valueFen: am + 4000, batches: 2 },
    ]);

    // the 拆零 record
    const split = f.query.splitRecords('2026-11-28', '2026-11-28');
    expect(split).toEqual([
      expect.objectContaining({
        saleId: sale.id,
        productName: '阿莫西林胶囊',
        batchNo: 'AM-LONG',
        qty: 30,
        unit: '粒',
        amountFen: 30 * 52,
      }),
    ]);
    expect(f.query.splitRecords('2026-11-29', '2026-11-30')).toEqual([]);
    expect(errorOf(() => f.query.splitRecords('2026-11-30', '2026-11-29')).message).toBe('开始日期不能晚于结束日期');
  });
});

describe('inventory: the stock.* channels', () => {
  it('are thin over the services, with the session operator; refuse when the services did not start', async () => {
    const f = await inventoryFixture();
    const handlers = createInventoryHandlers({ docs: f.docs, query: f.query, audit: f.core.audit, log: f.log });
    const as = (id: number, username: string, roles: Role[]): HandlerContext => ({
      session: {
        id: 's',
        transport: 'test',
        operator: { id, username, displayName: username, roles, mustChangePassword: false },
      },
      screen: 'inventory',
    });
    const pharmacist = as(f.ops.pharmacist, 'yaoshi', ['pharmacist']);
    const input = <C extends keyof typeof CHANNELS>(c: C, v: unknown) => CHANNELS[c].input.parse(v) as never;
    const doc = await handlers['stock.receive'](
      pharmacist,
      input('stock.receive', { supplier: '国药控股北京有限公司', lines: [amox(f)] }),
    );
    expect(doc.operatorName).toBe('钱药师');
    const pd = await handlers['stock.stocktakeStart'](pharmacist, input('stock.stocktakeStart', {}));
    const counted = await handlers['stock.stocktakeCount'](
      pharmacist,
      input('stock.stocktakeCount', { docId: pd.id, lineId: pd.lines[0]!.id, countedBase: 47 }),
    );
    expect(counted.lines[0]).toMatchObject({ qtyBase: 47, bookQtyBase: 48 });
    await expect(
      Promise.resolve().then(() =>
        handlers['stock.change'](
          pharmacist,
          input('stock.change', {
            reason: 'correction',
            note: '录错',
            lines: [{ batchId: doc.lines[0]!.batchId, qtyBase: 1 }],
          }),
        ),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.log.records.some((e) => e.msg === 'inventory: stock change refused')).toBe(true);
    const list = await handlers['stock.batches'](pharmacist, input('stock.batches', {}));
    expect(list.total).toBe(1);
    const locked = await handlers['stock.setLocked'](
      as(f.ops.manager, 'dianzhang', ['manager']),
      input('stock.setLocked', { batchId: doc.lines[0]!.batchId, locked: true, reason: '召回' }),
    );
    expect(locked.status).toBe('locked');
    const off = createInventoryHandlers({ docs: null, query: null, audit: f.core.audit, log: f.log });
    expect(() => off['stock.docs'](pharmacist, input('stock.docs', {}))).toThrow('库存服务未能启动');
  });
});
