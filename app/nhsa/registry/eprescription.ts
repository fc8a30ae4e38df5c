/**
 * E-prescription (医保电子处方流转) interfaces of a retail pharmacy, 7201–7211, and the facts of the
 * e-prescription transport. Source: /work/shared/nhsa/eprescription.md (§ numbers below refer to it) and
 * interfaces.md for confidence.
 *
 * Why the data looks the way it does:
 * - The current pharmacy-side specification is not public. Per interface we use, in this order: the one
 *   mirrored page of the current spec (7206, S10); the 2021 draft equivalent (S8, old numbering, see §1);
 *   the hospital-side blocks of §3; and, where nothing is known, the smallest set of linking keys (§5.2),
 *   each such field noted 'choice: no source'.
 * - Wire names are snake_case: the standard `infno` envelope (shape B, §2.1) uses them, and S10/S13 suggest
 *   the current spec lists 72xx as ordinary `infno` transactions (inferred). The gateway (shape A) uses the
 *   camelCase of the same names; the client converts (EPRESCRIPTION_TRANSPORT.gateway.fieldNaming).
 * - The §3 blocks are known only in camelCase (hospital side, S3/S4/S7). Their snake_case names here are the
 *   mechanical conversion (rxTraceCode → rx_trace_code), which matches every pair of S10/S11 for 7206 and
 *   the draft's names where they exist; the draft spellings that differ are listed in each block's comment.
 * - A required flag the notes cannot determine ('?') becomes `false` with the note saying so: the client must
 *   not refuse a call because of a guess. FieldSpec has no '?' value.
 */
import { type FieldSpec, type InterfaceSpec, type NodeSpec } from './types';

const GROUP = '7-医保电子处方 / 2-医药机构电子处方业务';

/** Marks a field the notes do not give at all: a minimal linking key we chose (eprescription.md §5.2, §3). */
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
  length: number,
  scale: number,
  required: Required,
  extra: Extra = {},
): FieldSpec {
  return { name, label, type: 'N', length, scale, required, ...extra };
}

function dt(name: string, label: string, required: Required, extra: Extra = {}): FieldSpec {
  return { name, label, type: 'DT', required, ...extra };
}

function d(name: string, label: string, required: Required, extra: Extra = {}): FieldSpec {
  return { name, label, type: 'D', required, ...extra };
}

// ---------------------------------------------------------------------------------------------------
// §3 shared data blocks — the prescription as the pharmacy is expected to receive it (7204 output).
// Types, lengths and flags from S3 (hospital query output) unless noted. "Y (upload)" fields of the
// hospital side are optional here: whether the pharmacy download returns them is unknown.
// ---------------------------------------------------------------------------------------------------

/**
 * §3.1 prescription header. Draft (S8 7203 download) spellings that differ: rx_drug_nums (rx_drug_cnt),
 * rx_way_codg/_name (rx_used_way_codg/_name), rx_freq_codg/_name (rx_frqu_codg/_name), valid_days
 * (vali_days), valid_end_time (vali_end_time).
 */
export const RX_HEADER_FIELDS: FieldSpec[] = [
  c('rx_trace_code', '处方追溯码', 20, true, {
    note: 'returned by the hospital pre-check; single use per upload (S4, S18)',
  }),
  c('hi_rxno', '医保处方编号', 30, true, { note: 'the key across all e-Rx calls' }),
  c('hosp_rxno', '定点医疗机构处方编号', 40, true, { note: "the prescribing hospital's own number (S7)" }),
  c('init_rxno', '续方的原处方编号', 40, false, { note: 'renewal (S7, S9)' }),
  c('fixmedins_code', '定点医疗机构编号', 20, true, {
    note: 'prescribing hospital; length 12 (S3, draft) vs 20 (S7): the longer one, so no valid value is refused',
  }),
  c('fixmedins_name', '定点医疗机构名称', 200, true),
  c('rx_stas_codg', '医保处方状态编码', 3, true, { codeSet: 'rx_stas_codg' }),
  c('rx_stas_name', '医保处方状态名称', 20, true),
  c('rx_used_stas_codg', '医保处方使用状态编码', 3, true, { codeSet: 'rx_used_stas_codg' }),
  c('rx_used_stas_name', '医保处方使用状态名称', 20, true),
  dt('prsc_time', '开方时间', true),
  n('rx_drug_cnt', '药品数量（剂数）', 16, 2, true, {
    note: 'non-TCM: number of drug items; TCM: number of doses (S7). Draft name rx_drug_nums',
  }),
  c('rx_used_way_codg', '处方整剂用法编号', 20, false, {
    note: 'dict drug_medc_way_code (not in this registry). Draft name rx_way_codg',
  }),
  c('rx_used_way_name', '处方整剂用法名称', 40, false, { note: 'draft name rx_way_name' }),
  c('rx_frqu_codg', '处方整剂频次编号', 20, false, {
    note: 'dict used_frqu (not in this registry). Draft name rx_freq_codg',
  }),
  c('rx_frqu_name', '处方整剂频次名称', 40, false, { note: 'draft name rx_freq_name' }),
  c('rx_dosunt', '处方整剂剂量单位', 20, false),
  n('rx_doscnt', '处方整剂单次剂量数', 16, 2, false),
  c('rx_drord_dscr', '处方整剂医嘱说明', 500, false),
  n('vali_days', '处方有效天数', 10, 0, true, { note: 'draft name valid_days' }),
  dt('vali_end_time', '有效截止时间', true, { note: '= prsc_time + vali_days (S7). Draft name valid_end_time' }),
  c('rept_flag', '复用（多次）使用标志', 3, true, { codeSet: 'rept_flag' }),
  n('max_rept_cnt', '最大复用次数', 3, 0, false),
  n('reptd_cnt', '已复用次数', 3, 0, false),
  n('min_inrv_days', '使用最小间隔（天数）', 3, 0, false),
  c('rx_type_code', '处方类别编号', 3, true, {
    note: 'dict (values not found); S7 sends 1 = western, 2 = TCM, as usage, not a dictionary',
  }),
  c('rx_type_name', '处方类别名称', 20, false),
  c('long_rx_flag', '长期处方标志', 3, false, { codeSet: 'long_rx_flag' }),
  c('rx_cotn_flag', '续方标志', undefined, false, {
    note: 'required: ? (not determinable); length not stated; 0 / 1 (S7)',
  }),
  c('biz_type_code', '业务类型代码', 3, true, { codeSet: 'biz_type_code' }),
  c('biz_type_name', '业务类型名称', 20, false),
  c('rx_exra_attr_code', '处方附加属性代码', 3, false, { codeSet: 'rx_exra_attr_code' }),
  c('rx_exra_attr_name', '处方附加属性名称', 20, false),
  c('rx_file', '处方原件', undefined, true, {
    note: 'long text: Base64 of the insurance-signed PDF or OFD. Y on hospital upload and in the draft download',
  }),
  c('sign_digest', '处方信息签名值', 4000, false, {
    note: 'Y (upload) on the hospital side; whether the download returns it is unknown (S4)',
  }),
  c('sign_cert_sn', '签名机构证书SN', undefined, false, {
    note: 'returned by the hospital signing call (S4); length and flag not stated',
  }),
  c('sign_cert_dn', '签名机构证书DN', undefined, false, {
    note: 'returned by the hospital signing call (S4); length and flag not stated',
  }),
];

