/**
 * How the counter identifies an insured person from a device: the 医保电子凭证 QR decoder and the
 * 社会保障卡 reader. The core only sees these interfaces; the Windows DLL bindings live in native/
 * and the electron shell injects them, so no test of the core ever loads a vendor DLL.
 *
 * Field meanings follow shared/devices/card-readers.md §B.1–B.2 and nhsa/settlement.md §3 (1101).
 */
import { AppError, type ErrorCode } from '../../shared/errors';
import { maskCardNumber, maskIdNumber, maskName } from '../../shared/mask';
import { z } from '../../shared/z';

// --- e-voucher ----------------------------------------------------------------------------------

/**
 * 用码业务类型 (附录 A.1). 02121 药店购药 is the retail-pharmacy code in the YbBT table; most public
 * samples hard-code 01101 挂号, which is a hospital code — configurable in case a region insists.
 */
export const PHARMACY_BUSINESS_TYPE = '02121';

/** What the counter knows when it asks for a decode; becomes the envelope's `data`. */
export interface EVoucherContext {
  /** 定点机构编码 (fixmedins_code) */
  orgId: string;
  operatorId?: string;
  operatorName?: string;
  officeId?: string;
  officeName?: string;
  /** defaults to PHARMACY_BUSINESS_TYPE */
  businessType?: string;
  /** "SelfService" on a kiosk, otherwise left empty (B.1) */
  deviceType?: string;
}

/** Decoded e-voucher. Lengths are the spec's (B.1 output table); 1101 takes ecToken as mdtrt_cert_no (C 50). */
export const eVoucherIdentitySchema = z.object({
  ecToken: z.string().trim().min(1, '电子凭证令牌ecToken为空').max(50, '电子凭证令牌ecToken超过50个字符'),
  idNo: z.string().trim().min(1, '证件号码idNo为空').max(64),
  // "01" in every public sample; absent → left undefined so 1101 simply omits psn_cert_type
  idType: z.string().trim().max(6).optional(),
  userName: z.string().trim().min(1, '姓名userName为空').max(64),
  // 参保地区编码; some decoders send it empty, which must not fail the whole decode
  insuOrg: z
    .string()
    .trim()
    .regex(/^(\d{6})?$/, '参保地区编码insuOrg应为6位数字')
    .optional()
    .transform((v) => (v ? v : undefined)),
  ecIndexNo: z.string().optional(),
  gender: z.string().optional(),
  birthday: z.string().optional(),
  nationality: z.string().optional(),
});
export type EVoucherIdentity = z.infer<typeof eVoucherIdentitySchema>;

export interface EVoucherDecoder {
  /**
   * 'payload': decode() needs the text a keyboard-wedge scanner typed (sandbox);
   * 'device': the vendor DLL drives the scanner itself during ec.query and ignores the argument.
   */
  readonly source: 'payload' | 'device';
  decode(qrPayload: string, ctx: EVoucherContext): Promise<EVoucherIdentity>;
}

// --- social-security card -------------------------------------------------------------------------

export const ssCardIdentitySchema = z.object({
  /** field 1: 发卡地区行政区划代码 (first 6 of 卡识别码) */
  admdvs: z.string().regex(/^(\d{6})?$/, '发卡地区代码应为6位数字'),
  /** field 2: 社会保障号码, normally the resident ID number; empty on a 3.00 card read without the HSM step */
  idNo: z.string().max(50),
  /** field 3: 卡号 → 1101 mdtrt_cert_no */
  cardNo: z.string().min(1, '卡号为空').max(50, '卡号超过50个字符'),
  /** field 4: 卡识别码 → 1101 card_sn (C 32) */
  cardSn: z.string().min(1, '卡识别码为空').max(32, '卡识别码超过32个字符'),
  /** field 5: 姓名 */
  name: z.string().max(50),
  /** field 7: 规范版本 1.00 / 2.00 / 3.00 */
  cardVersion: z.string().optional(),
  /** field 8, yyyyMMdd */
  issuedOn: z.string().optional(),
  /** field 9, yyyyMMdd */
  validUntil: z.string().optional(),
});
export type SsCardIdentity = z.infer<typeof ssCardIdentitySchema>;

