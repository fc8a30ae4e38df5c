import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { SANDBOX_DRUGS, SANDBOX_PERSONS, startSandbox, type Sandbox } from '../../app/sandbox';
import { tempDir } from '../support/tmp';
import { DISPATCH, FIX, envelope, type Json } from '../support/sandbox-envelope';

// The center's inventory ledger (3501–3511) over real HTTP, with a hand-written poster: deliberately not the
// app's client or builders, so the center is checked against the wire format of the shared notes only.

interface Raw {
  status: number;
  body: Buffer;
}

function post(url: string, body: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const NOW = new Date('2025-03-01T04:00:00Z'); // 2025-03-01 12:00:00 in Beijing
const TODAY = '2025-03-01';

const open: Sandbox[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function start(): Promise<Sandbox> {
  const sb = await startSandbox({
    dbPath: path.join(tempDir('sandbox-inv-'), 'sandbox.sqlite'),
    log: createMemoryLogger(),
    now: () => NOW,
  });
  open.push(sb);
  return sb;
}

async function send(sb: Sandbox, env: Json): Promise<Json> {
  const r = await post(sb.url + DISPATCH, JSON.stringify(env));
  expect(r.status).toBe(200);
  return JSON.parse(r.body.toString('utf8')) as Json;
}

async function session(sb: Sandbox) {
  const r = await send(
    sb,
    envelope('9001', { signIn: { opter_no: 'op01', mac: '00-11-22-33-44-55', ip: '127.0.0.1' } }),
  );
  expect(r.infcode).toBe(0);
  const signNo = r.output.signinoutb.sign_no as string;
  const envOf = (infno: string, input: unknown, extra: Json = {}) =>
    envelope(infno, input, { sign_no: signNo, ...extra });
  return {
    envOf,
    call: (infno: string, input: unknown, extra: Json = {}) => send(sb, envOf(infno, input, extra)),
    /** a 3508–3511 query over [begndate, enddate] */
    query: async (infno: string, data: Json, begndate = TODAY, enddate = TODAY) => {
      const r = await send(sb, envOf(infno, { data: { fixmedins_code: FIX, begndate, enddate, ...data } }));
      expect(r).toMatchObject({ infcode: 0 });
      return r.output.data as Json[];
    },
  };
}

// --- records as a pharmacy would send them ----------------------------------------------------------------

const ITEM = {
  med_list_codg: SANDBOX_DRUGS[0]!.med_list_codg,
  fixmedins_hilist_id: 'SP0001',
  fixmedins_hilist_name: '阿莫西林胶囊',
  rx_flag: '1',
};
const LOT = { manu_lotnum: 'L240101', manu_date: '2024-01-01', expy_end: '2026-12-31' };
const CODE_A = '81234567890123456789'; // 20 digits
const CODE_GS1 = '0106912345678901172612311024A01'; // GS1: (01) GTIN, (17) expiry, (10) lot

const stock = (bchno: string, memo: string, extra: Json = {}): Json => ({
  ...ITEM,
  ...LOT,
  invdate: TODAY,
  inv_cnt: '12',
  fixmedins_bchno: bchno,
  memo,
  ...extra,
});
const change = (bchno: string, memo: string, extra: Json = {}): Json => ({
  ...ITEM,
  inv_chg_type: '104',
  fixmedins_bchno: bchno,
  pric: '12.5',
  cnt: '2',
  inv_chg_time: `${TODAY} 10:00:00`,
  inv_chg_opter_name: '库管甲',
  trdn_flag: '0',
  memo,
  ...extra,
});
const purchase = (bchno: string, memo: string, extra: Json = {}): Json => ({
  ...ITEM,
  ...LOT,
  dynt_no: 'DN001',
  fixmedins_bchno: bchno,
  spler_name: '沙箱医药有限公司',
  prodentp_name: '沙箱制药厂',
  aprvno: '国药准字H00000000',
  finl_trns_pric: '8.5',
  purc_retn_cnt: '100',
  purc_invo_no: 'INV001',
  purc_retn_stoin_time: `${TODAY} 09:00:00`,
  purc_retn_opter_name: '采购甲',
  prod_geay_flag: '0',
  memo,
  ...extra,
});
const purchaseReturn = (bchno: string, memo: string, extra: Json = {}): Json => ({
  ...ITEM,
  fixmedins_bchno: bchno,
  spler_name: '沙箱医药有限公司',
  manu_date: LOT.manu_date,
  expy_end: LOT.expy_end,
  finl_trns_pric: '8.5',
  purc_retn_cnt: '5',
  purc_invo_no: 'INV001',
  purc_retn_stoin_time: `${TODAY} 11:00:00`,
  purc_retn_opter_name: '采购甲',
  memo,
  ...extra,
});
const sale = (bchno: string, memo: string, extra: Json = {}): Json => ({
  ...ITEM,
  ...LOT,
  fixmedins_bchno: bchno,
  prsc_dr_name: '无',
  phar_name: '药师甲',
  phar_prac_cert_no: 'PRAC0001',
  hi_feesetl_type: '0',
  setl_id: '',
  mdtrt_sn: 'R0001',
  psn_cert_type: '01',
  trdn_flag: '0',
  finl_trns_pric: '12.5',
  rtal_docno: 'R0001',
  sel_retn_cnt: '2',
  sel_retn_time: `${TODAY} 12:00:00`,
  sel_retn_opter_name: '收银员甲',
  mdtrt_setl_type: '2',
  memo,
  drugtracinfo: [{ drug_trac_codg: CODE_A }],
  ...extra,
});
const saleReturn = (bchno: string, memo: string, extra: Json = {}): Json => ({
  ...ITEM,
  ...LOT,
  fixmedins_bchno: bchno,
  setl_id: '',
  trdn_flag: '0',
  finl_trns_pric: '12.5',
  sel_retn_cnt: '1',
  sel_retn_time: `${TODAY} 12:30:00`,
  sel_retn_opter_name: '收银员甲',
  medins_prod_sel_no: 'R0001',
  mdtrt_sn: 'R0001',
  memo,
  drugtracinfo: [{ drug_trac_codg: CODE_A }],
  ...extra,
});

const OK = { infcode: 0, output: { result: { retRslt: '1', msgRslt: '成功' } } };

describe('sandbox center — inventory uploads and read-back', () => {
  it('records each single upload and reads it back by its query inside the date range only', async () => {
    const sb = await start();
    const s = await session(sb);
    const cases = [
      { infno: '3501', input: { invinfo: stock('11', 'pos:count:1') }, query: '3508', key: 'medins_prod_inv_no' },
      { infno: '3502', input: { invinfo: change('12', 'pos:change:1') }, query: '3509', key: 'medins_prod_inv_chg_no' },
      {
        infno: '3503',
        input: { purcinfo: purchase('13', 'pos:purchase:1') },
        query: '3510',
        key: 'medins_prod_purc_no',
      },
      {
        infno: '3504',
        input: { purcinfo: purchaseReturn('14', 'pos:purchase_return:1') },
        query: '3510',
        key: 'medins_prod_purc_no',
      },
      { infno: '3505', input: { selinfo: sale('15', 'pos:sale_line:1') }, query: '3511', key: 'medins_prod_sel_no' },
      {
        infno: '3506',
        input: { selinfo: saleReturn('16', 'pos:return_line:1') },
        query: '3511',
        key: 'medins_prod_sel_no',
      },
    ];
    for (const c of cases) {
      const env = s.envOf(c.infno, c.input);
      expect(await send(sb, env), c.infno).toMatchObject(OK);
      const [rec] = sb.inspect.inventoryRecords({ msgid: env.msgid });
      const row = Object.values(c.input)[0] as Json;
      expect(rec, c.infno).toMatchObject({
        infno: c.infno,
        viaInfno: c.infno,
        bchno: row.fixmedins_bchno,
        memo: row.memo,
      });

      const found = await s.query(c.query, { fixmedins_bchno: row.fixmedins_bchno });
      expect(found, c.query).toHaveLength(1);
      expect(found[0]).toMatchObject({
        memo: row.memo,
        fixmedins_bchno: row.fixmedins_bchno,
        med_list_codg: ITEM.med_list_codg,
        medins_list_codg: ITEM.fixmedins_hilist_id,
        medins_list_name: ITEM.fixmedins_hilist_name,
        vali_flag: '1',
        rid: rec!.rid,
        [c.key]: rec!.rid,
      });
      // by the pharmacy's own item code as well, and nothing outside the range
      expect((await s.query(c.query, { medins_list_codg: ITEM.fixmedins_hilist_id })).map((x) => x.memo)).toContain(
        row.memo,
      );
      expect(await s.query(c.query, { fixmedins_bchno: row.fixmedins_bchno }, '2025-02-01', '2025-02-28')).toEqual([]);
      expect(await s.query(c.query, { fixmedins_bchno: row.fixmedins_bchno }, '2025-03-02', '2025-03-31')).toEqual([]);
    }

    // the answers' own columns
    const [count] = await s.query('3508', { fixmedins_bchno: '11' });
    expect(count).toMatchObject({ inv_cnt: 12, invdate: TODAY, expy_end: LOT.expy_end, trdn_flag: '0' });
    const [chg] = await s.query('3509', { fixmedins_bchno: '12' });
    expect(chg).toMatchObject({ inv_chg_type: '104', cnt: 2, pric: 12.5, inv_chg_time: `${TODAY} 10:00:00` });
    const purchases = await s.query('3510', { medins_list_codg: ITEM.fixmedins_hilist_id });
    expect(purchases.map((p) => [p.memo, p.prod_retn_flag, p.purc_retn_cnt])).toEqual([
      ['pos:purchase:1', '0', 100],
      ['pos:purchase_return:1', '1', 5],
    ]);
    const sales = await s.query('3511', { medins_list_codg: ITEM.fixmedins_hilist_id });
    expect(sales.map((x) => [x.memo, x.prod_retn_flag, x.sel_retn_cnt, x.rtal_docno])).toEqual([
      ['pos:sale_line:1', '0', 2, 'R0001'],
      ['pos:return_line:1', '1', 1, null],
    ]);
    expect(sales[0]).toMatchObject({
      hi_feesetl_type: '0',
      trdn_flag: '0',
      drugtracinfo: [{ drug_trac_codg: CODE_A }],
    });

    // counts are written with the answer's scale, exactly
    const raw = await post(
      sb.url + DISPATCH,
      JSON.stringify(
        s.envOf('3509', { data: { fixmedins_code: FIX, fixmedins_bchno: '12', begndate: TODAY, enddate: TODAY } }),
      ),
    );
    expect(raw.body.toString()).toContain('"cnt":2.0000');
    expect(raw.body.toString()).toContain('"pric":12.500000');
  });

  it('filters by the optional fields a query names and refuses a query without its head', async () => {
    const sb = await start();
    const s = await session(sb);
    await s.call('3502', { invinfo: change('21', 'pos:change:1') });
    await s.call('3502', { invinfo: change('21', 'pos:change:2', { inv_chg_type: '101' }) });
    await s.call('3502', { invinfo: change('21', 'pos:change:3', { med_list_codg: SANDBOX_DRUGS[1]!.med_list_codg }) });
    const memos = async (data: Json) => (await s.query('3509', { fixmedins_bchno: '21', ...data })).map((x) => x.memo);
    expect(await memos({})).toEqual(['pos:change:1', 'pos:change:2', 'pos:change:3']);
    expect(await memos({ inv_chg_type: '101' })).toEqual(['pos:change:2']);
    expect(await memos({ med_list_codg: SANDBOX_DRUGS[1]!.med_list_codg })).toEqual(['pos:change:3']);
    expect(await memos({ memo: 'pos:change:1' })).toEqual(['pos:change:1']);
    expect(await s.query('3509', { fixmedins_bchno: 'nope' })).toEqual([]);

    const head = (data: Json) =>
      s.call('3509', { data: { fixmedins_code: FIX, begndate: TODAY, enddate: TODAY, ...data } });
    expect(await head({})).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('medins_list_codg') });
    expect(await head({ fixmedins_bchno: '21', begndate: '2025-03-02' })).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('begndate'),
    });
    expect(await head({ fixmedins_bchno: '21', fixmedins_code: 'P99999999999' })).toMatchObject({ infcode: -1 });
    expect(
      await s.call('3509', { data: { fixmedins_code: FIX, fixmedins_bchno: '21', enddate: TODAY } }),
    ).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('begndate'),
    });
  });

  it('answers a business refusal with infcode 0 and retRslt 0, recording nothing', async () => {
    const sb = await start();
    const s = await session(sb);
    const bad = async (infno: string, input: Json, text: string) => {
      const env = s.envOf(infno, input);
      const r = await send(sb, env);
      expect(r, text).toMatchObject({ infcode: 0, output: { result: { retRslt: '0' } } });
      expect(r.output.result.msgRslt).toContain(text);
      expect(sb.inspect.inventoryRecords({ msgid: env.msgid })).toEqual([]);
    };
    await bad('3503', { purcinfo: purchase('31', 'm', { expy_end: '2023-12-31' }) }, '有效期止expy_end（2023-12-31）');
    await bad('3505', { selinfo: sale('31', 'm', { sel_retn_cnt: '0' }) }, '销售/退货数量sel_retn_cnt应大于0');
    await bad('3502', { invinfo: change('31', 'm', { pric: '-1' }) }, '单价pric不能为负数');
    await bad('3502', { invinfo: change('31', 'm', { trdn_flag: '2' }) }, '拆零标志trdn_flag取值“2”无效');
    await bad('3501', { invinfo: stock('31', 'pos:count:9 [拒收]') }, '测试拒收：');
    await bad('3506', { selinfo: saleReturn('31', 'm', { fixmedins_hilist_name: '拒收测试药' }) }, '测试拒收：');
    // a counted-out batch is a real stock count
    expect(await s.call('3501', { invinfo: stock('32', 'pos:count:2', { inv_cnt: '0' }) })).toMatchObject(OK);
  });

  it('checks drug trace codes: 20 digits or GS1 from 01; other lengths are refused naming the code', async () => {
    const sb = await start();
    const s = await session(sb);
    const short = await s.call('3505', {
      selinfo: sale('41', 'm', { drugtracinfo: [{ drug_trac_codg: '1234567890' }] }),
    });
    expect(short).toMatchObject({ infcode: 0, output: { result: { retRslt: '0' } } });
    expect(short.output.result.msgRslt).toContain('药品追溯码drug_trac_codg“1234567890”');
    const long = await s.call('3506', {
      selinfo: saleReturn('41', 'm', { drugtracinfo: [{ drug_trac_codg: `${CODE_A}1` }] }),
    });
    expect(long.output.result).toMatchObject({ retRslt: '0', msgRslt: expect.stringContaining(`${CODE_A}1`) });
    const empty = await s.call('3502', { invinfo: change('41', 'm', { drugtracinfo: [{ drug_trac_codg: '' }] }) });
    expect(empty.output.result).toMatchObject({ retRslt: '0', msgRslt: expect.stringContaining('drug_trac_codg') });

    const gs1 = await s.call('3505', {
      selinfo: sale('42', 'pos:sale_line:42', { drugtracinfo: [{ drug_trac_codg: CODE_GS1 }] }),
    });
    expect(gs1).toMatchObject(OK);
    // the till's shape: drugtracinfo beside the node instead of inside the row
    const { drugtracinfo: _inside, ...bare } = sale('43', 'pos:sale_line:43');
    expect(await s.call('3505', { selinfo: bare, drugtracinfo: [{ drug_trac_codg: CODE_A }] })).toMatchObject(OK);
    const stored = sb.inspect.inventoryRecords({ infno: '3505' });
    expect(stored.map((r) => r.row.drugtracinfo)).toEqual([
      [{ drug_trac_codg: CODE_GS1 }],
      [{ drug_trac_codg: CODE_A }],
    ]);
  });

  it('refuses an insured 3505 whose setl_id the center does not know, and accepts the real one', async () => {
    const sb = await start();
    const s = await session(sb);
    const wang = SANDBOX_PERSONS.find((p) => p.psn_name === '王培训')!;
    const li = SANDBOX_PERSONS.find((p) => p.psn_name === '李演示')!;
    const ins = { insuplc_admdvs: wang.insuplc_admdvs };

    const unknown = await s.call(
      '3505',
      { selinfo: sale('51', 'm', { hi_feesetl_type: '1', mdtrt_setl_type: '1', setl_id: 'SBXS00000000000000000000' }) },
      ins,
    );
    expect(unknown).toMatchObject({ infcode: 0, output: { result: { retRslt: '0' } } });
    expect(unknown.output.result.msgRslt).toContain('setl_id“SBXS00000000000000000000”');
    const missing = await s.call('3505', { selinfo: sale('51', 'm', { hi_feesetl_type: '1', setl_id: '' }) });
    expect(missing.output.result).toMatchObject({ retRslt: '0', msgRslt: expect.stringContaining('setl_id') });

    const amox = SANDBOX_DRUGS.find((d) => d.name.startsWith('阿莫西林'))!;
    const settled = await s.call(
      '2102',
      {
        druginfo: {
          psn_no: wang.psn_no,
          mdtrt_cert_type: '02',
          mdtrt_cert_no: wang.certno,
          begntime: '2025-03-01 12:00:00',
          medfee_sumamt: '25.00',
          insutype: wang.insurances[0]!.insutype,
          acct_used_flag: '0',
          med_type: '41',
        },
        drugdetail: [
          {
            feedetl_sn: '1',
            rxno: '',
            rx_circ_flag: '0',
            fee_ocur_time: '2025-03-01 12:00:00',
            med_list_codg: amox.med_list_codg,
            medins_list_codg: 'SP0001',
            det_item_fee_sumamt: '25.00',
            cnt: 2,
            pric: '12.50',
          },
        ],
      },
      ins,
    );
    expect(settled.infcode).toBe(0);
    const { setl_id: setlId, mdtrt_id: mdtrtId } = settled.output.setlinfo as Json;
    const insured = (psn: typeof wang) =>
      sale('52', `pos:sale_line:${psn.psn_no}`, {
        hi_feesetl_type: '1',
        mdtrt_setl_type: '1',
        setl_id: setlId,
        mdtrt_sn: mdtrtId,
        psn_no: psn.psn_no,
        psn_name: psn.psn_name,
      });
    const other = await s.call('3505', { selinfo: insured(li) }, { insuplc_admdvs: li.insuplc_admdvs });
    expect(other.output.result).toMatchObject({ retRslt: '0', msgRslt: expect.stringContaining('psn_no') });
    expect(await s.call('3505', { selinfo: insured(wang) }, ins)).toMatchObject(OK);
    expect((await s.query('3511', { fixmedins_bchno: '52' }))[0]).toMatchObject({
      setl_id: setlId,
      psn_no: wang.psn_no,
      hi_feesetl_type: '1',
    });
  });

  it('3505A with one bad row is refused whole; 3502A and 3504A record the good rows and list the bad one', async () => {
    const sb = await start();
    const s = await session(sb);
    const whole = s.envOf('3505A', {
      selinfoDetail: [
        sale('61', 'pos:sale_line:1'),
        sale('62', 'pos:sale_line:2', { manu_date: '2027-01-01' }),
        sale('63', 'pos:sale_line:3'),
      ],
    });
    const refused = await send(sb, whole);
    expect(refused).toMatchObject({ infcode: 0, output: { result: { retRslt: '0' } } });
    expect(refused.output.result.msgRslt).toMatch(/^第2行 有效期止expy_end/);
    expect(sb.inspect.inventoryRecords({ msgid: whole.msgid })).toEqual([]);

    const fine = s.envOf('3505A', { selinfoDetail: [sale('61', 'pos:sale_line:1'), sale('63', 'pos:sale_line:3')] });
    expect(await send(sb, fine)).toMatchObject(OK);
    expect(sb.inspect.inventoryRecords({ msgid: fine.msgid }).map((r) => [r.viaInfno, r.memo])).toEqual([
      ['3505A', 'pos:sale_line:1'],
      ['3505A', 'pos:sale_line:3'],
    ]);

    const perRow = s.envOf('3502A', {
      invinfoDetail: [
        change('64', 'pos:change:1'),
        change('65', 'pos:change:2 [拒收]'),
        change('66', 'pos:change:3', { drugtracinfo: [{ drug_trac_codg: CODE_A }] }),
      ],
    });
    const partial = await send(sb, perRow);
    expect(partial.infcode).toBe(0);
    expect(partial.output.invinfoErrDetail).toEqual([
      {
        med_list_codg: ITEM.med_list_codg,
        inv_chg_type: '104',
        fixmedins_hilist_id: ITEM.fixmedins_hilist_id,
        fixmedins_hilist_name: ITEM.fixmedins_hilist_name,
        fixmedins_bchno: '65',
        memo: 'pos:change:2 [拒收]',
        retRslt: '0',
        msgRslt: expect.stringMatching(/^第2行 测试拒收：/),
      },
    ]);
    expect(sb.inspect.inventoryRecords({ msgid: perRow.msgid }).map((r) => r.bchno)).toEqual(['64', '66']);

    const returns = await s.call('3504A', {
      purcinfoDetail: [
        purchaseReturn('67', 'pos:purchase_return:1', { purc_retn_cnt: '0' }),
        purchaseReturn('68', 'r2'),
      ],
    });
    expect(returns.output.purcinfoErrDetail).toEqual([
      expect.objectContaining({
        fixmedins_bchno: '67',
        memo: 'pos:purchase_return:1',
        retRslt: '0',
        msgRslt: expect.stringContaining('采购/退货数量purc_retn_cnt应大于0'),
      }),
    ]);
    // a return to the supplier of a batch the center never saw bought is recorded all the same
    expect(sb.inspect.inventoryRecords({ bchno: '68' })).toHaveLength(1);

    const counts = await s.call('3501A', { invinfoDetail: [stock('69', 'c1'), stock('70', 'c2')] });
    expect(counts).toMatchObject({ infcode: 0, output: { invinfoErrDetail: [] } });
    expect(await s.call('3503A', { purcinfoDetail: [] })).toMatchObject({ infcode: -1 });
  });

  it('3507 withdraws every live record of a batch and data type; the queries no longer return them', async () => {
    const sb = await start();
    const s = await session(sb);
    await s.call('3503', { purcinfo: purchase('71', 'pos:purchase:1') });
    await s.call('3504', { purcinfo: purchaseReturn('71', 'pos:purchase_return:1') });
    await s.call('3505', { selinfo: sale('71', 'pos:sale_line:1') });
    expect(await s.query('3510', { fixmedins_bchno: '71' })).toHaveLength(2);

    const del = s.envOf('3507', { data: { fixmedins_bchno: '71', inv_data_type: '3' } });
    expect(await send(sb, del)).toMatchObject(OK);
    expect(await s.query('3510', { fixmedins_bchno: '71' })).toEqual([]);
    expect(await s.query('3511', { fixmedins_bchno: '71' })).toHaveLength(1); // another data type: untouched
    const deleted = sb.inspect.inventoryRecords({ bchno: '71', live: false });
    expect(deleted.map((r) => [r.infno, r.deletedByMsgid])).toEqual([
      ['3503', del.msgid],
      ['3504', del.msgid],
    ]);

    const again = await s.call('3507', { data: { fixmedins_bchno: '71', inv_data_type: '3' } });
    expect(again.output.result).toMatchObject({ retRslt: '0', msgRslt: expect.stringContaining('未找到批次流水号') });
    const badType = await s.call('3507', { data: { fixmedins_bchno: '71', inv_data_type: '9' } });
    expect(badType.output.result).toMatchObject({ retRslt: '0', msgRslt: expect.stringContaining('inv_data_type“9”') });

    // 3507A: all or nothing
    const some = await s.call('3507A', {
      goodDetail: [
        { fixmedins_bchno: '71', inv_data_type: '4' },
        { fixmedins_bchno: '79', inv_data_type: '4' },
      ],
    });
    expect(some.output.result).toMatchObject({ retRslt: '0', msgRslt: expect.stringMatching(/^第2行 未找到/) });
    expect(sb.inspect.inventoryRecords({ bchno: '71', live: true })).toHaveLength(1);
    expect(await s.call('3507A', { goodDetail: [{ fixmedins_bchno: '71', inv_data_type: '4' }] })).toMatchObject(OK);
    expect(await s.query('3511', { fixmedins_bchno: '71' })).toEqual([]);
    // re-sent after the withdrawal, the record stands again
    expect(await s.call('3505', { selinfo: sale('71', 'pos:sale_line:1') })).toMatchObject(OK);
    expect(await s.query('3511', { fixmedins_bchno: '71' })).toHaveLength(1);
  });

  it('a garbage fault on 3505 still records the sale: the effect is committed, the client sees garbage', async () => {
    const sb = await start();
    const s = await session(sb);
    sb.faults.inject({ mode: 'garbage', infno: '3505' });
    const env = s.envOf('3505', { selinfo: sale('81', 'pos:sale_line:81') });
    const r = await post(sb.url + DISPATCH, JSON.stringify(env));
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.body.toString('utf8')) as unknown).toThrow();
    expect(sb.inspect.inventoryRecords({ msgid: env.msgid })).toHaveLength(1);
    expect((await s.query('3511', { fixmedins_bchno: '81' }))[0]).toMatchObject({ memo: 'pos:sale_line:81' });

    // faults apply to the batch variants by their own infno
    sb.faults.inject({ mode: 'business_error', infno: '3505A', message: '注入的错误' });
    const batch = s.envOf('3505A', { selinfoDetail: [sale('82', 'pos:sale_line:82')] });
    expect(await send(sb, batch)).toMatchObject({ infcode: -1, err_msg: '注入的错误' });
    expect(sb.inspect.inventoryRecords({ msgid: batch.msgid })).toEqual([]);
  });

  it('requires a live sign-in like every other interface', async () => {
    const sb = await start();
    const env = envelope('3505', { selinfo: sale('91', 'pos:sale_line:91') });
    expect(await send(sb, env)).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('sign_no') });
    const query = envelope('3511', {
      data: { fixmedins_code: FIX, fixmedins_bchno: '91', begndate: TODAY, enddate: TODAY },
    });
    expect(await send(sb, query)).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('sign_no') });
    expect(sb.inspect.inventoryRecords()).toEqual([]);
  });
});
