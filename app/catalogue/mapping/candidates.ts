import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import type { MappingCandidate } from '../../shared/contract';
import { aprvnoVariants, normaliseAprvno, type ProductRow } from '../products/model';
import type { InsuranceFactsReader } from '../products/insurance-facts';

/**
 * Suggestions for mapping a product to the national catalogue (目录对照), each with a score from 0 to
 * 100 and the reasons in Chinese, so the person confirming sees why:
 *
 *   国家医保编码 already on the product (e.g. imported)   +60
 *   批准文号 equal (normalised 国药准字H12345678)            +50
 *   本位码 (1301) / UDI (1306) equal to or holding a barcode +40
 *   通用名 equal +25, one inside the other +15, else similar characters (Dice) up to +20
 *   商品名 equal                                             +10
 *   规格 equal +15, else the same leading amount +8
 *   生产企业 equal (without 有限公司 …) +15, one inside the other +10
 *   剂型 equal                                               +5
 *   entry no longer valid (vali_flag 0)                      −30
 *
 * Candidates come from four lookups: the product's national code and 批准文号 (indexed), a barcode that
 * is a 本位码, and a name scan of nat_items (the catalogue has no name index; a scan is fine for a click,
 * not a keystroke).
 */

const MAX_CANDIDATES = 20;
const NAME_SCAN_LIMIT = 2000;

interface NatRow {
  catalogue: string;
  code: string;
  name: string;
  trade_name: string | null;
  spec: string | null;
  dosform: string | null;
  manufacturer: string | null;
  aprvno: string | null;
  vali_flag: string | null;
  /** 1301 药品本位码 (column 8), 1306/1306A UDI (column 2) */
  stdcode: string | null;
}

// Column positions in nat_items.cols (file order, catalogue.md §2.1 and §2.4).
const COLS = `catalogue, code, name, trade_name, spec, dosform, manufacturer, aprvno, vali_flag,
  CASE WHEN catalogue = '1301' THEN json_extract(cols, '$[8]')
       WHEN catalogue IN ('1306', '1306A') THEN json_extract(cols, '$[2]') END AS stdcode`;

/** Drop bracketed parts and spaces: "阿莫西林胶囊(阿莫仙)" → "阿莫西林胶囊". */
export function coreName(s: string | null | undefined): string {
  return (s ?? '')
    .normalize('NFKC')
    .replace(/\([^)]*\)|【[^】]*】|\[[^\]]*\]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}

export function normaliseSpec(s: string | null | undefined): string {
  return (s ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/[×*]/g, 'x')
    .replace(/μg|mcg/g, 'ug');
}

/** dosage-form endings, longest first: the name scan looks for the drug, whatever its form */
const FORM_ENDINGS =
  /(缓释胶囊|控释胶囊|肠溶胶囊|软胶囊|硬胶囊|胶囊|缓释片|控释片|肠溶片|分散片|泡腾片|咀嚼片|口腔崩解片|薄膜衣片|糖衣片|含片|片|颗粒|干混悬剂|混悬液|口服溶液|口服液|糖浆|注射液|滴眼液|滴耳液|滴鼻液|滴丸|丸|散|乳膏|软膏|膏|凝胶|喷雾剂|气雾剂|贴剂|贴膏|栓|合剂|酊|胶浆|溶液|洗剂|搽剂)$/;

/** "阿莫西林胶囊" → "阿莫西林": what the name scan looks for, so other forms and strengths show up too. */
export function nameStem(core: string): string {
  const stem = core.replace(/^注射用/, '').replace(FORM_ENDINGS, '');
  return stem.length >= 2 ? stem : core;
}

const COMPANY_WORDS = /股份有限公司|有限责任公司|有限公司|股份公司|集团|总厂|分公司|公司|\([^)]*\)/g;

export function coreCompany(s: string | null | undefined): string {
  return (s ?? '').normalize('NFKC').replace(/\s+/g, '').replace(COMPANY_WORDS, '');
}

/** Dice coefficient over character bigrams: 1 = same, 0 = nothing in common. */
export function dice(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) return a === b ? 1 : 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      common++;
      grams.set(g, n - 1);
    }
  }
  return (2 * common) / (a.length - 1 + b.length - 1);
}

function firstAmount(spec: string): string | null {
  return /\d+(?:\.\d+)?/.exec(spec)?.[0] ?? null;
}

