import http from 'node:http';
import path from 'node:path';
import { unzipSync, zipSync, strToU8, strFromU8 } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase } from '../../app/db/connection';
import {
  SANDBOX_DRUGS,
  SANDBOX_PERSONS,
  SANDBOX_PRACTITIONERS,
  decodeEcQr,
  decodeEcQrDetail,
  isValidIdNumber,
  startSandbox,
  tifSignature,
  type Sandbox,
  type SandboxOptions,
} from '../../app/sandbox';
import { tempDir } from '../support/tmp';
import { DISPATCH, FIX, envelope, type Json } from '../support/sandbox-envelope';

// A tiny hand-written HTTP + JSON poster: deliberately not the app's client, so that the center is
// tested against the wire format written in the shared notes and nothing else.

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  method = 'POST',
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

const NOW = new Date('2025-03-01T04:00:00Z'); // 2025-03-01 12:00:00 in Beijing

const open: Sandbox[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function start(extra: Partial<SandboxOptions> = {}): Promise<Sandbox & { dir: string }> {
  const dir = tempDir('sandbox-');
  const sb = await startSandbox({
    dbPath: path.join(dir, 'sandbox.sqlite'),
    log: createMemoryLogger(),
    now: () => NOW,
    ...extra,
  });
  open.push(sb);
  return Object.assign(sb, { dir });
}

async function send(sb: Sandbox, env: Json, urlPath = DISPATCH, headers?: Record<string, string>): Promise<Json> {
  const r = await post(sb.url + urlPath, JSON.stringify(env), headers);
  expect(r.status).toBe(200);
  return JSON.parse(r.body.toString('utf8')) as Json;
}

/** A signed-in session: every later call carries its sign_no. */
async function session(sb: Sandbox, opter = 'op01') {
  const r = await send(
    sb,
    envelope('9001', { signIn: { opter_no: opter, mac: '00-11-22-33-44-55', ip: '127.0.0.1' } }, { opter }),
  );
  expect(r.infcode).toBe(0);
  const signNo = r.output.signinoutb.sign_no as string;
  return {
    signNo,
    call: (infno: string, input: unknown, extra: Json = {}) =>
      send(sb, envelope(infno, input, { sign_no: signNo, opter, ...extra })),
  };
}

const WANG = SANDBOX_PERSONS.find((p) => p.psn_name === '王培训')!;
const LI = SANDBOX_PERSONS.find((p) => p.psn_name === '李演示')!;
const ZHANG = SANDBOX_PERSONS.find((p) => p.psn_name === '张沙箱')!;
const ZHAO = SANDBOX_PERSONS.find((p) => p.psn_name === '赵测试')!;
const LIU = SANDBOX_PERSONS.find((p) => p.psn_name === '刘样例')!;
const YANG = SANDBOX_PERSONS.find((p) => p.psn_name === '杨停保')!;
const ZHOU = SANDBOX_PERSONS.find((p) => p.psn_name === '周异地')!;
const drug = (name: string) => SANDBOX_DRUGS.find((d) => d.name.startsWith(name))!;

const line = (sn: string, code: string, cnt: number, pric: string, fee: string) => ({
  feedetl_sn: sn,
  rxno: '',
  rx_circ_flag: '0',
  fee_ocur_time: '2025-03-01 12:00:00',
  med_list_codg: code,
  medins_list_codg: `OWN-${sn}`,
  det_item_fee_sumamt: fee,
  cnt,
  pric,
});

/**
 * 甲 25.00 + 乙 18.80 + 乙 over its limit 32.00 + 丙 25.00 + 饮片 30 g × 0.0856 = 2.568 → 2.57 + an
 * item the catalogue does not know 5.00 = 108.37 (worked out by hand in the assertions below).
 */
const BASKET = [
  line('1', drug('阿莫西林').med_list_codg, 2, '12.50', '25.00'),
  line('2', drug('布洛芬').med_list_codg, 1, '18.80', '18.80'),
  line('3', drug('苯磺酸氨氯地平').med_list_codg, 1, '32.00', '32.00'),
  line('4', drug('维生素E').med_list_codg, 1, '25.00', '25.00'),
  line('5', drug('黄芪').med_list_codg, 30, '0.0856', '2.57'),
  line('6', 'XZ99ZZZ999Z999999999999', 1, '5.00', '5.00'),
];

function purchase(
  p: (typeof SANDBOX_PERSONS)[number],
  acct: '0' | '1',
  insutype = p.insurances[0]!.insutype,
  detail = BASKET,
  medfee = '108.37',
) {
  return {
    druginfo: {
      psn_no: p.psn_no,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: p.certno,
      begntime: '2025-03-01 12:00:00',
      medfee_sumamt: medfee,
      insutype,
      acct_used_flag: acct,
      med_type: '41',
    },
    drugdetail: detail,
  };
}

describe('sandbox center — envelope', () => {
  it('answers bad bodies, wrong methods and unknown paths with an envelope, never a stack trace', async () => {
    const sb = await start();
    for (const body of ['{not json', '', '[1,2]', Buffer.from([0xc3, 0x28])]) {
      const r = await post(sb.url + DISPATCH, body);
      expect(r.status).toBe(200);
      const j = JSON.parse(r.body.toString()) as Json;
      expect(j.infcode).toBe(-1);
      expect(j.err_msg).toMatch(/JSON|UTF-8|为空/);
      expect(r.body.toString()).not.toMatch(/at .*\.ts/);
    }
    const get = await post(sb.url + DISPATCH, '', {}, 'GET');
    expect(get.status).toBe(405);
    const unknown = await post(sb.url + '/fsi/api/nothing', '{}');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ infcode: -1 });
    const xml = await post(sb.url + DISPATCH, '<a/>', { 'content-type': 'application/xml' });
    expect(JSON.parse(xml.body.toString())).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('Content-Type'),
    });
    // The envelope has exactly the fields of transport.md §2.
    const ok = await send(sb, envelope('9001', { signIn: { opter_no: 'op01', mac: 'm', ip: '127.0.0.1' } }));
    expect(Object.keys(ok).sort()).toEqual(
      [
        'cainfo',
        'err_msg',
        'inf_refmsgid',
        'infcode',
        'output',
        'refmsg_time',
        'respond_time',
        'signtype',
        'warn_msg',
      ].sort(),
    );
    expect(ok.inf_refmsgid).toMatch(/^110100\d{24}$/);
    expect(ok.refmsg_time).toBe('20250301120000000');
  });

  it('refuses an unknown or unsupported infno and a per-service path that disagrees with the envelope', async () => {
    const sb = await start();
    expect(await send(sb, envelope('abc', {}))).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('不存在'),
    });
    expect(await send(sb, envelope('3512', {}))).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('沙箱暂不支持该交易'),
    });
    const signIn = { signIn: { opter_no: 'op01', mac: 'm', ip: '127.0.0.1' } };
    expect(await send(sb, envelope('9001', signIn), '/fsi/api/signInSignOutService/signIn')).toMatchObject({
      infcode: 0,
    });
    expect(await send(sb, envelope('9001', signIn), '/fsi/api/fsiPsnInfoService/queryPsnInfo')).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('1101'),
    });
    // text/plain bodies (NHSA-DEMO) are read the same way
    const plain = await post(sb.url + DISPATCH, JSON.stringify(envelope('9001', signIn)), {
      'content-type': 'text/plain',
    });
    expect(JSON.parse(plain.body.toString())).toMatchObject({ infcode: 0 });
  });

  it('checks the msgid format, refuses a repeated msgid and a foreign fixmedins_code', async () => {
    const sb = await start();
    const signIn = { signIn: { opter_no: 'op01', mac: 'm', ip: '127.0.0.1' } };
    for (const msgid of [
      'P99999999999202503011200000001', // another pharmacy's prefix
      `${FIX}202513011200000001`, // month 13
      `${FIX}20250301120000001`, // 3-digit tail
      `${FIX}2025030112000000011`, // 31 characters
      '',
    ]) {
      const r = await send(sb, envelope('9001', signIn, { msgid }));
      expect(r.infcode, msgid).toBe(-1);
      expect(r.err_msg).toContain('msgid');
    }
    const env = envelope('9001', signIn);
    expect(await send(sb, env)).toMatchObject({ infcode: 0 });
    expect(await send(sb, env)).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('报文ID重复') });
    // a refused request uses its msgid up as well
    const refused = envelope('9001', { signIn: { opter_no: '', mac: 'm', ip: 'x' } });
    expect((await send(sb, refused)).infcode).toBe(-1);
    expect(await send(sb, { ...refused, input: signIn })).toMatchObject({
      err_msg: expect.stringContaining('报文ID重复'),
    });

    const other = envelope('9001', signIn, { fixmedins_code: 'P11010000002', msgid: 'P11010000002202503011200000001' });
    expect(await send(sb, other)).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('fixmedins_code') });
  });

  it('requires a live sign_no of the same operator on every call except 9001, and 9002 ends it', async () => {
    const sb = await start();
    const s = await session(sb, 'op01');
    const q = { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } };
    expect(await send(sb, envelope('1101', q))).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('sign_no'),
    });
    expect(await send(sb, envelope('1101', q, { sign_no: 'SBX00000000000000000000' }))).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('无效'),
    });
    expect(await send(sb, envelope('1101', q, { sign_no: s.signNo, opter: 'op02' }))).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('经办人'),
    });
    expect((await s.call('1101', q)).infcode).toBe(0);
    const out = await s.call('9002', { signOut: { sign_no: s.signNo, opter_no: 'op01' } });
    expect(out).toMatchObject({ infcode: 0, output: { signoutoutb: { sign_time: '2025-03-01 12:00:00' } } });
    expect(await s.call('1101', q)).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('已签退') });
  });

  it('requires insuplc_admdvs whenever the input carries a psn_no, and it must be the person’s region', async () => {
    const sb = await start();
    const s = await session(sb);
    const check = (p: typeof WANG) => ({
      data: { psn_no: p.psn_no, insutype: '310', fixmedins_code: FIX, med_type: '41', begntime: '2025-03-01 12:00:00' },
    });
    expect(await s.call('2001', check(WANG))).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('insuplc_admdvs不能为空'),
    });
    expect((await s.call('2001', check(WANG), { insuplc_admdvs: '110100' })).infcode).toBe(0);
    // the person from another province: the pharmacy's own region is wrong for them
    expect(await s.call('2001', check(ZHOU), { insuplc_admdvs: '110100' })).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('440300'),
    });
    expect((await s.call('2001', check(ZHOU), { insuplc_admdvs: '440300' })).infcode).toBe(0);
  });

  it('validates the input against the registry specs and names the field in Chinese', async () => {
    const sb = await start();
    const s = await session(sb);
    const ins = { insuplc_admdvs: '110100' };
    const base = purchase(WANG, '1');
    const missing = structuredClone(base) as Json;
    delete missing.druginfo.insutype;
    expect(await s.call('2101', missing, ins)).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('druginfo.insutype（险种类型）不能为空'),
    });
    const overlong = structuredClone(base) as Json;
    overlong.drugdetail[0].feedetl_sn = 'x'.repeat(31);
    expect((await s.call('2101', overlong, ins)).err_msg).toContain(
      'drugdetail[0].feedetl_sn（费用明细流水号）长度不能超过30',
    );
    const wrongType = structuredClone(base) as Json;
    wrongType.druginfo.insutype = 310;
    wrongType.drugdetail[1].cnt = 'two';
    const r = await s.call('2101', wrongType, ins);
    expect(r.err_msg).toContain('druginfo.insutype（险种类型）应为字符型');
    expect(r.err_msg).toContain('drugdetail[1].cnt（数量）应为数值型');
    // money computed in floating point is caught
    const drift = structuredClone(base) as Json;
    drift.druginfo.medfee_sumamt = 0.1 + 0.2;
    expect((await s.call('2101', drift, ins)).err_msg).toContain('medfee_sumamt（医疗费总额）小数位数不能超过2位');
    const badFlag = structuredClone(base) as Json;
    badFlag.druginfo.acct_used_flag = '2';
    expect((await s.call('2101', badFlag, ins)).err_msg).toContain('acct_used_flag');
    const badTime = envelope(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      {
        sign_no: s.signNo,
        inf_time: '2025/03/01 12:00',
      },
    );
    expect((await send(sb, badTime)).err_msg).toContain('inf_time');
    const noName = envelope(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      {
        sign_no: s.signNo,
        opter_name: '',
      },
    );
    expect((await send(sb, noName)).err_msg).toContain('opter_name（经办人姓名）不能为空');
  });

  it('checks x-tif gateway headers when configured', async () => {
    const gw = { paasid: 'sbx_paas', token: 'sbx-token-123' };
    const sb = await start({ gateway: gw });
    const body = () => JSON.stringify(envelope('9001', { signIn: { opter_no: 'op01', mac: 'm', ip: '127.0.0.1' } }));
    const headers = (over: Record<string, string> = {}) => {
      const ts = String(Math.floor(NOW.getTime() / 1000));
      const nonce = over.nonce ?? `n-${Math.random().toString(16).slice(2)}`;
      const timestamp = over.timestamp ?? ts;
      return {
        'content-type': 'application/json',
        'x-tif-paasid': over.paasid ?? gw.paasid,
        'x-tif-timestamp': timestamp,
        'x-tif-nonce': nonce,
        'x-tif-signature': over.signature ?? tifSignature(timestamp, gw.token, nonce),
      };
    };
    const refused = async (h: Record<string, string>, why: string) => {
      const r = await post(sb.url + DISPATCH, body(), h);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body.toString()).msg).toContain(why);
    };
    await refused({ 'content-type': 'application/json' }, '缺少');
    await refused(headers({ paasid: 'other' }), 'paasid');
    await refused(headers({ signature: 'a'.repeat(64) }), 'signature');
    const old = String(Math.floor(NOW.getTime() / 1000) - 3600);
    await refused(headers({ timestamp: old }), 'timestamp');
    const good = headers({ nonce: 'fixed-nonce-1' });
    const ok = await post(sb.url + DISPATCH, body(), good);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString()).infcode).toBe(0);
    await refused(good, 'nonce'); // replay
  });
});

