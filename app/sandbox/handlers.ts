import { zipSync } from 'fflate';
import type { InterfaceSpec } from '../nhsa/registry/types';
import { SETTLEMENT_INTERFACES } from '../nhsa/registry/settlement';
import type { DrugCatalogue } from './drugs';
import type { SandboxCatalogues } from './catalogue/catalogues';
import { CATALOGUE_HANDLERS } from './catalogue/handlers';
import { INVENTORY_HANDLERS } from './inventory/handlers';
import { refuse } from './refusal';
import { POLICY, settleSplit, splitItems, type DetailInput, type ItemSplit, type Split } from './rules';
import { isValidIdNumber } from './seed';
import type { InsuranceRow, PersonRow, SandboxState, SettlementRow, SignInRow } from './state';
import { Dec, ageOn, formatDateTime, money } from './wire';

/**
 * One entry per supported infno. Adding an interface = adding one entry to HANDLERS: its spec
 * (from the registry; the server validates `input` against it before `run`) and what it does.
 * `run` executes inside the request's transaction; it refuses with refuse(…) (→ infcode -1, the
 * transaction rolls back) and returns the reply's `output`, or bytes for a file download.
 */

export interface HandlerContext {
  state: SandboxState;
  /** the request envelope as received */
  envelope: Record<string, unknown>;
  /** the envelope's input, validated against the spec */
  input: Record<string, unknown>;
  msgid: string;
  /** the pharmacy this center serves */
  fixmedinsCode: string;
  fixmedinsName: string;
  /** the live sign-in (absent for 9001) */
  signIn: SignInRow | null;
  now: Date;
  catalogue: DrugCatalogue;
  /** the national catalogues (13xx, 1901, 3301/3302): app/sandbox/catalogue */
  catalogues: SandboxCatalogues;
}

export type HandlerResult = { output: unknown } | { file: Buffer; filename: string };

export interface HandlerDef {
  spec: InterfaceSpec;
  /** only 9001 may be called without a live sign_no */
  withoutSignIn?: boolean;
  run(ctx: HandlerContext): HandlerResult;
}

function spec(infno: string): InterfaceSpec {
  const s = SETTLEMENT_INTERFACES.find((x) => x.infno === infno);
  if (!s) throw new Error(`no registry spec for ${infno}`);
  return s;
}

type Obj = Record<string, unknown>;
const node = (input: Obj, name: string): Obj => (input[name] ?? {}) as Obj;
/** A C field's value: validated as a string (or absent) before run() */
const str = (o: Obj, k: string): string => (typeof o[k] === 'string' ? (o[k] as string).trim() : '');

/** The person a psn_no names, after checking the envelope's insuplc_admdvs against their insurance region. */
function personFor(ctx: HandlerContext, psnNo: string): PersonRow {
  const p = ctx.state.person(psnNo);
  if (!p) refuse(`人员编号psn_no“${psnNo}”不存在`);
  const insuplc = str(ctx.envelope, 'insuplc_admdvs');
  if (insuplc !== p.insuplc_admdvs) {
    refuse(
      `参保地医保区划insuplc_admdvs“${insuplc}”与该参保人的参保地${p.insuplc_admdvs}不符（应取1101返回的insuinfo.insuplc_admdvs）`,
    );
  }
  return p;
}

function insuranceFor(ctx: HandlerContext, p: PersonRow, insutype: string): InsuranceRow {
  const i = ctx.state.insurance(p.psn_no, insutype);
  if (!i) {
    const held = ctx.state
      .insurances(p.psn_no)
      .map((x) => x.insutype)
      .join('/');
    refuse(`该参保人未参加险种${insutype}（已参保险种：${held}）`);
  }
  return i;
}

function entitled(p: PersonRow, i: InsuranceRow): boolean {
  return p.entitled === 1 && i.psn_insu_stas === '1';
}

function notEntitledReason(p: PersonRow): string {
  return p.not_entitled_reason ?? '参保状态异常，暂停享受医保基金待遇';
}

/** The identification medium of a settlement must name the same person as psn_no. */
function checkMedium(p: PersonRow, certType: string, certNo: string): void {
  const expected =
    certType === '01' ? p.ec_token : certType === '02' ? p.certno : certType === '03' ? p.card_no : undefined;
  if (expected === undefined) refuse(`就诊凭证类型mdtrt_cert_type“${certType}”无效（01电子凭证/02身份证/03社保卡）`);
  if (expected === null || expected !== certNo) refuse('就诊凭证编号mdtrt_cert_no与人员编号psn_no不是同一参保人');
}

