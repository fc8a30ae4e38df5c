/**
 * Electronic settlement vouchers (医疗电子结算凭证): 4901, 4902, 4905, 5501. Source:
 * /work/shared/nhsa/vouchers.md and interfaces.md.
 *
 * Only the interface names are confirmed. The real field tables were not found, so every field here is a
 * proxy: the column names of a public uploader that writes 电子结算凭证 rows into a provider's intermediate
 * tables (cavy1050/ElectronicCertificateUpload, vouchers.md §2) — probably close to the 4901 payload, not
 * confirmed. Hence:
 * - node names are the proxy's table groups (bill_mdtrt_info, setl_bill, fee_detl, diag_info,
 *   setl_bill_stas) or `data`: our choice;
 * - the proxy gives column names only: Chinese labels, types and lengths come from the same-named field
 *   elsewhere in the notes (marked "analog"), or are ours (marked "label: ours"); a label the notes give is
 *   unmarked;
 * - the proxy gives no required flags: every field is optional except the voucher key (code, number,
 *   check code) and setl_id, which we require because nothing can be uploaded or queried without them;
 * - columns of inpatient, maternity or surgical care, and columns whose meaning the notes do not give,
 *   are left out (listed in each node's note);
 * - vouchers.md §3 says to keep these calls behind a feature flag until the provincial tables are obtained,
 *   and never to treat these names as the specification.
 */
import { type FieldSpec, type InterfaceSpec, type NodeSpec } from './types';

const GROUP = '10-电子票据 / 医疗机构电子结算凭证信息管理';

const PROXY = 'proxy (vouchers.md §2)';
const LABEL_OURS = 'label: ours (the proxy gives no Chinese name)';
/** Marks a field the notes do not give for this interface at all: a minimal linking key we chose. */
const NO_SOURCE = 'choice: no source';

type Required = FieldSpec['required'];
interface Extra {
  codeSet?: string;
  note?: string;
}

function c(name: string, label: string, length: number | undefined, required: Required, extra: Extra = {}): FieldSpec {
  return { name, label, type: 'C', ...(length === undefined ? {} : { length }), required, ...extra };
}

function n(
  name: string,
  label: string,
  length: number | undefined,
  scale: number | undefined,
  required: Required,
  extra: Extra = {},
): FieldSpec {
  return {
    name,
    label,
    type: 'N',
    ...(length === undefined ? {} : { length }),
    ...(scale === undefined ? {} : { scale }),
    required,
    ...extra,
  };
}

/** A money amount: N 16,2 like every amount of the settlement interfaces (settlement.md) — analog. */
function money(name: string, label: string, note: string): FieldSpec {
  return n(name, label, 16, 2, false, { note: `${PROXY}; N 16,2 by analogy with settlement amounts; ${note}` });
}

function dt(name: string, label: string, required: Required, extra: Extra = {}): FieldSpec {
  return { name, label, type: 'DT', required, ...extra };
}

/**
 * The voucher key. Lengths: 50 from the related elec_bill_code / elec_billno_code DTOs (analog); the check
 * code is 6 there and VARCHAR(20) in the proxy schema — 20 chosen so no valid value is refused.
 */
const BILL_CODE = c('bill_code', '电子结算凭证代码', 50, true, {
  note: `${PROXY}; length 50 analog (elec_bill_code); required: ours`,
});
const BILL_NO = c('bill_no', '电子结算凭证号码', 50, true, {
  note: `${PROXY}; length 50 analog (elec_billno_code); required: ours`,
});
const BILL_CHKCODE = c('bill_chkcode', '电子结算凭证校验码', 20, true, {
  note: `${PROXY}; length 6 (elec_bill_chkcode DTOs) vs 20 (proxy schema): 20 chosen; required: ours`,
});

