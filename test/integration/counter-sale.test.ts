import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportRegister, maskedRegister, specialRegister } from '../../app/counter/special-register';
import { AppError } from '../../app/shared/errors';
import { counterFixture, type CounterFixture } from '../support/counter-fixture';
import { sandboxMessages } from '../support/nhsa-fixture';

/**
 * The counter service against the training-mode sandbox over real HTTP and a real SQLite file: a self-pay
 * sale and an insurance sale from scan to paid, with batches, trace codes, GSP gates, the fund split, split
 * tender, stock and the 3505 outbox rows; and a settlement whose answer is lost, reversed and given back.
 */

// 20-digit trace codes (码上放心 style, leading 8)
const trace = (n: number) => `8${String(n).padStart(19, '0')}`;

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

function stockOf(f: CounterFixture, productId: number): number {
  return f.db.prepare('SELECT qty_base FROM product_stock WHERE product_id = ?').pluck().get(productId) as number;
}

describe('counter: a self-pay sale', () => {
  it('scans, picks the first-expiring sellable batch, gates on trace codes, takes cash with change', async () => {
    const f = await counterFixture();
    // an expired batch, a later one, and the one that expires first among the sellable
    f.stockUp('vitaminC', 'VC-OLD', '2026-01-31', 10);
    f.stockUp('vitaminC', 'VC-LATE', '2028-06-30', 10);
    const early = f.stockUp('vitaminC', 'VC-EARLY', '2027-03-31', 10);
    const c = f.counter;
    const sale = c.start(f.opId);
    expect(c.start(f.opId).id).toBe(sale.id); // one sale in progress per operator

    const r = c.scan(sale.id, f.opId, '6901234567809');
    expect(r.kind).toBe('added');
    let v = r.sale;
    expect(v.lines).toHaveLength(1);
    expect(v.lines[0]).toMatchObject({ name: '维生素C片', qty: 1, unitPriceFen: 350, amountFen: 350 });
    expect(v.lines[0]!.batch).toMatchObject({ id: early, batchNo: 'VC-EARLY', nearExpiry: true });
    expect(r.kind === 'added' && r.message).toContain('近效期');
    v = c.updateLine(sale.id, f.opId, v.lines[0]!.id, { qty: 2 });
    expect(v.totalFen).toBe(700);
    // trace codes are required for self-pay by default: two boxes, two codes
    expect(v.blockers).toEqual(['维生素C片 还差 2 个追溯码']);
    expect((await errorOf(() => c.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 1000 }]))).message).toContain(
      '追溯码',
    );
    const t1 = c.scan(sale.id, f.opId, trace(1));
    expect(t1.kind).toBe('trace');
    expect((await errorOf(() => c.scan(sale.id, f.opId, trace(1)))).message).toContain('已扫过');
    expect((await errorOf(() => c.scan(sale.id, f.opId, '12345'))).code).toBe('NOT_FOUND');
    v = c.scan(sale.id, f.opId, trace(2)).sale;
    expect(v.blockers).toEqual([]);
    expect(v.lines[0]!.traceCodes.map((t) => t.code)).toEqual([trace(1), trace(2)]);

    // not enough paid, too much by card, then cash with change
    expect((await errorOf(() => c.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 500 }]))).message).toBe(
      '还差 2.00 元',
    );
    expect((await errorOf(() => c.pay(sale.id, f.opId, [{ method: 'bankcard', amountFen: 800 }]))).message).toContain(
      '超过应收',
    );
    const done = c.pay(sale.id, f.opId, [
      { method: 'wechat', amountFen: 200 },
      { method: 'cash', amountFen: 1000 },
    ]);
    expect(done).toMatchObject({ state: 'completed', changeFen: 500, dueFen: 700 });
    expect(done.receiptNo).toMatch(/^S20261128\d{4}$/);
    expect(stockOf(f, f.ids.vitaminC)).toBe(28);
    expect(f.db.prepare('SELECT qty_base FROM stock_batches WHERE id = ?').pluck().get(early)).toBe(8);
    const ledger = f.db.prepare("SELECT delta_base, cause FROM stock_ledger WHERE ref_type = 'sale'").all();
    expect(ledger).toEqual([{ delta_base: -2, cause: 'sale' }]);
    const outbox = f.db.prepare('SELECT infno, ref_type, payload, state FROM upload_outbox').all() as {
      infno: string;
      payload: string;
      state: string;
    }[];
    expect(outbox).toHaveLength(1);
    const payload = JSON.parse(outbox[0]!.payload) as { selinfo: Record<string, string>; drugtracinfo: unknown[] };
    expect(payload.selinfo).toMatchObject({
      med_list_codg: 'XA11GAW043A001010100002',
      fixmedins_hilist_id: 'P002',
      hi_feesetl_type: '0',
      mdtrt_setl_type: '2',
      manu_lotnum: 'VC-EARLY',
      sel_retn_cnt: '2',
      rtal_docno: done.receiptNo,
      finl_trns_pric: '3.50',
      phar_name: '赵药师',
      phar_prac_cert_no: 'ZY1101010001',
      prsc_dr_name: '无',
    });
    expect(payload.drugtracinfo).toEqual([{ drug_trac_codg: trace(1) }, { drug_trac_codg: trace(2) }]);
    // the same boxes cannot be sold again
    const next = c.start(f.opId);
    c.scan(next.id, f.opId, '6901234567809');
    expect((await errorOf(() => c.scan(next.id, f.opId, trace(1)))).message).toContain('整盒售出');
  });

  it('the same box scanned again adds one to its line; past the batch, the next batch gets its own line', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    f.stockUp('ibuprofen', 'IB-A', '2027-06-30', 2);
    f.stockUp('ibuprofen', 'IB-B', '2027-12-31', 5);
    const c = f.counter;
    const sale = c.start(f.opId);
    for (let i = 0; i < 3; i++) c.scan(sale.id, f.opId, '6901234567816');
    const v = c.get(sale.id);
    expect(v.lines.map((l) => [l.batch!.batchNo, l.qty])).toEqual([
      ['IB-A', 2],
      ['IB-B', 1],
    ]);
    expect(v.totalFen).toBe(3 * 1880);
  });

  it('拆零: a line sold by the piece, at the split price, taking pieces from the batch', async () => {
    const f = await counterFixture({
      env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false', POS_GSP_RX_REQUIRES_PHARMACIST: 'false' },
    });
    f.stockUp('amoxicillin', 'AM-1', '2028-01-31', 48); // two boxes of 24 capsules
    const c = f.counter;
    const sale = c.start(f.opId);
    const line = c.scan(sale.id, f.opId, '6901234567892').sale.lines[0]!;
    expect(line).toMatchObject({ unit: '盒', qty: 1, unitPriceFen: 1250, split: false });
    let v = c.updateLine(sale.id, f.opId, line.id, { split: true });
    expect(v.lines[0]).toMatchObject({ unit: '粒', qty: 1, unitPriceFen: 52, amountFen: 52, split: true });
    v = c.updateLine(sale.id, f.opId, line.id, { qty: 10 });
    expect(v.lines[0]).toMatchObject({ qty: 10, amountFen: 520 });
    // more pieces than the batch holds are refused
    expect(() => c.updateLine(sale.id, f.opId, line.id, { qty: 49 })).toThrow('库存不足');
    c.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 520 }]);
    expect(f.db.prepare('SELECT qty_base FROM product_stock WHERE product_id = ?').pluck().get(f.ids.amoxicillin)).toBe(
      38,
    );
    const payload = JSON.parse(f.db.prepare('SELECT payload FROM upload_outbox').pluck().get() as string);
    expect(payload.selinfo).toMatchObject({ trdn_flag: '1', sel_retn_cnt: '10', finl_trns_pric: '0.52' });
    // a product without a split unit cannot be split
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 5);
    const next = c.start(f.opId);
    const vc = c.scan(next.id, f.opId, '6901234567809').sale.lines[0]!;
    expect(() => c.updateLine(next.id, f.opId, vc.id, { split: true })).toThrow('未设置拆零单位');
  });

  it('a code that fits several products asks which one', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    // the same barcode on two products (a repackaged item kept under its maker's code)
    f.db
      .prepare('INSERT INTO product_barcodes (barcode, product_id) VALUES (?, ?)')
      .run('6970000000017', f.ids.vitaminC);
    f.db.prepare("UPDATE products SET code = '6970000000017' WHERE id = ?").run(f.ids.ibuprofen);
    const c = f.counter;
    const sale = c.start(f.opId);
    const r = c.scan(sale.id, f.opId, '6970000000017');
    expect(r.kind).toBe('choose');
    expect(r.kind === 'choose' && r.candidates.map((x) => x.name).sort()).toEqual(['布洛芬缓释胶囊', '维生素C片']);
    expect(r.sale.lines).toHaveLength(0);
  });

  it('parks a cart and resumes it; an empty cart in the way is dropped', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    const c = f.counter;
    const a = c.start(f.opId);
    c.scan(a.id, f.opId, '6901234567809');
    c.park(a.id, f.opId, '戴帽子的先生');
    expect(c.parked()).toMatchObject([{ id: a.id, label: '戴帽子的先生', totalFen: 350, lines: 1 }]);
    const b = c.start(f.opId);
    expect(b.id).not.toBe(a.id);
    const back = c.resume(a.id, f.opId);
    expect(back).toMatchObject({ id: a.id, state: 'open', totalFen: 350 });
    expect(c.get(b.id).state).toBe('voided');
    expect(c.parked()).toEqual([]);
    // a cart with lines is never dropped silently
    c.park(a.id, f.opId, null);
    const d = c.start(f.opId);
    c.scan(d.id, f.opId, '6901234567809');
    expect(() => c.resume(a.id, f.opId)).toThrow('请先完成或挂起当前销售单');
  });

  it('refuses what cannot be sold: no stock, only expired stock, a special drug without buyer or over the limit', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    const c = f.counter;
    const sale = c.start(f.opId);
    expect((await errorOf(() => c.scan(sale.id, f.opId, '6901234567816'))).message).toContain('没有可售库存');
    f.stockUp('ibuprofen', 'IB-X', '2026-10-31', 5);
    expect((await errorOf(() => c.scan(sale.id, f.opId, '6901234567816'))).message).toContain('过期');
    f.stockUp('pseudoephedrine', 'PE-1', '2028-01-31', 10);
    let v = c.addProduct(sale.id, f.opId, { productId: f.ids.pseudoephedrine, qty: 3 }).sale;
    expect(v.blockers).toEqual([
      '本单含麻黄碱类等特殊药品复方制剂：请登记购买人身份证',
      '含特殊药品复方制剂每次限购 2 个最小包装，本单 3 个',
    ]);
    expect(
      (
        await errorOf(() =>
          c.setSpecialBuyer(sale.id, f.opId, { name: '张三', idNo: '110101199001011234', source: 'typed' }),
        )
      ).message,
    ).toContain('身份证号不正确');
    v = c.setSpecialBuyer(sale.id, f.opId, {
      name: '张三',
      idNo: '11010119900101301X'.slice(0, 17) + '3',
      source: 'typed',
    });
    expect(v.specialBuyer?.idNoMasked).toMatch(/^110101\*+/);
    v = c.updateLine(sale.id, f.opId, v.lines[0]!.id, { qty: 2 });
    expect(v.blockers).toEqual([]);
    expect(c.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 3180 }]).state).toBe('completed');
    // the register: masked on screen, in full in the export for the regulator
    const rows = specialRegister(f.db, f.core.now() - 60_000, f.core.now() + 60_000);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ buyerName: '张三', packages: 2, idSource: '手工录入' });
    expect(rows[0]!.products).toContain('复方盐酸伪麻黄碱缓释胶囊');
    expect(maskedRegister(rows)[0]!.buyerName).toBe('张*');
    const file = exportRegister(rows, path.join(f.dir, 'exports'), 'test');
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv).toContain(rows[0]!.buyerIdNo);
    expect(csv.startsWith('\ufeff销售时间')).toBe(true);
  });
});

