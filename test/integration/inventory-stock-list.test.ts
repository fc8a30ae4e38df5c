import { describe, expect, it } from 'vitest';
import { inventoryFixture } from '../support/inventory-fixture';

describe('stock list totals', () => {
  it('a cached total follows every change of the stock', async () => {
    const f = await inventoryFixture();
    f.stockUp('vitaminC', 'VC-1', '2028-01-31', 5);
    f.stockUp('ibuprofen', 'IB-1', '2028-01-31', 5);
    const total = () => f.query.batches({ limit: 1 }).total;
    expect(total()).toBe(2);
    expect(total()).toBe(2);
    f.stockUp('amoxicillin', 'AM-1', '2028-01-31', 24);
    expect(total()).toBe(3);
    // a sale empties a batch: it leaves the in-stock list
    const sale = f.counter.start(f.opId);
    f.counter.addProduct(sale.id, f.opId, { productId: f.ids.vitaminC, qty: 5 });
    f.core.settings.update({ 'trace.required_for_selfpay': false }, null);
    f.counter.pay(sale.id, f.opId, [{ method: 'cash', amountFen: 1750 }]);
    expect(total()).toBe(2);
    expect(f.query.batches({ limit: 1, status: 'all' }).total).toBe(3);
  });
});
