import { openDatabase, type Db } from '../db/connection';
import { migrate } from '../db/migrate';
import type { Logger } from '../core/logger';
import { makeInventoryInspector, type InventoryInspector } from './inventory/ledger';
import { SANDBOX_MIGRATIONS } from './migrations';
import { SANDBOX_INSTITUTIONS, SANDBOX_PERSONS, SANDBOX_PRACTITIONERS } from './seed';
import { formatCompact, formatDateTime } from './wire';

/**
 * The sandbox center's persistent state: its own SQLite file (never the till's), STRICT tables,
 * numbered migrations, a deterministic seed. Also the read-only inspection helpers tests use to
 * prove what the center did ("exactly one settlement, then reversed, state clean").
 */

const SEED_VERSION = '1';

export interface PersonRow {
  psn_no: string;
  psn_name: string;
  psn_cert_type: string;
  certno: string;
  gend: string;
  naty: string;
  brdy: string;
  insuplc_admdvs: string;
  emp_name: string | null;
  card_no: string | null;
  card_sn: string | null;
  ec_token: string | null;
  entitled: number;
  not_entitled_reason: string | null;
}

export interface InsuranceRow {
  psn_no: string;
  insutype: string;
  psn_type: string;
  psn_insu_stas: string;
  psn_insu_date: string;
  paus_insu_date: string | null;
  cvlserv_flag: string;
  emp_name: string | null;
  has_account: number;
  balance_fen: number;
}

export interface SignInRow {
  sign_no: string;
  fixmedins_code: string;
  opter: string;
  opter_no: string;
  signed_in_at: string;
  signed_out_at: string | null;
}

export type SettlementKind = 'settle' | 'cancel';
/** settle: active → cancelled (2103) or reversed (2601); cancel: active → reversed (2601) */
export type SettlementStatus = 'active' | 'cancelled' | 'reversed';

export interface SettlementRow {
  setl_id: string;
  kind: SettlementKind;
  status: SettlementStatus;
  orig_setl_id: string | null;
  cancel_setl_id: string | null;
  mdtrt_id: string;
  fixmedins_code: string;
  msgid: string;
  psn_no: string;
  insutype: string;
  med_type: string;
  mdtrt_cert_type: string;
  setl_time: string;
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_selfpay: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  hifp_pay: number;
  pool_prop: string;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  acct_pay: number;
  psn_cash_pay: number;
  balc: number;
  detlcutinfo: string;
  reversed_by_msgid: string | null;
  reversed_at: string | null;
}

export interface FileRow {
  file_qury_no: string;
  fixmedins_code: string;
  filename: string;
  content: Buffer;
  uploaded_at: string;
  dld_endtime: string;
}

/** What a test sees of a settlement or cancellation. Amounts in fen (negative for a cancellation). */
export interface SettlementRecord {
  setlId: string;
  kind: SettlementKind;
  status: SettlementStatus;
  msgid: string;
  psnNo: string;
  mdtrtId: string;
  insutype: string;
  /** for a cancellation: the settlement it cancels */
  origSetlId: string | null;
  /** for a settlement: the cancellation that cancelled it */
  cancelSetlId: string | null;
  medfeeSumamtFen: number;
  fundPaySumamtFen: number;
  acctPayFen: number;
  psnCashPayFen: number;
  /** the 2601 msgid that reversed it */
  reversedByMsgid: string | null;
}

/** Settlements, balances and messages here; the inventory ledger's records in InventoryInspector. */
export interface SandboxInspector extends InventoryInspector {
  settlementByMsgid(msgid: string): SettlementRecord | undefined;
  settlementBySetlId(setlId: string): SettlementRecord | undefined;
  /** all settlements and cancellations, oldest first */
  settlements(): SettlementRecord[];
  /** settlements (2102) that are neither cancelled nor reversed */
  liveSettlementCount(): number;
  /** personal-account balance in fen; undefined when the person does not hold that insutype */
  balanceFen(psnNo: string, insutype?: string): number | undefined;
  /** true once the center has received this msgid (whatever the outcome) */
  msgidSeen(msgid: string): boolean;
}

function toRecord(r: SettlementRow): SettlementRecord {
  return {
    setlId: r.setl_id,
    kind: r.kind,
    status: r.status,
    msgid: r.msgid,
    psnNo: r.psn_no,
    mdtrtId: r.mdtrt_id,
    insutype: r.insutype,
    origSetlId: r.orig_setl_id,
    cancelSetlId: r.cancel_setl_id,
    medfeeSumamtFen: r.medfee_sumamt,
    fundPaySumamtFen: r.fund_pay_sumamt,
    acctPayFen: r.acct_pay,
    psnCashPayFen: r.psn_cash_pay,
    reversedByMsgid: r.reversed_by_msgid,
  };
}