describe('sandbox center — persons and entitlement', () => {
  it('1101 finds a person by e-voucher token, ID card, or social-security card with its card_sn', async () => {
    const sb = await start();
    const s = await session(sb);
    const q = (data: Json) => s.call('1101', { data });
    const token = decodeEcQr(WANG.ec!.qr);
    expect(token).toBe(WANG.ec!.ec_token);
    const ec = decodeEcQrDetail(WANG.ec!.qr)!;
    const byToken = await q({
      mdtrt_cert_type: '01',
      mdtrt_cert_no: token,
      psn_cert_type: ec.idType,
      certno: ec.idNo,
      psn_name: ec.userName,
    });
    expect(byToken).toMatchObject({
      infcode: 0,
      output: { baseinfo: { psn_no: WANG.psn_no, psn_name: '王培训', certno: WANG.certno, gend: '1', age: 59 } },
    });
    expect((await q({ mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno })).output.baseinfo.psn_no).toBe(WANG.psn_no);
    const byCard = await q({ mdtrt_cert_type: '03', mdtrt_cert_no: LI.card!.card_no, card_sn: LI.card!.card_sn });
    expect(byCard.output.baseinfo.psn_no).toBe(LI.psn_no);
    expect(byCard.output.insuinfo.map((i: Json) => i.insutype)).toEqual(['310', '330']);
    expect(byCard.output.insuinfo[0]).toMatchObject({ balc: 235.5, insuplc_admdvs: '110100', psn_insu_stas: '1' });

    expect(
      await q({ mdtrt_cert_type: '03', mdtrt_cert_no: LI.card!.card_no, card_sn: '110100D156000005FFFFFFFFFFFFFFFF' }),
    ).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('card_sn'),
    });
    expect(await q({ mdtrt_cert_type: '03', mdtrt_cert_no: LI.card!.card_no })).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('card_sn'),
    });
    expect(await q({ mdtrt_cert_type: '01', mdtrt_cert_no: 'ectoken-unknown' })).toMatchObject({ infcode: -1 });
    expect(await q({ mdtrt_cert_type: '02', mdtrt_cert_no: '110101196503152011' })).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('校验'),
    });
    expect(await q({ mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno, psn_name: '王某某' })).toMatchObject({
      infcode: -1,
    });
    // amounts are written with their two decimals on the wire
    const raw = await post(
      sb.url + DISPATCH,
      JSON.stringify(
        envelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } }, { sign_no: s.signNo }),
      ),
    );
    expect(raw.body.toString()).toContain('"balc":1000.00');
  });

  it('2001 answers trt_enjymnt_flag 0 for the person who is not entitled, and 2101/2102 refuse them', async () => {
    const sb = await start();
    const s = await session(sb);
    const check = (p: typeof WANG) =>
      s.call(
        '2001',
        {
          data: {
            psn_no: p.psn_no,
            insutype: '310',
            fixmedins_code: FIX,
            med_type: '41',
            begntime: '2025-03-01 12:00:00',
          },
        },
        { insuplc_admdvs: p.insuplc_admdvs },
      );
    expect((await check(WANG)).output.trtinfo[0]).toMatchObject({ trt_enjymnt_flag: '1', fund_pay_type: '310100' });
    const no = await check(YANG);
    expect(no.output.trtinfo[0]).toMatchObject({ psn_no: YANG.psn_no, trt_enjymnt_flag: '0', trt_chk_type: '01' });
    expect(no.output.trtinfo[0].trt_chk_rslt).toContain('暂停');
    for (const infno of ['2101', '2102']) {
      const r = await s.call(infno, purchase(YANG, '1'), { insuplc_admdvs: '110100' });
      expect(r).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('不享受医保待遇') });
    }
    expect(sb.inspect.settlements()).toEqual([]);
  });
});

