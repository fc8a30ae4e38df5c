import { describe, expect, it } from 'vitest';
import { PersonReplyError, readPerson } from '../../app/counter/person';
import { readSetlinfo, SettlementReplyError, settlementInput } from '../../app/counter/settlement-io';

/** The wire side of a sale: what 2101/2102 send, and which answers the counter refuses to settle against. */

const medium = { certType: '02' as const, certNo: '11010119650315201X', cardSn: null };

describe('1101 answer', () => {
  it('keeps the person and every insutype with its balance in fen', () => {
    const p = readPerson(
      {
        baseinfo: {
          psn_no: 'P1',
          psn_cert_type: '01',
          certno: '11010119650315201X',
          psn_name: '王培训',
          gend: '1',
          age: '61.0',
        },
        insuinfo: [
          { insutype: '310', balc: '1000.5', psn_type: '11', insuplc_admdvs: '110100' },
          { insutype: '390', balc: 0, paus_insu_date: '2024-01-01', insuplc_admdvs: '110100' },
        ],
      },
      medium,
    );
    expect(p).toMatchObject({ psnNo: 'P1', name: '王培训', gender: '男', age: 61 });
    expect(p.insuinfo).toEqual([
      { insutype: '310', balanceFen: 100050, psnType: '11', paused: false, insuplcAdmdvs: '110100' },
      { insutype: '390', balanceFen: 0, psnType: null, paused: true, insuplcAdmdvs: '110100' },
    ]);
  });

  it('refuses an answer without insuinfo or without psn_no, with a next step', () => {
    expect(() => readPerson({ baseinfo: { psn_no: 'P1' }, insuinfo: [] }, medium)).toThrow(PersonReplyError);
    expect(() => readPerson({ baseinfo: { psn_no: 'P1' } }, medium)).toThrow('可按自费收费');
    expect(() => readPerson({ baseinfo: { psn_no: '' }, insuinfo: [{ insutype: '310' }] }, medium)).toThrow(
      '人员信息不完整',
    );
  });
});

describe('2101/2102', () => {
  const lines = [
    {
      feedetlSn: 'F1',
      natCode: 'X1',
      ownCode: 'P1',
      qty: 2,
      unitPriceFen: 350,
      amountFen: 700,
      rxNo: null,
      prescriber: null,
    },
    {
      feedetlSn: 'F2',
      natCode: 'X2',
      ownCode: 'P2',
      qty: 1,
      unitPriceFen: 1880,
      amountFen: 1880,
      rxNo: 'RX1',
      prescriber: '张医生',
    },
  ];

  it('sends amounts as exact decimal strings from fen, with the total the sum of the lines', () => {
    const input = settlementInput({
      person: { psnNo: 'P1', certType: '02', certNo: '11010119650315201X', insutype: '310' },
      acctUsed: true,
      lines,
      at: '2026-11-28 10:00:00',
    }) as { druginfo: Record<string, string>; drugdetail: Record<string, string>[] };
    expect(input.druginfo).toMatchObject({ medfee_sumamt: '25.80', med_type: '41', acct_used_flag: '1' });
    expect(input.drugdetail.map((d) => [d.feedetl_sn, d.cnt, d.pric, d.det_item_fee_sumamt, d.rxno])).toEqual([
      ['F1', '2', '3.50', '7.00', undefined],
      ['F2', '1', '18.80', '18.80', 'RX1'],
    ]);
  });

  const answer = (over: Record<string, unknown>) => ({
    setlinfo: {
      setl_id: 'S1',
      medfee_sumamt: '25.80',
      fund_pay_sumamt: '10.00',
      acct_pay: '5.80',
      psn_cash_pay: '10.00',
      ...over,
    },
  });

  it('reads the fund split into fen', () => {
    expect(readSetlinfo(answer({ hifp_pay: 10 }), 2580, true)).toMatchObject({
      medfeeFen: 2580,
      fundFen: 1000,
      accountFen: 580,
      cashFen: 1000,
      setlId: 'S1',
      items: [{ label: '统筹基金支付', fen: 1000 }],
    });
  });

  it('refuses totals that do not add up, a total other than the cart, a missing setl_id or setlinfo', () => {
    expect(() => readSetlinfo(answer({ psn_cash_pay: '9.99' }), 2580, true)).toThrow('金额不平');
    expect(() => readSetlinfo(answer({}), 2590, true)).toThrow('与本单合计');
    expect(() => readSetlinfo(answer({ setl_id: '' }), 2580, true)).toThrow('结算ID');
    expect(() => readSetlinfo(answer({ psn_cash_pay: 'abc' }), 2580, true)).toThrow(SettlementReplyError);
    expect(() => readSetlinfo({}, 2580, false)).toThrow('setlinfo');
  });
});
