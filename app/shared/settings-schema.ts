import { z } from './z';

/**
 * The one definition of every setting: its schema, default, label and group. The database keeps
 * one row per key; an environment variable POS_<KEY> (dots and dashes as underscores, upper case)
 * overrides any of them, e.g. `nhsa.base_url` ← POS_NHSA_BASE_URL; a few carry the
 * shorter names implementers know (`pharmacy.fixmedins_code` ← POS_FIXMEDINS_CODE).
 */

export type SettingKind = 'string' | 'integer' | 'boolean' | 'enum';

export interface SettingDef<S extends z.ZodType = z.ZodType> {
  key: string;
  group: SettingGroup;
  label: string;
  help?: string;
  kind: SettingKind;
  schema: S;
  default: z.output<S>;
  /** secrets are stored encrypted and never sent to the renderer in clear */
  secret?: boolean;
  /** enum choices with their labels, in display order */
  choices?: ReadonlyArray<{ value: string; label: string }>;
  /** a restart is needed before the change takes effect */
  restart?: boolean;
  /** the environment variable, when it is not derived from the key (short names implementers know) */
  env?: string;
}

export const SETTING_GROUPS = {
  pharmacy: '药店信息',
  nhsa: '医保接口',
  eprescription: '电子处方',
  devices: '设备',
  trace: '追溯码',
  gsp: 'GSP 规则',
  system: '系统',
} as const;
export type SettingGroup = keyof typeof SETTING_GROUPS;