/** Proxy group bill_mdtrt_info (就诊+票据主信息), pharmacy-relevant columns. */
export const VOUCHER_BILL_FIELDS: FieldSpec[] = [
  BILL_CODE,
  BILL_NO,
  BILL_CHKCODE,
  c('setl_type', '结算类型', undefined, false, {
    codeSet: 'setl_type',
    note: `${PROXY}; ${LABEL_OURS}; 1 医保 / 2 自费 in the proxy code`,
  }),
  c('mdtrt_type', '就诊类型', undefined, false, {
    codeSet: 'mdtrt_type',
    note: `${PROXY}; ${LABEL_OURS}; 1 门诊 / 2 住院 in the proxy code`,
  }),
  c('elec_setl_cert_flag', '红冲标志', undefined, false, {
    note: `${PROXY}; 0/1, which value means red-flushed is not stated`,
  }),
  c('rel_elec_setl_cert_code', '冲红时原凭证代码', undefined, false, {
    note: `${PROXY}; the original voucher when red-flushing (冲红)`,
  }),
  c('rel_elec_setl_cert_no', '冲红时原凭证号码', undefined, false, {
    note: `${PROXY}; the original voucher when red-flushing (冲红)`,
  }),
  c('cert_no', '证件号码', 50, false, { note: `${PROXY}; label and length analog (certno)` }),
  c('psn_name', '人员姓名', 50, false, { note: `${PROXY}; label and length analog` }),
  c('gend', '性别', 6, false, { codeSet: 'gend', note: `${PROXY}; label and length analog` }),
  c('biller', '开票人', undefined, false, { note: PROXY }),
  c('rechker', '复核人', undefined, false, { note: PROXY }),
  money('bill_amt', '票据金额', LABEL_OURS),
  c('bill_date', '开票日期', 8, false, {
    note: `${PROXY}; ${LABEL_OURS}; yyyyMMdd in the proxy, so C rather than D (yyyy-MM-dd)`,
  }),
  c('bill_time', '开票时间', 8, false, { note: `${PROXY}; ${LABEL_OURS}; HH:mm:ss in the proxy` }),
  c('insutype', '险种类型', 6, false, { codeSet: 'insutype', note: `${PROXY}; label and length analog` }),
  money('medfee_amt', '医疗费总额', 'label analog (medfee_sumamt)'),
  money('hifp_pay_amt', '基本医疗保险统筹基金支出', 'label analog (hifp_pay)'),
  money('oth_pay', '其他支出', 'label analog'),
  money('psn_acct_pay', '个人账户支出', 'label analog (acct_pay)'),
  money('psn_cash_pay', '个人现金支出', 'label analog'),
  money('psn_ownpay', '个人自费', LABEL_OURS),
  money('psn_selfpay', '个人自付', LABEL_OURS),
  c('fixmedins_code', '定点医药机构编号', 30, false, { note: `${PROXY}; label and length analog` }),
  c('fixmedins_name', '定点医药机构名称', 200, false, { note: `${PROXY}; label and length analog` }),
  dt('begntime', '开始时间', false, { note: `${PROXY}; label and type analog` }),
  dt('endtime', '结束时间', false, { note: `${PROXY}; label and type analog` }),
  c('med_type', '医疗类别', 6, false, { codeSet: 'med_type', note: `${PROXY}; label and length analog` }),
  c('ipt_otp_no', '门诊/住院号', 30, false, { note: `${PROXY}; label and length analog (eprescription.md §3.3)` }),
  c('setl_id', '结算ID', 30, true, {
    note: `${PROXY}; label and length analog; required: ours — the link to the 2102 settlement`,
  }),
  n('diag_info_count', '诊断信息条数', undefined, 0, false, { note: `${PROXY}; ${LABEL_OURS}; length not stated` }),
  n('fee_detl_count', '费用明细条数', undefined, 0, false, { note: `${PROXY}; ${LABEL_OURS}; length not stated` }),
];

/** Proxy group setl_bill (版式文件, the voucher's layout file). */
export const VOUCHER_LAYOUT_FIELDS: FieldSpec[] = [
  BILL_CODE,
  BILL_NO,
  c('file_url', '版式文件链接', undefined, false, { note: PROXY }),
  c('fixmedins_code', '定点医药机构编号', 30, false, { note: `${PROXY}; label and length analog` }),
  c('rept_upld_flag', '重复上传标志', undefined, false, {
    note: `${PROXY}; ${LABEL_OURS}, read from the name; possibly what distinguishes 4905 (inferred)`,
  }),
];

/** Proxy group fee_detl: the sold lines. */
export const VOUCHER_FEE_FIELDS: FieldSpec[] = [
  dt('fee_ocur_time', '费用发生时间', false, { note: `${PROXY}; label and type analog` }),
  c('medlist_codg', '医疗目录编码', 50, false, {
    note: `${PROXY}; spelled so in the proxy; label and length analog (med_list_codg)`,
  }),
  c('medlist_name', '医疗目录名称', undefined, false, { note: `${PROXY}; ${LABEL_OURS}` }),
  c('spec', '规格', 200, false, { note: `${PROXY}; label and length analog` }),
  n('cnt', '数量', 16, 4, false, { note: `${PROXY}; label and type analog` }),
  n('pric', '单价', 16, 6, false, { note: `${PROXY}; label and type analog` }),
  money('detitem_fee_sumamt', '明细项目费用总额', 'spelled so in the proxy; label analog (det_item_fee_sumamt)'),
  c('med_chrgitm_type', '医疗收费项目类别', 6, false, {
    codeSet: 'med_chrgitm_type',
    note: `${PROXY}; label and length analog`,
  }),
  c('chrgitm_lv', '收费项目等级', 3, false, { codeSet: 'chrgitm_lv', note: `${PROXY}; label and length analog` }),
  c('hosp_appr_flag', '医院审批标志', 3, false, {
    note: `${PROXY}; label and length analog (eprescription.md §3.2)`,
  }),
];

/** Proxy group diag_info; labels and lengths from the e-prescription diagnosis block (eprescription.md §3.4). */
export const VOUCHER_DIAG_FIELDS: FieldSpec[] = [
  c('diag_type', '诊断类别', 3, false, { note: `${PROXY}; label and length analog` }),
  c('maindiag_flag', '主诊断标志', 3, false, { note: `${PROXY}; label and length analog` }),
  c('diag_code', '诊断代码', 30, false, { note: `${PROXY}; label and length analog` }),
  c('diag_name', '诊断名称', 100, false, { note: `${PROXY}; label and length analog` }),
  dt('diag_time', '诊断时间', false, { note: `${PROXY}; label and type analog` }),
  c('diag_dr_code', '诊断医生编码', 30, false, { note: `${PROXY}; label and length analog (diag_dr_no)` }),
  c('diag_dr_name', '诊断医生姓名', 50, false, { note: `${PROXY}; label and length analog` }),
];

