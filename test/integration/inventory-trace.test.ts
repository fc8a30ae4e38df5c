import { describe, expect, it } from 'vitest';
import { code20, inventoryFixture, type InventoryFixture } from '../support/inventory-fixture';

/**
 * Trace codes between the stock documents and the counter (real SQLite file, the counter service): tied at
 * receiving, released when a sale is booked (sold, or opened for 拆零), back on the shelf after a refund; the
 * cashier is warned — never stopped — when a scanned code does not match what came in. And the counter's
 * 3505/3506 rows follow the inventory rule: only goods with a national code are reported.
 */

const traceRow = (f: InventoryFixture, code: string) =>
  f.db.prepare('SELECT state, sale_line_id FROM trace_codes WHERE code = ?').get(code) as {
    state: string;
    sale_line_id: number | null;
  };

function receive(
  f: InventoryFixture,
  key: 'vitaminC' | 'amoxicillin',
  batchNo: string,
  expiry: string,
  codes: string[],
  packages = codes.length,
) {
  return f.docs.receive(
    {
      supplier: '国药控股北京有限公司',
      lines: [
        {
          productId: f.ids[key],
          batchNo,
          mfgDate: '2025-01-01',
          expiryDate: expiry,
          packages,
          priceFen: 100,
          traceCodes: codes,
        },
      ],
    },
    f.ops.pharmacist,
  ).lines[0]!.batchId!;
}

