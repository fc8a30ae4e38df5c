/**
 * What a scanned string is: product barcode, drug trace code (追溯码), GS1 element string, ID number or
 * plain text for the product search. Pure; used by the renderer and the main process alike.
 *
 * Sources: /work/shared/devices/printers-scanners.md §D.3, domain/regulation-and-peers.md §2.5,
 * nhsa/inventory.md §5. Choices where the notes are unsure are marked "Choice:".
 */

/** ASCII 29. GS1 uses it for FNC1, i.e. to end a variable-length field. */
export const GS = '\u001d';

export type ProductSymbology = 'EAN-13' | 'EAN-8' | 'UPC-A' | 'ITF-14';

export interface Gs1Expiry {
  /** as printed, YYMMDD */
  raw: string;
  /** ISO date; day 00 resolved to the last day of the month */
  date: string;
  /** GS1 allows day 00 to mean "end of month" */
  endOfMonth: boolean;
}

export interface Gs1Data {
  /** every element in scan order */
  elements: Array<{ ai: string; value: string }>;
  gtin?: string;
  expiry?: Gs1Expiry;
  batch?: string;
  serial?: string;
}

export type ClassifiedCode =
  | { kind: 'empty' }
  | { kind: 'product_barcode'; symbology: ProductSymbology; code: string; gtin14: string }
  | {
      kind: 'trace_code';
      format: 'cn20';
      code: string;
      /** the 码上放心 split: 7-digit 产品资源码 + 13-digit serial (structure beyond this is not public) */
      resourceCode: string;
      serial: string;
    }
  | { kind: 'gs1'; code: string; gs1: Gs1Data }
  | { kind: 'id_number'; code: string }
  | { kind: 'unknown'; code: string; note: string }
  | { kind: 'text'; text: string; warning?: string };

// ---------------------------------------------------------------------------------------------
// normalisation

/**
 * AIM symbology identifiers some scanners put in front of the data (]d2 GS1 DataMatrix, ]C1 GS1-128,
 * ]Q3 GS1 QR, ]e0 GS1 DataBar). Only the GS1 flavours say anything about the content.
 */
const AIM_GS1 = /^\](?:d2|C1|Q3|e0|J1)/;
const AIM_OTHER = /^\][A-Za-z][0-9A-Za-z]/;

/**
 * Visible stand-ins for GS used by wedge scanners that cannot type ASCII 29 (Sleavely/Bark-JS PR #14:
 * "<GS>" / "{GS}"); "^]" is how a terminal echoes Ctrl+].
 */
