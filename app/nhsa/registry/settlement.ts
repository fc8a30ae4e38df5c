import type { FieldSpec, InterfaceSpec, NodeSpec } from './types';

/**
 * Sign-in/out, person, entitlement, the pharmacy settlement trio, reversal, institution,
 * practitioners, policy items and file transfer — settlement.md and transport.md §5.
 */

const C = (
  name: string,
  label: string,
  length: number,
  required: FieldSpec['required'],
  extra: Partial<FieldSpec> = {},
): FieldSpec => ({
  name,
  label,
  type: 'C',
  length,
  required,
  ...extra,
});
const money = (name: string, label: string, required: FieldSpec['required'] = true, note?: string): FieldSpec => ({
  name,
  label,
  type: 'N',
  length: 16,
  scale: 2,
  required,
  ...(note ? { note } : {}),
});
const N = (
  name: string,
  label: string,
  length: number,
  scale: number,
  required: FieldSpec['required'],
  note?: string,
): FieldSpec => ({
  name,
  label,
  type: 'N',
  length,
  scale,
  required,
  ...(note ? { note } : {}),
});
const DT = (name: string, label: string, required: FieldSpec['required'], note?: string): FieldSpec => ({
  name,
  label,
  type: 'DT',
  required,
  ...(note ? { note } : {}),
});
const D = (name: string, label: string, required: FieldSpec['required'], note?: string): FieldSpec => ({
  name,
  label,
  type: 'D',
  required,
  ...(note ? { note } : {}),
});
const obj = (node: string, fields: FieldSpec[], note?: string): NodeSpec => ({
  node,
  shape: 'object',
  required: true,
  fields,
  ...(note ? { note } : {}),
});
const list = (node: string, fields: FieldSpec[], note?: string): NodeSpec => ({
  node,
  shape: 'list',
  fields,
  ...(note ? { note } : {}),
});

const ANALOG = 'required flag borrowed from 2207/2204 (analog); pharmacy flags not found';

/** 2101 and 2102 send the same purchase: druginfo + drugdetail (GJYB, DG — low confidence). */
export const DRUGINFO_FIELDS: FieldSpec[] = [
  C('psn_no', '人员编号', 30, true, { note: ANALOG }),
  C('mdtrt_cert_type', '就诊凭证类型', 3, true, { codeSet: 'mdtrt_cert_type', note: ANALOG }),
  C('mdtrt_cert_no', '就诊凭证编号', 50, true, {
    note: 'source flag "?"; choice: required — the center needs the medium to match the 1101 read',
  }),
  DT('begntime', '开始时间', true, 'source flag "?"; choice: required — the purchase time (YK sends 购药时间)'),
  money('medfee_sumamt', '医疗费总额', true, 'must equal the sum of det_item_fee_sumamt (inferred)'),
  C('invono', '发票号', 20, false, { note: 'GJYB has it in 2101, DG only in 2102; choice: allowed in both, optional' }),
  C('insutype', '险种类型', 6, true, { codeSet: 'insutype', note: ANALOG }),
  C('dise_codg', '病种编码', 30, false, { note: 'for 慢特病 purchases' }),
  C('dise_name', '病种名称', 500, false),
  C('acct_used_flag', '个人账户使用标志', 1, true, { codeSet: 'acct_used_flag', note: ANALOG }),
  C('med_type', '医疗类别', 6, true, { codeSet: 'med_type', note: '41 定点药店购药 for a normal sale' }),
  C('expContent', '字段扩展', 4000, false, { note: 'GJYB only; camelCase as transcribed' }),
];

