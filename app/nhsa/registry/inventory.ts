import type { FieldSpec, InterfaceSpec, NodeSpec } from './types';

/**
 * Inventory (进销存) uploads 3501–3507 and their batch variants, the read-back queries 3508–3513, and the
 * period reconciliation 3201/3202 with its two files — inventory.md §1–§6.
 *
 * Conventions used here, because types.ts has no way to say them (see each `note`):
 * - Nested node: `drugtracinfo` sits inside every row of its parent node, not directly under `input`.
 *   NodeSpec.node is documented as a key under `input`, so the nesting is written as a dotted path
 *   ("selinfo.drugtracinfo" = the `drugtracinfo` key inside each `selinfo` row). A client that does
 *   not know the convention looks up a key that never exists and, the node being optional, skips it.
 * - Required flags of replies are only checked as warnings, so reply fields whose flag no source states
 *   are `false`: an absent field then never produces a warning.
 * - Where the notes give no length or type for a field of one interface, the same-named field of a
 *   neighbouring table in inventory.md is used (marked "analog" in the interface note).
 */

type Extra = Partial<Pick<FieldSpec, 'codeSet' | 'note'>>;

const C = (
  name: string,
  label: string,
  length: number | undefined,
  required: FieldSpec['required'],
  extra: Extra = {},
): FieldSpec => ({
  name,
  label,
  type: 'C',
  ...(length === undefined ? {} : { length }),
  required,
  ...extra,
});
const N = (
  name: string,
  label: string,
  length: number,
  scale: number,
  required: FieldSpec['required'],
  extra: Extra = {},
): FieldSpec => ({ name, label, type: 'N', length, scale, required, ...extra });
const D = (name: string, label: string, required: FieldSpec['required'], extra: Extra = {}): FieldSpec => ({
  name,
  label,
  type: 'D',
  required,
  ...extra,
});
const DT = (name: string, label: string, required: FieldSpec['required'], extra: Extra = {}): FieldSpec => ({
  name,
  label,
  type: 'DT',
  required,
  ...extra,
});
/** money: "16,2" */
const money = (name: string, label: string, required: FieldSpec['required'], extra: Extra = {}): FieldSpec =>
  N(name, label, 16, 2, required, extra);
/** quantity: "16,4" */
const qty = (name: string, label: string, required: FieldSpec['required'], extra: Extra = {}): FieldSpec =>
  N(name, label, 16, 4, required, extra);
/** unit price: "16,6" */
const price = (name: string, label: string, required: FieldSpec['required'], extra: Extra = {}): FieldSpec =>
  N(name, label, 16, 6, required, extra);

const obj = (node: string, fields: FieldSpec[], required: boolean, note?: string): NodeSpec => ({
  node,
  shape: 'object',
  required,
  fields,
  ...(note ? { note } : {}),
});
const list = (node: string, fields: FieldSpec[], required: boolean, note?: string): NodeSpec => ({
  node,
  shape: 'list',
  required,
  fields,
  ...(note ? { note } : {}),
});

const GROUP_INVENTORY = '3-医药机构管理 / 5-进销存管理';
const GROUP_RECONCILE = '3-医药机构管理 / 2-医药机构费用结算业务';

// ---------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------

const MED_LIST_CODG = C('med_list_codg', '医疗目录编码', 50, true, { note: 'national drug code (贯标码)' });
const FIXMEDINS_HILIST_ID = C('fixmedins_hilist_id', '定点医药机构目录编号', 30, true, {
  note: "the pharmacy's own item code. HSA's comment says 20 with a code flag, BZ/NMG say 30: 30 chosen (majority)",
});
const FIXMEDINS_HILIST_NAME = C('fixmedins_hilist_name', '定点医药机构目录名称', 200, true);
const FIXMEDINS_BCHNO = C('fixmedins_bchno', '定点医药机构批次流水号', 30, true, {
  note:
    'institution-defined batch serial (医药机构自定义批次号); 3507 deletes by it and 3508 queries by it. The notes ' +
    'infer it must be unique per uploaded record within one inv_data_type; choice (app/inventory/wire.ts): the ' +
    "till's batch id for every record of the batch, so the center ties a batch's purchases, changes and sales " +
    'together — a 3507 then removes every record of that batch and type, and the records that stand are resent',
});
const RX_FLAG = C('rx_flag', '处方药标志', 3, true, { codeSet: 'rx_flag' });
const MEMO = C('memo', '备注', 500, false);

/** The newer spec's trace-code list (inventory.md §5). `parent` is the row node it sits in. */
const traceNode = (parent: string): NodeSpec =>
  list(
    `${parent}.drugtracinfo`,
    [
      C('drug_trac_codg', '药品追溯码', 100, true, {
        note:
          'length: NMG comments 100 inside drugtracinfo, 30 in 3512/3513 outputs, OH "长度未明确"; 100 chosen so no ' +
          'real code is refused. One implementation (YBHI) insists on exactly 20 digits but marks it unconfirmed, so ' +
          'the format is not enforced here. Required inside an item: an item without a code is meaningless (YBHI ' +
          'rejects empty ones)',
      }),
    ],
    false,
    `溯源码节点信息 — nested: a list inside each \`${parent}\` row (one entry per scanned box), not directly ` +
      'under input (types.ts cannot nest nodes; see the file header). Newer spec only (NMG 2024, OH, GK). ' +
      'Required flag "N?" in the notes: optional here, because older platforms do not know the node; the ' +
      'regulatory duty to scan codes (dates in regulation-and-peers.md §2.5) belongs in the sale flow, not in ' +
      'this schema. NMG models it as one object in 3501 and GK mixes list and object in the A variants: a ' +
      'JSON array is sent everywhere (inferred). ' +
      '拆零 (trdn_flag=1): the official rule for a split box was not found; inferred: report the box code with ' +
      'each split sale — confirm locally.',
  );

/** Business result of 35xx (inventory.md §1). Labels from NMG Output_3503.cs, see the note on msgRslt. */
const RESULT_FIELDS: FieldSpec[] = [
  C('retRslt', '返回结果', 6, true, {
    note:
      '"1" success, "0" failure. The call can be infcode=0 and still rejected here: check both levels. Chinese ' +
      'labels of retRslt/msgRslt are not in the notes; they were read from NMG Output_3503.cs (the source ' +
      'the notes cite for this node)',
  }),
  C('msgRslt', '返回信息', 2000, false, {
    note:
      'failure reason. NMG prints length 6 for the result node and 2000 (错误原因) for the 3502A row: 2000 ' +
      'chosen, 6 cannot hold a reason',
  }),
];
const result = (required: boolean, note: string): NodeSpec => obj('result', RESULT_FIELDS, required, note);
const RESULT_DOCUMENTED = 'output.result {retRslt, msgRslt} (NMG; OH checks "1".equals(retRslt))';
const RESULT_INFERRED =
  'output not documented for this interface; inferred: the same result {retRslt, msgRslt} as the other ' +
  '35xx. Optional, so a reply without it raises no warning; when present, retRslt "0" means rejected';

/** Batch size: not found in any source (inventory.md §3.8). */
const BATCH_NOTE =
  'Batch variant: the input list holds rows of the single interface. Maximum rows per call: not found in ' +
  'any source — keep the batch size a per-region setting. URL path for the A variants: not found. ' +
  'drugtracinfo goes inside each row (NMG); GK also sends a top-level drugtracinfo array, which is not done here ' +
  '(inferred: per-row placement is correct).';

// ---------------------------------------------------------------------------------------------------
// 3501 商品盘存上传 — inventory.md §3.1
// ---------------------------------------------------------------------------------------------------

