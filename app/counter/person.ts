import { CODESETS } from '../nhsa/registry';
import { maskIdNumber, maskName } from '../shared/mask';
import { yuanToFen } from '../shared/money';
import type { PersonView } from '../shared/counter';
import { z } from '../shared/z';

/**
 * The 1101 answer as the counter keeps it (sales.person, full values: the receipt, the register and 3505 need
 * them) and shows it (masked). settlement.md §3.
 */

const text = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const optText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim()));

const reply1101 = z.object({
  baseinfo: z.object({
    psn_no: text.refine((v) => v.length > 0, '人员编号为空'),
    psn_cert_type: optText,
    certno: optText,
    psn_name: optText,
    gend: optText,
    age: z.union([z.string(), z.number()]).nullish(),
  }),
  insuinfo: z
    .array(
      z.object({
        insutype: text,
        balc: z.union([z.string(), z.number()]).nullish(),
        psn_type: optText,
        psn_insu_stas: optText,
        paus_insu_date: optText,
        insuplc_admdvs: optText,
      }),
    )
    .nullish(),
});

export interface StoredPerson {
  psnNo: string;
  name: string;
  certType: '01' | '02' | '03';
  /** mdtrt_cert_no as sent to 1101 (ecToken, ID number or card number) */
  certNo: string;
  cardSn: string | null;
  psnCertType: string | null;
  idNo: string | null;
  gender: string | null;
  age: number | null;
  insuinfo: {
    insutype: string;
    balanceFen: number;
    psnType: string | null;
    paused: boolean;
    insuplcAdmdvs: string | null;
  }[];
}

export class PersonReplyError extends Error {}

export function readPerson(
  output: Record<string, unknown>,
  medium: { certType: '01' | '02' | '03'; certNo: string; cardSn: string | null },
): StoredPerson {
  const r = reply1101.safeParse(output);
  if (!r.success) {
    throw new PersonReplyError(`医保中心返回的人员信息不完整：${r.error.issues[0]?.message ?? '格式不正确'}`);
  }
  const insuinfo = r.data.insuinfo ?? [];
  if (insuinfo.length === 0) {
    throw new PersonReplyError('医保中心未返回该人员的参保信息（insuinfo），不能医保结算；可按自费收费');
  }
  const b = r.data.baseinfo;
  const age = b.age === null || b.age === undefined || b.age === '' ? null : Math.floor(Number(b.age));
  return {
    psnNo: b.psn_no,
    name: b.psn_name ?? '',
    certType: medium.certType,
    certNo: medium.certNo,
    cardSn: medium.cardSn,
    psnCertType: b.psn_cert_type,
    idNo: b.certno,
    gender: b.gend === '1' ? '男' : b.gend === '2' ? '女' : null,
    age: Number.isFinite(age) ? age : null,
    insuinfo: insuinfo.map((i) => ({
      insutype: i.insutype,
      balanceFen: yuanToFen(i.balc) ?? 0,
      psnType: i.psn_type,
      // A pause date means the insurance is suspended (settlement.md §3): shown, and not chosen by default.
      paused: i.paus_insu_date !== null,
      insuplcAdmdvs: i.insuplc_admdvs,
    })),
  };
}

const INSUTYPE = CODESETS.get('insutype');

export function insutypeLabel(code: string): string {
  return INSUTYPE?.codes[code] ?? `险种 ${code}`;
}

/** The insutype a purchase settles under when the cashier does not choose: the first one not paused. */
export function defaultInsutype(p: StoredPerson): string | null {
  return (p.insuinfo.find((i) => !i.paused) ?? p.insuinfo[0])?.insutype ?? null;
}

export function personView(p: StoredPerson, chosen: string | null): PersonView {
  return {
    psnNo: p.psnNo,
    name: maskName(p.name),
    certnoMasked: p.idNo ? maskIdNumber(p.idNo) : '',
    gender: p.gender,
    age: p.age,
    insuplcAdmdvs: p.insuinfo.find((i) => i.insutype === chosen)?.insuplcAdmdvs ?? p.insuinfo[0]?.insuplcAdmdvs ?? null,
    certType: p.certType,
    insutypes: p.insuinfo.map((i) => ({
      insutype: i.insutype,
      label: insutypeLabel(i.insutype),
      balanceFen: i.balanceFen,
      psnType: i.psnType,
      paused: i.paused,
    })),
    chosenInsutype: chosen,
  };
}

export function insuplcOf(p: StoredPerson, insutype: string | null): string | null {
  return p.insuinfo.find((i) => i.insutype === insutype)?.insuplcAdmdvs ?? p.insuinfo[0]?.insuplcAdmdvs ?? null;
}