function age(p: PersonRow, now: Date): Dec {
  return new Dec(`${ageOn(p.brdy, now)}.0`);
}

// --- 9001 / 9002 ---------------------------------------------------------------------------------

const signIn: HandlerDef = {
  spec: spec('9001'),
  withoutSignIn: true,
  run(ctx) {
    const s = node(ctx.input, 'signIn');
    const row = ctx.state.signIn(
      ctx.fixmedinsCode,
      str(ctx.envelope, 'opter'),
      str(s, 'opter_no'),
      str(s, 'mac') || null,
      str(s, 'ip') || null,
    );
    return { output: { signinoutb: { sign_time: row.signed_in_at, sign_no: row.sign_no } } };
  },
};

const signOut: HandlerDef = {
  spec: spec('9002'),
  run(ctx) {
    const s = node(ctx.input, 'signOut');
    const target = str(s, 'sign_no') || ctx.signIn!.sign_no;
    const row = ctx.state.signInRow(target);
    if (!row || row.fixmedins_code !== ctx.fixmedinsCode) refuse(`签到编号sign_no“${target}”不存在`);
    if (row.signed_out_at) refuse('该签到编号已签退');
    if (row.opter !== str(ctx.envelope, 'opter')) refuse('只能签退本经办人的签到');
    const at = ctx.state.signOut(target);
    return { output: { signoutoutb: { sign_time: at } } };
  },
};

// --- 1101 --------------------------------------------------------------------------------------

const personInfo: HandlerDef = {
  spec: spec('1101'),
  run(ctx) {
    const d = node(ctx.input, 'data');
    const type = str(d, 'mdtrt_cert_type');
    const no = str(d, 'mdtrt_cert_no');
    let p: PersonRow | undefined;
    if (type === '01') {
      p = ctx.state.personBy('ec_token', no);
    } else if (type === '02') {
      if (/^\d{17}x$/.test(no)) refuse('居民身份证号码末位校验码X应为大写');
      if (!isValidIdNumber(no)) refuse('居民身份证号码格式或校验位错误，请核对证件号码');
      p = ctx.state.personBy('certno', no);
    } else if (type === '03') {
      const sn = str(d, 'card_sn');
      if (!sn) refuse('使用社会保障卡（mdtrt_cert_type=03）时卡识别码card_sn不能为空');
      p = ctx.state.personBy('card_no', no);
      if (p && p.card_sn !== sn) refuse('卡识别码card_sn与社会保障卡卡号不符，请重新读卡');
    } else {
      refuse(`就诊凭证类型mdtrt_cert_type“${type}”无效（01医保电子凭证/02居民身份证/03社会保障卡）`);
    }
    if (!p) refuse('未查询到该就诊凭证对应的参保人员信息');
    const certno = str(d, 'certno');
    if (certno && certno !== p.certno) refuse('证件号码certno与就诊凭证不是同一人');
    const name = str(d, 'psn_name');
    if (name && name !== p.psn_name) refuse('人员姓名psn_name与就诊凭证不符');
    return {
      output: {
        baseinfo: {
          psn_no: p.psn_no,
          psn_cert_type: p.psn_cert_type,
          certno: p.certno,
          psn_name: p.psn_name,
          gend: p.gend,
          naty: p.naty,
          brdy: p.brdy,
          age: age(p, ctx.now),
          exp_content: null,
        },
        insuinfo: ctx.state.insurances(p.psn_no).map((i) => ({
          balc: money(i.balance_fen),
          insutype: i.insutype,
          psn_type: i.psn_type,
          psn_insu_stas: i.psn_insu_stas,
          psn_insu_date: i.psn_insu_date,
          paus_insu_date: i.paus_insu_date,
          cvlserv_flag: i.cvlserv_flag,
          insuplc_admdvs: p.insuplc_admdvs,
          emp_name: i.emp_name,
        })),
        idetinfo: [],
      },
    };
  },
};

// --- 2001 --------------------------------------------------------------------------------------