const INVINFO_3501: FieldSpec[] = [
  MED_LIST_CODG,
  FIXMEDINS_HILIST_ID,
  FIXMEDINS_HILIST_NAME,
  RX_FLAG,
  D('invdate', '盘存日期', true),
  N('inv_cnt', '库存数量', 16, 2, true, {
    note:
      'counted in the smallest pricing package unit (按最小计价包装单位统计). "16,2" as transcribed, although ' +
      'other quantities are 16,4 — a split-package stock count with more than 2 decimals cannot be sent',
  }),
  C('manu_lotnum', '生产批号', 30, false),
  FIXMEDINS_BCHNO,
  D('manu_date', '生产日期', true),
  D('expy_end', '有效期止', true),
  MEMO,
];

// ---------------------------------------------------------------------------------------------------
// 3502 商品库存变更 — inventory.md §3.2
// ---------------------------------------------------------------------------------------------------

const INVINFO_3502: FieldSpec[] = [
  MED_LIST_CODG,
  C('inv_chg_type', '库存变更类型', 6, true, {
    codeSet: 'inv_chg_type',
    note: 'dictionary from one unnamed source (inventory.md §2.1); BZ-JS uses 101',
  }),
  FIXMEDINS_HILIST_ID,
  FIXMEDINS_HILIST_NAME,
  FIXMEDINS_BCHNO,
  price('pric', '单价', true),
  qty('cnt', '数量', true, { note: 'smallest pricing package unit' }),
  RX_FLAG,
  DT('inv_chg_time', '库存变更时间', true),
  C('inv_chg_opter_name', '库存变更经办人姓名', 50, false),
  MEMO,
  C('trdn_flag', '拆零标志', 2, true, {
    codeSet: 'trdn_flag',
    note:
      'sources disagree ("Y?"): BZ has no required mark, OH and NMG (newer) comment "2 Y". Required chosen: the ' +
      'newer sources say so and the POS always knows the value (0/1). Length 2 here, 3 in 3505/3506, as printed',
  }),
];

// ---------------------------------------------------------------------------------------------------
// 3503 商品采购 — inventory.md §3.3
// ---------------------------------------------------------------------------------------------------

const PURCINFO_3503: FieldSpec[] = [
  MED_LIST_CODG,
  FIXMEDINS_HILIST_ID,
  FIXMEDINS_HILIST_NAME,
  C('dynt_no', '随货单号', 50, false, { note: 'delivery-note number' }),
  FIXMEDINS_BCHNO,
  C('spler_name', '供应商名称', 200, true),
  C('spler_pmtno', '供应商许可证号', 50, false),
  C('manu_lotnum', '生产批号', 30, true),
  C('prodentp_name', '生产厂家名称', 200, true, {
    note: 'BZ names it prdr_name; HSA, NMG, OH and GK use prodentp_name: prodentp_name chosen (majority)',
  }),
  C('aprvno', '批准文号', 100, true),
  D('manu_date', '生产日期', true),
  D('expy_end', '有效期止', true),
  price('finl_trns_pric', '最终成交单价', false),
  qty('purc_retn_cnt', '采购/退货数量', true),
  C('purc_invo_codg', '采购发票编码', 50, false),
  C('purc_invo_no', '采购发票号', 50, false),
  RX_FLAG,
  DT('purc_retn_stoin_time', '采购/退货入库时间', true),
  C('purc_retn_opter_name', '采购/退货经办人姓名', 50, true),
  C('prod_geay_flag', '商品赠送标志', 3, false, {
    codeSet: 'prod_geay_flag',
    note:
      'sources disagree ("N?"): BZ/HSA mark only the code flag, OH (one unnamed source) says 必填. Optional ' +
      'chosen (two named sources); sending 0/1 always is harmless',
  }),
  MEMO,
];

// ---------------------------------------------------------------------------------------------------
// 3504 商品采购退货 — inventory.md §3.4
// ---------------------------------------------------------------------------------------------------

const PURCINFO_3504: FieldSpec[] = [
  MED_LIST_CODG,
  FIXMEDINS_HILIST_ID,
  FIXMEDINS_HILIST_NAME,
  FIXMEDINS_BCHNO,
  C('spler_name', '供应商名称', 200, true),
  C('spler_pmtno', '供应商许可证号', 50, false),
  D('manu_date', '生产日期', true),
  D('expy_end', '有效期止', true),
  price('finl_trns_pric', '最终成交单价', false, { note: 'purchase/return unit price' }),
  qty('purc_retn_cnt', '采购/退货数量', true),
  C('purc_invo_codg', '采购发票编码', 50, false),
  C('purc_invo_no', '采购发票号', 50, true, { note: 'required here (BZ, HSA), unlike 3503' }),
  RX_FLAG,
  DT('purc_retn_stoin_time', '采购/退货入库时间', true),
  C('purc_retn_opter_name', '采购/退货经办人姓名', 50, true),
  MEMO,
  C('medins_prod_purc_no', '商品采购流水号', 50, false, {
    note: 'QD: the number of the original purchase document being returned',
  }),
];

// ---------------------------------------------------------------------------------------------------
// 3505 商品销售 — inventory.md §3.5
// ---------------------------------------------------------------------------------------------------

const SELINFO_3505: FieldSpec[] = [
  MED_LIST_CODG,
  FIXMEDINS_HILIST_ID,
  FIXMEDINS_HILIST_NAME,
  FIXMEDINS_BCHNO,
  C('prsc_dr_cert_type', '开方医师证件类型', 6, false, { codeSet: 'psn_cert_type' }),
  C('prsc_dr_certno', '开方医师证件号码', 50, false),
  C('prsc_dr_name', '开方医师姓名', 50, true),
  C('phar_cert_type', '药师证件类型', 6, false, { codeSet: 'psn_cert_type' }),
  C('phar_certno', '药师证件号码', 50, false),
  C('phar_name', '药师姓名', 50, true),
  C('phar_prac_cert_no', '药师执业资格证号', 50, true),
  C('hi_feesetl_type', '医保费用结算类型', 6, true, {
    codeSet: 'hi_feesetl_type',
    note:
      'sources disagree ("Y?"): BZ/HSA/NMG mark only the code flag, OH and YBHI say required. Required chosen: ' +
      'every sale has a value (0 self-pay, 1 local, 2 remote per one source), so requiring it only catches omissions',
  }),
  C('setl_id', '结算ID', 30, 'conditional', {
    note:
      'required for insured sales (医保病人必填, BZ/QD); YBHI: mdtrt_setl_type=1 ⇒ setl_id required. Empty for ' +
      "self-pay. The settlement's setl_id",
  }),
  C('mdtrt_sn', '就医流水号', 30, true, {
    note: "insured: the platform's mdtrt_id; self-pay: the pharmacy's own unique visit/sale serial",
  }),
  C('psn_no', '人员编号', 30, false),
  C('psn_cert_type', '人员证件类型', 6, true, {
    codeSet: 'psn_cert_type',
    note:
      'sources disagree ("Y?"): BZ/HSA/NMG mark only the code flag, OH and YBHI say required. Required chosen: ' +
      "a value always exists (QD fills '01' for self-pay buyers)",
  }),
  C('certno', '证件号码', 50, false),
  C('psn_name', '人员姓名', 50, false),
  C('manu_lotnum', '生产批号', 30, true),
  D('manu_date', '生产日期', true),
  D('expy_end', '有效期止', false, {
    note: 'N in BZ/HSA/NMG, OH says 必填: optional chosen (majority); the POS knows it for every batch and sends it',
  }),
  RX_FLAG,
  C('trdn_flag', '拆零标志', 3, true, { codeSet: 'trdn_flag' }),
  price('finl_trns_pric', '最终成交单价', false),
  C('rxno', '处方号', 40, false),
  C('rx_circ_flag', '外购处方标志', 3, false, {
    codeSet: 'rx_circ_flag',
    note: 'sources disagree ("N?"): code flag only in the older sources, OH says 必填: optional chosen (majority)',
  }),
  C('rtal_docno', '零售单据号', 40, true, { note: 'POS receipt/bill number' }),
  C('stoout_no', '销售出库单据号', 40, false),
  C('bchno', '批次号', 30, false),
  C('drug_trac_codg', '药品追溯码', 30, false, {
    note:
      'old single-code field (BZ, HSA, QD); NMG 2024 still has it, the OH entity omits it. Kept optional beside ' +
      'the newer drugtracinfo list',
  }),
  C('drug_prod_barc', '药品条形码', 30, false),
  C('shelf_posi', '货架位', 20, false),
  qty('sel_retn_cnt', '销售/退货数量', true),
  DT('sel_retn_time', '销售/退货时间', true, {
    note: 'yyyy-MM-dd HH:mm:ss (YBHI quotes its table as "yyyy-MM-ddHH:mm:ss" — taken as a typo)',
  }),
  C('sel_retn_opter_name', '销售/退货经办人姓名', 50, true),
  MEMO,
  C('mdtrt_setl_type', '就诊结算类型', 6, false, {
    codeSet: 'mdtrt_setl_type',
    note:
      'newer spec. Sources disagree: NMG "否" and OH "非必填", YBHI required. Optional chosen (majority); the POS ' +
      'knows it (1 insured / 2 self-pay) and should always send it. NMG and GK send the key upper-case ' +
      'MDTRT_SETL_TYPE; lower-case chosen like every other field (inferred)',
  }),
];

