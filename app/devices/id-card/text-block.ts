/**
 * The 256-byte text block of a second-generation ID card (UCS-2 little-endian), shared notes
 * devices/card-readers.md §B.3 "30 01 reply". Pure.
 */
import { compactDateToIso, validateIdNumber } from '../../shared/id-number';
import { zodProblems } from '../../shared/zod-problems';
import { z } from '../../shared/z';

export const TEXT_BLOCK_BYTES = 256;

/** [field, first UCS-2 character, characters] — widths agree across the notes' two sources. */
export const TEXT_FIELDS = [
  ['name', 0, 15],
  ['sexCode', 15, 1],
  ['nationCode', 16, 2],
  ['birth', 18, 8],
  ['address', 26, 35],
  ['idNumber', 61, 18],
  ['authority', 79, 15],
  ['validFrom', 94, 8],
  ['validUntil', 102, 8],
] as const;
// chars 110–127 are reserved.

type RawFieldName = (typeof TEXT_FIELDS)[number][0];

export const SEXES = { '1': '男', '2': '女' } as const;

/**
 * GB/T 3304 codes. Choice: names are given as printed on the card (汉, 蒙古 …, without 族),
 * which is also what the vendor DLLs return; 97/98 are printed in full.
 */
// prettier-ignore
export const NATIONS: Readonly<Record<string, string>> = {
  '01': '汉', '02': '蒙古', '03': '回', '04': '藏', '05': '维吾尔', '06': '苗', '07': '彝', '08': '壮',
  '09': '布依', '10': '朝鲜', '11': '满', '12': '侗', '13': '瑶', '14': '白', '15': '土家', '16': '哈尼',
  '17': '哈萨克', '18': '傣', '19': '黎', '20': '傈僳', '21': '佤', '22': '畲', '23': '高山', '24': '拉祜',
  '25': '水', '26': '东乡', '27': '纳西', '28': '景颇', '29': '柯尔克孜', '30': '土', '31': '达斡尔',
  '32': '仫佬', '33': '羌', '34': '布朗', '35': '撒拉', '36': '毛南', '37': '仡佬', '38': '锡伯', '39': '阿昌',
  '40': '普米', '41': '塔吉克', '42': '怒', '43': '乌孜别克', '44': '俄罗斯', '45': '鄂温克', '46': '德昂',
  '47': '保安', '48': '裕固', '49': '京', '50': '塔塔尔', '51': '独龙', '52': '鄂伦春', '53': '赫哲',
  '54': '门巴', '55': '珞巴', '56': '基诺', '97': '其他', '98': '外国血统中国籍人士',
};

export const LONG_TERM = '长期';

export interface IdCardText {
  name: string;
  sex: '男' | '女';
  nationCode: string;
  nation: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** the address on the card (35 characters at most; a 追加住址 is not read) */
  address: string;
  idNumber: string;
  /** 签发机关 */
  authority: string;
  /** YYYY-MM-DD */
  validFrom: string;
  /** YYYY-MM-DD, or '长期' */
  validUntil: string;
}

export type TextBlockResult = { ok: true; value: IdCardText } | { ok: false; reason: string; field: string };

const utf16 = new TextDecoder('utf-16le');

/**
 * Space padding is what the notes describe; NULs and full-width spaces are trimmed as well because
 * some readers pad that way, and none of them can be part of a real value.
 */
function decodeField(block: Uint8Array, firstChar: number, chars: number): string {
  const raw = utf16.decode(block.subarray(firstChar * 2, (firstChar + chars) * 2));
  return raw.replaceAll('\u0000', ' ').trim();
}

/** Splits the block into raw strings without judging them (exported for diagnostics and tests). */
export function splitTextBlock(block: Uint8Array): Record<RawFieldName, string> {
  const out = {} as Record<RawFieldName, string>;
  for (const [field, first, chars] of TEXT_FIELDS) out[field] = decodeField(block, first, chars);
  return out;
}

const compactDate = (label: string) =>
  z
    .string()
    .refine((s) => compactDateToIso(s) !== null, `${label}无效`)
    .transform((s) => compactDateToIso(s)!);

function rawFieldsSchema(today: string | undefined) {
  return z
    .object({
      name: z.string().min(1, '姓名为空'),
      sexCode: z.enum(['1', '2'], { error: '性别代码无法识别' }),
      nationCode: z.string().refine((c) => c in NATIONS, '民族代码无法识别'),
      birth: compactDate('出生日期'),
      address: z.string().min(1, '住址为空'),
      idNumber: z.string().transform((s, ctx) => {
        const r = validateIdNumber(s, today);
        if (!r.ok) {
          ctx.addIssue({ code: 'custom', message: r.reason });
          return z.NEVER;
        }
        return r.value;
      }),
      authority: z.string().min(1, '签发机关为空'),
      validFrom: compactDate('有效期起始日期'),
      validUntil: z.union([z.literal(LONG_TERM), compactDate('有效期截止日期')], { error: '有效期截止日期无效' }),
    })
    .superRefine((f, ctx) => {
      // A genuine chip never disagrees with itself; a mismatch means a misread or a forged block.
      if (f.idNumber.birthDate !== f.birth) {
        ctx.addIssue({ code: 'custom', path: ['birth'], message: '出生日期与身份证号码不一致' });
      }
      if ((f.sexCode === '1') !== (f.idNumber.sex === 'male')) {
        ctx.addIssue({ code: 'custom', path: ['sexCode'], message: '性别与身份证号码不一致' });
      }
    });
}

/**
 * Parses and validates the text block. `today` (YYYY-MM-DD, Beijing) rejects birth dates in the
 * future; expiry is not judged here (see isCardExpired) because the caller decides what it means.
 */
export function parseTextBlock(block: Uint8Array, today?: string): TextBlockResult {
  if (block.length !== TEXT_BLOCK_BYTES) {
    return { ok: false, reason: `文字信息应为 ${TEXT_BLOCK_BYTES} 字节，收到 ${block.length} 字节`, field: '(根)' };
  }
  const parsed = rawFieldsSchema(today).safeParse(splitTextBlock(block));
  if (!parsed.success) {
    const [first] = zodProblems(parsed.error);
    return { ok: false, reason: `身份证信息无效：${first!.message}`, field: first!.path };
  }
  const f = parsed.data;
  return {
    ok: true,
    value: {
      name: f.name,
      sex: SEXES[f.sexCode],
      nationCode: f.nationCode,
      nation: NATIONS[f.nationCode]!,
      birthDate: f.birth,
      address: f.address,
      idNumber: f.idNumber.value,
      authority: f.authority,
      validFrom: f.validFrom,
      validUntil: f.validUntil,
    },
  };
}

/** The card is valid through its end date inclusive; '长期' never expires. */
export function isCardExpired(card: Pick<IdCardText, 'validUntil'>, today: string): boolean {
  return card.validUntil !== LONG_TERM && card.validUntil < today;
}
