import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { SANDBOX_DRUGS, SANDBOX_PERSONS, startSandbox, type Sandbox } from '../../app/sandbox';
import { tempDir } from '../support/tmp';
import { DISPATCH, envelope, type Json } from '../support/sandbox-envelope';

// Raw HTTP on purpose (not the app's client): each fault must be observable on the wire itself.

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** how many data events the body came in */
  chunks: number;
  ms: number;
}

function post(
  url: string,
  body: string,
  opts: { headers?: Record<string, string>; method?: string; timeoutMs?: number } = {},
): Promise<Raw> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? 'POST',
        headers: opts.headers ?? { 'content-type': 'application/json' },
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            chunks: chunks.length,
            ms: Date.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

/** The fault tests' calls carry a person: the insurance region in every envelope. */
const faultEnvelope = (infno: string, input: unknown, extra: Json = {}): Json =>
  envelope(infno, input, { insuplc_admdvs: '110100', ...extra });

const open: Sandbox[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function start(): Promise<Sandbox> {
  const sb = await startSandbox({
    dbPath: path.join(tempDir('sandbox-faults-'), 'sandbox.sqlite'),
    log: createMemoryLogger(),
    now: () => new Date('2025-03-01T04:00:00Z'),
  });
  open.push(sb);
  return sb;
}

const SIGN_IN = { signIn: { opter_no: 'op01', mac: 'm', ip: '127.0.0.1' } };

async function signIn(sb: Sandbox): Promise<string> {
  const r = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)));
  return (JSON.parse(r.body.toString()) as Json).output.signinoutb.sign_no as string;
}

const WANG = SANDBOX_PERSONS.find((p) => p.psn_name === '王培训')!;
const AMOX = SANDBOX_DRUGS.find((d) => d.name.startsWith('阿莫西林'))!;

/** One box of amoxicillin on the account: 12.50, 60% fund = 7.50, account 5.00. */
const SALE = {
  druginfo: {
    psn_no: WANG.psn_no,
    mdtrt_cert_type: '02',
    mdtrt_cert_no: WANG.certno,
    begntime: '2025-03-01 12:00:00',
    medfee_sumamt: '12.50',
    insutype: '310',
    acct_used_flag: '1',
    med_type: '41',
  },
  drugdetail: [
    {
      feedetl_sn: '1',
      rx_circ_flag: '0',
      fee_ocur_time: '2025-03-01 12:00:00',
      med_list_codg: AMOX.med_list_codg,
      medins_list_codg: AMOX.medins_list_codg,
      det_item_fee_sumamt: '12.50',
      cnt: 1,
      pric: '12.50',
    },
  ],
};

async function reverse(sb: Sandbox, signNo: string, omsgid: string): Promise<Json> {
  const r = await post(
    sb.url + DISPATCH,
    JSON.stringify(
      faultEnvelope('2601', { data: { psn_no: WANG.psn_no, omsgid, oinfno: '2102' } }, { sign_no: signNo }),
    ),
  );
  return JSON.parse(r.body.toString()) as Json;
}

