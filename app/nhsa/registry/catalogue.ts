import { type FieldSpec, type InterfaceSpec, type NodeSpec } from './types';

/**
 * Catalogue interfaces of the retail-pharmacy acceptance test (catalogue.md §1–§3), plus the optional 1319.
 *
 * Conventions used throughout, so that each field does not repeat them:
 * - 字符型 → C, 数值型 → N, 整型 → N with scale 0.
 * - 日期型 is used by the sources for both dates and date-times. Where the notes give a format it wins
 *   (dld_end_time yyyy-MM-dd per SZ); otherwise the wire name decides: `*_time` → DT, `*date` → D. Fields whose
 *   Chinese label disagrees with that rule (query_date 查询时间点, 1901 create_date 创建时间) say so in `note`.
 * - Counts (page_num, page_size, data_cnt, paging wrapper, min_pac_cnt) get scale 0: they are whole numbers,
 *   and the sources give them a length without decimals.
 * - A field flagged "code" (代码标识) whose values were not found carries no codeSet (an empty set would warn
 *   on every real value); its note says to load the values with 1901.
 * - Required flags are as transcribed unless the field's note records a choice.
 */

// ---------------------------------------------------------------------------------------------------------
// Field helpers (keep the tables below one line per field)
// ---------------------------------------------------------------------------------------------------------

type Req = FieldSpec['required'];
type Extra = Pick<FieldSpec, 'codeSet' | 'note' | 'scale'>;

function c(name: string, label: string, length: number | undefined, required: Req, extra: Extra = {}): FieldSpec {
  return length === undefined
    ? { name, label, type: 'C', required, ...extra }
    : { name, label, type: 'C', length, required, ...extra };
}

function n(name: string, label: string, length: number | undefined, required: Req, extra: Extra = {}): FieldSpec {
  return length === undefined
    ? { name, label, type: 'N', required, ...extra }
    : { name, label, type: 'N', length, required, ...extra };
}

function d(name: string, label: string, required: Req, extra: Extra = {}): FieldSpec {
  return { name, label, type: 'D', required, ...extra };
}

function dt(name: string, label: string, required: Req, extra: Extra = {}): FieldSpec {
  return { name, label, type: 'DT', required, ...extra };
}

const CODE_NOT_FOUND = 'dictionary-coded (代码标识); values not found — load with 1901';
const ADMDVS_CODE = 'dictionary-coded (医保区划 code); no code set here — load with 1901';

const GROUP_CATALOGUE = '1-基础信息 / 3-目录下载';
const GROUP_MAPPING = '3-医药机构管理 / 3-目录对照';

// ---------------------------------------------------------------------------------------------------------
// File / version family (catalogue.md §1.2): input data {ver}, output = a file reference fetched with 9102
// ---------------------------------------------------------------------------------------------------------

function fileVersionInput(): NodeSpec[] {
  return [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        c('ver', '版本号', 20, true, {
          note:
            'the local maximum version (SZ). First call: GZ sends "0", NT-DB defaults to "0000". Whether the ' +
            "platform compares it with the rows' ver or ver_name is not settled (catalogue.md §1.4)",
        }),
      ],
      note:
        'GZ, NMG and YBHI send input.data.ver; SZ sends input.ver without the data wrapper for 1301–1305 — a ' +
        'region profile can drop the wrapper',
    },
  ];
}

function fileVersionOutput(): NodeSpec[] {
  return [
    {
      node: '',
      shape: 'object',
      required: true,
      fields: [
        c('file_qury_no', '文件查询号', 40, 'conditional', {
          note:
            'length 40 per SZ; 9102 declares it 30 (disagreement — 40 chosen so a real value never warns). ' +
            'Marked Y in the table, but an empty value means "no new data" (YBHI, secondary): chosen ' +
            'conditional = present whenever there is a file; empty ends the version loop, it is not an error',
        }),
        c('filename', '文件名', 100, 'conditional', {
          note:
            'e.g. <digits>.txt.zip; the zip holds one .txt named without .zip. Y in the table; conditional ' +
            'like file_qury_no, since there is no file when there is no new data (inferred)',
        }),
        d('dld_end_time', '下载截止日期', 'conditional', {
          note:
            'D: SZ gives yyyy-MM-dd although the name ends in _time. Spelled dld_end_time here, unlike ' +
            '3202/9101 dld_endtime. Y in the table; conditional like file_qury_no (inferred)',
        }),
        n('data_cnt', '数据量', undefined, false, {
          scale: 0,
          note:
            'required flag and length not stated by any source: chosen optional. NMG misspells it data_cn. ' +
            'data_cnt = 0 is taken as "no new data" (inferred)',
        }),
      ],
    },
  ];
}