export const DRUGDETAIL_FIELDS: FieldSpec[] = [
  C('feedetl_sn', '费用明细流水号', 30, true, { note: 'unique within the transaction; echoed in detlcutinfo' }),
  C('rxno', '处方号', 30, false, { note: 'the link to an e-prescription (eprescription.md §5.2)' }),
  C('rx_circ_flag', '外购处方标志', 3, true, { codeSet: 'rx_circ_flag', note: ANALOG }),
  DT('fee_ocur_time', '费用发生时间', true, ANALOG),
  C('med_list_codg', '医疗目录编码', 50, true, { note: 'national code; ' + ANALOG }),
  C('medins_list_codg', '医药机构目录编码', 150, true, { note: 'own item code as mapped by 3301; ' + ANALOG }),
  money('det_item_fee_sumamt', '明细项目费用总额', true, '= cnt × pric'),
  N('cnt', '数量', 16, 4, true, ANALOG),
  N('pric', '单价', 16, 6, true, ANALOG),
  C('sin_dos_dscr', '单次剂量描述', 200, false),
  C('used_frqu_dscr', '使用频次描述', 200, false),
  N('prd_days', '周期天数', 4, 2, false),
  C('medc_way_dscr', '用药途径描述', 200, false),
  C('bilg_dr_codg', '开单医生编码', 30, false, {
    note: 'source flag "?"; choice: optional — OTC purchases have no prescriber',
  }),
  C('bilg_dr_name', '开单医师姓名', 50, false, { note: 'source flag "?"; choice: optional, as bilg_dr_codg' }),
  C('tcmdrug_used_way', '中药使用方式', 6, false, { codeSet: 'tcmdrug_used_way' }),
];

/** How a settlement splits between self-pay and the funds; the same in 2101/2102 and 2103. */
const FUND_SPLIT_FIELDS: FieldSpec[] = [
  money('fulamt_ownpay_amt', '全自费金额'),
  money('overlmt_selfpay', '超限价自费费用'),
  money('preselfpay_amt', '先行自付金额'),
  money('inscp_scp_amt', '符合政策范围金额'),
  money('act_pay_dedc', '实际支付起付线', false),
  money('hifp_pay', '基本医疗保险统筹基金支出'),
  N('pool_prop_selfpay', '基本医疗保险统筹基金支付比例', 5, 4, true),
  money('cvlserv_pay', '公务员医疗补助资金支出'),
  money('hifes_pay', '企业补充医疗保险基金支出'),
  money('hifmi_pay', '居民大病保险资金支出'),
  money('hifob_pay', '职工大额医疗费用补助基金支出'),
  money('maf_pay', '医疗救助基金支出'),
  money('oth_pay', '其他支出'),
];

const SETLINFO_COMMON: FieldSpec[] = [
  C('mdtrt_id', '就诊ID', 30, true),
  C('psn_no', '人员编号', 30, true),
  C('psn_name', '人员姓名', 50, true),
  C('psn_cert_type', '人员证件类型', 6, true, { codeSet: 'psn_cert_type' }),
  C('certno', '证件号码', 50, true),
  C('gend', '性别', 6, false, { codeSet: 'gend' }),
  C('naty', '民族', 3, false),
  D('brdy', '出生日期', false),
  N('age', '年龄', 4, 1, false),
  C('insutype', '险种类型', 6, false, { codeSet: 'insutype' }),
  C('psn_type', '人员类别', 6, true, { note: 'provincial dictionary (1901)' }),
  C('cvlserv_flag', '公务员标志', 3, true),
  DT('setl_time', '结算时间', true),
  C('mdtrt_cert_type', '就诊凭证类型', 3, false, { codeSet: 'mdtrt_cert_type' }),
  C('med_type', '医疗类别', 6, true, { codeSet: 'med_type' }),
  money('medfee_sumamt', '医疗费总额'),
  ...FUND_SPLIT_FIELDS,
  money(
    'fund_pay_sumamt',
    '基金支付总额',
    true,
    'whether it includes acct_pay differs by province: display, never derive',
  ),
  money('psn_part_amt', '个人负担总金额'),
  money('acct_pay', '个人账户支出'),
  money('psn_cash_pay', '个人现金支出', true, 'what the cashier collects'),
  money('balc', '余额', true, 'account balance after settlement'),
  money('acct_mulaid_pay', '个人账户共济支付金额'),
  C('medins_setl_id', '医药机构结算ID', 30, true, { note: 'holds the request msgid' }),
  C('clr_optins', '清算经办机构', 6, false),
  C('clr_way', '清算方式', 6, false, { codeSet: 'clr_way' }),
  C('clr_type', '清算类别', 6, true, { codeSet: 'clr_type' }),
];