export function scoreCandidate(
  product: Pick<
    ProductRow,
    'generic_name' | 'trade_name' | 'spec' | 'manufacturer' | 'dosage_form' | 'aprvno' | 'nat_code'
  >,
  barcodes: readonly string[],
  nat: NatRow,
): { score: number; reasons: string[] } {
  let score = 0;
  const reasons: string[] = [];
  const add = (n: number, why: string) => {
    score += n;
    reasons.push(why);
  };

  if (product.nat_code && product.nat_code.toUpperCase() === nat.code.toUpperCase()) {
    add(60, '商品档案中的国家医保编码与之一致');
  }
  const pa = normaliseAprvno(product.aprvno);
  if (pa && aprvnoVariants(nat.aprvno).some((v) => aprvnoVariants(pa).includes(v))) add(50, `批准文号一致（${pa}）`);

  const std = (nat.stdcode ?? '').trim();
  if (std && std !== 'null') {
    const hit = barcodes.find((b) => b === std || (std.length > b.length && b.length >= 8 && std.includes(b)));
    if (hit)
      add(40, nat.catalogue === '1301' ? `药品本位码与条码 ${hit} 一致` : `医疗器械唯一标识（UDI）含条码 ${hit}`);
  }

  const pg = coreName(product.generic_name);
  const ng = coreName(nat.name);
  if (pg && ng) {
    if (pg === ng) add(25, '通用名一致');
    else if (pg.includes(ng) || ng.includes(pg)) add(15, `通用名相近（${nat.name}）`);
    else {
      const d = dice(pg, ng);
      if (d >= 0.4) add(Math.round(20 * d), `通用名相似 ${Math.round(d * 100)}%`);
    }
  }
  if (product.trade_name && nat.trade_name && coreName(product.trade_name) === coreName(nat.trade_name)) {
    add(10, '商品名一致');
  }

  const ps = normaliseSpec(product.spec);
  const ns = normaliseSpec(nat.spec);
  if (ps && ns) {
    if (ps === ns) add(15, '规格一致');
    else {
      const a = firstAmount(ps);
      if (a && a === firstAmount(ns)) add(8, `规格数值相同（${a}）`);
    }
  }

  const pm = coreCompany(product.manufacturer);
  const nm = coreCompany(nat.manufacturer);
  if (pm && nm) {
    if (pm === nm) add(15, '生产企业一致');
    else if (pm.includes(nm) || nm.includes(pm)) add(10, `生产企业相近（${nat.manufacturer}）`);
  }

  if (product.dosage_form && nat.dosform && coreName(product.dosage_form) === coreName(nat.dosform)) {
    add(5, '剂型一致');
  }
  if (nat.vali_flag === '0') add(-30, '该目录条目已失效（有效标志为 0）');

  return { score: Math.max(0, Math.min(100, score)), reasons };
}

export function createCandidateFinder(db: Db, facts: InsuranceFactsReader) {
  const byCode = db.prepare(`SELECT ${COLS} FROM nat_items WHERE code = ?`) as Statement<[string], NatRow>;
  // coreName() lowercases (维生素C → 维生素c); SQLite's lower() folds only ASCII, which is what differs.
  const byName = db.prepare(
    `SELECT ${COLS} FROM nat_items
      WHERE instr(lower(name), @core) > 0 OR (length(name) >= 2 AND instr(@core, lower(name)) > 0)
         OR (@trade != '' AND lower(trade_name) = @trade)
      LIMIT ${NAME_SCAN_LIMIT}`,
  ) as Statement<Record<string, string>, NatRow>;

  // 1301 has no index on its 本位码 column: this scans, so it runs only for a barcode shaped like one
  const byStdcode = db.prepare(
    `SELECT ${COLS} FROM nat_items WHERE catalogue = '1301' AND json_extract(cols, '$[8]') = ? LIMIT 20`,
  ) as Statement<[string], NatRow>;

  return function candidates(product: ProductRow, barcodes: readonly string[]): MappingCandidate[] {
    const found = new Map<string, NatRow>();
    const keep = (rows: NatRow[]) => rows.forEach((r) => found.set(`${r.catalogue}|${r.code}`, r));
    if (product.nat_code) keep(byCode.all(product.nat_code));
    const variants = aprvnoVariants(product.aprvno);
    if (variants.length) {
      keep(
        db
          .prepare(`SELECT ${COLS} FROM nat_items WHERE aprvno IN (${variants.map(() => '?').join(', ')})`)
          .all(...variants) as NatRow[],
      );
    }
    const core = coreName(product.generic_name);
    if (core.length >= 2) keep(byName.all({ core: nameStem(core), trade: coreName(product.trade_name) }));
    // 药品本位码: 14 digits starting 86 (the drug regulator's code, printed on many boxes next to the EAN).
    // The scan costs most of a second on a full 1301, so it runs only when nothing found so far has it.
    const held = new Set([...found.values()].map((r) => r.stdcode));
    for (const b of barcodes) if (/^86\d{12}$/.test(b) && !held.has(b)) keep(byStdcode.all(b));

    return [...found.values()]
      .map((nat) => ({ nat, ...scoreCandidate(product, barcodes, nat) }))
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score || a.nat.code.localeCompare(b.nat.code))
      .slice(0, MAX_CANDIDATES)
      .map(({ nat, score, reasons }): MappingCandidate => ({
        natCode: nat.code,
        catalogue: nat.catalogue,
        name: nat.name,
        tradeName: nat.trade_name,
        spec: nat.spec,
        dosform: nat.dosform,
        manufacturer: nat.manufacturer,
        aprvno: nat.aprvno,
        chrgitmLv: facts.levelOf(nat.code),
        score,
        reasons,
      }));
  };
}
