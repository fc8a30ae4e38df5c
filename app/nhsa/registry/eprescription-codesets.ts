/**
 * Code sets of the e-prescription interfaces (eprescription.md §6) and of the electronic settlement
 * vouchers (vouchers.md §2). Names are the snake_case wire field they describe; a camelCase field of the
 * hospital side (bizTypeCode) is named by its snake_case form (biz_type_code).
 *
 * Why some sets are empty: the field is dictionary-coded but no source gives its values (§6 "not found").
 * The set still exists so the field can name its dictionary and a region can fill it from 1901; until
 * then every value is only a warning, never a refusal. No set is `closed`: regions extend them all.
 */
import { type CodeSet } from './codeset-types';

const ERX = 'eprescription.md §6';

/** The 0 否 / 1 是 flags of §6 (S3, S7, S8): one set per wire field, so each field names its own dictionary. */
function yesNo(name: string, label: string, source: string): CodeSet {
  return { name, label, codes: { '0': '否', '1': '是' }, source };
}

/** A dictionary-coded field whose values no source gives: filled per region from 1901. */
function valuesNotFound(name: string, label: string, detail = ''): CodeSet {
  return { name, label, codes: {}, source: `${ERX}: values not found${detail}` };
}

export const EPRESCRIPTION_CODESETS: CodeSet[] = [
  {
    name: 'rx_stas_codg',
    label: '医保处方状态',
    codes: { '1': '有效', '2': '已失效', '3': '已撤销' },
    source: `${ERX} (S3 Output_D003 comment; S17 confirms 1 = effective)`,
  },
  valuesNotFound('rx_used_stas_codg', '处方使用状态', ' (names come back in rx_used_stas_name)'),
  valuesNotFound(
    'rx_chk_stas_codg',
    '处方审核状态',
    ' (length 10 in uploads, 3 in query output; S7 mock uses 001, test data only)',
  ),
  valuesNotFound('take_drug_flag', '取药标志'),
  valuesNotFound('delv_stas_codg', '配送状态编码'),
  valuesNotFound('delver_geo_type', '配送位置经纬度类型'),
  {
    name: 'biz_type_code',
    label: '业务类型',
    codes: { '01': '定点医疗机构就诊', '02': '互联网医院问诊' },
    source: `${ERX} (S3)`,
  },
  {
    name: 'rx_exra_attr_code',
    label: '处方附加属性',
    codes: { '01': '双通道处方', '02': '门诊统筹处方', '03': '其他' },
    source: `${ERX} (S3)`,
  },
  yesNo('rept_flag', '复用（多次）使用标志', `${ERX} (S3, S8)`),
  yesNo('long_rx_flag', '长期处方标志', `${ERX} (S3, S7)`),
  yesNo('imp_drug_flag', '是否进口药品', `${ERX} (S3, S8)`),
  yesNo('nwb_flag', '新生儿标志', `${ERX} (S7, S8)`),
  yesNo('suck_prd_flag', '哺乳期标志', `${ERX} (S7, S8)`),
  yesNo('fstdiag_flag', '是否初诊', `${ERX} (S7, S8)`),
  yesNo('main_medc_flag', '主要用药标志', `${ERX} (S7)`),
  yesNo('urgt_flag', '加急标志', `${ERX} (S7)`),
  // Also described in inventory.md §2.3 for 3505/3506 (0 否 / 1 是, same values): deduplicate when merged.
  // trdn_flag (拆零标志) is shared with the stock ledger: defined once in inventory-codesets.ts.
  {
    name: 'otp_ipt_flag',
    label: '门诊住院标志',
    codes: { '1': '门诊', '2': '住院' },
    source: `${ERX} (S3, S4; empty means 1)`,
  },
  {
    name: 'otc_flag',
    label: '是否OTC药品',
    codes: { '0': '处方药品', '1': 'OTC' },
    source: `${ERX} (S3; 0 is the default)`,
  },
  // rx_circ_flag 外购处方标志 (§6: 0 不外购, 1 外购, S9) is not defined here: settlement-codesets.ts already
  // defines it with these values (and inventory-codesets.ts as 0 否 / 1 是), and no e-prescription field uses it.
  {
    // The wire field of the 2021 draft 核销 is camelCase `payMode`; the set keeps the snake_case convention.
    name: 'pay_mode',
    label: '支付方式',
    codes: { '1': '自费', '2': '医保', '3': '自费+医保' },
    source: `${ERX} (S8, 2021 draft 核销)`,
  },
  {
    // Jiangsu-only stock query rxSetlStockQuery (S4); kept because §6 lists it, no registry field uses it.
    // The notes give no Chinese name for the set: the label is ours.
    name: 'accept',
    label: '库存满足情况',
    codes: { '0': '部分满足', '1': '全部满足', '-1': '无库存', '-2': '处方信息异常' },
    source: `${ERX} (S4, Jiangsu only)`,
  },
  {
    name: 'msg_code',
    label: '成功标志',
    codes: { '0': '成功' },
    source: `${ERX} (S10: 0 = success, anything else = failure)`,
  },

  // Electronic settlement vouchers: values of the proxy uploader only (vouchers.md §2), not the spec; the
  // proxy gives no Chinese names for these two columns, so the labels are ours.
  {
    name: 'setl_type',
    label: '结算类型',
    codes: { '1': '医保', '2': '自费' },
    source: 'vouchers.md §2 (proxy: cavy1050/ElectronicCertificateUpload values "in this code", not confirmed)',
  },
  {
    name: 'mdtrt_type',
    label: '就诊类型',
    codes: { '1': '门诊', '2': '住院' },
    source: 'vouchers.md §2 (proxy: cavy1050/ElectronicCertificateUpload, not confirmed)',
  },
];