const SETLDETAIL_FIELDS: FieldSpec[] = [
  C('fund_pay_type', '基金支付类型', 6, true, { codeSet: 'fund_pay_type' }),
  money('inscp_scp_amt', '符合政策范围金额'),
  money('crt_payb_lmt_amt', '本次可支付限额金额', false, 'spec Y, but often null in practice: read leniently'),
  money('fund_payamt', '基金支付金额'),
  C('fund_pay_type_name', '基金支付类型名称', 200, false),
  C('setl_proc_info', '结算过程信息', 4000, false),
];

const DETLCUTINFO_FIELDS: FieldSpec[] = [
  C('feedetl_sn', '费用明细流水号', 30, true),
  money('det_item_fee_sumamt', '明细项目费用总额'),
  N('cnt', '数量', 16, 4, true),
  N('pric', '单价', 16, 6, true),
  N('pric_uplmt_amt', '定价上限金额', 16, 6, true),
  N('selfpay_prop', '自付比例', 5, 4, false),
  money('fulamt_ownpay_amt', '全自费金额', false),
  money('overlmt_amt', '超限价金额', false),
  money('preselfpay_amt', '先行自付金额', false),
  money('inscp_scp_amt', '符合政策范围金额', false),
  C('chrgitm_lv', '收费项目等级', 3, true, { codeSet: 'chrgitm_lv' }),
  C('med_chrgitm_type', '医疗收费项目类别', 6, true, { codeSet: 'med_chrgitm_type' }),
  C('bas_medn_flag', '基本药物标志', 3, false),
  C('hi_nego_drug_flag', '医保谈判药品标志', 3, false),
  C('chld_medc_flag', '儿童用药标志', 3, false),
  C('list_sp_item_flag', '目录特项标志', 3, false),
  C('drt_reim_flag', '直报标志', 3, false),
  C('memo', '备注', 500, false),
];

const SETTLEMENT_NOTE =
  'Node names druginfo + drugdetail from two unnamed implementations (GJYB, DG); no data/feedetail ' +
  'variant was seen for pharmacies. A region profile may rename nodes if its acceptance environment differs.';