// ---------------------------------------------------------------------------------------------------
// 3506 商品销售退货 — inventory.md §3.6
// ---------------------------------------------------------------------------------------------------

const SELINFO_3506: FieldSpec[] = [
  MED_LIST_CODG,
  FIXMEDINS_HILIST_ID,
  FIXMEDINS_HILIST_NAME,
  FIXMEDINS_BCHNO,
  C('setl_id', '结算ID', 30, false, {
    note: "optional in every source; for an insured return send the original sale's setl_id (inferred from 3505)",
  }),
  C('psn_no', '人员编号', 30, false),
  C('psn_cert_type', '人员证件类型', 6, false, {
    codeSet: 'psn_cert_type',
    note:
      'sources disagree ("N?"): code flag only in PJX/BZ, OH says 必填. Optional chosen (the mirrored spec page ' +
      'and BZ); unlike 3505, where the newer sources and YBHI agree on required',
  }),
  C('certno', '证件号码', 50, false),
  C('psn_name', '人员姓名', 50, false),
  C('manu_lotnum', '生产批号', 30, true),
  D('manu_date', '生产日期', true),
  D('expy_end', '有效期止', false),
  RX_FLAG,
  C('trdn_flag', '拆零标志', 3, true, { codeSet: 'trdn_flag' }),
  price('finl_trns_pric', '最终成交单价', false),
  qty('sel_retn_cnt', '销售/退货数量', true),
  DT('sel_retn_time', '销售/退货时间', true),
  C('sel_retn_opter_name', '销售/退货经办人姓名', 50, true),
  MEMO,
  C('medins_prod_sel_no', '商品销售流水号', 50, false, { note: 'QD puts the original sale reference here' }),
  C('mdtrt_sn', '就医流水号', 30, true, {
    note:
      'newer spec only (NMG 2024, OH, GK; absent in PJX/BZ), "Y" there. Required chosen: the POS always has the ' +
      "original sale's mdtrt_sn, and an older platform is assumed to ignore an extra key (inferred)",
  }),
];

// ---------------------------------------------------------------------------------------------------
// 3507 商品信息删除 — inventory.md §3.7
// ---------------------------------------------------------------------------------------------------

const DATA_3507: FieldSpec[] = [
  C('fixmedins_bchno', '定点医药机构批次流水号', 30, true, {
    note: 'identifies the previously uploaded record',
  }),
  C('inv_data_type', '进销存数据类型', 30, true, {
    codeSet: 'inv_data_type',
    note: '1 = 3501, 2 = 3502, 3 = 3503 and 3504, 4 = 3505 and 3506',
  }),
];

// ---------------------------------------------------------------------------------------------------
// Queries 3508–3513 — inventory.md §4
// ---------------------------------------------------------------------------------------------------

const ONE_OF_LIST_OR_BATCH = 'one of medins_list_codg / fixmedins_bchno must be given';

/** The query head shared by 3508–3511 (inventory.md §4.1, §4.2). */
const QUERY_HEAD: FieldSpec[] = [
  C('fixmedins_code', '定点医药机构编号', 30, true),
  C('medins_list_codg', '医药机构目录编码', 150, 'conditional', { note: ONE_OF_LIST_OR_BATCH }),
  C('fixmedins_bchno', '定点医药机构批次流水号', 30, 'conditional', { note: ONE_OF_LIST_OR_BATCH }),
  D('begndate', '开始日期', true),
  D('enddate', '结束日期', true),
];

// Audit columns. Lengths from inventory.md §4.1 (3/40/20/50/20/20/50/20/6); the notes elide their
// Chinese names ("有效标志 … 统筹区编号"), so the names in between are those of the same columns in
// catalogue.md's query tables.
const VALI_FLAG = C('vali_flag', '有效标志', 3, false, {
  note: 'dictionary; catalogue.md gives 1 = valid only, so no code set is attached',
});
const AUDIT: FieldSpec[] = [
  VALI_FLAG,
  C('rid', '唯一记录号', 40, false),
  C('crter_id', '创建人', 20, false),
  C('crter_name', '创建人姓名', 50, false),
  C('crte_optins_no', '创建机构', 20, false),
  C('opter_id', '经办人', 20, false),
  C('opter_name', '经办人姓名', 50, false),
  C('optins_no', '经办机构', 20, false),
  C('poolarea_no', '统筹区编号', 6, false),
];
// Time audit columns appear only in the outputs. Type not stated; catalogue.md says its sources write
// 日期型 for both dates and date-times: DT chosen because these are timestamps.
const TIMES: FieldSpec[] = [
  DT('updt_time', '数据更新时间', false),
  DT('crte_time', '数据创建时间', false),
  DT('opt_time', '经办时间', false),
];

const LIST_SP_ITEM_FLAG = C('list_sp_item_flag', '目录特项标志', 3, false, {
  note: 'dictionary; its values are not in the notes (load with 1901)',
});
const Q_MED_LIST_CODG = C('med_list_codg', '医疗目录编码', 50, false);
const Q_MEDINS_LIST_NAME = C('medins_list_name', '医药机构目录名称', 100, false);
const Q_RX_FLAG = C('rx_flag', '处方药标志', 3, false, { codeSet: 'rx_flag' });
const Q_TRDN_FLAG = C('trdn_flag', '拆零标志', 3, false, { codeSet: 'trdn_flag' });
const Q_MANU_LOTNUM = C('manu_lotnum', '生产批号', 30, false);
const Q_MANU_DATE = D('manu_date', '生产日期', false);
const Q_EXPY_END = D('expy_end', '有效期止', false);
const Q_FIXMEDINS_CODE = C('fixmedins_code', '定点医药机构编号', 30, false);
const Q_MEDINS_LIST_CODG = C('medins_list_codg', '医药机构目录编码', 150, false);
const Q_FIXMEDINS_BCHNO = C('fixmedins_bchno', '定点医药机构批次流水号', 30, false);

