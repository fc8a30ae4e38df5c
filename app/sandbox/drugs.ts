/**
 * The sandbox center's own small drug catalogue. Codes follow the national formats of catalogue.md §4
 * (西药 X + ATC level 4 + generic-name code + dosage-form code + 9 digits = 23 characters; 中成药 Z,
 * 中药饮片 T, 耗材 C), but the tails are invented: none is a real registered product. Prices are in
 * fen. A later catalogue issue will feed larger generated catalogues through `DrugCatalogue`.
 */

/** 甲类 / 乙类 / 丙类 as the catalogue side writes them (catalogue.md §5.2: padded). */
export type ChrgitmLv = '01' | '02' | '03';

export interface SandboxDrug {
  /** national code (医疗目录编码) */
  med_list_codg: string;
  /** a suggested own code for the pharmacy's item (医药机构目录编码), for training data */
  medins_list_codg: string;
  name: string;
  spec: string;
  dosform: string;
  /** selling unit */
  unit: string;
  prdr_name: string;
  /** 101 西药, 102 中成药, 103 中药饮片, 301 医用耗材 */
  list_type: '101' | '102' | '103' | '301';
  chrgitm_lv: ChrgitmLv;
  /** 09 西药费, 10 中药饮片费, 11 中成药费, 08 卫生材料费 */
  med_chrgitm_type: '08' | '09' | '10' | '11';
  /** suggested retail price per unit, fen (pric may carry more decimals: see pric_text) */
  price_fen: number;
  /** unit price as the counter sends it (up to 6 decimals, e.g. 中药饮片 by the gram) */
  pric_text: string;
  /** 定价上限金额 per unit as a decimal text; null = no price limit */
  pric_uplmt_text: string | null;
  /** 乙类先行自付比例 as a decimal text with 4 decimals; '0.0000' for 甲类, '1.0000' for 丙类 */
  selfpay_prop: string;
  /** 0 非处方药, 1 处方药 */
  rx_flag: '0' | '1';
  bas_medn_flag: '0' | '1';
  hi_nego_drug_flag: '0' | '1';
}

const d = (x: Omit<SandboxDrug, 'price_fen'>): SandboxDrug => ({
  ...x,
  price_fen: Math.round(Number(x.pric_text) * 100),
});

