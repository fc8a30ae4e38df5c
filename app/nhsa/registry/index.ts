import { CATALOGUE_CODESETS } from './catalogue-codesets';
import { CATALOGUE_INTERFACES } from './catalogue';
import type { CodeSet } from './codeset-types';
import { EPRESCRIPTION_CODESETS } from './eprescription-codesets';
import { EPRESCRIPTION_INTERFACES } from './eprescription';
import { INVENTORY_CODESETS } from './inventory-codesets';
import { INVENTORY_INTERFACES } from './inventory';
import { SETTLEMENT_CODESETS } from './settlement-codesets';
import { SETTLEMENT_INTERFACES } from './settlement';
import type { InterfaceSpec } from './types';
import { VOUCHER_INTERFACES } from './vouchers';

export type { CodeSet } from './codeset-types';
export type { FieldSpec, InterfaceSpec, NodeSpec } from './types';

export const ALL_INTERFACES: readonly InterfaceSpec[] = [
  ...SETTLEMENT_INTERFACES,
  ...CATALOGUE_INTERFACES,
  ...INVENTORY_INTERFACES,
  ...EPRESCRIPTION_INTERFACES,
  ...VOUCHER_INTERFACES,
];

export const ALL_CODESETS: readonly CodeSet[] = [
  ...SETTLEMENT_CODESETS,
  ...CATALOGUE_CODESETS,
  ...INVENTORY_CODESETS,
  ...EPRESCRIPTION_CODESETS,
];

const byInfno = new Map(ALL_INTERFACES.map((s) => [s.infno, s]));
export const CODESETS: ReadonlyMap<string, CodeSet> = new Map(ALL_CODESETS.map((c) => [c.name, c]));

export function interfaceSpec(infno: string): InterfaceSpec | undefined {
  return byInfno.get(infno);
}

export const MANDATORY_INFNOS: readonly string[] = ALL_INTERFACES.filter((s) => s.mandatory).map((s) => s.infno);
