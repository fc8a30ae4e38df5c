import type { Db } from '../db/connection';
import { beijingDateTime } from '../nhsa/beijing-time';
import { recordMemo } from '../inventory/wire';
import { fenToYuan } from '../shared/money';
import type { StoredPerson } from './person';
import type { SaleRow } from './sale-store';

/**
 * The 3505 (商品销售) records a sale leaves in upload_outbox — THE CONTRACT with the uploader of the inventory
 * module: one row per sale line (a line is one product and one batch), infno '3505', ref_type 'sale_line',
 * ref_id the line id, payload = the complete 3505 input `{ selinfo, drugtracinfo }` as it will be sent
 * (inventory.md §3.5). The uploader sends it as is (or gathers rows into 3505A) and records the outcome on
 * the row; it never rebuilds a payload from the sale, so what was sold is what is reported.
 *
 * Choices where the notes are unsure (registry/inventory.ts has the field notes):
 * - prsc_dr_name is required by the spec even for OTC sales; without a prescription '无' is sent.
 * - phar_name / phar_prac_cert_no: the pharmacist who checked the prescription, else the pharmacist on duty
 *   (settings gsp.pharmacist_name / gsp.pharmacist_cert_no); the certificate number is the duty pharmacist's,
 *   the registered 执业药师 of the pharmacy (operators carry no certificate of their own).
 * - fixmedins_bchno: the till's batch id (unique per product and lot), manu_lotnum the lot on the box; memo the
 *   record's identity (app/inventory/wire.ts has both choices).
 * - self-pay buyers: psn_cert_type '01' with no number (QD fills '01' for self-pay buyers).
 * - only goods with a national code (the mapping's, else the product's) are reported: med_list_codg is required
 *   and the center cannot place anything else — the rule of the inventory records too (inventory/payloads.ts).
 *   A line of other goods leaves no row; a refund knows its returned lines from the stock ledger, not from here.
 */

interface LineFacts {
  id: number;
  qty: number;
  split: number;
  unit_price_fen: number;
  code: string;
  generic_name: string;
  nat_code: string | null;
  mapping_nat_code: string | null;
  rx_class: string;
  batch_id: number | null;
  batch_no: string | null;
  mfg_date: string | null;
  expiry_date: string | null;
}

export interface OutboxRecord {
  infno: '3505';
  refType: 'sale_line';
  refId: number;
  payload: { selinfo: Record<string, unknown>; drugtracinfo: { drug_trac_codg: string }[] };
}

export interface DutyPharmacist {
  name: string;
  certNo: string;
}