describe('sandbox center — fault injection', () => {
  it('drop_after_commit: the socket dies, the settlement exists; 2601 undoes it and the state is clean', async () => {
    const sb = await start();
    const signNo = await signIn(sb);
    sb.faults.inject({ mode: 'drop_after_commit', infno: '2102' });
    const env = faultEnvelope('2102', SALE, { sign_no: signNo });
    await expect(post(sb.url + DISPATCH, JSON.stringify(env))).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect(sb.inspect.settlementByMsgid(env.msgid)).toMatchObject({ status: 'active', acctPayFen: 500 });
    expect(sb.inspect.liveSettlementCount()).toBe(1);
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(99500);
    expect((await reverse(sb, signNo, env.msgid)).infcode).toBe(0);
    expect(sb.inspect.settlements()).toEqual([expect.objectContaining({ msgid: env.msgid, status: 'reversed' })]);
    expect(sb.inspect.liveSettlementCount()).toBe(0);
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
    expect(sb.faults.list()).toEqual([]);
  });

  it('drop_before_commit: the same on the wire, but nothing happened; 2601 answers 0 and the msgid is still fresh', async () => {
    const sb = await start();
    const signNo = await signIn(sb);
    sb.faults.inject({ mode: 'drop_before_commit', infno: '2102' });
    const env = faultEnvelope('2102', SALE, { sign_no: signNo });
    await expect(post(sb.url + DISPATCH, JSON.stringify(env))).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect(sb.inspect.settlements()).toEqual([]);
    expect(sb.inspect.msgidSeen(env.msgid)).toBe(false);
    expect((await reverse(sb, signNo, env.msgid)).infcode).toBe(0);
    expect(sb.inspect.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('delay: the reply comes late, the effect is already committed', async () => {
    const sb = await start();
    const signNo = await signIn(sb);
    sb.faults.inject({ mode: 'delay', infno: '2102', delayMs: 300 });
    const env = faultEnvelope('2102', SALE, { sign_no: signNo });
    const pending = post(sb.url + DISPATCH, JSON.stringify(env));
    await new Promise((r) => setTimeout(r, 100));
    expect(sb.inspect.settlementByMsgid(env.msgid)?.status).toBe('active');
    const r = await pending;
    expect(r.ms).toBeGreaterThanOrEqual(280);
    expect(JSON.parse(r.body.toString())).toMatchObject({ infcode: 0 });
  });

  it('business_error: infcode -1 with the given message, nothing done, only for `count` calls of that infno', async () => {
    const sb = await start();
    const signNo = await signIn(sb);
    sb.faults.inject({ mode: 'business_error', infno: '2102', count: 2, message: '医保中心繁忙，请稍后再试' });
    const q = faultEnvelope(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      { sign_no: signNo },
    );
    expect(JSON.parse((await post(sb.url + DISPATCH, JSON.stringify(q))).body.toString()).infcode).toBe(0);
    for (let i = 0; i < 2; i++) {
      const r = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('2102', SALE, { sign_no: signNo })));
      expect(JSON.parse(r.body.toString())).toMatchObject({ infcode: -1, err_msg: '医保中心繁忙，请稍后再试' });
    }
    expect(sb.inspect.settlements()).toEqual([]);
    const ok = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('2102', SALE, { sign_no: signNo })));
    expect(JSON.parse(ok.body.toString()).infcode).toBe(0);
  });

  it('garbage: HTTP 200 and a body no JSON parser accepts, with the effect committed', async () => {
    const sb = await start();
    const signNo = await signIn(sb);
    sb.faults.inject({ mode: 'garbage', infno: '2102' });
    const env = faultEnvelope('2102', SALE, { sign_no: signNo });
    const r = await post(sb.url + DISPATCH, JSON.stringify(env));
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.body.toString())).toThrow();
    expect(sb.inspect.settlementByMsgid(env.msgid)?.status).toBe('active');
  });

  it('http_500: an HTML error page with status 500, nothing done', async () => {
    const sb = await start();
    const signNo = await signIn(sb);
    sb.faults.inject({ mode: 'http_500' });
    const env = faultEnvelope('2102', SALE, { sign_no: signNo });
    const r = await post(sb.url + DISPATCH, JSON.stringify(env));
    expect(r.status).toBe(500);
    expect(r.body.toString()).toContain('500');
    expect(sb.inspect.settlements()).toEqual([]);
  });

  it('slow_drip: the reply arrives one byte at a time', async () => {
    const sb = await start();
    sb.faults.inject({ mode: 'slow_drip', infno: '9001', delayMs: 2 });
    const r = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)));
    expect(r.chunks).toBeGreaterThan(50);
    expect(r.ms).toBeGreaterThanOrEqual(r.body.length);
    expect(JSON.parse(r.body.toString())).toMatchObject({ infcode: 0 });
  });

  it('no_infcode: valid JSON, output present, infcode missing', async () => {
    const sb = await start();
    sb.faults.inject({ mode: 'no_infcode', infno: '9001' });
    const j = JSON.parse(
      (await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)))).body.toString(),
    ) as Json;
    expect('infcode' in j).toBe(false);
    expect(j.output.signinoutb.sign_no).toBeTruthy();
  });

  it('huge: a valid envelope of about 10 MB', async () => {
    const sb = await start();
    sb.faults.inject({ mode: 'huge', infno: '9001' });
    const r = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)));
    expect(r.body.length).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    expect(JSON.parse(r.body.toString())).toMatchObject({ infcode: 0 });
  });

  it('hang: no answer until the client gives up; close() still returns promptly', async () => {
    const sb = await start();
    sb.faults.inject({ mode: 'hang' });
    await expect(
      post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)), { timeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT' });
    // the next call is answered normally
    const ok = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)));
    expect(JSON.parse(ok.body.toString()).infcode).toBe(0);
    sb.faults.inject({ mode: 'hang' });
    const stuck = post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN))).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    await sb.close();
    expect(Date.now() - t).toBeLessThan(1000);
    expect(await stuck).toBeInstanceOf(Error);
  });

  it('the admin endpoint injects, lists and clears faults, behind x-sandbox-admin: 1', async () => {
    const sb = await start();
    const admin = (method: string, body = '', headers: Record<string, string> = { 'x-sandbox-admin': '1' }) =>
      post(sb.url + '/__sandbox/faults', body, { method, headers: { 'content-type': 'application/json', ...headers } });
    expect((await admin('GET', '', {})).status).toBe(403);
    expect((await admin('POST', JSON.stringify({ mode: 'explode' }))).status).toBe(400);
    expect((await admin('POST', '{bad')).status).toBe(400);
    const added = await admin(
      'POST',
      JSON.stringify({ mode: 'business_error', infno: '1101', count: 3, message: '注入' }),
    );
    expect(added.status).toBe(200);
    expect(JSON.parse(added.body.toString()).fault).toMatchObject({
      mode: 'business_error',
      infno: '1101',
      remaining: 3,
    });
    const listed = JSON.parse((await admin('GET')).body.toString()) as Json;
    expect(listed.faults).toEqual([expect.objectContaining({ mode: 'business_error', remaining: 3 })]);
    expect(sb.faults.list()).toHaveLength(1);
    // a fault for 1101 does not touch 9001
    const signInReply = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)));
    const signNo = (JSON.parse(signInReply.body.toString()) as Json).output.signinoutb.sign_no as string;
    const q = () =>
      faultEnvelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } }, { sign_no: signNo });
    expect(JSON.parse((await post(sb.url + DISPATCH, JSON.stringify(q()))).body.toString())).toMatchObject({
      infcode: -1,
      err_msg: '注入',
    });
    expect(sb.faults.list()[0]!.remaining).toBe(2);
    expect((await admin('DELETE')).status).toBe(200);
    expect(sb.faults.list()).toEqual([]);
    expect(JSON.parse((await post(sb.url + DISPATCH, JSON.stringify(q()))).body.toString()).infcode).toBe(0);
  });

  it('survives hostile input: nothing crashes the server', async () => {
    const sb = await start();
    const bodies = [
      '{"infno":"9001","input":{"signIn":[]}}',
      JSON.stringify(faultEnvelope('9001', 'not-json-input')),
      JSON.stringify(faultEnvelope('9001', null)),
      JSON.stringify(faultEnvelope('2102', { druginfo: 'x', drugdetail: {} })),
      JSON.stringify({ ...faultEnvelope('9001', SIGN_IN), infno: 9001 }),
      JSON.stringify({ ...faultEnvelope('9001', SIGN_IN), msgid: { a: 1 } }),
      '"just a string"',
      'null',
    ];
    for (const b of bodies) {
      const r = await post(sb.url + DISPATCH, b);
      expect(r.status, b).toBe(200);
      expect(JSON.parse(r.body.toString()).infcode, b).toBe(-1);
    }
    const ok = await post(sb.url + DISPATCH, JSON.stringify(faultEnvelope('9001', SIGN_IN)));
    expect(JSON.parse(ok.body.toString()).infcode).toBe(0);
  });
});
