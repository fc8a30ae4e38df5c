import type { FieldSpec, InterfaceSpec, NodeSpec } from '../nhsa/registry/types';
import { SETTLEMENT_CODESETS } from '../nhsa/registry/settlement-codesets';
import { decimalText, digitCounts, isDate, isDateTime } from './wire';

/**
 * The center's own reading of the registry's field specs. It deliberately shares no code with the
 * client's validator: if both were one function, a client that misread the specification would be
 * "confirmed" by the very code it should be tested against.
 */

export interface Problem {
  /** e.g. "drugdetail[1].cnt" */
  path: string;
  /** Chinese message naming the field, e.g. "drugdetail[1].cnt（数量）应为数值型" */
  message: string;
}

/** Dictionaries the platform accepts no other value for (the registry marks them `closed`). */
const CLOSED_CODESETS = new Map(SETTLEMENT_CODESETS.filter((c) => c.closed).map((c) => [c.name, c]));

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function fieldName(path: string, f: FieldSpec): string {
  return `${path}（${f.label}）`;
}

/** Checks one value against its field spec; returns a message or null. Absent values are checked by the caller. */
export function checkValue(value: unknown, f: FieldSpec, path: string): string | null {
  const name = fieldName(path, f);
  switch (f.type) {
    case 'C': {
      if (typeof value !== 'string') return `${name}应为字符型`;
      const len = Array.from(value).length;
      if (f.length !== undefined && len > f.length) return `${name}长度不能超过${f.length}（实际${len}）`;
      const set = f.codeSet ? CLOSED_CODESETS.get(f.codeSet) : undefined;
      if (set && !(value in set.codes)) {
        return `${name}取值“${value}”不在代码表${f.codeSet}中（可选：${Object.keys(set.codes).join('/')}）`;
      }
      return null;
    }
    case 'N': {
      const text = decimalText(value);
      if (text === null) return `${name}应为数值型`;
      const { int, frac } = digitCounts(text);
      const scale = f.scale ?? 0;
      if (frac > scale) return `${name}小数位数不能超过${scale}位（实际“${text}”）`;
      if (f.length !== undefined && int > f.length - scale) {
        return `${name}整数位数不能超过${f.length - scale}位`;
      }
      return null;
    }
    case 'D':
      if (typeof value !== 'string' || !isDate(value)) return `${name}应为日期型，格式yyyy-MM-dd`;
      return null;
    case 'DT':
      if (typeof value !== 'string' || !isDateTime(value)) return `${name}应为日期时间型，格式yyyy-MM-dd HH:mm:ss`;
      return null;
    case 'B':
      if (typeof value !== 'string' && !(value instanceof Uint8Array)) return `${name}应为文件数据`;
      return null;
  }
}

/** Checks the fields of one object; unknown extra keys are ignored, as the platform ignores them. */
export function checkFields(obj: Record<string, unknown>, fields: readonly FieldSpec[], prefix: string): Problem[] {
  const problems: Problem[] = [];
  for (const f of fields) {
    const path = prefix ? `${prefix}.${f.name}` : f.name;
    const value = obj[f.name];
    if (isBlank(value)) {
      // 'conditional' fields are the handler's to require: it knows the case (e.g. card_sn for 03).
      if (f.required === true) problems.push({ path, message: `${fieldName(path, f)}不能为空` });
      continue;
    }
    const message = checkValue(value, f, path);
    if (message) problems.push({ path, message });
  }
  return problems;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function checkNode(input: Record<string, unknown>, node: NodeSpec): Problem[] {
  const where = node.node || 'input';
  const value = node.node ? input[node.node] : input;
  if (value === undefined || value === null) {
    return node.required ? [{ path: where, message: `输入节点${where}缺失` }] : [];
  }
  if (node.shape === 'object') {
    if (!isPlainObject(value)) return [{ path: where, message: `输入节点${where}应为对象` }];
    return checkFields(value, node.fields, node.node);
  }
  if (!Array.isArray(value)) return [{ path: where, message: `输入节点${where}应为数组` }];
  const problems: Problem[] = [];
  value.forEach((row, i) => {
    const path = `${where}[${i}]`;
    if (!isPlainObject(row)) problems.push({ path, message: `${path}应为对象` });
    else problems.push(...checkFields(row, node.fields, path));
  });
  return problems;
}

/** Validates `input` of a request against the interface's input nodes. */
export function validateInput(spec: InterfaceSpec, input: unknown): Problem[] {
  if (!isPlainObject(input)) return [{ path: 'input', message: '交易输入input应为JSON对象' }];
  return spec.input.flatMap((node) => checkNode(input, node));
}

/** One err_msg (at most 200 characters, as the envelope allows) out of a list of problems. */
export function problemsMessage(problems: readonly Problem[], lead = '参数校验失败：'): string {
  const shown = problems.slice(0, 3).map((p) => p.message);
  let text = lead + shown.join('；');
  if (problems.length > shown.length) text += `；等共${problems.length}处错误`;
  return text.length > 200 ? text.slice(0, 199) + '…' : text;
}

const C = (name: string, label: string, length: number, required: boolean, codeSet?: string): FieldSpec => ({
  name,
  label,
  type: 'C',
  length,
  required,
  ...(codeSet ? { codeSet } : {}),
});

/**
 * The request envelope (transport.md §1) as the center checks it. Lengths take the larger value where
 * the sources disagree (fixmedins_code 30, fixmedins_name 200, infno 6). msgid, sign_no,
 * insuplc_admdvs and inf_time get their own, more specific checks in the server.
 */
export const ENVELOPE_FIELDS: readonly FieldSpec[] = [
  C('infno', '交易编号', 6, true),
  C('msgid', '发送方报文ID', 30, true),
  C('mdtrtarea_admvs', '就医地医保区划', 6, true),
  C('insuplc_admdvs', '参保地医保区划', 6, false),
  C('recer_sys_code', '接收方系统代码', 10, true),
  C('dev_no', '设备编号', 100, false),
  C('dev_safe_info', '设备安全信息', 2000, false),
  C('cainfo', '数字签名信息', 1024, false),
  C('signtype', '签名类型', 10, false),
  C('infver', '接口版本号', 6, true),
  C('opter_type', '经办人类别', 3, true, 'opter_type'),
  C('opter', '经办人', 30, true),
  C('opter_name', '经办人姓名', 50, true),
  { name: 'inf_time', label: '交易时间', type: 'DT', required: true },
  C('fixmedins_code', '定点医药机构编号', 30, true),
  C('fixmedins_name', '定点医药机构名称', 200, true),
  C('sign_no', '交易签到流水号', 30, false),
];
