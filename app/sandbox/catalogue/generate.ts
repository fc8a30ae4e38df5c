import {
  CATALOGUE_1320_NTDB_LOCAL_NAMES,
  CATALOGUE_FILE_COLUMNS,
  type CatalogueFileInfno,
} from '../../nhsa/registry/catalogue-files';
import { SANDBOX_DRUGS, type SandboxDrug } from '../drugs';
import { beijingDay, farFutureText, javaDateText } from './java-date';
import { chance, digits, int, mixSeed, mulberry32, pick, textSeed, type Rng } from './prng';
import {
  CITIES,
  COMPANY_SUFFIXES,
  CONSUMABLES,
  DISEASES,
  FOREIGN_COMPANIES,
  FORMS,
  HERB_PROCESSING,
  HERBS,
  INDICATIONS,
  TCM_INDICATIONS,
  LIQUID_VOLUMES,
  NAME_SYLLABLES,
  PACK_COUNTS,
  PATENT_MEDICINES,
  RESTRICTIONS,
  TOPICAL_SIZES,
  EYE_VOLUMES,
  WESTERN_GENERICS,
  type FormDef,
} from './vocabulary';

/**
 * The generated national catalogues of the sandbox center, in the real file format (catalogue.md §1.3):
 * one TAB-separated line per row, no header, the literal `null` for an empty cell, Java `Date.toString()`
 * timestamps, some far-future `999x` end dates, apostrophes where names have them, and exactly the column
 * count of catalogue-files.ts.
 *
 * Deterministic: each row draws from its own PRNG stream seeded from (catalogue, row index, revision), so
 * the same options always give byte-identical files, and a row's stable facts (code, name, class) can be
 * recomputed alone — the paged queries (1312, 1318, 1319) are derived from 1301 that way.
 *
 * Bump GENERATOR_VERSION whenever the output changes: the disk cache is keyed by it.
 */
export const GENERATOR_VERSION = 1;

export type FileInfno = CatalogueFileInfno;
export const FILE_INFNOS: readonly FileInfno[] = ['1301', '1302', '1306', '1306A', '1309', '1320'];

/** Row counts at scale 1. 1301 gets ≥ 150,000 distinct codes (plus the fixed SANDBOX_DRUGS). */
export const FULL_SIZES: Readonly<Record<FileInfno, number>> = {
  '1301': 150_000,
  '1302': 3_000,
  '1306': 8_000,
  '1306A': 4_000,
  '1309': 288,
  '1320': 1_500,
};

/** Smallest sizes, so that a tiny scale still has a few versions and rows of every kind. */
const MIN_SIZES: Readonly<Record<FileInfno, number>> = {
  '1301': 60,
  '1302': 20,
  '1306': 20,
  '1306A': 12,
  '1309': 12,
  '1320': 12,
};

export const CATALOGUE_LABELS: Readonly<Record<FileInfno, string>> = {
  '1301': '西药中成药目录',
  '1302': '中药饮片目录',
  '1306': '医用耗材目录',
  '1306A': '27位医用耗材目录',
  '1309': '门诊慢特病种目录',
  '1320': '中药配方颗粒目录',
};

export function sizeOf(infno: FileInfno, scale: number): number {
  return Math.max(MIN_SIZES[infno], Math.round(FULL_SIZES[infno] * scale));
}

// ---------------------------------------------------------------------------------------------------------
// Columns: the layouts come from the registry (catalogue-files.ts). 1320's official layout is unknown; the
// sandbox's assumption is that NT-DB's sixteen local names come first, in the order NT-DB's query lists them
// (so 版本号 VER is column 15), and the remaining 28 columns are unknown and left `null`.
// ---------------------------------------------------------------------------------------------------------

const NAMES_1320 = CATALOGUE_1320_NTDB_LOCAL_NAMES.map((x) => x.localName);

function columnIndex(infno: FileInfno): Map<string, number> {
  if (infno === '1320') return new Map(NAMES_1320.map((n, i) => [n, i]));
  return new Map(CATALOGUE_FILE_COLUMNS[infno].map((c) => [c.name, c.index]));
}

export function columnCount(infno: FileInfno): number {
  return CATALOGUE_FILE_COLUMNS[infno].length;
}

