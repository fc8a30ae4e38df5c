/**
 * The downloaded catalogue files (13xx "file / version" family, fetched with 9102): their format and the
 * column layout of each file, from catalogue.md §1.3 and §2. The files carry no types, lengths or required
 * flags — every cell is text — so a column is only a position, a wire-style code and a Chinese name.
 *
 * Parse by index, not by name, and tolerate extra trailing columns: columns are appended over time (GZ reads
 * 29 columns of 1302 where older code stopped at 19; NMG's reader adds `by-0…` columns when a line is longer).
 * That is an inferred design rule (catalogue.md §1.3), but both importers behave that way.
 */

export interface CatalogueFileColumn {
  /** 0-based position in the tab-separated line */
  index: number;
  /** the platform's English column code (from the NT-DB table VOs) */
  name: string;
  /** Chinese name (from the GZ/NMG positional parsers) */
  label: string;
  note?: string;
}

export type CatalogueFileInfno = '1301' | '1302' | '1306' | '1306A' | '1309' | '1320';

// ---------------------------------------------------------------------------------------------------------
// File format (catalogue.md §1.2 steps 4–5 and §1.3)
// ---------------------------------------------------------------------------------------------------------

/** Columns are separated by a TAB (GZ, NMG `Split('\t')`, YBHI). */
export const CATALOGUE_FILE_SEPARATOR = '\t';

/** One record per line; importers read line by line (GZ, NMG `ReadLine`), so accept \n and \r\n alike. */
export const CATALOGUE_FILE_LINE_SPLIT = /\r?\n/;

/** There is no header row: every line is data (inferred — all three importers treat line 1 as data). */
export const CATALOGUE_FILE_HAS_HEADER = false;

/** UTF-8: NMG opens the file with UTF-8 explicitly; GZ's File.OpenText defaults to UTF-8. */
export const CATALOGUE_FILE_ENCODING = 'utf-8';

/** An empty value is written as the literal text `null` (NMG maps "null" → empty). */
export const CATALOGUE_FILE_NULL = 'null';

/** GZ also checks upper-case `NULL` in its date parser, so treat both spellings as empty. */
export const CATALOGUE_FILE_NULL_MARKERS: readonly string[] = ['null', 'NULL'];

/** GZ skips lines with 5 fields or fewer (blank or truncated lines); a row needs at least 6 fields. */
export const CATALOGUE_FILE_MIN_FIELDS = 6;

/**
 * Timestamps (crte_time, updt_time, and any column containing "CST" — NMG applies its conversion to all of
 * them) are Java `Date.toString()` text in the English locale, e.g. `Tue Apr 20 10:15:30 CST 2021`.
 * Reading "CST" as China Standard Time (UTC+8) is inferred: no source states the zone.
 */
export const CATALOGUE_FILE_TIMESTAMP_PATTERN = 'EEE MMM dd HH:mm:ss CST yyyy';

/** The same pattern as a regular expression: groups are month name, day, hour, minute, second, year. */
export const CATALOGUE_FILE_TIMESTAMP_RE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) CST (\d{4,})$/;

/**
 * Years starting with `999` occur (NMG special-cases "CST 999"): open-ended end dates (inferred). Treat such
 * a date as "no end" rather than as a real date.
 */
export const CATALOGUE_FILE_FAR_FUTURE_YEAR_PREFIX = '999';

/**
 * Names contain apostrophes (NMG replaces ' with ’, GZ escapes ' in 1305 names): never build SQL by string
 * concatenation from these cells — bind parameters instead.
 */
export const CATALOGUE_FILE_MAY_CONTAIN_APOSTROPHES = true;

/**
 * The 9102 body is the raw zip, not JSON (GZ writes the bytes straight to a .ZIP). A zip starts with "PK";
 * an error presumably comes back as JSON (infcode ≠ 0) — inferred — so check these bytes before unzipping.
 */
export const CATALOGUE_ZIP_MAGIC = 'PK';

/** The zip holds a single .txt entry named like `filename` without the trailing `.zip` (NMG `InsertData9102`). */
export const CATALOGUE_ZIP_SUFFIX = '.zip';

