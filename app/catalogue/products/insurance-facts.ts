import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import type { InsuranceFacts } from '../../shared/contract';

/**
 * 甲/乙/丙, price ceiling, self-pay ratio and "insurance item of this pharmacy" for a product, read
 * from the catalogue tables another module keeps in sync (1301 nat_items, 1312 hi_list, 1317
 * hi_list_map, 1318 hi_price_limit, 1319 hi_selfpay).
 *
 * Rows are chosen as valid today (vali_flag empty or 1, begndate ≤ today ≤ enddate), the pharmacy's own
 * 医保区划 before a row without one, the latest begndate first.
 *
 * Results are cached per product because the counter asks for the same few products keystroke after
 * keystroke. The cache is dropped whenever anything was written to the database — by this connection
 * (total_changes) or another one such as a sync worker (data_version) — or the date changed.
 */

export type ChrgitmLv = '甲' | '乙' | '丙';

/** '1' / '01' / '甲' / '甲类' → 甲, likewise 乙 and 丙 (丙类 is also called 自费). */
export function parseChrgitmLv(value: unknown): ChrgitmLv | null {
  if (value === null || value === undefined) return null;
  const s = String(value).normalize('NFKC').trim();
  if (s === '') return null;
  if (/^0*1$/.test(s) || s.startsWith('甲')) return '甲';
  if (/^0*2$/.test(s) || s.startsWith('乙')) return '乙';
  if (/^0*3$/.test(s) || s.startsWith('丙') || s.startsWith('自费')) return '丙';
  return null;
}

const VALID = `(vali_flag IS NULL OR vali_flag = '' OR vali_flag = '1')`;
const CURRENT = `(begndate = '' OR substr(begndate, 1, 10) <= @today)
  AND (enddate IS NULL OR enddate = '' OR substr(enddate, 1, 10) >= @today)`;

export interface InsuranceFactsDeps {
  db: Db;
  /** the pharmacy's 医保区划 (settings pharmacy.admdvs) */
  admdvs: () => string;
  /** today in Beijing, yyyy-MM-dd */
  today: () => string;
}

export interface InsuranceFactsReader {
  /** facts for one product; cached until the next write anywhere in the database */
  factsFor(productId: number, natCode: string | null, productCode: string): InsuranceFacts;
  /** chrgitm_lv of a national code alone (for mapping candidates) */
  levelOf(natCode: string): ChrgitmLv | null;
}

export function createInsuranceFacts(deps: InsuranceFactsDeps): InsuranceFactsReader {
  const { db } = deps;
  const hiList = db.prepare(
    `SELECT chrgitm_lv, lmt_used_flag FROM hi_list
      WHERE hilist_code = @code AND ${VALID} AND ${CURRENT}
      ORDER BY (insu_admdvs = @admdvs) DESC, (insu_admdvs = '') DESC, begndate DESC LIMIT 1`,
  ) as Statement<Record<string, string>, { chrgitm_lv: string | null; lmt_used_flag: string | null }>;
  const natLevel = db
    .prepare(`SELECT chrgitm_lv FROM nat_items WHERE code = ? ORDER BY (vali_flag = '1') DESC LIMIT 1`)
    .pluck() as Statement<[string], string | null>;
  const priceLimit = db
    .prepare(
      `SELECT pric_uplmt_fen FROM hi_price_limit
        WHERE hilist_code = @code AND pric_uplmt_fen IS NOT NULL AND ${VALID} AND ${CURRENT}
        ORDER BY (insu_admdvs = @admdvs) DESC, (insu_admdvs = '') DESC, begndate DESC LIMIT 1`,
    )
    .pluck() as Statement<Record<string, string>, number>;
  // Several ratios may exist per person type; the one without a person type is the general one.
  const selfpay = db
    .prepare(
      `SELECT selfpay_prop FROM hi_selfpay
        WHERE hilist_code = @code AND selfpay_prop IS NOT NULL AND selfpay_prop != '' AND ${VALID} AND ${CURRENT}
        ORDER BY (insu_admdvs = @admdvs) DESC, (selfpay_prop_psn_type = '') DESC, (insu_admdvs = '') DESC,
                 begndate DESC LIMIT 1`,
    )
    .pluck() as Statement<Record<string, string>, string>;
  const mapped = db
    .prepare(
      `SELECT 1 FROM hi_list_map
        WHERE (medins_list_codg = @own OR med_list_codg = @code) AND ${VALID}
          AND (enddate IS NULL OR enddate = '' OR substr(enddate, 1, 10) >= @today)
        LIMIT 1`,
    )
    .pluck() as Statement<Record<string, string>, number>;
  const signal = db
    .prepare('SELECT total_changes() AS tc, (SELECT data_version FROM pragma_data_version) AS dv')
    .raw() as Statement<[], [number, number]>;

  const cache = new Map<number, InsuranceFacts>();
  let seen = '';

  function fresh(): void {
    const [tc, dv] = signal.get()!;
    const key = `${tc}|${dv}|${deps.today()}`;
    if (key !== seen) {
      cache.clear();
      seen = key;
    }
  }

  function compute(natCode: string | null, productCode: string): InsuranceFacts {
    const today = deps.today();
    const admdvs = deps.admdvs();
    // '\u0000' never equals a stored code: a product without a national code matches by its own code only.
    const code = natCode ?? '\u0000';
    const isInsuranceItem = mapped.get({ own: productCode, code, today }) !== undefined;
    if (!natCode) {
      return { natCode: null, chrgitmLv: null, priceLimitFen: null, selfpayProp: null, isInsuranceItem, limitedUse: false };
    }
    const list = hiList.get({ code, today, admdvs });
    const level = parseChrgitmLv(list?.chrgitm_lv) ?? parseChrgitmLv(natLevel.get(code));
    const limit = priceLimit.get({ code, today, admdvs });
    const ratio = selfpay.get({ code, today, admdvs });
    return {
      natCode,
      chrgitmLv: level,
      priceLimitFen: typeof limit === 'number' ? limit : null,
      selfpayProp: ratio === undefined ? null : String(ratio),
      isInsuranceItem,
      limitedUse: list?.lmt_used_flag === '1',
    };
  }

  return {
    factsFor(productId, natCode, productCode) {
      fresh();
      let f = cache.get(productId);
      if (!f || f.natCode !== natCode) {
        f = compute(natCode, productCode);
        cache.set(productId, f);
      }
      return f;
    },
    levelOf(natCode) {
      const list = hiList.get({ code: natCode, today: deps.today(), admdvs: deps.admdvs() });
      return parseChrgitmLv(list?.chrgitm_lv) ?? parseChrgitmLv(natLevel.get(natCode));
    },
  };
}
