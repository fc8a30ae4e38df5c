import type { HandlerContext, HandlerDef } from '../handlers';
import { refuse } from '../refusal';
import { SANDBOX_ADMDVS } from '../seed';
import { Dec, decimalText, scaledText, toScaled } from '../wire';
import { inventorySpec, type QueryInfno, type RecordInfno } from './families';
import { liveRecords, recordNo, type LedgerRow } from './ledger';

/**
 * The read-back queries 3508–3511 (input node `data`, inventory.md §4). They answer from the ledger: live records
 * only (a 3507 hides them), whose own date (invdate / inv_chg_time / purc_retn_stoin_time / sel_retn_time, Beijing
 * time as uploaded) lies in [begndate, enddate].
 *
 * Output shape — a choice: `output = { data: [row, …] }`, keys snake_case as uploaded. The registry models the
 * reply as one object directly under `output` and says a reader should accept a list as well as an object (NMG
 * shows one object in camelCase; whether the platform returns a list is not confirmed). A query has many rows,
 * so the center answers a list, under `data` as the paged catalogue queries do. Changing this is one line
 * (`answer` below).
 *
 * Filters: the head picks the records (one of medins_list_codg = the pharmacy's own item code / fixmedins_bchno);
 * every other non-empty input field that is also a column of the answer must match it exactly (med_list_codg,
 * inv_chg_type, memo, rid …). Input fields that are not columns of the answer are ignored.
 */

type Obj = Record<string, unknown>;

const HEAD = new Set(['fixmedins_code', 'medins_list_codg', 'fixmedins_bchno', 'begndate', 'enddate']);

const text = (o: Obj, k: string): string => {
  const v = o[k];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return '';
};
/** An uploaded C/D/DT value as the answer carries it: absent or empty → null. */
const val = (o: Obj, k: string): string | null => text(o, k) || null;

/** An uploaded number written with the answer's fixed scale (inv_cnt 2, cnt 4, pric 6 …), like the center's amounts. */
function num(o: Obj, k: string, scale: number): Dec | null {
  const t = decimalText(o[k]);
  if (t === null) return null;
  try {
    return new Dec(scaledText(toScaled(t, scale), scale));
  } catch {
    return new Dec(t); // more decimals than the answer's scale: shown as uploaded rather than rounded
  }
}

/** The columns every answer row carries: the center's bookkeeping about the record. */
function auditColumns(r: LedgerRow): Obj {
  return {
    fixmedins_code: r.fixmedins_code,
    fixmedins_bchno: r.fixmedins_bchno,
    med_list_codg: r.med_list_codg,
    medins_list_codg: r.fixmedins_hilist_id,
    medins_list_name: r.fixmedins_hilist_name,
    vali_flag: '1',
    rid: recordNo(r.id),
    list_sp_item_flag: '0',
    crter_id: r.opter,
    crter_name: r.opter_name,
    crte_optins_no: SANDBOX_ADMDVS,
    opter_id: r.opter,
    opter_name: r.opter_name,
    optins_no: SANDBOX_ADMDVS,
    poolarea_no: SANDBOX_ADMDVS,
    crte_time: r.created_at,
    updt_time: r.created_at,
    opt_time: r.created_at,
  };
}

const traceCodesOf = (row: Obj): unknown => (Array.isArray(row.drugtracinfo) ? row.drugtracinfo : []);

function stockRow(r: LedgerRow, row: Obj): Obj {
  return {
    ...auditColumns(r),
    medins_prod_inv_no: recordNo(r.id),
    rx_flag: val(row, 'rx_flag'),
    // 3501 has no trdn_flag: its stock count is in whole packages (app/inventory/wire.ts)
    trdn_flag: '0',
    inv_cnt: num(row, 'inv_cnt', 2),
    invdate: val(row, 'invdate'),
    manu_lotnum: val(row, 'manu_lotnum'),
    manu_date: val(row, 'manu_date'),
    expy_end: val(row, 'expy_end'),
    memo: val(row, 'memo'),
    drugtracinfo: traceCodesOf(row),
  };
}

function changeRow(r: LedgerRow, row: Obj): Obj {
  return {
    ...auditColumns(r),
    medins_prod_inv_chg_no: recordNo(r.id),
    inv_chg_type: val(row, 'inv_chg_type'),
    rx_flag: val(row, 'rx_flag'),
    trdn_flag: val(row, 'trdn_flag'),
    cnt: num(row, 'cnt', 4),
    pric: num(row, 'pric', 6),
    inv_chg_time: val(row, 'inv_chg_time'),
    inv_chg_opter_name: val(row, 'inv_chg_opter_name'),
    memo: val(row, 'memo'),
    drugtracinfo: traceCodesOf(row),
  };
}

function purchaseRow(r: LedgerRow, row: Obj): Obj {
  return {
    ...auditColumns(r),
    medins_prod_purc_no: recordNo(r.id),
    // 商品退货标志: the notes give no values; the center's choice, 0 purchase (3503) / 1 return (3504)
    prod_retn_flag: r.infno === '3504' ? '1' : '0',
    dynt_no: val(row, 'dynt_no'),
    spler_name: val(row, 'spler_name'),
    spler_pmtno: val(row, 'spler_pmtno'),
    manu_lotnum: val(row, 'manu_lotnum'),
    prodentp_name: val(row, 'prodentp_name'),
    aprvno: val(row, 'aprvno'),
    manu_date: val(row, 'manu_date'),
    expy_end: val(row, 'expy_end'),
    purc_invo_codg: val(row, 'purc_invo_codg'),
    purc_invo_no: val(row, 'purc_invo_no'),
    rx_flag: val(row, 'rx_flag'),
    purc_retn_stoin_time: val(row, 'purc_retn_stoin_time'),
    purc_retn_opter_name: val(row, 'purc_retn_opter_name'),
    prod_geay_flag: val(row, 'prod_geay_flag'),
    finl_trns_pric: num(row, 'finl_trns_pric', 6),
    purc_retn_cnt: num(row, 'purc_retn_cnt', 4),
    memo: val(row, 'memo'),
  };
}