const QUERY_INPUT_NOTE =
  'No paging fields appear in any source. NMG lists many output-style columns as inputs (audit columns); ' +
  'they are reproduced as optional filters (inferred).';
const QUERY_OUTPUT_NOTE =
  'NMG models the output as one object directly under output (node ""); whether the platform returns a list ' +
  'is not confirmed, and NMG writes these keys in camelCase (e.g. invCnt) — a reader should accept a list ' +
  'as well as an object, and match keys ignoring case and underscores (inferred, unverified). Required ' +
  'flags of the reply are not stated: all optional.';

// 3508 — inventory.md §4.1
const INPUT_3508: FieldSpec[] = [
  ...QUERY_HEAD,
  C('medins_prod_inv_no', '定点医药机构商品库存流水号', 30, false),
  Q_MED_LIST_CODG,
  Q_MEDINS_LIST_NAME,
  Q_RX_FLAG,
  LIST_SP_ITEM_FLAG,
  Q_TRDN_FLAG,
  D('invdate', '库存日期', false),
  Q_MANU_LOTNUM,
  Q_MANU_DATE,
  Q_EXPY_END,
  MEMO,
  ...AUDIT,
];
// Output: the 27 columns in the order the notes list them.
const OUTPUT_3508: FieldSpec[] = [
  Q_EXPY_END,
  Q_MED_LIST_CODG,
  C('poolarea_no', '统筹区编号', 6, false),
  C('crte_optins_no', '创建机构', 20, false),
  N('inv_cnt', '库存数量', 16, 2, false),
  Q_MEDINS_LIST_CODG,
  MEMO,
  DT('updt_time', '数据更新时间', false),
  Q_MANU_DATE,
  C('opter_name', '经办人姓名', 50, false),
  C('rid', '唯一记录号', 40, false),
  DT('crte_time', '数据创建时间', false),
  D('invdate', '库存日期', false),
  VALI_FLAG,
  Q_FIXMEDINS_CODE,
  Q_RX_FLAG,
  LIST_SP_ITEM_FLAG,
  Q_FIXMEDINS_BCHNO,
  DT('opt_time', '经办时间', false),
  C('opter_id', '经办人', 20, false),
  Q_MANU_LOTNUM,
  Q_MEDINS_LIST_NAME,
  C('crter_name', '创建人姓名', 50, false),
  C('medins_prod_inv_no', '定点医药机构商品库存流水号', 30, false),
  C('crter_id', '创建人', 20, false),
  C('optins_no', '经办机构', 20, false),
  Q_TRDN_FLAG,
];

// 3509 — inventory.md §4.2
const Q_INV_CHG_TYPE = C('inv_chg_type', '库存变更类型', 6, false, { codeSet: 'inv_chg_type' });
const Q_INV_CHG_TIME = DT('inv_chg_time', '库存变更时间', false);
const Q_INV_CHG_OPTER_NAME = C('inv_chg_opter_name', '库存变更经办人姓名', 50, false);
const MEDINS_PROD_INV_CHG_NO = C('medins_prod_inv_chg_no', '定点医药机构商品库存变更流水号', 30, false);
const INPUT_3509: FieldSpec[] = [
  ...QUERY_HEAD,
  MEDINS_PROD_INV_CHG_NO,
  Q_MED_LIST_CODG,
  Q_INV_CHG_TYPE,
  Q_MEDINS_LIST_NAME,
  Q_RX_FLAG,
  LIST_SP_ITEM_FLAG,
  Q_TRDN_FLAG,
  Q_INV_CHG_TIME,
  Q_INV_CHG_OPTER_NAME,
  MEMO,
  ...AUDIT,
];
// Output: the 27 columns in the order the notes list them.
const OUTPUT_3509: FieldSpec[] = [
  Q_INV_CHG_TIME,
  Q_MED_LIST_CODG,
  C('poolarea_no', '统筹区编号', 6, false),
  Q_INV_CHG_OPTER_NAME,
  C('crte_optins_no', '创建机构', 20, false),
  Q_MEDINS_LIST_CODG,
  MEMO,
  DT('updt_time', '数据更新时间', false),
  C('opter_name', '经办人姓名', 50, false),
  C('rid', '唯一记录号', 40, false),
  DT('crte_time', '数据创建时间', false),
  VALI_FLAG,
  Q_FIXMEDINS_CODE,
  Q_INV_CHG_TYPE,
  Q_RX_FLAG,
  MEDINS_PROD_INV_CHG_NO,
  LIST_SP_ITEM_FLAG,
  Q_FIXMEDINS_BCHNO,
  DT('opt_time', '经办时间', false),
  C('opter_id', '经办人', 20, false),
  Q_MEDINS_LIST_NAME,
  qty('cnt', '数量', false),
  price('pric', '单价', false),
  C('crter_name', '创建人姓名', 50, false),
  C('crter_id', '创建人', 20, false),
  C('optins_no', '经办机构', 20, false),
  Q_TRDN_FLAG,
];

// 3510 — inventory.md §4.3
const FILTERS_3510: FieldSpec[] = [
  C('medins_prod_purc_no', '定点医药机构商品采购流水号', 30, false),
  Q_MED_LIST_CODG,
  Q_MEDINS_LIST_NAME,
  C('dynt_no', '随货单号', 50, false),
  C('spler_name', '供应商名称', 200, false),
  C('spler_pmtno', '供应商许可证号', 50, false),
  Q_MANU_LOTNUM,
  C('prodentp_name', '生产厂家名称', 200, false),
  C('aprvno', '批准文号', 100, false),
  Q_MANU_DATE,
  Q_EXPY_END,
  C('purc_invo_codg', '采购发票编码', 50, false),
  C('purc_invo_no', '采购发票号', 50, false),
  Q_RX_FLAG,
  LIST_SP_ITEM_FLAG,
  DT('purc_retn_stoin_time', '采购/退货入库时间', false),
  C('purc_retn_opter_name', '采购/退货经办人姓名', 50, false),
  C('prod_geay_flag', '商品赠送标志', 3, false, { codeSet: 'prod_geay_flag' }),
  C('prod_retn_flag', '商品退货标志', 6, false, {
    note: 'dictionary; values not in the notes. Length 6 from the 3510 output',
  }),
  MEMO,
];
const INPUT_3510: FieldSpec[] = [...QUERY_HEAD, ...FILTERS_3510, ...AUDIT];
// Output: the notes describe it as "adds finl_trns_pric, purc_retn_cnt, …, audit columns" without a
// full list; rebuilt as head keys + filters + the two added numbers + audit + times = 37 columns, the
// count the notes give. Order is not known.
const OUTPUT_3510: FieldSpec[] = [
  Q_FIXMEDINS_CODE,
  Q_MEDINS_LIST_CODG,
  Q_FIXMEDINS_BCHNO,
  ...FILTERS_3510,
  price('finl_trns_pric', '最终成交单价', false),
  qty('purc_retn_cnt', '采购/退货数量', false, {
    note: 'NMG comment says 16,2; 16,4 chosen to match the 3503/3504 upload so no uploaded value is flagged',
  }),
  ...AUDIT,
  ...TIMES,
];

