import type { AuthSchemeName } from './auth-schemes';

/**
 * Region profiles as data: how a province's center is reached (URLs, authentication, file
 * transfer style, node-name differences). Adding a province means adding an entry here.
 */
export interface RegionProfile {
  id: string;
  label: string;
  /** the path for an interface, appended to the configured base URL */
  pathFor(infno: string): string;
  auth: AuthSchemeName;
  /** 9101: base64 inside the JSON envelope, or multipart with a `jsonStr` part and a file part */
  fileUpload: 'json-base64' | 'multipart';
  /** name of the binary part in a multipart 9101 */
  multipartFilePart?: string;
  contentType: string;
  /** per-interface node renames, e.g. { '3301': { input: { data: 'catalogcompin' } } } */
  nodeOverrides?: Record<string, { input?: Record<string, string> }>;
}

const DISPATCHER = '/fsi/api/rsfComIfsService/callService';

/** Hebei / Zhejiang per-service paths (transport.md §3.2). */
const SERVICE_PATHS: Record<string, string> = {
  '9001': '/fsi/api/signInSignOutService/signIn',
  '9002': '/fsi/api/signInSignOutService/signOut',
  '9101': '/fsi/api/fileupload/upload',
  '9102': '/fsi/api/fileupload/download',
  '1101': '/fsi/api/fsiPsnInfoService/queryPsnInfo',
  '1201': '/fsi/api/fsiFixMedInsService/queryFixMedIns',
  '2001': '/fsi/api/fsiPsnPriorityInfoService/queryPsnPriorityInfo',
  '2601': '/fsi/api/reverseService/revsMethod',
  '5102': '/fsi/api/fsiIntegratedQueryService/queryFixmedinsPracPsn',
  '3501': '/fsi/api/goodsService/goodsUpload',
  '3502': '/fsi/api/goodsService/goodsUpdate',
  '3503': '/fsi/api/goodsService/goodsBuy',
  '3504': '/fsi/api/goodsService/goodsBuyReturn',
  '3505': '/fsi/api/goodsService/goodsSell',
  '3506': '/fsi/api/goodsService/goodsSellReturn',
  '3507': '/fsi/api/goodsService/goodsInfoDelete',
  '3201': '/fsi/api/ybSettlementStmtService/stmtTotal',
  '3202': '/fsi/api/ybSettlementStmtService/stmtDetail',
  '1304': '/fsi/api/catalogqueryservice/queryNatyPreparedByPage',
  '1312': '/fsi/api/catalogqueryservice/queryHilist',
  '1316': '/fsi/api/catalogqueryservice/queryMedinsHilistMapByPage',
  '1317': '/fsi/api/catalogqueryservice/queryMedListMapByPage',
  '1318': '/fsi/api/catalogqueryservice/queryLmtprcByPage',
  '1319': '/fsi/api/catalogqueryservice/querySelfpayByPage',
  '1901': '/fsi/api/catalogqueryservice/queryDataDic',
  '3301': '/fsi/api/catalogCompService/catalogCompUp',
};

/**
 * No per-service path for 2101/2102/2103 (and others) appears in any source: the local bureau
 * must supply it. Choice: the sandbox's `/fsi/api/pharmacy/<infno>`, overridable per region.
 */
function perServicePath(infno: string): string {
  if (SERVICE_PATHS[infno]) return SERVICE_PATHS[infno];
  if (/^13(0[1-9]|1[0-5]|20|21)$|^1306A$/.test(infno)) return `/fsi/api/catalogdownservice/downCatalog${infno}`;
  return `/fsi/api/pharmacy/${infno}`;
}

export const REGION_PROFILES: Record<string, RegionProfile> = {
  national: {
    id: 'national',
    label: '国家统一入口（callService）',
    pathFor: () => DISPATCHER,
    auth: 'x-tif',
    // The NHSA demo posts 9101 as multipart to the dispatcher.
    fileUpload: 'multipart',
    multipartFilePart: 'file',
    contentType: 'application/json;charset=utf-8',
  },
  per_service: {
    id: 'per_service',
    label: '按服务路径（省级网关）',
    pathFor: perServicePath,
    auth: 'x-tif',
    // Hebei (NT-WIN) zips, base64-encodes and sends the file inside the JSON.
    fileUpload: 'json-base64',
    contentType: 'application/json;charset=utf-8',
  },
};

export function profileById(id: string): RegionProfile {
  const p = REGION_PROFILES[id];
  if (!p) throw new Error(`unknown region profile ${id}`);
  return p;
}
