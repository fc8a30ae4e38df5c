import { z } from './z';
import { ROLES, type Role } from './roles';
import { SETTING_KEYS, type SettingsView } from './settings-schema';
import type {
  BatchOption,
  FoundSale,
  LineChange,
  ParkedSale,
  PrintOutcome,
  RefundOutcome,
  SaleView,
  ScanOutcome,
  ShiftReportView,
  SpecialRegisterView,
} from './counter';
import { PAYMENT_METHODS, type PaperWidth, type ReceiptLine } from './receipt';
import {
  batchQuerySchema,
  purchaseReturnSchema,
  receivingSchema,
  reconcileSchema,
  stockChangeSchema,
  stocktakeCountSchema,
  stocktakeStartSchema,
  uploadDeleteSchema,
  uploadListSchema,
  uploadResendSchema,
  type BatchView,
  type DocSummary,
  type DocView,
  type LedgerRowView,
  type ReconcileReport,
  type SplitRecordView,
  type StockCharts,
  type UploadRowView,
  type UploadSummary,
} from './inventory';

/**
 * The one channel table between the renderer and the main process. The preload, the IPC
 * registration, the browser-mode bridge and the renderer's client are all derived from it.
 * Every payload is validated against `input` in the main process; `access` is checked there too.
 */

export type Access = 'public' | 'authenticated' | readonly Role[];

export interface ChannelDef<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  access: Access;
  /** phantom: the handler's return type */
  readonly output?: O;
}

function channel<O>() {
  return <I extends z.ZodType>(input: I, access: Access): ChannelDef<I, O> => ({ input, access });
}

// ---- shared shapes -------------------------------------------------------

export interface SessionOperator {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  mustChangePassword: boolean;
}

