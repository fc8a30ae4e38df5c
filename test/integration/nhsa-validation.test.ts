import { describe, expect, it } from 'vitest';
import type { NhsaResult } from '../../app/nhsa/client';
import { SANDBOX_GATEWAY } from '../../app/nhsa/service';
import { startSandbox } from '../../app/sandbox';
import { createMemoryLogger } from '../../app/core/logger';
import { WANG, beijing, journalRows, oneBox } from '../support/nhsa-data';
import { nhsaFixture, onCleanup, sandboxMessages, type NhsaFixture } from '../support/nhsa-fixture';
import { tempDir } from '../support/tmp';
import path from 'node:path';

// Input is checked against the registry before anything leaves: a refusal is kind 'not_sent' with
// problems naming the field in Chinese and English, nothing is journaled and the center sees nothing.

type NotSent = Extract<NhsaResult, { kind: 'not_sent' }>;

function notSent(r: NhsaResult): NotSent {
  if (r.kind !== 'not_sent') throw new Error(`expected not_sent, got ${JSON.stringify(r)}`);
  expect(r.msgid).toBeNull();
  return r;
}

/** The single problem at `path`, whose Chinese text names the field's label and English its name. */
function problemAt(r: NotSent, path: string, zh: string, en: string) {
  const p = (r.problems ?? []).find((x) => x.path === path);
  expect(p, `a problem at ${path} in ${JSON.stringify(r.problems)}`).toBeDefined();
  expect(p!.zh).toContain(zh);
  expect(p!.en).toContain(en);
  expect(r.reason).toContain(p!.zh); // the reason shown to the cashier carries it
  return p!;
}

async function signedIn(): Promise<NhsaFixture & { sent: () => number; journaled: () => number }> {
  const f = await nhsaFixture();
  expect((await f.svc.signIn(f.op)).kind).toBe('ok');
  return Object.assign(f, {
    sent: () => sandboxMessages(f.sandboxDbPath).length,
    journaled: () => journalRows(f.db).length,
  });
}

const read = (data: Record<string, unknown>) => ({ data });

