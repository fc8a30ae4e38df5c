import type {
  CatalogueProgress,
  CatalogueSyncRun,
  MappingState,
  RxClass,
  SpecialFlag,
} from '../../../../app/shared/contract';

/** 处方 / 非处方 as printed on the box: 甲类 OTC is the red one, 乙类 the green one. */
export const RX_LABELS: Record<RxClass, string> = {
  rx: '处方药',
  otc_a: '甲类非处方',
  otc_b: '乙类非处方',
  non_drug: '非药品',
};

/** Short on the badge, in full in the tooltip and the form. */
export const FLAG_LABELS: Record<SpecialFlag, { short: string; full: string }> = {
  ephedrine: { short: '含麻', full: '含麻黄碱类复方制剂（限量销售，登记购买人身份证）' },
  special_compound: { short: '特殊复方', full: '含特殊药品复方制剂' },
  cold_chain: { short: '冷链', full: '冷链药品（2–8°C 冷藏）' },
};

export const SPECIAL_FLAGS: readonly SpecialFlag[] = ['ephedrine', 'special_compound', 'cold_chain'];
export const RX_CLASSES: readonly RxClass[] = ['rx', 'otc_a', 'otc_b', 'non_drug'];

export const MAPPING_STATE_LABELS: Record<MappingState, string> = {
  unmapped: '未对照',
  pending: '待上传',
  uploaded: '已上传',
  failed: '上传失败',
  revoking: '撤销中',
  revoked: '已撤销',
};

export const MAPPING_STATE_HINTS: Record<MappingState, string> = {
  unmapped: '还没有对照到国家医保目录：医保结算时不能使用',
  pending: '已确认对照，尚未上传到医保中心（3301）',
  uploaded: '医保中心已接收对照，可用于医保结算',
  failed: '医保中心没有接收对照，原因见医保中心的回复',
  revoking: '正在向医保中心撤销对照（3302）',
  revoked: '对照已在医保中心撤销',
};

export const MAPPING_STATES: readonly MappingState[] = [
  'unmapped',
  'pending',
  'uploaded',
  'failed',
  'revoking',
  'revoked',
];

export const RUN_STATUS_LABELS: Record<CatalogueSyncRun['status'], string> = {
  running: '进行中',
  ok: '成功',
  failed: '失败',
  interrupted: '已中断',
};

export const RUN_TRIGGER_LABELS: Record<CatalogueSyncRun['trigger'], string> = {
  manual: '手动',
  scheduled: '定时',
  startup: '启动时',
  cli: '命令行',
};

export const PHASE_LABELS: Record<CatalogueProgress['phase'], string> = {
  querying: '正在查询',
  downloading: '正在下载',
  parsing: '正在解析',
  importing: '正在导入',
  merging: '正在合并',
  done: '已完成',
  failed: '失败',
};

/** What each catalogue is for, when the service does not name it. */
export const CATALOGUE_NAMES: Record<string, string> = {
  '1301': '西药中成药目录',
  '1302': '中药饮片目录',
  '1304': '民族药品目录',
  '1306': '医用耗材目录',
  '1306A': '医用耗材目录（27位）',
  '1309': '门诊慢特病种目录',
  '1312': '医保目录',
  '1317': '医药机构目录匹配',
  '1318': '医保目录限价',
  '1319': '医保目录先自付比例',
  '1320': '中药配方颗粒目录',
  '1901': '字典表',
};

export function catalogueName(id: string, given?: string | null): string {
  return given || CATALOGUE_NAMES[id] || id;
}

/** Why a candidate was suggested, in words; the service's own words when it sends Chinese. */
const REASON_LABELS: Record<string, string> = {
  aprvno: '批准文号相同',
  barcode: '条码相同',
  name: '名称相近',
  generic_name: '通用名相同',
  trade_name: '商品名相同',
  spec: '规格相同',
  manufacturer: '生产企业相同',
  dosform: '剂型相同',
  nat_code: '已填写国家编码',
};

export function reasonLabel(reason: string): string {
  return REASON_LABELS[reason] ?? reason;
}

export const MATCHED_BY_LABELS: Record<string, string> = {
  barcode: '条码',
  nat_code: '国家编码',
  code: '商品编码',
  name: '名称',
  pinyin_initials: '拼音首字母',
  pinyin_full: '全拼',
};