function makeInspector(db: Db): SandboxInspector {
  const bySetl = db.prepare('SELECT * FROM settlements WHERE setl_id = ?');
  const byMsg = db.prepare('SELECT * FROM settlements WHERE msgid = ?');
  return {
    ...makeInventoryInspector(db),
    settlementByMsgid(msgid) {
      const r = byMsg.get(msgid) as SettlementRow | undefined;
      return r && toRecord(r);
    },
    settlementBySetlId(setlId) {
      const r = bySetl.get(setlId) as SettlementRow | undefined;
      return r && toRecord(r);
    },
    settlements() {
      return (db.prepare('SELECT * FROM settlements ORDER BY rowid').all() as SettlementRow[]).map(toRecord);
    },
    liveSettlementCount() {
      return (
        db.prepare("SELECT count(*) AS n FROM settlements WHERE kind = 'settle' AND status = 'active'").get() as {
          n: number;
        }
      ).n;
    },
    balanceFen(psnNo, insutype = '310') {
      const r = db
        .prepare('SELECT balance_fen FROM insurances WHERE psn_no = ? AND insutype = ?')
        .get(psnNo, insutype) as { balance_fen: number } | undefined;
      return r?.balance_fen;
    },
    msgidSeen(msgid) {
      return !!db.prepare('SELECT 1 FROM messages WHERE msgid = ?').get(msgid);
    },
  };
}

/** Read-only view of a sandbox database from another connection (WAL lets it read while the center runs). */
export function openSandboxInspector(dbPath: string): SandboxInspector & { close(): void } {
  const db = openDatabase(dbPath);
  return Object.assign(makeInspector(db), { close: () => db.close() });
}

export class SandboxState {
  readonly inspect: SandboxInspector;

  private constructor(
    readonly db: Db,
    private readonly now: () => Date,
  ) {
    this.inspect = makeInspector(db);
  }

