import { INV_DATA_TYPE, RECORD_FIELDS, UPLOAD_NODES } from '../../inventory/wire';
import { INVENTORY_INTERFACES } from '../../nhsa/registry/inventory';
import type { FieldSpec, InterfaceSpec } from '../../nhsa/registry/types';

/**
 * What the center needs to know about each kind of inventory record (3501–3506): where its rows arrive, which
 * field is its count and which its date, and what 3507 calls it. Node names and inv_data_type are the wire
 * conventions shared with the till (app/inventory/wire.ts); field lists come from the registry.
 */

export type RecordInfno = '3501' | '3502' | '3503' | '3504' | '3505' | '3506';
export type QueryInfno = '3508' | '3509' | '3510' | '3511';

export interface RecordFamily {
  infno: RecordInfno;
  /** input node of the single call (one object) */
  node: string;
  /** input node of the batch variant (a list of rows) */
  listKey: string;
  invDataType: '1' | '2' | '3' | '4';
  /** the count field: inv_cnt / cnt / purc_retn_cnt / sel_retn_cnt */
  countField: string;
  /** 3501's stock count may be 0 (a counted-out batch); every movement must be > 0 */
  zeroCountAllowed: boolean;
  /** the record's own date or date-time: what the query ranges compare */
  dateField: string;
  /** the registry's field list of one row */
  fields: readonly FieldSpec[];
  /** does the newer spec carry drugtracinfo inside this record's rows? */
  carriesTraceCodes: boolean;
}

export function inventorySpec(infno: string): InterfaceSpec {
  const s = INVENTORY_INTERFACES.find((x) => x.infno === infno);
  if (!s) throw new Error(`no registry spec for ${infno}`);
  return s;
}

function family(infno: RecordInfno): RecordFamily {
  const { node, listKey } = UPLOAD_NODES[infno];
  const spec = inventorySpec(infno);
  const main = spec.input.find((n) => n.node === node);
  if (!main) throw new Error(`registry spec ${infno} has no input node ${node}`);
  return {
    infno,
    node,
    listKey,
    invDataType: INV_DATA_TYPE[infno],
    countField: RECORD_FIELDS[infno].count,
    dateField: RECORD_FIELDS[infno].date,
    zeroCountAllowed: infno === '3501',
    fields: main.fields,
    carriesTraceCodes: spec.input.some((n) => n.node === `${node}.drugtracinfo`),
  };
}

export const FAMILIES: Readonly<Record<RecordInfno, RecordFamily>> = {
  '3501': family('3501'),
  '3502': family('3502'),
  '3503': family('3503'),
  '3504': family('3504'),
  '3505': family('3505'),
  '3506': family('3506'),
};

/** Which record kinds a 3507 inv_data_type withdraws (inventory.md §2.2: 3 = 3503 + 3504, 4 = 3505 + 3506). */
export function infnosOfDataType(invDataType: string): RecordInfno[] {
  return (Object.values(FAMILIES) as RecordFamily[]).filter((f) => f.invDataType === invDataType).map((f) => f.infno);
}

/** The label of a field of a row, for a message that names it like 有效期止expy_end. */
export function fieldTitle(fam: RecordFamily, name: string): string {
  const label = fam.fields.find((f) => f.name === name)?.label ?? '';
  return `${label}${name}`;
}
