import { describe, expect, it } from 'vitest';
import type { NhsaResult } from '../../app/nhsa/client';
import { yuanToFen } from '../../app/shared/money';
import { WANG, journalRows, oneBox, reversalRows } from '../support/nhsa-data';
import { nhsaFixture, scriptedCenter } from '../support/nhsa-fixture';

// Replies as real centers send them, which the sandbox (numbers, exact decimals) never does: infcode
// as a string, amounts as strings, a field of the wrong type. Parsed leniently; oddities are warnings.

type Json = Record<string, unknown>;

const baseinfo = {
  psn_no: WANG.psn_no,
  psn_cert_type: '01',
  certno: WANG.certno,
  psn_name: WANG.psn_name,
  gend: '1',
  naty: '01',
  brdy: '1965-03-15',
  age: '60.0',
};
const insuinfo = {
  balc: '1000.00',
  insutype: '310',
  psn_type: '11',
  psn_insu_stas: '1',
  cvlserv_flag: '0',
  insuplc_admdvs: '110100',
};

async function center() {
  let next1101: Json = {};
  let next2101: Json = {};
  const c = await scriptedCenter((env) => {
    const common = { warn_msg: null, cainfo: null, err_msg: null, inf_refmsgid: '110101202603011200000000000001' };
    if (env.infno === '9001') {
      // sign_no as a number, infcode as a string: both tolerated
      return {
        body: JSON.stringify({
          ...common,
          infcode: '0',
          output: { signinoutb: { sign_time: '2026-03-01 12:00:00', sign_no: 20260301 } },
        }),
      };
    }
    if (env.infno === '1101') return { body: JSON.stringify({ ...common, ...next1101 }) };
    if (env.infno === '2101') return { body: JSON.stringify({ ...common, ...next2101 }) };
    return {
      body: JSON.stringify({ ...common, infcode: -1, err_msg: `unexpected ${String(env.infno)}`, output: null }),
    };
  });
  const f = await nhsaFixture({
    env: {
      POS_NHSA_BASE_URL: c.url,
      POS_NHSA_PAASID: 'p',
      POS_NHSA_TOKEN: 't',
      POS_FIXMEDINS_CODE: 'P11010000001',
      POS_FIXMEDINS_NAME: '沙箱培训大药房',
      POS_ADMDVS: '110101',
    },
  });
  const read = (reply: Json): Promise<NhsaResult> => {
    next1101 = reply;
    return f.svc.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } }, { operator: f.op });
  };
  const preSettle = (reply: Json): Promise<NhsaResult> => {
    next2101 = reply;
    return f.svc.call('2101', oneBox(), { operator: f.op, insuplcAdmdvs: '110100' });
  };
  return { c, f, read, preSettle };
}

describe('lenient reading of replies', () => {
  it('infcode as the string "0" and as the number 0; a numeric sign_no is kept as text and sent back', async () => {
    const { c, f, read } = await center();
    const a = await read({ infcode: '0', output: { baseinfo, insuinfo: [insuinfo], idetinfo: [] } });
    const b = await read({ infcode: 0, output: { baseinfo, insuinfo: [insuinfo], idetinfo: [] } });
    expect([a.kind, b.kind]).toEqual(['ok', 'ok']);
    expect((a as { warnings: string[] }).warnings).toEqual([]);
    expect(f.svc.signins.signNoOf(f.op)).toBe('20260301');
    expect(c.seen.filter((e) => e.infno === '1101').map((e) => e.sign_no)).toEqual(['20260301', '20260301']);
    expect(journalRows(f.db, '1101').map((j) => j.infcode)).toEqual(['0', '0']);
  });

  it('failure infcodes as strings or numbers are business errors; a non-numeric infcode is unknown', async () => {
    const { read } = await center();
    expect(await read({ infcode: '-1', err_msg: '未查询到参保信息', output: null })).toMatchObject({
      kind: 'business_error',
      infcode: '-1',
      errMsg: '未查询到参保信息',
    });
    expect(await read({ infcode: -2, err_msg: '  ', output: null })).toMatchObject({
      kind: 'business_error',
      infcode: '-2',
      errMsg: expect.stringContaining('infcode -2'),
    });
    expect(await read({ infcode: 'ok', output: {} })).toMatchObject({ kind: 'unknown' });
    expect(await read({ infcode: null, output: {} })).toMatchObject({ kind: 'unknown' });
  });

  it('amounts as strings parse to fen and add up', async () => {
    const { preSettle } = await center();
    const setlinfo = {
      setl_id: '',
      mdtrt_id: 'M1',
      psn_no: WANG.psn_no,
      psn_name: WANG.psn_name,
      psn_cert_type: '01',
      certno: WANG.certno,
      psn_type: '11',
      cvlserv_flag: '0',
      setl_time: '2026-03-01 12:00:00',
      med_type: '41',
      medfee_sumamt: '12.50',
      fulamt_ownpay_amt: '0.00',
      overlmt_selfpay: '0',
      preselfpay_amt: '0.0',
      inscp_scp_amt: '12.50',
      hifp_pay: '7.50',
      pool_prop_selfpay: '0.6000',
      cvlserv_pay: '0',
      hifes_pay: '0',
      hifmi_pay: '0',
      hifob_pay: '0',
      maf_pay: '0',
      oth_pay: '0',
      fund_pay_sumamt: '7.5',
      psn_part_amt: '5.00',
      acct_pay: '5',
      psn_cash_pay: '0.00',
      balc: '995.00',
      acct_mulaid_pay: '0',
      medins_setl_id: 'x',
      clr_type: '41',
    };
    const r = await preSettle({ infcode: '0', output: { setlinfo, setldetail: [], detlcutinfo: [] } });
    expect(r.kind).toBe('ok');
    expect((r as { warnings: string[] }).warnings).toEqual([]);
    const s = (r as Extract<NhsaResult, { kind: 'ok' }>).output.setlinfo as Json;
    const fen = (k: string) => yuanToFen(s[k]);
    expect([fen('medfee_sumamt'), fen('fund_pay_sumamt'), fen('acct_pay'), fen('psn_cash_pay'), fen('balc')]).toEqual([
      1250, 750, 500, 0, 99500,
    ]);
    expect(fen('psn_cash_pay')! + fen('acct_pay')! + fen('fund_pay_sumamt')!).toBe(fen('medfee_sumamt'));
  });

  it('a field of the wrong type, a one-row list sent as an object, warn_msg: warnings, not failures', async () => {
    const { f, read } = await center();
    const r = await read({
      infcode: 0,
      err_msg: 'success', // some gateways write this on success
      warn_msg: '参保人即将到达年度限额',
      output: {
        baseinfo: { ...baseinfo, age: 'sixty', brdy: '1965/03/15', psn_no: 110100 },
        insuinfo, // an object where a list is expected
        idetinfo: [],
      },
    });
    expect(r.kind).toBe('ok');
    const w = (r as { warnings: string[] }).warnings;
    expect(w[0]).toBe('warn_msg: 参保人即将到达年度限额');
    expect(w).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/baseinfo\.age: age: expected a number/),
        expect.stringMatching(/baseinfo\.brdy/),
      ]),
    );
    // a number in a C field is read as its text; the object-for-a-list is read as one row: no warnings for those
    expect(w.some((x) => x.includes('psn_no') || x.includes('insuinfo'))).toBe(false);
    expect(w).toHaveLength(3);
    const j = journalRows(f.db, '1101')[0]!;
    expect(j.outcome).toBe('ok');
    expect(JSON.parse(j.warnings!)).toEqual(w);
    expect(reversalRows(f.db)).toEqual([]);
  });
});