export const SETTLEMENT_INTERFACES: InterfaceSpec[] = [
  {
    infno: '9001',
    name: '签到',
    mandatory: true,
    group: '9-其他 / 0-签到签退',
    input: [
      obj('signIn', [
        C('opter_no', '操作员编号', 20, true),
        C('mac', '签到MAC地址', 20, true, { note: 'BZ Y, NT-WIN N; choice: required (sending it costs nothing)' }),
        C('ip', '签到IP地址', 20, true),
      ]),
    ],
    output: [obj('signinoutb', [DT('sign_time', '签到时间', true), C('sign_no', '签到编号', 30, true)])],
    confidence: 'high',
    source: 'settlement.md §1',
  },
  {
    infno: '9002',
    name: '签退',
    mandatory: true,
    group: '9-其他 / 0-签到签退',
    input: [obj('signOut', [C('sign_no', '签到编号', 30, false), C('opter_no', '操作员编号', 20, true)])],
    output: [obj('signoutoutb', [DT('sign_time', '签退时间', true)])],
    confidence: 'high',
    source: 'settlement.md §2',
  },
  {
    infno: '1101',
    name: '人员基本信息获取',
    mandatory: true,
    group: '1-基础信息 / 1-人员信息',
    input: [
      obj('data', [
        C('mdtrt_cert_type', '就诊凭证类型', 3, true, { codeSet: 'mdtrt_cert_type' }),
        C('mdtrt_cert_no', '就诊凭证编号', 50, true),
        C('card_sn', '卡识别码', 32, 'conditional', { note: 'required when mdtrt_cert_type = 03' }),
        DT('begntime', '开始时间', false),
        C('psn_cert_type', '人员证件类型', 6, false, { codeSet: 'psn_cert_type' }),
        C('certno', '证件号码', 50, false),
        C('psn_name', '人员姓名', 50, false),
      ]),
    ],
    output: [
      obj('baseinfo', [
        C('psn_no', '人员编号', 30, true),
        C('psn_cert_type', '人员证件类型', 6, true, { codeSet: 'psn_cert_type' }),
        C('certno', '证件号码', 50, true),
        C('psn_name', '人员姓名', 50, true),
        C('gend', '性别', 6, true, { codeSet: 'gend' }),
        C('naty', '民族', 3, false),
        D('brdy', '出生日期', false),
        N('age', '年龄', 4, 1, true),
        C('exp_content', '字段扩展', 4000, false),
      ]),
      list('insuinfo', [
        money('balc', '余额'),
        C('insutype', '险种类型', 6, true, { codeSet: 'insutype' }),
        C('psn_type', '人员类别', 6, true),
        C('psn_insu_stas', '人员参保状态', 6, true, { note: 'values "1" and "4" seen; meanings undocumented' }),
        D('psn_insu_date', '个人参保日期', false),
        D('paus_insu_date', '暂停参保日期', false),
        C('cvlserv_flag', '公务员标志', 3, true),
        C('insuplc_admdvs', '参保地医保区划', 6, true, { note: '→ envelope insuplc_admdvs' }),
        C('emp_name', '单位名称', 200, false),
      ]),
      list('idetinfo', [
        C('psn_idet_type', '人员身份类别', 3, true),
        C('psn_type_lv', '人员类别等级', 3, false),
        C('memo', '备注', 500, false),
        DT('begntime', '开始时间', true),
        DT('endtime', '结束时间', false),
      ]),
    ],
    confidence: 'high',
    note: "output is an object with baseinfo + insuinfo[] + idetinfo[] (samples), not GZ's list",
    source: 'settlement.md §3',
  },
  {
    infno: '2001',
    name: '人员待遇享受检查',
    mandatory: true,
    group: '2-医保服务 / 0-待遇检查',
    input: [
      obj('data', [
        C('psn_no', '人员编号', 30, true),
        C('insutype', '险种类型', 6, true, { codeSet: 'insutype' }),
        C('fixmedins_code', '定点医药机构编号', 30, true, { note: 'BZ 12, elsewhere 30: sized for the larger' }),
        C('med_type', '医疗类别', 6, true, { codeSet: 'med_type' }),
        DT('begntime', '开始时间', true),
        DT('endtime', '结束时间', false),
        C('dise_codg', '病种编码', 30, false),
        C('dise_name', '病种名称', 500, false),
        C('oprn_oprt_code', '手术操作代码', 30, false),
        C('oprn_oprt_name', '手术操作名称', 500, false),
        C('matn_type', '生育类别', 6, false),
        C('birctrl_type', '计划生育手术类别', 6, false),
        C('exp_content', '字段扩展', 4000, false),
      ]),
    ],
    output: [
      list('trtinfo', [
        C('psn_no', '人员编号', 30, true),
        C('trt_chk_type', '待遇检查类型', 6, true, { codeSet: 'trt_chk_type' }),
        C('fund_pay_type', '基金支付类型', 6, true, { codeSet: 'fund_pay_type' }),
        C('trt_enjymnt_flag', '基金款项待遇享受标志', 3, true, { codeSet: 'trt_enjymnt_flag' }),
        D('begndate', '开始日期', true),
        D('enddate', '结束日期', false),
        C('trt_chk_rslt', '待遇检查结果', 500, false),
      ]),
    ],
    confidence: 'high',
    source: 'settlement.md §4',
  },
  {
    infno: '2101',
    name: '药店预结算',
    mandatory: true,
    group: '2-医保服务 / 1-药店结算',
    input: [obj('druginfo', DRUGINFO_FIELDS), { ...list('drugdetail', DRUGDETAIL_FIELDS), required: true }],
    output: [
      obj('setlinfo', [
        C('setl_id', '结算ID', 30, false, { note: 'absent or empty for a pre-settlement' }),
        ...SETLINFO_COMMON,
      ]),
      list('setldetail', SETLDETAIL_FIELDS),
      list('detlcutinfo', DETLCUTINFO_FIELDS),
    ],
    confidence: 'low',
    note: SETTLEMENT_NOTE,
    source: 'settlement.md §5.1–5.2',
  },
  {
    infno: '2102',
    name: '药店结算',
    mandatory: true,
    group: '2-医保服务 / 1-药店结算',
    input: [obj('druginfo', DRUGINFO_FIELDS), { ...list('drugdetail', DRUGDETAIL_FIELDS), required: true }],
    output: [
      obj('setlinfo', [C('setl_id', '结算ID', 30, true), ...SETLINFO_COMMON]),
      list('setldetail', SETLDETAIL_FIELDS),
      list('detlcutinfo', DETLCUTINFO_FIELDS),
    ],
    confidence: 'low',
    reversible: true,
    note: SETTLEMENT_NOTE,
    source: 'settlement.md §5.3',
  },
  {
    infno: '2103',
    name: '药店结算撤销',
    mandatory: true,
    group: '2-医保服务 / 1-药店结算',
    input: [
      obj('data', [
        C('setl_id', '结算ID', 30, true, { note: 'required flag inferred' }),
        C('mdtrt_id', '就诊ID', 30, true, { note: 'required flag inferred' }),
        C('psn_no', '人员编号', 30, true, { note: 'required flag inferred' }),
        C('expContent', '字段扩展', 4000, false),
      ]),
    ],
    output: [
      obj('setlinfo', [
        C('mdtrt_id', '就诊ID', 30, true),
        C('setl_id', '结算ID', 30, true, { note: 'a new setl_id for the cancellation (inferred from a 2305 sample)' }),
        C('clr_optins', '清算经办机构', 6, false),
        money('medfee_sumamt', '医疗费总额', true, 'negative (inferred)'),
        DT('setl_time', '结算时间', true),
        ...FUND_SPLIT_FIELDS,
        money('fund_pay_sumamt', '基金支付总额'),
        money('psn_pay', '个人支付', true, 'instead of psn_part_amt'),
        money('acct_pay', '个人账户支出'),
        money('cash_payamt', '现金支付金额', true, 'instead of psn_cash_pay'),
        money('balc', '余额'),
        money('acct_mulaid_pay', '个人账户共济支付金额'),
        C('medins_setl_id', '医药机构结算ID', 30, true),
      ]),
      list('setldetail', SETLDETAIL_FIELDS),
    ],
    confidence: 'low',
    reversible: true,
    note: 'cancels a whole settlement; no partial 2103 seen (inferred)',
    source: 'settlement.md §5.4',
  },
  {
    infno: '2601',
    name: '冲正交易',
    mandatory: true,
    group: '2-医保服务 / 6-事务补偿业务',
    input: [
      obj('data', [
        C('psn_no', '人员编号', 30, true),
        C('omsgid', '原发送方报文ID', 30, true),
        C('oinfno', '原交易编号', 6, true, { note: 'spec length 4; sized 6 like infno ("2102"/"2103" fit both)' }),
      ]),
    ],
    output: [],
    confidence: 'high',
    note: 'no output fields; success is infcode 0',
    source: 'settlement.md §8; transport.md §4.2',
  },
  {
    infno: '1201',
    name: '医药机构信息获取',
    mandatory: true,
    group: '1-基础信息 / 2-定点医药机构信息',
    input: [
      obj('medinsinfo', [
        C('fixmedins_type', '定点医疗服务机构类型', 6, true, { codeSet: 'fixmedins_type' }),
        C('fixmedins_name', '定点医药机构名称', 200, false, { note: 'fuzzy match' }),
        C('fixmedins_code', '定点医药机构编号', 30, false),
      ]),
    ],
    output: [
      list('medinsinfo', [
        C('fixmedins_code', '定点医药机构编号', 30, true),
        C('fixmedins_name', '定点医药机构名称', 200, true),
        C('uscc', '统一社会信用代码', 50, false, { note: 'BZ Y, NT-WIN N; choice: optional when reading' }),
        C('fixmedins_type', '定点医疗服务机构类型', 6, true, { codeSet: 'fixmedins_type' }),
        C('hosp_lv', '医院等级', 6, false),
      ]),
    ],
    confidence: 'high',
    source: 'settlement.md §6',
  },
  {
    infno: '5102',
    name: '医执人员信息查询',
    mandatory: true,
    group: '5-信息查询 / 1-基础信息查询',
    input: [
      obj('data', [
        C('prac_psn_type', '执业人员分类', 6, true, { codeSet: 'prac_psn_type' }),
        C('psn_cert_type', '人员证件类型', 6, false, { codeSet: 'psn_cert_type' }),
        C('certno', '证件号码', 50, false),
        C('prac_psn_name', '执业人员姓名', 50, false),
        C('prac_psn_code', '执业人员代码', 20, false),
      ]),
    ],
    output: [
      list('feedetail', [
        C('psn_cert_type', '人员证件类型', 6, true, { codeSet: 'psn_cert_type' }),
        C('certno', '证件号码', 50, true),
        C('prac_psn_no', '执业人员自编号', 20, false),
        C('prac_psn_code', '执业人员代码', 20, true),
        C('prac_psn_name', '执业人员姓名', 50, true),
        C('prac_psn_type', '执业人员分类', 6, true, { codeSet: 'prac_psn_type' }),
        C('prac_psn_cert', '执业人员资格证书编码', 30, false),
        C('prac_cert_no', '执业证书编号', 30, false),
        C('hi_dr_flag', '医保医师标志', 3, true),
        DT('begntime', '开始时间', true),
        DT('endtime', '结束时间', false),
        C('chg_rea', '变更原因', 200, false),
      ]),
    ],
    confidence: 'high',
    note: 'output node feedetail (HSA, GZ) vs data (NT-WIN); choice: feedetail, and the reader also accepts data',
    source: 'settlement.md §7',
  },
  {
    infno: '100001',
    name: '政策项查询',
    mandatory: true,
    group: '政策项 / 政策项',
    input: [
      obj('data', [
        C('setl_id', '结算ID', 30, true, { note: 'HSA sends setl_Id; choice: snake_case as every other interface' }),
        C('psn_no', '人员编号', 30, true, { note: 'HSA sends psn_No; choice: snake_case' }),
        C('mdtrt_id', '就诊ID', 30, true, { note: 'HSA sends mdtrt_Id; choice: snake_case' }),
      ]),
    ],
    output: [
      list('', [
        C('setl_id', '结算ID', 30, false),
        C('mdtrt_id', '就诊ID', 30, false),
        C('psn_no', '人员编号', 30, false),
        C('pol_item_code', '政策项编码', 30, false),
        C('pol_item_name', '政策项名称', 200, false),
        money('self_pay_amt', '自付金额', false),
        N('self_pay_prop', '自付比例', 5, 4, false),
        money('fund_pay_amt', '基金支付金额', false),
        N('fund_pay_prop', '基金支付比例', 5, 4, false),
        money('pol_item_pay_sum', '政策项支付合计', false),
      ]),
    ],
    confidence: 'low',
    note: 'one implementation (HSA); output is a list directly in output, names inferred from camelCase',
    source: 'settlement.md §9',
  },
  {
    infno: '9101',
    name: '文件上传',
    mandatory: true,
    group: '9-其他 / 1-上传下载',
    input: [
      obj('fsUploadIn', [
        {
          name: 'in',
          label: '文件数据',
          type: 'B',
          required: true,
          note: 'base64 in JSON or a multipart part, by region profile',
        },
        C('filename', '文件名', 200, true),
        C('fixmedins_code', '定点医药机构编号', 30, true),
      ]),
    ],
    output: [
      obj('', [
        C('file_qury_no', '文件查询号', 40, true, { note: '9102 declares 30, 13xx output 40: sized for the larger' }),
        C('filename', '文件名', 200, true),
        C('fixmedins_code', '定点医药机构编号', 30, true),
        DT('dld_endtime', '下载截止时间', false),
      ]),
    ],
    confidence: 'high',
    file: 'upload',
    source: 'transport.md §5',
  },
  {
    infno: '9102',
    name: '文件下载',
    mandatory: true,
    group: '9-其他 / 1-上传下载',
    input: [
      obj('fsDownloadIn', [
        C('file_qury_no', '文件查询号', 40, true),
        C('filename', '文件名', 200, true),
        C('fixmedins_code', '定点医药机构编号', 30, true, {
          note: 'for 1301–1319 files the literal "plc" (NMG, SZ); otherwise the pharmacy code',
        }),
      ]),
    ],
    output: [],
    confidence: 'high',
    file: 'download',
    note: 'the answer body is the zip itself; an error comes back as the JSON envelope',
    source: 'transport.md §5; catalogue.md §1.2',
  },
];
