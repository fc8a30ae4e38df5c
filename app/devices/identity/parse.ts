/**
 * Pure readers of what the identity DLLs hand back (already decoded to JS strings by the binding),
 * and the one request the e-voucher DLL takes. No I/O here, so fixtures can pin every quirk.
 */
import { maskText } from '../../shared/mask';
import {
  IdentityError,
  PHARMACY_BUSINESS_TYPE,
  describeProblems,
  eVoucherIdentitySchema,
  ssCardIdentitySchema,
  type EVoucherContext,
  type EVoucherIdentity,
  type SsCardIdentity,
} from './types';

// --- e-voucher request ---------------------------------------------------------------------------

export interface EVoucherRequestOptions {
  /** B.1: ec.query = the DLL reads the QR on its own scanner */
  transType?: string;
  /**
   * No public envelope carries the scanned text (ec.query drives the scanner itself). A regional
   * build that takes a pre-scanned code names its own field; only then is the payload sent.
   */
  qrField?: string;
  qrPayload?: string;
  /** the envelope's optional `extra`, a JSON string */
  extra?: string;
}

export function buildEVoucherRequest(ctx: EVoucherContext, options: EVoucherRequestOptions = {}): string {
  const data: Record<string, string> = {
    orgId: ctx.orgId,
    businessType: ctx.businessType || PHARMACY_BUSINESS_TYPE,
    operatorId: ctx.operatorId ?? '',
    operatorName: ctx.operatorName ?? '',
    officeId: ctx.officeId ?? '',
    officeName: ctx.officeName ?? '',
    deviceType: ctx.deviceType ?? '',
  };
  if (options.qrField && options.qrPayload) data[options.qrField] = options.qrPayload;
  const envelope: Record<string, unknown> = {
    orgId: ctx.orgId,
    transType: options.transType ?? 'ec.query',
    data,
  };
  if (options.extra !== undefined) envelope.extra = options.extra;
  return JSON.stringify(envelope);
}

// --- e-voucher output ----------------------------------------------------------------------------

/** B.1: success is "0000" (string status) or 0 (int status); a region may add its own. */
export const DEFAULT_EC_OK_STATUSES: readonly string[] = ['0', '0000'];
/** B.1: envelope `code` 0 = success; -2 is unexplained (one client ignores it), so it fails by default. */
export const DEFAULT_EC_OK_CODES: readonly string[] = ['0'];

/** The function's own return value. A NULL status pointer says nothing, so the JSON decides. */
export function isOkStatus(status: string | number | null, ok: readonly string[] = DEFAULT_EC_OK_STATUSES): boolean {
  if (status === null) return true;
  return ok.includes(String(status).trim());
}

export function parseEVoucherOutput(raw: string, okCodes: readonly string[] = DEFAULT_EC_OK_CODES): EVoucherIdentity {
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (!text) throw new IdentityError('BAD_OUTPUT', '电子凭证解码库没有返回任何内容，请重新扫码');
  const envelope = parseJsonObject(text, '电子凭证解码结果不是有效的JSON');
  const code = envelope.code;
  if (typeof code !== 'number' && typeof code !== 'string') {
    throw new IdentityError('BAD_OUTPUT', '电子凭证解码结果缺少返回码code');
  }
  if (!okCodes.includes(String(code).trim())) {
    const message = typeof envelope.message === 'string' && envelope.message.trim() ? envelope.message.trim() : '';
    throw new IdentityError(
      'DECODE_REFUSED',
      `电子凭证解码失败（返回码${String(code)}）${message ? '：' + maskText(message) : ''}`,
      { dllCode: String(code) },
    );
  }
  // In the openhis fixtures `data` is itself a JSON-encoded string, elsewhere an object.
  let data: unknown = envelope.data;
  if (typeof data === 'string') data = parseJsonObject(data, '电子凭证解码结果的data不是有效的JSON');
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new IdentityError('BAD_OUTPUT', '电子凭证解码结果缺少参保人信息data');
  }
  const parsed = eVoucherIdentitySchema.safeParse(data);
  if (!parsed.success) {
    throw new IdentityError('BAD_OUTPUT', `电子凭证解码结果不完整：${describeProblems(parsed.error)}`);
  }
  return parsed.data;
}

function parseJsonObject(text: string, failMessage: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new IdentityError('BAD_OUTPUT', failMessage, { cause: maskText(String(cause)) });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new IdentityError('BAD_OUTPUT', failMessage);
  }
  return value as Record<string, unknown>;
}

// --- social-security card output ------------------------------------------------------------------

