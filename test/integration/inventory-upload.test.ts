import { describe, expect, it } from 'vitest';
import { createUploader, type Uploader } from '../../app/inventory/uploader';
import { openSandboxInspector } from '../../app/sandbox/state';
import type { ProductDetail } from '../../app/shared/contract';
import { counterFixture, type CounterFixture } from '../support/counter-fixture';
import { onCleanup, sandboxMessages } from '../support/nhsa-fixture';

/**
 * The uploader against the training-mode sandbox over real HTTP: sales booked at the counter reach the center's
 * ledger exactly once, whatever happens on the way (center down, a garbage answer, a batch with a bad row, a
 * manager's correction or deletion).
 */

const SELFPAY = { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false', POS_TRACE_REQUIRED_FOR_INSURANCE: 'false' };

function uploaderOf(f: CounterFixture, env: { mode?: 'auto' | 'single' | 'batch'; threshold?: number } = {}): Uploader {
  if (env.mode) f.core.settings.update({ 'upload.mode': env.mode }, null);
  if (env.threshold) f.core.settings.update({ 'upload.batch_threshold': env.threshold }, null);
  const u = createUploader({
    db: f.db,
    log: f.log,
    now: f.core.now,
    settings: f.core.settings,
    nhsa: f.svc,
    audit: f.core.audit,
  });
  onCleanup(() => u.stop());
  return u;
}

/** A completed self-pay sale of `qty` of the product with this barcode. */
function sell(f: CounterFixture, barcode: string, qty = 1): void {
  const c = f.counter;
  const sale = c.start(f.opId);
  const line = c.scan(sale.id, f.opId, barcode).sale.lines[0]!;
  const v = qty > 1 ? c.updateLine(sale.id, f.opId, line.id, { qty }) : c.get(sale.id);
  c.pay(sale.id, f.opId, [{ method: 'cash', amountFen: v.totalFen }]);
}

function outbox(f: CounterFixture) {
  return f.db
    .prepare('SELECT id, infno, state, in_doubt, via, center_msg, attempts FROM upload_outbox ORDER BY id')
    .all() as {
    id: number;
    infno: string;
    state: string;
    in_doubt: number;
    via: string | null;
    center_msg: string | null;
    attempts: number;
  }[];
}

function center(f: CounterFixture) {
  const i = openSandboxInspector(f.sandboxDbPath);
  try {
    return i.inventoryRecords();
  } finally {
    i.close();
  }
}

function memosOnce(f: CounterFixture): void {
  const live = center(f).filter((r) => r.deletedAt === null);
  const memos = live.map((r) => r.memo);
  expect(new Set(memos).size, 'a record reached the center twice').toBe(memos.length);
}

/** A product the sandbox refuses (its name carries the test marker), mapped like the fixture's products. */
function refusedProduct(f: CounterFixture): ProductDetail {
  const p = f.catalogue.products.save({
    code: 'P900',
    genericName: '拒收测试片',
    spec: '10片',
    unit: '盒',
    splitUnit: null,
    splitFactor: null,
    retailPriceFen: 990,
    rxClass: 'otc_b',
    specialFlags: [],
    barcodes: ['6901234567908'],
    active: true,
  } as never);
  f.db
    .prepare(
      `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, uploaded_at, updated_at)
       VALUES (?, 'XA11GAW043A001010100002', '1301', '101', 'uploaded', 0, 0, 0)`,
    )
    .run(p.id);
  f.db.prepare("UPDATE products SET nat_code = 'XA11GAW043A001010100002' WHERE id = ?").run(p.id);
  return p;
}

describe('uploader: the counter’s sales reach the center once', () => {
  it('sends one by one, then with 3505A once a backlog builds up', async () => {
    const f = await counterFixture({ env: SELFPAY });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 50);
    f.stockUp('ibuprofen', 'IB-1', '2028-01-31', 50);
    const u = uploaderOf(f, { mode: 'auto', threshold: 5 });
    sell(f, '6901234567809', 2);
    sell(f, '6901234567816');
    expect(u.summary()).toMatchObject({ pending: 2, refused: 0 });
    await u.drain();
    expect(outbox(f).map((r) => [r.state, r.via])).toEqual([
      ['sent', '3505'],
      ['sent', '3505'],
    ]);
    // a backlog of 6 (threshold 5): one batch call
    for (let i = 0; i < 6; i++) sell(f, i % 2 ? '6901234567809' : '6901234567816');
    await u.drain();
    expect(
      outbox(f)
        .slice(2)
        .every((r) => r.state === 'sent' && r.via === '3505A'),
    ).toBe(true);
    const calls = sandboxMessages(f.sandboxDbPath).filter((m) => m.infno.startsWith('3505'));
    expect(calls.map((m) => m.infno)).toEqual(['3505', '3505', '3505A']);
    expect(center(f)).toHaveLength(8);
    memosOnce(f);
    expect(u.summary()).toMatchObject({ pending: 0, refused: 0, inDoubt: 0, lastError: null });
    // the center holds what was sold: two boxes on the first record
    expect(center(f)[0]).toMatchObject({ infno: '3505', count: '2', hilistId: 'P002' });
  });

  it('keeps everything while the center is down and sends it once it is back', async () => {
    const f = await counterFixture({ env: SELFPAY });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 50);
    const u = uploaderOf(f, { mode: 'single' });
    for (let i = 0; i < 3; i++) sell(f, '6901234567809');
    f.sandbox!.faults.inject({ mode: 'http_500', count: 2 });
    await u.drain();
    let s = u.summary();
    expect(s.pending).toBe(3);
    expect(s.lastError).toContain('3505');
    expect(outbox(f)[0]!.attempts).toBe(1);
    // the retry waits for its backoff, then meets the second failure
    await u.drain();
    expect(outbox(f)[0]!.attempts).toBe(1);
    f.core.advance(6_000);
    await u.drain();
    expect(outbox(f)[0]!.attempts).toBe(2);
    expect(u.summary().pending).toBe(3);
    f.core.advance(11_000);
    await u.drain();
    s = u.summary();
    expect(s).toMatchObject({ pending: 0, lastError: null });
    expect(center(f)).toHaveLength(3);
    memosOnce(f);
  });

  it('an answer lost after the center recorded it: looked up with 3511, not sent again', async () => {
    const f = await counterFixture({ env: SELFPAY });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 50);
    const u = uploaderOf(f, { mode: 'batch' });
    for (let i = 0; i < 3; i++) sell(f, '6901234567809');
    f.sandbox!.faults.inject({ mode: 'garbage', infno: '3505A' });
    await u.drain();
    expect(outbox(f).every((r) => r.state === 'pending' && r.in_doubt === 1)).toBe(true);
    expect(u.summary()).toMatchObject({ inDoubt: 3 });
    f.core.advance(6_000);
    await u.drain();
    expect(outbox(f).every((r) => r.state === 'sent' && r.in_doubt === 0)).toBe(true);
    expect(outbox(f)[0]!.via).toContain('已核实');
    const calls = sandboxMessages(f.sandboxDbPath).map((m) => m.infno);
    expect(calls.filter((i) => i === '3505A')).toHaveLength(1);
    expect(calls.filter((i) => i === '3511')).toHaveLength(1);
    expect(center(f)).toHaveLength(3);
    memosOnce(f);

    // lost before the center recorded it: looked up, not found, sent again
    sell(f, '6901234567809');
    f.sandbox!.faults.inject({ mode: 'drop_before_commit', infno: '3505A' });
    await u.drain();
    expect(outbox(f)[3]).toMatchObject({ state: 'pending', in_doubt: 1 });
    f.core.advance(6_000);
    await u.drain();
    expect(outbox(f)[3]).toMatchObject({ state: 'sent', in_doubt: 0 });
    expect(center(f)).toHaveLength(4);
    memosOnce(f);
  });

  it('a batch with one refused record: the others go through, the refused one waits with the center’s words', async () => {
    const f = await counterFixture({ env: SELFPAY });
    const bad = refusedProduct(f);
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 50);
    f.counter.stock.receive({
      productId: bad.id,
      batchNo: 'RJ-1',
      expiryDate: '2028-01-31',
      mfgDate: '2025-01-01',
      qtyBase: 10,
      operatorId: null,
      refId: 0,
      now: f.core.now(),
    });
    const u = uploaderOf(f, { mode: 'batch' });
    sell(f, '6901234567809');
    sell(f, '6901234567908');
    sell(f, '6901234567809');
    await u.drain();
    const rows = outbox(f);
    expect(rows.map((r) => r.state)).toEqual(['sent', 'refused', 'sent']);
    expect(rows[1]!.center_msg).toContain('测试拒收');
    expect(u.summary()).toMatchObject({ pending: 0, refused: 1 });
    const calls = sandboxMessages(f.sandboxDbPath).map((m) => m.infno);
    expect(calls.filter((i) => i.startsWith('3505'))).toEqual(['3505A', '3505', '3505', '3505']);
    expect(center(f)).toHaveLength(2);

    // the manager corrects the name (the center's complaint) and sends it again
    const { payload } = u.get(rows[1]!.id) as { payload: Record<string, unknown> };
    expect(() =>
      u.resend(rows[1]!.id, { ...payload, memo: 'pos:sale_line:999' }, { operatorId: f.opId, operatorName: 'op01' }),
    ).toThrow('不能修改');
    expect(() =>
      u.resend(rows[1]!.id, { ...payload, manu_lotnum: '' }, { operatorId: f.opId, operatorName: 'op01' }),
    ).toThrow('仍不完整');
    const view = u.resend(
      rows[1]!.id,
      { ...payload, fixmedins_hilist_name: '更正片' },
      { operatorId: f.opId, operatorName: 'op01' },
    );
    expect(view.state).toBe('pending');
    await u.drain();
    expect(outbox(f)[1]!.state).toBe('sent');
    expect(center(f).map((r) => r.row.fixmedins_hilist_name)).toContain('更正片');
    memosOnce(f);
    const audit = f.db
      .prepare("SELECT detail FROM audit_log WHERE action = 'uploads.resend'")
      .pluck()
      .all() as string[];
    expect(JSON.parse(audit[0]!)).toMatchObject({ changed: ['fixmedins_hilist_name'] });
  });

  it('a record uploaded by mistake is deleted at the center with 3507; the batch’s other records stand', async () => {
    const f = await counterFixture({ env: SELFPAY });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 50);
    const u = uploaderOf(f, { mode: 'single' });
    for (let i = 0; i < 3; i++) sell(f, '6901234567809');
    await u.drain();
    const [first, second] = outbox(f);
    const who = { operatorId: f.opId, operatorName: 'op01' };
    // withdrawing a record never accepted needs no 3507; one the center holds does
    u.remove(second!.id, '录入错误，重复销售', who);
    expect(() => u.remove(second!.id, '再删一次', who)).toThrow('已在排队');
    await u.drain();
    const after = outbox(f);
    expect(after.find((r) => r.id === second!.id)!.state).toBe('deleted');
    expect(after.filter((r) => r.infno === '3507')).toMatchObject([{ state: 'sent' }]);
    // the 3507 removed every record of the batch at the center; the two that stand went again
    expect(after.filter((r) => r.infno === '3505').map((r) => r.state)).toEqual(['sent', 'deleted', 'sent']);
    const live = center(f).filter((r) => r.deletedAt === null);
    expect(live.map((r) => r.memo).sort()).toEqual(
      [first!, after[2]!]
        .map(
          (r) =>
            `pos:sale_line:${f.db.prepare('SELECT ref_id FROM upload_outbox WHERE id = ?').pluck().get(r.id) as number}`,
        )
        .sort(),
    );
    memosOnce(f);
  });
});
