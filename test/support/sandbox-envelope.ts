/**
 * Hand-written request envelopes for the sandbox center's protocol tests: deliberately not the app's client, so
 * the center is checked against the wire format of the shared notes only. Times are 2025-03-01 12:00 Beijing.
 */

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const FIX = 'P11010000001';
export const DISPATCH = '/fsi/api/rsfComIfsService/callService';

let seq = 0;
const nextMsgid = () => `${FIX}20250301120000${String(++seq % 10000).padStart(4, '0')}`;

export function envelope(infno: string, input: unknown, extra: Json = {}): Json {
  return {
    infno,
    msgid: nextMsgid(),
    mdtrtarea_admvs: '110100',
    insuplc_admdvs: '',
    recer_sys_code: 'SBX',
    dev_no: '',
    dev_safe_info: '',
    cainfo: '',
    signtype: '',
    infver: 'V1.0',
    opter_type: '1',
    opter: 'op01',
    opter_name: '收银员甲',
    inf_time: '2025-03-01 12:00:00',
    fixmedins_code: FIX,
    fixmedins_name: '沙箱培训大药房',
    sign_no: '',
    input,
    ...extra,
  };
}