/**
 * §3.2 drug lines (`rxDetlList` in the hospital query, `rxdrugdetail` in upload and in the draft download).
 * Draft spelling that differs (seen in S8 while checking node names, not in the notes): medc_starttime
 * (medc_begntime).
 */
export const RX_DRUG_FIELDS: FieldSpec[] = [
  c('med_list_codg', '医疗目录编码', 50, true, { note: 'national insurance code' }),
  c('fixmedins_hilist_id', '定点医药机构目录编号', 30, false, { note: "the hospital's internal drug code" }),
  c('hosp_prep_flag', '院内制剂标志', 3, false, { note: 'dict (values not found)' }),
  c('rx_item_type_code', '处方项目分类代码', 30, false, {
    note: 'dict rx_item_type_code, values not found: 11 and 12 make sin_doscnt mandatory (S4); S7 sends 11 western, 13 TCM herbs',
  }),
  c('rx_item_type_name', '处方项目分类名称', 100, false),
  c('tcmdrug_type_code', '中药类别代码', 30, false, { note: 'dict (values not found)' }),
  c('tcmdrug_type_name', '中药类别名称', 20, false),
  c('tcmherb_foote', '草药脚注', 200, false),
  c('medn_type_code', '药物类型代码', 100, false, { note: 'dict (values not found)' }),
  c('medn_type_name', '药物类型名称', 100, false),
  c('main_medc_flag', '主要用药标志', 30, false, { codeSet: 'main_medc_flag' }),
  c('urgt_flag', '加急标志', 30, false, { codeSet: 'urgt_flag' }),
  c('bas_medn_flag', '基本药物标志', 3, false, { note: 'dict (values not found)' }),
  c('imp_drug_flag', '是否进口药品', 3, false, { codeSet: 'imp_drug_flag' }),
  c('drug_prodname', '药品商品名', 255, true),
  c('genname_codg', '通用名编码', 50, false, { note: 'S4' }),
  c('drug_genname', '药品通用名', 500, true),
  c('drug_dosform', '药品剂型', 30, true),
  c('drug_spec', '药品规格', 40, true),
  c('prdr_name', '生厂厂家', 100, false),
  n('drug_pric', '药品单价', 16, 6, false, { note: 'S4, S9' }),
  n('drug_sumamt', '药品总金额', 16, 2, false, { note: 'S4, S9' }),
  c('medc_way_codg', '用药途径代码', 10, true, { note: 'dict drug_medc_way_code (not in this registry)' }),
  c('medc_way_dscr', '用药途径描述', 100, true),
  dt('medc_begntime', '用药开始时间', true, { note: 'draft spelling medc_starttime (S8)' }),
  dt('medc_endtime', '用药结束时间', true),
  n('medc_days', '用药天数', 8, 2, true),
  n('drug_cnt', '药品总用药量', 16, 4, true, {
    note: 'the quantity used for insurance settlement when dispensing / circulating',
  }),
  c('drug_dosunt', '药品总用药量单位', 20, false, {
    note: 'the dispensing/pricing unit (e.g. 片 or 盒) used for settlement; S4 says rx_item_type_code 11/12 make the dosing/dispensing-unit fields mandatory, but names only sin_doscnt',
  }),
  n('sin_doscnt', '单次用量', 16, 4, 'conditional', { note: 'required when rx_item_type_code is 11 or 12 (S4)' }),
  c('sin_dosunt', '单次剂量单位', 20, false, { note: 'e.g. mg' }),
  c('used_frqu_codg', '使用频次编码', 10, false, { note: 'dict used_frqu (not in this registry)' }),
  c('used_frqu_name', '使用频次名称', 30, false),
  c('hosp_appr_flag', '医院审批标志', 3, false, { note: 'dict (not in this registry)' }),
  c('take_drug_flag', '取药标志位', 3, true, { codeSet: 'take_drug_flag' }),
  c('otc_flag', '是否OTC药品', 3, false, { codeSet: 'otc_flag', note: 'empty = 0 prescription drug (S3)' }),
  c('self_pay_rea', '自费原因类型', 6, false, { note: 'dict (values not found)' }),
  c('real_dscr', '自费原因描述', 1000, false),
  n('drug_totlcnt', '所需药品库存数量', 16, 0, false),
  c('drug_totlcnt_emp', '所需药品库存数量单位', 40, false),
];

/**
 * 2021 draft extras of the download's drug lines (S8 CFXZ7203, eprescription.md §4 7204): not in the
 * hospital-side block, kept optional. drug_totlnt(_emp) are kept as given; whether they are the draft's
 * spelling of drug_totlcnt(_emp) is unknown (the Chinese names differ).
 */
const RX_DRUG_DRAFT_EXTRAS: FieldSpec[] = [
  c('prod_barc', '药品条形编码', 40, false, { note: '2021 draft only' }),
  c('chemname', '化学名称', 100, false, { note: '2021 draft only' }),
  c('drugstdcode', '药品本位码', 50, false, { note: '2021 draft only' }),
  c('drug_cnt_unit', '药品数量单位', 20, false, { note: '2021 draft only (Y there)' }),
  c('drug_totlnt', '用药总量', 40, false, { note: '2021 draft only' }),
  c('drug_totlnt_emp', '用药总量单位', 40, false, { note: '2021 draft only' }),
  c('dise_codg', '病种编码', 30, false, { note: '2021 draft only, per line; length as the visit block' }),
];

