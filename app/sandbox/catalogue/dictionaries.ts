import { ALL_CODESETS } from '../../nhsa/registry';

/**
 * 1901 dictionaries (catalogue.md §2.11) as the sandbox answers them: every code set of the registry, plus the
 * regional dictionaries no source lists (psn_type, naty, otc_flag, rx_flag) with the sandbox's own values —
 * psn_type matches the values its insured persons carry (seed.ts: 11/12 职工, 21/22 居民). parent_value is
 * required by the field table; entries without a parent carry "0" (the sandbox's choice).
 */

const SANDBOX_ONLY: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  psn_type: { '11': '在职', '12': '退休', '21': '城乡居民（成年）', '22': '城乡居民（学生儿童）' },
  naty: { '01': '汉族', '02': '蒙古族', '03': '回族', '04': '藏族', '05': '维吾尔族', '06': '苗族', '07': '彝族' },
  otc_flag: { '0': '处方药', '1': '甲类非处方药', '2': '乙类非处方药' },
  rx_flag: { '0': '非处方药', '1': '处方药' },
};

export interface DictItem {
  type: string;
  label: string;
  value: string;
  parent_value: string;
  sort: number;
  vali_flag: string;
  create_user: string;
  create_date: string;
  version: number;
}

export function dictionary(type: string): DictItem[] {
  const codes = SANDBOX_ONLY[type] ?? ALL_CODESETS.find((c) => c.name === type)?.codes;
  if (!codes) return [];
  return Object.entries(codes).map(([value, label], i) => ({
    type,
    label,
    value,
    // required (Y) in the field table; a top-level entry has no parent, written as "0"
    parent_value: '0',
    sort: i + 1,
    vali_flag: '1',
    create_user: 'sandbox',
    create_date: '2023-01-01',
    version: 1,
  }));
}
