import { type CodeSet } from './codeset-types';

/**
 * Code sets of the catalogue interfaces (catalogue.md §5). Dictionaries are regional: the authoritative
 * values at run time come from 1901, so none of these sets is `closed` — an unknown code is a warning.
 *
 * Left out on purpose:
 * - insutype (§5.4): defined with the settlement code sets; catalogue.md lists a subset of settlement.md §10
 *   and adds no value.
 * - trdn_flag, rx_flag, hi_feesetl_type (§5.5): fields of the stock-ledger uploads 3501–3506; their home is
 *   inventory.md §2.3 and the inventory code sets, and catalogue.md either repeats them or found no values.
 * - otc_flag, psn_type, lmt_used_flag, med_use_flag, matn_used_flag, hilist_use_type, lmt_cpnd_type,
 *   hilist_lmtpric_type, overlmt_dspo_way, selfpay_prop_type (§5.5): flagged as dictionary-coded, but no
 *   values were found. An empty set would turn every real value into a warning, so these fields carry no
 *   codeSet and say "load with 1901" in their note instead.
 */
export const CATALOGUE_CODESETS: CodeSet[] = [
  {
    name: 'list_type',
    label: '目录类别',
    codes: {
      '101': '西药',
      '102': '中成药',
      '103': '中药饮片',
      // 104 comes from HSA only; kept because no source contradicts it.
      '104': '自制剂',
      '105': '民族药',
      '201': '医疗服务项目',
      '301': '医用耗材',
    },
    // Guangdong uses 101 = 西药中成药 (combined, its own GDSI_LIST_TYPE dictionary). A region profile should
    // relabel 101 and treat 102 as unused there; the national split above is the majority reading (HSA and
    // the Zhejiang code agree). Not to be confused with 3101's hilist_type, a different field.
    source:
      'catalogue.md §5.1 (HSA Constants.java UNIFIED_PAY_TYPE; unnamed Zhejiang code); Guangdong 101 = 西药中成药 (GZ Process.cs)',
  },
  {
    name: 'chrgitm_lv',
    label: '收费项目等级',
    codes: {
      '01': '甲类',
      '02': '乙类',
      // 丙类 per catalogue.md §5.2; NT-YB's dictionary calls the same level 3 "自费" (settlement.md §10).
      '03': '丙类',
    },
    // The catalogue sources and real responses pad to two digits ("01"/"03"), NT-YB does not ("1"/"3"):
    // compare leniently so both forms are recognised.
    lenientPadding: true,
    source: 'catalogue.md §5.2 (HSA InptPrintMapper.xml; unnamed public code); NT-YB 1/2/3 in settlement.md §10',
  },
  {
    name: 'med_chrgitm_type',
    label: '医疗收费项目类别',
    codes: {
      '01': '床位费',
      '02': '诊察费',
      '03': '检查费',
      '04': '化验费',
      '05': '治疗费',
      '06': '手术费',
      '07': '护理费',
      '08': '卫生材料费',
      '09': '西药费',
      '10': '中药饮片费',
      '11': '中成药费',
      '12': '一般诊疗费',
      '13': '挂号费',
      // 14 is in both unnamed sources; NT-YB stops at 13 but a sample shows 14 (settlement.md §10).
      '14': '其他费',
    },
    source: 'catalogue.md §5.3 (two unnamed public sources; NT-YB agrees for 01–13)',
  },
  {
    name: 'vali_flag',
    label: '有效标志',
    codes: {
      '1': '有效',
      // 0 is inferred as the complement of 1; no source sends it.
      '0': '无效',
    },
    source: 'catalogue.md §5.5 (HSA sends Constants.SF.S = "1"; 0 = 无效 inferred)',
  },
  {
    name: 'tcmpat_flag',
    label: '中成药标志',
    codes: {
      '1': '是',
      '0': '否',
    },
    // Low confidence (one unnamed source). Used to split the 1301 file into 西药 / 中成药 (column 23).
    source: 'catalogue.md §5.5, §2.1 idx 23 (unnamed public code, low confidence)',
  },
];