// 3511 — inventory.md §4.4
const FILTERS_3511: FieldSpec[] = [
  C('medins_prod_sel_no', '定点医药机构商品销售流水号', 30, false),
  Q_MED_LIST_CODG,
  Q_MEDINS_LIST_NAME,
  C('prsc_dr_cert_type', '开方医师证件类型', 3, false, {
    codeSet: 'psn_cert_type',
    note: 'length 3 in the 3511 source, 6 in 3505',
  }),
  C('prsc_dr_certno', '开方医师证件号码', 50, false),
  C('bilg_dr_name', '开单医师姓名', 50, false, {
    note: 'the query uses bilg_dr_name where 3505 uploads prsc_dr_name',
  }),
  C('phar_cert_type', '药师证件类型', 6, false, { codeSet: 'psn_cert_type' }),
  C('phar_certno', '药师证件号码', 50, false),
  C('phar_name', '药师姓名', 50, false),
  C('phar_prac_cert_no', '药师执业资格证号', 50, false),
  C('hi_feesetl_type', '医保费用结算类型', 6, false, { codeSet: 'hi_feesetl_type' }),
  C('setl_id', '结算ID', 30, false),
  C('psn_no', '人员编号', 30, false),
  C('psn_cert_type', '人员证件类型', 6, false, { codeSet: 'psn_cert_type' }),
  C('certno', '证件号码', 600, false, { note: 'length 600 — probably encrypted' }),
  C('psn_name', '人员姓名', 50, false),
  Q_MANU_LOTNUM,
  Q_MANU_DATE,
  Q_EXPY_END,
  C('elec_supn_codg', '电子监管编码', 20, false),
  Q_RX_FLAG,
  LIST_SP_ITEM_FLAG,
  Q_TRDN_FLAG,
  DT('sel_retn_time', '销售/退货时间', false),
  C('sel_retn_opter_name', '销售/退货经办人姓名', 50, false),
  MEMO,
];
const INPUT_3511: FieldSpec[] = [...QUERY_HEAD, ...FILTERS_3511, ...AUDIT];
// Output: "the above plus sel_retn_cnt, finl_trns_pric, …, audit columns" without a full list; rebuilt
// the same way as 3510 = 43 columns, the count the notes give. Order is not known.
const OUTPUT_3511: FieldSpec[] = [
  Q_FIXMEDINS_CODE,
  Q_MEDINS_LIST_CODG,
  Q_FIXMEDINS_BCHNO,
  ...FILTERS_3511,
  qty('sel_retn_cnt', '销售/退货数量', false, {
    note: 'NMG comment says 16,2; 16,4 chosen to match the 3505/3506 upload so no uploaded value is flagged',
  }),
  price('finl_trns_pric', '最终成交单价', false),
  ...AUDIT,
  ...TIMES,
];

// 3512 — inventory.md §4.5
const ONE_OF_THREE = 'at least one of medins_list_codg / fixmedins_bchno / med_list_codg must be given';
const INPUT_3512: FieldSpec[] = [
  C('fixmedins_code', '定点医药机构编号', 30, true),
  C('medins_list_codg', '医药机构目录编码', 150, 'conditional', { note: ONE_OF_THREE }),
  C('fixmedins_bchno', '定点医药机构批次流水号', 30, 'conditional', { note: ONE_OF_THREE }),
  C('med_list_codg', '医疗目录编码', 50, 'conditional', { note: ONE_OF_THREE }),
  D('begndate', '开始日期', true),
  D('enddate', '结束日期', true),
  C('drug_trac_codg', '药品追溯码', 30, false),
];
const OUTPUT_3512: FieldSpec[] = [
  Q_FIXMEDINS_CODE,
  Q_MEDINS_LIST_CODG,
  Q_FIXMEDINS_BCHNO,
  Q_MED_LIST_CODG,
  Q_MEDINS_LIST_NAME,
  C('drug_trac_codg', '药品追溯码', 30, false),
  VALI_FLAG,
  C('opter_id', '经办人', 20, false),
  C('crter_name', '创建人姓名', 50, false),
  C('crter_id', '创建人', 20, false),
  C('optins_no', '经办机构', 20, false),
];

// 3513 — inventory.md §4.5
const INPUT_3513: FieldSpec[] = [
  C('fixmedins_code', '定点医药机构编号', 30, true),
  Q_MEDINS_LIST_CODG,
  Q_FIXMEDINS_BCHNO,
  D('begndate', '开始日期', false),
  D('enddate', '结束日期', false),
  Q_MED_LIST_CODG,
  C('mdtrt_id', '就诊ID', 30, false),
  C('psn_no', '人员编号', 30, false),
  C('psn_cert_type', '人员证件类型', 6, true, {
    codeSet: 'psn_cert_type',
    note:
      'Y per NMG and GK — odd for a range query, but no source says otherwise; relax per region if the platform ' +
      'accepts the query without it',
  }),
  C('certno', '证件号码', 600, false, { note: 'length 600 — probably encrypted' }),
  C('psn_name', '人员姓名', 50, false),
  C('drug_trac_codg', '药品追溯码', 30, false),
  C('sel_retn_opter_name', '销售/退货经办人姓名', 50, false, { note: 'sent by GK only' }),
];
// NMG's length column for this output is visibly shifted, so no length is given (a wrong length would
// only produce false warnings on replies).
const OUTPUT_3513: FieldSpec[] = [
  C('fixmedins_code', '定点医药机构编号', undefined, false),
  C('med_list_codg', '医疗目录编码', undefined, false),
  C('medins_list_codg', '医药机构目录编码', undefined, false),
  C('medins_list_name', '医药机构目录名称', undefined, false),
  C('fixmedins_bchno', '定点医药机构批次流水号', undefined, false),
  C('mdtrt_id', '就诊ID', undefined, false),
  C('mdtrt_setl_type', '就诊结算类型', undefined, false, { codeSet: 'mdtrt_setl_type' }),
  C('bkkp_sn', '记账流水号', undefined, false, { note: 'NMG prints 100, from the shifted length column' }),
  C('drug_trac_codg', '药品追溯码', undefined, false),
  C('psn_no', '人员编号', undefined, false),
  C('psn_cert_type', '人员证件类型', undefined, false, { codeSet: 'psn_cert_type' }),
  C('certno', '证件号码', undefined, false),
  C('psn_name', '人员姓名', undefined, false),
  C('memo', '备注', undefined, false),
  C('trdn_flag', '拆零标志', undefined, false, { codeSet: 'trdn_flag' }),
  DT('updt_time', '数据更新时间', false),
  C('opter_name', '经办人姓名', undefined, false),
  C('rid', '唯一记录号', undefined, false),
  DT('crte_time', '数据创建时间', false),
  DT('opt_time', '经办时间', false),
  C('opter_id', '经办人', undefined, false),
  C('crter_name', '创建人姓名', undefined, false),
  C('crter_id', '创建人', undefined, false),
  C('optins_no', '经办机构', undefined, false),
];

// ---------------------------------------------------------------------------------------------------
// Reconciliation 3201 / 3202 — inventory.md §6
// ---------------------------------------------------------------------------------------------------

const REFD_STMT_NOTE =
  'meaning here: whether the totals include refund data — 0 exclude, 1 / empty include (DHC); HSA sends 0. ' +
  'Code set refd_setl_flag_stmt, not refd_setl_flag, because the same codes mean "this settlement was ' +
  'refunded" in the file rows';
const NEWER_REQUIRED =
  '"Y (newer)": present only in newer sources (NMG, YBHI, OH), absent in BZ. Required chosen: current ' +
  'platforms expect it, and an older one is assumed to ignore an extra key (inferred)';

