import type { DrugCatalogue } from './drugs';
import { refuse } from './refusal';
import { decimalText, divRound, fenText, scaledText, toScaled } from './wire';

/**
 * The sandbox center's own settlement rules for a pharmacy purchase (med_type 41). Real rules are
 * regional and unpublished; these are plausible, written down, and chosen so that a mixed basket
 * exercises every output field (fund, account, cash, 先行自付, 超限价, 全自费). All money is integer fen.
 *
 *  1. Per item, fee = cnt × pric rounded half-up to the cent; the client's det_item_fee_sumamt must
 *     equal it exactly, and medfee_sumamt must equal the sum of the items.
 *  2. Price limit: when pric exceeds the catalogue's 定价上限, (pric − limit) × cnt is 超限价自费
 *     (rounded as fee − round(cnt × limit)). 丙类 items have no limit (they are all self-pay anyway).
 *  3. 甲类 (01): the rest is in policy scope. 乙类 (02): 10% of the rest (rounded to the cent) is
 *     先行自付, the remainder in policy scope. 丙类 (03) and codes the catalogue does not know: 全自费.
 *  4. Deductible (起付线) for pharmacy purchases: 0.
 *  5. Pooled fund (统筹) pays a ratio of the policy-scope total, rounded to the cent: 310 职工 60%
 *     (the sandbox models 职工门诊共济保障 with designated pharmacies included), 390 居民 50%. No
 *     annual cap is modelled. 330 大额 cannot be the settlement insutype of a pharmacy purchase.
 *  6. fund_pay_sumamt = the pooled fund only (excludes the personal account — the Hunan reading;
 *     provinces differ, see settlement.md §5.2a). psn_part_amt = medfee − fund.
 *  7. Personal account (310 only), when acct_used_flag = '1': pays the policy-scope personal share
 *     (先行自付 + policy-scope amount not paid by the fund), up to the balance. It never pays 全自费
 *     or 超限价 amounts — those are always cash. psn_cash_pay = psn_part_amt − acct_pay.
 *  8. Other fund fields (公务员补助, 大额, 大病, 医疗救助, 共济) are 0: not modelled.
 */
export const POLICY = {
  deductibleFen: 0,
  /** pooled-fund ratio in basis points of 10 000, per settlement insutype */
  poolRatioBp: { '310': 6000, '390': 5000 } as Record<string, number>,
  /** 乙类先行自付比例, basis points */
  classBSelfpayBp: 1000,
  /** fund_pay_type of the pooled fund per insutype (setldetail, 2001) */
  poolFundType: { '310': '310100', '390': '390100' } as Record<string, string>,
  poolFundName: { '310': '城镇职工基本医疗保险统筹基金', '390': '城乡居民基本医疗保险基金' } as Record<string, string>,
  /** med_type values the sandbox settles (all with the same rules) */
  medTypes: ['41', '14', '140104', '140201'],
} as const;

export interface DetailInput {
  feedetl_sn: string;
  med_list_codg: string;
  cnt: unknown;
  pric: unknown;
  det_item_fee_sumamt: unknown;
}

export interface ItemSplit {
  feedetl_sn: string;
  med_list_codg: string;
  /** cnt with 4 decimals, pric with 6, as texts for the reply */
  cnt: string;
  pric: string;
  pric_uplmt_amt: string;
  selfpay_prop: string;
  fee: number;
  fulamt_ownpay_amt: number;
  overlmt_amt: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  chrgitm_lv: string;
  med_chrgitm_type: string;
  bas_medn_flag: string;
  hi_nego_drug_flag: string;
  memo: string;
}

export interface Split {
  items: ItemSplit[];
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_selfpay: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  act_pay_dedc: number;
  hifp_pay: number;
  /** 统筹基金支付比例 as "0.6000" */
  pool_prop: string;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  acct_pay: number;
  psn_cash_pay: number;
  /** account balance after this settlement */
  balc: number;
}

const CNT_SCALE = 4;
const PRIC_SCALE = 6;
/** cnt (×10^4) × pric (×10^6) is ×10^10; fen is ×10^2 */
const TO_FEN = 10n ** 8n;

function num(value: unknown, scale: number): bigint {
  // The validator has checked type and scale already; this only converts.
  return toScaled(decimalText(value) ?? '0', scale);
}

/** Splits the items of a purchase by charge level and price limit (rules 1–3). */
export function splitItems(
  details: readonly DetailInput[],
  medfeeSumamt: unknown,
  catalogue: DrugCatalogue,
): Pick<
  Split,
  'items' | 'medfee_sumamt' | 'fulamt_ownpay_amt' | 'overlmt_selfpay' | 'preselfpay_amt' | 'inscp_scp_amt'