/** e.g. `202104235333186670332774374.txt.zip` → `202104235333186670332774374.txt` */
export function catalogueZipEntryName(filename: string): string {
  return filename.toLowerCase().endsWith(CATALOGUE_ZIP_SUFFIX)
    ? filename.slice(0, -CATALOGUE_ZIP_SUFFIX.length)
    : filename;
}

/**
 * For catalogue files (1301–1319) 9102 gets the literal `plc` as fixmedins_code (NMG, SZ). The spec comment
 * sits on the `filename` row, but every client puts the returned filename there — see catalogue.md §1.2.
 */
export const CATALOGUE_9102_FIXMEDINS_CODE = 'plc';

// ---------------------------------------------------------------------------------------------------------
// Column layouts (catalogue.md §2). Written as [name, label, note?] in file order; the index is the position,
// so it cannot drift from the order.
// ---------------------------------------------------------------------------------------------------------

type Row = readonly [name: string, label: string, note?: string];

function columns(rows: readonly Row[]): CatalogueFileColumn[] {
  return rows.map(([name, label, note], index) => (note ? { index, name, label, note } : { index, name, label }));
}

/**
 * 1301 西药中成药目录下载 — 92 columns (NT-DB configures 92). NT-DB's table also has lstd_lic_holder
 * (上市许可证持有人) and isu_flag (下发标志), possibly newer trailing columns (inferred) — not listed because
 * their position is unknown; they would arrive as extra trailing columns, which the parser tolerates.
 */
const COLUMNS_1301 = columns([
  ['med_list_codg', '医疗目录编码', 'national drug code (X…/Z…)'],
  ['drug_prodname', '药品商品名'],
  ['genname_codg', '通用名编号'],
  ['drug_genname', '药品通用名'],
  ['chemname', '化学名称'],
  ['alis', '别名'],
  ['eng_name', '英文名称'],
  ['reg_name', '注册名称'],
  ['drugstdcode', '药品本位码 / 药监本位码', 'GZ names it drugadm_strdcod, HSA drugadm_strdcode'],
  ['drug_dosform', '药品剂型', 'dictionary-coded (代码标识)'],
  ['drug_dosform_name', '药品剂型名称'],
  ['drug_type', '药品类别', 'dictionary-coded (代码标识)'],
  ['drug_type_name', '药品类别名称'],
  ['drug_spec', '药品规格'],
  ['drug_spec_code', '药品规格代码'],
  ['reg_dosform', '注册剂型'],
  ['reg_spec', '注册规格'],
  ['reg_spec_code', '注册规格代码'],
  ['each_dos', '每次用量'],
  ['used_frqu', '使用频次'],
  ['acdbas', '酸根盐基'],
  ['nat_drug_no', '国家药品编号'],
  ['used_mtd', '用法'],
  [
    'tcmpat_flag',
    '中成药标志',
    'code set tcmpat_flag: 1 = 是, 0 = 否 (unnamed public code, low confidence); HSA splits 西药/中成药 on this',
  ],
  ['prodplac_type', '生产地类别', 'dictionary-coded (代码标识)'],
  ['prodplac_type_name', '生产地类别名称'],
  ['prcunt_type', '计价单位类型', 'dictionary-coded (代码标识)'],
  ['otc_flag', '非处方药标志', 'code (values not found)'],
  ['otc_flag_name', '非处方药标志名称'],
  ['pacmatl', '包装材质'],
  ['pacmatl_name', '包装材质名称'],
  ['pacspec', '包装规格'],
  ['pac_cnt', '包装数量'],
  ['efcc_atd', '功能主治'],
  ['rute', '给药途径'],
  ['manl', '说明书'],
  ['begndate', '开始日期'],
  ['enddate', '结束日期'],
  ['min_useunt', '最小使用单位'],
  ['min_salunt', '最小销售单位'],
  ['min_unt', '最小计量单位'],
  ['min_pac_cnt', '最小包装数量', 'NT-DB stores as int'],
  ['min_pacunt', '最小包装单位'],
  ['min_prepunt', '最小制剂单位'],
  ['minpacunt_name', '最小包装单位名称', 'GZ: min_pacunt_name'],
  ['min_prepunt_name', '最小制剂单位名称'],
  ['convrat', '转换比', 'NT-DB stores as int'],
  ['drug_expy', '药品有效期'],
  ['min_prcunt', '最小计价单位'],
  ['wubi', '五笔助记码'],
  ['pinyin', '拼音助记码'],
  ['subpck_fcty', '分包装厂家'],
  ['prodentp_code', '生产企业编号'],
  ['prodentp_name', '生产企业名称'],
  ['sp_lmtpric_drug_flag', '特殊限价药品标志'],
  ['sp_drug_flag', '特殊药品标志'],
  ['lmt_usescp', '限制使用范围'],
  ['lmt_used_flag', '限制使用标志'],
  ['drug_regno', '药品注册证号', 'GZ: drug_regcertno'],
  ['drug_regcert_begndate', '药品注册证号开始日期'],
  ['drug_regcert_enddate', '药品注册证号结束日期'],
  ['aprvno', '批准文号'],
  ['aprvno_begndate', '批准文号开始日期'],
  ['aprvno_enddate', '批准文号结束日期'],
  ['mkt_stas', '市场状态'],
  ['mkt_stas_name', '市场状态名称'],
  ['drug_reg_appvletr_elecacs', '药品注册批件电子档案'],
  ['splm_appy_appvletr_file', '药品补充申请批件电子档案'],
  ['nat_hi_druglist_memo', '国家医保药品目录备注'],
  ['bas_medn_flag_name', '基本药物标志名称'],
  ['bas_medn_flag', '基本药物标志'],
  ['advaltax_adjm_drug_flag', '增值税调整药品标志'],
  ['advaltax_adjm_drug_name', '增值税调整药品名称'],
  ['lstd_druglist_drug', '上市药品目录集药品'],
  ['hi_nego_drug_flag', '医保谈判药品标志'],
  ['hi_nego_drug_name', '医保谈判药品名称'],
  ['nhc_drug_codg', '卫健委药品编码'],
  ['memo', '备注'],
  ['vali_flag', '有效标志', 'code set vali_flag: 1 = valid'],
  ['rid', '唯一记录号'],
  ['crte_time', '数据创建时间', 'Java date text'],
  ['updt_time', '数据更新时间', 'Java date text'],
  ['ver', '版本号', 'version key (YBHI)'],
  ['ver_name', '版本名称'],
  ['chld_medc', '儿童用药'],
  ['co_name', '公司名称'],
  ['conseval_drug', '仿制药一致性评价药品'],
  ['dstr', '经销企业'],
  ['dstr_coner', '经销企业联系人'],
  ['dstr_auth_file_elecacs', '经销企业授权书电子档案'],
  ['nat_hi_druglist_dosform', '国家医保药品目录剂型'],
  ['nat_hi_druglist_chrgitm_lv', '国家医保药品目录甲乙类标识', '甲/乙 marker'],
]);

