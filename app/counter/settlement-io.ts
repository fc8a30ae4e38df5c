import { fenToYuan, yuanToFen } from '../shared/money';
import type { FundSplitView } from '../shared/counter';
import { z } from '../shared/z';

/**
 * The wire side of a pharmacy settlement: the 2101/2102 input built from a sale, and the setlinfo of the
 * answer read into fen. Amounts become decimal strings only here (settlement.md §5).
 */

export interface SettlementLine {
  feedetlSn: string;
  natCode: string;
  ownCode: string;
  qty: number;
  unitPriceFen: number;
  amountFen: number;
  rxNo: string | null;
  prescriber: string | null;
}

export interface SettlementPerson {
  psnNo: string;
  certType: '01' | '02' | '03';
  certNo: string;
  insutype: string;
}

/**
 * 拆零 lines go out with cnt in split units and pric the split-unit price (pric allows 6 decimals), so
 * cnt × pric = det_item_fee_sumamt holds exactly. The alternative (a fraction of a package at the package
 * price) cannot add up for a third of a box. Choice written down here; a region that wants packages changes it
 * here only.
 */
export function settlementInput(a: {
  person: SettlementPerson;
  acctUsed: boolean;
  lines: readonly SettlementLine[];
  /** Beijing time, yyyy-MM-dd HH:mm:ss */
  at: string;
}): Record<string, unknown> {
  const total = a.lines.reduce((s, l) => s + l.amountFen, 0);
  return {
    druginfo: {
      psn_no: a.person.psnNo,
      mdtrt_cert_type: a.person.certType,
      mdtrt_cert_no: a.person.certNo,
      begntime: a.at,
      medfee_sumamt: fenToYuan(total),
      insutype: a.person.insutype,
      acct_used_flag: a.acctUsed ? '1' : '0',
      // 41 定点药店购药: the med_type of an ordinary pharmacy purchase
      med_type: '41',
    },
    drugdetail: a.lines.map((l) => ({
      feedetl_sn: l.feedetlSn,
      rxno: l.rxNo ?? undefined,
      // 0: the prescription (if any) was not brought in from outside for this purchase
      rx_circ_flag: '0',
      fee_ocur_time: a.at,
      med_list_codg: l.natCode,
      medins_list_codg: l.ownCode,
      det_item_fee_sumamt: fenToYuan(l.amountFen),
      cnt: String(l.qty),
      pric: fenToYuan(l.unitPriceFen),
      bilg_dr_name: l.prescriber ?? undefined,
    })),
  };
}

const amount = z.union([z.string(), z.number()]).nullish();

/** The setlinfo fields the counter uses; the rest is kept as received. */
const setlinfoSchema = z
  .object({
    setl_id: z.union([z.string(), z.number()]).nullish(),
    mdtrt_id: z.union([z.string(), z.number()]).nullish(),
    medfee_sumamt: amount,
    fund_pay_sumamt: amount,
    acct_pay: amount,
    psn_cash_pay: amount,
    balc: amount,
  })
  .passthrough();

/** setlinfo amounts shown besides the three main ones, with their labels (settlement.md §5.2). */
const OTHER_AMOUNTS: [string, string][] = [
  ['hifp_pay', '统筹基金支付'],
  ['cvlserv_pay', '公务员医疗补助'],
  ['hifes_pay', '企业补充医疗保险'],
  ['hifmi_pay', '居民大病保险'],
  ['hifob_pay', '职工大额医疗补助'],
  ['maf_pay', '医疗救助'],
  ['oth_pay', '其他支出'],
  ['acct_mulaid_pay', '个人账户共济支付'],
  ['fulamt_ownpay_amt', '全自费金额'],
  ['overlmt_selfpay', '超限价自费'],
  ['preselfpay_amt', '先行自付'],
  ['inscp_scp_amt', '符合政策范围金额'],
];

export class SettlementReplyError extends Error {}

/**
 * Reads setlinfo into fen and checks it adds up: fund + account + cash = the fee total, and the fee total is
 * what was sent. A reply that does not add up is never settled against (a 2101) or is reversed (a 2102).
 */
export function readSetlinfo(
  output: Record<string, unknown>,
  sentTotalFen: number,
  needSetlId: boolean,
): FundSplitView {
  const parsed = setlinfoSchema.safeParse(output.setlinfo);
  if (!parsed.success) throw new SettlementReplyError('医保中心的应答中没有结算信息（setlinfo）');
  const s = parsed.data;
  const need = (v: unknown, label: string): number => {
    const f = yuanToFen(v);
    if (f === null) throw new SettlementReplyError(`医保中心应答的${label}不是有效金额：${String(v)}`);
    return f;
  };
  const medfee = need(s.medfee_sumamt, '医疗费总额');
  const fund = yuanToFen(s.fund_pay_sumamt) ?? 0;
  const account = yuanToFen(s.acct_pay) ?? 0;
  const cash = need(s.psn_cash_pay, '现金支付金额');
  if (medfee !== sentTotalFen) {
    throw new SettlementReplyError(
      `医保中心返回的医疗费总额 ${fenToYuan(medfee)} 元与本单合计 ${fenToYuan(sentTotalFen)} 元不一致`,
    );
  }
  if (fund + account + cash !== medfee) {
    throw new SettlementReplyError(
      `医保中心返回的金额不平：基金 ${fenToYuan(fund)} + 个人账户 ${fenToYuan(account)} + 现金 ${fenToYuan(cash)} ≠ 总额 ${fenToYuan(medfee)}`,
    );
  }
  if (cash < 0 || account < 0 || fund < 0) throw new SettlementReplyError('医保中心返回了负数的支付金额');
  const setlId = s.setl_id === null || s.setl_id === undefined || s.setl_id === '' ? null : String(s.setl_id);
  if (needSetlId && !setlId) throw new SettlementReplyError('医保中心的结算应答中没有结算ID（setl_id）');
  const items: FundSplitView['items'] = [];
  for (const [key, label] of OTHER_AMOUNTS) {
    const f = yuanToFen((s as Record<string, unknown>)[key]);
    if (f !== null && f !== 0) items.push({ label, fen: f });
  }
  return {
    medfeeFen: medfee,
    fundFen: fund,
    accountFen: account,
    cashFen: cash,
    balanceFen: yuanToFen(s.balc),
    items,
    setlId,
  };
}

export function mdtrtIdOf(output: Record<string, unknown>): string | null {
  const s = output.setlinfo as Record<string, unknown> | undefined;
  const v = s?.mdtrt_id;
  return v === null || v === undefined || v === '' ? null : String(v);
}
