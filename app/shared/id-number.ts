/**
 * Mainland resident ID numbers (公民身份号码, GB 11643-1999). Pure: the renderer imports it to check
 * a typed-in number, the card-reader driver to check what a card says, the sale to check an age.
 */
import { z } from './z';

export type Sex = 'male' | 'female';

export interface IdNumberFacts {
  /** 18 characters, a trailing check character in upper case */
  value: string;
  /** the 6-digit 行政区划代码 of the place of first registration */
  regionCode: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
}

export type IdNumberResult = { ok: true; value: IdNumberFacts } | { ok: false; reason: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/**
 * Province-level prefixes. 71/81/82/83 are kept because 港澳台居民居住证 numbers (810000…, 820000…,
 * 830000…) share this format and are accepted as 居民身份证号 by the insurance platform; the 2023
 * foreign permanent-resident number (starting with 9) is a different document and is refused.
 */
// prettier-ignore
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** ISO 7064 MOD 11-2 check character for the first 17 digits, or null if they are not 17 digits. */
export function idNumberCheckChar(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Today's calendar date in Beijing (UTC+8, no daylight saving) as YYYY-MM-DD, whatever the machine's zone. */
export function beijingDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** YYYYMMDD → YYYY-MM-DD if it is a real calendar date, else null. */
export function compactDateToIso(yyyymmdd: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(y, mo, d) ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/**
 * Validates an 18-character resident ID number. Surrounding spaces are ignored and a lower-case x
 * is accepted (people type it), but the returned value is normalised to upper case.
 * `today` (YYYY-MM-DD, Beijing) bounds the birth date; omit it only where no clock is at hand.
 */
export function validateIdNumber(input: string, today?: string): IdNumberResult {
  const v = input.trim().toUpperCase();
  if (v.length === 0) return { ok: false, reason: '请输入身份证号码' };
  if (/^\d{15}$/.test(v)) return { ok: false, reason: '这是旧版15位身份证号码，请使用18位号码' };
  if (v.length !== 18) return { ok: false, reason: `身份证号码应为18位，现为${v.length}位` };
  if (!/^\d{17}[\dX]$/.test(v)) return { ok: false, reason: '身份证号码前17位应为数字，最后一位为数字或X' };

  const regionCode = v.slice(0, 6);
  if (!PROVINCE_PREFIXES.has(regionCode.slice(0, 2))) return { ok: false, reason: '身份证号码的地区码无效' };

  const birthCompact = v.slice(6, 14);
  const birthDate = /^(18|19|20)/.test(birthCompact) ? compactDateToIso(birthCompact) : null;
  if (!birthDate) return { ok: false, reason: '身份证号码中的出生日期无效' };
  if (today !== undefined && birthDate > today) return { ok: false, reason: '身份证号码中的出生日期晚于今天' };

  if (idNumberCheckChar(v.slice(0, 17)) !== v[17]) {
    return { ok: false, reason: '身份证号码校验位不正确，请核对号码' };
  }
  // 顺序码: odd for men, even for women.
  const sex: Sex = Number(v[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, value: { value: v, regionCode, birthDate, sex } };
}

export function isValidIdNumber(input: string, today?: string): boolean {
  return validateIdNumber(input, today).ok;
}

/** Birth date (YYYY-MM-DD) of a valid ID number, else null. */
export function birthDateFromIdNumber(idNumber: string): string | null {
  const r = validateIdNumber(idNumber);
  return r.ok ? r.value.birthDate : null;
}

export function sexFromIdNumber(idNumber: string): Sex | null {
  const r = validateIdNumber(idNumber);
  return r.ok ? r.value.sex : null;
}

/**
 * Age in full years (周岁) on `today` (both YYYY-MM-DD). A 29 February birthday is reached on
 * 1 March in common years — the later of the two readings, so an age limit is never passed early.
 */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}

/** Age in full years on `today` (YYYY-MM-DD, Beijing), or null if the number is not valid. */
export function ageFromIdNumber(idNumber: string, today: string): number | null {
  const r = validateIdNumber(idNumber, today);
  return r.ok ? ageOn(r.value.birthDate, today) : null;
}

/** For forms and IPC payloads: trims, upper-cases and validates, with the Chinese reason as the message. */
export const idNumberSchema = z.string().transform((s, ctx) => {
  const r = validateIdNumber(s);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.reason });
    return z.NEVER;
  }
  return r.value.value;
});