/**
 * §3.3 visit block (`rxOtpinfo` in the hospital query, `mdtrtinfo` in upload and in the draft download).
 * Draft spellings that differ (seen in S8, not in the notes): ipt_op_no (ipt_otp_no), age (patn_age),
 * patn_ht (patn_hgt), fstdiag (fstdiag_flag).
 */
export const RX_VISIT_FIELDS: FieldSpec[] = [
  c('mdtrt_id', '医保就诊ID', 30, false, {
    note: "Y (upload) on the hospital side; the hospital's visit, not the pharmacy's 2102 mdtrt_id (§5.2)",
  }),
  c('med_type', '医疗类别', 6, true, { codeSet: 'med_type' }),
  c('ipt_otp_no', '门诊/住院号', 30, true),
  c('otp_ipt_flag', '门诊住院标志', 3, false, { codeSet: 'otp_ipt_flag', note: 'empty = 1 (S3, S4)' }),
  c('psn_no', '医保人员编号', 30, false, { note: 'Y (upload) on the hospital side (S7)' }),
  c('patn_name', '患者姓名', 40, true),
  c('psn_cert_type', '人员证件类型', 6, false, {
    codeSet: 'psn_cert_type',
    note: 'Y (upload) on the hospital side (S7)',
  }),
  c('certno', '证件号码', 50, false, { note: 'Y (upload) on the hospital side (S7)' }),
  n('patn_age', '年龄', 4, 1, true),
  n('patn_hgt', '身高', 6, 2, false, { note: 'cm' }),
  n('patn_wt', '体重', 6, 2, false, { note: 'kg' }),
  c('gend', '性别', 6, true, { codeSet: 'gend' }),
  n('geso_val', '妊娠(孕周)', 2, 0, false),
  c('nwb_flag', '新生儿标志', 3, false, { codeSet: 'nwb_flag' }),
  c('nwb_age', '新生儿日、月龄', 20, false),
  n('suck_prd_flag', '哺乳期标志', 3, 0, false, {
    codeSet: 'suck_prd_flag',
    note: 'typed number by the sources (S3, draft) although it is a 0/1 flag; kept as given',
  }),
  c('algs_his', '过敏史', 1000, false),
  c('insutype', '险种类型', 6, true, { codeSet: 'insutype' }),
  c('prsc_dept_name', '开方科室名称', 50, true),
  c('prsc_dept_code', '开方科室编号', 30, true),
  c('dr_code', '开方医保医师代码', 20, false, { note: 'national doctor code; Y (upload) on the hospital side' }),
  c('prsc_dr_name', '开方医师姓名', 50, true),
  c('phar_name', '药师姓名', 50, true, { note: "the hospital pharmacist's review, not the pharmacy's (7206)" }),
  dt('phar_chk_time', '医疗机构药师审方时间', true),
  dt('mdtrt_time', '就诊时间', true),
  c('dise_codg', '病种编码', 30, false, { note: '按病种 / 门诊慢特病 codes' }),
  c('dise_name', '病种名称', 500, false),
  c('sp_dise_flag', '是否特殊病种', 1, true),
  c('maindiag_code', '主诊断代码', 30, true, { note: 'draft: diag_code (20)' }),
  c('maindiag_name', '主诊断名称', 100, true, { note: 'draft: diag_name (40)' }),
  c('dise_cond_dscr', '疾病病情描述', 2000, false),
  c('fstdiag_flag', '是否初诊', 3, false, { codeSet: 'fstdiag_flag' }),
  c('hi_feesetl_type', '医保费用结算类型', 6, false, {
    note: 'required: ? (upload only, S7); dict hi_feesetl_type (inventory.md, not in this registry)',
  }),
  c('hi_feesetl_name', '医保费用结算类型名称', 20, false, { note: 'required: ? (upload only, S7)' }),
];

/** 2021 draft extras of the download's visit block (eprescription.md §4 7204). */
const RX_VISIT_DRAFT_EXTRAS: FieldSpec[] = [
  c('insuplc_admdvs', '参保地医保区划', 6, false, { note: '2021 draft only; dict admdvs' }),
  c('diag_code', '主诊断代码', 20, false, {
    note: '2021 draft name of maindiag_code (length 20 from S8); kept so a draft-style reply validates',
  }),
  c('diag_name', '主诊断名称', 40, false, {
    note: '2021 draft name of maindiag_name (length 40 from S8); kept so a draft-style reply validates',
  }),
];

/**
 * §3.4 diagnosis block (`rxDiseList` / `diseinfo`). The notes list dise_dor_no / dise_dor_name as visit
 * extras of the draft; S8 has them in `diseinfo` as 诊断医生编码 / 姓名, i.e. the draft spelling of
 * diag_dr_no / diag_dr_name, so they are not added again.
 */
export const RX_DIAG_FIELDS: FieldSpec[] = [
  c('diag_type', '诊断类别', 3, true, { note: 'dict diag_type (not in this registry)' }),
  c('maindiag_flag', '主诊断标志', 3, true, { note: 'dict (not in this registry)' }),
  n('diag_srt_no', '诊断排序号', 2, 0, true),
  c('diag_code', '诊断代码', 30, true),
  c('diag_name', '诊断名称', 100, true),
  c('diag_dept', '诊断科室', 50, true),
  c('diag_dept_code', '诊断科室代码', 20, true),
  c('diag_dr_no', '诊断医生编码', 30, true, { note: 'draft spelling dise_dor_no (S8)' }),
  c('diag_dr_name', '诊断医生姓名', 50, true, { note: 'draft spelling dise_dor_name (S8)' }),
  dt('diag_time', '诊断时间', true),
  c('tcm_dise_code', '中医病名代码', 30, false),
  c('tcm_dise_name', '中医病名名称', 300, false),
  c('tcmsymp_code', '中医症候代码', 30, false),
  c('tcmsymp', '中医症候', 300, false),
];

// ---------------------------------------------------------------------------------------------------
// Per-interface data (§4)
// ---------------------------------------------------------------------------------------------------