const entitlement: HandlerDef = {
  spec: spec('2001'),
  run(ctx) {
    const d = node(ctx.input, 'data');
    const p = personFor(ctx, str(d, 'psn_no'));
    if (str(d, 'fixmedins_code') !== ctx.fixmedinsCode) {
      refuse(`data.fixmedins_code“${str(d, 'fixmedins_code')}”与报文头的定点医药机构编号不符`);
    }
    const insutype = str(d, 'insutype');
    const i = insuranceFor(ctx, p, insutype);
    const ok = entitled(p, i);
    return {
      output: {
        trtinfo: [
          {
            psn_no: p.psn_no,
            trt_chk_type: '01',
            fund_pay_type: POLICY.poolFundType[insutype] ?? `${insutype}100`,
            trt_enjymnt_flag: ok ? '1' : '0',
            begndate: i.psn_insu_date,
            enddate: i.paus_insu_date,
            trt_chk_rslt: ok ? '享受基金待遇' : notEntitledReason(p),
          },
        ],
      },
    };
  },
};

// --- 2101 / 2102 -------------------------------------------------------------------------------

function setldetail(insutype: string, inscpFen: number, hifpFen: number, prop: string, sign = 1) {
  return [
    {
      fund_pay_type: POLICY.poolFundType[insutype] ?? `${insutype}100`,
      inscp_scp_amt: money(sign * inscpFen),
      crt_payb_lmt_amt: null,
      fund_payamt: money(sign * hifpFen),
      fund_pay_type_name: POLICY.poolFundName[insutype] ?? '',
      setl_proc_info: `符合政策范围金额×统筹支付比例${prop}`,
    },
  ];
}

function detlcutinfo(items: readonly ItemSplit[]) {
  return items.map((x) => ({
    feedetl_sn: x.feedetl_sn,
    det_item_fee_sumamt: money(x.fee),
    cnt: new Dec(x.cnt),
    pric: new Dec(x.pric),
    pric_uplmt_amt: new Dec(x.pric_uplmt_amt),
    selfpay_prop: new Dec(x.selfpay_prop),
    fulamt_ownpay_amt: money(x.fulamt_ownpay_amt),
    overlmt_amt: money(x.overlmt_amt),
    preselfpay_amt: money(x.preselfpay_amt),
    inscp_scp_amt: money(x.inscp_scp_amt),
    chrgitm_lv: x.chrgitm_lv,
    med_chrgitm_type: x.med_chrgitm_type,
    bas_medn_flag: x.bas_medn_flag,
    hi_nego_drug_flag: x.hi_nego_drug_flag,
    chld_medc_flag: '0',
    list_sp_item_flag: '0',
    drt_reim_flag: '0',
    memo: x.memo,
  }));
}