/** 1302 中药饮片目录下载 — 29 columns (GZ reads all 29; older code stopped at 19). */
const COLUMNS_1302 = columns([
  ['med_list_codg', '医疗目录编码'],
  ['tcmherb_name', '中草药名称 / 单味药名称', 'GZ: sindrug_name'],
  ['cpnd_flag', '单复方标志'],
  ['qlt_lv', '质量等级', 'NT-DB spells QLT_REG'],
  ['tcmherb_year', '中草药年份'],
  ['med_part', '药用部位'],
  ['safe_mtr', '安全计量'],
  ['cnvl_used', '常规用法'],
  ['natfla', '性味'],
  ['mertpm', '归经'],
  ['cat', '品种'],
  ['begndate', '开始日期'],
  ['enddate', '结束日期'],
  ['vali_flag', '有效标志'],
  ['rid', '唯一记录号'],
  ['crte_time', '数据创建时间'],
  ['updt_time', '数据更新时间'],
  ['ver', '版本号'],
  ['ver_name', '版本名称'],
  ['mlms_name', '药材名称'],
  ['efcc_atd', '功能主治'],
  ['psdg_mtd', '炮制方法'],
  ['ecy_type', '功效分类'],
  ['mlms_cat_souc', '药材种来源'],
  ['nat_hi_pay_pol', '国家医保支付政策'],
  ['prov_hi_pay_pol', '省级医保支付政策'],
  ['std_name', '标准名称'],
  ['std_pagen', '标准页码'],
  ['std_elecacs', '标准电子档案'],
]);