/** Operator fields the 2021 draft puts into the business input of 7201/7203 (S8). */
const DRAFT_OPERATOR_FIELDS: FieldSpec[] = [
  c('ip_info', '终端IP', 64, true),
  c('opter', '操作人ID', 20, true),
  c('opter_name', '操作人姓名', 50, true),
  c('optins', '操作机构', 20, true),
];

/** epc_token is 64 in the 2021 draft and 100 on the current page (S10): the longer one refuses nothing valid. */
const EPC_TOKEN_NOTE = 'length 64 (2021 draft) vs 100 (current spec, S10): 100 chosen';

/**
 * The draft wraps its flat inputs in `input.data` (§2.9); for the outputs the draft classes are flat too.
 * Node name `data` is therefore our choice wherever the notes name no node.
 */
const DATA_NODE_NOTE = "node name not stated: 'data' as in the 2021 draft's plain nodes (§2.9) — choice";

function dataNode(fields: FieldSpec[], note: string = DATA_NODE_NOTE): NodeSpec {
  return { node: 'data', shape: 'object', required: true, fields, note };
}

/** 7201 电子处方线下流转授权 — 2021 draft 7202 电子处方查询 (S8 DZCF7202) as proxy. */
const I7201: InterfaceSpec = {
  infno: '7201',
  name: '电子处方线下流转授权',
  mandatory: true,
  group: GROUP,
  confidence: 'low',
  source: 'eprescription.md §4 7201 (2021 draft 7202, S8); interfaces.md #42',
  note: 'proxy: the 2021 draft 7202 电子处方查询 (equivalence inferred in §1); current fields not found',
  input: [
    dataNode([
      c('mdtrt_cert_type', '就诊凭证类型', 3, true, { codeSet: 'mdtrt_cert_type' }),
      c('mdtrt_cert_no', '就诊凭证编号', 50, true, {
        note: 'type 01: 电子凭证令牌; type 03: 社保卡卡号',
      }),
      c('card_sn', '卡识别码', 32, 'conditional', { note: 'required when mdtrt_cert_type = 03' }),
      c('insuplc_admdvs', '参保地医保区划', 6, true, { note: 'dict admdvs' }),
      ...DRAFT_OPERATOR_FIELDS,
    ]),
  ],
  output: [
    dataNode([
      c('auth_rxno', '医保处方授权编号', 30, true, { note: 'temporary, single use; feeds the download (7204)' }),
      c('diag_name', '主诊断名称', 40, true),
      c('fixmedins_code', '开方机构编号', 20, true),
      c('fixmedins_name', '开方机构名称', 200, true),
      dt('prsc_time', '开方时间', true),
      c('dept_name', '科室名称', 50, true),
      dt('valid_end_time', '有效截止时间', true),
    ]),
  ],
};

/** 7202 电子处方线上流转查询 — nothing found (§4): minimal linking keys only. */
const I7202: InterfaceSpec = {
  infno: '7202',
  name: '电子处方线上流转查询',
  mandatory: false,
  group: GROUP,
  confidence: 'none',
  source: 'eprescription.md §4 7202 (not found); interfaces.md §2',
  note: 'nothing found (fields, path): input and output are the minimal linking keys of §5.2 — choice: no source',
  input: [dataNode([c('hi_rxno', '医保处方编号', 30, true, { note: NO_SOURCE })])],
  output: [
    dataNode([
      c('hi_rxno', '医保处方编号', 30, true, { note: NO_SOURCE }),
      c('rx_stas_codg', '医保处方状态编码', 3, false, { codeSet: 'rx_stas_codg', note: NO_SOURCE }),
    ]),
  ],
};

/** 7203 电子处方二维码解码 — 2021 draft 7201 (S8 CFJX7201) as proxy. */
const I7203: InterfaceSpec = {
  infno: '7203',
  name: '电子处方二维码解码',
  mandatory: false,
  group: GROUP,
  confidence: 'low',
  source: 'eprescription.md §4 7203 (2021 draft 7201, S8); interfaces.md §2',
  note: 'proxy: the 2021 draft 7201 QR parse (equivalence inferred in §1); current fields not found',
  input: [
    dataNode([
      c('app_chnl_id', '应用渠道ID', 40, true),
      c('app_chnl_user_id', '应用渠道用户ID', 40, true),
      c('auth_code', '授权码', 40, false),
      c('dev_info', '终端信息', 255, true),
      c('epc_qrcd', '电子处方二维码值', 27, true, { note: "value scanned from the patient's e-Rx QR" }),
      ...DRAFT_OPERATOR_FIELDS,
    ]),
  ],
  output: [
    dataNode([
      c('epc_token', '电子处方令牌', 100, true, { note: `feeds the download (7204); ${EPC_TOKEN_NOTE}` }),
      c('cert_type', '证件类型', 6, true, {
        codeSet: 'psn_cert_type',
        note: "dict; psn_cert_type is our reading of the draft's 'code'",
      }),
      c('name', '用户姓名', 50, true),
      c('certno', '证件号码', 50, true),
      c('insuplc_admdvs', '参保地医保区划', 6, true, { note: 'dict admdvs' }),
    ]),
  ],
};

/** 7204 电子处方下载 — draft 7203 input; output = the §3 blocks under the draft's node names. */
const I7204: InterfaceSpec = {
  infno: '7204',
  name: '电子处方下载',
  mandatory: true,
  group: GROUP,
  confidence: 'low',
  source: 'eprescription.md §3, §4 7204 (2021 draft 7203, S8); interfaces.md #43',
  note: 'input: 2021 draft 7203; output: the hospital-side blocks of §3 in snake_case (inferred), under the draft node names data/rxdrugdetail/mdtrtinfo/diseinfo (hospital query: rxDetlList/rxOtpinfo/rxDiseList)',
  input: [
    dataNode([
      c('epc_token', '电子处方令牌', 100, 'conditional', {
        note: `one of epc_token (from 7203) / auth_rxno (from 7201) is mandatory; ${EPC_TOKEN_NOTE}`,
      }),
      c('auth_rxno', '医保处方授权编号', 30, 'conditional', {
        note: 'one of epc_token / auth_rxno is mandatory',
      }),
      c('insuplc_admdvs', '参保地医保区划', 6, true, { note: 'dict admdvs' }),
    ]),
  ],
  output: [
    { node: 'data', shape: 'object', required: true, fields: RX_HEADER_FIELDS, note: 'prescription header §3.1' },
    {
      node: 'rxdrugdetail',
      shape: 'list',
      required: true,
      fields: [...RX_DRUG_FIELDS, ...RX_DRUG_DRAFT_EXTRAS],
      note: 'drug lines §3.2 plus the draft extras; a list because a prescription has several lines (S8 types it as one object)',
    },
    {
      node: 'mdtrtinfo',
      shape: 'object',
      required: true,
      fields: [...RX_VISIT_FIELDS, ...RX_VISIT_DRAFT_EXTRAS],
      note: 'visit block §3.3 plus the draft extras',
    },
    {
      node: 'diseinfo',
      shape: 'list',
      required: false,
      fields: RX_DIAG_FIELDS,
      note: 'diagnosis block §3.4; list chosen as for the drug lines',
    },
  ],
};

