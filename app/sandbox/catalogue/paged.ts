import { SANDBOX_DRUGS } from '../drugs';
import { SANDBOX_ADMDVS } from '../seed';
import { Dec, formatDateTime } from '../wire';
import { drug1301, herb1302, sizeOf } from './generate';
import { mixSeed, mulberry32, pick, textSeed } from './prng';
import { ETHNIC_MEDICINES } from './vocabulary';

/**
 * The base rows of the paged queries (catalogue.md §1.5), derived from the generated 1301/1302 codes so the
 * catalogues agree with each other: 1312 gives the insurance class per region, 1318 price caps, 1319 self-pay
 * ratios, 1304 ethnic medicines. The fixed SANDBOX_DRUGS are always included with their own class, cap and
 * ratio, so what 1312/1318/1319 say about them is exactly what the settlement rules apply.
 *
 * Base rows carry update times in 2023–2024; rows the sandbox changes later (publishQuery) are newer.
 */

export type QueryInfno = '1304' | '1312' | '1318' | '1319';
export const QUERY_INFNOS: readonly QueryInfno[] = ['1304', '1312', '1318', '1319'];

export type QueryRowOut = Record<string, unknown>;

const AUDIT = {
  crter_id: 'SBX001',
  crter_name: '沙箱经办',
  crte_optins_no: SANDBOX_ADMDVS,
  opter_id: 'SBX001',
  opter_name: '沙箱经办',
  optins_no: SANDBOX_ADMDVS,
};

/** A deterministic time in 2023–2024 for row `i` of a catalogue. */
function baseTime(seed: number, i: number): string {
  const rng = mulberry32(mixSeed(seed, i));
  const start = Date.UTC(2023, 0, 1) - 8 * 3600 * 1000;
  return formatDateTime(new Date(start + Math.floor(rng() * 730 * 86400) * 1000));
}

const LV_CODE = { 甲: '01', 乙: '02', '': '03' } as const;

