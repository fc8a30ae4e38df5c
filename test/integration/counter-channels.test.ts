import { describe, expect, it } from 'vitest';
import { bootCore } from '../../app/boot';
import { createSession } from '../../app/api/session';
import { SANDBOX_PHARMACY } from '../../app/nhsa/service';
import type { SaleView } from '../../app/shared/counter';
import { counterFixture } from '../support/counter-fixture';
import { onCleanup } from '../support/nhsa-fixture';
import { tempDir } from '../support/tmp';

/**
 * The counter's channels through the real core and dispatcher in training mode: every way of identifying the
 * person (typed ID number, the sandbox e-voucher QR, a typed social-security card), payload validation, the
 * manager-only refund, and a cashier's own shift report.
 */

describe('counter channels', () => {
  it('identifies the person by ID number, e-voucher and social-security card; roles and payloads are checked', async () => {
    const dir = tempDir('till-counter-ch-');
    // products, mappings and stock, written before the core starts on the same folder
    const seed = await counterFixture({ dir, env: { POS_TRACE_REQUIRED_FOR_INSURANCE: 'false' } });
    seed.stockUp('vitaminC', 'VC-1', '2028-01-31', 20);
    const boss = await seed.core.operators.create({
      username: 'boss',
      displayName: '店长',
      roles: ['admin'],
      password: 'Kaimen2025',
    });
    seed.db.prepare('UPDATE operators SET must_change_password = 0 WHERE id = ?').run(boss.id);
    await seed.close();

    const core = await bootCore({
      dataDir: dir,
      shell: 'browser',
      version: 'test',
      env: {
        POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
        POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
        POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
        POS_TRACE_REQUIRED_FOR_INSURANCE: 'false',
      },
    });
    onCleanup(() => core.close());
    const admin = createSession('test');
    const call = async <T>(s: typeof admin, channel: string, payload: unknown) => {
      const r = await core.dispatcher.call(s, channel, payload, { screen: 'sale' });
      return r as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
    };
    const ok = async <T>(s: typeof admin, channel: string, payload: unknown): Promise<T> => {
      const r = await call<T>(s, channel, payload);
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
      return r.value;
    };
    await ok(admin, 'auth.login', { username: 'boss', password: 'Kaimen2025' });

    const sale = await ok<SaleView>(admin, 'counter.start', {});
    await ok(admin, 'counter.scan', { saleId: sale.id, code: '6901234567809' });

    const byId = await ok<SaleView>(admin, 'counter.readPerson', {
      saleId: sale.id,
      source: { medium: 'id_number', idNo: '11010119650315201X' },
    });
    expect(byId.person).toMatchObject({ name: '王**', certType: '02' });
    const byQr = await ok<SaleView>(admin, 'counter.readPerson', {
      saleId: sale.id,
      source: { medium: 'e_voucher', qr: 'SBXQR:EC:0003:0C93B7' },
    });
    expect(byQr.person).toMatchObject({ name: '张**', certType: '01', chosenInsutype: '390' });
    const byCard = await ok<SaleView>(admin, 'counter.readPerson', {
      saleId: sale.id,
      source: { medium: 'ss_card', cardNo: 'SBX000002', cardSn: '110100D15600000500000000000A0002' },
    });
    expect(byCard.person).toMatchObject({ name: '李**', certType: '03' });

    // bad payloads and missing devices: a Chinese message, never a crash
    const bad = await call(admin, 'counter.readPerson', {
      saleId: sale.id,
      source: { medium: 'id_number', idNo: '123' },
    });
    expect(bad.ok).toBe(false);
    const noReader = await call(admin, 'counter.readPerson', { saleId: sale.id, source: { medium: 'id_card_reader' } });
    expect(!noReader.ok && noReader.error.message).toContain('身份证阅读器');
    const wrongQr = await call(admin, 'counter.readPerson', {
      saleId: sale.id,
      source: { medium: 'e_voucher', qr: 'https://real.voucher/abc' },
    });
    expect(!wrongQr.ok && wrongQr.error.message).toContain('培训模式');
    const pay = await call(admin, 'counter.pay', { saleId: sale.id, payments: [{ method: 'cash', amountFen: 1.5 }] });
    expect(pay.ok).toBe(false);

    // a cashier may not refund
    await ok(admin, 'operators.create', {
      username: 'cash1',
      displayName: '收银员',
      roles: ['cashier'],
      password: 'Shouyin2025',
    });
    const cashier = createSession('test');
    await ok(cashier, 'auth.login', { username: 'cash1', password: 'Shouyin2025' });
    const refused = await call(cashier, 'counter.refund', { saleId: sale.id });
    expect(!refused.ok && refused.error.code).toBe('FORBIDDEN');
    const report = await ok<{ operators: unknown[] }>(cashier, 'counter.shiftReport', {
      from: new Date(Date.now() - 3600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(report.operators).toEqual([]);
  }, 60_000);
});