const DATA_3201: FieldSpec[] = [
  C('insutype', '险种', 6, true, { codeSet: 'insutype' }),
  C('clr_type', '清算类别', 6, true, {
    codeSet: 'clr_type',
    note: 'take the value the settlement returned; pharmacy sales normally 41 (inferred from the combo list)',
  }),
  C('setl_optins', '结算经办机构', 6, true, {
    note: '= clr_optins returned by the settlement (清算经办机构（严格对应）, HSA)',
  }),
  D('stmt_begndate', '对账开始日期', true, {
    note: 'yyyy-MM-dd; one unnamed Guangzhou caller sends yyyy-MM-dd HH:mm:ss — keep the format per region',
  }),
  D('stmt_enddate', '对账结束日期', true),
  money('medfee_sumamt', '医疗费总额', true, { note: 'send 0 when there is none (YBHI)' }),
  money('fund_pay_sumamt', '基金支付总额', true),
  money('acct_pay', '个人账户支付金额', true),
  N('fixmedins_setl_cnt', '定点医药机构结算笔数', 10, 0, true, {
    note: 'length 10 with no decimals given: read as an integer count (scale 0)',
  }),
  C('refd_setl_flag', '退费结算标志', 6, true, {
    codeSet: 'refd_setl_flag_stmt',
    note: `${NEWER_REQUIRED}. Length 6 here, 3 in 3202, as printed. ${REFD_STMT_NOTE}`,
  }),
  C('exp_content', '字段扩展', 4000, false, { note: 'YBHI only' }),
];

const DATA_3202: FieldSpec[] = [
  C('setl_optins', '结算经办机构', 6, true),
  C('file_qury_no', '文件查询号', 30, true, {
    note: 'returned by 9101 after uploading the zipped detail file (RECONCILE_DETAIL_FILE_COLUMNS)',
  }),
  D('stmt_begndate', '对账开始日期', true),
  D('stmt_enddate', '对账结束日期', true),
  money('medfee_sumamt', '医疗费总额', true),
  money('fund_pay_sumamt', '基金支付总额', true),
  money('cash_payamt', '现金支付金额', true, { note: 'cash here, where 3201 sends acct_pay' }),
  N('fixmedins_setl_cnt', '定点医药机构结算笔数', 10, 0, true, {
    note: 'length 10 with no decimals given: read as an integer count (scale 0)',
  }),
  C('clr_type', '清算类别', 6, true, { codeSet: 'clr_type', note: NEWER_REQUIRED }),
  C('refd_setl_flag', '退费结算标志', 3, true, {
    codeSet: 'refd_setl_flag_stmt',
    note: `${NEWER_REQUIRED}. Length 3 here vs 6 in 3201 (YBHI: as printed). ${REFD_STMT_NOTE}`,
  }),
  C('exp_content', '字段扩展', 4000, false, { note: 'YBHI only' }),
];

/**
 * The 3202 detail file, uploaded with 9101 before 3202 (spec 表200 according to YBHI): one row per
 * settlement, columns in file order. OH, ZB and NMG-UI write exactly these 7 TAB-separated columns;
 * the YBHI mock parses 8 and NMG's CommonHelper writes 5 space-separated ones (older or buggy) — the
 * majority is followed.
 */
export const RECONCILE_DETAIL_FILE_COLUMNS: FieldSpec[] = [
  C('setl_id', '结算ID', 30, true),
  C('mdtrt_id', '就诊ID', 30, true),
  C('psn_no', '人员编号', 30, true),
  money('medfee_sumamt', '医疗费总额', true),
  money('fund_pay_sumamt', '基金支付总额', true),
  money('acct_pay', '个人账户支出', true),
  C('refd_setl_flag', '退费结算标志', 3, true, {
    codeSet: 'refd_setl_flag',
    note: 'per settlement: 0 normal, 1 refunded. The YBHI mock writes refunds as negative-amount rows (unverified)',
  }),
];

/**
 * The 3202 result file, downloaded with 9102 (fileinfo.file_qury_no + filename; spec 表201 according to
 * YBHI), columns in file order. OH, ZB and BZ (first 7) agree on this order; NMG swaps columns 5 and 6
 * (refd_setl_flag before stmt_rslt) and YBHI adds an 11th — the majority is followed, and a reader should
 * tolerate extra trailing columns. Required flags are not stated: all optional.
 */
export const RECONCILE_RESULT_FILE_COLUMNS: FieldSpec[] = [
  C('psn_no', '人员编号', 30, false),
  C('mdtrt_id', '就诊ID', 30, false),
  C('setl_id', '结算ID', 30, false),
  C('msgid', '发送方报文ID', 30, false, {
    note: 'msgid of the original settlement call: traces back to the 2102 call, or reverses it with 2601',
  }),
  C('stmt_rslt', '对账结果', 6, false, { codeSet: 'stmt_rslt' }),
  C('refd_setl_flag', '退费结算标志', 3, false, { codeSet: 'refd_setl_flag' }),
  C('memo', '备注', 500, false),
  money('medfee_sumamt', '医疗费总额', false, { note: 'centre-side value (ZB names these HICENT_*)' }),
  money('fund_pay_sumamt', '基金支付总额', false, { note: 'centre-side value' }),
  money('acct_pay', '个人账户支出', false, { note: 'centre-side value' }),
];

/**
 * How the 3202 files are laid out (inventory.md §6.2). Encoding rests on one source (ZB); whether an empty
 * cell is blank or the text "null" is not settled: we write blank, and a reader should take both as empty.
 */
export const RECONCILE_FILE_FORMAT = {
  /** plain .txt, one record per line, TAB-separated, no header row (OH, ZB, NMG-UI) */
  separator: '\t',
  /** ZB joins lines with \n and writes no trailing newline */
  lineBreak: '\n',
  trailingNewline: false,
  header: false,
  /** UTF-8 in ZB; no other source states an encoding */
  encoding: 'utf-8',
  /** the .txt is zipped and the zip bytes go into 9101 `in`; ZB names the entry <yyyyMMddHHmmss>.txt */
  zipped: true,
  /** what we write for an empty cell; the YBHI mock uses the literal text "null" */
  emptyCell: '',
} as const;

// ---------------------------------------------------------------------------------------------------
// The interfaces
// ---------------------------------------------------------------------------------------------------