export interface SocialSecurityCardReader {
  read(): Promise<SsCardIdentity>;
}

// --- what 1101 takes -----------------------------------------------------------------------------

export interface PersonQueryInput {
  mdtrt_cert_type: '01' | '03';
  mdtrt_cert_no: string;
  card_sn?: string;
  psn_cert_type?: string;
  certno?: string;
  psn_name?: string;
}

/** B.0: 01 + ecToken, with the identity fields copied as the decode returned them. */
export function eVoucherTo1101(v: EVoucherIdentity): PersonQueryInput {
  return {
    mdtrt_cert_type: '01',
    mdtrt_cert_no: v.ecToken,
    ...(v.idType ? { psn_cert_type: v.idType } : {}),
    certno: v.idNo,
    psn_name: v.userName,
  };
}

/**
 * B.0/B.2: 03 + 卡号 + 卡识别码. openhis sends psn_cert_type 03 with certno = 卡号, which the notes
 * call questionable; we send 01 + 社会保障号码 only when it is a resident ID number and otherwise
 * leave both out (they are optional in 1101).
 */
export function ssCardTo1101(c: SsCardIdentity): PersonQueryInput {
  const isResidentId = /^\d{17}[\dX]$/.test(c.idNo);
  return {
    mdtrt_cert_type: '03',
    mdtrt_cert_no: c.cardNo,
    card_sn: c.cardSn,
    ...(isResidentId ? { psn_cert_type: '01', certno: c.idNo } : {}),
    ...(c.name ? { psn_name: c.name } : {}),
  };
}

/** Log-safe summaries: the shared mask policy does not know the camelCase keys the DLLs use. */
export function maskEVoucher(v: EVoucherIdentity): Record<string, unknown> {
  return {
    ecToken: maskCardNumber(v.ecToken),
    idNo: maskIdNumber(v.idNo),
    idType: v.idType,
    userName: maskName(v.userName),
    insuOrg: v.insuOrg,
  };
}

export function maskSsCard(c: SsCardIdentity): Record<string, unknown> {
  return {
    admdvs: c.admdvs,
    idNo: c.idNo ? maskIdNumber(c.idNo) : '',
    cardNo: maskCardNumber(c.cardNo),
    cardSn: maskCardNumber(c.cardSn),
    name: c.name ? maskName(c.name) : '',
    cardVersion: c.cardVersion,
  };
}

// --- errors --------------------------------------------------------------------------------------

export type IdentityErrorReason =
  /** DLL file absent, wrong bitness, export missing, or the sandbox center unreachable */
  | 'DEVICE_MISSING'
  /** settings incomplete: no DLL path, no decode URL, no 定点机构编码 */
  | 'NOT_CONFIGURED'
  /** the DLL answered with a failure status */
  | 'DLL_FAILED'
  /** no card in the reader (a configured return code) */
  | 'CARD_NOT_PRESENT'
  /** a 3rd-generation card whose fields need the two-step 加密机 read */
  | 'CARD_NEEDS_HSM'
  /** the decode service refused the QR (envelope code ≠ 0) */
  | 'DECODE_REFUSED'
  /** the QR is not a code this decoder knows (training mode) */
  | 'NOT_RECOGNISED'
  /** output that cannot be read: not JSON, missing fields, longer than the buffer */
  | 'BAD_OUTPUT'
  | 'BUSY'
  | 'TIMEOUT';

/**
 * ERROR_CODES has no device code yet, so each reason borrows the nearest existing one; the reason
 * is what the UI branches on ("insert the card" vs "call the implementer").
 */