function fileVersionSpec(
  infno: string,
  name: string,
  confidence: InterfaceSpec['confidence'],
  source: string,
  note: string,
): InterfaceSpec {
  return {
    infno,
    name,
    mandatory: true,
    group: GROUP_CATALOGUE,
    input: fileVersionInput(),
    output: fileVersionOutput(),
    confidence,
    note:
      'file/version download: call with the local max version, fetch the file with 9102 (fsDownloadIn, ' +
      'fixmedins_code "plc"), import, repeat until no new data. Column layout in catalogue-files.ts. ' +
      'The file itself travels in 9102, so `file` is not set here. ' +
      note,
    source,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Paged query family (catalogue.md §1.5): input data {filters…, updt_time, page_num, page_size}, output
// paging wrapper + data[]
// ---------------------------------------------------------------------------------------------------------

function pagingInput(): FieldSpec[] {
  return [
    dt('updt_time', '更新时间', true, {
      note: 'the last successful sync time, or an early date for a full pull (inferred loop, catalogue.md §1.5)',
    }),
    n('page_num', '当前页数', 4, true, { scale: 0, note: 'starts at 1' }),
    n('page_size', '本页数据量', 4, true, { scale: 0, note: 'maximum allowed value not found' }),
  ];
}

const WRAPPER_LABEL_NOTE =
  'paging wrapper (NMG Output_13xx models, seen in real traffic); no source gives a Chinese name or a type — ' +
  'the label is descriptive, not from the specification. NMG models it as a string; N chosen since it is a count';

/** The paging wrapper around output.data[] (NMG). GZ declares `output` as a bare list — looks untested. */
function pagingWrapper(): NodeSpec {
  const w = (name: string, label: string, extra = ''): FieldSpec =>
    n(name, label, undefined, false, { scale: 0, note: WRAPPER_LABEL_NOTE + extra });
  return {
    node: '',
    shape: 'object',
    required: true,
    fields: [
      w('firstPage', '首页'),
      w('lastPage', '末页'),
      w('size', '本页实际行数'),
      w('startRow', '起始行号'),
      w('pageSize', '本页数据量', '; label borrowed from input page_size'),
      w('pageNum', '当前页数', '; label borrowed from input page_num'),
      w('recordCounts', '总记录数', '; HSA reads it'),
      w('pages', '总页数', '; the loop stops when pageNum >= pages or data.length < page_size (inferred)'),
    ],
    note: 'all wrapper fields optional: HSA reads only recordCounts and data',
  };
}

function pagedOutput(rows: FieldSpec[], note?: string): NodeSpec[] {
  const list: NodeSpec = {
    node: 'data',
    shape: 'list',
    required: true,
    fields: rows,
    note:
      'HSA copes with `data` coming back as a string error message when there is a problem' + (note ? `. ${note}` : ''),
  };
  return [pagingWrapper(), list];
}

/** Audit tail shared by the 1312, 1317, 1318 and 1319 rows (identical in the notes). */
function auditTail(): FieldSpec[] {
  return [
    c('rid', '唯一记录号', 40, true),
    dt('updt_time', '更新时间', true),
    c('crter_id', '创建人', 20, false),
    c('crter_name', '创建人姓名', 50, false),
    dt('crte_time', '创建时间', true),
    c('crte_optins_no', '创建机构', 20, false),
    c('opter_id', '经办人', 20, false),
    c('opter_name', '经办人姓名', 50, false),
    dt('opt_time', '经办时间', false),
    c('optins_no', '经办机构', 20, false),
  ];
}

const QUERY_DATE_NOTE = 'D by the wire name; the label 查询时间点 suggests a point in time — clients send it empty';

// ---------------------------------------------------------------------------------------------------------
// 1304 民族药品目录查询 (catalogue.md §2.3)
// ---------------------------------------------------------------------------------------------------------

const SPEC_1304: InterfaceSpec = {
  infno: '1304',
  name: '民族药品目录查询',
  mandatory: true,
  group: GROUP_CATALOGUE,
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        c('med_list_codg', '医疗目录编码', 50, false, {
          note:
            'transcribed 20 for the input, 50 in the output; national codes are 23–27 characters (§4), so 50 ' +
            'is chosen: a real code must not be refused locally',
        }),
        c('genname_codg', '通用名编号', 100, false, {
          note: 'input 100 vs output 20 — the larger kept (the input and output lengths look swapped)',
        }),
        c('drug_genname', '药品通用名', 500, false, {
          note: 'transcribed 20 for the input, 500 in the output — 500 chosen so a real name is not refused',
        }),
        c('drug_prodname', '药品商品名', 500, false),
        c('reg_name', '注册名称', 500, false, { note: 'the "V2" input replaces it with cpnd_flag' }),
        c('tcmherb_name', '中草药名称', 30, false),
        c('mlms_name', '药材名称', 255, false, { note: 'dropped in the "V2" input' }),
        c('vali_flag', '有效标志', 3, false, { codeSet: 'vali_flag' }),
        c('rid', '唯一记录号', 30, false),
        c('ver', '版本号', 20, false),
        c('ver_name', '版本名称', 30, false, { note: 'dropped in the "V2" input' }),
        dt('opt_begn_time', '经办开始时间', false),
        dt('opt_end_time', '经办结束时间', false),
        ...pagingInput(),
      ],
    },
  ],
  output: pagedOutput([
    c('med_list_codg', '医疗目录编码', 50, true),
    c('drug_prodname', '药品商品名', 500, false),
    c('genname_codg', '通用名编号', 20, false),
    c('drug_genname', '药品通用名', 500, false),
    c('ethdrug_type', '民族药种类', 3, false, { note: CODE_NOT_FOUND }),
    c('chemname', '化学名称', 100, false),
    c('alis', '别名', 100, false),
    c('eng_name', '英文名称', 500, false),
    c('dosform', '剂型', 500, false),
    c('each_dos', '每次用量', undefined, false, { note: 'length not given' }),
    c('used_frqu', '使用频次', 30, false),
    c('nat_drug_no', '国家药品编号', 20, false),
    c('used_mtd', '用法', undefined, false, { note: 'length not given' }),
    c('ing', '成分', 500, false),
    c('chrt', '性状', 500, false),
    c('defs', '不良反应', 1000, false),
    c('tabo', '禁忌', 500, false),
    c('mnan', '注意事项', 500, false),
    c('stog', '贮藏', 500, false),
    c('drug_spec', '药品规格', 500, false),
    c('prcunt_type', '计价单位类型', 3, false, { note: CODE_NOT_FOUND }),
    c('otc_flag', '非处方药标志', 3, false, { note: CODE_NOT_FOUND }),
    c('pacmatl', '包装材质', 500, false),
    c('pacspec', '包装规格', 100, false, {
      note:
        'printed as length 3 in the source table — too short for any package spec; 100 chosen from the ' +
        'same field in 1317/3301 so real replies do not warn',
    }),
    c('min_useunt', '最小使用单位', 30, false),
    c('min_salunt', '最小销售单位', 30, false),
    c('manl', '说明书', 2000, false),
    c('rute', '给药途径', 30, false),
    d('begndate', '开始日期', false),
    d('enddate', '结束日期', false),
    c('pham_type', '药理分类', 40, false),
    c('memo', '备注', 500, false),
    c('pac_cnt', '包装数量', 20, false, { note: '字符型 in this table although it is a count' }),
    c('min_unt', '最小计量单位', 30, false),
    n('min_pac_cnt', '最小包装数量', 20, false, {
      scale: 0,
      note: '数值型 20; a count (NT-DB stores the 1301 column as int)',
    }),
    c('min_pacunt', '最小包装单位', 30, false),
    c('min_prepunt', '最小制剂单位', 30, false),
    c('drug_expy', '药品有效期', 100, false),
    c('efcc_atd', '功能主治', undefined, false, { note: 'length not given' }),
    c('min_prcunt', '最小计价单位', 50, false),
    c('wubi', '五笔助记码', 30, false),
    c('pinyin', '拼音助记码', 30, false),
    c('vali_flag', '有效标志', 3, true, { codeSet: 'vali_flag' }),
    c('rid', '唯一记录号', 40, true),
    dt('crte_time', '数据创建时间', true),
    dt('updt_time', '数据更新时间', true),
    c('crter_id', '创建人', 20, true),
    c('crter_name', '创建人姓名', 50, true),
    c('crte_optins_no', '创建经办机构', 20, true),
    c('opter_id', '经办人', 20, true),
    c('opter_name', '经办人姓名', 50, true),
    dt('opt_time', '经办时间', true),
    c('optins_no', '经办机构', 20, true),
    c('ver', '版本号', 20, true),
  ]),
  confidence: 'high',
  note:
    'paged query although the interface list calls the family 下载. NMG also has a "V2" input (reg_name → ' +
    'cpnd_flag, no mlms_name/ver_name): the specification changed between versions — a region profile may ' +
    'switch to it.',
  source: 'catalogue.md §1.5, §2.3 (NMG Input_1304.cs/Output_1304.cs, SZ YP1304.cs, GZ RequestGzsiModel1304.cs)',
};