> {
  if (details.length === 0) refuse('费用明细drugdetail不能为空');
  const seen = new Set<string>();
  const items: ItemSplit[] = details.map((d, i) => {
    const at = `drugdetail[${i}]`;
    if (seen.has(d.feedetl_sn)) refuse(`${at}.feedetl_sn（费用明细流水号）“${d.feedetl_sn}”在本次交易中重复`);
    seen.add(d.feedetl_sn);
    const cnt = num(d.cnt, CNT_SCALE);
    const pric = num(d.pric, PRIC_SCALE);
    const given = num(d.det_item_fee_sumamt, 2);
    if (cnt <= 0n) refuse(`${at}.cnt（数量）必须大于0`);
    if (pric < 0n) refuse(`${at}.pric（单价）不能为负数`);
    const fee = divRound(cnt * pric, TO_FEN);
    if (given !== fee) {
      refuse(
        `${at}.det_item_fee_sumamt（明细项目费用总额）${fenText(Number(given))}不等于数量×单价（四舍五入到分）${fenText(Number(fee))}`,
      );
    }
    const drug = catalogue.lookup(d.med_list_codg);
    const base = {
      feedetl_sn: d.feedetl_sn,
      med_list_codg: d.med_list_codg,
      cnt: scaledText(cnt, CNT_SCALE),
      pric: scaledText(pric, PRIC_SCALE),
      fee: Number(fee),
    };
    if (!drug || drug.chrgitm_lv === '03') {
      return {
        ...base,
        pric_uplmt_amt: scaledText(pric, PRIC_SCALE),
        selfpay_prop: '1.0000',
        fulamt_ownpay_amt: Number(fee),
        overlmt_amt: 0,
        preselfpay_amt: 0,
        inscp_scp_amt: 0,
        chrgitm_lv: '03',
        med_chrgitm_type: drug?.med_chrgitm_type ?? '09',
        bas_medn_flag: drug?.bas_medn_flag ?? '0',
        hi_nego_drug_flag: drug?.hi_nego_drug_flag ?? '0',
        memo: drug ? '丙类项目，全自费' : '医保目录外项目（沙箱目录未收录），按全自费处理',
      };
    }
    const limit = drug.pric_uplmt_text === null ? null : toScaled(drug.pric_uplmt_text, PRIC_SCALE);
    const overlmt = limit !== null && pric > limit ? fee - divRound(cnt * limit, TO_FEN) : 0n;
    const rest = fee - overlmt;
    const classB = drug.chrgitm_lv === '02';
    const preselfpay = classB ? divRound(rest * BigInt(POLICY.classBSelfpayBp), 10000n) : 0n;
    const memo: string[] = [];
    if (overlmt > 0n) memo.push(`单价超过限价${scaledText(divRound(limit!, 10000n), 2)}，超出部分自费`);
    if (classB) memo.push('乙类先行自付10%');
    return {
      ...base,
      pric_uplmt_amt: limit === null ? scaledText(pric, PRIC_SCALE) : scaledText(limit, PRIC_SCALE),
      selfpay_prop: classB ? scaledText(BigInt(POLICY.classBSelfpayBp), 4) : '0.0000',
      fulamt_ownpay_amt: 0,
      overlmt_amt: Number(overlmt),
      preselfpay_amt: Number(preselfpay),
      inscp_scp_amt: Number(rest - preselfpay),
      chrgitm_lv: drug.chrgitm_lv,
      med_chrgitm_type: drug.med_chrgitm_type,
      bas_medn_flag: drug.bas_medn_flag,
      hi_nego_drug_flag: drug.hi_nego_drug_flag,
      memo: memo.join('；'),
    };
  });
  const sum = (k: keyof ItemSplit) => items.reduce((a, x) => a + (x[k] as number), 0);
  const medfee = sum('fee');
  const declared = Number(num(medfeeSumamt, 2));
  if (declared !== medfee) {
    refuse(`医疗费总额medfee_sumamt ${fenText(declared)}与费用明细合计${fenText(medfee)}不符`);
  }
  return {
    items,
    medfee_sumamt: medfee,
    fulamt_ownpay_amt: sum('fulamt_ownpay_amt'),
    overlmt_selfpay: sum('overlmt_amt'),
    preselfpay_amt: sum('preselfpay_amt'),
    inscp_scp_amt: sum('inscp_scp_amt'),
  };
}

/** Fund, account and cash (rules 4–8). */
export function settleSplit(
  parts: ReturnType<typeof splitItems>,
  insutype: string,
  account: { has_account: boolean; balance_fen: number },
  acctUsed: boolean,
): Split {
  const ratioBp = POLICY.poolRatioBp[insutype];
  if (ratioBp === undefined) refuse(`险种${insutype}不能作为药店购药的结算险种`);
  const scope = Math.max(0, parts.inscp_scp_amt - POLICY.deductibleFen);
  const hifp = Number(divRound(BigInt(scope) * BigInt(ratioBp), 10000n));
  const fund = hifp;
  const psnPart = parts.medfee_sumamt - fund;
  const accountable = parts.preselfpay_amt + parts.inscp_scp_amt - hifp;
  const acctPay = acctUsed && account.has_account ? Math.min(account.balance_fen, accountable) : 0;
  return {
    ...parts,
    act_pay_dedc: POLICY.deductibleFen,
    hifp_pay: hifp,
    pool_prop: scaledText(BigInt(ratioBp), 4),
    fund_pay_sumamt: fund,
    psn_part_amt: psnPart,
    acct_pay: acctPay,
    psn_cash_pay: psnPart - acctPay,
    balc: account.balance_fen - acctPay,
  };
}