/** A price cap from a code, 1.00–300.00 yuan, as the 16,2 decimal the interface writes. */
function capText(seed: number, i: number): string {
  const fen = 100 + Math.floor(mulberry32(mixSeed(seed, i))() * 29_900);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** "15.000000" → "15.00": the registry gives the cap two decimals (16,2). */
function twoDecimals(text: string): string {
  const [i = '0', f = ''] = text.split('.');
  return `${i}.${(f + '00').slice(0, 2)}`;
}

function byTime(a: QueryRowOut, b: QueryRowOut): number {
  const ta = String(a.updt_time);
  const tb = String(b.updt_time);
  return ta < tb ? -1 : ta > tb ? 1 : String(a.rid) < String(b.rid) ? -1 : 1;
}

function hiList(scale: number): QueryRowOut[] {
  const seed = textSeed('1312');
  const rows: QueryRowOut[] = [];
  const add = (
    i: number,
    code: string,
    name: string,
    lv: '01' | '02' | '03',
    listType: string,
    chrgType: string,
    py: string,
    limited: boolean,
  ) => {
    const t = baseTime(seed, i);
    rows.push({
      hilist_code: code,
      hilist_name: name,
      insu_admdvs: SANDBOX_ADMDVS,
      begndate: '2023-01-01',
      enddate: null,
      med_chrgitm_type: chrgType,
      chrgitm_lv: lv,
      lmt_used_flag: limited ? '1' : '0',
      list_type: listType,
      med_use_flag: '1',
      matn_used_flag: '0',
      hilist_use_type: '1',
      lmt_cpnd_type: '0',
      wubi: null,
      pinyin: py || null,
      memo: null,
      vali_flag: '1',
      rid: `SBX1312${String(i).padStart(9, '0')}`,
      updt_time: t,
      crte_time: t,
      opt_time: t,
      poolarea_no: SANDBOX_ADMDVS,
      ...AUDIT,
    });
  };
  SANDBOX_DRUGS.forEach((d, n) =>
    add(9_000_000 + n, d.med_list_codg, d.name, d.chrgitm_lv, d.list_type, d.med_chrgitm_type, '', false),
  );
  const n1301 = sizeOf('1301', scale);
  for (let i = 0; i < n1301; i += 5) {
    const d = drug1301(i);
    add(i, d.code, d.genname, LV_CODE[d.lv], d.tcm ? '102' : '101', d.tcm ? '11' : '09', d.py, d.restricted !== null);
  }
  const n1302 = sizeOf('1302', scale);
  for (let i = 0; i < n1302; i += 3) {
    const h = herb1302(i);
    add(5_000_000 + i, h.code, h.name, LV_CODE[h.lv], '103', '10', h.py, false);
  }
  return rows.sort(byTime);
}

function priceLimits(scale: number): QueryRowOut[] {
  const seed = textSeed('1318');
  const rows: QueryRowOut[] = [];
  const add = (i: number, code: string, cap: string) => {
    const t = baseTime(seed, i);
    rows.push({
      hilist_code: code,
      hilist_lmtpric_type: '1',
      overlmt_dspo_way: '1',
      insu_admdvs: SANDBOX_ADMDVS,
      begndate: '2023-01-01',
      enddate: null,
      hilist_pric_uplmt_amt: new Dec(cap),
      vali_flag: '1',
      rid: `SBX1318${String(i).padStart(9, '0')}`,
      updt_time: t,
      crte_time: t,
      opt_time: t,
      tabname: 'hilist_lmtpric_b',
      poolarea_no: SANDBOX_ADMDVS,
      ...AUDIT,
    });
  };
  SANDBOX_DRUGS.forEach((d, n) => {
    if (d.pric_uplmt_text) add(9_000_000 + n, d.med_list_codg, twoDecimals(d.pric_uplmt_text));
  });
  const n1301 = sizeOf('1301', scale);
  for (let i = 0; i < n1301; i += 30) {
    const d = drug1301(i);
    if (d.lv) add(i, d.code, capText(seed, i));
  }
  return rows.sort(byTime);
}

function selfpay(scale: number): QueryRowOut[] {
  const seed = textSeed('1319');
  const rows: QueryRowOut[] = [];
  const add = (i: number, code: string, prop: string) => {
    const t = baseTime(seed, i);
    rows.push({
      hilist_code: code,
      selfpay_prop_psn_type: '1',
      selfpay_prop_type: '1',
      insu_admdvs: SANDBOX_ADMDVS,
      begndate: '2023-01-01',
      enddate: null,
      selfpay_prop: new Dec(prop),
      vali_flag: '1',
      rid: `SBX1319${String(i).padStart(9, '0')}`,
      updt_time: t,
      crte_time: t,
      opt_time: t,
      tabname: 'hilist_selfpay_prop_b',
      poolarea_no: SANDBOX_ADMDVS,
      ...AUDIT,
    });
  };
  SANDBOX_DRUGS.forEach((d, n) => {
    if (d.chrgitm_lv === '02') add(9_000_000 + n, d.med_list_codg, d.selfpay_prop);
  });
  const n1301 = sizeOf('1301', scale);
  for (let i = 0; i < n1301; i += 40) {
    const d = drug1301(i);
    if (d.lv === '乙') add(i, d.code, pick(mulberry32(mixSeed(seed, i)), ['0.1000', '0.0500', '0.2000']));
  }
  return rows.sort(byTime);
}

function ethnic(scale: number): QueryRowOut[] {
  const seed = textSeed('1304');
  const n = Math.max(20, Math.round(1500 * scale));
  const rows: QueryRowOut[] = [];
  for (let i = 0; i < n; i++) {
    const rng = mulberry32(mixSeed(seed, i));
    const mi = i % ETHNIC_MEDICINES.length;
    const [name, py, kind, form] = ETHNIC_MEDICINES[mi]!;
    const t = baseTime(seed, i);
    rows.push({
      med_list_codg: `ZQ0${kind}AA${String(mi).padStart(3, '0')}B001${String(200_000 + i).padStart(6, '0')}`,
      drug_prodname: null,
      genname_codg: `ZQ0${kind}AA${String(mi).padStart(3, '0')}`,
      drug_genname: `${name}${form}`,
      ethdrug_type: kind,
      dosform: form,
      drug_spec: pick(rng, ['0.25g', '0.5g', '1g', '6g']),
      otc_flag: '0',
      pinyin: py,
      manl: null,
      vali_flag: '1',
      rid: `SBX1304${String(i).padStart(9, '0')}`,
      crte_time: t,
      updt_time: t,
      opt_time: t,
      ver: `${t.slice(0, 4)}${t.slice(5, 7)}01001`,
      ...AUDIT,
    });
  }
  return rows.sort(byTime);
}

/** The base rows of a paged query, sorted by update time. */
export function baseQueryRows(infno: QueryInfno, scale: number): QueryRowOut[] {
  switch (infno) {
    case '1304':
      return ethnic(scale);
    case '1312':
      return hiList(scale);
    case '1318':
      return priceLimits(scale);
    case '1319':
      return selfpay(scale);
  }
}

/** The key a later change of a row replaces (the same key the client upserts on). */
export function queryKey(infno: QueryInfno, r: QueryRowOut): string {
  switch (infno) {
    case '1304':
      return String(r.med_list_codg);
    case '1312':
      return `${String(r.hilist_code)}|${String(r.insu_admdvs)}|${String(r.begndate)}`;
    case '1318':
      return `${String(r.hilist_code)}|${String(r.hilist_lmtpric_type)}|${String(r.insu_admdvs)}|${String(r.begndate)}`;
    case '1319':
      return `${String(r.hilist_code)}|${String(r.selfpay_prop_psn_type)}|${String(r.selfpay_prop_type)}|${String(r.insu_admdvs)}|${String(r.begndate)}`;
  }
}

/** Amount fields travel as exact decimals: stored as text, written back as Dec. */
export const DECIMAL_FIELDS: Readonly<Record<QueryInfno, readonly string[]>> = {
  '1304': [],
  '1312': [],
  '1318': ['hilist_pric_uplmt_amt'],
  '1319': ['selfpay_prop'],
};