// ---------------------------------------------------------------------------------------------------------
// 1312 医保目录信息下载 (catalogue.md §2.7) — a paged query everywhere
// ---------------------------------------------------------------------------------------------------------

const SPEC_1312: InterfaceSpec = {
  infno: '1312',
  name: '医保目录信息下载',
  mandatory: true,
  group: GROUP_CATALOGUE,
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        d('query_date', '查询时间点', false, { note: QUERY_DATE_NOTE }),
        c('hilist_code', '医保目录编码', 30, false),
        c('insu_admdvs', '参保机构医保区划', 6, false, { note: ADMDVS_CODE + '; NMG fills its own 医保区划' }),
        d('begndate', '开始日期', false),
        c('hilist_name', '医保目录名称', 200, false),
        c('wubi', '五笔助记码', 30, false),
        c('pinyin', '拼音助记码', 30, false),
        c('med_chrgitm_type', '医疗收费项目类别', 6, false, { codeSet: 'med_chrgitm_type' }),
        c('chrgitm_lv', '收费项目等级', 3, false, { codeSet: 'chrgitm_lv' }),
        c('lmt_used_flag', '限制使用标志', 3, false, { note: CODE_NOT_FOUND }),
        c('list_type', '目录类别', 30, false, {
          codeSet: 'list_type',
          note: 'length 30 in the input, 3 in the output (as transcribed)',
        }),
        c('med_use_flag', '医疗使用标志', 3, false, { note: CODE_NOT_FOUND }),
        c('matn_used_flag', '生育使用标志', 3, false, { note: CODE_NOT_FOUND }),
        c('hilist_use_type', '医保目录使用类别', 3, false, { note: CODE_NOT_FOUND }),
        c('lmt_cpnd_type', '限复方使用类型', 3, false, { note: CODE_NOT_FOUND }),
        c('vali_flag', '有效标志', 3, false, { codeSet: 'vali_flag' }),
        ...pagingInput(),
      ],
    },
  ],
  output: pagedOutput([
    c('hilist_code', '医保目录编码', 30, true, { note: 'national code; joins to med_list_codg' }),
    c('hilist_name', '医保目录名称', 200, true),
    c('insu_admdvs', '参保机构医保区划', 6, true, { note: ADMDVS_CODE }),
    d('begndate', '开始日期', true),
    d('enddate', '结束日期', false),
    c('med_chrgitm_type', '医疗收费项目类别', 6, true, { codeSet: 'med_chrgitm_type' }),
    c('chrgitm_lv', '收费项目等级', 3, true, { codeSet: 'chrgitm_lv', note: '甲/乙/丙; padding varies ("1" vs "01")' }),
    c('lmt_used_flag', '限制使用标志', 3, true, { note: CODE_NOT_FOUND }),
    c('list_type', '目录类别', 3, true, { codeSet: 'list_type' }),
    c('med_use_flag', '医疗使用标志', 3, true, { note: CODE_NOT_FOUND }),
    c('matn_used_flag', '生育使用标志', 3, true, { note: CODE_NOT_FOUND }),
    c('hilist_use_type', '医保目录使用类别', 3, true, { note: CODE_NOT_FOUND }),
    c('lmt_cpnd_type', '限复方使用类型', 3, true, { note: CODE_NOT_FOUND }),
    c('wubi', '五笔助记码', 30, false),
    c('pinyin', '拼音助记码', 30, false),
    c('memo', '备注', 500, false),
    c('vali_flag', '有效标志', 3, true, { codeSet: 'vali_flag' }),
    ...auditTail(),
    c('poolarea_no', '统筹区', 6, false, { note: ADMDVS_CODE }),
  ]),
  confidence: 'high',
  note:
    'the interface list names it 医保目录信息下载, but every implementation calls it as a paged query (not a ' +
    'file). It supplies per region the 甲/乙/丙 level, fee category and restricted-use flags that the 1301 ' +
    'file does not carry (inferred).',
  source: 'catalogue.md §1.5, §2.7 (NMG Input_1312.cs/Output_1312.cs, SZ ML1312.cs, GZ)',
};