function saleRow(r: LedgerRow, row: Obj): Obj {
  return {
    ...auditColumns(r),
    medins_prod_sel_no: recordNo(r.id),
    // not a spec column of 3511 (sales and returns share the query): the center's own, 0 sale (3505) / 1 return (3506)
    prod_retn_flag: r.infno === '3506' ? '1' : '0',
    prsc_dr_cert_type: val(row, 'prsc_dr_cert_type'),
    prsc_dr_certno: val(row, 'prsc_dr_certno'),
    // the query's name for 3505's prsc_dr_name (inventory.md §4.4)
    bilg_dr_name: val(row, 'prsc_dr_name'),
    phar_cert_type: val(row, 'phar_cert_type'),
    phar_certno: val(row, 'phar_certno'),
    phar_name: val(row, 'phar_name'),
    phar_prac_cert_no: val(row, 'phar_prac_cert_no'),
    hi_feesetl_type: val(row, 'hi_feesetl_type'),
    mdtrt_setl_type: val(row, 'mdtrt_setl_type'),
    setl_id: val(row, 'setl_id'),
    mdtrt_sn: val(row, 'mdtrt_sn'),
    psn_no: val(row, 'psn_no'),
    psn_cert_type: val(row, 'psn_cert_type'),
    certno: val(row, 'certno'),
    psn_name: val(row, 'psn_name'),
    manu_lotnum: val(row, 'manu_lotnum'),
    manu_date: val(row, 'manu_date'),
    expy_end: val(row, 'expy_end'),
    elec_supn_codg: null,
    rx_flag: val(row, 'rx_flag'),
    trdn_flag: val(row, 'trdn_flag'),
    rxno: val(row, 'rxno'),
    rtal_docno: val(row, 'rtal_docno'),
    sel_retn_cnt: num(row, 'sel_retn_cnt', 4),
    finl_trns_pric: num(row, 'finl_trns_pric', 6),
    sel_retn_time: val(row, 'sel_retn_time'),
    sel_retn_opter_name: val(row, 'sel_retn_opter_name'),
    memo: val(row, 'memo'),
    drugtracinfo: traceCodesOf(row),
  };
}

const QUERIES: Record<QueryInfno, { infnos: RecordInfno[]; toRow: (r: LedgerRow, row: Obj) => Obj }> = {
  '3508': { infnos: ['3501'], toRow: stockRow },
  '3509': { infnos: ['3502'], toRow: changeRow },
  '3510': { infnos: ['3503', '3504'], toRow: purchaseRow },
  '3511': { infnos: ['3505', '3506'], toRow: saleRow },
};

/** The value of an answer column as a filter compares it. */
function columnText(v: unknown): string {
  if (v instanceof Dec) return v.text;
  if (v === null || v === undefined) return '';
  return String(v);
}

function matchesFilters(row: Obj, filters: readonly [string, string][]): boolean {
  return filters.every(([k, want]) => k in row && columnText(row[k]) === want);
}

const answer = (rows: Obj[]) => ({ output: { data: rows } });

function query(infno: QueryInfno): HandlerDef {
  const spec = inventorySpec(infno);
  const { infnos, toRow } = QUERIES[infno];
  return {
    spec,
    run(ctx: HandlerContext) {
      const d = ctx.input.data as Obj;
      const code = text(d, 'fixmedins_code');
      if (code !== ctx.fixmedinsCode) refuse(`data.fixmedins_code“${code}”与报文头的定点医药机构编号不符`);
      const hilistId = text(d, 'medins_list_codg');
      const bchno = text(d, 'fixmedins_bchno');
      if (!hilistId && !bchno) {
        refuse('医药机构目录编码medins_list_codg与定点医药机构批次流水号fixmedins_bchno至少填写一项');
      }
      const begndate = text(d, 'begndate');
      const enddate = text(d, 'enddate');
      if (begndate > enddate) refuse(`开始日期begndate（${begndate}）不能晚于结束日期enddate（${enddate}）`);
      const filters = spec.input
        .flatMap((n) => n.fields)
        .filter((f) => !HEAD.has(f.name) && text(d, f.name) !== '')
        .map((f): [string, string] => [f.name, text(d, f.name)]);
      const rows = liveRecords(ctx.state.db, {
        fixmedinsCode: ctx.fixmedinsCode,
        infnos,
        begndate,
        enddate,
        ...(hilistId ? { hilistId } : {}),
        ...(bchno ? { bchno } : {}),
      })
        .map((r) => toRow(r, JSON.parse(r.row) as Obj))
        .filter((row) => matchesFilters(row, filters));
      return answer(rows);
    },
  };
}

export const QUERY_HANDLERS: Readonly<Record<QueryInfno, HandlerDef>> = {
  '3508': query('3508'),
  '3509': query('3509'),
  '3510': query('3510'),
  '3511': query('3511'),
};
