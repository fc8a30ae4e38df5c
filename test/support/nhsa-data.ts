import type { Db } from '../../app/db/connection';
import { SANDBOX_DRUGS, SANDBOX_PERSONS, type SandboxPerson } from '../../app/sandbox';

/**
 * Inputs for the NHSA tests, written from the sandbox's seed and README rules — never from the
 * client's own builders — and the amounts they must produce, computed by hand in the comments.
 */

export function person(name: string): SandboxPerson {
  const p = SANDBOX_PERSONS.find((x) => x.psn_name === name);
  if (!p) throw new Error(`no sandbox person ${name}`);
  return p;
}

export const WANG = person('王培训'); // 310, balance 1000.00, all three media
export const YANG = person('杨停保'); // 310, suspended: not entitled
export const ZHANG = person('张沙箱'); // 390, no account, e-voucher

export function drug(prefix: string) {
  const d = SANDBOX_DRUGS.find((x) => x.name.startsWith(prefix));
  if (!d) throw new Error(`no sandbox drug ${prefix}`);
  return d;
}

/** Beijing wall time "yyyy-MM-dd HH:mm:ss", computed independently of the client's helper. */
export function beijing(at: Date | number = Date.now()): string {
  const t = typeof at === 'number' ? at : at.getTime();
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Beijing wall time "yyyyMMddHHmmss". */
export function beijingCompact(at: Date | number = Date.now()): string {
  return beijing(at).replace(/[- :]/g, '');
}

/**
 * A mixed basket (甲, 乙, 乙 above its price limit, 丙, 饮片 by the gram). By the sandbox's rules
 * (README "Business rules"), in fen:
 *
 *   阿莫西林 甲  2 × 12.50   = 2500  → in scope 2500
 *   布洛芬   乙  1 × 18.80   = 1880  → 先行自付 188 (10%), in scope 1692
 *   氨氯地平 乙  1 × 32.00   = 3200  → limit 30.00: 超限价 200; 先行自付 300; in scope 2700
 *   维生素E  丙  1 × 25.00   = 2500  → 全自费 2500
 *   黄芪     乙 30 × 0.0856  = 2.568 → 257 (half-up); 先行自付 26 (25.7 half-up); in scope 231
 *
 *   medfee 10337; 全自费 2500; 超限价 200; 先行自付 514; in scope 7123
 *   310 fund 60% of 7123 = 4273.8 → 4274; psn_part = 10337 − 4274 = 6063
 *   account (when used) = 先行自付 + scope − fund = 514 + 7123 − 4274 = 3363 (≤ balance 100000)
 *   cash = 6063 − 3363 = 2700 (= 全自费 + 超限价) with the account, 6063 without
 */
export const MIXED = {
  medfeeFen: 10337,
  fulamtOwnpayFen: 2500,
  overlmtFen: 200,
  preselfpayFen: 514,
  inscpFen: 7123,
  fundFen: 4274,
  psnPartFen: 6063,
  acctFen: 3363,
};

export function mixedBasket(opts: { acct: boolean; p?: SandboxPerson; at?: Date; insutype?: string }) {
  const p = opts.p ?? WANG;
  const at = beijing(opts.at ?? new Date());
  const line = (sn: string, prefix: string, cnt: string, pric: string, fee: string) => {
    const d = drug(prefix);
    return {
      feedetl_sn: sn,
      rx_circ_flag: '0',
      fee_ocur_time: at,
      med_list_codg: d.med_list_codg,
      medins_list_codg: d.medins_list_codg,
      det_item_fee_sumamt: fee,
      cnt,
      pric,
    };
  };
  return {
    druginfo: {
      psn_no: p.psn_no,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: p.certno,
      begntime: at,
      medfee_sumamt: '103.37',
      insutype: opts.insutype ?? p.insurances[0]!.insutype,
      acct_used_flag: opts.acct ? '1' : '0',
      med_type: '41',
    },
    drugdetail: [
      line('1', '阿莫西林', '2', '12.50', '25.00'),
      line('2', '布洛芬', '1', '18.80', '18.80'),
      line('3', '苯磺酸氨氯地平', '1', '32.00', '32.00'),
      line('4', '维生素E', '1', '25.00', '25.00'),
      line('5', '黄芪', '30', '0.0856', '2.57'),
    ],
  };
}

/** One box of amoxicillin: 12.50, 310 fund 7.50, account 5.00 when used. */
export function oneBox(opts: { acct?: boolean; p?: SandboxPerson; at?: Date } = {}) {
  const p = opts.p ?? WANG;
  const at = beijing(opts.at ?? new Date());
  const d = drug('阿莫西林');
  return {
    druginfo: {
      psn_no: p.psn_no,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: p.certno,
      begntime: at,
      medfee_sumamt: '12.50',
      insutype: p.insurances[0]!.insutype,
      acct_used_flag: opts.acct === false ? '0' : '1',
      med_type: '41',
    },
    drugdetail: [
      {
        feedetl_sn: '1',
        rx_circ_flag: '0',
        fee_ocur_time: at,
        med_list_codg: d.med_list_codg,
        medins_list_codg: d.medins_list_codg,
        det_item_fee_sumamt: '12.50',
        cnt: '1',
        pric: '12.50',
      },
    ],
  };
}

export interface JournalDbRow {
  msgid: string;
  infno: string;
  outcome: string;
  infcode: string | null;
  source: string;
  operator_id: number | null;
  psn_no: string | null;
  request: string;
  response: string | null;
  err_msg: string | null;
  warnings: string | null;
}

/** The journal as stored, oldest first. */
export function journalRows(db: Db, infno?: string): JournalDbRow[] {
  const rows = db.prepare('SELECT * FROM nhsa_journal ORDER BY id').all() as JournalDbRow[];
  return infno ? rows.filter((r) => r.infno === infno) : rows;
}

export interface ReversalDbRow {
  omsgid: string;
  oinfno: string;
  psn_no: string;
  state: string;
  reason: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  reversal_msgid: string | null;
}

export function reversalRows(db: Db): ReversalDbRow[] {
  return db.prepare('SELECT * FROM nhsa_reversals ORDER BY id').all() as ReversalDbRow[];
}