// ---------------------------------------------------------------------------------------------------------
// 1317 医药机构目录匹配信息查询 (catalogue.md §2.8)
// ---------------------------------------------------------------------------------------------------------

const SPEC_1317: InterfaceSpec = {
  infno: '1317',
  name: '医药机构目录匹配信息查询',
  mandatory: true,
  group: GROUP_CATALOGUE,
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        d('query_date', '查询时间点', false, { note: QUERY_DATE_NOTE }),
        c('fixmedins_code', '定点医药机构编号', 30, false, { note: 'clients pass their own code' }),
        c('medins_list_codg', '定点医药机构目录编号', 30, false, {
          note: '= fixmedins_hilist_id of 3301 (inferred)',
        }),
        c('medins_list_name', '定点医药机构目录名称', 200, false),
        c('insu_admdvs', '参保机构医保区划', 6, false, { note: ADMDVS_CODE }),
        c('list_type', '目录类别', 30, false, {
          codeSet: 'list_type',
          note: 'length 30 in the input, 3 in the output (as transcribed)',
        }),
        c('med_list_codg', '医疗目录编码', 30, false),
        d('begndate', '开始日期', false),
        c('vali_flag', '有效标志', 3, false, { codeSet: 'vali_flag' }),
        ...pagingInput(),
      ],
    },
  ],
  output: pagedOutput(
    [
      c('fixmedins_code', '定点医药机构编号', 30, true),
      c('medins_list_codg', '定点医药机构目录编号', 30, true),
      c('medins_list_name', '定点医药机构目录名称', 200, false),
      c('insu_admdvs', '参保机构医保区划', 6, true, { note: ADMDVS_CODE }),
      c('list_type', '目录类别', 3, true, { codeSet: 'list_type' }),
      c('med_list_codg', '医疗目录编码', 30, true, {
        note: '30 here; 50 in 3501 and YBHI 3301 — size local columns to at least 50',
      }),
      d('begndate', '开始日期', true),
      d('enddate', '结束日期', false),
      c('aprvno', '批准文号', 30, false),
      c('dosform', '剂型', 200, false),
      c('exct_cont', '除外内容', 2000, false),
      c('item_cont', '项目内涵', 2000, false),
      c('prcunt', '计价单位', 100, false),
      c('spec', '规格', 200, false),
      c('pacspec', '包装规格', 100, false),
      c('memo', '备注', 500, false),
      c('vali_flag', '有效标志', 3, true, { codeSet: 'vali_flag' }),
      ...auditTail(),
      c('poolarea_no', '统筹区', 6, false, { note: ADMDVS_CODE }),
      c('hilist_code', '医保目录编码', 30, false, {
        note:
          'not in the spec table: carried by real Inner-Mongolia responses (NMG active Output_1317 model). ' +
          'Label and length taken from 1312; optional so its absence never warns',
      }),
    ],
    'rows follow the spec table (commented out in NMG Output_1317.cs; GZ agrees). Real responses may omit ' +
      'many spec fields (NMG keeps only begndate, list_type, insu_admdvs, med_list_codg, opt_time, vali_flag, ' +
      'hilist_code, memo, rid, updt_time) — reply checks are warnings only, so the spec flags are kept',
  ),
  confidence: 'high',
  note:
    'lets the pharmacy check which of its 3301 mappings the platform holds (inferred). Spec table is high ' +
    'confidence, but real responses differ from it (see the data node note).',
  source: 'catalogue.md §1.5, §2.8 (NMG Input_1317.cs/Output_1317.cs, GZ RequestGzsiModel1317.cs, SZ ML1317.cs)',
};

