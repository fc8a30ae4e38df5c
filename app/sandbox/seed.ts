/**
 * The sandbox center's fixed cast: insured persons, practitioners and neighbouring institutions.
 * Everything here is constant so that two fresh databases are identical (tests compare them).
 *
 * Names are realistic in form but clearly invented (王培训, 李演示 …). ID numbers use the textbook
 * region 110101 with birth dates in 1950–2000 and valid GB 11643 check digits, so that a client's
 * check-digit validation passes; the person numbers, card numbers and tokens carry "SBX" to make a
 * sandbox record obvious wherever it ends up.
 */

/** Insurance region of the sandbox's own insured persons (and of the pharmacy). */
export const SANDBOX_ADMDVS = '110100';
/** Insurance region of the person from another province. */
export const OTHER_PROVINCE_ADMDVS = '440300';
/** The pharmacy the center serves when SandboxOptions.fixmedinsCode is not given: P + region + serial. */
export const DEFAULT_FIXMEDINS_CODE = 'P11010000001';
export const DEFAULT_FIXMEDINS_NAME = '沙箱培训大药房';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643 check character of the first 17 digits of a resident ID number. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** True for an 18-character resident ID whose check character is right. */
export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCheckDigit(id.slice(0, 17)) === id[17];
}

export interface SandboxInsurance {
  insutype: string;
  /** provincial dictionary; the sandbox uses 11 在职 / 12 退休 (职工) and 21 / 22 (居民) */
  psn_type: string;
  /** the sandbox's meaning: 1 正常参保, 4 暂停参保 (the national meanings are undocumented) */
  psn_insu_stas: '1' | '4';
  psn_insu_date: string;
  paus_insu_date?: string;
  cvlserv_flag: '0' | '1';
  emp_name?: string;
  /** only 310 carries a personal account */
  has_account: boolean;
  balance_fen: number;
}

export interface SandboxPerson {
  psn_no: string;
  psn_name: string;
  psn_cert_type: '01';
  certno: string;
  gend: '1' | '2';
  naty: string;
  brdy: string;
  insuplc_admdvs: string;
  /** 社会保障卡: 卡号 and 卡识别码 (32 hex characters, the first 6 the issuing region) */
  card?: { card_no: string; card_sn: string };
  /** 医保电子凭证: the token 1101 takes as mdtrt_cert_no (type 01), and the QR text a scanner would read */
  ec?: { ec_token: string; qr: string };
  /** false: 2001 answers trt_enjymnt_flag 0 and 2101/2102 refuse */
  entitled: boolean;
  not_entitled_reason?: string;
  insurances: SandboxInsurance[];
  /** what this person is for, in one line (shown in training mode) */
  role: string;
}

const ins = (x: Partial<SandboxInsurance> & Pick<SandboxInsurance, 'insutype'>): SandboxInsurance => ({
  psn_type: x.insutype === '390' ? '21' : '11',
  psn_insu_stas: '1',
  psn_insu_date: '2010-01-01',
  cvlserv_flag: '0',
  has_account: x.insutype === '310',
  balance_fen: 0,
  ...x,
});

function cardSn(admdvs: string, serial: number): string {
  // 6-digit issuing region + 'D156000005' (the fixed middle seen in real 卡识别码) + 16 hex digits
  return `${admdvs}D156000005${serial.toString(16).toUpperCase().padStart(16, '0')}`;
}

