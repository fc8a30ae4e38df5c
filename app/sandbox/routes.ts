/**
 * Which infno an HTTP path stands for. The center serves both endpoint styles of transport.md §3:
 *
 * - the national single dispatcher `/fsi/api/rsfComIfsService/callService` — the infno comes from
 *   the envelope;
 * - per-service paths (transport.md §3.2, the Hebei / Zhejiang lists) — the path names the infno,
 *   and the envelope's infno must agree;
 * - `/fsi/api/pharmacy/<infno>` — the sandbox's own choice for interfaces no per-service list
 *   names (2101, 2102, 2103, 100001, …): the specification gives no path, so a per-service client
 *   profile has to be told one, and in the sandbox it is this.
 */

export const DISPATCHER_PATH = '/fsi/api/rsfComIfsService/callService';
export const PHARMACY_PATH_PREFIX = '/fsi/api/pharmacy/';

/** transport.md §3.2 */
export const SERVICE_PATHS: Readonly<Record<string, string>> = {
  '/fsi/api/signInSignOutService/signIn': '9001',
  '/fsi/api/signInSignOutService/signOut': '9002',
  '/fsi/api/fileupload/upload': '9101',
  '/fsi/api/fileupload/download': '9102',
  '/fsi/api/fsiPsnInfoService/queryPsnInfo': '1101',
  '/fsi/api/fsiFixMedInsService/queryFixMedIns': '1201',
  '/fsi/api/fsiPsnPriorityInfoService/queryPsnPriorityInfo': '2001',
  '/fsi/api/reverseService/revsMethod': '2601',
  '/fsi/api/fsiIntegratedQueryService/queryFixmedinsPracPsn': '5102',
  '/fsi/api/goodsService/goodsUpload': '3501',
  '/fsi/api/goodsService/goodsUpdate': '3502',
  '/fsi/api/goodsService/goodsBuy': '3503',
  '/fsi/api/goodsService/goodsBuyReturn': '3504',
  '/fsi/api/goodsService/goodsSell': '3505',
  '/fsi/api/goodsService/goodsSellReturn': '3506',
  '/fsi/api/goodsService/goodsInfoDelete': '3507',
  '/fsi/api/ybSettlementStmtService/stmtTotal': '3201',
  '/fsi/api/ybSettlementStmtService/stmtDetail': '3202',
  '/fsi/api/hsecfc/localQrCodeQuery': '1162',
  '/fsi/api/catalogqueryservice/queryNatyPreparedByPage': '1304',
  '/fsi/api/catalogqueryservice/queryHilist': '1312',
  '/fsi/api/catalogqueryservice/queryMedinsHilistMapByPage': '1316',
  '/fsi/api/catalogqueryservice/queryMedListMapByPage': '1317',
  '/fsi/api/catalogqueryservice/queryLmtprcByPage': '1318',
  '/fsi/api/catalogqueryservice/querySelfpayByPage': '1319',
  '/fsi/api/catalogqueryservice/queryDataDic': '1901',
  '/fsi/api/catalogCompService/catalogCompUp': '3301',
};

const INFNO = /^(?:[0-9]{4}[A-Z]?|[0-9]{6})$/;

export function isInfnoFormat(infno: string): boolean {
  return INFNO.test(infno);
}

export type Route =
  { kind: 'dispatcher' } | { kind: 'service'; infno: string } | { kind: 'admin' } | { kind: 'unknown' };

export const ADMIN_FAULTS_PATH = '/__sandbox/faults';

export function routeOf(rawUrl: string): Route {
  const path = (rawUrl.split('?')[0] ?? '').replace(/\/+$/, '');
  if (path === DISPATCHER_PATH) return { kind: 'dispatcher' };
  if (path === ADMIN_FAULTS_PATH) return { kind: 'admin' };
  const service = SERVICE_PATHS[path];
  if (service) return { kind: 'service', infno: service };
  const catalogue = /^\/fsi\/api\/catalogdownservice\/downCatalog(13\d\d[A-Z]?)$/.exec(path);
  if (catalogue) return { kind: 'service', infno: catalogue[1]! };
  if (path.startsWith(PHARMACY_PATH_PREFIX)) {
    const infno = path.slice(PHARMACY_PATH_PREFIX.length);
    if (isInfnoFormat(infno)) return { kind: 'service', infno };
  }
  return { kind: 'unknown' };
}