// ---------------------------------------------------------------------------------------------------------
// 1318 医保目录限价信息查询 and 1319 医保目录先自付比例信息查询 (catalogue.md §2.9)
// ---------------------------------------------------------------------------------------------------------

function priceCapQueryHead(): FieldSpec[] {
  return [d('query_date', '查询时间点', false, { note: QUERY_DATE_NOTE }), c('hilist_code', '医保目录编码', 30, false)];
}

function priceCapQueryTail(): FieldSpec[] {
  return [
    c('insu_admdvs', '参保机构医保区划', 6, false, { note: ADMDVS_CODE }),
    d('begndate', '开始日期', false),
    d('enddate', '结束日期', false),
    c('vali_flag', '有效标志', 3, false, { codeSet: 'vali_flag' }),
    c('rid', '唯一记录号', 40, false),
    c('tabname', '表名', 100, false),
    c('poolarea_no', '统筹区', 6, false, { note: ADMDVS_CODE }),
    ...pagingInput(),
  ];
}

function priceCapRowHead(): FieldSpec[] {
  return [c('hilist_code', '医保目录编码', 30, true)];
}

function priceCapRowTail(): FieldSpec[] {
  return [
    c('vali_flag', '有效标志', 3, true, { codeSet: 'vali_flag' }),
    ...auditTail(),
    c('tabname', '表名', 100, false),
    c('poolarea_no', '统筹区', 6, false, { note: ADMDVS_CODE }),
  ];
}