export interface OperatorSummary extends SessionOperator {
  active: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export type InsuranceBackendState =
  | { kind: 'none'; label: string }
  | { kind: 'sandbox'; label: string; healthy: boolean }
  | { kind: 'remote'; label: string; endpoint: string; healthy: boolean };

export type NhsaCallKind = 'ok' | 'business_error' | 'not_sent' | 'unknown';

export interface NhsaStatus {
  backend: InsuranceBackendState;
  /** this operator holds a live 9001 sign-in */
  signedIn: boolean;
  pendingReversals: number;
  lastCall: { kind: NhsaCallKind; at: string; error: string | null } | null;
}

export interface NhsaJournalRow {
  id: number;
  msgid: string;
  infno: string;
  infname: string;
  opter: string;
  startedAt: string;
  durationMs: number | null;
  outcome: 'pending' | NhsaCallKind;
  infcode: string | null;
  errMsg: string | null;
  request: unknown;
  response: unknown;
  warnings: string[];
  source: string;
}

export interface NhsaReversalRow {
  omsgid: string;
  oinfno: string;
  state: 'pending' | 'done';
  reason: 'unknown_outcome' | 'manual' | 'crash_recovery';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  doneAt: string | null;
}

export interface PharmacyInfoRow {
  fixmedins_code: string;
  fixmedins_name: string;
  fixmedins_type: string;
  uscc: string | null;
  hosp_lv: string | null;
}

export interface PractitionerRow {
  prac_psn_code: string;
  prac_psn_name: string;
  prac_psn_type: string;
  prac_cert_no: string | null;
  certno: string;
  begntime: string | null;
  endtime: string | null;
}

export interface AppStatus {
  version: string;
  /** no operator exists yet: the first screen asks for the admin's password */
  firstRun: boolean;
  trainingMode: boolean;
  insurance: InsuranceBackendState;
  pharmacyName: string;
  /** start-up could not complete; the renderer shows this and nothing else */
  fatal: { code: string; message: string } | null;
  warnings: string[];
  shell: 'desktop' | 'browser';
}

export interface AuditRow {
  id: number;
  at: string;
  operatorId: number | null;
  operatorName: string | null;
  action: string;
  screen: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  detail: unknown;
}

export interface SystemInfo {
  version: string;
  dataDir: string;
  dbPath: string;
  logDir: string;
  backupDir: string;
  schemaVersion: number;
  secretStorage: { scheme: string; label: string };
}

export interface BackupInfo {
  file: string;
  path: string;
  bytes: number;
  createdAt: string;
}

// ---- catalogues, products, mapping (issue: national catalogues and the product master) ----

export type CatalogueId =
  '1301' | '1302' | '1304' | '1306' | '1306A' | '1309' | '1320' | '1312' | '1317' | '1318' | '1319' | '1901';

export interface CatalogueSyncRun {
  id: number;
  catalogue: CatalogueId;
  trigger: 'manual' | 'scheduled' | 'startup' | 'cli';
  operatorName: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'ok' | 'failed' | 'interrupted';
  fromMark: string | null;
  toMark: string | null;
  files: number;
  rowsImported: number;
  rowsSkipped: number;
  error: string | null;
  /** bad rows: file, line, field, message (the first few hundred) */
  problems: { file: string; line: number; field: string; message: string }[];
}

export interface CatalogueState {
  catalogue: CatalogueId;
  name: string;
  /** local maximum version (file catalogues) or update time (queries) */
  mark: string | null;
  rows: number;
  lastRun: CatalogueSyncRun | null;
  running: boolean;
}

export interface CatalogueProgress {
  runId: number;
  catalogue: CatalogueId;
  phase: 'querying' | 'downloading' | 'parsing' | 'importing' | 'merging' | 'done' | 'failed';
  rows: number;
  /** 0–100, null while the total is not known */
  percent: number | null;
  rowsPerSecond: number;
  file: string | null;
  message: string | null;
}

/** 甲/乙/丙 and limits from 1312/1317/1318/1319 for one national code. */
export interface InsuranceFacts {
  natCode: string | null;
  /** 甲类 / 乙类 / 丙类 (自费), null when the code is not in the insurance list */
  chrgitmLv: '甲' | '乙' | '丙' | null;
  /** price ceiling (1318), fen */
  priceLimitFen: number | null;
  /** self-pay ratio (1319 or 乙类 default where known), e.g. "0.10" */
  selfpayProp: string | null;
  /** the center lists this product as this pharmacy's insurance item (1317) */
  isInsuranceItem: boolean;
  limitedUse: boolean;
}

export type RxClass = 'rx' | 'otc_a' | 'otc_b' | 'non_drug';
export type SpecialFlag = 'ephedrine' | 'special_compound' | 'cold_chain';
export type MappingState = 'unmapped' | 'pending' | 'uploaded' | 'failed' | 'revoking' | 'revoked';

export interface ProductHit {
  id: number;
  code: string;
  genericName: string;
  tradeName: string | null;
  spec: string | null;
  manufacturer: string | null;
  unit: string;
  retailPriceFen: number;
  rxClass: RxClass;
  specialFlags: SpecialFlag[];
  stockQty: number;
  insurance: InsuranceFacts;
  /** why it matched: barcode, nat_code, code, name, pinyin_initials, pinyin_full */
  matchedBy: string;
}

export interface ProductDetail extends ProductHit {
  barcodes: string[];
  dosageForm: string | null;
  aprvno: string | null;
  splitUnit: string | null;
  splitFactor: number | null;
  memberPriceFen: number | null;
  splitPriceFen: number | null;
  storage: string | null;
  category: string | null;
  natCode: string | null;
  active: boolean;
  mapping: {
    state: MappingState;
    natCode: string | null;
    catalogue: string | null;
    centerMessage: string | null;
    updatedAt: string | null;
  };
}

export interface ImportReport {
  fileName: string;
  total: number;
  created: number;
  updated: number;
  skipped: number;
  /** row is the spreadsheet row number (header = 1) */
  problems: { row: number; field: string; message: string }[];
  /** the file could not be used at all (e.g. missing columns): nothing was imported */
  fatal: string | null;
}

export interface MappingCandidate {
  natCode: string;
  catalogue: string;
  name: string;
  tradeName: string | null;
  spec: string | null;
  dosform: string | null;
  manufacturer: string | null;
  aprvno: string | null;
  chrgitmLv: '甲' | '乙' | '丙' | null;
  score: number;
  reasons: string[];
}

export interface NatItemHit {
  catalogue: string;
  code: string;
  name: string;
  tradeName: string | null;
  spec: string | null;
  dosform: string | null;
  manufacturer: string | null;
  aprvno: string | null;
  chrgitmLv: '甲' | '乙' | '丙' | null;
}

// ---- input schemas -------------------------------------------------------

export const usernameSchema = z
  .string()
  .trim()
  .min(2, '用户名至少 2 个字符')
  .max(32, '用户名不能超过 32 个字符')
  .regex(/^[A-Za-z0-9_.-]+$/, '用户名只能包含字母、数字、下划线、点和短横线');
export const displayNameSchema = z.string().trim().min(1, '请填写姓名').max(32, '姓名不能超过 32 个字符');
/** Length is checked here; strength rules live in the operator service so they can name the user. */
export const passwordSchema = z.string().min(1, '请输入密码').max(128, '密码不能超过 128 个字符');
export const rolesSchema = z
  .array(z.enum(ROLES, { message: '未知角色' }))
  .min(1, '至少选择一个角色')
  .max(ROLES.length);

const settingKeySchema = z.enum(SETTING_KEYS as [string, ...string[]], { message: '未知设置项' });
const settingValueSchema = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]);