class Line {
  private readonly cells: string[];
  constructor(
    private readonly index: Map<string, number>,
    count: number,
  ) {
    this.cells = new Array<string>(count).fill('null');
  }
  set(name: string, value: string | null | undefined): this {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`sandbox catalogue: no column ${name}`);
    // Values come from the word lists, which hold no TAB or line break (the format has no quoting).
    this.cells[i] = value === null || value === undefined || value === '' ? 'null' : value;
    return this;
  }
  text(): string {
    return this.cells.join('\t');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Versions
// ---------------------------------------------------------------------------------------------------------

export interface VersionPlan {
  ver: string;
  verName: string;
  /** Beijing midnight of the version's publication day */
  day: Date;
  /** new codes: indexes [firstNew, firstNew + newRows) */
  firstNew: number;
  newRows: number;
  /** earlier codes re-issued in this version (updates, withdrawals) */
  updates: number[];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** ver = yyyyMMdd + 3-digit sequence: fixed width, so text order is publication order. */
export function verOf(day: Date, seq: number): string {
  const t = new Date(day.getTime() + 8 * 3600 * 1000);
  return `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1, 2)}${pad(t.getUTCDate(), 2)}${pad(seq, 3)}`;
}

/** Fractions of the new rows each version brings: a big initial issue, a few large ones, then monthly. */
function shares(infno: FileInfno): number[] {
  switch (infno) {
    case '1301':
      return [0.28, 0.09, 0.09, 0.09, 0.09, 0.09, ...Array.from({ length: 24 }, () => 0.27 / 24)];
    case '1302':
      return [0.5, 0.1, 0.1, 0.1, 0.1, 0.1];
    case '1306':
      return [0.4, ...Array.from({ length: 9 }, () => 0.6 / 9)];
    case '1306A':
      return [0.55, 0.15, 0.15, 0.15];
    case '1309':
      return [0.7, 0.15, 0.15];
    case '1320':
      return [0.5, 0.125, 0.125, 0.125, 0.125];
  }
}

/**
 * The base versions of a catalogue. A version never exceeds `cap` rows (it is split into more versions
 * otherwise), because a file always carries whole versions: the client continues from the last version it
 * holds, so a version cut across two files would leave a gap.
 */
export function planVersions(infno: FileInfno, total: number, cap: number): VersionPlan[] {
  const rng = mulberry32(mixSeed(textSeed(`plan-${infno}`), total));
  const parts = shares(infno);
  const counts = parts.map((p) => Math.floor(total * p));
  counts[0]! += total - counts.reduce((a, b) => a + b, 0);
  const plans: VersionPlan[] = [];
  let next = 0;
  const start = Date.UTC(2022, 0, 15);
  counts.forEach((count, vi) => {
    // Updates: about 8% of the version's size, re-issuing earlier codes (none in the first version).
    const wanted = vi === 0 || next === 0 ? 0 : Math.min(next, Math.max(1, Math.floor(count * 0.08)));
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(int(rng, 0, next - 1));
    const updates = [...chosen].sort((a, b) => a - b);
    // Split a version that would not fit one file.
    const pieces = Math.max(1, Math.ceil((count + updates.length) / cap));
    for (let p = 0; p < pieces; p++) {
      const from = Math.floor((count * p) / pieces);
      const to = Math.floor((count * (p + 1)) / pieces);
      const ufrom = Math.floor((updates.length * p) / pieces);
      const uto = Math.floor((updates.length * (p + 1)) / pieces);
      const month = new Date(start);
      month.setUTCMonth(month.getUTCMonth() + vi);
      const day = new Date(month.getTime() - 8 * 3600 * 1000);
      plans.push({
        ver: verOf(day, p + 1),
        verName: `${CATALOGUE_LABELS[infno]}${month.getUTCFullYear()}年第${vi + 1}期${pieces > 1 ? `（${p + 1}/${pieces}）` : ''}`,
        day,
        firstNew: next + from,
        newRows: to - from,
        updates: updates.slice(ufrom, uto),
      });
    }
    next += count;
  });
  return plans;
}

// ---------------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------------

interface Company {
  name: string;
  code: string;
  city: string;
  foreign: boolean;
}

const COMPANIES: Company[] = (() => {
  const rng = mulberry32(textSeed('companies'));
  const out: Company[] = [];
  const seen = new Set<string>();
  while (out.length < 600) {
    const foreign = out.length % 40 === 39;
    const [city, admdvs] = pick(rng, CITIES);
    const name = foreign
      ? `${pick(rng, FOREIGN_COMPANIES)}`
      : `${city}${pick(rng, NAME_SYLLABLES)}${pick(rng, NAME_SYLLABLES)}${pick(rng, COMPANY_SUFFIXES)}`;
    if (!foreign && seen.has(name)) continue;
    seen.add(name);
    out.push({ name, code: `91${admdvs}${digits(rng, 9)}${String.fromCharCode(65 + int(rng, 0, 25))}`, city, foreign });
  }
  return out;
})();

function company(rng: Rng): Company {
  return COMPANIES[Math.floor(rng() * COMPANIES.length)]!;
}

const dayTexts = new Map<number, string>();

/** Midnight of a random day, as Java writes it (day texts are memoised: formatting dominates otherwise). */
function javaDay(rng: Rng, fromYear: number, toYear: number): string {
  const key = int(rng, fromYear, toYear) * 10_000 + int(rng, 1, 12) * 100 + int(rng, 1, 28);
  let text = dayTexts.get(key);
  if (text === undefined) {
    text = javaDateText(beijingDay(Math.floor(key / 10_000), Math.floor(key / 100) % 100, key % 100));
    dayTexts.set(key, text);
  }
  return text;
}

/** A timestamp on the version's day (or a few days before it), as Java writes it. */
function onDay(rng: Rng, day: Date, daysBefore = 0): string {
  const ms = day.getTime() - int(rng, 0, daysBefore) * 86_400_000 + int(rng, 8 * 3600, 20 * 3600) * 1000;
  return javaDateText(new Date(ms));
}

function endDate(rng: Rng, variant: number): string | null {
  const r = rng();
  if (r < 0.6) return farFutureText(variant);
  if (r < 0.9) return null;
  return javaDay(rng, 2026, 2030);
}

function aprvno(rng: Rng, kind: 'H' | 'Z' | 'S', foreign: boolean): string {
  if (foreign) return `国药准字HJ${int(rng, 2015, 2023)}${digits(rng, 4)}`;
  return rng() < 0.5
    ? `国药准字${kind}${pad(int(rng, 11, 65), 2)}${digits(rng, 6)}`
    : `国药准字${kind}20${pad(int(rng, 0, 23), 2)}${digits(rng, 4)}`;
}

function brand(rng: Rng): string {
  return `${pick(rng, NAME_SYLLABLES)}${pick(rng, NAME_SYLLABLES)}${chance(rng, 0.4) ? pick(rng, NAME_SYLLABLES) : ''}`;
}

const rid = (infno: string, i: number, rev: number) => `SBX${infno}${pad(i, 8)}${pad(rev, 3)}`;

// ---------------------------------------------------------------------------------------------------------
// 1301 西药中成药
// ---------------------------------------------------------------------------------------------------------

/** The stable facts of a 1301 code, recomputable from its index alone. */
export interface Drug1301 {
  code: string;
  genname: string;
  trade: string | null;
  eng: string | null;
  py: string;
  form: FormDef;
  spec: string;
  pack: number;
  company: Company;
  aprvno: string;
  tcm: boolean;
  /** 甲 / 乙 / '' (not in the national insurance list) */
  lv: '甲' | '乙' | '';
  otc: '0' | '1' | '2';
  basic: boolean;
  nego: boolean;
  restricted: string | null;
}

const SEED_1301 = textSeed('1301');

function genericCode(index: number): string {
  return `${String.fromCharCode(65 + (index % 26))}${pad((index * 37) % 1000, 3)}`;
}

/** Serial part of generated codes starts here, so it never meets the fixed SANDBOX_DRUGS tails. */
const SERIAL_BASE = 200_000;

export function drug1301(i: number): Drug1301 {
  const rng = mulberry32(mixSeed(SEED_1301, i));
  const tcm = rng() < 0.28;
  const co = company(rng);
  let genname: string;
  let py: string;
  let form: FormDef;
  let spec: string;
  let code: string;
  let eng: string | null = null;
  const pack = pick(rng, PACK_COUNTS);
  if (!tcm) {
    const gi = Math.floor(rng() * WESTERN_GENERICS.length);
    const [atc, name, initials, english, forms, strengths] = WESTERN_GENERICS[gi]!;
    form = FORMS[pick(rng, forms)]!;
    genname = form.prefix ? `${form.suffix}${name}` : `${name}${form.suffix}`;
    py = form.prefix ? `${form.py}${initials}` : `${initials}${form.py}`;
    spec = specFor(rng, form, pick(rng, strengths));
    eng = chance(rng, 0.6)
      ? `${english} ${form.formName === '片剂' ? 'Tablets' : form.suffix === '胶囊' ? 'Capsules' : 'Preparation'}`
      : null;
    if (eng && chance(rng, 0.05)) eng = `Children's ${eng}`;
    code = `X${atc}${genericCode(gi)}${form.code}${pad(int(rng, 0, 999), 3)}${pad(SERIAL_BASE + i, 6)}`;
  } else {
    const pi = Math.floor(rng() * PATENT_MEDICINES.length);
    const [cls, stem, initials, forms] = PATENT_MEDICINES[pi]!;
    form = FORMS[pick(rng, forms)]!;
    genname = `${stem}${form.suffix}`;
    py = `${initials}${form.py}`;
    spec = specFor(rng, form, pick(rng, ['0.25g', '0.3g', '0.35g', '0.5g', '3g', '6g', '10g']));
    code = `Z${cls}${genericCode(pi)}${form.code}${pad(SERIAL_BASE + i, 6)}`;
  }
  const r = rng();
  const lv: Drug1301['lv'] = r < 0.35 ? '甲' : r < 0.8 ? '乙' : '';
  const o = rng();
  const otc: Drug1301['otc'] = o < 0.7 ? '0' : o < 0.85 ? '1' : '2';
  const trade = co.foreign ? `${brand(rng)}（${co.name.split(' ')[0]}）` : chance(rng, 0.45) ? brand(rng) : null;
  return {
    code,
    genname,
    trade,
    eng,
    py,
    form,
    spec,
    pack,
    company: co,
    aprvno: aprvno(rng, tcm ? 'Z' : chance(rng, 0.04) ? 'S' : 'H', co.foreign),
    tcm,
    lv,
    otc,
    basic: chance(rng, 0.25),
    nego: lv === '乙' && chance(rng, 0.04),
    restricted: chance(rng, 0.1) ? pick(rng, RESTRICTIONS) : null,
  };
}

function specFor(rng: Rng, form: FormDef, strength: string): string {
  switch (form.kind) {
    case 'liquid':
      return pick(rng, LIQUID_VOLUMES);
    case 'injection':
      return strength.includes(':') ? strength : `${pick(rng, ['1ml', '2ml', '5ml', '10ml'])}:${strength}`;
    case 'topical':
      return `${strength.endsWith('%') ? strength : '1%'}（${pick(rng, TOPICAL_SIZES)}）`;
    case 'eye':
      return `${pick(rng, EYE_VOLUMES)}:${strength}`;
    default:
      return strength;
  }
}

const OTC_NAMES = { '0': '处方药', '1': '甲类非处方药', '2': '乙类非处方药' } as const;

/** A sandbox drug (drugs.ts) as a 1301 row: the settlement rules know these codes. */
function fixedDrug1301(d: SandboxDrug, n: number): Drug1301 {
  const form: FormDef = Object.values(FORMS).find((f) => f.formName === d.dosform || f.suffix === d.dosform) ?? {
    ...FORMS.tablet!,
    formName: d.dosform,
  };
  return {
    code: d.med_list_codg,
    genname: d.name,
    trade: null,
    eng: null,
    py: '',
    form,
    spec: d.spec.split('*')[0] ?? d.spec,
    pack: Number(/\*(\d+)/.exec(d.spec)?.[1] ?? 1),
    company: { name: d.prdr_name, code: `91110000SBX${pad(n, 6)}A`, city: '北京', foreign: false },
    aprvno: `国药准字${d.list_type === '102' ? 'Z' : 'H'}1100${pad(n, 4)}`,
    tcm: d.list_type === '102',
    lv: d.chrgitm_lv === '01' ? '甲' : d.chrgitm_lv === '02' ? '乙' : '',
    otc: d.rx_flag === '1' ? '0' : '1',
    basic: d.bas_medn_flag === '1',
    nego: d.hi_nego_drug_flag === '1',
    restricted: null,
  };
}

const IDX_1301 = columnIndex('1301');
const COUNT_1301 = columnCount('1301');

function line1301(d: Drug1301, i: number, rev: number, v: VersionPlan): string {
  const rng = mulberry32(mixSeed(SEED_1301 ^ 0x5bd1e995, i * 64 + rev));
  const withdrawn = rev > 0 && chance(rng, 0.15);
  // An update may move the code between 甲 and 乙 (the yearly list adjustment).
  const lv = rev > 0 && chance(rng, 0.2) ? (d.lv === '甲' ? '乙' : '甲') : d.lv;
  const unit = d.form.unit;
  const L = new Line(IDX_1301, COUNT_1301);
  L.set('med_list_codg', d.code)
    .set('drug_prodname', d.trade)
    .set('genname_codg', d.code.slice(0, 10))
    .set('drug_genname', d.genname)
    .set('eng_name', d.eng)
    .set('reg_name', d.genname)
    .set('drugstdcode', `869${digits(rng, 11)}`)
    .set('drug_dosform', d.form.code)
    .set('drug_dosform_name', d.form.formName)
    .set('drug_type', d.tcm ? '2' : '1')
    .set('drug_type_name', d.tcm ? '中成药' : '化学药品')
    .set('drug_spec', d.spec)
    .set('reg_dosform', d.form.formName)
    .set('reg_spec', d.spec)
    .set('used_mtd', d.form.rute)
    .set('tcmpat_flag', d.tcm ? '1' : '0')
    .set('prodplac_type', d.company.foreign ? '2' : '1')
    .set('prodplac_type_name', d.company.foreign ? '进口' : '国产')
    .set('otc_flag', d.otc)
    .set('otc_flag_name', OTC_NAMES[d.otc])
    .set('pacmatl_name', d.form.kind === 'solid' ? pick(rng, ['铝塑泡罩', '高密度聚乙烯瓶', '铝塑复合膜']) : '玻璃瓶')
    .set('pacspec', `${d.pack}${unit}/盒`)
    .set('pac_cnt', String(d.pack))
    .set('efcc_atd', d.tcm ? pick(rng, TCM_INDICATIONS) : pick(rng, INDICATIONS))
    .set('rute', d.form.rute)
    .set('begndate', javaDay(rng, 2019, 2021))
    .set('enddate', endDate(rng, i))
    .set('min_useunt', unit)
    .set('min_salunt', '盒')
    .set('min_unt', unit)
    .set('min_pac_cnt', String(d.pack))
    .set('min_pacunt', '盒')
    .set('min_prepunt', unit)
    .set('minpacunt_name', '盒')
    .set('min_prepunt_name', unit)
    .set('convrat', String(d.pack))
    .set('drug_expy', pick(rng, ['24', '36', '18']))
    .set('min_prcunt', unit)
    .set('pinyin', d.py)
    .set('prodentp_code', d.company.code)
    .set('prodentp_name', d.company.name)
    .set('sp_lmtpric_drug_flag', '0')
    .set('sp_drug_flag', '0')
    .set('lmt_usescp', d.restricted)
    .set('lmt_used_flag', d.restricted ? '1' : '0')
    .set('aprvno', d.aprvno)
    .set('aprvno_begndate', javaDay(rng, 2015, 2021))
    .set('aprvno_enddate', chance(rng, 0.3) ? farFutureText(i + 1) : javaDay(rng, 2025, 2029))
    .set('mkt_stas', withdrawn ? '2' : '1')
    .set('mkt_stas_name', withdrawn ? '停止上市' : '上市')
    .set('bas_medn_flag_name', d.basic ? '是' : '否')
    .set('bas_medn_flag', d.basic ? '1' : '0')
    .set('advaltax_adjm_drug_flag', '0')
    .set('lstd_druglist_drug', '0')
    .set('hi_nego_drug_flag', d.nego ? '1' : '0')
    .set('hi_nego_drug_name', d.nego ? d.genname : null)
    .set('memo', rev > 0 ? (withdrawn ? '企业申请撤销' : `第${rev}次变更：说明书'用法用量'更新`) : null)
    .set('vali_flag', withdrawn ? '0' : '1')
    .set('rid', rid('1301', i, rev))
    .set('crte_time', onDay(rng, v.day, 20))
    .set('updt_time', onDay(rng, v.day))
    .set('ver', v.ver)
    .set('ver_name', v.verName)
    .set('chld_medc', d.eng?.startsWith("Children's") ? '1' : '0')
    .set('conseval_drug', chance(rng, 0.2) ? '1' : '0')
    .set('nat_hi_druglist_dosform', d.form.natForm)
    .set('nat_hi_druglist_chrgitm_lv', lv || null);
  return L.text();
}

// ---------------------------------------------------------------------------------------------------------
// 1302 中药饮片
// ---------------------------------------------------------------------------------------------------------

const SEED_1302 = textSeed('1302');
const IDX_1302 = columnIndex('1302');

export interface Herb1302 {
  code: string;
  name: string;
  py: string;
  herb: (typeof HERBS)[number];
  proc: (typeof HERB_PROCESSING)[number];
  lv: '甲' | '乙' | '';
}

export function herb1302(i: number): Herb1302 {
  const rng = mulberry32(mixSeed(SEED_1302, i));
  const hi = i % HERBS.length;
  const herb = HERBS[hi]!;
  const pi = Math.floor(rng() * HERB_PROCESSING.length);
  const proc = HERB_PROCESSING[pi]!;
  return {
    code: `T${pad(hi, 4)}${pad(pi, 2)}${pad(SERIAL_BASE + i, 7)}`,
    name: `${proc[0]}${herb[0]}`,
    py: `${proc[1]}${herb[1]}`,
    herb,
    proc,
    lv: chance(rng, 0.85) ? '乙' : '',
  };
}

function fixedHerb(d: SandboxDrug): Herb1302 {
  const herb = HERBS.find((h) => d.name.startsWith(h[0])) ?? HERBS[0]!;
  return { code: d.med_list_codg, name: d.name, py: herb[1], herb, proc: HERB_PROCESSING[0]!, lv: '乙' };
}

function line1302(h: Herb1302, i: number, rev: number, v: VersionPlan): string {
  const rng = mulberry32(mixSeed(SEED_1302 ^ 0x27d4eb2f, i * 64 + rev));
  const withdrawn = rev > 0 && chance(rng, 0.1);
  const L = new Line(IDX_1302, 29);
  L.set('med_list_codg', h.code)
    .set('tcmherb_name', h.name)
    .set('cpnd_flag', '1')
    .set('qlt_lv', pick(rng, ['统货', '一等', '二等']))
    .set('med_part', h.herb[2])
    .set('safe_mtr', `${int(rng, 3, 10)}～${int(rng, 12, 30)}g`)
    .set('cnvl_used', '煎服')
    .set('natfla', h.herb[3])
    .set('mertpm', h.herb[4])
    .set('cat', '植物类')
    .set('begndate', javaDay(rng, 2020, 2021))
    .set('enddate', endDate(rng, i))
    .set('vali_flag', withdrawn ? '0' : '1')
    .set('rid', rid('1302', i, rev))
    .set('crte_time', onDay(rng, v.day, 10))
    .set('updt_time', onDay(rng, v.day))
    .set('ver', v.ver)
    .set('ver_name', v.verName)
    .set('mlms_name', h.herb[0])
    .set('efcc_atd', `${h.herb[5]}。`)
    .set('psdg_mtd', h.proc[2])
    .set('ecy_type', h.herb[5])
    .set('mlms_cat_souc', `${h.herb[0]}的干燥${h.herb[2]}`)
    .set('nat_hi_pay_pol', h.lv ? '单味或复方均支付' : '单味使用不予支付')
    .set('std_name', '中华人民共和国药典（2020年版）一部')
    .set('std_pagen', String(int(rng, 10, 400)));
  return L.text();
}

// ---------------------------------------------------------------------------------------------------------
// 1306 / 1306A 医用耗材 (20- and 27-character codes)
// ---------------------------------------------------------------------------------------------------------

const IDX_1306 = columnIndex('1306');

export interface Consumable {
  code: string;
  name: string;
  py: string;
  spec: string;
  unit: string;
  company: Company;
}

export function consumable(infno: '1306' | '1306A', i: number): Consumable {
  const rng = mulberry32(mixSeed(textSeed(infno), i));
  const ci = Math.floor(rng() * CONSUMABLES.length);
  const [name, py, specs, unit] = CONSUMABLES[ci]!;
  const base = `C${pad(ci * 11 + 100000, 6)}${pad(int(rng, 100, 999), 3)}${pad(SERIAL_BASE + i, 10)}`;
  return {
    code: infno === '1306A' ? `${base}${pad(i % 10_000_000, 7)}` : base,
    name,
    py,
    spec: pick(rng, specs),
    unit,
    company: company(rng),
  };
}

function fixedConsumable(d: SandboxDrug): Consumable {
  return {
    code: d.med_list_codg,
    name: d.name,
    py: 'YCXSYYYWKKZ',
    spec: d.spec,
    unit: d.unit,
    company: { name: d.prdr_name, code: '91110000SBX0000010', city: '北京', foreign: false },
  };
}

function line1306(infno: '1306' | '1306A', c: Consumable, i: number, rev: number, v: VersionPlan): string {
  const rng = mulberry32(mixSeed(textSeed(infno) ^ 0x165667b1, i * 64 + rev));
  const withdrawn = rev > 0 && chance(rng, 0.1);
  const sterile = chance(rng, 0.6);
  const L = new Line(IDX_1306, 71);
  L.set('med_list_codg', c.code)
    .set('mcs_name', `${c.name}（${c.spec}）`)
    .set('udi', chance(rng, 0.5) ? `0${digits(rng, 13)}` : null)
    .set('hi_genname_code', c.code.slice(0, 10))
    .set('hi_genname', c.name)
    .set('prod_mol', c.spec)
    .set('spec', c.spec)
    .set('mcs_type', '一次性使用医用耗材')
    .set('spec_mol', c.spec)
    .set('mcs_matl', pick(rng, ['聚丙烯', '聚乙烯', '医用脱脂纱布', '无纺布', '聚氯乙烯']))
    .set('pacspec', `${pick(rng, [1, 10, 20, 50, 100])}${c.unit}/包`)
    .set('pac_cnt', '1')
    .set('pacunt', '包')
    .set('prod_convrat', '1')
    .set('min_useunt', c.unit)
    .set('prodplac_type', '1')
    .set('prodplac_type_name', '国产')
    .set('prodstrd', `YY/T ${int(rng, 300, 1999)}-${int(rng, 2010, 2022)}`)
    .set('prodexpy', `${int(rng, 2, 5)}年`)
    .set('lmt_used_flag', '0')
    .set('min_salunt', c.unit)
    .set('highval_mcs_flag', '0')
    .set('impt_matl_hmorgn_flag', '0')
    .set('stlz_flag', sterile ? '1' : '0')
    .set('stlz_flag_name', sterile ? '灭菌' : '非灭菌')
    .set('impt_itvt_clss_flag', '0')
    .set('impt_itvt_clss_name', '非植入或介入类')
    .set('dspo_used_flag', '1')
    .set('dspo_used_flag_name', '一次性使用')
    .set('reger_name', c.company.name)
    .set('begndate', javaDay(rng, 2020, 2022))
    .set('enddate', endDate(rng, i))
    .set('med_equ_mgt_type', '2')
    .set('med_equ_mgt_type_name', '第二类')
    .set('reg_fil_no', `国械注准${int(rng, 2016, 2023)}${digits(rng, 7)}`)
    .set('reg_fil_prod_name', c.name)
    .set('aprv_date', javaDay(rng, 2016, 2022))
    .set('reger_addr', `${c.company.city}市经济技术开发区${int(rng, 1, 99)}号`)
    .set('regcert_expy_begntime', javaDay(rng, 2018, 2022))
    .set('regcert_expy_endtime', javaDay(rng, 2025, 2030))
    .set('prodentp_code', c.company.code)
    .set('prodentp_name', c.company.name)
    .set('manu_addr', `${c.company.city}市高新区${int(rng, 1, 99)}号`)
    .set('manu_nat_regn', '中国')
    .set('vali_flag', withdrawn ? '0' : '1')
    .set('rid', rid(infno, i, rev))
    .set('ver', v.ver)
    .set('ver_name', v.verName);
  return L.text();
}

// ---------------------------------------------------------------------------------------------------------
// 1309 门诊慢特病种 and 1320 中药配方颗粒
// ---------------------------------------------------------------------------------------------------------

const IDX_1309 = columnIndex('1309');
const REGIONS_1309 = ['110100', '120100', '310100', '440100', '440300', '510100', '330100', '420100'];

export function disease1309(i: number): { code: string; name: string; group: string; admdvs: string } {
  const d = DISEASES[i % DISEASES.length]!;
  const region = Math.floor(i / DISEASES.length);
  return {
    code: `M${pad((i % DISEASES.length) + 1, 3)}${pad(region, 3)}`,
    name: d[1],
    group: d[0],
    admdvs: REGIONS_1309[region % REGIONS_1309.length]!,
  };
}

function line1309(i: number, rev: number, v: VersionPlan): string {
  const rng = mulberry32(mixSeed(textSeed('1309'), i * 64 + rev));
  const d = disease1309(i);
  const groupNo = DISEASES.findIndex((x) => x[0] === d.group) + 1;
  const L = new Line(IDX_1309, 16);
  L.set('opsp_dise_code', d.code)
    .set('opsp_dise_majcls_name', d.group)
    .set('opsp_dise_subd_clss_name', d.name)
    .set('admdvs', d.admdvs)
    .set('memo', rev > 0 ? '调整认定标准' : null)
    .set('vali_flag', '1')
    .set('rid', rid('1309', i, rev))
    .set('crte_time', onDay(rng, v.day, 5))
    .set('updt_time', onDay(rng, v.day))
    .set('ver', v.ver)
    .set('dise_cont', `${d.name}：需经二级及以上定点医疗机构确诊`)
    .set('ver_name', v.verName)
    .set('trt_guide_pagen', String(int(rng, 1, 300)))
    .set('opsp_dise_name', d.name)
    .set('opsp_dise_majcls_code', pad(groupNo, 2));
  return L.text();
}

const IDX_1320 = columnIndex('1320');

export function granule1320(i: number): { code: string; name: string } {
  const h = HERBS[i % HERBS.length]!;
  return { code: `ZYPF${pad(i % HERBS.length, 4)}${pad(SERIAL_BASE + i, 7)}`, name: `${h[0]}配方颗粒` };
}

function line1320(i: number, rev: number, v: VersionPlan): string {
  const rng = mulberry32(mixSeed(textSeed('1320'), i * 64 + rev));
  const g = granule1320(i);
  const h = HERBS[i % HERBS.length]!;
  const co = company(rng);
  const L = new Line(IDX_1320, 44);
  L.set('ZYPFKL_CODE', g.code)
    .set('ZYPFKL_NAME', g.name)
    .set('DDYC', chance(rng, 0.2) ? '是' : '否')
    .set('GG', `每1g配方颗粒相当于饮片${int(rng, 1, 5)}g`)
    .set('ZYPFKLZXBZ', `国家药品标准（配方颗粒）${h[0]}`)
    .set('ZYYP_CODE', `T${pad(i % HERBS.length, 4)}00`)
    .set('ZYYP_NAME', h[0])
    .set('YC_NAME', h[0])
    .set('GXFL', h[5])
    .set('GNZZ', `${h[5]}。`)
    .set('CGYF', '开水冲服')
    .set('SJGXSJ', onDay(rng, v.day))
    .set('CJJG_CODE', co.code)
    .set('YBQH', '110000')
    .set('VER', v.ver);
  return L.text();
}

// ---------------------------------------------------------------------------------------------------------
// Lines of a version
// ---------------------------------------------------------------------------------------------------------

/** The fixed sandbox drugs that belong in a catalogue (they lead its first version). */
export function fixedRowsOf(infno: FileInfno): SandboxDrug[] {
  if (infno === '1301') return SANDBOX_DRUGS.filter((d) => d.list_type === '101' || d.list_type === '102');
  if (infno === '1302') return SANDBOX_DRUGS.filter((d) => d.list_type === '103');
  if (infno === '1306') return SANDBOX_DRUGS.filter((d) => d.list_type === '301');
  return [];
}

/** The code a row index stands for (fixed drugs come first, with negative indexes -1, -2, …). */
export function codeOf(infno: FileInfno, i: number): string {
  switch (infno) {
    case '1301':
      return drug1301(i).code;
    case '1302':
      return herb1302(i).code;
    case '1306':
    case '1306A':
      return consumable(infno, i).code;
    case '1309':
      return disease1309(i).code;
    case '1320':
      return granule1320(i).code;
  }
}

export function lineOf(infno: FileInfno, i: number, rev: number, v: VersionPlan): { line: string; code: string } {
  switch (infno) {
    case '1301': {
      const d = drug1301(i);
      return { line: line1301(d, i, rev, v), code: d.code };
    }
    case '1302': {
      const h = herb1302(i);
      return { line: line1302(h, i, rev, v), code: h.code };
    }
    case '1306':
    case '1306A': {
      const c = consumable(infno, i);
      return { line: line1306(infno, c, i, rev, v), code: c.code };
    }
    case '1309':
      return { line: line1309(i, rev, v), code: disease1309(i).code };
    case '1320':
      return { line: line1320(i, rev, v), code: granule1320(i).code };
  }
}

export function fixedLineOf(infno: FileInfno, d: SandboxDrug, n: number, v: VersionPlan): string {
  switch (infno) {
    case '1301':
      return line1301(fixedDrug1301(d, n), 900_000 + n, 0, v);
    case '1302':
      return line1302(fixedHerb(d), 900_000 + n, 0, v);
    case '1306':
      return line1306('1306', fixedConsumable(d), 900_000 + n, 0, v);
    default:
      throw new Error(`no fixed rows in ${infno}`);
  }
}

/** Line terminator per catalogue: 1302 comes with CRLF, as a file written on Windows would. */
export function eolOf(infno: FileInfno): string {
  return infno === '1302' ? '\r\n' : '\n';
}

/**
 * The revision of an updated code in a version: how many times it was re-issued before. Computed by the
 * caller, which walks the versions in order.
 */
export function versionLines(
  infno: FileInfno,
  v: VersionPlan,
  revisions: Map<number, number>,
  isFirst: boolean,
): { lines: string[]; codes: string[] } {
  const lines: string[] = [];
  const codes: string[] = [];
  if (isFirst) {
    fixedRowsOf(infno).forEach((d, n) => {
      lines.push(fixedLineOf(infno, d, n, v));
      codes.push(d.med_list_codg);
    });
  }
  for (let i = v.firstNew; i < v.firstNew + v.newRows; i++) {
    const row = lineOf(infno, i, 0, v);
    lines.push(row.line);
    codes.push(row.code);
  }
  for (const i of v.updates) {
    const rev = (revisions.get(i) ?? 0) + 1;
    revisions.set(i, rev);
    lines.push(lineOf(infno, i, rev, v).line);
  }
  return { lines, codes };
}
