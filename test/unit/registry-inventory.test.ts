import { describe, expect, it } from 'vitest';
import { INVENTORY_CODESETS } from '../../app/nhsa/registry/inventory-codesets';
import {
  INVENTORY_INTERFACES,
  RECONCILE_DETAIL_FILE_COLUMNS,
  RECONCILE_RESULT_FILE_COLUMNS,
} from '../../app/nhsa/registry/inventory';
import type { FieldSpec, InterfaceSpec, NodeSpec } from '../../app/nhsa/registry/types';

const MANDATORY = [
  '3201',
  '3202',
  '3501',
  '3501A',
  '3502',
  '3502A',
  '3503',
  '3503A',
  '3504',
  '3504A',
  '3505',
  '3505A',
  '3506',
  '3506A',
  '3507',
  '3507A',
  '3508',
  '3509',
  '3510',
  '3511',
];
const OPTIONAL = ['3512', '3513'];

/** Code sets defined in other registry files that the inventory data may refer to. */
const DEFINED_ELSEWHERE = ['insutype', 'psn_cert_type', 'clr_type', 'rx_circ_flag'];

/** Amount fields: always money, "16,2". */
const MONEY = new Set(['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'cash_payamt']);

const CJK = /[\u4e00-\u9fff]/;

const byInfno = new Map(INVENTORY_INTERFACES.map((s) => [s.infno, s]));
const spec = (infno: string): InterfaceSpec => {
  const s = byInfno.get(infno);
  if (!s) throw new Error(`missing ${infno}`);
  return s;
};
const nodesOf = (s: InterfaceSpec): NodeSpec[] => [...s.input, ...s.output];
const files: [string, FieldSpec[]][] = [
  ['RECONCILE_DETAIL_FILE_COLUMNS', RECONCILE_DETAIL_FILE_COLUMNS],
  ['RECONCILE_RESULT_FILE_COLUMNS', RECONCILE_RESULT_FILE_COLUMNS],
];
/** every field list, labelled for error messages */
const allFieldLists: [string, FieldSpec[]][] = [
  ...INVENTORY_INTERFACES.flatMap((s) =>
    nodesOf(s).map((n): [string, FieldSpec[]] => [`${s.infno} ${n.node || '(root)'}`, n.fields]),
  ),
  ...files,
];
const allFields = allFieldLists.flatMap(([where, fields]) => fields.map((f) => ({ where, f })));

describe('inventory registry (3201/3202, 3501–3513)', () => {
  it('defines exactly the 20 mandatory interfaces plus the optional 3512 and 3513', () => {
    expect(INVENTORY_INTERFACES.map((s) => s.infno).sort()).toEqual([...MANDATORY, ...OPTIONAL].sort());
    expect(new Set(INVENTORY_INTERFACES.map((s) => s.infno)).size).toBe(INVENTORY_INTERFACES.length);
    for (const infno of MANDATORY) expect(spec(infno).mandatory, infno).toBe(true);
    for (const infno of OPTIONAL) expect(spec(infno).mandatory, infno).toBe(false);
  });

  it('gives each interface a group, a source, a confidence and at least one input node', () => {
    for (const s of INVENTORY_INTERFACES) {
      const group = s.infno.startsWith('32')
        ? '3-医药机构管理 / 2-医药机构费用结算业务'
        : '3-医药机构管理 / 5-进销存管理';
      expect(s.group, s.infno).toBe(group);
      expect(s.source, s.infno).toMatch(/^inventory\.md §\d/);
      expect(['high', 'medium', 'low', 'none'], s.infno).toContain(s.confidence);
      expect(s.name, s.infno).toMatch(CJK);
      expect(s.input.length, s.infno).toBeGreaterThan(0);
    }
  });

  it('takes confidence from interfaces.md: single 35xx and 32xx high, A variants and queries medium', () => {
    for (const s of INVENTORY_INTERFACES) {
      const high = /^(3201|3202|350[1-7])$/.test(s.infno);
      expect(s.confidence, s.infno).toBe(high ? 'high' : 'medium');
    }
  });

  it('gives every field a non-empty wire name and a Chinese label', () => {
    for (const { where, f } of allFields) {
      expect(f.name.trim(), where).not.toBe('');
      expect(f.name, where).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(f.label, `${where}.${f.name}`).toMatch(CJK);
    }
  });

  it('keeps money fields numeric with 2 decimals (16,2)', () => {
    const money = allFields.filter(({ f }) => MONEY.has(f.name));
    expect(money.length).toBeGreaterThan(0);
    for (const { where, f } of money) {
      expect(f.type, `${where}.${f.name}`).toBe('N');
      expect(f.length, `${where}.${f.name}`).toBe(16);
      expect(f.scale, `${where}.${f.name}`).toBe(2);
    }
  });

  it('gives every numeric field a length and a scale, and no other field a scale', () => {
    for (const { where, f } of allFields) {
      if (f.type === 'N') {
        expect(f.length, `${where}.${f.name}`).toBeGreaterThan(0);
        expect(f.scale, `${where}.${f.name}`).toBeGreaterThanOrEqual(0);
      } else {
        expect(f.scale, `${where}.${f.name}`).toBeUndefined();
      }
    }
  });

  it('has no duplicate field names within a node, and no duplicate node names within a direction', () => {
    for (const [where, fields] of allFieldLists) {
      const names = fields.map((f) => f.name);
      expect(
        names.filter((n, i) => names.indexOf(n) !== i),
        where,
      ).toEqual([]);
    }
    for (const s of INVENTORY_INTERFACES) {
      for (const dir of [s.input, s.output]) {
        const nodes = dir.map((n) => n.node);
        expect(new Set(nodes).size, s.infno).toBe(nodes.length);
      }
    }
  });

  it('explains every conditional field in its note', () => {
    for (const { where, f } of allFields) {
      if (f.required === 'conditional') expect(f.note?.trim(), `${where}.${f.name}`).toBeTruthy();
    }
  });

  it('has an A variant for each of 3501–3507 whose list carries the rows of the single interface', () => {
    const keys: Record<string, [string, string]> = {
      '3501': ['invinfo', 'invinfoDetail'],
      '3502': ['invinfo', 'invinfoDetail'],
      '3503': ['purcinfo', 'purcinfoDetail'],
      '3504': ['purcinfo', 'purcinfoDetail'],
      '3505': ['selinfo', 'selinfoDetail'],
      '3506': ['selinfo', 'selinfoDetail'],
      '3507': ['data', 'goodDetail'],
    };
    for (const [infno, [single, batch]] of Object.entries(keys)) {
      const a = spec(`${infno}A`);
      expect(a.note, `${infno}A`).toBeTruthy();
      const row = spec(infno).input.find((n) => n.node === single);
      const rows = a.input.find((n) => n.node === batch);
      expect(row?.shape, infno).toBe('object');
      expect(rows?.shape, `${infno}A`).toBe('list');
      expect(
        rows?.fields.map((f) => f.name),
        `${infno}A`,
      ).toEqual(row?.fields.map((f) => f.name));
    }
  });

  it('carries the trace-code list inside the rows of 3501, 3502, 3505, 3506 and their A variants only', () => {
    const withTrace: Record<string, string> = {
      '3501': 'invinfo',
      '3501A': 'invinfoDetail',
      '3502': 'invinfo',
      '3502A': 'invinfoDetail',
      '3505': 'selinfo',
      '3505A': 'selinfoDetail',
      '3506': 'selinfo',
      '3506A': 'selinfoDetail',
    };
    for (const s of INVENTORY_INTERFACES) {
      const trace = s.input.filter((n) => n.node.endsWith('drugtracinfo'));
      const parent = withTrace[s.infno];
      if (!parent) {
        expect(trace, s.infno).toEqual([]);
        continue;
      }
      expect(
        trace.map((n) => n.node),
        s.infno,
      ).toEqual([`${parent}.drugtracinfo`]);
      expect(trace[0]?.shape, s.infno).toBe('list');
      expect(
        trace[0]?.fields.map((f) => f.name),
        s.infno,
      ).toEqual(['drug_trac_codg']);
    }
  });

  it('keeps the number of fields the notes give per node (catches a dropped or doubled row)', () => {
    const counts: Record<string, Record<string, number>> = {
      '3201': { data: 11, stmtinfo: 3 },
      '3202': { data: 11, fileinfo: 3 },
      '3501': { invinfo: 11, 'invinfo.drugtracinfo': 1 },
      '3502': { invinfo: 12, 'invinfo.drugtracinfo': 1 },
      '3503': { purcinfo: 21 },
      '3504': { purcinfo: 17 },
      '3505': { selinfo: 37, 'selinfo.drugtracinfo': 1 },
      '3506': { selinfo: 21, 'selinfo.drugtracinfo': 1 },
      '3507': { data: 2 },
      '3502A': { invinfoErrDetail: 8 },
      '3504A': { purcinfoErrDetail: 8 },
      '3508': { '': 27 },
      '3509': { '': 27 },
      '3510': { '': 37 },
      '3511': { '': 43 },
      '3512': { data: 7, '': 11 },
      '3513': { '': 24 },
    };
    for (const [infno, nodes] of Object.entries(counts)) {
      for (const [node, count] of Object.entries(nodes)) {
        const found = nodesOf(spec(infno)).find((n) => n.node === node);
        expect(found?.fields.length, `${infno} ${node || '(root)'}`).toBe(count);
      }
    }
  });

  it('documents the 3202 files in file order', () => {
    expect(RECONCILE_DETAIL_FILE_COLUMNS.map((f) => f.name)).toEqual([
      'setl_id',
      'mdtrt_id',
      'psn_no',
      'medfee_sumamt',
      'fund_pay_sumamt',
      'acct_pay',
      'refd_setl_flag',
    ]);
    expect(RECONCILE_RESULT_FILE_COLUMNS.map((f) => f.name)).toEqual([
      'psn_no',
      'mdtrt_id',
      'setl_id',
      'msgid',
      'stmt_rslt',
      'refd_setl_flag',
      'memo',
      'medfee_sumamt',
      'fund_pay_sumamt',
      'acct_pay',
    ]);
  });

  it('refers only to code sets that exist here or in the allow-list of sets defined elsewhere', () => {
    const known = new Set([...INVENTORY_CODESETS.map((c) => c.name), ...DEFINED_ELSEWHERE]);
    const used = new Set(allFields.flatMap(({ f }) => (f.codeSet ? [f.codeSet] : [])));
    for (const { where, f } of allFields) {
      if (f.codeSet) expect(known.has(f.codeSet), `${where}.${f.name} → ${f.codeSet}`).toBe(true);
    }
    // The allow-list names only what is used, so it stays honest.
    for (const name of DEFINED_ELSEWHERE) expect(used.has(name), name).toBe(true);
  });

  it('defines well-formed code sets with unique snake_case names', () => {
    const names = INVENTORY_CODESETS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['inv_chg_type', 'inv_data_type', 'hi_feesetl_type', 'mdtrt_setl_type', 'rx_flag']) {
      expect(names).toContain(name);
    }
    for (const name of ['trdn_flag', 'stmt_rslt', 'refd_setl_flag']) expect(names).toContain(name);
    for (const c of INVENTORY_CODESETS) {
      expect(c.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(c.label, c.name).toMatch(CJK);
      expect(c.source, c.name).toMatch(/^inventory\.md §2/);
      expect(Object.keys(c.codes).length, c.name).toBeGreaterThan(0);
      for (const [code, label] of Object.entries(c.codes)) {
        expect(code, c.name).toMatch(/^\d+$/);
        expect(label, `${c.name} ${code}`).toMatch(CJK);
      }
    }
  });
});
