import { describe, expect, it } from 'vitest';
import { CATALOGUE_INTERFACES } from '../../app/nhsa/registry/catalogue';
import { CATALOGUE_CODESETS } from '../../app/nhsa/registry/catalogue-codesets';
import {
  CATALOGUE_FILE_COLUMNS,
  CATALOGUE_FILE_NULL,
  CATALOGUE_FILE_SEPARATOR,
  CATALOGUE_FILE_TIMESTAMP_RE,
  catalogueZipEntryName,
} from '../../app/nhsa/registry/catalogue-files';
import { type FieldSpec } from '../../app/nhsa/registry/types';

/** Code sets defined in other registry files that catalogue fields may reference. */
const DEFINED_ELSEWHERE = [
  'insutype',
  'psn_cert_type',
  'med_type',
  'mdtrt_cert_type',
  'gend',
  'naty',
  'fixmedins_type',
  'prac_psn_type',
];
/** Of those, the ones the catalogue interfaces actually use (none: their dictionaries are all local). */
const USED_FROM_ELSEWHERE: string[] = [];

const MANDATORY = [
  '1301',
  '1302',
  '1304',
  '1306',
  '1306A',
  '1309',
  '1312',
  '1317',
  '1318',
  '1320',
  '1901',
  '3301',
  '3302',
];

const CHINESE = /[\u4e00-\u9fff]/;
/** snake_case, or the exact camelCase wire spelling some interfaces use (parentValue, valiFlag, pageNum…). */
const WIRE_NAME = /^[a-z][A-Za-z0-9_]*$/;

function allFields(): { infno: string; node: string; field: FieldSpec }[] {
  return CATALOGUE_INTERFACES.flatMap((spec) =>
    [...spec.input, ...spec.output].flatMap((node) =>
      node.fields.map((field) => ({ infno: spec.infno, node: node.node, field })),
    ),
  );
}

describe('catalogue interface registry', () => {
  it('holds exactly the mandatory catalogue interfaces plus the optional 1319', () => {
    const mandatory = CATALOGUE_INTERFACES.filter((s) => s.mandatory).map((s) => s.infno);
    expect([...mandatory].sort()).toEqual([...MANDATORY].sort());
    const optional = CATALOGUE_INTERFACES.filter((s) => !s.mandatory).map((s) => s.infno);
    expect(optional).toEqual(['1319']);
    const all = CATALOGUE_INTERFACES.map((s) => s.infno);
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives every interface a name, group, source and confidence', () => {
    for (const spec of CATALOGUE_INTERFACES) {
      expect(spec.name, spec.infno).toMatch(CHINESE);
      expect(spec.group, spec.infno).toMatch(/^\d+-.+ \/ \d+-.+$/);
      expect(spec.source, spec.infno).toMatch(/catalogue\.md §/);
      expect(['high', 'medium', 'low', 'none']).toContain(spec.confidence);
    }
  });

  it('gives every field a wire name and a Chinese label', () => {
    for (const { infno, node, field } of allFields()) {
      const where = `${infno} ${node}.${field.name}`;
      expect(field.name, where).toMatch(WIRE_NAME);
      expect(field.label, where).toMatch(CHINESE);
      expect(['C', 'N', 'D', 'DT', 'B'], where).toContain(field.type);
      expect([true, false, 'conditional'], where).toContain(field.required);
      if (field.length !== undefined) expect(field.length, where).toBeGreaterThan(0);
      if (field.scale !== undefined) expect(field.type, where).toBe('N');
    }
  });

  it('gives money fields two decimals', () => {
    const money = allFields().filter(({ field }) => /_amt$/.test(field.name) || field.label.includes('金额'));
    expect(money.length).toBeGreaterThan(0);
    for (const { infno, field } of money) {
      expect(field.type, `${infno} ${field.name}`).toBe('N');
      expect(field.scale, `${infno} ${field.name}`).toBe(2);
    }
  });

  it('has no duplicate field names within a node', () => {
    for (const spec of CATALOGUE_INTERFACES) {
      for (const node of [...spec.input, ...spec.output]) {
        const names = node.fields.map((f) => f.name);
        const dupes = names.filter((name, i) => names.indexOf(name) !== i);
        expect(dupes, `${spec.infno} ${node.node}`).toEqual([]);
      }
    }
  });

  it('references only code sets that exist', () => {
    const defined = new Set([...CATALOGUE_CODESETS.map((s) => s.name), ...DEFINED_ELSEWHERE]);
    const used = new Set(allFields().flatMap(({ field }) => (field.codeSet ? [field.codeSet] : [])));
    for (const name of used) expect(defined.has(name), name).toBe(true);
    const fromElsewhere = [...used].filter((name) => DEFINED_ELSEWHERE.includes(name)).sort();
    expect(fromElsewhere).toEqual(USED_FROM_ELSEWHERE);
  });

  it('shapes the file/version family as data {ver} in, file reference out', () => {
    for (const infno of ['1301', '1302', '1306', '1306A', '1309', '1320']) {
      const spec = CATALOGUE_INTERFACES.find((s) => s.infno === infno);
      expect(spec, infno).toBeDefined();
      expect(spec?.input.map((n) => [n.node, n.fields.map((f) => f.name)])).toEqual([['data', ['ver']]]);
      expect(spec?.output.map((n) => [n.node, n.shape, n.fields.map((f) => f.name)])).toEqual([
        ['', 'object', ['file_qury_no', 'filename', 'dld_end_time', 'data_cnt']],
      ]);
    }
  });

  it('ends every paged query input with updt_time, page_num, page_size and returns a data list', () => {
    for (const infno of ['1304', '1312', '1317', '1318', '1319']) {
      const spec = CATALOGUE_INTERFACES.find((s) => s.infno === infno);
      const input = spec?.input.find((n) => n.node === 'data');
      expect(input?.fields.slice(-3).map((f) => [f.name, f.required])).toEqual([
        ['updt_time', true],
        ['page_num', true],
        ['page_size', true],
      ]);
      const rows = spec?.output.find((n) => n.node === 'data');
      expect(rows?.shape, infno).toBe('list');
      expect(rows?.fields.length, infno).toBeGreaterThan(10);
    }
  });
});