const SPEC_1318: InterfaceSpec = {
  infno: '1318',
  name: '医保目录限价信息查询',
  mandatory: true,
  group: GROUP_CATALOGUE,
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        ...priceCapQueryHead(),
        c('hilist_lmtpric_type', '医保目录限价类型', 6, false, { note: CODE_NOT_FOUND }),
        c('overlmt_dspo_way', '医保目录超限处理方式', 6, false, { note: CODE_NOT_FOUND }),
        ...priceCapQueryTail(),
      ],
    },
  ],
  output: pagedOutput([
    ...priceCapRowHead(),
    c('hilist_lmtpric_type', '医保目录限价类型', 6, true, { note: CODE_NOT_FOUND }),
    c('overlmt_dspo_way', '医保目录超限处理方式', 6, true, { note: CODE_NOT_FOUND }),
    c('insu_admdvs', '参保机构医保区划', 6, true, { note: ADMDVS_CODE }),
    d('begndate', '开始日期', true),
    d('enddate', '结束日期', false),
    n('hilist_pric_uplmt_amt', '医保目录定价上限金额', 16, true, {
      scale: 2,
      note:
        'the price cap. Sources give BigDecimal 16 without decimals; scale 2 chosen because it is an amount ' +
        '(_amt, the "16,2" money convention). A region that caps unit prices with more decimals ("16,6") would ' +
        'need an override',
    }),
    ...priceCapRowTail(),
  ]),
  confidence: 'high',
  note: 'paged query; HSA insert_1318 reads the same keys.',
  source: 'catalogue.md §1.5, §2.9 (NMG Input_1318.cs/Output_1318.cs, SZ ML1318.cs, GZ, HSA)',
};

const SELFPAY_LABEL_NOTE =
  'catalogue.md names the field only; the Chinese label is from the sources it cites (NMG Output_1319.cs, SZ ML1319.cs)';

const SPEC_1319: InterfaceSpec = {
  infno: '1319',
  name: '医保目录先自付比例信息查询',
  mandatory: false,
  group: GROUP_CATALOGUE,
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        ...priceCapQueryHead(),
        c('selfpay_prop_psn_type', '医保目录自付比例人员类别', 6, false, {
          note: `${CODE_NOT_FOUND}. Optional like the other filters; ${SELFPAY_LABEL_NOTE}`,
        }),
        c('selfpay_prop_type', '目录自付比例类别', 6, false, {
          note: `${CODE_NOT_FOUND}. Optional like the other filters; ${SELFPAY_LABEL_NOTE}`,
        }),
        ...priceCapQueryTail(),
      ],
      note:
        'same shape as 1318 with the two limit-price filters replaced by the self-pay ones (catalogue.md §2.9). ' +
        'SZ omits hilist_code; NMG and GZ send it — kept, optional',
    },
  ],
  output: pagedOutput([
    ...priceCapRowHead(),
    c('selfpay_prop_psn_type', '医保目录自付比例人员类别', 6, true, {
      note: `${CODE_NOT_FOUND}; ${SELFPAY_LABEL_NOTE}`,
    }),
    c('selfpay_prop_type', '目录自付比例类别', 6, true, { note: `${CODE_NOT_FOUND}; ${SELFPAY_LABEL_NOTE}` }),
    c('insu_admdvs', '参保机构医保区划', 6, true, { note: ADMDVS_CODE }),
    d('begndate', '开始日期', true),
    d('enddate', '结束日期', false),
    n('selfpay_prop', '自付比例', 5, true, {
      scale: 4,
      note:
        'BigDecimal 5 without decimals in the sources; scale 4 chosen from the "5,4" ratio convention ' +
        `(README: ratios such as 自付比例); ${SELFPAY_LABEL_NOTE}`,
    }),
    ...priceCapRowTail(),
  ]),
  confidence: 'medium',
  note:
    'optional for a pharmacy (非必验项); same shape as 1318 with selfpay_prop_psn_type/selfpay_prop_type in ' +
    'place of the limit-price fields and selfpay_prop in place of the price cap.',
  source: 'catalogue.md §2.9 (NMG Input_1319.cs/Output_1319.cs, SZ ML1319.cs)',
};

// ---------------------------------------------------------------------------------------------------------
// 1901 字典表下载 (catalogue.md §2.11)
// ---------------------------------------------------------------------------------------------------------

