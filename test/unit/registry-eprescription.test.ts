import { describe, expect, it } from 'vitest';
import { EPRESCRIPTION_CODESETS } from '../../app/nhsa/registry/eprescription-codesets';
import { EPRESCRIPTION_INTERFACES, EPRESCRIPTION_TRANSPORT } from '../../app/nhsa/registry/eprescription';
import { type FieldSpec, type InterfaceSpec } from '../../app/nhsa/registry/types';
import { VOUCHER_INTERFACES } from '../../app/nhsa/registry/vouchers';

/** Code sets defined in other registry files that these interfaces may name (the ones actually used). */
const ALLOWED_ELSEWHERE = [
  'insutype',
  'psn_cert_type',
  'med_type',
  'mdtrt_cert_type',
  'gend',
  'chrgitm_lv',
  'med_chrgitm_type',
  'trdn_flag',
];

const ALL: InterfaceSpec[] = [...EPRESCRIPTION_INTERFACES, ...VOUCHER_INTERFACES];

function fieldsOf(spec: InterfaceSpec): { where: string; field: FieldSpec }[] {
  return [...spec.input, ...spec.output].flatMap((node) =>
    node.fields.map((field) => ({ where: `${spec.infno}/${node.node || '(root)'}/${field.name}`, field })),
  );
}

const ALL_FIELDS = ALL.flatMap(fieldsOf);

/** Money by NHSA naming: amounts end in amt, payments in pay (sumamt, psn_cash_pay, psn_ownpay …). */
const isMoney = (name: string): boolean => /(amt|pay)$/.test(name);

const HAS_CHINESE = /[\u4e00-\u9fff]/;