  /** Opens (creating and seeding on first start) the sandbox database. */
  static open(dbPath: string, log: Logger, now: () => Date): SandboxState {
    const db = openDatabase(dbPath);
    try {
      migrate(db, SANDBOX_MIGRATIONS, log, () => now().getTime());
      const state = new SandboxState(db, now);
      state.seedIfEmpty(log);
      return state;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs fn in one IMMEDIATE transaction: a request's effect is all there or not at all. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private seedIfEmpty(log: Logger): void {
    const seeded = this.db.prepare("SELECT value FROM meta WHERE key = 'seed_version'").get() as
      { value: string } | undefined;
    if (seeded) return;
    this.tx(() => {
      const person = this.db.prepare(
        `INSERT INTO persons (psn_no, psn_name, psn_cert_type, certno, gend, naty, brdy, insuplc_admdvs, emp_name,
           card_no, card_sn, ec_token, entitled, not_entitled_reason)
         VALUES (@psn_no, @psn_name, @psn_cert_type, @certno, @gend, @naty, @brdy, @insuplc_admdvs, @emp_name,
           @card_no, @card_sn, @ec_token, @entitled, @not_entitled_reason)`,
      );
      const insurance = this.db.prepare(
        `INSERT INTO insurances (psn_no, insutype, psn_type, psn_insu_stas, psn_insu_date, paus_insu_date,
           cvlserv_flag, emp_name, has_account, balance_fen)
         VALUES (@psn_no, @insutype, @psn_type, @psn_insu_stas, @psn_insu_date, @paus_insu_date,
           @cvlserv_flag, @emp_name, @has_account, @balance_fen)`,
      );
      for (const p of SANDBOX_PERSONS) {
        person.run({
          psn_no: p.psn_no,
          psn_name: p.psn_name,
          psn_cert_type: p.psn_cert_type,
          certno: p.certno,
          gend: p.gend,
          naty: p.naty,
          brdy: p.brdy,
          insuplc_admdvs: p.insuplc_admdvs,
          emp_name: p.insurances[0]?.emp_name ?? null,
          card_no: p.card?.card_no ?? null,
          card_sn: p.card?.card_sn ?? null,
          ec_token: p.ec?.ec_token ?? null,
          entitled: p.entitled ? 1 : 0,
          not_entitled_reason: p.not_entitled_reason ?? null,
        });
        for (const i of p.insurances) {
          insurance.run({
            psn_no: p.psn_no,
            insutype: i.insutype,
            psn_type: i.psn_type,
            psn_insu_stas: i.psn_insu_stas,
            psn_insu_date: i.psn_insu_date,
            paus_insu_date: i.paus_insu_date ?? null,
            cvlserv_flag: i.cvlserv_flag,
            emp_name: i.emp_name ?? null,
            has_account: i.has_account ? 1 : 0,
            balance_fen: i.balance_fen,
          });
        }
      }
      const prac = this.db.prepare(
        `INSERT INTO practitioners (prac_psn_code, prac_psn_name, prac_psn_type, psn_cert_type, certno, prac_psn_no,
           prac_psn_cert, prac_cert_no, hi_dr_flag, begntime)
         VALUES (@prac_psn_code, @prac_psn_name, @prac_psn_type, @psn_cert_type, @certno, @prac_psn_no,
           @prac_psn_cert, @prac_cert_no, @hi_dr_flag, @begntime)`,
      );
      for (const p of SANDBOX_PRACTITIONERS) prac.run(p);
      const inst = this.db.prepare(
        `INSERT INTO institutions (fixmedins_code, fixmedins_name, uscc, fixmedins_type, hosp_lv)
         VALUES (@fixmedins_code, @fixmedins_name, @uscc, @fixmedins_type, @hosp_lv)`,
      );
      for (const i of SANDBOX_INSTITUTIONS) inst.run(i);
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('seed_version', ?)").run(SEED_VERSION);
    });
    log.info('sandbox: database seeded', {
      persons: SANDBOX_PERSONS.length,
      practitioners: SANDBOX_PRACTITIONERS.length,
    });
  }

  /** Next value of a named counter (1, 2, …), inside the caller's transaction. */
  nextSeq(name: string): number {
    const row = this.db
      .prepare(
        'INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value',
      )
      .get(name) as { value: number };
    return row.value;
  }

  /** An id like SBXS20250101000000000001: prefix + Beijing date-time + zero-padded counter, at most 30 chars. */
  newId(prefix: string, seqName: string, width = 8): string {
    return `${prefix}${formatCompact(this.now())}${String(this.nextSeq(seqName)).padStart(width, '0')}`;
  }

  // --- persons --------------------------------------------------------------------------------

  person(psnNo: string): PersonRow | undefined {
    return this.db.prepare('SELECT * FROM persons WHERE psn_no = ?').get(psnNo) as PersonRow | undefined;
  }

  personBy(column: 'certno' | 'card_no' | 'ec_token', value: string): PersonRow | undefined {
    return this.db.prepare(`SELECT * FROM persons WHERE ${column} = ?`).get(value) as PersonRow | undefined;
  }

  insurances(psnNo: string): InsuranceRow[] {
    return this.db.prepare('SELECT * FROM insurances WHERE psn_no = ? ORDER BY insutype').all(psnNo) as InsuranceRow[];
  }

  insurance(psnNo: string, insutype: string): InsuranceRow | undefined {
    return this.db.prepare('SELECT * FROM insurances WHERE psn_no = ? AND insutype = ?').get(psnNo, insutype) as
      InsuranceRow | undefined;
  }

  /** Adds delta (may be negative) to a personal-account balance; the CHECK keeps it from going below 0. */
  adjustBalance(psnNo: string, insutype: string, deltaFen: number): void {
    this.db
      .prepare('UPDATE insurances SET balance_fen = balance_fen + ? WHERE psn_no = ? AND insutype = ?')
      .run(deltaFen, psnNo, insutype);
  }

  practitioners(): {
    prac_psn_code: string;
    prac_psn_name: string;
    prac_psn_type: string;
    psn_cert_type: string;
    certno: string;
    prac_psn_no: string | null;
    prac_psn_cert: string | null;
    prac_cert_no: string | null;
    hi_dr_flag: string;
    begntime: string;
  }[] {
    return this.db.prepare('SELECT * FROM practitioners ORDER BY prac_psn_code').all() as never;
  }

  institutions(): {
    fixmedins_code: string;
    fixmedins_name: string;
    uscc: string;
    fixmedins_type: string;
    hosp_lv: string | null;
  }[] {
    return this.db.prepare('SELECT * FROM institutions ORDER BY fixmedins_code').all() as never;
  }

  // --- sign-in --------------------------------------------------------------------------------

  signIn(fixmedinsCode: string, opter: string, opterNo: string, mac: string | null, ip: string | null): SignInRow {
    const signNo = this.newId('SBX', 'sign_no', 6);
    const at = formatDateTime(this.now());
    this.db
      .prepare(
        `INSERT INTO sign_ins (sign_no, fixmedins_code, opter, opter_no, mac, ip, signed_in_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(signNo, fixmedinsCode, opter, opterNo, mac, ip, at);
    return this.signInRow(signNo)!;
  }

  signInRow(signNo: string): SignInRow | undefined {
    return this.db.prepare('SELECT * FROM sign_ins WHERE sign_no = ?').get(signNo) as SignInRow | undefined;
  }

  signOut(signNo: string): string {
    const at = formatDateTime(this.now());
    this.db.prepare('UPDATE sign_ins SET signed_out_at = ? WHERE sign_no = ?').run(at, signNo);
    return at;
  }

  // --- messages -------------------------------------------------------------------------------

  msgidSeen(fixmedinsCode: string, msgid: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM messages WHERE fixmedins_code = ? AND msgid = ?').get(fixmedinsCode, msgid);
  }

  recordMessage(fixmedinsCode: string, msgid: string, infno: string, infcode: 0 | -1, errMsg: string | null): void {
    this.db
      .prepare(
        `INSERT INTO messages (fixmedins_code, msgid, infno, received_at, infcode, err_msg) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (fixmedins_code, msgid) DO NOTHING`,
      )
      .run(fixmedinsCode, msgid, infno, formatDateTime(this.now()), infcode, errMsg);
  }

  // --- settlements ----------------------------------------------------------------------------

  insertSettlement(row: Omit<SettlementRow, 'reversed_by_msgid' | 'reversed_at' | 'cancel_setl_id'>): void {
    this.db
      .prepare(
        `INSERT INTO settlements (setl_id, kind, status, orig_setl_id, mdtrt_id, fixmedins_code, msgid, psn_no, insutype,
           med_type, mdtrt_cert_type, setl_time, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt,
           inscp_scp_amt, hifp_pay, pool_prop, fund_pay_sumamt, psn_part_amt, acct_pay, psn_cash_pay, balc, detlcutinfo)
         VALUES (@setl_id, @kind, @status, @orig_setl_id, @mdtrt_id, @fixmedins_code, @msgid, @psn_no, @insutype,
           @med_type, @mdtrt_cert_type, @setl_time, @medfee_sumamt, @fulamt_ownpay_amt, @overlmt_selfpay,
           @preselfpay_amt, @inscp_scp_amt, @hifp_pay, @pool_prop, @fund_pay_sumamt, @psn_part_amt, @acct_pay,
           @psn_cash_pay, @balc, @detlcutinfo)`,
      )
      .run(row);
  }

  settlement(setlId: string): SettlementRow | undefined {
    return this.db.prepare('SELECT * FROM settlements WHERE setl_id = ?').get(setlId) as SettlementRow | undefined;
  }

  settlementByMsgid(fixmedinsCode: string, msgid: string): SettlementRow | undefined {
    return this.db
      .prepare('SELECT * FROM settlements WHERE fixmedins_code = ? AND msgid = ?')
      .get(fixmedinsCode, msgid) as SettlementRow | undefined;
  }

  setSettlementStatus(
    setlId: string,
    status: SettlementStatus,
    extra: { cancel_setl_id?: string | null; reversed_by_msgid?: string; reversed_at?: string } = {},
  ): void {
    const sets = ['status = @status'];
    if ('cancel_setl_id' in extra) sets.push('cancel_setl_id = @cancel_setl_id');
    if (extra.reversed_by_msgid !== undefined) sets.push('reversed_by_msgid = @reversed_by_msgid');
    if (extra.reversed_at !== undefined) sets.push('reversed_at = @reversed_at');
    this.db.prepare(`UPDATE settlements SET ${sets.join(', ')} WHERE setl_id = @setl_id`).run({
      setl_id: setlId,
      status,
      cancel_setl_id: extra.cancel_setl_id ?? null,
      reversed_by_msgid: extra.reversed_by_msgid ?? null,
      reversed_at: extra.reversed_at ?? null,
    });
  }

  // --- files ----------------------------------------------------------------------------------

  /**
   * Stores a file for 9102 and returns its file_qury_no. Also the way other parts of the sandbox
   * (e.g. a generated catalogue for 1301–1319) publish a file: call it, hand out the number.
   */
  storeFile(fixmedinsCode: string, filename: string, content: Uint8Array, validForMs = 24 * 3600 * 1000): FileRow {
    if (!this.db.inTransaction) return this.tx(() => this.storeFile(fixmedinsCode, filename, content, validForMs));
    const fileQuryNo = `fsi/sbx/${String(this.nextSeq('file_qury_no')).padStart(10, '0')}`;
    const now = this.now();
    const row: FileRow = {
      file_qury_no: fileQuryNo,
      fixmedins_code: fixmedinsCode,
      filename,
      content: Buffer.from(content),
      uploaded_at: formatDateTime(now),
      dld_endtime: formatDateTime(new Date(now.getTime() + validForMs)),
    };
    this.db
      .prepare(
        `INSERT INTO files (file_qury_no, fixmedins_code, filename, content, uploaded_at, dld_endtime)
         VALUES (@file_qury_no, @fixmedins_code, @filename, @content, @uploaded_at, @dld_endtime)`,
      )
      .run(row);
    return row;
  }

  file(fileQuryNo: string): FileRow | undefined {
    return this.db.prepare('SELECT * FROM files WHERE file_qury_no = ?').get(fileQuryNo) as FileRow | undefined;
  }
}