function purchase(ctx: HandlerContext, commit: boolean): HandlerResult {
  const info = node(ctx.input, 'druginfo');
  const details = ctx.input.drugdetail as DetailInput[];
  const p = personFor(ctx, str(info, 'psn_no'));
  const certType = str(info, 'mdtrt_cert_type');
  checkMedium(p, certType, str(info, 'mdtrt_cert_no'));
  const medType = str(info, 'med_type');
  if (!(POLICY.medTypes as readonly string[]).includes(medType)) {
    refuse(`沙箱不支持医疗类别med_type“${medType}”的药店结算（支持：${POLICY.medTypes.join('/')}）`);
  }
  const insutype = str(info, 'insutype');
  const i = insuranceFor(ctx, p, insutype);
  if (!entitled(p, i)) refuse(`该参保人不享受医保待遇：${notEntitledReason(p)}。不能进行医保结算，请按自费收费`);
  const parts = splitItems(details, info.medfee_sumamt, ctx.catalogue);
  const split: Split = settleSplit(
    parts,
    insutype,
    { has_account: i.has_account === 1, balance_fen: i.balance_fen },
    str(info, 'acct_used_flag') === '1',
  );
  const setlTime = formatDateTime(ctx.now);
  const mdtrtId = ctx.state.newId('SBXM', 'mdtrt_id', 10);
  const setlId = commit ? ctx.state.newId('SBXS', 'setl_id', 10) : null;
  if (commit && setlId) {
    ctx.state.insertSettlement({
      setl_id: setlId,
      kind: 'settle',
      status: 'active',
      orig_setl_id: null,
      mdtrt_id: mdtrtId,
      fixmedins_code: ctx.fixmedinsCode,
      msgid: ctx.msgid,
      psn_no: p.psn_no,
      insutype,
      med_type: medType,
      mdtrt_cert_type: certType,
      setl_time: setlTime,
      medfee_sumamt: split.medfee_sumamt,
      fulamt_ownpay_amt: split.fulamt_ownpay_amt,
      overlmt_selfpay: split.overlmt_selfpay,
      preselfpay_amt: split.preselfpay_amt,
      inscp_scp_amt: split.inscp_scp_amt,
      hifp_pay: split.hifp_pay,
      pool_prop: split.pool_prop,
      fund_pay_sumamt: split.fund_pay_sumamt,
      psn_part_amt: split.psn_part_amt,
      acct_pay: split.acct_pay,
      psn_cash_pay: split.psn_cash_pay,
      balc: split.balc,
      detlcutinfo: JSON.stringify(split.items),
    });
    if (split.acct_pay > 0) ctx.state.adjustBalance(p.psn_no, insutype, -split.acct_pay);
  }
  return {
    output: {
      setlinfo: {
        setl_id: setlId,
        mdtrt_id: mdtrtId,
        psn_no: p.psn_no,
        psn_name: p.psn_name,
        psn_cert_type: p.psn_cert_type,
        certno: p.certno,
        gend: p.gend,
        naty: p.naty,
        brdy: p.brdy,
        age: age(p, ctx.now),
        insutype,
        psn_type: i.psn_type,
        cvlserv_flag: i.cvlserv_flag,
        setl_time: setlTime,
        mdtrt_cert_type: certType,
        med_type: medType,
        medfee_sumamt: money(split.medfee_sumamt),
        fulamt_ownpay_amt: money(split.fulamt_ownpay_amt),
        overlmt_selfpay: money(split.overlmt_selfpay),
        preselfpay_amt: money(split.preselfpay_amt),
        inscp_scp_amt: money(split.inscp_scp_amt),
        act_pay_dedc: money(split.act_pay_dedc),
        hifp_pay: money(split.hifp_pay),
        pool_prop_selfpay: new Dec(split.pool_prop),
        cvlserv_pay: money(0),
        hifes_pay: money(0),
        hifmi_pay: money(0),
        hifob_pay: money(0),
        maf_pay: money(0),
        oth_pay: money(0),
        fund_pay_sumamt: money(split.fund_pay_sumamt),
        psn_part_amt: money(split.psn_part_amt),
        acct_pay: money(split.acct_pay),
        psn_cash_pay: money(split.psn_cash_pay),
        balc: money(split.balc),
        acct_mulaid_pay: money(0),
        medins_setl_id: ctx.msgid,
        clr_optins: p.insuplc_admdvs,
        clr_way: '01',
        clr_type: '41',
      },
      setldetail: setldetail(insutype, split.inscp_scp_amt, split.hifp_pay, split.pool_prop),
      detlcutinfo: detlcutinfo(split.items),
    },
  };
}

const preSettle: HandlerDef = { spec: spec('2101'), run: (ctx) => purchase(ctx, false) };
const settle: HandlerDef = { spec: spec('2102'), run: (ctx) => purchase(ctx, true) };

// --- 2103 --------------------------------------------------------------------------------------

