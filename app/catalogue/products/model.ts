import type { ChannelParsedInput, MappingState, RxClass, SpecialFlag } from '../../shared/contract';

/** What products.save accepts after the contract's zod schema (defaults applied). */
export type ProductInput = ChannelParsedInput<'products.save'>;

/** One products row as stored. */
export interface ProductRow {
  id: number;
  code: string;
  generic_name: string;
  trade_name: string | null;
  spec: string | null;
  dosage_form: string | null;
  manufacturer: string | null;
  aprvno: string | null;
  unit: string;
  split_unit: string | null;
  split_factor: number | null;
  retail_price_fen: number;
  member_price_fen: number | null;
  split_price_fen: number | null;
  rx_class: RxClass;
  special_flags: string;
  storage: string | null;
  category: string | null;
  nat_code: string | null;
  pinyin_initials: string;
  pinyin_full: string;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface MappingRow {
  product_id: number;
  nat_code: string;
  catalogue: string;
  list_type: string;
  state: Exclude<MappingState, 'unmapped'>;
  center_message: string | null;
  confirmed_by: number | null;
  confirmed_at: number;
  uploaded_at: number | null;
  last_msgid: string | null;
  updated_at: number;
}

export const PRODUCT_COLUMNS =
  'id, code, generic_name, trade_name, spec, dosage_form, manufacturer, aprvno, unit, split_unit, split_factor, ' +
  'retail_price_fen, member_price_fen, split_price_fen, rx_class, special_flags, storage, category, nat_code, ' +
  'pinyin_initials, pinyin_full, active, created_at, updated_at';

const FLAGS: readonly SpecialFlag[] = ['ephedrine', 'special_compound', 'cold_chain'];

export function parseFlags(json: string): SpecialFlag[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? FLAGS.filter((f) => v.includes(f)) : [];
  } catch {
    return [];
  }
}

/** Chinese labels, for messages and the import report. */
export const RX_CLASS_LABEL: Record<RxClass, string> = {
  rx: '处方药',
  otc_a: '甲类非处方药',
  otc_b: '乙类非处方药',
  non_drug: '非药品',
};

export const MAPPING_STATE_LABEL: Record<MappingState, string> = {
  unmapped: '未对照',
  pending: '待上传',
  uploaded: '已上传',
  failed: '上传失败',
  revoking: '撤销中',
  revoked: '已撤销',
};

/**
 * 批准文号 in one canonical form (国药准字H12345678): full-width letters and digits made half-width,
 * spaces dropped, the letter upper-cased — so "国药准字 h12345678" and "国药准字Ｈ１２３４５６７８" compare equal.
 */
export function normaliseAprvno(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[a-z]/g, (c) => c.toUpperCase());
  return s === '' ? null : s;
}

/** The forms of one 批准文号 a catalogue may hold: canonical, without the 国药准字 prefix, with a space. */
export function aprvnoVariants(raw: string | null | undefined): string[] {
  const canon = normaliseAprvno(raw);
  if (!canon) return [];
  const m = /^国药准字([A-Z]\d{8})$/.exec(canon);
  const out = new Set([canon]);
  if (m) {
    out.add(m[1]!);
    out.add(`国药准字 ${m[1]!}`);
  } else if (/^[A-Z]\d{8}$/.test(canon)) {
    out.add(`国药准字${canon}`);
    out.add(`国药准字 ${canon}`);
  }
  return [...out];
}