describe('sandbox center — settlement', () => {
  it('2101 and 2102 split a mixed 甲/乙/丙 basket the same way; only 2102 settles and uses the account', async () => {
    const sb = await start();
    const s = await session(sb);
    const ins = { insuplc_admdvs: '110100' };
    const pre = await s.call('2101', purchase(WANG, '1'), ins);
    expect(pre.infcode).toBe(0);
    const expected = {
      medfee_sumamt: 108.37,
      fulamt_ownpay_amt: 30, // 丙 25.00 + unknown item 5.00
      overlmt_selfpay: 2, // 32.00 − limit 30.00
      preselfpay_amt: 5.14, // 10% of 18.80, 30.00 and 2.57
      inscp_scp_amt: 71.23,
      act_pay_dedc: 0,
      hifp_pay: 42.74, // 60% of 71.23 = 42.738
      pool_prop_selfpay: 0.6,
      fund_pay_sumamt: 42.74,
      psn_part_amt: 65.63,
      acct_pay: 33.63, // 5.14 + 71.23 − 42.74
      psn_cash_pay: 32, // 全自费 + 超限价 stay cash
      balc: 966.37,
      clr_type: '41',
      insutype: '310',
    };
    expect(pre.output.setlinfo).toMatchObject(expected);
    expect(pre.output.setlinfo.setl_id).toBeNull();
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect(sb.inspect.settlements()).toEqual([]);

    const env = envelope('2102', purchase(WANG, '1'), { sign_no: s.signNo, ...ins });
    const raw = await post(sb.url + DISPATCH, JSON.stringify(env));
    const text = raw.body.toString();
    expect(text).toContain('"psn_cash_pay":32.00');
    expect(text).toContain('"pool_prop_selfpay":0.6000');
    const done = JSON.parse(text) as Json;
    expect(done.output.setlinfo).toMatchObject({ ...expected, medins_setl_id: env.msgid });
    expect(done.output.setlinfo.setl_id).toMatch(/^SBXS\d{24}$/);
    expect(done.output.setldetail).toEqual([expect.objectContaining({ fund_pay_type: '310100', fund_payamt: 42.74 })]);
    const cut = Object.fromEntries((done.output.detlcutinfo as Json[]).map((d) => [d.feedetl_sn, d]));
    expect(cut['1']).toMatchObject({ chrgitm_lv: '01', inscp_scp_amt: 25, preselfpay_amt: 0 });
    expect(cut['3']).toMatchObject({
      chrgitm_lv: '02',
      overlmt_amt: 2,
      preselfpay_amt: 3,
      inscp_scp_amt: 27,
      pric_uplmt_amt: 30,
    });
    expect(cut['5']).toMatchObject({ det_item_fee_sumamt: 2.57, preselfpay_amt: 0.26, inscp_scp_amt: 2.31 });
    expect(cut['6']).toMatchObject({ chrgitm_lv: '03', fulamt_ownpay_amt: 5, selfpay_prop: 1 });
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(96637);
    expect(sb.inspect.settlementByMsgid(env.msgid)).toMatchObject({
      status: 'active',
      kind: 'settle',
      acctPayFen: 3363,
    });
    expect(sb.inspect.liveSettlementCount()).toBe(1);

    // without the account: everything the fund does not pay is cash, the balance stays
    const cash = await s.call('2102', purchase(WANG, '0'), ins);
    expect(cash.output.setlinfo).toMatchObject({ acct_pay: 0, psn_cash_pay: 65.63, balc: 966.37, hifp_pay: 42.74 });
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(96637);
  });

  it('uses the account only up to the balance, and never for 居民 without an account', async () => {
    const sb = await start();
    const s = await session(sb);
    const ins = { insuplc_admdvs: '110100' };
    const low = await s.call('2102', purchase(ZHAO, '1'), ins);
    expect(low.output.setlinfo).toMatchObject({ acct_pay: 12.34, balc: 0, psn_cash_pay: 53.29 });
    expect(sb.inspect.balanceFen(ZHAO.psn_no)).toBe(0);
    const none = await s.call('2102', purchase(LIU, '1'), ins);
    expect(none.output.setlinfo).toMatchObject({ acct_pay: 0, balc: 0, psn_cash_pay: 65.63 });
    const resident = await s.call('2102', purchase(ZHANG, '1'), ins);
    // 居民 50%: 71.23 × 0.5 = 35.615 → 35.62
    expect(resident.output.setlinfo).toMatchObject({
      insutype: '390',
      hifp_pay: 35.62,
      pool_prop_selfpay: 0.5,
      acct_pay: 0,
      psn_cash_pay: 72.75,
      balc: 0,
    });
    expect(resident.output.setldetail[0].fund_pay_type).toBe('390100');
    // 310 + 330: 330 is not a settlement insutype
    expect(await s.call('2101', purchase(LI, '1', '330'), ins)).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('330'),
    });
    expect(await s.call('2101', purchase(LI, '1', '390'), ins)).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('未参加险种390'),
    });
    expect((await s.call('2101', purchase(LI, '1', '310'), ins)).output.setlinfo.acct_pay).toBe(33.63);
  });

  it('refuses inconsistent amounts, duplicate feedetl_sn and a medium of another person', async () => {
    const sb = await start();
    const s = await session(sb);
    const ins = { insuplc_admdvs: '110100' };
    const wrongItem = purchase(
      WANG,
      '1',
      '310',
      [line('1', drug('阿莫西林').med_list_codg, 3, '12.50', '37.49')],
      '37.49',
    );
    expect((await s.call('2101', wrongItem, ins)).err_msg).toContain('det_item_fee_sumamt');
    const wrongSum = purchase(WANG, '1', '310', BASKET, '108.36');
    expect((await s.call('2101', wrongSum, ins)).err_msg).toContain('medfee_sumamt');
    const dup = purchase(WANG, '1', '310', [BASKET[0]!, { ...BASKET[1]!, feedetl_sn: '1' }], '43.80');
    expect((await s.call('2101', dup, ins)).err_msg).toContain('feedetl_sn');
    const other = purchase(WANG, '1') as Json;
    other.druginfo.mdtrt_cert_no = LI.certno;
    expect((await s.call('2101', other, ins)).err_msg).toContain('不是同一参保人');
    expect(sb.inspect.settlements()).toEqual([]);
  });

  it('2103 cancels a whole settlement with negative amounts under a new setl_id, restores the balance, and only once', async () => {
    const sb = await start();
    const s = await session(sb);
    const ins = { insuplc_admdvs: '110100' };
    const setl = (await s.call('2102', purchase(WANG, '1'), ins)).output.setlinfo as Json;
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(96637);
    const cancelEnv = envelope(
      '2103',
      { data: { setl_id: setl.setl_id, mdtrt_id: setl.mdtrt_id, psn_no: WANG.psn_no } },
      { sign_no: s.signNo, ...ins },
    );
    const c = await send(sb, cancelEnv);
    expect(c.infcode).toBe(0);
    expect(c.output.setlinfo).toMatchObject({
      mdtrt_id: setl.mdtrt_id,
      medfee_sumamt: -108.37,
      fund_pay_sumamt: -42.74,
      hifp_pay: -42.74,
      psn_pay: -65.63,
      acct_pay: -33.63,
      cash_payamt: -32,
      balc: 1000,
      medins_setl_id: cancelEnv.msgid,
    });
    expect(c.output.setlinfo.setl_id).not.toBe(setl.setl_id);
    expect(c.output.setldetail[0].fund_payamt).toBe(-42.74);
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect(sb.inspect.settlementBySetlId(setl.setl_id)).toMatchObject({
      status: 'cancelled',
      cancelSetlId: c.output.setlinfo.setl_id,
    });
    expect(sb.inspect.liveSettlementCount()).toBe(0);
    const again = await s.call(
      '2103',
      { data: { setl_id: setl.setl_id, mdtrt_id: setl.mdtrt_id, psn_no: WANG.psn_no } },
      ins,
    );
    expect(again).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('不能重复撤销') });
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('2601 undoes a 2102 and a 2103 by msgid, idempotently, and answers 0 when nothing was done', async () => {
    const sb = await start();
    const s = await session(sb);
    const ins = { insuplc_admdvs: '110100' };
    const reverse = (omsgid: string, oinfno: string) =>
      s.call('2601', { data: { psn_no: WANG.psn_no, omsgid, oinfno } }, ins);

    // undo a settlement
    const settleEnv = envelope('2102', purchase(WANG, '1'), { sign_no: s.signNo, ...ins });
    expect((await send(sb, settleEnv)).infcode).toBe(0);
    expect(sb.inspect.liveSettlementCount()).toBe(1);
    expect(await reverse(settleEnv.msgid, '2103')).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('oinfno'),
    });
    expect(await reverse(settleEnv.msgid, '2102')).toMatchObject({ infcode: 0, output: {} });
    expect(sb.inspect.settlementByMsgid(settleEnv.msgid)).toMatchObject({ status: 'reversed' });
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect(sb.inspect.liveSettlementCount()).toBe(0);
    expect((await reverse(settleEnv.msgid, '2102')).infcode).toBe(0); // second time: still 0
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    // a reversed settlement cannot be cancelled
    const rev = sb.inspect.settlementByMsgid(settleEnv.msgid)!;
    expect(
      await s.call('2103', { data: { setl_id: rev.setlId, mdtrt_id: rev.mdtrtId, psn_no: WANG.psn_no } }, ins),
    ).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('冲正') });

    // undo a cancellation: the settlement is live again and the account pays again
    const setl = (await s.call('2102', purchase(WANG, '1'), ins)).output.setlinfo as Json;
    const cancelEnv = envelope(
      '2103',
      { data: { setl_id: setl.setl_id, mdtrt_id: setl.mdtrt_id, psn_no: WANG.psn_no } },
      {
        sign_no: s.signNo,
        ...ins,
      },
    );
    expect((await send(sb, cancelEnv)).infcode).toBe(0);
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect((await reverse(cancelEnv.msgid, '2103')).infcode).toBe(0);
    expect(sb.inspect.settlementByMsgid(cancelEnv.msgid)).toMatchObject({ kind: 'cancel', status: 'reversed' });
    expect(sb.inspect.settlementBySetlId(setl.setl_id)).toMatchObject({ status: 'active', cancelSetlId: null });
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(96637);
    expect((await reverse(cancelEnv.msgid, '2103')).infcode).toBe(0);
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(96637);
    expect(sb.inspect.liveSettlementCount()).toBe(1);

    // nothing done under this msgid (never sent, or refused): nothing to reverse
    expect((await reverse(`${FIX}202503011159599999`, '2102')).infcode).toBe(0);
    const refused = envelope('2102', purchase(WANG, '1', '310', BASKET, '1.00'), { sign_no: s.signNo, ...ins });
    expect((await send(sb, refused)).infcode).toBe(-1);
    expect((await reverse(refused.msgid, '2102')).infcode).toBe(0);
    expect(
      await s.call('2601', { data: { psn_no: WANG.psn_no, omsgid: refused.msgid, oinfno: '2101' } }, ins),
    ).toMatchObject({
      infcode: -1,
    });
  });

  it('accepts the settlement trio on the sandbox’s per-service path /fsi/api/pharmacy/<infno>', async () => {
    const sb = await start();
    const s = await session(sb);
    const env = envelope('2102', purchase(WANG, '1'), { sign_no: s.signNo, insuplc_admdvs: '110100' });
    expect((await send(sb, env, '/fsi/api/pharmacy/2102')).infcode).toBe(0);
    const rev = envelope(
      '2601',
      { data: { psn_no: WANG.psn_no, omsgid: env.msgid, oinfno: '2102' } },
      {
        sign_no: s.signNo,
        insuplc_admdvs: '110100',
      },
    );
    expect((await send(sb, rev, '/fsi/api/reverseService/revsMethod')).infcode).toBe(0);
    expect(sb.inspect.liveSettlementCount()).toBe(0);
  });
});