/** 7205 电子处方信息核验 — nothing found; §5.1 infers it produces rx_sign_verify_sn for 7206. */
const I7205: InterfaceSpec = {
  infno: '7205',
  name: '电子处方信息核验',
  mandatory: true,
  group: GROUP,
  confidence: 'none',
  source: 'eprescription.md §4 7205, §5; interfaces.md #44',
  note: 'fields not found: minimal linking keys. Output rx_sign_verify_sn because 7206 requires it and 7205 is its inferred producer (§5.2); whether 核验 also checks identity or validity is unknown',
  input: [dataNode([c('hi_rxno', '医保处方编号', 30, true, { note: NO_SOURCE })])],
  output: [
    dataNode([
      c('rx_sign_verify_sn', '处方签名验签流水号', 40, true, {
        note: `${NO_SOURCE}; length from 7206 (S10); feeds 7206`,
      }),
    ]),
  ],
};

/** 7206 电子处方审方信息上传 — the one mirrored page of the current spec (S10 table 53). */
const I7206: InterfaceSpec = {
  infno: '7206',
  name: '电子处方审方信息上传',
  mandatory: true,
  group: GROUP,
  confidence: 'medium',
  source: 'eprescription.md §4 7206 (S10, S11); interfaces.md #45',
  note: "input node rx_chk_up_info from S10; output node not stated: 'data' chosen. phar_prac_cert_no and the draft's 复核药师 fields are not on the current page and are left out. epc_token is Y on S10 even when the prescription came through 7201 (auth_rxno): unresolved",
  input: [
    {
      node: 'rx_chk_up_info',
      shape: 'object',
      required: true,
      fields: [
        c('hi_rxno', '医保处方编号', 30, true),
        c('epc_token', '电子处方令牌', 100, true),
        c('ec_token', '审方药师电子凭证令牌', 64, true, { note: "the pharmacist's own 医保电子凭证 token" }),
        c('fixmedins_code', '定点医药机构编码', 30, true, { note: 'the dispensing / reviewing pharmacy' }),
        c('fixmedins_name', '定点医药机构名称', 200, true),
        c('phar_cert_type', '审方药师证件类型', 6, true, { codeSet: 'psn_cert_type' }),
        c('phar_certno', '审方药师证件号码', 50, true),
        c('phar_code', '审方医保药师代码', 50, true, { note: 'national pharmacist code' }),
        c('phar_name', '审方药师姓名', 50, true),
        c('rx_chk_opnn', '处方审核理由(意见)', 2000, true),
        dt('rx_chk_time', '审核时间', true),
        c('rx_chk_stas_codg', '处方审核状态代码', 10, true, { codeSet: 'rx_chk_stas_codg' }),
        c('rx_sign_verify_sn', '处方签名验签流水号', 40, true, { note: 'from 7205 (inferred)' }),
      ],
    },
  ],
  output: [
    dataNode(
      [
        c('msg_code', '成功标志', 6, true, { codeSet: 'msg_code', note: '0 = success, anything else = failure' }),
        c('flag', '结果说明', 200, false, { note: '`True` on success' }),
        c('rx_chk_biz_sn', '处方审核业务流水号', 30, false, {
          note: 'returned on success; 7207 is sent only when it exists (S12)',
        }),
      ],
      "node name not stated by S10: 'data' — choice",
    ),
  ],
};