/** The upload payload of 4901, reused by 4905 (vouchers.md: assumed the same, inferred). */
const UPLOAD_INPUT: NodeSpec[] = [
  {
    node: 'bill_mdtrt_info',
    shape: 'object',
    required: true,
    fields: VOUCHER_BILL_FIELDS,
    note: 'proxy group name as node name (choice). Left out — inpatient/maternity: matn_type, birctrl_type, fetts, geso_val, fetus_cnt, dscg_way, die_date, medrcdno, chfpdr_code, chfpdr_name, adm_caty, dscg_caty, oprn_info_count; meaning not given: supnins_code, bill_type, hi_no, fix_blng_admdvs',
  },
  {
    node: 'setl_bill',
    shape: 'object',
    required: false,
    fields: VOUCHER_LAYOUT_FIELDS,
    note: 'proxy group name as node name (choice). Left out (meaning not given): setl_bill_id, read_stas',
  },
  {
    node: 'fee_detl',
    shape: 'list',
    required: true,
    fields: VOUCHER_FEE_FIELDS,
    note: 'proxy group name as node name (choice)',
  },
  {
    node: 'diag_info',
    shape: 'list',
    required: false,
    fields: VOUCHER_DIAG_FIELDS,
    note: 'proxy group name as node name (choice); a pharmacy sale may carry no diagnosis. oprn_info (surgery) left out',
  },
];

/** Minimal query key of a voucher, for the two interfaces of which nothing but the name is known. */
function voucherKeyInput(): NodeSpec[] {
  return [
    {
      node: 'data',
      shape: 'object',
      required: true,
      note: "node name 'data': choice",
      fields: [
        c('bill_code', '电子结算凭证代码', 50, true, { note: `${NO_SOURCE}; label and length as in 4901 (proxy)` }),
        c('bill_no', '电子结算凭证号码', 50, true, { note: `${NO_SOURCE}; label and length as in 4901 (proxy)` }),
      ],
    },
  ];
}

export const VOUCHER_INTERFACES: InterfaceSpec[] = [
  {
    infno: '5501',
    name: '查询电子结算凭证状态',
    mandatory: true,
    group: GROUP,
    confidence: 'none',
    source: 'vouchers.md §1, §2; interfaces.md #55',
    note: "name only (the apifox page holds a placeholder 1101 body). Input: the voucher key — choice: no source. Output: the proxy group setl_bill_stas, which vouchers.md reads as a status query's reply (inferred, unverified); node name 'setl_bill_stas' is ours",
    input: voucherKeyInput(),
    output: [
      {
        node: 'setl_bill_stas',
        shape: 'object',
        required: false,
        note: 'proxy group setl_bill_stas (凭证状态)',
        fields: [
          c('bill_code', '电子结算凭证代码', 50, false, { note: `${PROXY}; length analog` }),
          c('bill_no', '电子结算凭证号码', 50, false, { note: `${PROXY}; length analog` }),
          c('bill_chkcode', '电子结算凭证校验码', 20, false, { note: `${PROXY}; length 6 vs 20: 20 chosen` }),
          c('rhred_flag', '冲红标志', undefined, false, { note: `${PROXY}; ${LABEL_OURS}, read from the name` }),
          c('reim_flag', '报销标志', undefined, false, { note: PROXY }),
          c('qury_rstl_flag', '查询结果标志', undefined, false, {
            note: `${PROXY}; ${LABEL_OURS}, read from the name`,
          }),
        ],
      },
    ],
  },
  {
    infno: '4901',
    name: '医疗机构上传电子结算凭证',
    mandatory: true,
    group: GROUP,
    confidence: 'low',
    source: 'vouchers.md §2; interfaces.md #56',
    note: 'proxy data set only (intermediate-table uploader, not the interface); output not found. Behind a feature flag until the provincial tables are known (vouchers.md §3); 4902/4905 imply an asynchronous upload: keep an upload state per voucher (inferred)',
    input: UPLOAD_INPUT,
    output: [],
  },
  {
    infno: '4902',
    name: '医疗机构电子结算凭证上传结果查询',
    mandatory: true,
    group: GROUP,
    confidence: 'none',
    source: 'vouchers.md §1; interfaces.md #57',
    note: 'name only. Input: the voucher key — choice: no source. Output not found: left empty rather than guessed',
    input: voucherKeyInput(),
    output: [],
  },
  {
    infno: '4905',
    name: '医疗机构重新上传电子结算凭证',
    mandatory: true,
    group: GROUP,
    confidence: 'low',
    source: 'vouchers.md §2; interfaces.md #58',
    note: 'proxy; the payload is assumed to be that of 4901 (vouchers.md, inferred); output not found',
    input: UPLOAD_INPUT,
    output: [],
  },
];