export const SANDBOX_PERSONS: readonly SandboxPerson[] = [
  {
    psn_no: '110100SBX0000000001',
    psn_name: '王培训',
    psn_cert_type: '01',
    certno: '11010119650315201X',
    gend: '1',
    naty: '01',
    brdy: '1965-03-15',
    insuplc_admdvs: SANDBOX_ADMDVS,
    card: { card_no: 'SBX000001', card_sn: cardSn(SANDBOX_ADMDVS, 0xa0001) },
    ec: { ec_token: 'ectoken-110100-sbx-0001-wangpeixun', qr: 'SBXQR:EC:0001:6F1D2A' },
    entitled: true,
    insurances: [ins({ insutype: '310', emp_name: '沙箱示范科技有限公司', balance_fen: 100000 })],
    role: '职工医保，个人账户余额1000.00；三种凭证都有',
  },
  {
    psn_no: '110100SBX0000000002',
    psn_name: '李演示',
    psn_cert_type: '01',
    certno: '110101197807221023',
    gend: '2',
    naty: '01',
    brdy: '1978-07-22',
    insuplc_admdvs: SANDBOX_ADMDVS,
    card: { card_no: 'SBX000002', card_sn: cardSn(SANDBOX_ADMDVS, 0xa0002) },
    entitled: true,
    insurances: [
      ins({ insutype: '310', emp_name: '演示商贸有限公司', balance_fen: 23550 }),
      ins({ insutype: '330', emp_name: '演示商贸有限公司' }),
    ],
    role: '职工医保310+大额330，账户余额235.50；社保卡',
  },
  {
    psn_no: '110100SBX0000000003',
    psn_name: '张沙箱',
    psn_cert_type: '01',
    certno: '110101199001013013',
    gend: '1',
    naty: '01',
    brdy: '1990-01-01',
    insuplc_admdvs: SANDBOX_ADMDVS,
    ec: { ec_token: 'ectoken-110100-sbx-0003-zhangshaxiang', qr: 'SBXQR:EC:0003:0C93B7' },
    entitled: true,
    insurances: [ins({ insutype: '390' })],
    role: '居民医保，无个人账户；电子凭证',
  },
  {
    psn_no: '110100SBX0000000004',
    psn_name: '赵测试',
    psn_cert_type: '01',
    certno: '110101195509184026',
    gend: '2',
    naty: '01',
    brdy: '1955-09-18',
    insuplc_admdvs: SANDBOX_ADMDVS,
    card: { card_no: 'SBX000004', card_sn: cardSn(SANDBOX_ADMDVS, 0xa0004) },
    ec: { ec_token: 'ectoken-110100-sbx-0004-zhaoceshi', qr: 'SBXQR:EC:0004:51E8C4' },
    entitled: true,
    insurances: [ins({ insutype: '310', psn_type: '12', balance_fen: 1234 })],
    role: '职工医保退休，账户余额只有12.34（账户不够付）',
  },
  {
    psn_no: '110100SBX0000000005',
    psn_name: '刘样例',
    psn_cert_type: '01',
    certno: '110101198511115015',
    gend: '1',
    naty: '01',
    brdy: '1985-11-11',
    insuplc_admdvs: SANDBOX_ADMDVS,
    card: { card_no: 'SBX000005', card_sn: cardSn(SANDBOX_ADMDVS, 0xa0005) },
    entitled: true,
    insurances: [ins({ insutype: '310', emp_name: '样例物流有限公司', balance_fen: 0 })],
    role: '职工医保，账户余额0.00',
  },
  {
    psn_no: '110100SBX0000000006',
    psn_name: '陈模拟',
    psn_cert_type: '01',
    certno: '110101200002296022',
    gend: '2',
    naty: '01',
    brdy: '2000-02-29',
    insuplc_admdvs: SANDBOX_ADMDVS,
    card: { card_no: 'SBX000006', card_sn: cardSn(SANDBOX_ADMDVS, 0xa0006) },
    entitled: true,
    insurances: [ins({ insutype: '390', psn_type: '22' })],
    role: '居民医保（学生），社保卡；生日2月29日',
  },
  {
    psn_no: '110100SBX0000000007',
    psn_name: '杨停保',
    psn_cert_type: '01',
    certno: '110101197006057016',
    gend: '1',
    naty: '01',
    brdy: '1970-06-05',
    insuplc_admdvs: SANDBOX_ADMDVS,
    card: { card_no: 'SBX000007', card_sn: cardSn(SANDBOX_ADMDVS, 0xa0007) },
    entitled: false,
    not_entitled_reason: '参保人因单位欠缴已暂停参保，暂停享受医保基金待遇',
    insurances: [
      ins({
        insutype: '310',
        psn_insu_stas: '4',
        paus_insu_date: '2024-07-01',
        emp_name: '停保示例有限公司',
        balance_fen: 5000,
      }),
    ],
    role: '暂停参保，不享受待遇（2001标志0，2101/2102拒绝）',
  },
  {
    psn_no: '440300SBX0000000008',
    psn_name: '周异地',
    psn_cert_type: '01',
    certno: '110101196004128023',
    gend: '2',
    naty: '01',
    brdy: '1960-04-12',
    insuplc_admdvs: OTHER_PROVINCE_ADMDVS,
    ec: { ec_token: 'ectoken-440300-sbx-0008-zhouyidi', qr: 'SBXQR:EC:0008:A47F10' },
    entitled: true,
    insurances: [ins({ insutype: '310', psn_type: '12', emp_name: '异地示例集团', balance_fen: 30000 })],
    role: '外省参保（440300），职工医保退休，账户余额300.00；电子凭证',
  },
  {
    psn_no: '110100SBX0000000009',
    psn_name: '吴居民',
    psn_cert_type: '01',
    certno: '110101198812039036',
    gend: '1',
    naty: '01',
    brdy: '1988-12-03',
    insuplc_admdvs: SANDBOX_ADMDVS,
    entitled: true,
    insurances: [ins({ insutype: '390' })],
    role: '居民医保，只有身份证',
  },
];

