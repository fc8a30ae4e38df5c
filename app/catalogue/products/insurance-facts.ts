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
 * One statement computes the facts of one product or of all of them (correlated subqueries run inside
 * SQLite: for the whole product master that is one call, not five per product). The search index keeps
 * the result per product and checks SIGNAL_SQL whether the catalogues changed since: the sync records
 * every run in catalogue_sync_state, and a sync on another connection (a worker) moves data_version.
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

export const NO_FACTS: Readonly<InsuranceFacts> = Object.freeze({
  natCode: null,
  chrgitmLv: null,
  priceLimitFen: null,
  selfpayProp: null,
  isInsuranceItem: false,
  limitedUse: false,
});

/**
 * An SQL expression that changes when the catalogues may have changed: data_version moves when another
 * connection commits (a sync worker); catalogue_sync_state moves when a sync on this connection records
 * its run (a sync writes its rows and its state in one transaction).
 */
export const SIGNAL_SQL = `(SELECT data_version FROM pragma_data_version) || '/' ||
  (SELECT count(*) || ':' || coalesce(max(updated_at), 0) || ':' || coalesce(sum(rows), 0) || ':' ||
          coalesce(group_concat(coalesce(max_ver, '') || coalesce(max_updt_time, ''), ','), '')
     FROM catalogue_sync_state)`;

const VALID = `(vali_flag IS NULL OR vali_flag = '' OR vali_flag = '1')`;
const CURRENT = `(begndate = '' OR substr(begndate, 1, 10) <= @today)
  AND (enddate IS NULL OR enddate = '' OR substr(enddate, 1, 10) >= @today)`;
const REGION_FIRST = `(insu_admdvs = @admdvs) DESC, (insu_admdvs = '') DESC`;

/** Every fact of the products `where` selects, one row each. */
function factsSql(where: string): string {
  return `
    SELECT p.id AS id, p.nat_code AS nat_code,
      (SELECT coalesce(chrgitm_lv, '') || '|' || coalesce(lmt_used_flag, '') FROM hi_list
        WHERE hilist_code = p.nat_code AND ${VALID} AND ${CURRENT}
        ORDER BY ${REGION_FIRST}, begndate DESC LIMIT 1) AS list,
      (SELECT n.chrgitm_lv FROM nat_items n WHERE n.code = p.nat_code ORDER BY (n.vali_flag = '1') DESC LIMIT 1)
        AS nat_level,
      (SELECT pric_uplmt_fen FROM hi_price_limit
        WHERE hilist_code = p.nat_code AND pric_uplmt_fen IS NOT NULL AND ${VALID} AND ${CURRENT}
        ORDER BY ${REGION_FIRST}, begndate DESC LIMIT 1) AS limit_fen,
      (SELECT selfpay_prop FROM hi_selfpay
        WHERE hilist_code = p.nat_code AND selfpay_prop IS NOT NULL AND selfpay_prop != '' AND ${VALID} AND ${CURRENT}
        ORDER BY (insu_admdvs = @admdvs) DESC, (selfpay_prop_psn_type = '') DESC, (insu_admdvs = '') DESC,
                 begndate DESC LIMIT 1) AS ratio,
      EXISTS (SELECT 1 FROM hi_list_map
        WHERE (medins_list_codg = p.code OR med_list_codg = p.nat_code) AND ${VALID}
          AND (enddate IS NULL OR enddate = '' OR substr(enddate, 1, 10) >= @today)) AS mapped
    FROM products p WHERE ${where}`;
}

interface FactsRow {
  id: number;
  nat_code: string | null;
  list: string | null;
  nat_level: string | null;
  limit_fen: number | null;
  ratio: string | number | null;
  mapped: number;
}

function toFacts(r: FactsRow): InsuranceFacts {
  const [listLevel, limited] = r.list === null ? [null, ''] : r.list.split('|');
  return {
    natCode: r.nat_code,
    chrgitmLv: parseChrgitmLv(listLevel) ?? parseChrgitmLv(r.nat_level),
    priceLimitFen: typeof r.limit_fen === 'number' ? r.limit_fen : null,
    selfpayProp: r.ratio === null ? null : String(r.ratio),
    isInsuranceItem: r.mapped === 1,
    limitedUse: limited === '1',
  };
}

export interface InsuranceFactsDeps {
  db: Db;
  /** the pharmacy's 医保区划 (settings pharmacy.admdvs) */
  admdvs: () => string;
  /** today in Beijing, yyyy-MM-dd */
  today: () => string;
}

export interface InsuranceFactsReader {
  /** facts of one product, read now */
  factsFor(productId: number): InsuranceFacts;
  /** facts of every active product that has any, by id, in one statement (absent = no facts) */
  allFacts(): Map<number, InsuranceFacts>;
  /**
   * A token that changes whenever the catalogues may have changed (a sync ran, another connection wrote,
   * a new day), from the value of SIGNAL_SQL — which the search index reads together with its own counters.
   */
  signalOf(value: string): string;
  /** chrgitm_lv of a national code alone (for mapping candidates) */
  levelOf(natCode: string): ChrgitmLv | null;
}

export function createInsuranceFacts(deps: InsuranceFactsDeps): InsuranceFactsReader {
  const { db } = deps;
  const one = db.prepare(factsSql('p.id = @id')) as Statement<Record<string, unknown>, FactsRow>;
  // most products of a shop have no facts at all: only the rows with one cross into JS
  const all = db.prepare(
    `SELECT * FROM (${factsSql('p.active = 1')})
      WHERE list IS NOT NULL OR nat_level IS NOT NULL OR limit_fen IS NOT NULL OR ratio IS NOT NULL OR mapped = 1`,
  ) as Statement<Record<string, unknown>, FactsRow>;
  const level = db.prepare(
    `SELECT
      (SELECT chrgitm_lv FROM hi_list WHERE hilist_code = @code AND ${VALID} AND ${CURRENT}
        ORDER BY ${REGION_FIRST}, begndate DESC LIMIT 1) AS list,
      (SELECT chrgitm_lv FROM nat_items WHERE code = @code ORDER BY (vali_flag = '1') DESC LIMIT 1) AS nat`,
  ) as Statement<Record<string, string>, { list: string | null; nat: string | null }>;
  const params = () => ({ today: deps.today(), admdvs: deps.admdvs() });
  const signalOf = (value: string) => `${value}/${deps.today()}`;

  return {
    factsFor(productId) {
      const row = one.get({ ...params(), id: productId });
      return row ? toFacts(row) : { ...NO_FACTS };
    },
    allFacts() {
      const out = new Map<number, InsuranceFacts>();
      for (const row of all.iterate(params())) out.set(row.id, toFacts(row));
      return out;
    },
    signalOf,
    levelOf(natCode) {
      const r = level.get({ ...params(), code: natCode });
      return parseChrgitmLv(r?.list) ?? parseChrgitmLv(r?.nat);
    },
  };
}