const optionalText = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字符`);
const blankOr = <S extends z.ZodType<string>>(s: S) => z.union([z.literal(''), s]);

/** A JSON object as text (a vendor library's configuration), or empty. */
const jsonObjectText = z
  .string()
  .trim()
  .max(4000, '不能超过 4000 个字符')
  .refine((v) => {
    if (v === '') return true;
    try {
      const o: unknown = JSON.parse(v);
      return typeof o === 'object' && o !== null && !Array.isArray(o);
    } catch {
      return false;
    }
  }, '应为 JSON 对象（以 { 开头），或留空');

const port = blankOr(
  z
    .string()
    .trim()
    // any absolute device path on Linux/macOS: USB-serial adapters, and the pseudo-terminal links that virtual
    // COM tools (socat, com0com's Linux cousins) create outside /dev
    .regex(/^(COM\d{1,3}|\/[\w./-]+|\\\\\.\\COM\d{1,3})$/i, '串口名称应为 COM3、/dev/ttyUSB0 这样的形式'),
);

function def<const K extends string, S extends z.ZodType>(d: SettingDef<S> & { key: K }): SettingDef<S> & { key: K } {
  return d;
}

function choiceEnum<const V extends readonly [string, ...string[]]>(values: V, labels: Record<V[number], string>) {
  return {
    kind: 'enum' as const,
    schema: z.enum(values, { message: `只能是：${values.map((v) => labels[v as V[number]]).join('、')}` }),
    choices: values.map((v) => ({ value: v, label: labels[v as V[number]] })),
  };
}

export const SETTING_DEFS = [
  // 药店信息 — the identity the insurance center knows the pharmacy by
  def({
    key: 'pharmacy.fixmedins_code',
    env: 'POS_FIXMEDINS_CODE',
    group: 'pharmacy',
    label: '定点医药机构编号',
    help: '医保局分配的机构编码，如 P44030500001',
    kind: 'string',
    schema: blankOr(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{6,30}$/, '机构编号应为 6–30 位字母或数字'),
    ),
    default: '',
  }),
  def({
    key: 'pharmacy.fixmedins_name',
    env: 'POS_FIXMEDINS_NAME',
    group: 'pharmacy',
    label: '定点医药机构名称',
    kind: 'string',
    schema: optionalText(200),
    default: '',
  }),
  def({
    key: 'pharmacy.admdvs',
    env: 'POS_ADMDVS',
    group: 'pharmacy',
    label: '就医地医保区划',
    help: '6 位行政区划代码，报文中的 mdtrtarea_admvs，如 440300',
    kind: 'string',
    schema: blankOr(
      z
        .string()
        .trim()
        .regex(/^\d{6}$/, '医保区划应为 6 位数字'),
    ),
    default: '',
  }),
  def({
    key: 'pharmacy.receipt_title',
    group: 'pharmacy',
    label: '小票抬头',
    help: '留空则使用机构名称',
    kind: 'string',
    schema: optionalText(40),
    default: '',
  }),

  // 医保接口 (national platform)
  def({
    key: 'nhsa.base_url',
    group: 'nhsa',
    label: '医保接口地址',
    help: '留空时使用内置沙箱医保中心（培训模式）',
    kind: 'string',
    schema: blankOr(
      z
        .string()
        .trim()
        .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/i, '接口地址应以 http:// 或 https:// 开头'),
    ),
    default: '',
    restart: true,
  }),
  def({
    key: 'nhsa.profile',
    group: 'nhsa',
    label: '地区接口方案',
    ...choiceEnum(['national', 'per_service'] as const, {
      national: '国家统一入口（callService）',
      per_service: '按服务路径（省级网关）',
    }),
    default: 'national',
  }),
  def({
    key: 'nhsa.recer_sys_code',
    group: 'nhsa',
    label: '接收方系统代码',
    help: '由省医保局分配，河北等地为 YBXT',
    kind: 'string',
    schema: z.string().trim().min(1, '不能为空').max(10, '不能超过 10 个字符'),
    default: 'YBXT',
  }),
  def({
    key: 'nhsa.infver',
    group: 'nhsa',
    label: '接口版本号',
    kind: 'string',
    schema: z.string().trim().min(1, '不能为空').max(6, '不能超过 6 个字符'),
    default: 'V1.0',
  }),
  def({
    key: 'nhsa.paasid',
    group: 'nhsa',
    label: '网关 paasid',
    kind: 'string',
    schema: optionalText(64),
    default: '',
  }),
  def({
    key: 'nhsa.token',
    group: 'nhsa',
    label: '网关 token',
    kind: 'string',
    schema: optionalText(256),
    default: '',
    secret: true,
  }),
  def({
    key: 'nhsa.check_entitlement',
    group: 'nhsa',
    label: '读卡后做待遇检查（2001）',
    help: '部分地区要求药店结算前调用 2001 检查参保人是否享受待遇',
    kind: 'boolean',
    schema: z.boolean(),
    default: false,
  }),
  def({
    key: 'nhsa.timeout_seconds',
    group: 'nhsa',
    label: '接口超时（秒）',
    kind: 'integer',
    schema: z.number().int('应为整数').min(3, '不能少于 3 秒').max(600, '不能超过 600 秒'),
    default: 30,
  }),

  def({
    key: 'nhsa.timeout_overrides',
    group: 'nhsa',
    label: '按交易设置超时',
    help: '如 2102=60,9102=300（交易编号=秒，逗号分隔）；未列出的交易使用上面的超时',
    kind: 'string',
    schema: z
      .string()
      .trim()
      .max(500, '不能超过 500 个字符')
      .regex(
        /^$|^\s*[0-9A-Z]{4,6}\s*=\s*\d{1,3}\s*(,\s*[0-9A-Z]{4,6}\s*=\s*\d{1,3}\s*)*$/,
        '格式应为 交易编号=秒，用逗号分隔，如 2102=60,9102=300',
      ),
    default: '',
  }),
  def({
    key: 'upload.mode',
    group: 'nhsa',
    label: '进销存上传方式',
    help: '自动：积压达到下面的条数时改用批量接口（3501A–3507A）；也可固定逐条或批量，按当地医保要求',
    ...choiceEnum(['auto', 'single', 'batch'] as const, { auto: '自动', single: '逐条', batch: '批量' }),
    default: 'auto',
  }),
  def({
    key: 'upload.batch_threshold',
    group: 'nhsa',
    label: '积压多少条时改用批量上传',
    kind: 'integer',
    schema: z.number().int('应为整数').min(2, '至少 2 条').max(10_000, '不能超过 10000 条'),
    default: 20,
  }),
  def({
    key: 'upload.batch_size',
    group: 'nhsa',
    label: '批量上传每次条数',
    help: '国家规范未给出上限，按当地医保中心要求设置',
    kind: 'integer',
    schema: z.number().int('应为整数').min(2, '至少 2 条').max(1000, '不能超过 1000 条'),
    default: 100,
  }),

  // 电子处方
  def({
    key: 'eprescription.endpoint',
    group: 'eprescription',
    label: '电子处方接口地址',
    kind: 'string',
    schema: blankOr(
      z
        .string()
        .trim()
        .regex(/^https?:\/\/\S+$/i, '接口地址应以 http:// 或 https:// 开头'),
    ),
    default: '',
  }),
  def({
    key: 'eprescription.app_id',
    group: 'eprescription',
    label: '电子处方 appId',
    kind: 'string',
    schema: optionalText(64),
    default: '',
  }),
  def({
    key: 'eprescription.app_secret',
    group: 'eprescription',
    label: '电子处方 appSecret',
    kind: 'string',
    schema: optionalText(256),
    default: '',
    secret: true,
  }),
  def({
    key: 'eprescription.sm2_private_key',
    group: 'eprescription',
    label: 'SM2 私钥',
    help: '64 位十六进制',
    kind: 'string',
    schema: blankOr(
      z
        .string()
        .trim()
        .regex(/^[0-9a-fA-F]{64}$/, 'SM2 私钥应为 64 位十六进制字符'),
    ),
    default: '',
    secret: true,
  }),

  // 设备
  def({
    key: 'devices.id_card_reader_port',
    group: 'devices',
    label: '身份证阅读器串口',
    help: '留空表示未连接，如 COM3 或 /dev/ttyUSB0',
    kind: 'string',
    schema: port,
    default: '',
  }),
  def({
    key: 'devices.id_card_reader_baud',
    group: 'devices',
    label: '身份证阅读器波特率',
    ...choiceEnum(['115200', '57600', '38400', '19200', '9600'] as const, {
      '115200': '115200',
      '57600': '57600',
      '38400': '38400',
      '19200': '19200',
      '9600': '9600',
    }),
    default: '115200',
  }),
  def({
    key: 'devices.scanner_port',
    group: 'devices',
    label: '扫码枪串口',
    help: '留空表示键盘模式扫码枪',
    kind: 'string',
    schema: port,
    default: '',
  }),
  def({
    key: 'devices.printer_type',
    group: 'devices',
    label: '小票打印机连接方式',
    ...choiceEnum(['none', 'serial', 'network'] as const, {
      none: '不打印',
      serial: '串口',
      network: '网络（TCP 9100）',
    }),
    default: 'none',
  }),
  def({
    key: 'devices.printer_port',
    group: 'devices',
    label: '打印机串口',
    kind: 'string',
    schema: port,
    default: '',
  }),
  def({
    key: 'devices.printer_address',
    group: 'devices',
    label: '网络打印机地址',
    help: '如 192.168.1.50:9100',
    kind: 'string',
    schema: blankOr(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, '应为 主机名或IP[:端口] 的形式'),
    ),
    default: '',
  }),
  def({
    key: 'devices.paper_width',
    group: 'devices',
    label: '小票纸宽',
    ...choiceEnum(['58', '80'] as const, { '58': '58 mm', '80': '80 mm' }),
    default: '80',
  }),

  // 追溯码
  def({
    key: 'trace.required_for_insurance',
    group: 'trace',
    label: '医保结算必须扫追溯码',
    help: '2025-07-01 起医保基金拒付未扫码的销售',
    kind: 'boolean',
    schema: z.boolean(),
    default: true,
  }),
  def({
    key: 'trace.required_for_selfpay',
    group: 'trace',
    label: '自费销售必须扫追溯码',
    help: '2026-01-01 起所有销售均须采集追溯码',
    kind: 'boolean',
    schema: z.boolean(),
    default: true,
  }),
  def({
    key: 'trace.accept_gs1',
    group: 'trace',
    label: '接受 GS1 追溯码',
    kind: 'boolean',
    schema: z.boolean(),
    default: true,
  }),
  def({
    key: 'trace.accept_unknown_format',
    group: 'trace',
    label: '接受未知格式追溯码（提示后放行）',
    kind: 'boolean',
    schema: z.boolean(),
    default: false,
  }),

  def({
    key: 'devices.evoucher_dll',
    group: 'devices',
    label: '医保电子凭证解码库（JSON 配置）',
    help: '留空则培训模式用沙箱解码、正式环境不可扫电子凭证。字段：dllPath（NationECCode.dll 路径）、url（电子凭证中台地址）、functionName、convention、encoding 等，见 native/README.md',
    kind: 'string',
    schema: jsonObjectText,
    default: '',
  }),
  def({
    key: 'devices.sscard_dll',
    group: 'devices',
    label: '社保卡读卡库（JSON 配置）',
    help: '留空则只能手工输入卡号和卡识别码。字段：dllPath、functionName（如 iReadCardBas）、signature、layout 等，见 native/README.md',
    kind: 'string',
    schema: jsonObjectText,
    default: '',
  }),

  // GSP
  def({
    key: 'gsp.near_expiry_months',
    group: 'gsp',
    label: '近效期预警（月）',
    kind: 'integer',
    schema: z.number().int('应为整数').min(1, '至少 1 个月').max(36, '不能超过 36 个月'),
    default: 6,
  }),
  def({
    key: 'gsp.special_drug_max_packages',
    group: 'gsp',
    label: '含特殊药品复方制剂每次限购（最小包装）',
    help: '含麻黄碱类复方制剂国家规定每次不超过 2 个最小包装，各地可能更严',
    kind: 'integer',
    schema: z.number().int('应为整数').min(1, '至少 1').max(10, '不能超过 10'),
    default: 2,
  }),
  def({
    key: 'gsp.pharmacist_name',
    group: 'gsp',
    label: '驻店执业药师姓名',
    help: '上传销售记录（3505/3506）的药师姓名；处方药由审核药师本人署名',
    kind: 'string',
    schema: z.string().trim().max(50, '不能超过 50 个字符'),
    default: '',
  }),
  def({
    key: 'gsp.pharmacist_cert_no',
    group: 'gsp',
    label: '驻店执业药师执业资格证号',
    help: '上传销售记录（3505/3506）必填的药师执业资格证号',
    kind: 'string',
    schema: z.string().trim().max(50, '不能超过 50 个字符'),
    default: '',
  }),
  def({
    key: 'gsp.rx_requires_pharmacist',
    group: 'gsp',
    label: '处方药须药师审核',
    kind: 'boolean',
    schema: z.boolean(),
    default: true,
  }),

  // 系统
  def({
    key: 'system.backup_keep_days',
    group: 'system',
    label: '保留每日备份（份）',
    kind: 'integer',
    schema: z.number().int('应为整数').min(1, '至少保留 1 份').max(365, '不能超过 365 份'),
    default: 30,
  }),
  def({
    key: 'system.backup_dir',
    group: 'system',
    label: '备份目录',
    help: '留空则为数据目录下的 backups 文件夹；建议设在另一块磁盘上',
    kind: 'string',
    schema: optionalText(260),
    default: '',
  }),
  def({
    key: 'system.log_level',
    group: 'system',
    label: '日志级别',
    ...choiceEnum(['debug', 'info', 'warn', 'error'] as const, {
      debug: '调试',
      info: '信息',
      warn: '警告',
      error: '错误',
    }),
    default: 'info',
  }),
  def({
    key: 'system.web_port',
    group: 'system',
    label: '浏览器模式端口',
    help: '0 表示每次随机选择；仅监听 127.0.0.1',
    kind: 'integer',
    schema: z.number().int('应为整数').min(0, '端口应在 0–65535 之间').max(65535, '端口应在 0–65535 之间'),
    default: 0,
    restart: true,
  }),
] as const satisfies readonly SettingDef[];

export type SettingKey = (typeof SETTING_DEFS)[number]['key'];
type DefOf<K extends SettingKey> = Extract<(typeof SETTING_DEFS)[number], { key: K }>;
export type Settings = { [K in SettingKey]: z.output<DefOf<K>['schema']> };

export const SETTING_KEYS: readonly SettingKey[] = SETTING_DEFS.map((d) => d.key);

const byKey = new Map<string, SettingDef>(SETTING_DEFS.map((d) => [d.key, d as SettingDef]));

/** "2102=60, 9102=300" → { '2102': 60, '9102': 300 }, each clamped to 3–600 s. */
export function parseTimeoutOverrides(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([0-9A-Z]{4,6})\s*=\s*(\d{1,3})\s*$/.exec(part);
    if (m) out[m[1]!] = Math.min(600, Math.max(3, Number(m[2])));
  }
  return out;
}

export function settingDef(key: string): SettingDef | undefined {
  return byKey.get(key);
}

export function isSecretKey(key: string): boolean {
  return byKey.get(key)?.secret === true;
}

export function envNameOf(key: string): string {
  return byKey.get(key)?.env ?? 'POS_' + key.replace(/[.-]/g, '_').toUpperCase();
}

export function defaultSettings(): Settings {
  return Object.fromEntries(SETTING_DEFS.map((d) => [d.key, d.default])) as Settings;
}

/** What the renderer sees of a secret: whether it is set, never its value. */
export interface SecretState {
  secret: true;
  set: boolean;
}

export type SettingsViewValue = string | number | boolean | SecretState;

export interface SettingsView {
  values: Record<SettingKey, SettingsViewValue>;
  /** keys overridden by an environment variable, with the variable's name */
  overrides: Partial<Record<SettingKey, string>>;
  /** problems found while loading (bad env override, undecryptable secret, …) */
  warnings: string[];
  secretStorage: { scheme: string; label: string };
}