/**
 * 1306 医用耗材目录下载 — 71 columns. Unlike 1301/1302 there are no crte_time/updt_time columns (GZ and NT-DB
 * agree). GZ uses different local names for some columns; the names here are NT-DB's platform codes.
 */
const COLUMNS_1306 = columns([
  ['med_list_codg', '医疗目录编码', 'C… consumable code (GZ calls this local column wm_dise_id)'],
  ['mcs_name', '耗材名称', 'GZ calls this local column cpr'],
  ['udi', '医疗器械唯一标识码'],
  ['hi_genname_code', '医保通用名代码'],
  ['hi_genname', '医保通用名'],
  ['prod_mol', '产品型号'],
  ['spec_code', '规格代码'],
  ['spec', '规格'],
  ['mcs_type', '耗材分类'],
  ['spec_mol', '规格型号'],
  ['matl_code', '材质代码'],
  ['mcs_matl', '耗材材质'],
  ['pacspec', '包装规格'],
  ['pac_cnt', '包装数量'],
  ['prod_pacmatl', '产品包装材质'],
  ['pacunt', '包装单位'],
  ['prod_convrat', '产品转换比'],
  ['min_useunt', '最小使用单位'],
  ['prodplac_type', '生产地类别'],
  ['prodplac_type_name', '生产地类别名称'],
  ['prodstrd', '产品标准'],
  ['prodexpy', '产品有效期'],
  ['perf_stru_comp', '性能结构与组成'],
  ['apb_scp', '适用范围'],
  ['prod_istr', '产品使用方法'],
  ['prod_img_no', '产品图片编号'],
  ['prod_qlt_std', '产品质量标准'],
  ['manl', '说明书'],
  ['oth_cert_matl', '其他证明材料'],
  ['sped_flag', '专机专用标志'],
  ['sped_name', '专机名称'],
  ['comb_name', '组套名称'],
  ['case_flag', '机套标志'],
  ['lmt_used_flag', '限制使用标志'],
  ['hi_lmt_scp', '医保限用范围'],
  ['min_salunt', '最小销售单位'],
  ['highval_mcs_flag', '高值耗材标志'],
  ['matl_type_code', '医用材料分类代码'],
  ['impt_matl_hmorgn_flag', '植入材料和人体器官标志'],
  ['stlz_flag', '灭菌标志'],
  ['stlz_flag_name', '灭菌标志名称'],
  ['impt_itvt_clss_flag', '植入或介入类标志'],
  ['impt_itvt_clss_name', '植入或介入类名称'],
  ['dspo_used_flag', '一次性使用标志'],
  ['dspo_used_flag_name', '一次性使用标志名称'],
  ['reger_name', '注册备案人名称'],
  ['begndate', '开始日期'],
  ['enddate', '结束日期'],
  ['med_equ_mgt_type', '医疗器械管理类别'],
  ['med_equ_mgt_type_name', '医疗器械管理类别名称'],
  ['reg_fil_no', '注册备案号'],
  ['reg_fil_prod_name', '注册备案产品名称'],
  ['stru_comp', '结构及组成'],
  ['oth_cont', '其他内容'],
  ['aprv_date', '批准日期'],
  ['reger_addr', '注册备案人住所'],
  ['regcert_expy_begntime', '注册证有效期开始时间'],
  ['regcert_expy_endtime', '注册证有效期结束时间'],
  ['prodentp_code', '生产企业代码'],
  ['prodentp_name', '生产企业名称'],
  ['manu_addr', '生产地址'],
  ['agnt_entp', '代理人企业'],
  ['agnt_entp_addr', '代理人企业地址'],
  ['manu_nat_regn', '生产国或地区'],
  ['aftsal_serins', '售后服务机构'],
  ['reg_fil_elec_file', '注册或备案证电子档案'],
  ['prod_img', '产品影像'],
  ['vali_flag', '有效标志'],
  ['rid', '唯一记录号'],
  ['ver', '版本号'],
  ['ver_name', '版本名称'],
]);

