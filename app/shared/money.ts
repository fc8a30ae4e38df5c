/**
 * Money is integer fen (分) inside the app. These are the only conversions to and from the
 * wire's decimal yuan, done on the digits so no floating-point rounding can creep in.
 */

export type Fen = number;

/** 1234 → "12.34", -5 → "-0.05" */
export function fenToYuan(fen: Fen): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/**
 * "12.3" / 12.3 / "12.30" → 1230. Replies carry amounts as numbers or strings; more than two
 * decimals are accepted only when the extra digits are zeros. Returns null when not a number.
 */
export function yuanToFen(value: unknown): Fen | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // toFixed(6) then trimming keeps 12.3 → "12.300000" exact for any amount a till sees.
    text = value.toFixed(6);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else return null;
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const [, sign, int, frac = ''] = m;
  if (frac.length > 2 && !/^0*$/.test(frac.slice(2))) return null;
  const fen = Number(int) * 100 + Number((frac + '00').slice(0, 2));
  if (!Number.isSafeInteger(fen)) return null;
  return sign === '-' ? -fen : fen;
}

/** For display: ￥12.34 (full-width sign prints right on receipt printers too). */
export function formatYuan(fen: Fen): string {
  return `￥${fenToYuan(fen)}`;
}