const cancel: HandlerDef = {
  spec: spec('2103'),
  run(ctx) {
    const d = node(ctx.input, 'data');
    const p = personFor(ctx, str(d, 'psn_no'));
    const orig = ctx.state.settlement(str(d, 'setl_id'));
    if (!orig || orig.kind !== 'settle' || orig.fixmedins_code !== ctx.fixmedinsCode) {
      refuse(`结算ID setl_id“${str(d, 'setl_id')}”不存在`);
    }
    if (orig.mdtrt_id !== str(d, 'mdtrt_id')) refuse('就诊ID mdtrt_id与该结算记录不符');
    if (orig.psn_no !== p.psn_no) refuse('人员编号psn_no与该结算记录不符');
    if (orig.status === 'cancelled') refuse('该结算已撤销，不能重复撤销');
    if (orig.status === 'reversed') refuse('该结算已被冲正，无需撤销');
    if (orig.acct_pay > 0) ctx.state.adjustBalance(p.psn_no, orig.insutype, orig.acct_pay);
    const balc = ctx.state.insurance(p.psn_no, orig.insutype)?.balance_fen ?? 0;
    const setlId = ctx.state.newId('SBXS', 'setl_id', 10);
    const setlTime = formatDateTime(ctx.now);
    ctx.state.insertSettlement({
      setl_id: setlId,
      kind: 'cancel',
      status: 'active',
      orig_setl_id: orig.setl_id,
      mdtrt_id: orig.mdtrt_id,
      fixmedins_code: ctx.fixmedinsCode,
      msgid: ctx.msgid,
      psn_no: p.psn_no,
      insutype: orig.insutype,
      med_type: orig.med_type,
      mdtrt_cert_type: orig.mdtrt_cert_type,
      setl_time: setlTime,
      medfee_sumamt: -orig.medfee_sumamt,
      fulamt_ownpay_amt: -orig.fulamt_ownpay_amt,
      overlmt_selfpay: -orig.overlmt_selfpay,
      preselfpay_amt: -orig.preselfpay_amt,
      inscp_scp_amt: -orig.inscp_scp_amt,
      hifp_pay: -orig.hifp_pay,
      pool_prop: orig.pool_prop,
      fund_pay_sumamt: -orig.fund_pay_sumamt,
      psn_part_amt: -orig.psn_part_amt,
      acct_pay: -orig.acct_pay,
      psn_cash_pay: -orig.psn_cash_pay,
      balc,
      detlcutinfo: orig.detlcutinfo,
    });
    ctx.state.setSettlementStatus(orig.setl_id, 'cancelled', { cancel_setl_id: setlId });
    return {
      output: {
        setlinfo: {
          mdtrt_id: orig.mdtrt_id,
          setl_id: setlId,
          clr_optins: p.insuplc_admdvs,
          medfee_sumamt: money(-orig.medfee_sumamt),
          setl_time: setlTime,
          fulamt_ownpay_amt: money(-orig.fulamt_ownpay_amt),
          overlmt_selfpay: money(-orig.overlmt_selfpay),
          preselfpay_amt: money(-orig.preselfpay_amt),
          inscp_scp_amt: money(-orig.inscp_scp_amt),
          act_pay_dedc: money(0),
          hifp_pay: money(-orig.hifp_pay),
          pool_prop_selfpay: new Dec(orig.pool_prop),
          cvlserv_pay: money(0),
          hifes_pay: money(0),
          hifmi_pay: money(0),
          hifob_pay: money(0),
          maf_pay: money(0),
          oth_pay: money(0),
          fund_pay_sumamt: money(-orig.fund_pay_sumamt),
          psn_pay: money(-orig.psn_part_amt),
          acct_pay: money(-orig.acct_pay),
          cash_payamt: money(-orig.psn_cash_pay),
          balc: money(balc),
          acct_mulaid_pay: money(0),
          medins_setl_id: ctx.msgid,
        },
        setldetail: setldetail(orig.insutype, orig.inscp_scp_amt, orig.hifp_pay, orig.pool_prop, -1),
      },
    };
  },
};

// --- 2601 --------------------------------------------------------------------------------------

/**
 * Reversal by original msgid. The center's choices: nothing done under that msgid (never received,
 * refused, or a 2101) → infcode 0, there is nothing to reverse, so the client's "reverse when unsure"
 * path always ends cleanly; already reversed → infcode 0 again (idempotent).
 */