export function saleUploadPayloads(
  db: Db,
  sale: SaleRow,
  person: StoredPerson | null,
  at: number,
  duty: DutyPharmacist,
): OutboxRecord[] {
  const lines = db
    .prepare(
      `SELECT l.id, l.qty, l.split, l.unit_price_fen, p.code, p.generic_name, p.nat_code, m.nat_code AS mapping_nat_code,
         p.rx_class, l.batch_id, b.batch_no, b.mfg_date, b.expiry_date
       FROM sale_lines l JOIN products p ON p.id = l.product_id
       LEFT JOIN product_mappings m ON m.product_id = p.id
       LEFT JOIN stock_batches b ON b.id = l.batch_id
       WHERE l.sale_id = ? ORDER BY l.id`,
    )
    .all(sale.id) as LineFacts[];
  const codes = db.prepare('SELECT code FROM sale_trace_codes WHERE line_id = ? ORDER BY id').pluck();
  const rx = db.prepare('SELECT rx_no, prescriber FROM sale_prescriptions WHERE sale_id = ?').get(sale.id) as
    { rx_no: string; prescriber: string } | undefined;
  // the pharmacist who checked the prescription signs for it; otherwise the pharmacist on duty
  const checker =
    sale.pharmacist_id === null
      ? undefined
      : (db.prepare('SELECT display_name FROM operators WHERE id = ?').pluck().get(sale.pharmacist_id) as
          string | undefined);
  const opter = db.prepare('SELECT display_name FROM operators WHERE id = ?').pluck().get(sale.operator_id) as
    string | undefined;
  const insured = sale.setl_id !== null;
  const reported = lines.filter((l) => (l.mapping_nat_code ?? l.nat_code ?? '').trim() !== '');
  return reported.map((l) => ({
    infno: '3505',
    refType: 'sale_line',
    refId: l.id,
    payload: {
      selinfo: {
        med_list_codg: (l.mapping_nat_code ?? l.nat_code)!.trim(),
        fixmedins_hilist_id: l.code,
        fixmedins_hilist_name: l.generic_name,
        fixmedins_bchno: l.batch_id === null ? '' : String(l.batch_id),
        prsc_dr_name: rx?.prescriber ?? '无',
        phar_name: checker ?? duty.name,
        phar_prac_cert_no: duty.certNo,
        hi_feesetl_type: insured ? '1' : '0',
        setl_id: insured ? sale.setl_id : '',
        mdtrt_sn: insured ? (sale.mdtrt_id ?? sale.receipt_no) : sale.receipt_no,
        psn_no: person?.psnNo ?? '',
        psn_cert_type: person?.psnCertType ?? '01',
        certno: person?.idNo ?? '',
        psn_name: person?.name ?? '',
        manu_lotnum: l.batch_no ?? '',
        manu_date: l.mfg_date ?? '',
        expy_end: l.expiry_date ?? '',
        rx_flag: l.rx_class === 'rx' ? '1' : '0',
        trdn_flag: l.split === 1 ? '1' : '0',
        finl_trns_pric: fenToYuan(l.unit_price_fen),
        rxno: l.rx_class === 'rx' && rx ? rx.rx_no : '',
        rtal_docno: sale.receipt_no,
        sel_retn_cnt: String(l.qty),
        sel_retn_time: beijingDateTime(new Date(at)),
        sel_retn_opter_name: opter ?? '',
        mdtrt_setl_type: insured ? '1' : '2',
        memo: recordMemo('sale_line', l.id),
      },
      drugtracinfo: (codes.all(l.id) as string[]).map((c) => ({ drug_trac_codg: c })),
    },
  }));
}

export interface ReturnRecord {
  infno: '3506';
  refType: 'return_line';
  refId: number;
  payload: { selinfo: Record<string, unknown>; drugtracinfo: { drug_trac_codg: string }[] };
}

/**
 * The 3506 (商品销售退货) records of a refund: one per returned line of the original sale, ref_type
 * 'return_line', ref_id the ORIGINAL line id (a line is returned at most once). Same contract as 3505 above;
 * medins_prod_sel_no carries the original receipt number (as QD does), mdtrt_sn the original visit.
 */
export function returnUploadPayloads(
  db: Db,
  original: SaleRow,
  person: StoredPerson | null,
  lineIds: readonly number[],
  at: number,
  operatorName: string,
  duty: DutyPharmacist,
): ReturnRecord[] {
  const sale = saleUploadPayloads(db, original, person, at, duty).filter((r) => lineIds.includes(r.refId));
  return sale.map((r) => {
    const s = r.payload.selinfo;
    return {
      infno: '3506',
      refType: 'return_line',
      refId: r.refId,
      payload: {
        selinfo: {
          med_list_codg: s.med_list_codg,
          fixmedins_hilist_id: s.fixmedins_hilist_id,
          fixmedins_hilist_name: s.fixmedins_hilist_name,
          fixmedins_bchno: s.fixmedins_bchno,
          setl_id: s.setl_id,
          psn_no: s.psn_no,
          psn_cert_type: s.psn_cert_type,
          certno: s.certno,
          psn_name: s.psn_name,
          manu_lotnum: s.manu_lotnum,
          manu_date: s.manu_date,
          expy_end: s.expy_end,
          rx_flag: s.rx_flag,
          trdn_flag: s.trdn_flag,
          finl_trns_pric: s.finl_trns_pric,
          sel_retn_cnt: s.sel_retn_cnt,
          sel_retn_time: beijingDateTime(new Date(at)),
          sel_retn_opter_name: operatorName,
          medins_prod_sel_no: original.receipt_no,
          mdtrt_sn: s.mdtrt_sn,
          memo: recordMemo('return_line', r.refId),
        },
        drugtracinfo: r.payload.drugtracinfo,
      },
    };
  });
}
