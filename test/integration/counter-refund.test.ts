import { describe, expect, it } from 'vitest';
import { shiftReport } from '../../app/counter/shift';
import { startTcpVirtualPrinter } from '../../app/sandbox/devices/virtual-printer';
import { counterFixture, type CounterFixture } from '../support/counter-fixture';
import { onCleanup, sandboxMessages } from '../support/nhsa-fixture';

/**
 * After the sale: the receipt printed on a (virtual) network printer and read back, refunds — a self-pay line
 * returned alone, an insurance sale cancelled with 2103 in full or with kept lines moved to a new cart — with
 * stock and 3506 rows, and the shift report that sums it all by operator and payment method.
 */

async function insuranceSale(f: CounterFixture, codes: string[]): Promise<number> {
  const c = f.counter;
  const sale = c.start(f.opId);
  for (const code of codes) c.scan(sale.id, f.opId, code);
  await c.readPerson(sale.id, f.opId, { certType: '02', certNo: '11010119650315201X' });
  await c.preSettle(sale.id, f.opId);
  const v = await c.settle(sale.id, f.opId);
  c.pay(sale.id, f.opId, v.dueFen > 0 ? [{ method: 'cash', amountFen: v.dueFen }] : []);
  return sale.id;
}

const stock = (f: CounterFixture, id: number) =>
  f.db.prepare('SELECT qty_base FROM product_stock WHERE product_id = ?').pluck().get(id) as number;