const isoDateTime = z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601' });

export const CallMetaSchema = z
  .object({
    screen: z
      .string()
      .max(64)
      .regex(/^[\w./-]*$/, '界面标识无效')
      .optional(),
  })
  .strict();
export type CallMeta = z.infer<typeof CallMetaSchema>;

const empty = z.object({}).strict();
const id = z.number().int().positive();
const qty = z.number().int('数量应为整数').min(1, '数量至少为 1').max(100_000, '数量过大');

export const CHANNELS = {
  'app.status': channel<AppStatus>()(empty, 'public'),

  'auth.session': channel<SessionOperator | null>()(empty, 'public'),
  'auth.setupAdmin': channel<SessionOperator>()(
    z.object({ username: usernameSchema, displayName: displayNameSchema, password: passwordSchema }).strict(),
    'public',
  ),
  'auth.login': channel<SessionOperator>()(
    z.object({ username: z.string().trim().min(1, '请输入用户名').max(32), password: passwordSchema }).strict(),
    'public',
  ),
  'auth.logout': channel<null>()(empty, 'authenticated'),
  'auth.changePassword': channel<null>()(
    z.object({ oldPassword: passwordSchema, newPassword: passwordSchema }).strict(),
    'authenticated',
  ),

  'operators.list': channel<OperatorSummary[]>()(empty, ['admin', 'manager']),
  'operators.create': channel<OperatorSummary>()(
    z
      .object({
        username: usernameSchema,
        displayName: displayNameSchema,
        roles: rolesSchema,
        password: passwordSchema,
      })
      .strict(),
    ['admin'],
  ),
  'operators.update': channel<OperatorSummary>()(
    z
      .object({
        id: z.number().int().positive(),
        displayName: displayNameSchema.optional(),
        roles: rolesSchema.optional(),
        active: z.boolean().optional(),
      })
      .strict(),
    ['admin'],
  ),
  'operators.resetPassword': channel<null>()(
    z.object({ id: z.number().int().positive(), password: passwordSchema }).strict(),
    ['admin'],
  ),
  'operators.unlock': channel<OperatorSummary>()(z.object({ id: z.number().int().positive() }).strict(), ['admin']),

  'settings.get': channel<SettingsView>()(empty, ['admin']),
  'settings.update': channel<SettingsView>()(
    z
      .object({
        changes: z
          .partialRecord(settingKeySchema, settingValueSchema)
          .refine((r) => Object.keys(r).length > 0, '没有要保存的更改'),
      })
      .strict(),
    ['admin'],
  ),

  'audit.list': channel<{ rows: AuditRow[]; total: number }>()(
    z
      .object({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        operatorId: z.number().int().positive().optional(),
        action: z.string().max(64).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    ['admin', 'manager'],
  ),

  'system.info': channel<SystemInfo>()(empty, ['admin']),
  'system.backupNow': channel<BackupInfo>()(empty, ['admin', 'manager']),
  'system.listBackups': channel<BackupInfo[]>()(empty, ['admin', 'manager']),

  'catalogue.states': channel<CatalogueState[]>()(empty, ['admin', 'manager']),
  'catalogue.sync': channel<{ started: number[] }>()(
    z
      .object({
        catalogues: z
          .array(
            z.enum(['1301', '1302', '1304', '1306', '1306A', '1309', '1320', '1312', '1317', '1318', '1319', '1901']),
          )
          .max(12)
          .optional(),
      })
      .strict(),
    ['admin', 'manager'],
  ),
  'catalogue.runs': channel<{ rows: CatalogueSyncRun[]; total: number }>()(
    z
      .object({ limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) })
      .strict(),
    ['admin', 'manager'],
  ),
  'catalogue.searchNational': channel<NatItemHit[]>()(
    z
      .object({
        q: z.string().trim().min(1, '请输入检索内容').max(100),
        catalogue: z.string().max(6).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    'authenticated',
  ),

  'products.search': channel<ProductHit[]>()(
    z
      .object({
        q: z.string().trim().min(1, '请输入检索内容').max(100),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    'authenticated',
  ),
  'products.list': channel<{ rows: ProductDetail[]; total: number }>()(
    z
      .object({
        q: z.string().trim().max(100).optional(),
        mapping: z.enum(['unmapped', 'pending', 'uploaded', 'failed', 'revoking', 'revoked']).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    'authenticated',
  ),
  'products.get': channel<ProductDetail>()(z.object({ id: z.number().int().positive() }).strict(), 'authenticated'),
  'products.save': channel<ProductDetail>()(
    z
      .object({
        id: z.number().int().positive().optional(),
        code: z.string().trim().min(1, '请填写商品编码').max(50, '商品编码不能超过 50 个字符'),
        genericName: z.string().trim().min(1, '请填写通用名').max(200),
        tradeName: z.string().trim().max(200).nullable().optional(),
        spec: z.string().trim().max(200).nullable().optional(),
        dosageForm: z.string().trim().max(100).nullable().optional(),
        manufacturer: z.string().trim().max(200).nullable().optional(),
        aprvno: z.string().trim().max(100).nullable().optional(),
        unit: z.string().trim().min(1, '请填写单位').max(20),
        splitUnit: z.string().trim().max(20).nullable().optional(),
        splitFactor: z.number().int().min(2, '拆零系数至少为 2').max(10000).nullable().optional(),
        retailPriceFen: z.number().int().min(0, '价格不能为负').max(100_000_000),
        memberPriceFen: z.number().int().min(0).max(100_000_000).nullable().optional(),
        splitPriceFen: z.number().int().min(0).max(100_000_000).nullable().optional(),
        rxClass: z.enum(['rx', 'otc_a', 'otc_b', 'non_drug'], { message: '处方分类无效' }),
        specialFlags: z
          .array(z.enum(['ephedrine', 'special_compound', 'cold_chain']))
          .max(3)
          .default([]),
        storage: z.string().trim().max(100).nullable().optional(),
        category: z.string().trim().max(100).nullable().optional(),
        barcodes: z
          .array(
            z
              .string()
              .trim()
              .regex(/^[0-9A-Za-z-]{4,40}$/, '条码格式不正确'),
          )
          .max(20)
          .default([]),
        active: z.boolean().default(true),
      })
      .strict(),
    ['admin', 'manager'],
  ),
  'products.import': channel<ImportReport>()(
    z
      .object({
        fileName: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .regex(/\.(xlsx|csv)$/i, '只支持 .xlsx 或 .csv 文件'),
        contentBase64: z.string().min(1, '文件为空').max(14_000_000, '文件不能超过 10 MB'),
        dryRun: z.boolean().default(false),
      })
      .strict(),
    ['admin', 'manager'],
  ),
  'mapping.candidates': channel<MappingCandidate[]>()(z.object({ productId: z.number().int().positive() }).strict(), [
    'admin',
    'manager',
  ]),
  'mapping.confirm': channel<ProductDetail>()(
    z
      .object({
        productId: z.number().int().positive(),
        natCode: z.string().trim().min(1).max(50),
        catalogue: z.string().max(6),
      })
      .strict(),
    ['admin', 'manager'],
  ),
  'mapping.upload': channel<{
    uploaded: number;
    failed: number;
    results: { productId: number; state: MappingState; message: string | null }[];
  }>()(z.object({ productIds: z.array(z.number().int().positive()).max(1000).optional() }).strict(), [
    'admin',
    'manager',
  ]),
  'mapping.revoke': channel<ProductDetail>()(z.object({ productId: z.number().int().positive() }).strict(), [
    'admin',
    'manager',
  ]),

  'nhsa.status': channel<NhsaStatus>()(empty, 'authenticated'),
  'nhsa.signIn': channel<NhsaStatus>()(empty, 'authenticated'),
  'nhsa.journal': channel<{ rows: NhsaJournalRow[]; total: number }>()(
    z
      .object({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        infno: z
          .string()
          .regex(/^[0-9A-Z]{4,6}$/, '交易编号格式不正确')
          .optional(),
        outcome: z.enum(['pending', 'ok', 'business_error', 'not_sent', 'unknown']).optional(),
        msgid: z.string().max(30).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    ['admin', 'manager'],
  ),
  'nhsa.journalExport': channel<{ path: string; rows: number }>()(
    z.object({ from: isoDateTime.optional(), to: isoDateTime.optional() }).strict(),
    ['admin'],
  ),
  'nhsa.reversals': channel<NhsaReversalRow[]>()(z.object({ state: z.enum(['pending', 'done']).optional() }).strict(), [
    'admin',
    'manager',
  ]),
  'nhsa.reverse': channel<NhsaReversalRow>()(
    z.object({ msgid: z.string().trim().min(1, '请输入原交易的报文ID').max(30) }).strict(),
    ['admin'],
  ),
  'nhsa.pharmacyInfo': channel<PharmacyInfoRow[]>()(
    z
      .object({
        fixmedins_code: z.string().trim().max(30).optional(),
        fixmedins_name: z.string().trim().max(200).optional(),
      })
      .strict(),
    ['admin'],
  ),
  'nhsa.practitioners': channel<PractitionerRow[]>()(
    z
      .object({
        prac_psn_type: z.enum(['1', '2', '3', '4']).default('3'),
        prac_psn_name: z.string().trim().max(50).optional(),
        prac_psn_code: z.string().trim().max(20).optional(),
      })
      .strict(),
    ['admin', 'manager', 'pharmacist'],
  ),

  // ---- the counter (收银台) ----
  'counter.active': channel<SaleView | null>()(empty, 'authenticated'),
  'counter.start': channel<SaleView>()(empty, 'authenticated'),
  'counter.get': channel<SaleView>()(z.object({ saleId: id }).strict(), 'authenticated'),
  'counter.scan': channel<ScanOutcome>()(
    z.object({ saleId: id, code: z.string().trim().min(1, '请扫描或输入条码').max(200) }).strict(),
    'authenticated',
  ),
  'counter.addProduct': channel<LineChange>()(
    z
      .object({
        saleId: id,
        productId: id,
        qty: qty,
        split: z.boolean().default(false),
        batchId: id.nullable().optional(),
      })
      .strict(),
    'authenticated',
  ),
  'counter.updateLine': channel<SaleView>()(
    z
      .object({ saleId: id, lineId: id, qty: qty.optional(), batchId: id.optional(), split: z.boolean().optional() })
      .strict(),
    'authenticated',
  ),
  'counter.removeLine': channel<SaleView>()(z.object({ saleId: id, lineId: id }).strict(), 'authenticated'),
  'counter.batches': channel<BatchOption[]>()(z.object({ productId: id }).strict(), 'authenticated'),
  'counter.addTraceCode': channel<LineChange>()(
    z.object({ saleId: id, lineId: id.nullable(), code: z.string().trim().min(1, '请扫描追溯码').max(200) }).strict(),
    'authenticated',
  ),
  'counter.removeTraceCode': channel<SaleView>()(z.object({ saleId: id, traceId: id }).strict(), 'authenticated'),
  'counter.setPrescription': channel<SaleView>()(
    z
      .object({
        saleId: id,
        rxNo: z.string().trim().min(1, '请填写处方号').max(40),
        prescriber: z.string().trim().min(1, '请填写开方医师').max(50),
        institution: z.string().trim().min(1, '请填写开方机构').max(100),
        pharmacist: z
          .object({
            username: z.string().trim().min(1, '请填写药师账号').max(50),
            password: z.string().min(1).max(200),
          })
          .optional(),
      })
      .strict(),
    'authenticated',
  ),
  'counter.setSpecialBuyer': channel<SaleView>()(
    z
      .object({
        saleId: id,
        name: z.string().trim().min(1, '请填写购买人姓名').max(50),
        idNo: z.string().trim().min(15, '身份证号位数不对').max(18, '身份证号位数不对'),
      })
      .strict(),
    'authenticated',
  ),
  /** the buyer's ID read from the ID-card reader straight into the register (never through the screen) */
  'counter.specialBuyerFromReader': channel<SaleView>()(z.object({ saleId: id }).strict(), 'authenticated'),
  'counter.readPerson': channel<SaleView>()(
    z
      .object({
        saleId: id,
        source: z.discriminatedUnion('medium', [
          z.object({ medium: z.literal('id_card_reader') }).strict(),
          z.object({ medium: z.literal('id_number'), idNo: z.string().trim().min(15).max(18) }).strict(),
          z.object({ medium: z.literal('e_voucher'), qr: z.string().trim().max(2000) }).strict(),
          z.object({ medium: z.literal('ss_card_reader') }).strict(),
          z
            .object({
              medium: z.literal('ss_card'),
              cardNo: z.string().trim().min(1, '请填写社保卡号').max(50),
              cardSn: z.string().trim().min(1, '请填写卡识别码').max(32),
            })
            .strict(),
        ]),
      })
      .strict(),
    'authenticated',
  ),
  'counter.chooseInsutype': channel<SaleView>()(
    z.object({ saleId: id, insutype: z.string().trim().min(3).max(6), acctUsed: z.boolean() }).strict(),
    'authenticated',
  ),
  'counter.clearPerson': channel<SaleView>()(z.object({ saleId: id }).strict(), 'authenticated'),
  'counter.preSettle': channel<SaleView>()(z.object({ saleId: id }).strict(), 'authenticated'),
  'counter.settle': channel<SaleView>()(z.object({ saleId: id }).strict(), 'authenticated'),
  'counter.pay': channel<SaleView>()(
    z
      .object({
        saleId: id,
        payments: z
          .array(
            z
              .object({
                method: z.enum(PAYMENT_METHODS),
                amountFen: z.number().int('金额应为整数（分）').positive('支付金额应大于 0').max(100_000_000),
              })
              .strict(),
          )
          .max(8),
      })
      .strict(),
    'authenticated',
  ),
  'counter.park': channel<null>()(
    z.object({ saleId: id, label: z.string().trim().max(30).nullable().default(null) }).strict(),
    'authenticated',
  ),
  'counter.parked': channel<ParkedSale[]>()(empty, 'authenticated'),
  'counter.resume': channel<SaleView>()(z.object({ saleId: id }).strict(), 'authenticated'),
  'counter.void': channel<null>()(z.object({ saleId: id }).strict(), 'authenticated'),
  'counter.receipt': channel<{ paperWidth: PaperWidth; lines: ReceiptLine[] }>()(
    z.object({ saleId: id, reprint: z.boolean().default(false) }).strict(),
    'authenticated',
  ),
  'counter.findSales': channel<FoundSale[]>()(
    z.object({ q: z.string().trim().min(1, '请输入小票号、结算ID或证件号').max(60) }).strict(),
    ['manager', 'admin'],
  ),
  /** a refund needs the manager role; kept lines of an insurance sale go into a new cart (see app/counter/refund.ts) */
  'counter.refund': channel<RefundOutcome>()(
    z.object({ saleId: id, keepLineIds: z.array(id).max(500).default([]) }).strict(),
    ['manager', 'admin'],
  ),
  'counter.shiftReport': channel<ShiftReportView>()(
    z
      .object({
        from: isoDateTime,
        to: isoDateTime,
        print: z.boolean().default(false),
      })
      .strict(),
    'authenticated',
  ),
  /** 含特殊药品复方制剂销售登记 for a period; export writes the full register (unmasked) to a CSV file */
  'counter.specialRegister': channel<{ rows: SpecialRegisterView[]; exportedTo: string | null }>()(
    z.object({ from: isoDateTime, to: isoDateTime, export: z.boolean().default(false) }).strict(),
    ['pharmacist', 'manager', 'admin'],
  ),
  'counter.print': channel<PrintOutcome>()(
    z.object({ saleId: id, reprint: z.boolean().default(false), openDrawer: z.boolean().default(false) }).strict(),
    'authenticated',
  ),

  // 库存: stock by batch, documents (receiving, purchase return, change, stocktake), GSP lists
  'stock.batches': channel<{ rows: BatchView[]; total: number; months: number }>()(batchQuerySchema, 'authenticated'),
  'stock.ledger': channel<LedgerRowView[]>()(z.object({ batchId: id }).strict(), 'authenticated'),
  'stock.setLocked': channel<BatchView>()(
    z.object({ batchId: id, locked: z.boolean(), reason: z.string().trim().min(2, '请说明原因').max(200) }).strict(),
    ['pharmacist', 'manager', 'admin'],
  ),
  'stock.charts': channel<StockCharts>()(empty, ['manager', 'admin']),
  'stock.splitRecords': channel<SplitRecordView[]>()(
    z.object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
    ['pharmacist', 'manager', 'admin'],
  ),
  'stock.docs': channel<{ rows: DocSummary[]; total: number }>()(
    z
      .object({
        kind: z.enum(['receiving', 'purchase_return', 'change', 'stocktake']).optional(),
        state: z.enum(['draft', 'submitted', 'posted', 'cancelled']).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    'authenticated',
  ),
  'stock.doc': channel<DocView>()(z.object({ docId: id }).strict(), 'authenticated'),
  'stock.receive': channel<DocView>()(receivingSchema, ['pharmacist', 'manager', 'admin']),
  'stock.purchaseReturn': channel<DocView>()(purchaseReturnSchema, ['manager', 'admin']),
  'stock.change': channel<DocView>()(stockChangeSchema, ['pharmacist', 'manager', 'admin']),
  'stock.stocktakeStart': channel<DocView>()(stocktakeStartSchema, ['pharmacist', 'manager', 'admin']),
  'stock.stocktakeCount': channel<DocView>()(stocktakeCountSchema, 'authenticated'),
  'stock.stocktakeSubmit': channel<DocView>()(z.object({ docId: id }).strict(), 'authenticated'),
  'stock.stocktakeApprove': channel<DocView>()(z.object({ docId: id }).strict(), ['manager', 'admin']),
  'stock.stocktakeCancel': channel<DocView>()(z.object({ docId: id }).strict(), ['manager', 'admin']),

  // 上传: the insurance stock-ledger outbox (3501–3507) and the reconciliation against 3508–3511
  'uploads.summary': channel<UploadSummary>()(empty, 'authenticated'),
  'uploads.list': channel<{ rows: UploadRowView[]; total: number }>()(uploadListSchema, ['manager', 'admin']),
  'uploads.get': channel<{ row: UploadRowView; payload: unknown }>()(z.object({ id }).strict(), ['manager', 'admin']),
  'uploads.resend': channel<UploadRowView>()(uploadResendSchema, ['manager', 'admin']),
  'uploads.delete': channel<UploadRowView>()(uploadDeleteSchema, ['manager', 'admin']),
  'uploads.drainNow': channel<UploadSummary>()(empty, ['manager', 'admin']),
  'reconcile.run': channel<ReconcileReport>()(reconcileSchema, ['manager', 'admin']),
} as const;

export type ChannelName = keyof typeof CHANNELS;
export const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[];

export type ChannelInput<C extends ChannelName> = z.input<(typeof CHANNELS)[C]['input']>;
export type ChannelParsedInput<C extends ChannelName> = z.output<(typeof CHANNELS)[C]['input']>;
export type ChannelOutput<C extends ChannelName> =
  (typeof CHANNELS)[C] extends ChannelDef<z.ZodType, infer O> ? O : never;

/** Events pushed from main to the renderer. */
export interface PosEvents {
  'settings.changed': { keys: string[] };
  /** the insurance side changed (connection, sign-ins, reversal queue); `signedIn` is not per
   * operator here — a window that shows it asks nhsa.status for its own operator */
  'nhsa.changed': NhsaStatus;
  'catalogue.progress': CatalogueProgress;
  'catalogue.finished': CatalogueSyncRun;
  'status.changed': AppStatus;
  /** this session was ended in main (operator disabled, logout elsewhere) */
  'session.ended': { reason: string };
  /** a code from the serial (COM) scanner: the counter screen treats it like a scan into its field */
  'scanner.code': { code: string };
  /** the serial scanner came or went */
  'scanner.state': { connected: boolean; message: string };
  /** the upload backlog changed (the status bar shows it) */
  'uploads.changed': UploadSummary;
}
export type PosEventName = keyof PosEvents;
export const EVENT_NAMES: readonly PosEventName[] = [
  'settings.changed',
  'status.changed',
  'session.ended',
  'nhsa.changed',
  'catalogue.progress',
  'catalogue.finished',
  'scanner.code',
  'scanner.state',
  'uploads.changed',
];

/** Prefix for every IPC channel; the preload lets nothing else through. */
export const IPC_PREFIX = 'pos:';
export const IPC_EVENT_CHANNEL = 'pos:event';