/** 7207 药品销售出库明细上传 — the 2021 draft 7206 核销 (S8 CFHX7206) as proxy. */
const I7207: InterfaceSpec = {
  infno: '7207',
  name: '药品销售出库明细上传',
  mandatory: true,
  group: GROUP,
  confidence: 'low',
  source: 'eprescription.md §4 7207 (2021 draft 7206 核销, S8; S12); interfaces.md #46',
  note: "proxy: the 2021 draft 核销 (data + selinfo), the likely superset (inferred); the other proxy, the hospital's rxSetlInfoQuery view (S4, S14: setlTime, rxStasCodg, rxUsedStasCodg, seltdelts[] with takeDrugFlag), is not used. rx_chk_biz_sn added as the 7206 → 7207 link. Output not found",
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        c('hi_rxno', '医保处方编号', 30, true),
        c('rx_chk_biz_sn', '处方审核业务流水号', 30, true, {
          note: `${NO_SOURCE}: not in the draft; the link from 7206 (S12 calls 7207 only when it exists)`,
        }),
        c('phar_cert_type', '审核药师证件类型', 6, false, { codeSet: 'psn_cert_type' }),
        c('phar_certno', '审核药师证件号码', 50, true),
        c('phar_name', '审核药师姓名', 50, true),
        c('phar_prac_cert_no', '审核药师执业资格证号', 50, false),
        c('dspeer_cert_type', '配药人证件类型', 6, false, {
          codeSet: 'psn_cert_type',
          note: 'psn_cert_type inferred from the name',
        }),
        c('dspeer_certno', '配药人证件编号', 50, false),
        c('dspeer_name', '配药人姓名', 40, true),
        c('pro_cert_type', '核对、发药人证件类型', 6, false, {
          codeSet: 'psn_cert_type',
          note: 'psn_cert_type inferred from the name',
        }),
        c('pro_certno', '核对、发药人证件编码', 50, false),
        c('pro_name', '核对、发药人姓名', 40, true),
        c('hi_feesetl_type', '医保费用结算类型', 6, false, {
          note: 'required: ? ; dict hi_feesetl_type (inventory.md, not in this registry)',
        }),
        c('setl_id', '结算ID', 30, 'conditional', { note: 'mandatory for insured patients; from 2102' }),
        dt('sel_retn_time', '销售时间', true),
        c('memo', '备注', 500, false),
        c('download_ide_code', '下载处方时的识别码', 50, true, {
          note: 'the epc_token or auth_rxno used for the download (7204)',
        }),
        c('payMode', '支付方式', 3, true, {
          codeSet: 'pay_mode',
          note: 'camelCase as in the draft; draft N but "mandatory for offline pharmacy", which this POS is — so required',
        }),
        n('fund_pay_sumamt', '基金支付', 16, 2, true, { note: 'from the 2102 result' }),
        n('psn_part_amt', '个人负担', 16, 2, true, { note: 'from the 2102 result' }),
        n('acct_pay', '个人账户', 16, 2, true, { note: 'from the 2102 result' }),
        n('psn_cash_pay', '个人现金', 16, 2, true, { note: 'from the 2102 result' }),
        dt('setl_time', '结算时间', true),
      ],
    },
    {
      node: 'selinfo',
      shape: 'list',
      required: true,
      note: 'one per sold line',
      fields: [
        c('med_list_codg', '医疗目录编码', 50, true),
        c('fixmedins_hilist_id', '定点医药机构目录编号', 30, true),
        c('fixmedins_hilist_name', '定点医药机构目录名称', 200, true),
        c('drug_genname', '通用名', 100, false),
        c('drug_prodname', '商品名', 100, false),
        c('drug_dosform', '剂型', 50, true),
        c('drug_spec', '规格', 50, true),
        c('aprvno', '批准文号', 30, false),
        c('manu_lotnum', '生产批号', 30, true),
        c('prdr_name', '生厂厂家', 100, true),
        d('manu_date', '生产日期', true),
        d('expy_end', '有效期止', false),
        c('rx_flag', '处方药标志', 3, true, { note: 'dict rx_flag (inventory.md, not in this registry)' }),
        c('trdn_flag', '拆零标志', 3, true, { codeSet: 'trdn_flag' }),
        n('finl_trns_pric', '最终成交单价', 16, 6, true),
        c('bchno', '批次号', 30, false),
        c('drug_trac_codg', '药品追溯码', 30, false, {
          note: 'one code per line in the draft; the current trace-code rules (inventory.md §5) may need a list',
        }),
        c('drug_prod_barc', '药品条形码', 30, false),
        c('shelf_posi', '货架位', 20, false),
        n('sel_retn_cnt', '销售数量', 16, 4, true),
        c('drug_cnt_unit', '药品数量单位', 20, true),
        n('sumamt', '合计金额', 16, 2, true),
      ],
    },
  ],
  output: [],
};

/** 7208 药品销售出库明细撤销 — nothing found beyond when it is called (S12). */
const I7208: InterfaceSpec = {
  infno: '7208',
  name: '药品销售出库明细撤销',
  mandatory: true,
  group: GROUP,
  confidence: 'none',
  source: 'eprescription.md §4 7208 (S12, S16 for comparison); interfaces.md #47',
  note: 'fields not found: the keys the notes call likely (hi_rxno + rx_chk_biz_sn / setl_id, inferred); 3506 identifies lines by fixmedins_bchno, setl_id, sel_retn_cnt, sel_retn_time, medins_prod_sel_no — not copied. Output not found',
  input: [
    dataNode([
      c('hi_rxno', '医保处方编号', 30, true, { note: NO_SOURCE }),
      c('rx_chk_biz_sn', '处方审核业务流水号', 30, 'conditional', {
        note: `${NO_SOURCE}; at least one of rx_chk_biz_sn / setl_id (our reading of §4)`,
      }),
      c('setl_id', '结算ID', 30, 'conditional', {
        note: `${NO_SOURCE}; at least one of rx_chk_biz_sn / setl_id (our reading of §4)`,
      }),
    ]),
  ],
  output: [],
};

/** 7209 药品配送信息同步 — the 2021 draft 7205 (S8 PS7205) as proxy. */
const I7209: InterfaceSpec = {
  infno: '7209',
  name: '药品配送信息同步',
  mandatory: true,
  group: GROUP,
  confidence: 'low',
  source: 'eprescription.md §4 7209 (2021 draft 7205, S8); interfaces.md #48',
  note: 'proxy: the 2021 draft 7205 (equivalence inferred in §1); output not given',
  input: [
    dataNode([
      c('hi_rxno', '医保处方编号', 30, true),
      c('delv_no', '配送业务编号', 30, false),
      c('delv_addr', '配送地址', 200, false),
      n('delv_dist', '配送距离', 10, 2, false, { note: 'km' }),
      c('delv_entp_no', '配送企业编码', 30, false),
      c('delv_entp_name', '配送企业名称', 50, true),
      c('delver_cert_type', '配送员证件类型', 6, false, { codeSet: 'psn_cert_type' }),
      c('delver_certno', '配送员证件编号', 50, false),
      c('delver_name', '配送员姓名', 10, false),
      c('delver_tel', '配送员电话', 20, false),
      c('delv_stas_codg', '状态编码', 6, true, { codeSet: 'delv_stas_codg' }),
      c('delv_stas_name', '状态名称', 20, true),
      c('delv_stas_dscr', '状态描述', 20, false),
      dt('delv_stas_time', '状态变更时间', false),
      c('delver_lng', '配送员经度', 30, false),
      c('delver_lat', '配送员纬度', 30, false),
      c('delver_geo_type', '经纬度编码类型', 3, false, { codeSet: 'delver_geo_type' }),
    ]),
  ],
  output: [],
};

/** 7210 药品配送签收确认 — nothing found (no fields, no path). */
const I7210: InterfaceSpec = {
  infno: '7210',
  name: '药品配送签收确认',
  mandatory: true,
  group: GROUP,
  confidence: 'none',
  source: 'eprescription.md §4 7210 (not found); interfaces.md #49',
  note: 'nothing found: minimal keys hi_rxno and the 7209 delivery number — choice: no source. Output not found',
  input: [
    dataNode([
      c('hi_rxno', '医保处方编号', 30, true, { note: NO_SOURCE }),
      c('delv_no', '配送业务编号', 30, false, { note: `${NO_SOURCE}; name and length from 7209` }),
    ]),
  ],
  output: [],
};

