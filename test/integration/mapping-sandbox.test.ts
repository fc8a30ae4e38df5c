import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { bootCore, type PosCore } from '../../app/boot';
import { createSession, type ClientSession } from '../../app/api/session';
import { createMemoryLogger } from '../../app/core/logger';
import { dataPaths } from '../../app/core/paths';
import { SANDBOX_GATEWAY, SANDBOX_PHARMACY } from '../../app/nhsa/service';
import { SANDBOX_DRUGS, startSandbox, type Sandbox } from '../../app/sandbox';
import type { ProductDetail } from '../../app/shared/contract';
import { tempDir } from '../support/tmp';

/**
 * 目录对照 against the sandbox center over real HTTP: the till's channels → the NHSA client → the
 * center's 3301/3302, which keeps its own mapping table and refuses what a platform would refuse.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

type UploadResult = {
  uploaded: number;
  failed: number;
  results: { productId: number; state: string; message: string | null }[];
};

async function setUp() {
  const sandboxDir = tempDir('sandbox-');
  const sandboxDb = path.join(sandboxDir, 'sandbox.sqlite');
  const sandbox: Sandbox = await startSandbox({
    dbPath: sandboxDb,
    log: createMemoryLogger(),
    port: 0,
    gateway: SANDBOX_GATEWAY,
    fixmedinsCode: SANDBOX_PHARMACY.code,
    fixmedinsName: SANDBOX_PHARMACY.name,
    // a small national catalogue: the mapping rules, not the catalogue size, are under test here
    catalogues: { scale: 0.002 },
  });
  closers.push(() => sandbox.close());
  const dir = tempDir();
  const core: PosCore = await bootCore({
    dataDir: dir,
    shell: 'browser',
    version: 'test',
    env: {
      POS_NHSA_BASE_URL: sandbox.url,
      POS_NHSA_PAASID: SANDBOX_GATEWAY.paasid,
      POS_NHSA_TOKEN: SANDBOX_GATEWAY.token,
      POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
      POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
      POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
    },
  });
  closers.push(() => core.close());
  const admin = createSession('test');
  const call = async <T>(s: ClientSession, channel: string, payload: unknown = {}) => {
    const r = await core.dispatcher.call(s, channel, payload, { screen: 'mapping' });
    if (!r.ok) throw Object.assign(new Error(`${r.error.code}: ${r.error.message}`), { error: r.error });
    return r.value as T;
  };
  await call(admin, 'auth.setupAdmin', { username: 'admin', displayName: '王店长', password: 'Admin2026x' });

  // the national catalogue as a sync would leave it: the center's fixed drugs, plus one code the center
  // does not know (a stale local catalogue)
  const db = new Database(dataPaths(dir).dbPath);
  const insert = db.prepare(
    `INSERT INTO nat_items (catalogue, code, name, spec, dosform, manufacturer, chrgitm_lv, vali_flag, ver, cols)
     VALUES (@catalogue, @code, @name, @spec, @dosform, @maker, @lv, '1', '1', '[]')`,
  );
  for (const d of SANDBOX_DRUGS.slice(0, 4)) {
    insert.run({
      catalogue: '1301',
      code: d.med_list_codg,
      name: d.name,
      spec: d.spec,
      dosform: d.dosform,
      maker: d.prdr_name,
      lv: d.chrgitm_lv,
    });
  }
  insert.run({
    catalogue: '1301',
    code: 'XJ99ZZZ999Z999999999999',
    name: '已下架药品片',
    spec: null,
    dosform: null,
    maker: null,
    lv: null,
  });
  db.close();

  const product = async (code: string, natCode: string, name: string) => {
    const p = await call<ProductDetail>(admin, 'products.save', {
      code,
      genericName: name,
      unit: '盒',
      retailPriceFen: 1000,
      rxClass: 'rx',
    });
    return call<ProductDetail>(admin, 'mapping.confirm', { productId: p.id, natCode, catalogue: '1301' });
  };
  const centerMappings = () => {
    const c = new Database(sandboxDb, { readonly: true });
    try {
      return c
        .prepare(
          'SELECT fixmedins_hilist_id, med_list_codg, list_type, vali_flag FROM catalogue_mappings ORDER BY fixmedins_hilist_id',
        )
        .all() as { fixmedins_hilist_id: string; med_list_codg: string; list_type: string; vali_flag: string }[];
    } finally {
      c.close();
    }
  };
  return { sandbox, core, admin, call, product, centerMappings };
}

describe('mapping upload (3301) and revoke (3302) against the sandbox center', () => {
  it('uploads confirmed mappings, reports the one the center refuses, and revokes', async () => {
    const { admin, call, product, centerMappings } = await setUp();
    const [amox, vitc, metf, ibu] = SANDBOX_DRUGS;
    const a = await product('S001', amox!.med_list_codg, amox!.name);
    const b = await product('S002', vitc!.med_list_codg, vitc!.name);
    const c = await product('S003', metf!.med_list_codg, metf!.name);
    const stale = await product('S004', 'XJ99ZZZ999Z999999999999', '已下架药品片');
    const d = await product('S005', ibu!.med_list_codg, ibu!.name);
    expect(a.mapping.state).toBe('pending');

    const up = await call<UploadResult>(admin, 'mapping.upload', {});
    expect(up.uploaded).toBe(4);
    expect(up.failed).toBe(1);
    const refused = up.results.find((r) => r.productId === stale.id)!;
    expect(refused.state).toBe('failed');
    expect(refused.message).toContain('不在国家目录中');
    expect((await call<ProductDetail>(admin, 'products.get', { id: stale.id })).mapping).toMatchObject({
      state: 'failed',
      centerMessage: expect.stringContaining('XJ99ZZZ999Z999999999999'),
    });
    for (const p of [a, b, c, d]) {
      expect((await call<ProductDetail>(admin, 'products.get', { id: p.id })).mapping.state).toBe('uploaded');
    }
    expect(centerMappings()).toEqual([
      { fixmedins_hilist_id: 'S001', med_list_codg: amox!.med_list_codg, list_type: '101', vali_flag: '1' },
      { fixmedins_hilist_id: 'S002', med_list_codg: vitc!.med_list_codg, list_type: '101', vali_flag: '1' },
      { fixmedins_hilist_id: 'S003', med_list_codg: metf!.med_list_codg, list_type: '101', vali_flag: '1' },
      { fixmedins_hilist_id: 'S005', med_list_codg: ibu!.med_list_codg, list_type: '101', vali_flag: '1' },
    ]);

    const revoked = await call<ProductDetail>(admin, 'mapping.revoke', { productId: b.id });
    expect(revoked.mapping.state).toBe('revoked');
    expect(centerMappings().find((m) => m.fixmedins_hilist_id === 'S002')?.vali_flag).toBe('0');
    // revoked, it can be confirmed and uploaded again
    await call(admin, 'mapping.confirm', { productId: b.id, natCode: vitc!.med_list_codg, catalogue: '1301' });
    expect((await call<UploadResult>(admin, 'mapping.upload', { productIds: [b.id] })).uploaded).toBe(1);
  });

  it('leaves an unknown outcome pending with a note; the retry is accepted by the center', async () => {
    const { sandbox, admin, call, product, centerMappings } = await setUp();
    const amox = SANDBOX_DRUGS[0]!;
    const p = await product('U001', amox.med_list_codg, amox.name);
    // the center commits the upload but the reply never arrives
    sandbox.faults.inject({ mode: 'drop_after_commit', infno: '3301' });
    const first = await call<UploadResult>(admin, 'mapping.upload', {});
    expect(first.results[0]).toMatchObject({
      productId: p.id,
      state: 'pending',
      message: expect.stringContaining('上传结果未知'),
    });
    expect(centerMappings()).toHaveLength(1);

    const again = await call<UploadResult>(admin, 'mapping.upload', {});
    expect(again).toMatchObject({ uploaded: 1, failed: 0 });
    expect(centerMappings()).toHaveLength(1);
    expect((await call<ProductDetail>(admin, 'products.get', { id: p.id })).mapping).toMatchObject({
      state: 'uploaded',
      centerMessage: null,
    });
  });

  it('shows a refused revoke with the center’s message and keeps the mapping uploaded', async () => {
    const { sandbox, admin, core, product, call } = await setUp();
    const amox = SANDBOX_DRUGS[0]!;
    const p = await product('R001', amox.med_list_codg, amox.name);
    await call(admin, 'mapping.upload', {});
    sandbox.faults.inject({ mode: 'business_error', infno: '3302', message: '该对照已用于结算，不能撤销' });
    const r = await core.dispatcher.call(admin, 'mapping.revoke', { productId: p.id }, { screen: 'mapping' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'NHSA_REFUSED', message: expect.stringContaining('该对照已用于结算') },
    });
    expect((await call<ProductDetail>(admin, 'products.get', { id: p.id })).mapping).toMatchObject({
      state: 'uploaded',
      centerMessage: expect.stringContaining('该对照已用于结算'),
    });
  });
});
