import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { bootCore, type PosCore } from '../../app/boot';
import { createSession, type ClientSession } from '../../app/api/session';
import type { AuditRow, ImportReport, ProductDetail, ProductHit } from '../../app/shared/contract';
import { dataPaths } from '../../app/core/paths';
import { tempDir } from '../support/tmp';

const GBK_CSV = path.join(__dirname, '..', 'fixtures', 'products', 'import-gbk.csv');
const cores: PosCore[] = [];
afterEach(async () => {
  while (cores.length) await cores.pop()!.close();
});

async function till() {
  const dir = tempDir();
  const core = await bootCore({ dataDir: dir, shell: 'browser', version: 'test', env: {} });
  cores.push(core);
  const admin = createSession('test');
  const call = async <T>(s: ClientSession, channel: string, payload: unknown = {}) => {
    const r = await core.dispatcher.call(s, channel, payload, { screen: 'products' });
    if (!r.ok) throw Object.assign(new Error(r.error.message), { error: r.error });
    return r.value as T;
  };
  const raw = (s: ClientSession, channel: string, payload: unknown = {}) =>
    core.dispatcher.call(s, channel, payload, { screen: 'products' });
  await call(admin, 'auth.setupAdmin', { username: 'admin', displayName: '王店长', password: 'Admin2026x' });
  return { core, dir, admin, call, raw };
}

describe('product channels', () => {
  it('save, get, list and search through the dispatcher, with audit rows', async () => {
    const { admin, call } = await till();
    const saved = await call<ProductDetail>(admin, 'products.save', {
      code: 'C001',
      genericName: '阿莫西林胶囊',
      tradeName: '阿莫仙',
      spec: '0.25g*24粒',
      unit: '盒',
      retailPriceFen: 1250,
      rxClass: 'rx',
      barcodes: ['6901234567892'],
    });
    expect(saved).toMatchObject({ code: 'C001', mapping: { state: 'unmapped' }, insurance: { chrgitmLv: null } });
    expect(await call<ProductDetail>(admin, 'products.get', { id: saved.id })).toMatchObject({
      barcodes: ['6901234567892'],
    });
    const hits = await call<ProductHit[]>(admin, 'products.search', { q: 'amxl' });
    expect(hits.map((h) => h.code)).toEqual(['C001']);
    expect((await call<{ total: number }>(admin, 'products.list', { q: '阿莫' })).total).toBe(1);

    const audit = await call<{ rows: AuditRow[] }>(admin, 'audit.list', { action: 'products.save' });
    expect(audit.rows[0]).toMatchObject({
      action: 'products.save',
      operatorName: 'admin',
      screen: 'products',
      outcome: 'ok',
      detail: { code: 'C001', id: saved.id, created: true },
    });
  });

  it('refuses a bad save with field problems and records the failure', async () => {
    const { admin, call, raw } = await till();
    const r = await raw(admin, 'products.save', {
      code: 'C002',
      genericName: '布洛芬缓释胶囊',
      unit: '盒',
      retailPriceFen: 1250,
      splitPriceFen: 100,
      rxClass: 'otc_b',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: [{ path: 'splitPriceFen' }] } });
    const bad = await raw(admin, 'products.save', {
      code: 'C003',
      genericName: 'x',
      unit: '盒',
      retailPriceFen: 1.5,
      rxClass: 'rx',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: [{ path: 'retailPriceFen' }] } });
    const audit = await call<{ rows: AuditRow[] }>(admin, 'audit.list', { action: 'products.save' });
    expect(audit.rows[0]).toMatchObject({ outcome: 'failed', detail: { code: 'C002' } });
  });

  it('imports a spreadsheet sent as base64, and a cashier may search but not edit', async () => {
    const { admin, call, raw } = await till();
    const report = await call<ImportReport>(admin, 'products.import', {
      fileName: '商品档案.csv',
      contentBase64: fs.readFileSync(GBK_CSV).toString('base64'),
    });
    expect(report).toMatchObject({ created: 4, skipped: 5, fatal: null });
    const audit = await call<{ rows: AuditRow[] }>(admin, 'audit.list', { action: 'products.import' });
    expect(audit.rows[0]).toMatchObject({
      detail: { fileName: '商品档案.csv', dryRun: false, created: 4, skipped: 5 },
    });

    await call(admin, 'operators.create', {
      username: 'cashier1',
      displayName: '张收银',
      roles: ['cashier'],
      password: 'Cash2026xx',
    });
    const cashier = createSession('test');
    await call(cashier, 'auth.login', { username: 'cashier1', password: 'Cash2026xx' });
    const hits = await call<ProductHit[]>(cashier, 'products.search', { q: '6901234567908' });
    expect(hits[0]).toMatchObject({ code: 'G001', matchedBy: 'barcode' });
    expect(
      await raw(cashier, 'products.save', {
        code: 'X',
        genericName: 'x',
        unit: '盒',
        retailPriceFen: 1,
        rxClass: 'rx',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('confirms a mapping from the candidates and shows it per product', async () => {
    const { dir, admin, call } = await till();
    // the catalogue sync's rows, written by another connection as a sync worker would
    const db = new Database(dataPaths(dir).dbPath);
    db.prepare(
      `INSERT INTO nat_items (catalogue, code, name, spec, manufacturer, aprvno, chrgitm_lv, vali_flag, ver, cols)
       VALUES ('1301', 'XJ01CAA040E001010100593', '阿莫西林胶囊', '0.25g*24粒', '珠海联邦制药股份有限公司', '国药准字H44021351', '甲', '1', '1', '[]')`,
    ).run();
    db.close();
    const p = await call<ProductDetail>(admin, 'products.save', {
      code: 'M1',
      genericName: '阿莫西林胶囊',
      spec: '0.25g*24粒',
      aprvno: '国药准字H44021351',
      unit: '盒',
      retailPriceFen: 1250,
      rxClass: 'rx',
    });
    const candidates = await call<{ natCode: string; score: number; chrgitmLv: string }[]>(
      admin,
      'mapping.candidates',
      {
        productId: p.id,
      },
    );
    expect(candidates[0]).toMatchObject({ natCode: 'XJ01CAA040E001010100593', chrgitmLv: '甲' });
    const confirmed = await call<ProductDetail>(admin, 'mapping.confirm', {
      productId: p.id,
      natCode: 'XJ01CAA040E001010100593',
      catalogue: '1301',
    });
    expect(confirmed).toMatchObject({ mapping: { state: 'pending' }, insurance: { chrgitmLv: '甲' } });
    expect((await call<{ total: number }>(admin, 'products.list', { mapping: 'pending' })).total).toBe(1);
    const hits = await call<ProductHit[]>(admin, 'products.search', { q: 'amxl' });
    expect(hits[0]!.insurance).toMatchObject({ natCode: 'XJ01CAA040E001010100593', chrgitmLv: '甲' });
  });
});