/** 7211 电子处方药品目录查询 — fields not found; only a hospital namesake and a Jiangsu stock query. */
const I7211: InterfaceSpec = {
  infno: '7211',
  name: '电子处方药品目录查询',
  mandatory: true,
  group: GROUP,
  confidence: 'none',
  source: 'eprescription.md §4 7211 (S1, S4); interfaces.md #50',
  note: "fields not found: minimal key med_list_codg (the drug-line key of §3.2) — choice: no source. Not used as proxy: the Jiangsu-only stock check rxSetlStockQuery (S4: visit header + drugList[], returns accept/msg), a different function; its 'accept' values are in EPRESCRIPTION_CODESETS. Hospital namesake path /fixmedins/circDrugQuery (S1)",
  input: [dataNode([c('med_list_codg', '医疗目录编码', 50, false, { note: NO_SOURCE })])],
  output: [
    {
      node: 'data',
      shape: 'list',
      required: false,
      note: `${DATA_NODE_NOTE}; a list because a catalogue query returns several drugs`,
      fields: [c('med_list_codg', '医疗目录编码', 50, true, { note: NO_SOURCE })],
    },
  ],
};

/**
 * The e-prescription interfaces of a retail pharmacy: the nine mandatory ones (7201, 7204–7211) and the
 * optional 7202 and 7203, in call order of §5.1 where it applies.
 */
export const EPRESCRIPTION_INTERFACES: InterfaceSpec[] = [
  I7201,
  I7202,
  I7203,
  I7204,
  I7205,
  I7206,
  I7207,
  I7208,
  I7209,
  I7210,
  I7211,
];

// ---------------------------------------------------------------------------------------------------
// §2 transport of the e-prescription gateway — facts only; the client implements the crypto.
// ---------------------------------------------------------------------------------------------------

/**
 * How 7201–7211 travel (eprescription.md §2). Two shapes are seen and which one a province uses is not
 * settled (§2.1): keep the choice, the base URL and the paths in the region profile. Everything here is
 * backed by several independent but unnamed implementations (confidence medium, §7): verify it in the
 * joint-test (联调) environment, especially the two open variants in `signText.dataField` and
 * `signature.userId`.
 */