describe('catalogue code sets', () => {
  it('are uniquely named in snake_case with Chinese names', () => {
    const names = CATALOGUE_CODESETS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('insutype');
    for (const set of CATALOGUE_CODESETS) {
      expect(set.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(set.label).toMatch(CHINESE);
      expect(Object.keys(set.codes).length, set.name).toBeGreaterThan(0);
      for (const label of Object.values(set.codes)) expect(label).toMatch(CHINESE);
    }
  });

  it('compares chrgitm_lv leniently and knows the list types', () => {
    const lv = CATALOGUE_CODESETS.find((s) => s.name === 'chrgitm_lv');
    expect(lv?.lenientPadding).toBe(true);
    expect(Object.keys(lv?.codes ?? {})).toEqual(['01', '02', '03']);
    const listType = CATALOGUE_CODESETS.find((s) => s.name === 'list_type');
    expect(Object.keys(listType?.codes ?? {}).sort()).toEqual(['101', '102', '103', '104', '105', '201', '301']);
    const chrg = CATALOGUE_CODESETS.find((s) => s.name === 'med_chrgitm_type');
    expect(Object.keys(chrg?.codes ?? {})).toHaveLength(14);
  });
});

describe('catalogue file layouts', () => {
  it('have the column counts the notes give', () => {
    const counts = Object.fromEntries(Object.entries(CATALOGUE_FILE_COLUMNS).map(([k, v]) => [k, v.length]));
    expect(counts).toEqual({ '1301': 92, '1302': 29, '1306': 71, '1306A': 71, '1309': 16, '1320': 44 });
  });

  it('number the columns 0..n-1 in order, with unique names and Chinese labels', () => {
    for (const [infno, cols] of Object.entries(CATALOGUE_FILE_COLUMNS)) {
      cols.forEach((col, i) => {
        expect(col.index, `${infno}[${i}]`).toBe(i);
        expect(col.name, `${infno}[${i}]`).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(col.label, `${infno}[${i}]`).toMatch(CHINESE);
      });
      expect(new Set(cols.map((c) => c.name)).size, infno).toBe(cols.length);
    }
  });

  it('put ver where YBHI and GZ find it', () => {
    const verIndex = (infno: keyof typeof CATALOGUE_FILE_COLUMNS) =>
      CATALOGUE_FILE_COLUMNS[infno].findIndex((c) => c.name === 'ver');
    expect(verIndex('1301')).toBe(82);
    expect(verIndex('1302')).toBe(17);
    expect(verIndex('1306')).toBe(69);
    expect(verIndex('1309')).toBe(9);
  });

  it('describe the text format', () => {
    expect(CATALOGUE_FILE_SEPARATOR).toBe('\t');
    expect(CATALOGUE_FILE_NULL).toBe('null');
    expect(catalogueZipEntryName('202104235333186670332774374.txt.zip')).toBe('202104235333186670332774374.txt');
    expect(CATALOGUE_FILE_TIMESTAMP_RE.test('Tue Apr 20 10:15:30 CST 2021')).toBe(true);
    expect(CATALOGUE_FILE_TIMESTAMP_RE.test('Fri Dec 31 00:00:00 CST 9999')).toBe(true);
  });
});