describe('counter: an insurance sale', () => {
  it('reads the person, pre-settles, settles, takes the cash part by split tender', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_INSURANCE: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    f.stockUp('ibuprofen', 'IB-1', '2028-01-31', 10);
    const c = f.counter;
    const sale = c.start(f.opId);
    c.scan(sale.id, f.opId, '6901234567809');
    c.scan(sale.id, f.opId, '6901234567816');
    let v = await c.readPerson(sale.id, f.opId, { certType: '02', certNo: '11010119650315201X' });
    expect(v.person).toMatchObject({ name: '王**', psnNo: '110100SBX0000000001', chosenInsutype: '310' });
    expect(v.person!.certnoMasked).not.toContain('19650315');
    expect(v.person!.insutypes[0]).toMatchObject({ insutype: '310', balanceFen: 100000 });
    expect(v.blockers).toEqual([]);
    await expect(c.settle(sale.id, f.opId)).rejects.toThrow('请先预结算');

    v = await c.preSettle(sale.id, f.opId);
    expect(v.state).toBe('presettled');
    const pre = v.presettle!;
    expect(pre.medfeeFen).toBe(350 + 1880);
    expect(pre.fundFen + pre.accountFen + pre.cashFen).toBe(pre.medfeeFen);

    v = await c.settle(sale.id, f.opId);
    expect(v.state).toBe('settled');
    expect(v.settlement!.setlId).toMatch(/^SBXS/);
    expect(v.dueFen).toBe(v.settlement!.cashFen);
    expect(v.receiptNo).toMatch(/^S2026/);
    // booked at settlement: stock out and 3505 queued, even before the customer pays the rest
    expect(stockOf(f, f.ids.vitaminC)).toBe(9);
    const rows = f.db.prepare("SELECT payload FROM upload_outbox WHERE infno = '3505'").pluck().all() as string[];
    expect(rows).toHaveLength(2);
    expect(JSON.parse(rows[0]!).selinfo).toMatchObject({
      hi_feesetl_type: '1',
      setl_id: v.settlement!.setlId,
      psn_name: '王培训',
    });

    const due = v.dueFen;
    if (due > 0) {
      const wechat = Math.floor(due / 2);
      v = c.pay(sale.id, f.opId, [
        { method: 'wechat', amountFen: wechat },
        { method: 'cash', amountFen: due - wechat + 1000 },
      ]);
      expect(v.changeFen).toBe(1000);
    } else {
      v = c.pay(sale.id, f.opId, []);
    }
    expect(v.state).toBe('completed');
    expect(f.counter.active(f.opId)).toBeNull();
  });

  it('with the 2001 setting on, a person not entitled is told so at the card read', async () => {
    const f = await counterFixture({ env: { POS_NHSA_CHECK_ENTITLEMENT: 'true' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    const c = f.counter;
    const sale = c.start(f.opId);
    c.scan(sale.id, f.opId, '6901234567809');
    const e = await errorOf(c.readPerson(sale.id, f.opId, { certType: '02', certNo: '110101197006057016' }));
    expect(e.message).toContain('不享受医保待遇');
    expect(c.get(sale.id).person).toBeNull();
    const ok = await c.readPerson(sale.id, f.opId, { certType: '02', certNo: '11010119650315201X' });
    expect(ok.person?.psnNo).toBe('110100SBX0000000001');
    expect(sandboxMessages(f.sandboxDbPath).filter((m) => m.infno === '2001')).toHaveLength(2);
  });

  it('a 2102 whose answer is lost is reversed, and the cart comes back to the cashier', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_INSURANCE: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 10);
    const c = f.counter;
    const sale = c.start(f.opId);
    c.scan(sale.id, f.opId, '6901234567809');
    await c.readPerson(sale.id, f.opId, { certType: '02', certNo: '11010119650315201X' });
    await c.preSettle(sale.id, f.opId);
    f.sandbox!.faults.inject({ mode: 'drop_after_commit', infno: '2102' });
    const e = await errorOf(c.settle(sale.id, f.opId));
    expect(e.code).toBe('NHSA_UNKNOWN');
    expect(e.message).toContain('冲正');
    let v = c.get(sale.id);
    expect(v.state).toBe('reversing');
    expect(v.notice).toContain('冲正');
    // no stock was taken, nothing queued for upload
    expect(stockOf(f, f.ids.vitaminC)).toBe(10);
    expect(f.db.prepare('SELECT count(*) FROM upload_outbox').pluck().get()).toBe(0);
    // settling again while the reversal is pending is refused
    await expect(c.settle(sale.id, f.opId)).rejects.toThrow();

    await f.svc.reversals.drain();
    v = c.get(sale.id);
    expect(v.state).toBe('open');
    expect(v.notice).toContain('已冲正');
    expect(v.lines).toHaveLength(1);
    const infnos = sandboxMessages(f.sandboxDbPath).map((m) => m.infno);
    expect(infnos.filter((i) => i === '2601')).toHaveLength(1);
    // and the cart settles normally afterwards
    await c.preSettle(sale.id, f.opId);
    expect((await c.settle(sale.id, f.opId)).state).toBe('settled');
  });
});