describe('refused before sending', () => {
  it('each kind of bad input: not_sent, bilingual problem naming the field, nothing journaled or sent', async () => {
    const f = await signedIn();
    const sent = f.sent();
    const journaled = f.journaled();
    const op = { operator: f.op };
    const ctx = { operator: f.op, insuplcAdmdvs: '110100' };

    // missing required field
    problemAt(
      notSent(await f.svc.call('1101', read({ mdtrt_cert_type: '02' }), op)),
      'input.data.mdtrt_cert_no',
      '就诊凭证编号（mdtrt_cert_no）',
      'mdtrt_cert_no: required',
    );
    // overlong field (C 50)
    problemAt(
      notSent(await f.svc.call('1101', read({ mdtrt_cert_type: '02', mdtrt_cert_no: 'x'.repeat(51) }), op)),
      'input.data.mdtrt_cert_no',
      '超长',
      'mdtrt_cert_no: longer than 50 characters (51)',
    );
    // a string where N is expected
    const badCnt = oneBox();
    badCnt.drugdetail[0]!.cnt = 'two';
    problemAt(
      notSent(await f.svc.call('2102', badCnt, ctx)),
      'input.drugdetail[0].cnt',
      '数量（cnt）应为数值',
      'cnt: expected a number',
    );
    // too many decimals for money (N 16,2) — and a float that drifted
    const badFee = oneBox();
    badFee.druginfo.medfee_sumamt = '12.505';
    problemAt(
      notSent(await f.svc.call('2102', badFee, ctx)),
      'input.druginfo.medfee_sumamt',
      '医疗费总额',
      'at most 2 decimals',
    );
    const drift = oneBox() as unknown as { druginfo: Record<string, unknown> };
    drift.druginfo.medfee_sumamt = 0.1 + 0.2;
    problemAt(
      notSent(await f.svc.call('2102', drift, ctx)),
      'input.druginfo.medfee_sumamt',
      '医疗费总额',
      'medfee_sumamt',
    );
    // a number where C is expected
    const numPsn = oneBox() as unknown as { druginfo: Record<string, unknown> };
    numPsn.druginfo.psn_no = 110100;
    problemAt(
      notSent(await f.svc.call('2102', numPsn, ctx)),
      'input.druginfo.psn_no',
      '人员编号（psn_no）应为字符串',
      'psn_no: expected a string',
    );
    // bad date-time (no 30 February)
    const badDate = oneBox();
    badDate.druginfo.begntime = '2025-02-30 10:00:00';
    problemAt(
      notSent(await f.svc.call('2102', badDate, ctx)),
      'input.druginfo.begntime',
      '开始时间（begntime）应为时间',
      'begntime: expected a date-time yyyy-MM-dd HH:mm:ss',
    );
    // a value outside a closed code set
    const badFlag = oneBox();
    badFlag.druginfo.acct_used_flag = '2';
    problemAt(
      notSent(await f.svc.call('2102', badFlag, ctx)),
      'input.druginfo.acct_used_flag',
      '个人账户使用标志',
      'acct_used_flag: "2" is not a acct_used_flag code',
    );
    // a missing node
    const noDetail = oneBox() as unknown as Record<string, unknown>;
    delete noDetail.drugdetail;
    problemAt(
      notSent(await f.svc.call('2102', noDetail, ctx)),
      'input.drugdetail',
      'drugdetail',
      'drugdetail: missing node',
    );
    // 1101 with a social-security card but no card_sn
    problemAt(
      notSent(await f.svc.call('1101', read({ mdtrt_cert_type: '03', mdtrt_cert_no: WANG.card!.card_no }), op)),
      'input.data.card_sn',
      '卡识别码（card_sn）',
      'card_sn: required when mdtrt_cert_type is 03',
    );
    // psn_no in the input without the person's insurance region
    problemAt(
      notSent(
        await f.svc.call(
          '2001',
          read({
            psn_no: WANG.psn_no,
            insutype: '310',
            fixmedins_code: 'P11010000001',
            med_type: '41',
            begntime: beijing(),
          }),
          op,
        ),
      ),
      'insuplc_admdvs',
      '参保地医保区划',
      'insuplc_admdvs: required when the input carries psn_no',
    );
    // several problems at once are all listed
    const many = notSent(await f.svc.call('1101', read({ mdtrt_cert_type: '09', card_sn: 5 }), op));
    expect(many.problems!.map((p) => p.path).sort()).toEqual(['input.data.card_sn', 'input.data.mdtrt_cert_no']);
    // an unknown interface
    expect(notSent(await f.svc.call('9999', {}, op)).reason).toContain('未知的交易编号');

    expect(f.journaled()).toBe(journaled);
    expect(f.sent()).toBe(sent);
  });

  it('a valid call right after the refusals goes through (the refusals left no state behind)', async () => {
    const f = await signedIn();
    notSent(
      await f.svc.call('1101', read({ mdtrt_cert_type: '03', mdtrt_cert_no: WANG.card!.card_no }), { operator: f.op }),
    );
    const r = await f.svc.call(
      '1101',
      read({ mdtrt_cert_type: '03', mdtrt_cert_no: WANG.card!.card_no, card_sn: WANG.card!.card_sn }),
      { operator: f.op },
    );
    expect(r.kind).toBe('ok');
  });
});

describe('configuration refused before sending', () => {
  it('a fixmedins_code longer than 12 characters would make a msgid longer than 30: not sent', async () => {
    // The settings accept 6–30 characters, but msgid = code + 14 + 4 must fit C 30 (transport.md §1).
    const code = 'P110100000012'; // 13 characters
    const sb = await startSandbox({
      dbPath: path.join(tempDir('sandbox-'), 'sandbox.sqlite'),
      log: createMemoryLogger(),
      gateway: SANDBOX_GATEWAY,
      fixmedinsCode: code,
    });
    onCleanup(() => sb.close());
    const f = await nhsaFixture({
      env: {
        POS_NHSA_BASE_URL: sb.url,
        POS_NHSA_PAASID: SANDBOX_GATEWAY.paasid,
        POS_NHSA_TOKEN: SANDBOX_GATEWAY.token,
        POS_FIXMEDINS_CODE: code,
        POS_FIXMEDINS_NAME: '沙箱培训大药房',
        POS_ADMDVS: '110101',
      },
    });
    const r = await f.svc.call(
      '9001',
      { signIn: { opter_no: 'op01', mac: '00-00-00-00-00-00', ip: '127.0.0.1' } },
      {
        operator: f.op,
      },
    );
    expect(r.kind).toBe('not_sent');
    expect((r as NotSent).reason).toContain('机构编号');
    expect(journalRows(f.db)).toEqual([]);
  });
});