const SPEC_1901: InterfaceSpec = {
  infno: '1901',
  name: '字典表下载',
  mandatory: true,
  group: '1-基础信息 / 9-其他信息',
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        c('type', '字典类型', 30, true, {
          note: 'the dictionary code = the field code, e.g. psn_type, med_type, gend, list_type',
        }),
        c('parentValue', '父字典键值', 10, false, {
          note:
            'Y in SZ, but every client sends an empty string, and required = non-empty here: chosen optional ' +
            '(send "")',
        }),
        c('admdvs', '行政区划', 6, true, {
          note: `${ADMDVS_CODE}. HSA sends it empty; kept required because the pharmacy always knows its own region`,
        }),
        d('date', '查询日期', true, {
          note: 'D chosen (label 查询日期; the test client sends yyyy-MM-dd); HSA sends yyyy-MM-dd HH:mm:ss',
        }),
        c('valiFlag', '有效标志', 3, true, {
          codeSet: 'vali_flag',
          note:
            'spelled valiFlag in SZ and ZB (camelCase like parentValue), vali_flag in HSA and the test client; ' +
            'NMG carries both. valiFlag chosen; a region profile can rename it (or send both)',
        }),
      ],
    },
  ],
  output: [
    {
      node: 'list',
      shape: 'list',
      required: true,
      fields: [
        c('type', '字典类型', 30, true),
        c('label', '字典标签', 50, true, { note: 'display text' }),
        c('value', '字典键值', 20, true, { note: 'the code' }),
        c('parent_value', '父字典键值', 10, true, { note: 'SZ spells parentValue' }),
        n('sort', '序号', undefined, true, { scale: 0, note: '整型' }),
        c('vali_flag', '权限标识 (有效标志)', 3, true, { codeSet: 'vali_flag', note: 'SZ spells valiFlag' }),
        c('create_user', '创建账户', 30, true, { note: 'SZ spells createUser' }),
        d('create_date', '创建时间', true, {
          note: 'D by the wire name although the label says 时间; SZ spells createDate',
        }),
        n('version', '版本号', 20, true, { scale: 0, note: '整型 20' }),
      ],
      note: 'snake_case as in ZB Output1901Downdatadld.java and NMG; SZ uses camelCase (region override)',
    },
  ],
  confidence: 'high',
  note:
    'Guangdong variant (GZ RequestGzsiModel1901/ResponseGzsiModel1901): input only admdvs; output ' +
    'output.fileinfo {file_qury_no, filename, dld_endtime} fetched with 9102, and (HSA) the rows use ' +
    'dic_type_code, place_dic_val_code, place_dic_val_name, the whole dictionary set coming back whatever ' +
    'type is sent. The national shape (data in, output.list[] out) is kept here because every non-Guangdong ' +
    'source agrees; a Guangdong profile must override both input and output.',
  source: 'catalogue.md §2.11 (SZ Dic1901.cs, ZB Input1901Data.java/Output1901Downdatadld.java, NMG, HSA, GZ)',
};

// ---------------------------------------------------------------------------------------------------------
// 3301 目录对照上传 / 3302 目录对照撤销 (catalogue.md §3)
// ---------------------------------------------------------------------------------------------------------

const SPEC_3301: InterfaceSpec = {
  infno: '3301',
  name: '目录对照上传',
  mandatory: true,
  group: GROUP_MAPPING,
  input: [
    {
      node: 'data',
      shape: 'list',
      required: true,
      fields: [
        c('fixmedins_hilist_id', '定点医药机构目录编号', 30, true, { note: "the pharmacy's own item code" }),
        c('fixmedins_hilist_name', '定点医药机构目录名称', 200, true, {
          note: '100 (YBHI, secondary) vs 200 (1317 spec table echo): 200 chosen, the stronger source',
        }),
        c('list_type', '目录类别', 30, true, {
          codeSet: 'list_type',
          note: '30 (YBHI; also 1312/1317 inputs) vs 3 (1317 echo): 30 chosen; real values are 3 characters',
        }),
        c('med_list_codg', '医疗目录编码', 50, true, {
          note:
            'national code from 1301/1302/1306…; 50 (YBHI, 3501) vs 30 (1317 echo): 50 chosen so 23- and ' +
            '27-character codes always fit',
        }),
        d('begndate', '开始日期', true, {
          note:
            'Y (ZB, GZ) vs N (YBHI): required chosen (two sources, and sending it is harmless). HSA sends ' +
            'yyyy-MM-dd HH:mm:ss, GZ yyyy-M-d; D (yyyy-MM-dd) chosen',
        }),
        d('enddate', '结束日期', false, {
          note: 'Y (ZB) vs N (YBHI, GZ): optional chosen (two sources; a current mapping has no end)',
        }),
        c('aprvno', '批准文号', 30, false, { note: 'N; GZ marks it Y — optional chosen (majority)' }),
        c('dosform', '剂型', 200, false),
        c('exct_cont', '除外内容', 2000, false, { note: 'GZ also has the typo twin exept_cont (regional)' }),
        c('item_cont', '项目内涵', 2000, false),
        c('prcunt', '计价单位', 100, false),
        c('spec', '规格', 200, false),
        c('pacspec', '包装规格', 100, false),
        c('memo', '备注', 500, false),
      ],
      note:
        'several rows per call, at most 100 (YBHI comment; HSA uploads in batches of 100) — the registry ' +
        'cannot express a row limit, the caller must batch. HSA and YBHI send optional fields as empty strings',
    },
  ],
  output: [],
  confidence: 'medium',
  note:
    'Input node name disputed: `data` (array) in HSA, NMG Input_3301.cs and YBHI — three sources from ' +
    'different regions, chosen as the national name; `catalogcompin` (array) in GZ RequestGzsiModel3301.cs, ' +
    "and ZB's class name Input3301Catalogcompin suggests the same — a region profile (Guangdong at least) " +
    'should rename the node. Output: none (YBHI "输出无"). Regional extras: Guangdong adds drugadm_strdcod ' +
    "(药监本位码), genname_no (通用名编号), pric (单价). HSA's extra keys (match_type, hosp_dosg, …) belong to " +
    'its proxy. A 3301A variant adding scdz (产地) and prdr_name (生产厂家) is mentioned by YBHI only ' +
    '(unverified). begndate/enddate requiredness to be confirmed in the acceptance environment.',
  source: 'catalogue.md §3.1, §3.3',
};