export const SANDBOX_DRUGS: readonly SandboxDrug[] = [
  d({
    med_list_codg: 'XJ01CAA040A001010100001',
    medins_list_codg: 'SBX0001',
    name: '阿莫西林胶囊',
    spec: '0.25g*24粒',
    dosform: '胶囊剂',
    unit: '盒',
    prdr_name: '沙箱制药有限公司',
    list_type: '101',
    chrgitm_lv: '01',
    med_chrgitm_type: '09',
    pric_text: '12.50',
    pric_uplmt_text: '15.000000',
    selfpay_prop: '0.0000',
    rx_flag: '1',
    bas_medn_flag: '1',
    hi_nego_drug_flag: '0',
  }),
  d({
    med_list_codg: 'XA11GAW043A001010100002',
    medins_list_codg: 'SBX0002',
    name: '维生素C片',
    spec: '0.1g*100片',
    dosform: '片剂',
    unit: '瓶',
    prdr_name: '沙箱制药有限公司',
    list_type: '101',
    chrgitm_lv: '01',
    med_chrgitm_type: '09',
    pric_text: '3.50',
    pric_uplmt_text: '5.000000',
    selfpay_prop: '0.0000',
    rx_flag: '0',
    bas_medn_flag: '1',
    hi_nego_drug_flag: '0',
  }),
  d({
    med_list_codg: 'XA10BAE019A001010100003',
    medins_list_codg: 'SBX0003',
    name: '盐酸二甲双胍片',
    spec: '0.5g*60片',
    dosform: '片剂',
    unit: '盒',
    prdr_name: '演示药业股份有限公司',
    list_type: '101',
    chrgitm_lv: '01',
    med_chrgitm_type: '09',
    pric_text: '9.90',
    pric_uplmt_text: '12.000000',
    selfpay_prop: '0.0000',
    rx_flag: '1',
    bas_medn_flag: '1',
    hi_nego_drug_flag: '0',
  }),
  d({
    med_list_codg: 'XM01AEB010E001010100004',
    medins_list_codg: 'SBX0004',
    name: '布洛芬缓释胶囊',
    spec: '0.3g*20粒',
    dosform: '缓释胶囊',
    unit: '盒',
    prdr_name: '演示药业股份有限公司',
    list_type: '101',
    chrgitm_lv: '02',
    med_chrgitm_type: '09',
    pric_text: '18.80',
    pric_uplmt_text: '20.000000',
    selfpay_prop: '0.1000',
    rx_flag: '0',
    bas_medn_flag: '0',
    hi_nego_drug_flag: '0',
  }),
  d({
    // priced above its limit on purpose: exercises 超限价自费 (overlmt_selfpay)
    med_list_codg: 'XC08CAA022A001010100005',
    medins_list_codg: 'SBX0005',
    name: '苯磺酸氨氯地平片',
    spec: '5mg*28片',
    dosform: '片剂',
    unit: '盒',
    prdr_name: '培训制药有限公司',
    list_type: '101',
    chrgitm_lv: '02',
    med_chrgitm_type: '09',
    pric_text: '32.00',
    pric_uplmt_text: '30.000000',
    selfpay_prop: '0.1000',
    rx_flag: '1',
    bas_medn_flag: '1',
    hi_nego_drug_flag: '0',
  }),
  d({
    med_list_codg: 'XA02BCA031E004010100006',
    medins_list_codg: 'SBX0006',
    name: '奥美拉唑肠溶胶囊',
    spec: '20mg*14粒',
    dosform: '肠溶胶囊',
    unit: '盒',
    prdr_name: '培训制药有限公司',
    list_type: '101',
    chrgitm_lv: '02',
    med_chrgitm_type: '09',
    pric_text: '15.60',
    pric_uplmt_text: '25.000000',
    selfpay_prop: '0.1000',
    rx_flag: '1',
    bas_medn_flag: '1',
    hi_nego_drug_flag: '0',
  }),
  d({
    med_list_codg: 'XA11HAW001E009010100007',
    medins_list_codg: 'SBX0007',
    name: '维生素E软胶囊',
    spec: '100mg*30粒',
    dosform: '软胶囊',
    unit: '瓶',
    prdr_name: '沙箱制药有限公司',
    list_type: '101',
    chrgitm_lv: '03',
    med_chrgitm_type: '09',
    pric_text: '25.00',
    pric_uplmt_text: null,
    selfpay_prop: '1.0000',
    rx_flag: '0',
    bas_medn_flag: '0',
    hi_nego_drug_flag: '0',
  }),
  d({
    med_list_codg: 'ZA04AAL001A001000008',
    medins_list_codg: 'SBX0008',
    name: '连花清瘟胶囊（沙箱）',
    spec: '0.35g*24粒',
    dosform: '胶囊剂',
    unit: '盒',
    prdr_name: '演示中药有限公司',
    list_type: '102',
    chrgitm_lv: '02',
    med_chrgitm_type: '11',
    pric_text: '14.80',
    pric_uplmt_text: '18.000000',
    selfpay_prop: '0.1000',
    rx_flag: '0',
    bas_medn_flag: '1',
    hi_nego_drug_flag: '0',
  }),
  d({
    // sold by the gram with a 4-decimal price: cnt × pric needs rounding to the cent
    med_list_codg: 'T000700001SBX0009',
    medins_list_codg: 'SBX0009',
    name: '黄芪（饮片）',
    spec: '1g',
    dosform: '饮片',
    unit: 'g',
    prdr_name: '演示中药有限公司',
    list_type: '103',
    chrgitm_lv: '02',
    med_chrgitm_type: '10',
    pric_text: '0.0856',
    pric_uplmt_text: '0.100000',
    selfpay_prop: '0.1000',
    rx_flag: '1',
    bas_medn_flag: '0',
    hi_nego_drug_flag: '0',
  }),
  d({
    med_list_codg: 'C0344051070500000010',
    medins_list_codg: 'SBX0010',
    name: '一次性使用医用外科口罩',
    spec: '10只/袋',
    dosform: '耗材',
    unit: '袋',
    prdr_name: '沙箱医疗器械有限公司',
    list_type: '301',
    chrgitm_lv: '03',
    med_chrgitm_type: '08',
    pric_text: '6.00',
    pric_uplmt_text: null,
    selfpay_prop: '1.0000',
    rx_flag: '0',
    bas_medn_flag: '0',
    hi_nego_drug_flag: '0',
  }),
  d({
    // a negotiated drug (谈判药) priced exactly at its limit
    med_list_codg: 'XL04AXA122A001010100011',
    medins_list_codg: 'SBX0011',
    name: '来那度胺胶囊（沙箱）',
    spec: '10mg*21粒',
    dosform: '胶囊剂',
    unit: '盒',
    prdr_name: '培训制药有限公司',
    list_type: '101',
    chrgitm_lv: '02',
    med_chrgitm_type: '09',
    pric_text: '1160.00',
    pric_uplmt_text: '1160.000000',
    selfpay_prop: '0.1000',
    rx_flag: '1',
    bas_medn_flag: '0',
    hi_nego_drug_flag: '1',
  }),
];

/**
 * How the center finds an item by its national code. The default serves SANDBOX_DRUGS; a generated
 * catalogue can be plugged in later through SandboxOptions.catalogue. Unknown codes are treated as
 * 丙类 (全自费) by the settlement rules, never refused.
 */
export interface DrugCatalogue {
  lookup(medListCodg: string): SandboxDrug | undefined;
}

export function createDrugCatalogue(drugs: readonly SandboxDrug[] = SANDBOX_DRUGS): DrugCatalogue {
  const byCode = new Map(drugs.map((x) => [x.med_list_codg, x]));
  return { lookup: (code) => byCode.get(code) };
}