describe('inventory: trace codes at the counter', () => {
  it('a sale releases the received codes (sold); a refund puts them back in stock', async () => {
    const f = await inventoryFixture();
    receive(f, 'vitaminC', 'VC-1', '2028-01-31', [code20(1), code20(2), code20(3)]);
    const c = f.counter;
    const sale = c.start(f.opId);
    c.scan(sale.id, f.opId, '6901234567809');
    const lineId = c.updateLine(sale.id, f.opId, c.get(sale.id).lines[0]!.id, { qty: 2 }).lines[0]!.id;
    // known codes of the right batch: no warning
    expect(c.scan(sale.id, f.opId, code20(1))).toMatchObject({ kind: 'trace', message: null });
    expect(c.addTraceCode(sale.id, f.opId, lineId, code20(2)).message).toBeNull();
    // scanned but not yet sold: still in stock
    expect(traceRow(f, code20(1)).state).toBe('in_stock');
    c.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 700 }]);
    expect([traceRow(f, code20(1)), traceRow(f, code20(2)), traceRow(f, code20(3))]).toEqual([
      { state: 'sold', sale_line_id: lineId },
      { state: 'sold', sale_line_id: lineId },
      { state: 'in_stock', sale_line_id: null },
    ]);
    expect(f.query.batches({}).rows[0]!.traceCodesInStock).toBe(1);

    await f.refunds.refund(sale.id, f.opId, []);
    expect([traceRow(f, code20(1)), traceRow(f, code20(2))]).toEqual([
      { state: 'in_stock', sale_line_id: null },
      { state: 'in_stock', sale_line_id: null },
    ]);
    expect(f.query.batches({}).rows[0]).toMatchObject({ qtyBase: 3, traceCodesInStock: 3 });
    // the refund's ledger row marks the line returned (ref 'return_line'), with the receipt as its document
    const ledger = f.query.ledger(f.query.batches({}).rows[0]!.id);
    expect(ledger.map((g) => [g.causeLabel, g.refType, g.deltaBase])).toEqual([
      ['采购入库', 'stock_doc_line', 3],
      ['销售', 'sale', -2],
      ['销售退货', 'return_line', 2],
    ]);
    expect(ledger[2]!.docNo).toBe(c.get(sale.id).receiptNo);
  });

  it('拆零: the box is opened; it stays opened while another sale holds pieces of it', async () => {
    const f = await inventoryFixture({
      env: { POS_GSP_RX_REQUIRES_PHARMACIST: 'false', POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' },
    });
    receive(f, 'amoxicillin', 'AM-1', '2028-01-31', [code20(10)]);
    const c = f.counter;
    const splitSale = (n: number) => {
      const s = c.start(f.opId);
      const line = c.addProduct(s.id, f.opId, { productId: f.ids.amoxicillin, qty: n, split: true }).lineId;
      const message = c.addTraceCode(s.id, f.opId, line, code20(10)).message;
      c.pay(s.id, f.opId, [{ method: 'cash', amountFen: n * 52 }]);
      return { saleId: s.id, lineId: line, message };
    };
    const first = splitSale(6);
    expect(traceRow(f, code20(10))).toEqual({ state: 'opened', sale_line_id: first.lineId });
    expect(first.message).toBeNull();
    const second = splitSale(4);
    // the counter's own note on an opened box; the registry has nothing to add (the box is known and opened)
    expect(second.message).toBe('该盒药此前已拆零销售1次');
    expect(traceRow(f, code20(10))).toEqual({ state: 'opened', sale_line_id: second.lineId });
    await f.refunds.refund(first.saleId, f.opId, []);
    expect(traceRow(f, code20(10))).toEqual({ state: 'opened', sale_line_id: second.lineId });
    await f.refunds.refund(second.saleId, f.opId, []);
    expect(traceRow(f, code20(10))).toEqual({ state: 'in_stock', sale_line_id: null });
  });

  it('warns (does not refuse) on a code never received, of another batch, of another product, or gone', async () => {
    const f = await inventoryFixture();
    receive(f, 'vitaminC', 'VC-A', '2027-12-31', [code20(1)], 6);
    receive(f, 'vitaminC', 'VC-B', '2028-06-30', [code20(2)]);
    receive(f, 'amoxicillin', 'AM-1', '2028-01-31', [code20(3)]);
    const c = f.counter;
    const sale = c.start(f.opId);
    c.scan(sale.id, f.opId, '6901234567809');
    const lineId = c.updateLine(sale.id, f.opId, c.get(sale.id).lines[0]!.id, { qty: 4 }).lines[0]!.id;
    expect(c.get(sale.id).lines[0]!.batch?.batchNo).toBe('VC-A');
    expect(c.addTraceCode(sale.id, f.opId, lineId, code20(50)).message).toBe('追溯码未在入库时登记');
    expect(c.addTraceCode(sale.id, f.opId, lineId, code20(2)).message).toBe(
      '该追溯码入库时属于批号 VC-B，本行批号为 VC-A',
    );
    expect(c.addTraceCode(sale.id, f.opId, lineId, code20(3)).message).toBe(
      '该追溯码入库时属于其他商品（阿莫西林胶囊，批号 AM-1）',
    );
    // all three were taken: a warning is not a refusal
    expect(c.get(sale.id).lines[0]!.traceCodes).toHaveLength(3);
    // a box that went back to the supplier
    f.docs.purchaseReturn(
      {
        supplier: '国药控股北京有限公司',
        invoiceNo: 'FP9',
        lines: [{ batchId: c.get(sale.id).lines[0]!.batch!.id, packages: 1, traceCodes: [code20(1)] }],
      },
      f.ops.manager,
    );
    expect(c.addTraceCode(sale.id, f.opId, lineId, code20(1)).message).toBe('该追溯码已随退货或库存变动出库，请核对');
  });

  it('3505/3506 rows only for goods with a national code; the refund still knows every returned line', async () => {
    const f = await inventoryFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    f.stockUp('pseudoephedrine', 'PE-1', '2028-01-31', 10);
    const c = f.counter;
    const sale = c.start(f.opId);
    c.scan(sale.id, f.opId, '6901234567809');
    c.addProduct(sale.id, f.opId, { productId: f.ids.pseudoephedrine, qty: 1 });
    c.setSpecialBuyer(sale.id, f.opId, {
      name: '张三',
      idNo: '11010119900101301X'.slice(0, 17) + '3',
      source: 'typed',
    });
    c.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 350 + 1590 }]);
    const sold = f.db.prepare("SELECT ref_id FROM upload_outbox WHERE infno = '3505'").pluck().all();
    const vcLine = c.get(sale.id).lines.find((l) => l.code === 'P002')!.id;
    const peLine = c.get(sale.id).lines.find((l) => l.code === 'P004')!.id;
    expect(sold).toEqual([vcLine]);

    // the unreported line is returned first, alone: marked returned, not refundable again
    await f.refunds.refund(sale.id, f.opId, [vcLine]);
    expect(f.db.prepare("SELECT count(*) FROM upload_outbox WHERE infno = '3506'").pluck().get()).toBe(0);
    expect(c.get(sale.id).lines.map((l) => [l.id, l.returned])).toEqual(
      expect.arrayContaining([
        [peLine, true],
        [vcLine, false],
      ]),
    );
    expect(c.get(sale.id).state).toBe('completed');
    await f.refunds.refund(sale.id, f.opId, []);
    expect(f.db.prepare("SELECT ref_id FROM upload_outbox WHERE infno = '3506'").pluck().all()).toEqual([vcLine]);
    expect(c.get(sale.id).state).toBe('refunded');
    await expect(f.refunds.refund(sale.id, f.opId, [])).rejects.toThrow('已退货');
  });
});