describe('counter: after the sale', () => {
  it('prints the receipt on a network printer: the bytes decode back to the sale', async () => {
    const printer = await startTcpVirtualPrinter({});
    onCleanup(() => printer.close());
    const f = await counterFixture({
      env: {
        POS_TRACE_REQUIRED_FOR_INSURANCE: 'false',
        POS_DEVICES_PRINTER_TYPE: 'network',
        POS_DEVICES_PRINTER_ADDRESS: `127.0.0.1:${printer.port}`,
        POS_DEVICES_PAPER_WIDTH: '58',
      },
    });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    f.stockUp('ibuprofen', 'IB-1', '2028-01-31', 10);
    const saleId = await insuranceSale(f, ['6901234567809', '6901234567816']);
    const sale = f.counter.get(saleId);
    const preview = f.receipts.preview(saleId, false);
    expect(preview.paperWidth).toBe(58);
    const out = await f.receipts.print(saleId, { reprint: false, openDrawer: true });
    expect(out).toEqual({ printed: true, message: null });
    const [job] = await printer.waitForJobs(1);
    const text = job!.text;
    expect(text).toContain('沙箱培训大药房');
    expect(text).toContain(sale.receiptNo!);
    expect(text).toContain('维生素C片');
    expect(text).toContain('VC-1');
    // a long settlement id may wrap on 58 mm paper
    expect(text.replace(/\s+/g, '')).toContain(sale.settlement!.setlId!);
    expect(text).toContain('王**');
    expect(text).not.toContain('王培训');
    expect(job!.decoded.drawerKicks).toBeGreaterThan(0);
    // the preview is what printed, line for line
    for (const l of preview.lines) expect(text).toContain(l.text.trim());
    // 重打 is marked
    await f.receipts.print(saleId, { reprint: true, openDrawer: false });
    const [, again] = await printer.waitForJobs(2);
    expect(again!.text).toContain('重打');
  });

  it('an offline printer does not undo the sale', async () => {
    const f = await counterFixture({
      env: {
        POS_TRACE_REQUIRED_FOR_SELFPAY: 'false',
        POS_DEVICES_PRINTER_TYPE: 'network',
        POS_DEVICES_PRINTER_ADDRESS: '127.0.0.1:1',
      },
    });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    const sale = f.counter.start(f.opId);
    f.counter.scan(sale.id, f.opId, '6901234567809');
    f.counter.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 350 }]);
    const out = await f.receipts.print(sale.id, { reprint: false, openDrawer: false });
    expect(out.printed).toBe(false);
    expect(out.message).toContain('打印机');
    expect(f.counter.get(sale.id).state).toBe('completed');
  });

  it('self-pay: one line returned, stock back, 3506 queued, money back by the way it was paid', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    f.stockUp('ibuprofen', 'IB-1', '2028-01-31', 10);
    const c = f.counter;
    const sale = c.start(f.opId);
    c.scan(sale.id, f.opId, '6901234567809');
    const v = c.scan(sale.id, f.opId, '6901234567816').sale;
    c.pay(sale.id, f.opId, [
      { method: 'wechat', amountFen: 1000 },
      { method: 'cash', amountFen: 2000 },
    ]);
    const ibuLine = v.lines.find((l) => l.name.startsWith('布洛芬'))!.id;
    const vcLine = v.lines.find((l) => l.name.startsWith('维生素C'))!.id;
    expect(f.refunds.find(c.get(sale.id).receiptNo!)).toHaveLength(1);
    const r = await f.refunds.refund(sale.id, f.opId, [vcLine]);
    expect(r.keptSaleId).toBeNull();
    expect(r.payback).toEqual([
      { method: 'wechat', amountFen: 1000 },
      { method: 'cash', amountFen: 880 },
    ]);
    expect(stock(f, f.ids.ibuprofen)).toBe(10);
    expect(stock(f, f.ids.vitaminC)).toBe(9);
    const rows = f.db.prepare("SELECT ref_id, payload FROM upload_outbox WHERE infno = '3506'").all() as {
      ref_id: number;
      payload: string;
    }[];
    expect(rows.map((x) => x.ref_id)).toEqual([ibuLine]);
    expect(JSON.parse(rows[0]!.payload).selinfo).toMatchObject({ medins_prod_sel_no: c.get(sale.id).receiptNo });
    expect(c.get(sale.id).state).toBe('completed');
    expect(c.get(sale.id).lines.map((l) => [l.id, l.returned])).toEqual(
      expect.arrayContaining([
        [ibuLine, true],
        [vcLine, false],
      ]),
    );
    // the rest later: the sale is then fully returned
    await f.refunds.refund(sale.id, f.opId, []);
    expect(c.get(sale.id).state).toBe('refunded');
    await expect(f.refunds.refund(sale.id, f.opId, [])).rejects.toThrow('已退货');
  });

  it('insurance: 2103 cancels the whole settlement; kept lines go into a new cart to settle again', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_INSURANCE: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    f.stockUp('ibuprofen', 'IB-1', '2028-01-31', 10);
    const saleId = await insuranceSale(f, ['6901234567809', '6901234567816']);
    const sale = f.counter.get(saleId);
    const keep = sale.lines.find((l) => l.name.startsWith('维生素C'))!.id;
    const r = await f.refunds.refund(saleId, f.opId, [keep]);
    expect(r.message).toContain('整单撤销');
    expect(r.keptSaleId).not.toBeNull();
    expect(f.counter.get(saleId).state).toBe('refunded');
    expect(stock(f, f.ids.vitaminC)).toBe(10);
    expect(stock(f, f.ids.ibuprofen)).toBe(10);
    expect(sandboxMessages(f.sandboxDbPath).filter((m) => m.infno === '2103' && m.infcode === 0)).toHaveLength(1);
    // the kept line, same person: pre-settle and settle again
    const kept = f.counter.get(r.keptSaleId!);
    expect(kept).toMatchObject({ state: 'open', totalFen: 350 });
    expect(kept.notice).toContain('部分退货');
    await f.counter.preSettle(kept.id, f.opId);
    const settled = await f.counter.settle(kept.id, f.opId);
    expect(settled.state).toBe('settled');
    expect(stock(f, f.ids.vitaminC)).toBe(9);
  });

  it('shift report: sales, refunds and money by operator and method', async () => {
    const f = await counterFixture({
      env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false', POS_TRACE_REQUIRED_FOR_INSURANCE: 'false' },
    });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 20);
    const c = f.counter;
    const a = c.start(f.opId);
    c.scan(a.id, f.opId, '6901234567809');
    c.pay(a.id, f.opId, [{ method: 'cash', amountFen: 500 }]);
    const b = c.start(f.opId);
    c.scan(b.id, f.opId, '6901234567809');
    c.pay(b.id, f.opId, [{ method: 'alipay', amountFen: 350 }]);
    const ins = await insuranceSale(f, ['6901234567809']);
    await f.refunds.refund(b.id, f.opId, []);
    const rep = shiftReport(f.db, { from: f.core.now() - 3600_000, to: f.core.now() + 1 });
    expect(rep.operators).toHaveLength(1);
    const t = rep.operators[0]!;
    const s = f.counter.get(ins).settlement!;
    expect(t).toMatchObject({ sales: 3, refunds: 1, changeFen: 150 });
    expect(t.totalFen).toBe(350 * 3 - 350);
    expect(t.byMethod).toEqual({ cash: 350 + s.cashFen, wechat: 0, alipay: 0, bankcard: 0 });
    expect(t.fundFen).toBe(s.fundFen);
    expect(t.accountFen).toBe(s.accountFen);
  });
});