const reverse: HandlerDef = {
  spec: spec('2601'),
  run(ctx) {
    const d = node(ctx.input, 'data');
    const p = personFor(ctx, str(d, 'psn_no'));
    const oinfno = str(d, 'oinfno');
    if (oinfno !== '2102' && oinfno !== '2103') refuse(`原交易编号oinfno“${oinfno}”不可冲正（药店可冲正：2102、2103）`);
    const row = ctx.state.settlementByMsgid(ctx.fixmedinsCode, str(d, 'omsgid'));
    if (!row) return { output: {} };
    const rowInfno = row.kind === 'settle' ? '2102' : '2103';
    if (rowInfno !== oinfno) refuse(`原报文${row.msgid}是${rowInfno}交易，与原交易编号oinfno“${oinfno}”不符`);
    if (row.psn_no !== p.psn_no) refuse('人员编号psn_no与原交易的参保人不符');
    if (row.status === 'reversed') return { output: {} };
    const at = formatDateTime(ctx.now);
    if (row.kind === 'settle') {
      if (row.status === 'cancelled') {
        refuse('原结算已被撤销（2103），不能再冲正；如需恢复，请先冲正撤销交易');
      }
      if (row.acct_pay > 0) ctx.state.adjustBalance(row.psn_no, row.insutype, row.acct_pay);
      ctx.state.setSettlementStatus(row.setl_id, 'reversed', { reversed_by_msgid: ctx.msgid, reversed_at: at });
      return { output: {} };
    }
    // Undo a cancellation: the original settlement becomes active again and the account pays again.
    const orig = ctx.state.settlement(row.orig_setl_id ?? '') as SettlementRow;
    if (orig.acct_pay > 0) {
      const balance = ctx.state.insurance(row.psn_no, row.insutype)?.balance_fen ?? 0;
      if (balance < orig.acct_pay) refuse('个人账户余额已不足原结算的账户支付金额，无法冲正该撤销交易');
      ctx.state.adjustBalance(row.psn_no, row.insutype, -orig.acct_pay);
    }
    ctx.state.setSettlementStatus(row.setl_id, 'reversed', { reversed_by_msgid: ctx.msgid, reversed_at: at });
    ctx.state.setSettlementStatus(orig.setl_id, 'active', { cancel_setl_id: null });
    return { output: {} };
  },
};

// --- 1201 / 5102 / 100001 ----------------------------------------------------------------------

const institutions: HandlerDef = {
  spec: spec('1201'),
  run(ctx) {
    const q = node(ctx.input, 'medinsinfo');
    const type = str(q, 'fixmedins_type');
    const name = str(q, 'fixmedins_name');
    const code = str(q, 'fixmedins_code');
    const all = [
      {
        fixmedins_code: ctx.fixmedinsCode,
        fixmedins_name: ctx.fixmedinsName,
        uscc: '91110101SBX0000001',
        fixmedins_type: '2',
        hosp_lv: '11',
      },
      ...ctx.state.institutions().filter((x) => x.fixmedins_code !== ctx.fixmedinsCode),
    ];
    const medinsinfo = all.filter(
      (x) =>
        x.fixmedins_type === type && (!name || x.fixmedins_name.includes(name)) && (!code || x.fixmedins_code === code),
    );
    return { output: { medinsinfo } };
  },
};

const practitioners: HandlerDef = {
  spec: spec('5102'),
  run(ctx) {
    const q = node(ctx.input, 'data');
    const type = str(q, 'prac_psn_type');
    const certno = str(q, 'certno');
    const name = str(q, 'prac_psn_name');
    const code = str(q, 'prac_psn_code');
    const feedetail = ctx.state
      .practitioners()
      .filter(
        (x) =>
          x.prac_psn_type === type &&
          (!certno || x.certno === certno) &&
          (!name || x.prac_psn_name.includes(name)) &&
          (!code || x.prac_psn_code === code),
      )
      .map((x) => ({ ...x, endtime: null, chg_rea: null }));
    return { output: { feedetail } };
  },
};

const policyItems: HandlerDef = {
  spec: spec('100001'),
  run(ctx) {
    const q = node(ctx.input, 'data');
    const p = personFor(ctx, str(q, 'psn_no'));
    const row = ctx.state.settlement(str(q, 'setl_id'));
    if (!row || row.fixmedins_code !== ctx.fixmedinsCode || row.psn_no !== p.psn_no) refuse('结算信息不存在');
    if (row.mdtrt_id !== str(q, 'mdtrt_id')) refuse('就诊ID mdtrt_id与结算记录不符');
    const base = { setl_id: row.setl_id, mdtrt_id: row.mdtrt_id, psn_no: row.psn_no };
    const poolSelf = row.inscp_scp_amt - row.hifp_pay;
    const item = (code: string, name: string, self: number, selfProp: string, fund: number, fundProp: string) => ({
      ...base,
      pol_item_code: code,
      pol_item_name: name,
      self_pay_amt: money(self),
      self_pay_prop: new Dec(selfProp),
      fund_pay_amt: money(fund),
      fund_pay_prop: new Dec(fundProp),
      pol_item_pay_sum: money(self + fund),
    });
    const ratio = Number(row.pool_prop);
    const selfRatio = (1 - ratio).toFixed(4);
    return {
      output: [
        item('SBX001', '全自费（丙类及目录外）', row.fulamt_ownpay_amt, '1.0000', 0, '0.0000'),
        item('SBX002', '超限价自费', row.overlmt_selfpay, '1.0000', 0, '0.0000'),
        item('SBX003', '乙类先行自付', row.preselfpay_amt, '1.0000', 0, '0.0000'),
        item('SBX004', '起付标准（药店购药为0）', 0, '1.0000', 0, '0.0000'),
        item('SBX005', '统筹基金按比例支付', poolSelf, selfRatio, row.hifp_pay, row.pool_prop),
      ],
    };
  },
};