describe('e-prescription and voucher registry data', () => {
  it('holds exactly the e-prescription interfaces of the brief, with the right mandatory flags and group', () => {
    const mandatory = EPRESCRIPTION_INTERFACES.filter((i) => i.mandatory).map((i) => i.infno);
    const optional = EPRESCRIPTION_INTERFACES.filter((i) => !i.mandatory).map((i) => i.infno);
    expect(mandatory.sort()).toEqual(['7201', '7204', '7205', '7206', '7207', '7208', '7209', '7210', '7211']);
    expect(optional.sort()).toEqual(['7202', '7203']);
    for (const i of EPRESCRIPTION_INTERFACES) expect(i.group).toBe('7-医保电子处方 / 2-医药机构电子处方业务');
  });

  it('holds exactly the four mandatory voucher interfaces', () => {
    expect(VOUCHER_INTERFACES.map((i) => i.infno).sort()).toEqual(['4901', '4902', '4905', '5501']);
    for (const i of VOUCHER_INTERFACES) {
      expect(i.mandatory).toBe(true);
      expect(i.group).toBe('10-电子票据 / 医疗机构电子结算凭证信息管理');
    }
  });

  it('carries the confidence of interfaces.md and names its source', () => {
    const confidence = Object.fromEntries(ALL.map((i) => [i.infno, i.confidence]));
    expect(confidence).toEqual({
      '7201': 'low',
      '7202': 'none',
      '7203': 'low',
      '7204': 'low',
      '7205': 'none',
      '7206': 'medium',
      '7207': 'low',
      '7208': 'none',
      '7209': 'low',
      '7210': 'none',
      '7211': 'none',
      '4901': 'low',
      '4902': 'none',
      '4905': 'low',
      '5501': 'none',
    });
    for (const i of ALL) {
      expect(i.source, i.infno).not.toBe('');
      expect(i.name, i.infno).toMatch(HAS_CHINESE);
      expect(i.note, `${i.infno}: a low/none interface must say what was chosen`).toBeTruthy();
    }
  });

  it('gives every field a wire name and a Chinese label', () => {
    expect(ALL_FIELDS.length).toBeGreaterThan(100);
    for (const { where, field } of ALL_FIELDS) {
      expect(field.name.trim(), where).not.toBe('');
      expect(field.name, where).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(field.label, where).toMatch(HAS_CHINESE);
    }
  });

  it('types money as N with scale 2', () => {
    const money = ALL_FIELDS.filter(({ field }) => isMoney(field.name));
    expect(money.map(({ field }) => field.name)).toEqual(
      expect.arrayContaining(['fund_pay_sumamt', 'psn_cash_pay', 'sumamt', 'drug_sumamt', 'bill_amt', 'psn_ownpay']),
    );
    for (const { where, field } of money) {
      expect(field.type, where).toBe('N');
      expect(field.scale, where).toBe(2);
    }
  });

  it('keeps lengths and scales consistent', () => {
    for (const { where, field } of ALL_FIELDS) {
      if (field.type === 'N' && field.length !== undefined && field.scale !== undefined) {
        expect(field.scale, where).toBeLessThanOrEqual(field.length);
      }
      if (field.type !== 'N') expect(field.scale, where).toBeUndefined();
      if (field.type === 'D' || field.type === 'DT') expect(field.length, where).toBeUndefined();
    }
  });

  it('has no duplicate field names within a node and no duplicate node names', () => {
    for (const spec of ALL) {
      for (const side of [spec.input, spec.output]) {
        const nodes = side.map((node) => node.node);
        expect(new Set(nodes).size, spec.infno).toBe(nodes.length);
        for (const node of side) {
          const names = node.fields.map((f) => f.name);
          const dupes = names.filter((name, i) => names.indexOf(name) !== i);
          expect(dupes, `${spec.infno}/${node.node}`).toEqual([]);
          expect(node.fields.length, `${spec.infno}/${node.node}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('refers only to code sets that exist here or in the allow-list', () => {
    const defined = new Set(EPRESCRIPTION_CODESETS.map((s) => s.name));
    const allowed = new Set([...defined, ...ALLOWED_ELSEWHERE]);
    const used = new Set<string>();
    for (const { where, field } of ALL_FIELDS) {
      if (field.codeSet === undefined) continue;
      used.add(field.codeSet);
      expect(allowed.has(field.codeSet), `${where} → ${field.codeSet}`).toBe(true);
    }
    // The allow-list names only what is used, so it stays an honest list of outside dependencies.
    for (const name of ALLOWED_ELSEWHERE) expect(used.has(name), name).toBe(true);
  });

  it('defines each code set once, snake_case, with a label and a source', () => {
    const names = EPRESCRIPTION_CODESETS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const set of EPRESCRIPTION_CODESETS) {
      expect(set.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(set.label, set.name).toMatch(HAS_CHINESE);
      expect(set.source, set.name).not.toBe('');
      for (const [code, meaning] of Object.entries(set.codes)) {
        expect(code, set.name).not.toBe('');
        expect(meaning, `${set.name}.${code}`).not.toBe('');
      }
    }
    const codes = Object.fromEntries(EPRESCRIPTION_CODESETS.map((s) => [s.name, s.codes]));
    expect(codes['rx_stas_codg']).toEqual({ '1': '有效', '2': '已失效', '3': '已撤销' });
    expect(codes['biz_type_code']).toEqual({ '01': '定点医疗机构就诊', '02': '互联网医院问诊' });
    expect(codes['pay_mode']).toEqual({ '1': '自费', '2': '医保', '3': '自费+医保' });
  });

  it('uses invented fields only in low/none interfaces, and marks them', () => {
    for (const spec of ALL) {
      const chosen = fieldsOf(spec).filter(({ field }) => field.note?.includes('choice: no source'));
      if (chosen.length > 0) expect(['low', 'none'], spec.infno).toContain(spec.confidence);
    }
    // The interfaces of which nothing is known consist of marked linking keys only (5501's reply is a proxy).
    for (const infno of ['7202', '7205', '7208', '7210', '7211', '4902']) {
      const spec = ALL.find((i) => i.infno === infno)!;
      for (const { where, field } of fieldsOf(spec)) expect(field.note ?? '', where).toContain('choice: no source');
    }
  });

  it('reuses the shared prescription blocks in the download', () => {
    const i7204 = EPRESCRIPTION_INTERFACES.find((i) => i.infno === '7204')!;
    expect(i7204.output.map((n) => n.node)).toEqual(['data', 'rxdrugdetail', 'mdtrtinfo', 'diseinfo']);
    const header = i7204.output[0]!.fields.map((f) => f.name);
    expect(header).toEqual(expect.arrayContaining(['rx_trace_code', 'hi_rxno', 'rx_stas_codg', 'vali_end_time']));
  });

  it('describes the gateway transport as data', () => {
    const t = EPRESCRIPTION_TRANSPORT;
    expect(t.gateway.request.map((f) => f.name)).toEqual(
      expect.arrayContaining(['appId', 'encType', 'signType', 'timestamp', 'encData', 'signData']),
    );
    expect(t.dataKey).toMatchObject({ cipher: 'SM4', mode: 'ECB', padding: 'PKCS7', appIdPrefixChars: 16 });
    expect(t.signText.ignoreKeys).toEqual(['signData', 'encData', 'extra']);
    expect(t.signature.algorithm).toBe('SM3withSM2');
    expect(t.endpoints.pharmacy).toBeNull();
    expect(Object.values(t.endpoints.hospital).every((p) => p.startsWith('/'))).toBe(true);
  });
});