const SPEC_3302: InterfaceSpec = {
  infno: '3302',
  name: '目录对照撤销',
  mandatory: true,
  group: GROUP_MAPPING,
  input: [
    {
      node: 'data',
      shape: 'object',
      required: true,
      fields: [
        c('fixmedins_code', '定点医药机构编号', 30, true, { note: 'length inferred; Y (GZ)' }),
        c('fixmedins_hilist_id', '定点医药机构目录编号', 30, true, {
          note: 'length and required flag inferred (GZ leaves it unmarked): it identifies the mapping to revoke',
        }),
        c('list_type', '目录类别', 30, true, {
          codeSet: 'list_type',
          note: 'Y (GZ); length not stated — 30 taken from the same field of 3301 (analog)',
        }),
        c('med_list_codg', '医疗目录编码', 50, true, {
          note: 'Y (GZ); length not stated — 50 taken from the same field of 3301 (analog)',
        }),
      ],
      note:
        "one mapping per call: GZ sends a single object; whether NMG's `data` is an object or a list is not " +
        'stated — object chosen',
    },
  ],
  output: [],
  confidence: 'low',
  note:
    'Input node name disputed three ways: `data` (NMG Input_3302.cs), chosen as the national name since it ' +
    'matches 3301 and is not tied to a proxy; `catalog` (one object, GZ RequestGzsiModel3302.cs — Guangdong ' +
    'profile); `purcinfo` (array, HSA, possibly its proxy). Output not described: HSA reads ' +
    'output.sucessData[] with med_list_codg, likely proxy-specific, so no output is declared. Guangdong also ' +
    'has a regional 3360 目录对照作废 (node catalog: fixmedins_hilist_id, fixmedins_hilist_name, list_type, ' +
    'med_list_codg, enddate, all Y) — not part of the national set.',
  source: 'catalogue.md §3.2',
};

// ---------------------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------------------

export const CATALOGUE_INTERFACES: InterfaceSpec[] = [
  fileVersionSpec(
    '1301',
    '西药中成药目录下载',
    'medium',
    'catalogue.md §1.2, §1.3, §2.1',
    '92 columns; names and order known, no types. The ver column is index 82 (YBHI, agrees with GZ).',
  ),
  fileVersionSpec(
    '1302',
    '中药饮片目录下载',
    'medium',
    'catalogue.md §1.2, §1.3, §2.2',
    '29 columns; ver is index 17.',
  ),
  SPEC_1304,
  fileVersionSpec(
    '1306',
    '医用耗材目录下载',
    'medium',
    'catalogue.md §1.2, §1.3, §2.4',
    '71 columns; ver is index 69; no crte_time/updt_time columns.',
  ),
  fileVersionSpec(
    '1306A',
    '27位医用耗材目录下载',
    'none',
    'catalogue.md §2.5 (name only; mechanism inferred)',
    'Only the name is known. Inferred: the same ver/file mechanism and layout as 1306, with 27-character ' +
      'consumable codes in column 0 — verify in the acceptance environment.',
  ),
  fileVersionSpec(
    '1309',
    '门诊慢特病种目录下载',
    'medium',
    'catalogue.md §1.2, §1.3, §2.6',
    '16 columns; ver is index 9, ver_name index 11 (not adjacent).',
  ),
  SPEC_1312,
  SPEC_1317,
  SPEC_1318,
  SPEC_1319,
  fileVersionSpec(
    '1320',
    '中药配方颗粒目录下载',
    'low',
    'catalogue.md §1.1, §2.10',
    '44 columns (NT-DB); NMG lists 1320 among the file downloads. Official column codes and order not found.',
  ),
  SPEC_1901,
  SPEC_3301,
  SPEC_3302,
];
