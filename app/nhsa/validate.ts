import type { CodeSet } from './registry/codeset-types';
import type { FieldSpec, InterfaceSpec, NodeSpec } from './registry/types';

export interface FieldProblemBilingual {
  path: string;
  zh: string;
  en: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const NUMERIC = /^-?(\d+)(?:\.(\d+))?$/;

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function sameCode(set: CodeSet, value: string): boolean {
  if (Object.prototype.hasOwnProperty.call(set.codes, value)) return true;
  if (!set.lenientPadding) return false;
  const bare = value.replace(/^0+(?=\d)/, '');
  return Object.keys(set.codes).some((c) => c.replace(/^0+(?=\d)/, '') === bare);
}

/** Checks one value against its field spec; returns the problem or null. */
export function checkValue(
  field: FieldSpec,
  value: unknown,
  codeSets: ReadonlyMap<string, CodeSet>,
): { zh: string; en: string } | null {
  const label = `${field.label}（${field.name}）`;
  switch (field.type) {
    case 'C': {
      if (typeof value !== 'string') return { zh: `${label}应为字符串`, en: `${field.name}: expected a string` };
      const len = Array.from(value).length;
      if (field.length !== undefined && len > field.length) {
        return {
          zh: `${label}超长：最多 ${field.length} 个字符，实际 ${len} 个`,
          en: `${field.name}: longer than ${field.length} characters (${len})`,
        };
      }
      if (field.codeSet) {
        const set = codeSets.get(field.codeSet);
        if (set?.closed && value !== '' && !sameCode(set, value)) {
          return {
            zh: `${label}的值“${value}”不在${set.label}代码中`,
            en: `${field.name}: "${value}" is not a ${field.codeSet} code`,
          };
        }
      }
      return null;
    }
    case 'N': {
      const text =
        typeof value === 'number'
          ? Number.isFinite(value)
            ? String(value)
            : ''
          : typeof value === 'string'
            ? value.trim()
            : '';
      const m = NUMERIC.exec(text);
      if (!m) return { zh: `${label}应为数值`, en: `${field.name}: expected a number` };
      const intDigits = m[1]!.replace(/^0+(?=\d)/, '').length;
      const fracDigits = m[2]?.length ?? 0;
      const scale = field.scale ?? 0;
      if (fracDigits > scale) {
        return scale === 0
          ? { zh: `${label}应为整数`, en: `${field.name}: expected an integer` }
          : { zh: `${label}小数位不能超过 ${scale} 位`, en: `${field.name}: at most ${scale} decimals` };
      }
      if (field.length !== undefined && intDigits > field.length - scale) {
        return {
          zh: `${label}数值过大：整数部分最多 ${field.length - scale} 位`,
          en: `${field.name}: more than ${field.length - scale} integer digits`,
        };
      }
      return null;
    }
    case 'D': {
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
        return { zh: `${label}应为日期 yyyy-MM-dd`, en: `${field.name}: expected a date yyyy-MM-dd` };
      }
      return null;
    }
    case 'DT': {
      const m = typeof value === 'string' ? DATETIME.exec(value) : null;
      if (
        !m ||
        !validDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
        Number(m[4]) > 23 ||
        Number(m[5]) > 59 ||
        Number(m[6]) > 59
      ) {
        return {
          zh: `${label}应为时间 yyyy-MM-dd HH:mm:ss`,
          en: `${field.name}: expected a date-time yyyy-MM-dd HH:mm:ss`,
        };
      }
      return null;
    }
    case 'B':
      return typeof value === 'string' || value instanceof Uint8Array
        ? null
        : { zh: `${label}应为文件内容`, en: `${field.name}: expected file bytes` };
  }
}

function checkRow(
  node: NodeSpec,
  row: unknown,
  path: string,
  codeSets: ReadonlyMap<string, CodeSet>,
  lenient: boolean,
): FieldProblemBilingual[] {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    return [{ path, zh: `${path} 应为对象`, en: `${path}: expected an object` }];
  }
  const rec = row as Record<string, unknown>;
  const problems: FieldProblemBilingual[] = [];
  for (const f of node.fields) {
    const v = rec[f.name];
    const at = path ? `${path}.${f.name}` : f.name;
    if (isBlank(v)) {
      if (f.required === true)
        problems.push({ path: at, zh: `缺少必填项：${f.label}（${f.name}）`, en: `${f.name}: required` });
      continue;
    }
    // Replies may carry numbers as strings and strings as numbers: only the shape is checked leniently.
    const value = lenient && f.type === 'C' && typeof v === 'number' ? String(v) : v;
    const p = checkValue(f, value, codeSets);
    if (p) problems.push({ path: at, ...p });
  }
  return problems;
}

/**
 * Checks `input` (outgoing, strict: every problem is an error) or `output` (incoming, lenient:
 * problems become warnings) against the nodes of a spec.
 */
export function checkNodes(
  nodes: readonly NodeSpec[],
  payload: unknown,
  codeSets: ReadonlyMap<string, CodeSet>,
  options: { lenient: boolean; root: string },
): FieldProblemBilingual[] {
  const problems: FieldProblemBilingual[] = [];
  if (nodes.length === 0) return problems;
  const rootIsList = nodes.length === 1 && nodes[0]!.node === '' && nodes[0]!.shape === 'list';
  if (!rootIsList && (payload === null || typeof payload !== 'object' || Array.isArray(payload))) {
    return [{ path: options.root, zh: `${options.root} 应为对象`, en: `${options.root}: expected an object` }];
  }
  for (const node of nodes) {
    const value = node.node === '' ? payload : (payload as Record<string, unknown>)[node.node];
    const path = node.node === '' ? options.root : `${options.root}.${node.node}`;
    if (value === undefined || value === null) {
      if (node.required) problems.push({ path, zh: `缺少节点 ${node.node}`, en: `${node.node}: missing node` });
      continue;
    }
    if (node.shape === 'list') {
      if (!Array.isArray(value)) {
        // Some centers answer a one-row list as an object; tolerate it in replies.
        if (options.lenient && typeof value === 'object')
          problems.push(...checkRow(node, value, `${path}[0]`, codeSets, true));
        else problems.push({ path, zh: `${path} 应为列表`, en: `${path}: expected a list` });
        continue;
      }
      if (node.required && value.length === 0)
        problems.push({ path, zh: `${path} 至少需要一行`, en: `${path}: at least one row` });
      value.forEach((row, i) => problems.push(...checkRow(node, row, `${path}[${i}]`, codeSets, options.lenient)));
    } else {
      problems.push(...checkRow(node, value, path, codeSets, options.lenient));
    }
  }
  return problems;
}

export function checkInput(
  spec: InterfaceSpec,
  input: unknown,
  codeSets: ReadonlyMap<string, CodeSet>,
): FieldProblemBilingual[] {
  return checkNodes(spec.input, input, codeSets, { lenient: false, root: 'input' });
}

export function checkOutput(
  spec: InterfaceSpec,
  output: unknown,
  codeSets: ReadonlyMap<string, CodeSet>,
): FieldProblemBilingual[] {
  return checkNodes(spec.output, output ?? {}, codeSets, { lenient: true, root: 'output' });
}
