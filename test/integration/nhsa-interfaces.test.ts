import { strFromU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { NhsaResult } from '../../app/nhsa/client';
import { yuanToFen } from '../../app/shared/money';
import {
  MIXED,
  WANG,
  YANG,
  ZHANG,
  beijing,
  journalRows,
  mixedBasket,
  oneBox,
  reversalRows,
} from '../support/nhsa-data';
import {
  nhsaFixture,
  parseEnvelope,
  recordingProxy,
  sandboxMessages,
  sandboxSignIns,
  standaloneSandbox,
} from '../support/nhsa-fixture';
import { childEnv, jsonLines, runNode } from '../support/nhsa-process';

// Every interface end to end: client → real HTTP → sandbox center → reply parsed → journal.

type Out = Record<string, unknown>;
type Ok = Extract<NhsaResult, { kind: 'ok' }>;

function ok(r: NhsaResult): Ok {
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
}

const fen = (v: unknown): number => {
  const f = yuanToFen(v);
  if (f === null) throw new Error(`not an amount: ${JSON.stringify(v)}`);
  return f;
};

const WANG_CTX = { insuplcAdmdvs: WANG.insuplc_admdvs };

describe('sign-in and sign-out', () => {
  it('9001 stores the sign_no per operator and the next call carries it; 9002 ends it at the center', async () => {
    const f = await nhsaFixture();
    const r = ok(await f.svc.signIn(f.op));
    const signNo = (r.output.signinoutb as Out).sign_no as string;
    expect(signNo).toMatch(/^SBX/);
    expect(f.svc.signins.signNoOf(f.op)).toBe(signNo);
    expect(f.db.prepare('SELECT sign_no, opter FROM nhsa_signins WHERE operator_id = ?').get(f.op.id)).toEqual({
      sign_no: signNo,
      opter: 'op01',
    });
    expect(sandboxSignIns(f.sandboxDbPath)).toEqual([{ sign_no: signNo, opter: 'op01', signed_out_at: null }]);

    ok(await f.svc.call('1201', { medinsinfo: { fixmedins_type: '2' } }, { operator: f.op }));
    const sent = journalRows(f.db, '1201')[0]!;
    expect((JSON.parse(sent.request) as Out).sign_no).toBe(signNo);
    expect(journalRows(f.db, '9001')).toHaveLength(1); // no second sign-in

    const out = await f.svc.signOut(f.op);
    ok(out!);
    expect(f.svc.signins.signNoOf(f.op)).toBeNull();
    expect(f.db.prepare('SELECT count(*) AS n FROM nhsa_signins').get()).toEqual({ n: 0 });
    const [row] = sandboxSignIns(f.sandboxDbPath);
    expect(row!.signed_out_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('a call without a live sign-in signs in first (once, even for concurrent first calls)', async () => {
    const f = await nhsaFixture();
    const rs = await Promise.all(
      [1, 2, 3].map(() => f.svc.call('1201', { medinsinfo: { fixmedins_type: '2' } }, { operator: f.op })),
    );
    rs.forEach(ok);
    expect(journalRows(f.db, '9001')).toHaveLength(1);
    expect(sandboxSignIns(f.sandboxDbPath)).toHaveLength(1);
  });
});

describe('1101 person information, each medium', () => {
  it('01 e-voucher token, 02 ID card, 03 social-security card with card_sn all find the person', async () => {
    const f = await nhsaFixture();
    const media = [
      { mdtrt_cert_type: '01', mdtrt_cert_no: WANG.ec!.ec_token },
      { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno },
      { mdtrt_cert_type: '03', mdtrt_cert_no: WANG.card!.card_no, card_sn: WANG.card!.card_sn },
    ];
    for (const data of media) {
      const r = ok(await f.svc.call('1101', { data }, { operator: f.op }));
      const base = r.output.baseinfo as Out;
      const insu = r.output.insuinfo as Out[];
      expect(base.psn_no).toBe(WANG.psn_no);
      expect(base.certno).toBe(WANG.certno);
      expect(insu).toHaveLength(1);
      expect(insu[0]!.insutype).toBe('310');
      expect(insu[0]!.insuplc_admdvs).toBe('110100');
      expect(fen(insu[0]!.balc)).toBe(100000);
      expect(r.warnings).toEqual([]);
    }
    // 1101 carries no psn_no: insuplc_admdvs stays empty on the wire
    for (const j of journalRows(f.db, '1101')) expect((JSON.parse(j.request) as Out).insuplc_admdvs).toBe('');
  });

  it('a wrong card_sn is refused by the center: business_error with its message, nothing to reverse', async () => {
    const f = await nhsaFixture();
    const r = await f.svc.call(
      '1101',
      {
        data: { mdtrt_cert_type: '03', mdtrt_cert_no: WANG.card!.card_no, card_sn: '110100D156000005000000000000FFFF' },
      },
      { operator: f.op },
    );
    expect(r).toMatchObject({ kind: 'business_error', infcode: '-1' });
    expect((r as { errMsg: string }).errMsg).toContain('卡识别码');
    expect(journalRows(f.db, '1101')[0]).toMatchObject({ outcome: 'business_error' });
    expect(reversalRows(f.db)).toEqual([]);
  });
});

describe('2001 entitlement', () => {
  const check = (p: typeof WANG) => ({
    data: {
      psn_no: p.psn_no,
      insutype: '310',
      fixmedins_code: 'P11010000001',
      med_type: '41',
      begntime: beijing(),
    },
  });

  it('an insured person is entitled (flag 1); a suspended one is not (flag 0, with the reason)', async () => {
    const f = await nhsaFixture();
    const yes = ok(await f.svc.call('2001', check(WANG), { operator: f.op, insuplcAdmdvs: '110100' }));
    expect((yes.output.trtinfo as Out[])[0]).toMatchObject({ psn_no: WANG.psn_no, trt_enjymnt_flag: '1' });
    const no = ok(await f.svc.call('2001', check(YANG), { operator: f.op, insuplcAdmdvs: '110100' }));
    const row = (no.output.trtinfo as Out[])[0]!;
    expect(row.trt_enjymnt_flag).toBe('0');
    expect(row.trt_chk_rslt).toContain('暂停');
    // psn_no in the input: the envelope carries the person's insurance region
    for (const j of journalRows(f.db, '2001')) expect((JSON.parse(j.request) as Out).insuplc_admdvs).toBe('110100');
  });
});

describe('2101 / 2102 / 2103 / 2601 on a mixed 甲/乙/丙 basket', () => {
  function split(out: Out) {
    const s = out.setlinfo as Out;
    return {
      medfee: fen(s.medfee_sumamt),
      fulamt: fen(s.fulamt_ownpay_amt),
      overlmt: fen(s.overlmt_selfpay),
      preselfpay: fen(s.preselfpay_amt),
      inscp: fen(s.inscp_scp_amt),
      fund: fen(s.fund_pay_sumamt),
      psnPart: fen(s.psn_part_amt),
      acct: fen(s.acct_pay),
      cash: fen(s.psn_cash_pay),
      balc: fen(s.balc),
    };
  }

  it('2101 with the personal account: the split parses to fen and adds up; nothing is stored', async () => {
    const f = await nhsaFixture();
    const r = ok(await f.svc.call('2101', mixedBasket({ acct: true }), { operator: f.op, ...WANG_CTX }));
    const s = split(r.output);
    expect(s).toEqual({
      medfee: MIXED.medfeeFen,
      fulamt: MIXED.fulamtOwnpayFen,
      overlmt: MIXED.overlmtFen,
      preselfpay: MIXED.preselfpayFen,
      inscp: MIXED.inscpFen,
      fund: MIXED.fundFen,
      psnPart: MIXED.psnPartFen,
      acct: MIXED.acctFen,
      cash: MIXED.psnPartFen - MIXED.acctFen,
      balc: 100000 - MIXED.acctFen,
    });
    expect(s.cash + s.acct + s.fund).toBe(s.medfee);
    expect((r.output.setlinfo as Out).setl_id).toBeNull();
    expect(r.output.detlcutinfo as Out[]).toHaveLength(5);
    expect(r.warnings).toEqual([]);
    expect(f.sandbox!.inspect.settlements()).toEqual([]);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('2102 with and without the account: amounts add up, the center stores the settlement under our msgid', async () => {
    const f = await nhsaFixture();
    const withAcct = ok(await f.svc.call('2102', mixedBasket({ acct: true }), { operator: f.op, ...WANG_CTX }));
    const a = split(withAcct.output);
    expect(a.acct).toBe(MIXED.acctFen);
    expect(a.cash).toBe(MIXED.fulamtOwnpayFen + MIXED.overlmtFen); // only 全自费 + 超限价 in cash
    expect(a.cash + a.acct + a.fund).toBe(a.medfee);
    expect(a.medfee).toBe(MIXED.medfeeFen);
    expect((withAcct.output.setlinfo as Out).medins_setl_id).toBe(withAcct.msgid);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000 - MIXED.acctFen);
    expect(f.sandbox!.inspect.settlementByMsgid(withAcct.msgid)).toMatchObject({
      status: 'active',
      medfeeSumamtFen: MIXED.medfeeFen,
      acctPayFen: MIXED.acctFen,
      psnCashPayFen: a.cash,
      fundPaySumamtFen: MIXED.fundFen,
    });

    const noAcct = ok(await f.svc.call('2102', mixedBasket({ acct: false }), { operator: f.op, ...WANG_CTX }));
    const b = split(noAcct.output);
    expect(b).toMatchObject({ acct: 0, cash: MIXED.psnPartFen, fund: MIXED.fundFen, medfee: MIXED.medfeeFen });
    expect(b.cash + b.acct + b.fund).toBe(b.medfee);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000 - MIXED.acctFen);
    expect(f.sandbox!.inspect.liveSettlementCount()).toBe(2);
    expect(journalRows(f.db, '2102').map((j) => j.outcome)).toEqual(['ok', 'ok']);
    expect(reversalRows(f.db)).toEqual([]);
  });

  it('390 resident without an account: 50% fund, everything else cash even when the account is asked for', async () => {
    const f = await nhsaFixture();
    const basket = mixedBasket({ acct: true, p: ZHANG });
    const r = ok(await f.svc.call('2101', basket, { operator: f.op, insuplcAdmdvs: '110100' }));
    const s = split(r.output);
    // 50% of 7123 = 3561.5 → 3562 (half-up)
    expect(s).toMatchObject({ fund: 3562, acct: 0, cash: MIXED.medfeeFen - 3562, medfee: MIXED.medfeeFen });
  });

  it('2103 cancels with negative amounts and restores the account balance', async () => {
    const f = await nhsaFixture();
    const settled = ok(await f.svc.call('2102', mixedBasket({ acct: true }), { operator: f.op, ...WANG_CTX }));
    const s = settled.output.setlinfo as Out;
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000 - MIXED.acctFen);

    const cancel = ok(
      await f.svc.call(
        '2103',
        { data: { setl_id: s.setl_id, mdtrt_id: s.mdtrt_id, psn_no: WANG.psn_no } },
        { operator: f.op, ...WANG_CTX },
      ),
    );
    const c = cancel.output.setlinfo as Out;
    expect(c.setl_id).not.toBe(s.setl_id);
    expect(fen(c.medfee_sumamt)).toBe(-MIXED.medfeeFen);
    expect(fen(c.fund_pay_sumamt)).toBe(-MIXED.fundFen);
    expect(fen(c.acct_pay)).toBe(-MIXED.acctFen);
    expect(fen(c.cash_payamt)).toBe(-(MIXED.psnPartFen - MIXED.acctFen));
    expect(fen(c.psn_pay)).toBe(-MIXED.psnPartFen);
    expect(fen(c.balc)).toBe(100000);
    expect(cancel.warnings).toEqual([]);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect(f.sandbox!.inspect.settlementBySetlId(s.setl_id as string)).toMatchObject({ status: 'cancelled' });
    expect(f.sandbox!.inspect.liveSettlementCount()).toBe(0);
  });

  it('2601 by hand (reversals.reverseNow) reverses a settlement and restores the balance; again is a no-op', async () => {
    const f = await nhsaFixture();
    const settled = ok(await f.svc.call('2102', mixedBasket({ acct: true }), { operator: f.op, ...WANG_CTX }));
    const row = await f.svc.reversals.reverseNow({
      omsgid: settled.msgid,
      oinfno: '2102',
      psnNo: WANG.psn_no,
      insuplcAdmdvs: '110100',
      operatorId: f.op.id,
    });
    expect(row).toMatchObject({ state: 'done', reason: 'manual', attempts: 1, lastError: null });
    const rec = f.sandbox!.inspect.settlementByMsgid(settled.msgid)!;
    expect(rec.status).toBe('reversed');
    expect(rec.reversedByMsgid).toBe(row.reversalMsgid);
    expect(f.sandbox!.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    const sent = journalRows(f.db, '2601');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ msgid: row.reversalMsgid, outcome: 'ok', source: 'reversal' });
    expect((JSON.parse(sent[0]!.request) as { input: Out }).input.data).toEqual({
      psn_no: WANG.psn_no,
      omsgid: settled.msgid,
      oinfno: '2102',
    });

    const again = await f.svc.reversals.reverseNow({
      omsgid: settled.msgid,
      oinfno: '2102',
      psnNo: WANG.psn_no,
      insuplcAdmdvs: '110100',
      operatorId: f.op.id,
    });
    expect(again.state).toBe('done');
    expect(journalRows(f.db, '2601')).toHaveLength(1); // a done reversal is not sent twice
  });

  it('2102 for a person who is not entitled is refused (business_error) and not reversed', async () => {
    const f = await nhsaFixture();
    const r = await f.svc.call('2102', oneBox({ p: YANG }), { operator: f.op, insuplcAdmdvs: '110100' });
    expect(r.kind).toBe('business_error');
    expect((r as { errMsg: string }).errMsg).toContain('不享受医保待遇');
    expect(reversalRows(f.db)).toEqual([]);
    expect(f.sandbox!.inspect.settlements()).toEqual([]);
  });
});

describe('queries: 1201, 5102, 100001', () => {
  it('1201 finds the pharmacy and its neighbours by type and name', async () => {
    const f = await nhsaFixture();
    const all = ok(await f.svc.call('1201', { medinsinfo: { fixmedins_type: '2' } }, { operator: f.op }));
    const codes = (all.output.medinsinfo as Out[]).map((x) => x.fixmedins_code);
    expect(codes).toEqual(expect.arrayContaining(['P11010000001', 'P11010000002', 'P11010000003']));
    expect(codes).not.toContain('H11010000001');
    const named = ok(
      await f.svc.call('1201', { medinsinfo: { fixmedins_type: '2', fixmedins_name: '社区' } }, { operator: f.op }),
    );
    expect((named.output.medinsinfo as Out[]).map((x) => x.fixmedins_code)).toEqual(['P11010000003']);
  });

  it('5102 lists the two pharmacists (node feedetail)', async () => {
    const f = await nhsaFixture();
    const r = ok(await f.svc.call('5102', { data: { prac_psn_type: '3' } }, { operator: f.op }));
    const rows = r.output.feedetail as Out[];
    expect(rows.map((x) => x.prac_psn_name).sort()).toEqual(['孙配药', '钱审方'].sort());
    expect(r.warnings).toEqual([]);
  });

  it('100001 answers the policy items of a settlement as a list directly under output', async () => {
    const f = await nhsaFixture();
    const settled = ok(await f.svc.call('2102', mixedBasket({ acct: true }), { operator: f.op, ...WANG_CTX }));
    const s = settled.output.setlinfo as Out;
    const r = ok(
      await f.svc.call(
        '100001',
        { data: { setl_id: s.setl_id, psn_no: WANG.psn_no, mdtrt_id: s.mdtrt_id } },
        { operator: f.op, ...WANG_CTX },
      ),
    );
    const items = r.output as unknown as Out[];
    expect(Array.isArray(items)).toBe(true);
    expect(items).toHaveLength(5);
    const byCode = Object.fromEntries(items.map((x) => [x.pol_item_code, x]));
    expect(fen(byCode.SBX001!.self_pay_amt)).toBe(MIXED.fulamtOwnpayFen);
    expect(fen(byCode.SBX002!.self_pay_amt)).toBe(MIXED.overlmtFen);
    expect(fen(byCode.SBX003!.self_pay_amt)).toBe(MIXED.preselfpayFen);
    expect(fen(byCode.SBX005!.fund_pay_amt)).toBe(MIXED.fundFen);
    expect(r.warnings).toEqual([]);
  });
});

describe('9101 → 9102 file round trip', () => {
  const zip = zipSync({ 'result.txt': new TextEncoder().encode('msgid\tsetl_id\n对账明细一行\t1\n') });

  for (const profile of ['national', 'per_service'] as const) {
    it(`profile ${profile}: upload a real zip (${profile === 'national' ? 'multipart' : 'base64 in JSON'}), download the same bytes`, async () => {
      const center = await standaloneSandbox();
      const proxy = await recordingProxy(center.sandbox.url);
      const f = await nhsaFixture({ env: { ...center.envFor(proxy.url), POS_NHSA_PROFILE: profile } });
      await f.svc.signIn(f.op);

      const up = await f.svc.call(
        '9101',
        { fsUploadIn: { filename: 'stmt.txt.zip', fixmedins_code: 'P11010000001' } },
        { operator: f.op, file: { name: 'stmt.txt.zip', bytes: zip } },
      );
      const u = ok(up);
      expect(u.output.file_qury_no).toMatch(/^fsi\/sbx\/\d{10}$/);
      expect(u.output.filename).toBe('stmt.txt.zip');

      const upload = proxy.requests.find((r) => parseEnvelope(r).infno === '9101')!;
      const ct = String(upload.headers['content-type']);
      if (profile === 'national') {
        expect(upload.url).toBe('/fsi/api/rsfComIfsService/callService');
        expect(ct).toMatch(/^multipart\/form-data; boundary=/);
        // the bytes travel as a binary part; the JSON part carries no `in`
        expect(upload.body.includes(Buffer.from(zip))).toBe(true);
        expect((parseEnvelope(upload).input as { fsUploadIn: Out }).fsUploadIn.in).toBeUndefined();
      } else {
        expect(upload.url).toBe('/fsi/api/fileupload/upload');
        expect(ct).toMatch(/^application\/json/);
        const sentIn = (parseEnvelope(upload).input as { fsUploadIn: Out }).fsUploadIn.in as string;
        expect(Buffer.from(sentIn, 'base64').equals(Buffer.from(zip))).toBe(true);
      }

      const down = ok(
        await f.svc.call(
          '9102',
          {
            fsDownloadIn: {
              file_qury_no: u.output.file_qury_no,
              filename: u.output.filename,
              fixmedins_code: 'P11010000001',
            },
          },
          { operator: f.op },
        ),
      );
      expect(down.file).toBeInstanceOf(Buffer);
      expect(down.file!.equals(Buffer.from(zip))).toBe(true);
      expect(strFromU8(unzipSync(down.file!)['result.txt']!)).toContain('对账明细一行');
      const dj = journalRows(f.db, '9102')[0]!;
      expect(dj.outcome).toBe('ok');
      expect(dj.response).toContain(`[zip ${zip.length} 字节]`);
    });
  }

  it('9102 for an unknown file is a business_error with the center message', async () => {
    const f = await nhsaFixture();
    const r = await f.svc.call(
      '9102',
      { fsDownloadIn: { file_qury_no: 'fsi/sbx/9999999999', filename: 'x.zip', fixmedins_code: 'P11010000001' } },
      { operator: f.op },
    );
    expect(r).toMatchObject({ kind: 'business_error', infcode: '-1' });
    expect((r as { errMsg: string }).errMsg).toContain('文件查询号');
  });
});

describe('the envelope on the wire', () => {
  it('msgid, inf_time (Beijing), insuplc_admdvs, opter, sign_no, fixed fields — as the proxy saw them', async () => {
    const center = await standaloneSandbox();
    const proxy = await recordingProxy(center.sandbox.url);
    const f = await nhsaFixture({ env: center.envFor(proxy.url) });
    const before = Date.now();
    ok(await f.svc.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } }, { operator: f.op }));
    ok(await f.svc.call('2101', oneBox(), { operator: f.op, ...WANG_CTX }));
    const after = Date.now();

    const [signIn, read, pre] = proxy.envelopes();
    expect([signIn!.infno, read!.infno, pre!.infno]).toEqual(['9001', '1101', '2101']);
    const signNo = f.svc.signins.signNoOf(f.op);
    expect(signNo).toMatch(/^SBX/);
    for (const e of [signIn!, read!, pre!]) {
      expect(e.msgid).toMatch(/^P11010000001\d{14}\d{4}$/);
      expect(e.fixmedins_code).toBe('P11010000001');
      expect(e.fixmedins_name).toBe('沙箱培训大药房');
      expect(e.mdtrtarea_admvs).toBe('110101');
      expect(e.opter).toBe('op01');
      expect(e.opter_name).toBe('收银员甲');
      expect(e.opter_type).toBe('1');
      expect(e.infver).toBe('V1.0');
      expect(e.recer_sys_code).toBe('YBXT');
      // Beijing time whatever the host zone: within the window of the call
      const t = e.inf_time as string;
      expect(t >= beijing(before - 1000) && t <= beijing(after + 1000)).toBe(true);
      // the msgid's time part is the same instant
      expect((e.msgid as string).slice(12, 26)).toBe(t.replace(/[- :]/g, ''));
    }
    expect(signIn!.sign_no).toBe('');
    expect(read!.sign_no).toBe(signNo);
    expect(pre!.sign_no).toBe(signNo);
    expect(read!.insuplc_admdvs).toBe('');
    expect(pre!.insuplc_admdvs).toBe('110100');
    // x-tif on every request
    for (const r of proxy.requests) {
      expect(r.headers['x-tif-paasid']).toBe('sandbox');
      expect(r.headers['x-tif-signature']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(sandboxMessages(center.dbPath).map((m) => m.infcode)).toEqual([0, 0, 0]);
  });

  it('inf_time and the msgid time are Beijing time in a process running with TZ=America/New_York', async () => {
    const center = await standaloneSandbox();
    const proxy = await recordingProxy(center.sandbox.url);
    const f = await nhsaFixture({ env: center.envFor(proxy.url) });
    const dir = f.dir;
    await f.close();
    const before = Date.now();
    const run = await runNode(
      'test/support/nhsa-child.ts',
      ['1201', JSON.stringify({ medinsinfo: { fixmedins_type: '2' } })],
      childEnv({ ...center.envFor(proxy.url), POS_DATA_DIR: dir, TZ: 'America/New_York' }),
    );
    const after = Date.now();
    expect(run.stderr).not.toContain('child failed');
    const done = jsonLines(run.stdout).find((l) => l.event === 'done')!;
    expect(done.kind).toBe('ok');
    // the child really ran in New York time (UTC−4/−5), not in UTC or Beijing
    expect([240, 300]).toContain(done.tzOffsetMinutes);
    const sent = proxy.envelopes().find((e) => e.infno === '1201')!;
    const t = sent.inf_time as string;
    expect(t >= beijing(before - 1000) && t <= beijing(after + 1000)).toBe(true);
    expect((sent.msgid as string).slice(12, 26)).toBe(t.replace(/[- :]/g, ''));
    expect(sent.msgid).toBe(done.msgid);
  });
});
