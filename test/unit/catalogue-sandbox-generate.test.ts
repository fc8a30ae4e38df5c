import { describe, expect, it } from 'vitest';
import { CATALOGUE_FILE_COLUMNS, CATALOGUE_FILE_TIMESTAMP_RE } from '../../app/nhsa/registry/catalogue-files';
import { SANDBOX_DRUGS } from '../../app/sandbox/drugs';
import {
  FILE_INFNOS,
  eolOf,
  planVersions,
  sizeOf,
  versionLines,
  type FileInfno,
} from '../../app/sandbox/catalogue/generate';
import { baseQueryRows } from '../../app/sandbox/catalogue/paged';
import { dictionary } from '../../app/sandbox/catalogue/dictionaries';

function generate(infno: FileInfno, scale: number, cap: number): { lines: string[]; codes: string[]; vers: string[] } {
  const plans = planVersions(infno, sizeOf(infno, scale), cap);
  const revisions = new Map<number, number>();
  const lines: string[] = [];
  const codes: string[] = [];
  plans.forEach((v, i) => {
    const out = versionLines(infno, v, revisions, i === 0);
    lines.push(...out.lines);
    codes.push(...out.codes);
  });
  return { lines, codes, vers: plans.map((p) => p.ver) };
}

describe('sandbox catalogue generator', () => {
  it('is deterministic', () => {
    expect(generate('1301', 0.004, 200)).toEqual(generate('1301', 0.004, 200));
  });

  it('writes every catalogue in the real file format', () => {
    for (const infno of FILE_INFNOS) {
      const { lines, codes, vers } = generate(infno, 0.02, 1000);
      const width = CATALOGUE_FILE_COLUMNS[infno].length;
      expect(lines.length, infno).toBeGreaterThan(10);
      for (const l of lines) {
        const cells = l.split('\t');
        expect(cells, `${infno}: ${l.slice(0, 60)}`).toHaveLength(width);
        // no empty cell: an empty value is the literal null
        expect(cells.every((c) => c.length > 0)).toBe(true);
        for (const c of cells) if (c.includes(' CST ')) expect(c).toMatch(CATALOGUE_FILE_TIMESTAMP_RE);
      }
      expect(new Set(codes).size, `${infno} codes are unique`).toBe(codes.length);
      expect([...vers].sort(), `${infno} versions ascend`).toEqual(vers);
      expect(eolOf(infno)).toMatch(/^\r?\n$/);
    }
  });

  it('writes plausible 1301 rows: code formats, far-future dates, apostrophes, 甲/乙 in the last column', () => {
    const { lines } = generate('1301', 0.05, 5000);
    const rows = lines.map((l) => l.split('\t'));
    for (const r of rows) {
      // X + ATC level 4 + generic name + dosage form + 9 digits (23); Z … + 6 digits (20) — catalogue.md §4
      expect(r[0]).toMatch(
        /^(X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{9}|Z[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}\d{6})$/,
      );
      expect(['甲', '乙', 'null']).toContain(r[91]);
    }
    expect(rows.some((r) => r.some((c) => / CST 999\d$/.test(c)))).toBe(true);
    expect(rows.some((r) => r.some((c) => c.includes("'")))).toBe(true);
    expect(rows.some((r) => /^国药准字[HZS]/.test(r[61]!))).toBe(true);
    expect(rows.some((r) => /^[A-Z]+$/.test(r[50]!))).toBe(true);
  });

  it('leads with the sandbox drugs the settlement knows', () => {
    const first = planVersions('1301', sizeOf('1301', 0.01), 1000)[0]!;
    const { codes } = versionLines('1301', first, new Map(), true);
    for (const d of SANDBOX_DRUGS.filter((x) => x.list_type === '101' || x.list_type === '102')) {
      expect(codes).toContain(d.med_list_codg);
    }
  });

  it('holds 150,000+ 1301 codes at full size over several versions, none above the file cap', () => {
    const plans = planVersions('1301', sizeOf('1301', 1), 50_000);
    const newRows = plans.reduce((n, p) => n + p.newRows, 0);
    const lines = plans.reduce((n, p) => n + p.newRows + p.updates.length, 0);
    expect(newRows).toBeGreaterThanOrEqual(150_000);
    expect(plans.length).toBeGreaterThanOrEqual(20);
    for (const p of plans) expect(p.newRows + p.updates.length).toBeLessThanOrEqual(50_000);
    // several files: more lines than three files can carry
    expect(lines).toBeGreaterThan(150_000);
    // a small cap splits a version rather than overflow a file
    for (const p of planVersions('1301', 2000, 300)) expect(p.newRows + p.updates.length).toBeLessThanOrEqual(300);
  });

  it('derives the paged queries from the same codes, and serves the settlement dictionaries', () => {
    const hi = baseQueryRows('1312', 0.01);
    expect(hi.some((r) => r.hilist_code === SANDBOX_DRUGS[0]!.med_list_codg && r.chrgitm_lv === '01')).toBe(true);
    const times = hi.map((r) => String(r.updt_time));
    expect([...times].sort()).toEqual(times);
    const caps = baseQueryRows('1318', 0.01);
    expect(caps.find((r) => r.hilist_code === 'XC08CAA022A001010100005')?.hilist_pric_uplmt_amt).toMatchObject({
      text: '30.00',
    });
    for (const type of ['med_type', 'insutype', 'psn_type', 'gend', 'mdtrt_cert_type', 'chrgitm_lv', 'list_type']) {
      expect(dictionary(type).length, type).toBeGreaterThan(1);
    }
    expect(dictionary('no_such_dictionary')).toEqual([]);
  });
});