describe('sandbox center — lookups and files', () => {
  it('1201 returns the pharmacy, 5102 its pharmacists, 100001 the policy items of a settlement', async () => {
    const sb = await start();
    const s = await session(sb);
    const inst = await s.call('1201', { medinsinfo: { fixmedins_type: '2', fixmedins_code: FIX } });
    expect(inst.output.medinsinfo).toEqual([expect.objectContaining({ fixmedins_code: FIX, fixmedins_type: '2' })]);
    const pharmacies = await s.call('1201', { medinsinfo: { fixmedins_type: '2', fixmedins_name: '沙箱' } });
    expect(pharmacies.output.medinsinfo.length).toBeGreaterThanOrEqual(3);
    const ph = await s.call('5102', { data: { prac_psn_type: '3' } });
    expect(ph.output.feedetail.map((x: Json) => x.prac_psn_code)).toEqual(
      SANDBOX_PRACTITIONERS.filter((p) => p.prac_psn_type === '3').map((p) => p.prac_psn_code),
    );
    expect(ph.output.feedetail[0]).toMatchObject({ prac_psn_type: '3', hi_dr_flag: '1' });

    const setl = (await s.call('2102', purchase(WANG, '1'), { insuplc_admdvs: '110100' })).output.setlinfo as Json;
    const pol = await s.call(
      '100001',
      { data: { setl_id: setl.setl_id, psn_no: WANG.psn_no, mdtrt_id: setl.mdtrt_id } },
      { insuplc_admdvs: '110100' },
    );
    expect(Array.isArray(pol.output)).toBe(true);
    const pool = (pol.output as Json[]).find((x) => x.pol_item_code === 'SBX005')!;
    expect(pool).toMatchObject({
      fund_pay_amt: 42.74,
      fund_pay_prop: 0.6,
      self_pay_amt: 28.49,
      pol_item_pay_sum: 71.23,
    });
    expect(
      await s.call(
        '100001',
        { data: { setl_id: 'nope', psn_no: WANG.psn_no, mdtrt_id: setl.mdtrt_id } },
        { insuplc_admdvs: '110100' },
      ),
    ).toMatchObject({ infcode: -1 });
  });

  it('9101 stores a file (JSON base64 or multipart) and 9102 serves it back as a zip', async () => {
    const sb = await start();
    const s = await session(sb);
    const zip = zipSync({ 'detail.txt': strToU8('a\tb\tc\n1\t2\t3\n') });
    const up = await s.call('9101', {
      fsUploadIn: { in: Buffer.from(zip).toString('base64'), filename: 'detail.txt.zip', fixmedins_code: FIX },
    });
    expect(up).toMatchObject({ infcode: 0, output: { filename: 'detail.txt.zip', fixmedins_code: FIX } });
    expect(up.output.file_qury_no).toMatch(/^fsi\/sbx\/\d{10}$/);
    const down = await post(
      sb.url + DISPATCH,
      JSON.stringify(
        envelope(
          '9102',
          { fsDownloadIn: { file_qury_no: up.output.file_qury_no, filename: 'detail.txt.zip', fixmedins_code: FIX } },
          { sign_no: s.signNo },
        ),
      ),
    );
    expect(down.status).toBe(200);
    expect(down.headers['content-type']).toBe('application/octet-stream');
    expect(Buffer.compare(down.body, Buffer.from(zip))).toBe(0);
    expect(strFromU8(unzipSync(new Uint8Array(down.body))['detail.txt']!)).toBe('a\tb\tc\n1\t2\t3\n');

    // multipart, NHSA-DEMO style: jsonStr + file; a plain text file comes back zipped
    const boundary = '----sbxboundary';
    const env = envelope(
      '9101',
      { fsUploadIn: { filename: 'result.txt', fixmedins_code: FIX } },
      { sign_no: s.signNo },
    );
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="jsonStr"\r\n\r\n${JSON.stringify(env)}\r\n`),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="result.txt"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from('明细\t对账\n', 'utf8'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const mp = await post(sb.url + '/fsi/api/fileupload/upload', body, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
    });
    const mpj = JSON.parse(mp.body.toString()) as Json;
    expect(mpj.infcode).toBe(0);
    const down2 = await post(
      sb.url + '/fsi/api/fileupload/download',
      JSON.stringify(
        envelope(
          '9102',
          { fsDownloadIn: { file_qury_no: mpj.output.file_qury_no, filename: 'result.txt', fixmedins_code: FIX } },
          { sign_no: s.signNo },
        ),
      ),
    );
    expect(down2.body.subarray(0, 2).toString()).toBe('PK');
    expect(strFromU8(unzipSync(new Uint8Array(down2.body))['result.txt']!)).toBe('明细\t对账\n');

    const missing = await post(
      sb.url + DISPATCH,
      JSON.stringify(
        envelope(
          '9102',
          { fsDownloadIn: { file_qury_no: 'fsi/sbx/9999999999', filename: 'x', fixmedins_code: FIX } },
          { sign_no: s.signNo },
        ),
      ),
    );
    expect(missing.headers['content-type']).toContain('application/json');
    expect(JSON.parse(missing.body.toString())).toMatchObject({
      infcode: -1,
      err_msg: expect.stringContaining('file_qury_no'),
    });
    const bad = await s.call('9101', { fsUploadIn: { in: '[]', filename: 'x.zip', fixmedins_code: FIX } });
    expect(bad).toMatchObject({ infcode: -1, err_msg: expect.stringContaining('Base64') });
  });
});

describe('sandbox center — seed', () => {
  it('seeds deterministically: two fresh databases are identical', async () => {
    const a = await start();
    const b = await start();
    await a.close();
    await b.close();
    const dump = (dir: string) => {
      const db = openDatabase(path.join(dir, 'sandbox.sqlite'));
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
      ).map((t) => t.name);
      const out = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
      db.close();
      return out;
    };
    const da = dump(a.dir);
    expect(da.persons).toHaveLength(SANDBOX_PERSONS.length);
    expect(da).toEqual(dump(b.dir));
  });

  it('has the cast the brief asks for, with valid ID check digits', () => {
    expect(SANDBOX_PERSONS.length).toBeGreaterThanOrEqual(8);
    for (const p of SANDBOX_PERSONS) {
      expect(isValidIdNumber(p.certno), p.certno).toBe(true);
      const year = Number(p.certno.slice(6, 10));
      expect(year).toBeGreaterThanOrEqual(1950);
      expect(year).toBeLessThanOrEqual(2000);
      expect(p.certno.slice(6, 14)).toBe(p.brdy.replaceAll('-', ''));
      expect(Number(p.certno[16]) % 2 === 1 ? '1' : '2').toBe(p.gend);
    }
    for (const p of SANDBOX_PRACTITIONERS) expect(isValidIdNumber(p.certno)).toBe(true);
    expect(SANDBOX_PERSONS.some((p) => p.insurances.map((i) => i.insutype).join() === '310,330')).toBe(true);
    expect(SANDBOX_PERSONS.some((p) => !p.entitled)).toBe(true);
    expect(SANDBOX_PERSONS.some((p) => p.insuplc_admdvs !== '110100')).toBe(true);
    expect(SANDBOX_PERSONS.filter((p) => p.card).every((p) => /^[0-9A-F]{6}[0-9A-F]{26}$/.test(p.card!.card_sn))).toBe(
      true,
    );
    expect(decodeEcQr('not a sandbox qr')).toBeNull();
    for (const d of SANDBOX_DRUGS) {
      if (d.med_list_codg.startsWith('X')) expect(d.med_list_codg).toHaveLength(23);
    }
  });
});
