/**
 * Drug trace codes (药品追溯码) inside a record's drugtracinfo (inventory.md §5). The registry can only model the
 * node as a dotted path, so the server's schema check never reaches it: the center reads and checks it here.
 *
 * Format rule (the sandbox's own, stricter than the registry): the Chinese 20-digit code, or a GS1 element string
 * that opens with AI 01 (GTIN) and is at least 16 characters. One implementation (YBHI) insists on 20 digits only;
 * the GS1 form is accepted because imported drugs carry GS1 DataMatrix codes. Any other length is refused, so a
 * client that sends a truncated or mis-scanned code learns it here, not at the real platform.
 */

const MAX_CODE_LENGTH = 100;

export type TraceCodes = { codes: string[] } | { problem: string };

function isTraceCode(code: string): boolean {
  if (/^\d{20}$/.test(code)) return true;
  return code.startsWith('01') && code.length >= 16 && code.length <= MAX_CODE_LENGTH && !/\s/.test(code);
}

/**
 * The codes of one record. `value` is the row's drugtracinfo: a list of {drug_trac_codg}; a single object is
 * taken as a list of one (NMG models 3501's node as one object). Absent or empty = no codes.
 */
export function readTraceCodes(value: unknown): TraceCodes {
  if (value === undefined || value === null || value === '') return { codes: [] };
  const items = Array.isArray(value) ? value : [value];
  const codes: string[] = [];
  for (const [i, item] of items.entries()) {
    const where = `溯源码节点drugtracinfo第${i + 1}项`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return { problem: `${where}应为对象` };
    const raw = (item as Record<string, unknown>).drug_trac_codg;
    if (typeof raw !== 'string' || raw.trim() === '') return { problem: `${where}的药品追溯码drug_trac_codg不能为空` };
    const code = raw.trim();
    if (!isTraceCode(code)) {
      return {
        problem:
          `药品追溯码drug_trac_codg“${code}”格式错误（${Array.from(code).length}位）：` +
          '应为20位数字追溯码，或以01开头、不少于16位的GS1追溯码',
      };
    }
    codes.push(code);
  }
  return { codes };
}