export const GS_PLACEHOLDERS: readonly string[] = ['<GS>', '{GS}', '[GS]', '^]', '<FNC1>', '{FNC1}'];

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function toHalfWidth(s: string): string {
  // A cashier with a Chinese IME in full-width mode types "８３７…"; the code is the same.
  return s.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * Common clean-up for anything scanned or typed: trims suffix characters (CR, LF, Tab, spaces),
 * converts full-width characters, turns GS placeholders into real GS and drops a leading FNC1.
 * Returns the AIM identifier separately because it decides whether the content is GS1.
 */
function cleanScan(raw: string, placeholders: readonly string[]): { text: string; aimGs1: boolean } {
  let s = toHalfWidth(raw).trim(); // JS trim keeps GS (0x1D), which is data here
  let aimGs1 = false;
  if (AIM_GS1.test(s)) {
    aimGs1 = true;
    s = s.slice(3);
  } else if (AIM_OTHER.test(s) && s.length > 3) {
    s = s.slice(3);
  }
  for (const p of placeholders) s = s.split(p).join(GS);
  while (s.startsWith(GS)) s = s.slice(1);
  while (s.endsWith(GS)) s = s.slice(0, -1);
  return { text: s, aimGs1 };
}

/**
 * The form a trace code is compared and stored in: a 20-digit code as plain digits (spaces and hyphens a
 * person typed are removed); a GS1 string with real GS separators and no AIM prefix.
 */
export function normaliseTraceCode(raw: string, placeholders: readonly string[] = GS_PLACEHOLDERS): string {
  const { text } = cleanScan(raw, placeholders);
  const compact = text.replace(/[\s-]/g, '');
  return /^\d+$/.test(compact) ? compact : text;
}

// ---------------------------------------------------------------------------------------------
// check digits

/** GS1 mod-10 check digit over the data digits (everything but the check digit). */
export function gs1CheckDigit(dataDigits: string): number {
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i++) {
    const d = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit is the GS1 check digit of the rest (EAN-8/13, UPC-A, ITF-14, GTIN-14). */
export function hasValidGs1CheckDigit(code: string): boolean {
  if (!/^\d{2,}$/.test(code)) return false;
  return gs1CheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48;
}

// ---------------------------------------------------------------------------------------------
// GS1 element strings

interface AiSpec {
  /** fixed length of the value, or undefined for variable */
  fixed?: number;
  /** maximum length of a variable value */
  max?: number;
  numeric?: boolean;
}

/**
 * The AIs seen on drug packs plus the common logistics ones, so that a carton label still parses.
 * An AI outside this table makes the string unparseable, because its length would be a guess.
 */
const AI_TABLE: Record<string, AiSpec> = {
  '00': { fixed: 18, numeric: true },
  '01': { fixed: 14, numeric: true },
  '02': { fixed: 14, numeric: true },
  '10': { max: 20 },
  '11': { fixed: 6, numeric: true },
  '12': { fixed: 6, numeric: true },
  '13': { fixed: 6, numeric: true },
  '15': { fixed: 6, numeric: true },
  '16': { fixed: 6, numeric: true },
  '17': { fixed: 6, numeric: true },
  '20': { fixed: 2, numeric: true },
  '21': { max: 20 },
  '22': { max: 20 },
  '30': { max: 8, numeric: true },
  '37': { max: 8, numeric: true },
  '240': { max: 30 },
  '241': { max: 30 },
  '7003': { fixed: 10, numeric: true },
  // national healthcare reimbursement numbers (Germany PZN, France, Spain, Brazil, Portugal, US NDC)
  '710': { max: 20 },
  '711': { max: 20 },
  '712': { max: 20 },
  '713': { max: 20 },
  '714': { max: 20 },
  '715': { max: 20 },
  '90': { max: 30 },
  '91': { max: 90 },
  '92': { max: 90 },
  '93': { max: 90 },
  '94': { max: 90 },
  '95': { max: 90 },
  '96': { max: 90 },
  '97': { max: 90 },
  '98': { max: 90 },
  '99': { max: 90 },
};

const DATE_AIS = new Set(['11', '12', '13', '15', '16', '17']);

function matchAi(s: string, at: number): string | undefined {
  for (const len of [2, 3, 4]) {
    const ai = s.slice(at, at + len);
    if (AI_TABLE[ai]) return ai;
  }
  return undefined;
}

export type Gs1ParseResult = { ok: true; data: Gs1Data } | { ok: false; reason: string };

/**
 * Resolves YYMMDD. Century by the GS1 General Specifications rule: the year lies between 49 years
 * back and 50 years ahead of the reference year. Day 00 means the last day of the month.
 */
export function parseGs1Date(raw: string, referenceYear = new Date().getFullYear()): Gs1Expiry | undefined {
  if (!/^\d{6}$/.test(raw)) return undefined;
  const yy = Number(raw.slice(0, 2));
  const mm = Number(raw.slice(2, 4));
  const dd = Number(raw.slice(4, 6));
  if (mm < 1 || mm > 12) return undefined;
  const refCentury = Math.floor(referenceYear / 100) * 100;
  let year = refCentury + yy;
  if (year - referenceYear > 50) year -= 100;
  else if (referenceYear - year > 49) year += 100;
  const lastDay = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  if (dd > lastDay) return undefined;
  const day = dd === 0 ? lastDay : dd;
  const iso = `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { raw, date: iso, endOfMonth: dd === 0 };
}

function parseParenthesised(s: string): Array<[string, string]> | undefined {
  const re = /\((\d{2,4})\)([^(]*)/g;
  const out: Array<[string, string]> = [];
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index !== consumed) return undefined;
    out.push([m[1]!, m[2]!.replace(new RegExp(GS, 'g'), '')]);
    consumed = re.lastIndex;
  }
  return consumed === s.length && out.length > 0 ? out : undefined;
}

function parseRaw(s: string): Array<[string, string]> | string {
  const out: Array<[string, string]> = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === GS) {
      i++;
      continue;
    }
    const ai = matchAi(s, i);
    if (!ai) return `无法识别的应用标识符（位置 ${i + 1}）`;
    const spec = AI_TABLE[ai]!;
    i += ai.length;
    let value: string;
    if (spec.fixed !== undefined) {
      value = s.slice(i, i + spec.fixed);
      if (value.length !== spec.fixed || value.includes(GS)) return `(${ai}) 应为 ${spec.fixed} 位`;
      i += spec.fixed;
    } else {
      const end = s.indexOf(GS, i);
      value = s.slice(i, end === -1 ? s.length : end);
      i = end === -1 ? s.length : end + 1;
    }
    out.push([ai, value]);
  }
  return out;
}

/**
 * Parses a GS1 element string, raw (AIs run together, variable fields ended by GS) or in the
 * human-readable "(01)…(17)…" form. The GTIN check digit and the dates are verified.
 */
export function parseGs1(input: string, referenceYear?: number): Gs1ParseResult {
  const s = input.trim();
  if (!s) return { ok: false, reason: 'GS1码为空' };
  const pairs = s.startsWith('(') ? parseParenthesised(s) : parseRaw(s);
  if (pairs === undefined) return { ok: false, reason: 'GS1码括号格式不正确' };
  if (typeof pairs === 'string') return { ok: false, reason: pairs };
  const data: Gs1Data = { elements: [] };
  for (const [ai, value] of pairs) {
    const spec = AI_TABLE[ai];
    if (!spec) return { ok: false, reason: `无法识别的应用标识符 (${ai})` };
    if (spec.fixed !== undefined && value.length !== spec.fixed)
      return { ok: false, reason: `(${ai}) 应为 ${spec.fixed} 位` };
    if (spec.max !== undefined && (value.length === 0 || value.length > spec.max)) {
      return { ok: false, reason: `(${ai}) 长度应为 1–${spec.max} 位` };
    }
    if (spec.numeric && !/^\d+$/.test(value)) return { ok: false, reason: `(${ai}) 应为数字` };
    if (hasControlChar(value)) return { ok: false, reason: `(${ai}) 含有控制字符` };
    if (ai === '01' || ai === '02') {
      if (!hasValidGs1CheckDigit(value)) return { ok: false, reason: `(${ai}) 商品编码 GTIN 校验位错误` };
    }
    let expiry: Gs1Expiry | undefined;
    if (DATE_AIS.has(ai)) {
      expiry = parseGs1Date(value, referenceYear);
      if (!expiry) return { ok: false, reason: `(${ai}) 日期 ${value} 无效` };
    }
    data.elements.push({ ai, value });
    if (ai === '01' && data.gtin === undefined) data.gtin = value;
    if (ai === '17' && data.expiry === undefined) data.expiry = expiry;
    if (ai === '10' && data.batch === undefined) data.batch = value;
    if (ai === '21' && data.serial === undefined) data.serial = value;
  }
  return { ok: true, data };
}

/** "(01)06901234567892(17)261200(10)B1(21)S1" — for the receipt and the screen. */
export function formatGs1(data: Gs1Data): string {
  return data.elements.map(({ ai, value }) => `(${ai})${value}`).join('');
}

// ---------------------------------------------------------------------------------------------
// classification

export interface ClassifyOptions {
  /** GS stand-ins the scanner is configured to send */
  gsPlaceholders?: readonly string[];
  /** for the GS1 century rule; defaults to the current year */
  referenceYear?: number;
}

/** Longer than any product code or name a cashier would type; likely a QR payload. */
const MAX_TEXT_LENGTH = 64;

/** 'marked': the string says it is GS1; 'maybe': it only starts like one (a scanner that drops FNC1). */
function gs1Likelihood(text: string, aimGs1: boolean): 'marked' | 'maybe' | 'no' {
  if (aimGs1 || text.includes(GS) || /^\(\d{2,4}\)/.test(text)) return 'marked';
  if (/^01\d{14}/.test(text) && !/^\d{20}$/.test(text)) return 'maybe';
  return 'no';
}

const productBarcode = (symbology: ProductSymbology, code: string): ClassifiedCode => ({
  kind: 'product_barcode',
  symbology,
  code,
  gtin14: code.padStart(14, '0'),
});

/**
 * Decides what a scan is. Order matters: GS1 first (it is the only format with structure markers),
 * then the all-digit formats by length, then ID numbers, then free text.
 *
 * Choice: a 20-digit number is always a 20-digit trace code, even when it happens to parse as
 * (01)+GTIN+(10)+2 characters — a GTIN without serial is not a trace code anyway.
 * The 医保电子凭证 QR is decoded by NationECCode.dll on the certified code reader and its payload
 * is not described in the notes, so QR-like payloads (URLs, long tokens, control characters) come
 * back as `unknown` rather than being guessed at.
 */
export function classifyScan(raw: string, options: ClassifyOptions = {}): ClassifiedCode {
  const { text, aimGs1 } = cleanScan(raw, options.gsPlaceholders ?? GS_PLACEHOLDERS);
  if (!text) return { kind: 'empty' };

  const gs1 = gs1Likelihood(text, aimGs1);
  if (gs1 !== 'no') {
    const parsed = parseGs1(text, options.referenceYear);
    if (parsed.ok) return { kind: 'gs1', code: text, gs1: parsed.data };
    if (gs1 === 'marked') return { kind: 'unknown', code: text, note: `GS1码无法解析：${parsed.reason}` };
  }

  if (/^\d+$/.test(text)) {
    const valid = hasValidGs1CheckDigit(text);
    switch (text.length) {
      case 8:
        if (valid) return productBarcode('EAN-8', text);
        break;
      case 12:
        if (valid) return productBarcode('UPC-A', text);
        break;
      case 13:
        if (valid) return productBarcode('EAN-13', text);
        break;
      case 14:
        if (valid) return productBarcode('ITF-14', text);
        break;
      case 20:
        return {
          kind: 'trace_code',
          format: 'cn20',
          code: text,
          resourceCode: text.slice(0, 7),
          serial: text.slice(7),
        };
      case 18:
        return { kind: 'id_number', code: text };
    }
    if ([8, 12, 13, 14].includes(text.length)) {
      return { kind: 'text', text, warning: `${text.length}位条码校验位不正确，可能扫描有误` };
    }
    return { kind: 'text', text };
  }

  if (/^\d{17}[Xx]$/.test(text)) return { kind: 'id_number', code: text.toUpperCase() };

  if (hasControlChar(text)) return { kind: 'unknown', code: text, note: '含有控制字符' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return { kind: 'unknown', code: text, note: '二维码链接' };
  if (text.length > MAX_TEXT_LENGTH) return { kind: 'unknown', code: text, note: '内容过长，不是商品编码' };
  return { kind: 'text', text };
}

// ---------------------------------------------------------------------------------------------
// trace-code validation

export interface TraceCodeOptions {
  /** the `trace.accept_gs1` setting */
  acceptGs1: boolean;
  /**
   * 码上放心 codes start with 8 (unnamed public code and one Alibaba Health API comment), but the
   * notes also name manufacturer-defined 20-digit families. Choice: 'warn' by default.
   */
  leadingEight?: 'off' | 'warn' | 'require';
  /**
   * No check-digit algorithm for the 20-digit code is public (the code is "encrypted"). Choice: none
   * by default; a region that publishes one can plug it in here.
   */
  cn20CheckDigit?: (code: string) => boolean;
  /** GS1 codes must carry a serial (21) to identify one pack. Choice: required by default. */
  requireGs1Serial?: boolean;
  /**
   * The `trace.accept_unknown_format` setting: manufacturer-defined codes (a third family the notes
   * name) pass with a warning instead of being refused. Product barcodes and ID numbers never pass.
   */
  acceptUnknownFormat?: boolean;
  gsPlaceholders?: readonly string[];
  referenceYear?: number;
}

export type TraceCodeFormat = 'cn20' | 'gs1' | 'other';

export type TraceCodeValidation =
  | {
      ok: true;
      /** normalised code, as stored and compared */
      code: string;
      format: TraceCodeFormat;
      /** identity of the physical pack: the digits, or GTIN + serial for GS1 */
      key: string;
      gs1?: Gs1Data;
      /** Chinese notes to show without blocking the sale */
      warnings: string[];
    }
  | { ok: false; reason: string };

/** Identity of a pack, so that the same DataMatrix read with its AIs in another order still matches. */
export function traceCodeKey(code: string, gs1?: Gs1Data): string {
  if (gs1?.gtin && gs1.serial) return `gs1:${gs1.gtin}:${gs1.serial}`;
  return code;
}

/** Upper bound of drug_trac_codg inside drugtracinfo (nhsa/inventory.md §5). */
export const MAX_TRACE_CODE_LENGTH = 100;

function isPlausibleOtherCode(code: string): boolean {
  // Short strings are more likely a mistyped search than a code; 8 is the shortest barcode length.
  return code.length >= 8 && code.length <= MAX_TRACE_CODE_LENGTH && /^[\x21-\x7e]+$/.test(code);
}

export function validateTraceCode(raw: string, options: TraceCodeOptions): TraceCodeValidation {
  const placeholders = options.gsPlaceholders ?? GS_PLACEHOLDERS;
  const code = normaliseTraceCode(raw, placeholders);
  if (!code) return { ok: false, reason: '追溯码为空' };
  const c = classifyScan(code, { gsPlaceholders: placeholders, referenceYear: options.referenceYear });

  if (c.kind === 'trace_code') {
    const warnings: string[] = [];
    const leading = options.leadingEight ?? 'warn';
    if (!code.startsWith('8')) {
      if (leading === 'require') return { ok: false, reason: '追溯码应以8开头' };
      if (leading === 'warn') warnings.push('追溯码不以8开头，请核对是否为药品最小包装上的追溯码');
    }
    if (options.cn20CheckDigit && !options.cn20CheckDigit(code)) return { ok: false, reason: '追溯码校验位错误' };
    return { ok: true, code, format: 'cn20', key: traceCodeKey(code), warnings };
  }

  if (c.kind === 'gs1') {
    if (!options.acceptGs1) return { ok: false, reason: '未启用GS1追溯码，请扫描20位追溯码' };
    const gs1 = c.gs1;
    if (!gs1.gtin) return { ok: false, reason: 'GS1码缺少商品编码(01)' };
    if ((options.requireGs1Serial ?? true) && !gs1.serial) {
      return { ok: false, reason: 'GS1码缺少序列号(21)，不能区分每一盒药' };
    }
    return { ok: true, code, format: 'gs1', key: traceCodeKey(code, gs1), gs1, warnings: [] };
  }

  switch (c.kind) {
    case 'product_barcode':
      return { ok: false, reason: `这是商品条码（${c.symbology}），不是追溯码，请扫描药盒上的20位追溯码` };
    case 'id_number':
      return { ok: false, reason: '这是身份证号，不是追溯码' };
    case 'unknown':
      return { ok: false, reason: c.note.startsWith('GS1') ? c.note : '追溯码格式无法识别' };
    default:
      break;
  }
  if (options.acceptUnknownFormat && isPlausibleOtherCode(code)) {
    return { ok: true, code, format: 'other', key: code, warnings: ['追溯码格式未知，已按原样记录，请核对'] };
  }
  if (/^\d+$/.test(code)) return { ok: false, reason: `追溯码应为20位数字（扫到${code.length}位）` };
  return { ok: false, reason: '追溯码应为20位数字' };
}