export const EPRESCRIPTION_TRANSPORT = {
  source: 'eprescription.md §2',
  confidence: 'medium',

  /** Shape A: the e-prescription centre gateway (医保电子处方中心, "epc"); all recent hospital code (S1, S4, S5). */
  gateway: {
    http: {
      method: 'POST',
      contentType: 'application/json; charset=utf-8',
      /** No custom header carries authentication: everything is in the body (S1, S4, S5). */
      authHeaders: [],
    },
    /**
     * Business fields are camelCase here. The registry holds snake_case; the camelCase name is obtained by
     * dropping each underscore and upper-casing the next letter (hi_rxno → hiRxno), which holds for every
     * S10/S11 pair of 7206 (inferred as a general rule). `payMode` is already camelCase and stays as is.
     */
    fieldNaming: 'camelCase',
    /** Request envelope (§2.2; S4, S1, S5/S6). */
    request: [
      {
        name: 'appId',
        label: '应用ID',
        required: true,
        note: 'its first 16 characters are the SM4 key k0: must be ≥ 16',
      },
      { name: 'encType', label: '加密算法', required: true, note: "'SM4' (S1, S7) or 'sm4' (S5/S6)" },
      { name: 'signType', label: '签名算法', required: true, note: "'SM2' (S1, S7) or 'sm2' (S5/S6)" },
      {
        name: 'timestamp',
        label: '时间串',
        required: true,
        note: 'Unix epoch milliseconds (S1, S5, S6); S7 puts yyyyMMddHHmmss in its outer envelope (provincial)',
      },
      { name: 'version', label: '版本', required: false, note: "'1.0.0' in S5/S6; present in S4; absent in S1" },
      { name: 'encData', label: '加密业务数据', required: true, note: 'uppercase hex, see dataKey/encData' },
      { name: 'signData', label: '签名', required: true, note: 'Base64, see signText/signature' },
      {
        name: 'transType',
        label: '交易类型',
        required: false,
        note: 'only in the S6 channel API (S5 sends it empty); not part of e-Rx per S1/S4 — leave out',
      },
    ],
    /** Values seen for encType / signType: send the spelling the region's joint test accepts. */
    encTypeValues: ['SM4', 'sm4'],
    signTypeValues: ['SM2', 'sm2'],
    version: '1.0.0',
    response: {
      /** `code` 0 = success; otherwise show `message` and stop (S4, S6). */
      successCode: 0,
      fields: ['code', 'message', 'encType', 'encData', 'signData', 'appId', 'timestamp'],
      /** S6 falls back to the local appId when the response omits it. */
      appIdFallback: 'local',
    },
  },

  /** Shape B: the unified-platform standard envelope (`infno`, `msgid`, `input` …), transport.md §1. */
  standard: {
    fieldNaming: 'snake_case',
    infver: 'V1.0',
    /** 2021 draft (S8, S9) and the current page S10: plain nodes under `input` (data, rxdrugdetail, selinfo …). */
    plainInput: true,
    /**
     * Provincial variant (S7): `input` = {appid, encType: 'SM4', signType: 'SM2', encData, signData} with the
     * crypto of shape A, and the reply's `output.encData` is SM4-decrypted. Note the lower-case `appid`.
     */
    encryptedInput: {
      fields: ['appid', 'encType', 'signType', 'encData', 'signData'],
      outputField: 'encData',
      source: 'S7 (provincial; its infnos were Ld7801 … Ld7806)',
    },
    /** General specification text quoted in S1: −1 means the caller must consider reversal (冲正). */
    infcode: { success: 0, systemError: -1, businessError: -2 },
  },

  endpoints: {
    /**
     * Pharmacy-side paths for 7201–7211: not found in any public source (§2.3). Do not guess: take them
     * from the local 医保局 接口文档 into the region profile.
     */
    pharmacy: null,
    /** Hospital side of the same gateway, for reference: the suffix is stable, the base URL per province. */
    hospital: {
      uploadChk: '/fixmedins/uploadChk',
      rxFixmedinsSign: '/fixmedins/rxFixmedinsSign',
      rxFileUpld: '/fixmedins/rxFileUpld',
      rxUndo: '/fixmedins/rxUndo',
      hospRxDetlQuery: '/fixmedins/hospRxDetlQuery',
      rxChkInfoQuery: '/fixmedins/rxChkInfoQuery',
      rxSetlInfoQuery: '/fixmedins/rxSetlInfoQuery',
      /** namesake of 7211 (S1) */
      circDrugQuery: '/fixmedins/circDrugQuery',
      /** Jiangsu only (S4) */
      rxSetlStockQuery: '/pcs-manage/pcs/fixmedins/rxSetlStockQuery',
    },
    /** Private addresses seen (S1 Chongqing; S4 Jiangsu, which yields …/fixmedins/fixmedins/<name>). */
    observedBaseUrls: ['http://<intranet-ip>:8080/epc/api', 'http://<intranet-ip>:20080/fixmedins'],
  },

  /**
   * §2.4 SM4 data key kd, from appId and appSecret only, so it can be computed once (inferred).
   * 1. k0 = UTF-8 bytes of the first 16 characters of appId.
   * 2. t = SM4-ECB-PKCS#7(key k0, UTF-8 bytes of appSecret).
   * 3. h = uppercase hex of t; keep its first 16 hex characters.
   * 4. kd = the UTF-8 bytes of those 16 characters — the ASCII text of the hex, not the decoded bytes.
   * With sm-crypto (inferred): sm4.encrypt/decrypt default to ECB + PKCS#7 and take the key as 32 hex
   * characters — pass the hex of the k0 / kd bytes and upper-case the output.
   */
  dataKey: {
    appIdPrefixChars: 16,
    cipher: 'SM4',
    mode: 'ECB',
    padding: 'PKCS7',
    input: 'appSecret (UTF-8)',
    hexCase: 'upper',
    keepHexChars: 16,
    keyBytes: 'UTF-8 of the 16 hex characters',
  },

  /**
   * §2.4 steps 5–6: encData = uppercase hex of SM4-ECB-PKCS#7(kd, UTF-8 JSON of the business object);
   * decrypt by hex-decoding, SM4-ECB-PKCS#7-decrypting with kd and parsing the UTF-8 JSON.
   */
  encData: { cipher: 'SM4', mode: 'ECB', padding: 'PKCS7', plaintext: 'UTF-8 JSON', encoding: 'hex', hexCase: 'upper' },

  /**
   * §2.5 sign text, built before encData/signData are added, from {appId, encType, signType, timestamp,
   * version?, data}:
   * 1. `data` = the plaintext business object (Java S5/S6, matches S6's response verification — the more
   *    likely platform rule, inferred) or the encData hex string (C# S1). Test both.
   * 2. Drop keys whose value is null or ''; S5/S6 also drop empty strings and empty arrays inside `data`,
   *    recursively.
   * 3. Ignore the keys signData, encData, extra.
   * 4. Sort the top-level keys; with these fixed keys every sort seen gives the same order (inferred).
   * 5. Values: strings as they are; objects/arrays as compact JSON with keys sorted recursively; inside
   *    nested objects scalars become strings and true/false are lower-case.
   * 6. Join `key=value&` for every entry and append `key=<appSecret>`.
   */
  signText: {
    dataField: { preferred: 'plaintextObject', alternative: 'encDataHex' },
    dropEmpty: { topLevel: ['null', 'emptyString'], insideDataRecursively: ['emptyString', 'emptyArray'] },
    ignoreKeys: ['signData', 'encData', 'extra'],
    keyOrder: ['appId', 'data', 'encType', 'signType', 'timestamp', 'version'],
    nestedValues: { sortKeys: true, compactJson: true, scalarsAsStrings: true, booleansLowerCase: true },
    pairSeparator: '&',
    keyValueSeparator: '=',
    secretSuffixKey: 'key',
    example: 'appId=…&data={…}&encType=SM4&signType=SM2&timestamp=…&version=…&key=<appSecret>',
  },

  /**
   * §2.6 signature: SM3withSM2 (SM3 digest including the Z value). User ID = UTF-8 bytes of appSecret
   * (Java S5/S6/S7); S2's C# code in effect signs with the default ID, so keep it as a fallback to test.
   * With sm-crypto (inferred): sm2.doSignature with hash on, der off and userId = appSecret gives hex r‖s;
   * convert it to Base64.
   */
  signature: {
    algorithm: 'SM3withSM2',
    userId: { preferred: 'appSecret', fallback: '1234567812345678' },
    /** Base64 of the raw 32-byte scalar d. The app's setting stores it as 64 hex characters: convert. */
    privateKey: 'base64 of raw 32-byte d',
    /** raw r‖s (32 + 32 bytes; DER converted to plain), then Base64 → signData */
    output: 'base64 of raw r||s (64 bytes)',
    /** Platform public key: Base64 of the 64-byte X‖Y or the 65-byte 04‖X‖Y. */
    publicKey: 'base64 of X||Y (64 bytes) or 04||X||Y (65 bytes)',
  },

  /**
   * §2.7 reply: 1. code must be 0, else show message; 2. decrypt encData with kd; 3. verify (S6): copy the
   * reply, remove signData and encData, set data = the decrypted object (empties removed), build the sign
   * text as above with appSecret and verify signData (Base64 r‖s) with the platform public key, userId =
   * appSecret. S5 skips step 3.
   */
  responseHandling: ['checkCode', 'decryptEncData', 'verifySignData'],

  /**
   * §2.8 what the pharmacy holds. appSecret and the private key are secrets: stored encrypted, never
   * logged. The app public key is only for a local self-test of signatures.
   */
  keys: {
    appId: 'public identifier; first 16 chars used in SM4 key derivation',
    appSecret: 'secret: SM4 key derivation, appended to the sign text, SM2 user ID',
    privateKey: '应用私钥 (institution SM2 private key): signs requests — secret',
    appPublicKey: '应用公钥: local self-test only',
    platformPublicKey: '平台公钥: verifies reply signData',
  },
} as const;