export const INVENTORY_INTERFACES: InterfaceSpec[] = [
  {
    infno: '3201',
    name: '医药机构费用结算对总账',
    mandatory: true,
    group: GROUP_RECONCILE,
    input: [obj('data', DATA_3201, true)],
    output: [
      obj(
        'stmtinfo',
        [
          C('setl_optins', '结算经办机构', 6, false),
          C('stmt_rslt', '对账结果', 6, true, {
            codeSet: 'stmt_rslt',
            note:
              'read "0" as balanced and anything else as not (OH and two more callers do); the meanings of 1–3 ' +
              'come from one unnamed source, and a mock returns six-digit codes instead',
          }),
          C('stmt_rslt_dscr', '对账结果说明', 200, false),
        ],
        true,
      ),
    ],
    confidence: 'high',
    note:
      'Run per (insutype, clr_type, setl_optins) and date range over the local settlements; only when the ' +
      'result is not balanced, go on to 3202. Reply required flags are not stated: stmt_rslt is required ' +
      'because the reply means nothing without it, the rest optional. Paths: /fsi/api/ybSettlementStmtService/' +
      'stmtTotal (one Hebei build) or the single-gateway path (Jilin) — a region-profile matter.',
    source: 'inventory.md §6.1',
  },
  {
    infno: '3202',
    name: '医药机构费用结算对明细账',
    mandatory: true,
    group: GROUP_RECONCILE,
    input: [obj('data', DATA_3202, true)],
    output: [
      obj(
        'fileinfo',
        [
          C('file_qury_no', '文件查询号', 30, true, { note: 'pass to 9102 to download the result file' }),
          C('filename', '文件名', 200, true, { note: 'pass to 9102 with file_qury_no' }),
          DT('dld_endtime', '下载截止时间', true, { note: 'download deadline' }),
        ],
        true,
      ),
    ],
    confidence: 'high',
    note:
      'Sequence: write the detail file (RECONCILE_DETAIL_FILE_COLUMNS, RECONCILE_FILE_FORMAT) → zip → 9101 → ' +
      'file_qury_no → 3202 → fileinfo → 9102 → unzip → result rows (RECONCILE_RESULT_FILE_COLUMNS), resolved by ' +
      'msgid/setl_id. 3202 itself carries no bytes, so `file` is not set; 9101/9102 are defined elsewhere ' +
      '(transport.md §5). Field confidence high, file layout medium (column order and encoding disagree between ' +
      'sources). The dld_endtime label 下载截止时间 is from transport.md §5 (9101 output).',
    source: 'inventory.md §6.2',
  },
  {
    infno: '3501',
    name: '商品盘存上传',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('invinfo', INVINFO_3501, true, 'a single object'), traceNode('invinfo')],
    output: [result(false, RESULT_INFERRED)],
    confidence: 'high',
    note: 'For a go-live or periodic stock count. Path /fsi/api/goodsService/goodsUpload in one Hebei build.',
    source: 'inventory.md §3.1',
  },
  {
    infno: '3501A',
    name: '商品盘存上传 (batch)',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [list('invinfoDetail', INVINFO_3501, true), traceNode('invinfoDetail')],
    output: [
      result(false, `${RESULT_INFERRED} (choice: 3503A/3505A/3507A answer this way)`),
      list(
        'invinfoErrDetail',
        [
          C('med_list_codg', '医疗目录编码', 50, false),
          C('fixmedins_hilist_id', '定点医药机构目录编号', 30, false),
          C('fixmedins_hilist_name', '定点医药机构目录名称', 200, false),
          C('fixmedins_bchno', '定点医药机构批次流水号', 30, false, { note: 'the row key' }),
          ...RESULT_FIELDS.map((f) => ({ ...f, required: false })),
          C('memo', '备注', 500, false),
        ],
        false,
        'choice, by analogy with 3502A (same invinfoDetail input): a list of the rows that failed, keyed by ' +
          'fixmedins_bchno, each with retRslt/msgRslt',
      ),
    ],
    confidence: 'medium',
    note:
      `${BATCH_NOTE} Output: not documented in any source. Assumed (a choice, not a fact): the reply is either a ` +
      'whole-call result {retRslt, msgRslt} or a per-row list invinfoErrDetail of failed rows (as 3502A), so ' +
      'both are declared optional and a client reads whichever arrives; with neither, infcode=0 is taken as ' +
      'all rows accepted.',
    source: 'inventory.md §3.8',
  },
  {
    infno: '3502',
    name: '商品库存变更',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('invinfo', INVINFO_3502, true), traceNode('invinfo')],
    output: [result(false, RESULT_INFERRED)],
    confidence: 'high',
    note:
      'Transfers, 盘盈/盘损, destruction, gifts and initial stock go here with inv_chg_type (a dictionary from a ' +
      'single unnamed source). Path /fsi/api/goodsService/goodsUpdate in one Hebei build.',
    source: 'inventory.md §3.2',
  },
  {
    infno: '3502A',
    name: '商品库存变更 (batch)',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [list('invinfoDetail', INVINFO_3502, true), traceNode('invinfoDetail')],
    output: [
      list(
        'invinfoErrDetail',
        [
          C('med_list_codg', '医疗目录编码', 50, false),
          C('inv_chg_type', '库存变更类型', 6, false, { codeSet: 'inv_chg_type' }),
          C('fixmedins_hilist_id', '定点医药机构目录编号', 30, false),
          C('fixmedins_hilist_name', '定点医药机构目录名称', 200, false),
          C('fixmedins_bchno', '定点医药机构批次流水号', 30, false, { note: 'the row key' }),
          ...RESULT_FIELDS.map((f) => ({ ...f, required: false })),
          C('memo', '备注', 500, false),
        ],
        false,
        'the rows that failed (GK; NMG Output_3502A.cs); optional: an absent or empty list is read as all rows ' +
          'accepted (inferred)',
      ),
    ],
    confidence: 'medium',
    note: `${BATCH_NOTE} Output: per-row errors in invinfoErrDetail (documented).`,
    source: 'inventory.md §3.8',
  },
  {
    infno: '3503',
    name: '商品采购',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('purcinfo', PURCINFO_3503, true)],
    output: [result(true, RESULT_DOCUMENTED)],
    confidence: 'high',
    note:
      'No drugtracinfo in any 3503 source. An earlier NMG version also carried spec, min_pacunt, pac_cnt, ' +
      'pacunt, rtal_pric (origin unknown, possibly provincial) — not included. Path /fsi/api/goodsService/goodsBuy ' +
      'in one Hebei build.',
    source: 'inventory.md §3.3',
  },
  {
    infno: '3503A',
    name: '商品采购 (batch)',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [list('purcinfoDetail', PURCINFO_3503, true)],
    output: [result(true, `${RESULT_DOCUMENTED}; NMG: shared with 3503`)],
    confidence: 'medium',
    note:
      `${BATCH_NOTE} No drugtracinfo (as 3503). Output: one result for the whole call, no per-row results; ` +
      'whether retRslt "0" rejects the whole batch or only some rows is not documented — assumed (a choice): the ' +
      'whole batch, so all its rows are retried after the fault is fixed.',
    source: 'inventory.md §3.8',
  },
  {
    infno: '3504',
    name: '商品采购退货',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('purcinfo', PURCINFO_3504, true)],
    output: [result(false, RESULT_INFERRED)],
    confidence: 'high',
    note:
      'Node purcinfo (BZ model, HSA, GK, NMG); BZ-JS sends selinfo — the majority is followed. No source has ' +
      'manu_lotnum or drugtracinfo in 3504. Path /fsi/api/goodsService/goodsBuyReturn in one Hebei build.',
    source: 'inventory.md §3.4',
  },
  {
    infno: '3504A',
    name: '商品采购退货 (batch)',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [list('purcinfoDetail', PURCINFO_3504, true)],
    output: [
      list(
        'purcinfoErrDetail',
        [
          C('med_list_codg', '医疗目录编码', 50, false),
          C('fixmedins_hilist_id', '定点医药机构目录编号', 30, false),
          C('fixmedins_hilist_name', '定点医药机构目录名称', 200, false),
          C('fixmedins_bchno', '定点医药机构批次流水号', 30, false, { note: 'the row key' }),
          C('medins_prod_purc_no', '商品采购流水号', 50, false),
          ...RESULT_FIELDS.map((f) => ({ ...f, required: false })),
          C('memo', '备注', 500, false),
        ],
        false,
        'the rows that failed (NMG Output_3504A.cs; GK). NMG declares it as one object, not a list: declared a ' +
          'list here (per-row results, as 3502A), and a reader should accept a single object as a list of one',
      ),
    ],
    confidence: 'medium',
    note: `${BATCH_NOTE} No drugtracinfo (as 3504). Output: per-row errors in purcinfoErrDetail.`,
    source: 'inventory.md §3.8',
  },
  {
    infno: '3505',
    name: '商品销售',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('selinfo', SELINFO_3505, true), traceNode('selinfo')],
    output: [result(true, RESULT_DOCUMENTED)],
    confidence: 'high',
    note:
      'Uploaded for every sale, insured or self-pay. Insured: setl_id = the settlement setl_id, mdtrt_sn = ' +
      'mdtrt_id, hi_feesetl_type 1 (or 2 remote, one source), mdtrt_setl_type 1. Self-pay: hi_feesetl_type 0, ' +
      "mdtrt_setl_type 2, setl_id empty, mdtrt_sn = the pharmacy's own serial. YBHI's required list (its tables " +
      '206/208) also covers fixmedins_hilist_id/name, fixmedins_bchno, prsc_dr_name, manu_lotnum, manu_date, ' +
      'rtal_docno, sel_retn_*. Whether 3505 is still sent for an e-prescription sale besides 7207 is not known. ' +
      'Path /fsi/api/goodsService/goodsSell in one Hebei build.',
    source: 'inventory.md §3.5',
  },
  {
    infno: '3505A',
    name: '商品销售 (batch)',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [list('selinfoDetail', SELINFO_3505, true), traceNode('selinfoDetail')],
    output: [result(true, RESULT_DOCUMENTED)],
    confidence: 'medium',
    note:
      `${BATCH_NOTE} YBHI groups a sale's codes by (visit, drug, batch, dispense) into one row with all of its ` +
      'codes in drugtracinfo. Output: one result for the whole call, no per-row results; assumed (a choice): ' +
      'retRslt "0" rejects the whole batch, so all its rows are retried after the fault is fixed.',
    source: 'inventory.md §3.8',
  },
  {
    infno: '3506',
    name: '商品销售退货',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('selinfo', SELINFO_3506, true), traceNode('selinfo')],
    output: [
      result(
        false,
        'the mirrored spec page (PJX, table 146) says there is no output; the OH controller parses result ' +
          '{retRslt, msgRslt} — inferred: newer platforms return it. Optional',
      ),
    ],
    confidence: 'high',
    note:
      'A customer return; an insured return also reverses the settlement (2103). Carry the original sale in ' +
      'medins_prod_sel_no and the visit in mdtrt_sn. PJX calls the input "流式文件" — every implementation sends ' +
      'JSON, so JSON is assumed. Path /fsi/api/goodsService/goodsSellReturn in one Hebei build.',
    source: 'inventory.md §3.6',
  },
  {
    infno: '3506A',
    name: '商品销售退货 (batch)',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [list('selinfoDetail', SELINFO_3506, true), traceNode('selinfoDetail')],
    output: [
      result(
        false,
        'not documented in the notes. Choice: result {retRslt, msgRslt} as 3505A — NMG Output_3506A.cs, read for ' +
          'this definition, declares exactly that. Optional',
      ),
    ],
    confidence: 'medium',
    note:
      `${BATCH_NOTE} Output: not documented in the notes; assumed (a choice) one whole-call result as 3505A, no ` +
      'per-row results, and retRslt "0" rejects the whole batch.',
    source: 'inventory.md §3.8',
  },
  {
    infno: '3507',
    name: '商品信息删除',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('data', DATA_3507, true)],
    output: [result(false, RESULT_INFERRED)],
    confidence: 'high',
    note:
      'Deletes one batch record uploaded earlier (wrong upload → 3507, then resend). Path /fsi/api/goodsService/' +
      'goodsInfoDelete in one Hebei build.',
    source: 'inventory.md §3.7',
  },
  {
    infno: '3507A',
    name: '商品信息删除 (batch)',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [list('goodDetail', DATA_3507, true, 'array of {fixmedins_bchno, inv_data_type}')],
    output: [result(true, RESULT_DOCUMENTED)],
    confidence: 'medium',
    note:
      `${BATCH_NOTE} Send infno "3507A" (GK wrongly sends "3507"). Output: one result for the whole call, no ` +
      'per-row results; assumed (a choice): retRslt "0" rejects the whole batch.',
    source: 'inventory.md §3.8',
  },
  {
    infno: '3508',
    name: '定点医药机构商品库存信息查询',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('data', INPUT_3508, true, QUERY_INPUT_NOTE)],
    output: [obj('', OUTPUT_3508, false, QUERY_OUTPUT_NOTE)],
    confidence: 'medium',
    note:
      'Output columns in the order the notes list them (27). Lengths and types not stated in §4.1 are those of ' +
      'the same fields in 3501 (analog); audit-column labels from catalogue.md. URL path: not found.',
    source: 'inventory.md §4.1',
  },
  {
    infno: '3509',
    name: '定点医药机构商品库存变更记录查询',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('data', INPUT_3509, true, QUERY_INPUT_NOTE)],
    output: [obj('', OUTPUT_3509, false, QUERY_OUTPUT_NOTE)],
    confidence: 'medium',
    note:
      'Output columns in the order the notes list them (27). Lengths and types not stated in §4.2 are those of ' +
      'the same fields in 3502 (analog). URL path: not found.',
    source: 'inventory.md §4.2',
  },
  {
    infno: '3510',
    name: '定点医药机构商品采购信息查询',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('data', INPUT_3510, true, QUERY_INPUT_NOTE)],
    output: [obj('', OUTPUT_3510, false, QUERY_OUTPUT_NOTE)],
    confidence: 'medium',
    note:
      'The notes do not list the output columns one by one; rebuilt from the filters plus finl_trns_pric, ' +
      'purc_retn_cnt and the audit columns — 37, the count the notes give; order unknown. Lengths and types not ' +
      'stated in §4.3 are those of the same fields in 3503 (analog). URL path: not found.',
    source: 'inventory.md §4.3',
  },
  {
    infno: '3511',
    name: '定点医药机构商品销售信息查询',
    mandatory: true,
    group: GROUP_INVENTORY,
    input: [obj('data', INPUT_3511, true, QUERY_INPUT_NOTE)],
    output: [obj('', OUTPUT_3511, false, QUERY_OUTPUT_NOTE)],
    confidence: 'medium',
    note:
      'The notes do not list the output columns one by one; rebuilt from the filters plus sel_retn_cnt, ' +
      'finl_trns_pric and the audit columns — 43, the count the notes give; order unknown. Lengths and types not ' +
      'stated in §4.4 are those of the same fields in 3505 (analog). GK misspells medins_list_codg as ' +
      'medins_list_cod. URL path: not found.',
    source: 'inventory.md §4.4',
  },
  {
    infno: '3512',
    name: '入库药品追溯信息查询',
    mandatory: false,
    group: GROUP_INVENTORY,
    input: [obj('data', INPUT_3512, true)],
    output: [obj('', OUTPUT_3512, false, QUERY_OUTPUT_NOTE)],
    confidence: 'medium',
    note:
      'Reads back the trace codes the platform holds for stocked goods. Input node `data` as for 3508–3511 ' +
      '(inventory.md §4 heading). Output lengths other than drug_trac_codg are those of the same 3508 fields ' +
      '(analog). Paging: not found.',
    source: 'inventory.md §4.5',
  },
  {
    infno: '3513',
    name: '销售药品追溯信息查询',
    mandatory: false,
    group: GROUP_INVENTORY,
    input: [obj('data', INPUT_3513, true)],
    output: [obj('', OUTPUT_3513, false, `${QUERY_OUTPUT_NOTE} No lengths: NMG's length column is shifted.`)],
    confidence: 'medium',
    note:
      'Reads back the trace codes of sold goods. Input lengths not given in §4.5 are those of the same fields in ' +
      '3512/3505/3202 (analog). Paging: not found.',
    source: 'inventory.md §4.5',
  },
];
