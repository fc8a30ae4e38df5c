/**
 * The spreadsheet columns of a product import: the field each feeds, the header names people use
 * for it in Chinese pharmacy software exports, and which columns a file must have.
 */

export type ImportField =
  | 'code'
  | 'genericName'
  | 'tradeName'
  | 'spec'
  | 'dosageForm'
  | 'manufacturer'
  | 'aprvno'
  | 'unit'
  | 'splitUnit'
  | 'splitFactor'
  | 'retailPrice'
  | 'memberPrice'
  | 'splitPrice'
  | 'rxClass'
  | 'specialFlags'
  | 'ephedrine'
  | 'coldChain'
  | 'storage'
  | 'category'
  | 'barcodes'
  | 'natCode'
  | 'active';

export interface ColumnDef {
  field: ImportField;
  /** the name the report and the template use */
  label: string;
  aliases: string[];
  required?: boolean;
}

export const COLUMNS: readonly ColumnDef[] = [
  {
    field: 'code',
    label: '商品编码',
    aliases: ['商品编码', '商品代码', '商品编号', '药品编码', '药品编号', '自编码', '货号', '编码', '内码'],
    required: true,
  },
  {
    field: 'genericName',
    label: '通用名',
    aliases: ['通用名', '通用名称', '药品通用名', '药品通用名称', '品名', '药品名称'],
    required: true,
  },
  { field: 'tradeName', label: '商品名', aliases: ['商品名', '商标名', '品牌名', '商品名称'] },
  { field: 'spec', label: '规格', aliases: ['规格', '药品规格', '规格型号', '包装规格'] },
  { field: 'dosageForm', label: '剂型', aliases: ['剂型', '药品剂型'] },
  {
    field: 'manufacturer',
    label: '生产企业',
    aliases: ['生产企业', '生产厂家', '生产厂商', '厂家', '生产商', '生产单位', '制造商', '上市许可持有人'],
  },
  { field: 'aprvno', label: '批准文号', aliases: ['批准文号', '批文', '批文号', '注册证号', '国药准字'] },
  { field: 'unit', label: '单位', aliases: ['单位', '包装单位', '销售单位', '计量单位'], required: true },
  { field: 'splitUnit', label: '拆零单位', aliases: ['拆零单位', '最小单位', '拆分单位', '拆零包装单位'] },
  { field: 'splitFactor', label: '拆零系数', aliases: ['拆零系数', '拆零比例', '拆分系数', '拆零数量', '换算系数'] },
  {
    field: 'retailPrice',
    label: '零售价',
    aliases: ['零售价', '零售价格', '售价', '销售价', '销售价格', '单价'],
    required: true,
  },
  { field: 'memberPrice', label: '会员价', aliases: ['会员价', '会员价格', '会员售价'] },
  { field: 'splitPrice', label: '拆零价', aliases: ['拆零价', '拆零价格', '拆零售价', '拆零零售价'] },
  {
    field: 'rxClass',
    label: '处方分类',
    aliases: ['处方分类', '处方类别', '处方药分类', '处方属性', '处方药/非处方药', 'OTC分类', 'OTC类别'],
    required: true,
  },
  { field: 'specialFlags', label: '特殊标记', aliases: ['特殊标记', '特殊属性', '特殊管理', '特殊药品', '管理属性'] },
  { field: 'ephedrine', label: '含麻黄碱', aliases: ['含麻黄碱', '含麻', '含麻药品', '含麻黄碱类复方制剂'] },
  { field: 'coldChain', label: '冷链', aliases: ['冷链', '冷链药品', '冷藏药品'] },
  {
    field: 'storage',
    label: '储存条件',
    aliases: ['储存条件', '存储条件', '贮藏', '贮存条件', '贮藏条件', '储藏条件'],
  },
  { field: 'category', label: '分类', aliases: ['分类', '商品分类', '类别', '商品类别', '药品类别'] },
  { field: 'barcodes', label: '条码', aliases: ['条码', '条形码', '商品条码', '国际条码', '条码号', '69码'] },
  {
    field: 'natCode',
    label: '国家医保编码',
    aliases: [
      '国家医保编码',
      '医保编码',
      '国家编码',
      '医保目录编码',
      '医疗目录编码',
      '国家医保代码',
      '医保代码',
      '医保贯标码',
      '贯标码',
    ],
  },
  { field: 'active', label: '状态', aliases: ['状态', '启用', '是否启用'] },
];

/**
 * Header text as compared: full-width made half-width, spaces and required-markers (*) dropped, a unit
 * in brackets dropped ("零售价(元)" → "零售价"), Latin letters upper-cased.
 */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^\*+|\*+$/g, '')
    .replace(/\((元|元\/.+|个|件|盒|%)\)$/, '')
    .toUpperCase();
}

export interface HeaderMap {
  /** field → column indexes (barcodes may come from several columns: 条码1, 条码2 …) */
  columns: Map<ImportField, number[]>;
  /** the header text as found, per column index */
  headerAt: string[];
  missing: ColumnDef[];
  unknown: { index: number; header: string }[];
  /** a field named by two different columns (the first one is used) */
  duplicates: { field: ImportField; header: string }[];
}

const BY_ALIAS = new Map<string, ImportField>();
for (const c of COLUMNS) for (const a of c.aliases) BY_ALIAS.set(normaliseHeader(a), c.field);

export function mapHeader(header: readonly string[]): HeaderMap {
  const columns = new Map<ImportField, number[]>();
  const unknown: HeaderMap['unknown'] = [];
  const duplicates: HeaderMap['duplicates'] = [];
  const normalised = header.map((h) => normaliseHeader(h ?? ''));
  // "商品名称" is the trade name next to a 通用名 column, but the product's name when there is none.
  const hasGeneric = normalised.some((h) => BY_ALIAS.get(h) === 'genericName');
  normalised.forEach((h, index) => {
    if (!h) return;
    let field = BY_ALIAS.get(h);
    if (!hasGeneric && (h === '商品名称' || h === '名称')) field = 'genericName';
    if (!field && /^条(形)?码\d+$/.test(h)) field = 'barcodes';
    if (!field) {
      unknown.push({ index, header: header[index]! });
      return;
    }
    const list = columns.get(field);
    if (!list) columns.set(field, [index]);
    else if (field === 'barcodes') list.push(index);
    else duplicates.push({ field, header: header[index]! });
  });
  const missing = COLUMNS.filter((c) => c.required && !columns.has(c.field));
  return { columns, headerAt: header.map((h) => h ?? ''), missing, unknown, duplicates };
}