/** 1309 门诊慢特病种目录下载 — 16 columns. */
const COLUMNS_1309 = columns([
  ['opsp_dise_code', '门慢门特病种目录代码'],
  ['opsp_dise_majcls_name', '门慢门特病种大类名称'],
  ['opsp_dise_subd_clss_name', '门慢门特病种细分类名称'],
  ['admdvs', '医保区划'],
  ['memo', '备注'],
  ['vali_flag', '有效标志'],
  ['rid', '唯一记录号'],
  ['crte_time', '数据创建时间'],
  ['updt_time', '数据更新时间'],
  ['ver', '版本号'],
  ['dise_cont', '病种内涵'],
  ['ver_name', '版本名称', 'not adjacent to ver in this file (ver is index 9)'],
  ['trt_guide_pagen', '诊疗指南页码'],
  ['trt_guide_elecacs', '诊疗指南电子档案'],
  ['opsp_dise_name', '门慢门特病种名称'],
  ['opsp_dise_majcls_code', '门慢门特病种大类代码'],
]);

/**
 * 1320 中药配方颗粒目录下载 — 44 columns (NT-DB table G_yb_zypfklmu_list_b). The official column codes and
 * their order were NOT found: all 44 positions are placeholders (`unknown_<index>`, label 未知列) so that the
 * count is right and a row can be stored raw. The only names seen are NT-DB's local pinyin abbreviations,
 * listed in CATALOGUE_1320_NTDB_LOCAL_NAMES without positions. Replace these placeholders once a real file
 * (or the region's 接口文档) shows the layout.
 */
const COLUMNS_1320: CatalogueFileColumn[] = Array.from({ length: 44 }, (_, index) => ({
  index,
  name: `unknown_${index}`,
  label: '未知列',
  note: 'placeholder: official column code and position not found (catalogue.md §2.10)',
}));

/**
 * The 16 local column names NT-DB uses for 1320 in one query (G_yb_daysrg_trt_list_bRepo.cs), with the
 * meanings catalogue.md §2.10 infers from the pinyin. Their positions in the file are unknown.
 */
export const CATALOGUE_1320_NTDB_LOCAL_NAMES: readonly { localName: string; inferredLabel: string }[] = [
  { localName: 'ZYPFKL_CODE', inferredLabel: '中药配方颗粒编码' },
  { localName: 'ZYPFKL_NAME', inferredLabel: '中药配方颗粒名称' },
  { localName: 'DDYC', inferredLabel: '道地药材' },
  { localName: 'GG', inferredLabel: '规格' },
  { localName: 'ZYPFKLZXBZ', inferredLabel: '中药配方颗粒执行标准' },
  { localName: 'BLFYJCXX', inferredLabel: '不良反应监测信息' },
  { localName: 'ZYYP_CODE', inferredLabel: '对应中药饮片编码' },
  { localName: 'ZYYP_NAME', inferredLabel: '对应中药饮片名称' },
  { localName: 'YC_NAME', inferredLabel: '药材名称' },
  { localName: 'GXFL', inferredLabel: '功效分类' },
  { localName: 'GNZZ', inferredLabel: '功能主治' },
  { localName: 'CGYF', inferredLabel: '常规用法' },
  { localName: 'SJGXSJ', inferredLabel: '数据更新时间' },
  { localName: 'CJJG_CODE', inferredLabel: '采集机构编码' },
  { localName: 'YBQH', inferredLabel: '医保区划' },
  { localName: 'VER', inferredLabel: '版本号' },
];

/**
 * Column layouts in file order. Counts follow NT-DB MedicalInsuranceCatalogue.cshtml: 1301 = 92, 1302 = 29,
 * 1306 = 71, 1309 = 16, 1320 = 44.
 *
 * 1306A (27位医用耗材目录下载) is not listed by any source. Choice: the same 71-column layout as 1306, because
 * catalogue.md §2.5 infers the same ver/file mechanism as 1306 with 27-character codes in column 0. This is an
 * assumption (interface confidence "none"): verify against a real 1306A file and give it its own layout if it
 * differs.
 */
export const CATALOGUE_FILE_COLUMNS: Record<CatalogueFileInfno, CatalogueFileColumn[]> = {
  '1301': COLUMNS_1301,
  '1302': COLUMNS_1302,
  '1306': COLUMNS_1306,
  '1306A': COLUMNS_1306.map((c) =>
    c.index === 0
      ? { ...c, note: '27-character consumable code (inferred; 1306A layout assumed equal to 1306)' }
      : { ...c },
  ),
  '1309': COLUMNS_1309,
  '1320': COLUMNS_1320,
};