export interface SandboxPractitioner {
  prac_psn_code: string;
  prac_psn_name: string;
  /** 1 医师, 2 护士, 3 药师, 4 医技人员 */
  prac_psn_type: '1' | '2' | '3' | '4';
  psn_cert_type: '01';
  certno: string;
  prac_psn_no: string;
  prac_psn_cert: string;
  prac_cert_no: string;
  hi_dr_flag: '0' | '1';
  begntime: string;
}

export const SANDBOX_PRACTITIONERS: readonly SandboxPractitioner[] = [
  {
    prac_psn_code: 'Y110101000001',
    prac_psn_name: '孙配药',
    prac_psn_type: '3',
    psn_cert_type: '01',
    certno: '110101197210201118',
    prac_psn_no: 'SBX-PH-01',
    prac_psn_cert: 'SBXZYYS0001',
    prac_cert_no: 'SBXZC0001',
    hi_dr_flag: '1',
    begntime: '2018-03-01 00:00:00',
  },
  {
    prac_psn_code: 'Y110101000002',
    prac_psn_name: '钱审方',
    prac_psn_type: '3',
    psn_cert_type: '01',
    certno: '110101198305081221',
    prac_psn_no: 'SBX-PH-02',
    prac_psn_cert: 'SBXZYYS0002',
    prac_cert_no: 'SBXZC0002',
    hi_dr_flag: '1',
    begntime: '2020-09-01 00:00:00',
  },
  {
    prac_psn_code: 'D110101000001',
    prac_psn_name: '郑开方',
    prac_psn_type: '1',
    psn_cert_type: '01',
    certno: '110101196901301332',
    prac_psn_no: 'SBX-DR-01',
    prac_psn_cert: 'SBXYSZG0001',
    prac_cert_no: 'SBXYSZY0001',
    hi_dr_flag: '1',
    begntime: '2015-06-01 00:00:00',
  },
  {
    prac_psn_code: 'D110101000002',
    prac_psn_name: '冯诊疗',
    prac_psn_type: '1',
    psn_cert_type: '01',
    certno: '110101197911261551',
    prac_psn_no: 'SBX-DR-02',
    prac_psn_cert: 'SBXYSZG0002',
    prac_cert_no: 'SBXYSZY0002',
    hi_dr_flag: '1',
    begntime: '2016-01-01 00:00:00',
  },
  {
    prac_psn_code: 'N110101000001',
    prac_psn_name: '何护理',
    prac_psn_type: '2',
    psn_cert_type: '01',
    certno: '110101199208171449',
    prac_psn_no: 'SBX-NS-01',
    prac_psn_cert: 'SBXHSZG0001',
    prac_cert_no: 'SBXHSZY0001',
    hi_dr_flag: '0',
    begntime: '2019-07-01 00:00:00',
  },
];

export interface SandboxInstitution {
  fixmedins_code: string;
  fixmedins_name: string;
  uscc: string;
  fixmedins_type: '1' | '2';
  hosp_lv: string | null;
}

/** Neighbours for 1201 searches; the served pharmacy itself is added at query time from the options. */
export const SANDBOX_INSTITUTIONS: readonly SandboxInstitution[] = [
  {
    fixmedins_code: 'P11010000002',
    fixmedins_name: '沙箱演示连锁药店二店',
    uscc: '91110101SBX0000002',
    fixmedins_type: '2',
    hosp_lv: '11',
  },
  {
    fixmedins_code: 'P11010000003',
    fixmedins_name: '沙箱示范社区药房',
    uscc: '91110101SBX0000003',
    fixmedins_type: '2',
    hosp_lv: '11',
  },
  {
    fixmedins_code: 'H11010000001',
    fixmedins_name: '沙箱模拟人民医院',
    uscc: '12110101SBX0000001',
    fixmedins_type: '1',
    hosp_lv: '01',
  },
];

/**
 * What the e-voucher decode service (NationEcTrans ec.query, card-readers.md §B.1) would answer for
 * a sandbox QR: the token plus the identity fields the counter copies into 1101.
 */
export interface SandboxEcDecode {
  ecToken: string;
  idType: string;
  idNo: string;
  userName: string;
  insuOrg: string;
}

/** Full decode of a sandbox QR text, or null when it is not one of the sandbox's QR codes. */
export function decodeEcQrDetail(qr: string): SandboxEcDecode | null {
  const text = qr.trim();
  const p = SANDBOX_PERSONS.find((x) => x.ec?.qr === text);
  if (!p?.ec) return null;
  return {
    ecToken: p.ec.ec_token,
    idType: p.psn_cert_type,
    idNo: p.certno,
    userName: p.psn_name,
    insuOrg: p.insuplc_admdvs,
  };
}

/** Maps a sandbox QR text to its ecToken (for training mode's stand-in of the decode service); null if unknown. */
export function decodeEcQr(qr: string): string | null {
  return decodeEcQrDetail(qr)?.ecToken ?? null;
}
