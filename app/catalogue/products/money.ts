/**
 * Yuan text from a spreadsheet → integer fen, by string arithmetic only: a price never passes through
 * a binary float. Spreadsheets deliver "12.5", "¥12.50", "1,234.5元", and — for cells computed by a
 * formula — binary-float residue such as "13.200000000000001" or "13.199999999999999", which is taken
 * as the two-decimal value it stands for. Anything else with more than two decimals is an error.
 */
export type FenResult = { ok: true; fen: number } | { ok: false; message: string };

const PLAIN = /^(\d+)(?:\.(\d*))?$/;
/** digits after the second decimal that can only be float residue: a long run of 0s or of 9s */
const RESIDUE = /^(0{6,}\d{0,6}|9{6,}\d{0,6})$/;

export function yuanToFen(raw: string): FenResult {
  let text = raw
    .normalize('NFKC')
    .trim()
    .replace(/[¥￥,\s]/g, '');
  text = text.replace(/元$/, '');
  if (/e/i.test(text)) text = expandExponent(text) ?? text;
  const m = PLAIN.exec(text);
  if (!m) return { ok: false, message: `“${raw}”不是有效的金额` };
  const int = m[1]!;
  const frac = m[2] ?? '';
  let cents = BigInt(int) * 100n + BigInt((frac.slice(0, 2) + '00').slice(0, 2));
  if (frac.length > 2) {
    const rest = frac.slice(2);
    if (!RESIDUE.test(rest)) return { ok: false, message: `“${raw}”超过两位小数，价格只能精确到分` };
    if (rest.startsWith('9')) cents += 1n;
  }
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, message: `“${raw}”金额过大` };
  return { ok: true, fen: Number(cents) };
}

/** A whole number from spreadsheet text ("10", "10.0", "1e1"); null when it is not one. */
export function parseWholeNumber(raw: string): number | null {
  let text = raw.normalize('NFKC').trim().replace(/[,\s]/g, '');
  if (/e/i.test(text)) text = expandExponent(text) ?? text;
  const m = /^(\d+)(?:\.(0*))?$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * "6.901234567890E12" → "6901234567890": Excel may store long numbers (barcodes typed as numbers)
 * in exponent form; the digits are exact, only the notation differs.
 */
export function expandExponent(text: string): string | null {
  const m = /^(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(text.trim());
  if (!m) return null;
  const digits = m[1]! + (m[2] ?? '');
  const point = m[1]!.length + Number(m[3]);
  if (point <= 0) return '0.' + '0'.repeat(-point) + digits;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return digits.slice(0, point) + '.' + digits.slice(point);
}

/** fen → "12.50" for messages (integer arithmetic) */
export function fenText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
