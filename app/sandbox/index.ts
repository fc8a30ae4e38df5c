/** The built-in sandbox insurance center (沙箱医保中心): what the rest of the app and the tests import. */
export { startSandbox, type Sandbox, type SandboxOptions } from './server';
export type { ActiveFault, FaultController, FaultMode, FaultSpec } from './faults';
export { FAULT_MODES } from './faults';
export { SANDBOX_DRUGS, createDrugCatalogue, type DrugCatalogue, type SandboxDrug } from './drugs';
export {
  SANDBOX_PERSONS,
  SANDBOX_PRACTITIONERS,
  SANDBOX_INSTITUTIONS,
  SANDBOX_ADMDVS,
  OTHER_PROVINCE_ADMDVS,
  DEFAULT_FIXMEDINS_CODE,
  decodeEcQr,
  decodeEcQrDetail,
  idCheckDigit,
  isValidIdNumber,
  type SandboxPerson,
  type SandboxEcDecode,
} from './seed';
export { openSandboxInspector, type SandboxInspector, type SettlementRecord } from './state';
export { POLICY } from './rules';
export { DISPATCHER_PATH, PHARMACY_PATH_PREFIX, SERVICE_PATHS } from './routes';
export { tifSignature } from './gateway';