// --- 9101 / 9102 -------------------------------------------------------------------------------

const MAX_FILE_BYTES = 20 * 1024 * 1024;

function decodeBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

const upload: HandlerDef = {
  spec: spec('9101'),
  run(ctx) {
    const u = node(ctx.input, 'fsUploadIn');
    if (str(u, 'fixmedins_code') !== ctx.fixmedinsCode) {
      refuse(`fsUploadIn.fixmedins_code“${str(u, 'fixmedins_code')}”与报文头的定点医药机构编号不符`);
    }
    const filename = str(u, 'filename');
    if (/[\\/]/.test(filename)) refuse('文件名filename不能包含路径分隔符');
    const raw = u.in;
    const bytes = raw instanceof Uint8Array ? Buffer.from(raw) : decodeBase64(String(raw));
    if (!bytes) refuse('fsUploadIn.in（文件数据）不是合法的Base64编码');
    if (bytes.length === 0) refuse('上传的文件内容为空');
    if (bytes.length > MAX_FILE_BYTES) refuse('上传的文件超过20MB');
    const row = ctx.state.storeFile(ctx.fixmedinsCode, filename, bytes);
    return {
      output: {
        file_qury_no: row.file_qury_no,
        filename: row.filename,
        fixmedins_code: row.fixmedins_code,
        dld_endtime: row.dld_endtime,
      },
    };
  },
};

function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** The zip's entry time: the upload time, so that downloading twice gives identical bytes. */
function zipTime(uploadedAt: string): Date {
  // uploaded_at is Beijing wall time; fflate writes the Date's local fields, which is good enough for a name tag
  const [date = '', time = ''] = uploadedAt.split(' ');
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm, ss] = time.split(':').map(Number) as [number, number, number];
  return new Date(Math.max(1980, y), m - 1, d, hh, mm, ss);
}

const download: HandlerDef = {
  spec: spec('9102'),
  run(ctx) {
    const q = node(ctx.input, 'fsDownloadIn');
    const code = str(q, 'fixmedins_code');
    // 'plc' is what some clients put here for catalogue files (transport.md §5); accepted as well.
    if (code !== ctx.fixmedinsCode && code !== 'plc')
      refuse(`fsDownloadIn.fixmedins_code“${code}”与报文头的机构编号不符`);
    const row = ctx.state.file(str(q, 'file_qury_no'));
    if (!row || (row.fixmedins_code !== ctx.fixmedinsCode && row.fixmedins_code !== 'plc')) {
      refuse('文件查询号file_qury_no不存在或文件已过期');
    }
    if (formatDateTime(ctx.now) > row.dld_endtime) refuse(`文件已超过下载截止时间${row.dld_endtime}`);
    const content = new Uint8Array(row.content);
    const inner = row.filename.replace(/\.zip$/i, '') || 'result.txt';
    const zip = isZip(content) ? content : zipSync({ [inner]: [content, { mtime: zipTime(row.uploaded_at) }] });
    const filename = /\.zip$/i.test(row.filename) ? row.filename : `${row.filename}.zip`;
    return { file: Buffer.from(zip), filename };
  },
};

/** infno → handler. Anything not here is answered "沙箱暂不支持该交易". */
export const HANDLERS: Readonly<Record<string, HandlerDef>> = {
  '9001': signIn,
  '9002': signOut,
  '1101': personInfo,
  '2001': entitlement,
  '2101': preSettle,
  '2102': settle,
  '2103': cancel,
  '2601': reverse,
  '1201': institutions,
  '5102': practitioners,
  '100001': policyItems,
  '9101': upload,
  '9102': download,
  ...CATALOGUE_HANDLERS,
  ...INVENTORY_HANDLERS,
};