/** 1-based positions in the '|'-separated string, so they read like the B.2 table. */
export interface SsCardLayout {
  separator: string;
  fields: {
    admdvs: number;
    idNo: number;
    cardNo: number;
    cardSn: number;
    name: number;
    cardVersion?: number;
    issuedOn?: number;
    validUntil?: number;
  };
}

/** B.2 pOutInfo: 区划|社会保障号码|卡号|卡识别码|姓名|复位信息|版本|发卡日期|有效期|终端机编号|终端设备号| */
export const DEFAULT_SS_CARD_LAYOUT: SsCardLayout = {
  separator: '|',
  fields: { admdvs: 1, idNo: 2, cardNo: 3, cardSn: 4, name: 5, cardVersion: 7, issuedOn: 8, validUntil: 9 },
};

export function parseSsCardOutput(raw: string, layout: SsCardLayout = DEFAULT_SS_CARD_LAYOUT): SsCardIdentity {
  const text = raw.replace(/\0+$/, '').trim();
  if (!text) throw new IdentityError('BAD_OUTPUT', '读卡器没有返回社保卡信息，请重新插卡后再读');
  const parts = text.split(layout.separator).map((p) => p.trim());
  const at = (pos: number | undefined): string => (pos ? (parts[pos - 1] ?? '') : '');
  const f = layout.fields;
  const needed = Math.max(f.admdvs, f.idNo, f.cardNo, f.cardSn, f.name);
  if (parts.length < needed) {
    throw new IdentityError(
      'BAD_OUTPUT',
      `社保卡信息格式不对：只有${parts.length}个字段，至少需要${needed}个，请核对读卡配置中的字段位置`,
    );
  }
  const card = {
    admdvs: at(f.admdvs),
    idNo: at(f.idNo),
    cardNo: at(f.cardNo),
    cardSn: at(f.cardSn),
    name: at(f.name),
    cardVersion: at(f.cardVersion) || undefined,
    issuedOn: at(f.issuedOn) || undefined,
    validUntil: at(f.validUntil) || undefined,
  };
  // B.2: a 3.00 card read without the 加密机 step gives the 卡识别码 but empty 卡号 and 姓名.
  if (card.cardSn && !card.cardNo && !card.name) {
    throw new IdentityError(
      'CARD_NEEDS_HSM',
      `该社保卡${card.cardVersion ? `（规范版本${card.cardVersion}）` : ''}的卡号和姓名须经加密机两步读卡才能读出，当前读卡配置不支持，请联系实施工程师`,
    );
  }
  const parsed = ssCardIdentitySchema.safeParse(card);
  if (!parsed.success) {
    throw new IdentityError('BAD_OUTPUT', `社保卡信息不完整：${describeProblems(parsed.error)}`);
  }
  return parsed.data;
}

// --- social-security card return codes ------------------------------------------------------------

export interface SsCardReturnCodes {
  /** codes that mean "no card in the reader" */
  cardAbsent: readonly number[];
  /** codes after which callers fall back to the two-step 加密机 read (B.2) */
  needsHsm: readonly number[];
}

/**
 * -2 = 无卡 is what one public client shows as "请插入社保卡"; the HSM list is the one a public Go
 * client falls back on (B.2). Both rest on single unnamed sources, hence configurable.
 */
export const DEFAULT_SS_CARD_RETURN_CODES: SsCardReturnCodes = {
  cardAbsent: [-2],
  needsHsm: [-2201, -2202, -2203, -27272, -24],
};

/** Turns a non-zero return into the error the counter shows; `dllMessage` is what the DLL wrote, if anything. */
export function ssCardFailure(
  code: number,
  dllMessage: string,
  codes: SsCardReturnCodes = DEFAULT_SS_CARD_RETURN_CODES,
): IdentityError {
  const said = dllMessage.trim() ? `：${maskText(dllMessage.trim())}` : '';
  const dllCode = String(code);
  if (codes.cardAbsent.includes(code)) {
    return new IdentityError('CARD_NOT_PRESENT', `读卡器中没有社保卡，请插卡（或放卡）后再读（返回码${code}）`, {
      dllCode,
    });
  }
  if (codes.needsHsm.includes(code)) {
    return new IdentityError(
      'CARD_NEEDS_HSM',
      `该社保卡须经加密机两步读卡，当前读卡配置不支持，请联系实施工程师（返回码${code}${said}）`,
      { dllCode },
    );
  }
  return new IdentityError('DLL_FAILED', `读社保卡失败（返回码${code}${said}）`, { dllCode });
}