const CODE_OF: Record<IdentityErrorReason, ErrorCode> = {
  DEVICE_MISSING: 'INTERNAL',
  NOT_CONFIGURED: 'SETTINGS_INVALID',
  DLL_FAILED: 'INTERNAL',
  CARD_NOT_PRESENT: 'INVALID_INPUT',
  CARD_NEEDS_HSM: 'INTERNAL',
  DECODE_REFUSED: 'INVALID_INPUT',
  NOT_RECOGNISED: 'NOT_FOUND',
  BAD_OUTPUT: 'INTERNAL',
  BUSY: 'CONFLICT',
  TIMEOUT: 'INTERNAL',
};

export class IdentityError extends AppError {
  readonly reason: IdentityErrorReason;
  /** the DLL's own return value or the envelope's code, as text */
  readonly dllCode?: string;

  constructor(
    reason: IdentityErrorReason,
    message: string,
    options: { dllCode?: string; logDetail?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(CODE_OF[reason], message, { logDetail: options.logDetail, cause: options.cause });
    this.name = 'IdentityError';
    this.reason = reason;
    this.dllCode = options.dllCode;
  }
}

export function isIdentityError(e: unknown): e is IdentityError {
  return e instanceof IdentityError;
}

/** The reasons native/ffi-loader.ts gives; repeated here because app/ never imports native/. */
const NATIVE_REASON: Record<string, IdentityErrorReason> = {
  LIBRARY_MISSING: 'DEVICE_MISSING',
  EXPORT_MISSING: 'DEVICE_MISSING',
  CALL_FAILED: 'DLL_FAILED',
  BUSY: 'BUSY',
  TIMEOUT: 'TIMEOUT',
  OUTPUT_OVERFLOW: 'BAD_OUTPUT',
};

/** A binding's failure as the IdentityError the counter shows; `what` names the device in Chinese. */
export function identityErrorFrom(e: unknown, what: string): IdentityError {
  if (e instanceof IdentityError) return e;
  if (e instanceof AppError && 'reason' in e && typeof e.reason === 'string' && NATIVE_REASON[e.reason]) {
    return new IdentityError(NATIVE_REASON[e.reason]!, `${what}：${e.message}`, { cause: e });
  }
  const text = e instanceof Error ? e.message : String(e);
  return new IdentityError('DLL_FAILED', `${what}调用失败：${text}`, { cause: e });
}

/** zod problems as one Chinese line, without echoing the (personal) values. */
export function describeProblems(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}：${i.message}` : i.message)).join('；');
}

// --- binding configuration -----------------------------------------------------------------------
// Lives here (not in native/) so the settings schema can validate it; every field where the
// public sources disagree (card-readers.md §B.1–B.2) is a setting, the default being the choice
// written next to it.

const callingConvention = z.enum(['stdcall', 'cdecl']);
const textEncoding = z.enum(['gbk', 'gb18030', 'utf8']);
const callMode = z.enum(['async', 'sync']);
const bufferSize = z
  .number()
  .int()
  .min(256, '缓冲区不能小于256字节')
  .max(4 * 1024 * 1024, '缓冲区不能大于4MB');

export const nationEcCodeConfigSchema = z.object({
  /** absolute path of NationECCode.dll (or the regional DLL exporting NationEcTrans) */
  dllPath: z.string().trim().min(1, '请填写电子凭证解码库（NationECCode.dll）的路径'),
  functionName: z.string().trim().min(1).default('NationEcTrans'),
  /** every public declaration is stdcall (only matters for 32-bit DLLs) */
  convention: callingConvention.default('stdcall'),
  /** openhis and the 泰和 analysis: a pointer to a status string; one regional SSCard.dll returns int */
  returns: z.enum(['string', 'int']).default('string'),
  /** the local 电子凭证中台 endpoint, …/localcfc/api/hsecfc/localQrCodeQuery, per province */
  url: z.string().trim().min(1, '请填写电子凭证中台地址（localQrCodeQuery）'),
  /** openhis allocates ≈20 KB, the 泰和 build 4 KB; the larger one is harmless */
  outputBufferSize: bufferSize.default(20480),
  encoding: textEncoding.default('gbk'),
  okStatuses: z.array(z.string()).default(['0', '0000']),
  /** add "-2" here if a region's decoder reports success that way (its meaning is unknown) */
  okCodes: z.array(z.string()).default(['0']),
  transType: z.string().default('ec.query'),
  /** set only for a build that takes a pre-scanned code in `data` (none is documented) */
  qrField: z.string().optional(),
  extra: z.string().optional(),
  /** async keeps the window alive while the DLL waits for the customer's phone */
  callMode: callMode.default('async'),
  timeoutMs: z.number().int().min(1000).max(600_000).default(90_000),
});
export type NationEcCodeConfig = z.infer<typeof nationEcCodeConfigSchema>;
export type NationEcCodeSettings = z.input<typeof nationEcCodeConfigSchema>;

const ssCardLayoutSchema = z.object({
  separator: z.string().min(1).default('|'),
  /** 1-based positions per card-readers.md §B.2 */
  fields: z
    .object({
      admdvs: z.number().int().min(1).default(1),
      idNo: z.number().int().min(1).default(2),
      cardNo: z.number().int().min(1).default(3),
      cardSn: z.number().int().min(1).default(4),
      name: z.number().int().min(1).default(5),
      cardVersion: z.number().int().min(1).optional().default(7),
      issuedOn: z.number().int().min(1).optional().default(8),
      validUntil: z.number().int().min(1).optional().default(9),
    })
    .prefault({}),
});

export const ssCardConfigSchema = z.object({
  /** absolute path of the reader DLL (SSCardDriver.dll, HeaSecReadInfo.dll, a regional SSCard.dll…) */
  dllPath: z.string().trim().min(1, '请填写社保卡读卡动态库的路径'),
  /** SSCardDriver family; HeaSecReadInfo.dll calls it ReadCardBas */
  functionName: z.string().trim().min(1).default('iReadCardBas'),
  convention: callingConvention.default('stdcall'),
  /**
   * type-out: long f(int iType, char *pOutInfo) — SSCardDriver iReadCardBas;
   * out-out:  long f(char *pCardInfo, char *pBusiCardInfo) — HeaSecReadInfo ReadCardBas;
   * out:      long f(char *pOutInfo) — single-argument regional builds.
   */
  signature: z.enum(['type-out', 'out-out', 'out']).default('type-out'),
  /** iType: 1 contact, 2 contactless, 3 auto (contact first), 4 auto (contactless first) */
  cardType: z.number().int().min(0).max(9).default(3),
  /** the card string is ~200 bytes; openhis allocates 8 KB for HeaSecReadInfo's outputs */
  outputBufferSize: bufferSize.default(8192),
  encoding: textEncoding.default('gbk'),
  layout: ssCardLayoutSchema.prefault({}),
  returnCodes: z
    .object({
      cardAbsent: z.array(z.number().int()).default([-2]),
      needsHsm: z.array(z.number().int()).default([-2201, -2202, -2203, -27272, -24]),
    })
    .prefault({}),
  /** HeaSecReadInfo.dll must be initialised once: Init(char *pInitInfo JSON, char *pErrMsg) */
  init: z
    .object({
      functionName: z.string().trim().min(1).default('Init'),
      json: z.string().min(2, '请填写读卡库初始化参数（JSON）'),
      errorBufferSize: bufferSize.default(2048),
    })
    .optional(),
  callMode: callMode.default('async'),
  timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
});
export type SsCardConfig = z.infer<typeof ssCardConfigSchema>;
export type SsCardSettings = z.input<typeof ssCardConfigSchema>;

/** Settings → config with defaults, or a NOT_CONFIGURED error listing what is wrong. */
export function parseBindingConfig<S extends z.ZodType>(schema: S, settings: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(settings);
  if (!parsed.success) {
    throw new IdentityError('NOT_CONFIGURED', `${what}配置有误：${describeProblems(parsed.error)}`);
  }
  return parsed.data;
}
