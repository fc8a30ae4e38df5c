import { describe, expect, it } from 'vitest';
import { createReconciler } from '../../app/inventory/reconcile';
import { createUploader } from '../../app/inventory/uploader';
import { UPLOAD_OPERATOR } from '../../app/inventory/uploader';
import { counterFixture, type CounterFixture } from '../support/counter-fixture';
import { onCleanup } from '../support/nhsa-fixture';

/**
 * 差异对账 against the sandbox center's own ledger: what the till recorded for a day is found at the center record
 * by record (3511 here), and the stock ledger's net movement per batch is compared with the center's records.
 */

function sell(f: CounterFixture, barcode: string): void {
  const sale = f.counter.start(f.opId);
  const v = f.counter.scan(sale.id, f.opId, barcode).sale;
  f.counter.pay(sale.id, f.opId, [{ method: 'cash', amountFen: v.totalFen }]);
}

describe('reconciliation: the till against the center', () => {
  it('finds each sale at the center, and lists what is missing, doubled, foreign or off in the ledger', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false', POS_UPLOAD_MODE: 'single' } });
    const batch = f.stockUp('vitaminC', 'VC-1', '2028-01-31', 50);
    const u = createUploader({ db: f.db, log: f.log, now: f.core.now, settings: f.core.settings, nhsa: f.svc });
    onCleanup(() => u.stop());
    const r = createReconciler({ db: f.db, log: f.log, nhsa: f.svc });
    for (let i = 0; i < 3; i++) sell(f, '6901234567809');
    await u.drain();

    let report = await r.run({ from: '2026-11-28', to: '2026-11-28', kinds: ['sales'] });
    expect(report.kinds).toEqual([{ kind: 'sales', local: 3, center: 3, differences: 0, error: null }]);
    expect(report.rows.map((x) => [x.status, x.localQtyBase, x.centerQtyBase])).toEqual([
      ['match', -1, -1],
      ['match', -1, -1],
      ['match', -1, -1],
    ]);

    // one more sale not uploaded yet; the first record sent a second time; a record the till never wrote
    sell(f, '6901234567809');
    const first = f.db
      .prepare("SELECT payload FROM upload_outbox WHERE infno = '3505' ORDER BY id LIMIT 1")
      .pluck()
      .get() as string;
    const again = JSON.parse(first) as { selinfo: Record<string, unknown>; drugtracinfo: unknown[] };
    const ctx = { operator: UPLOAD_OPERATOR, insuplcAdmdvs: '110101' };
    expect((await f.svc.call('3505', { selinfo: again.selinfo }, ctx)).kind).toBe('ok');
    const foreign = { ...again.selinfo, memo: '手工补录', rtal_docno: 'X1' };
    expect((await f.svc.call('3505', { selinfo: foreign }, ctx)).kind).toBe('ok');

    report = await r.run({ from: '2026-11-28', to: '2026-11-28' });
    const sales = report.rows.filter((x) => x.kind === 'sales');
    expect(sales.filter((x) => x.status !== 'match').map((x) => [x.status, x.note])).toEqual([
      ['duplicate', '中心有 2 条相同记录'],
      ['missing_at_center', '尚未上传'],
      ['extra_at_center', '不是本系统上传的记录'],
    ]);
    expect(report.kinds.find((k) => k.kind === 'sales')).toMatchObject({ local: 4, center: 5, differences: 3 });
    // the ledger: +50 received (never reported: the fixture stocks without a purchase record), −4 sold;
    // the center holds −5 for the batch (one doubled, one foreign, one missing)
    const ledger = report.rows.find((x) => x.kind === 'ledger' && x.bchno === String(batch))!;
    expect(ledger).toMatchObject({ status: 'count_differs', localQtyBase: 46, centerQtyBase: -5 });
    // matches come last
    const firstMatch = report.rows.findIndex((x) => x.status === 'match');
    expect(report.rows.slice(firstMatch).every((x) => x.status === 'match')).toBe(true);
  });

  it('says when the center cannot be asked, instead of reporting everything missing', async () => {
    const f = await counterFixture({ env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' } });
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 5);
    sell(f, '6901234567809');
    f.sandbox!.faults.inject({ mode: 'http_500', infno: '3511', count: 5 });
    const report = await createReconciler({ db: f.db, log: f.log, nhsa: f.svc }).run({
      from: '2026-11-28',
      to: '2026-11-28',
      kinds: ['sales'],
    });
    expect(report.kinds[0]).toMatchObject({ kind: 'sales', local: 1, differences: 0 });
    expect(report.kinds[0]!.error).toContain('查询');
    expect(report.rows).toEqual([]);
  });
});
