import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createUploader } from '../../app/inventory/uploader';
import { createNhsaClient, type NhsaConfig } from '../../app/nhsa/client';
import { postOnce } from '../../app/nhsa/http-transport';
import { createJournal } from '../../app/nhsa/journal';
import { createSettingsService } from '../../app/settings/settings-service';
import { createKeyFileCipher } from '../../app/core/secrets';
import { spawn } from 'node:child_process';
import { round, type Bench } from './types';

const RECORDS = 10_000;
const BATCH = 100;

const REPLY = JSON.stringify({
  infcode: 0,
  inf_refmsgid: '110100202611281200000000000001',
  refmsg_time: '20261128120000000',
  respond_time: '20261128120000001',
  err_msg: '',
  output: { result: { retRslt: '1', msgRslt: '成功' } },
});

/** A self-pay 3505 record as the counter writes it (one sale line). */
function saleRecord(i: number): Record<string, unknown> {
  return {
    selinfo: {
      med_list_codg: 'XA11GAW043A001010100002',
      fixmedins_hilist_id: `P${String(i % 500).padStart(4, '0')}`,
      fixmedins_hilist_name: '维生素C片',
      fixmedins_bchno: String(1 + (i % 200)),
      prsc_dr_name: '无',
      phar_name: '赵药师',
      phar_prac_cert_no: 'ZY1101010001',
      hi_feesetl_type: '0',
      setl_id: '',
      mdtrt_sn: `S20261128${String(i).padStart(5, '0')}`,
      psn_no: '',
      psn_cert_type: '01',
      certno: '',
      psn_name: '',
      manu_lotnum: `VC-${i % 200}`,
      manu_date: '2025-01-01',
      expy_end: '2028-01-31',
      rx_flag: '0',
      trdn_flag: '0',
      finl_trns_pric: '3.50',
      rxno: '',
      rtal_docno: `S20261128${String(i).padStart(5, '0')}`,
      sel_retn_cnt: '1',
      sel_retn_time: '2026-11-28 10:00:00',
      sel_retn_opter_name: '收银员甲',
      mdtrt_setl_type: '2',
      memo: `pos:sale_line:${i + 1}`,
    },
    drugtracinfo: [{ drug_trac_codg: `8${String(10_000_000_000_000_000_000n + BigInt(i)).slice(1, 20)}` }],
  };
}

interface Setup {
  url: string;
  signNo: string;
  /** what one call of the uploader's backlog looks like on the wire, for the raw posts */
  rawBody(call: number): Buffer;
}

/**
 * Fills an outbox with RECORDS sale records and drains it through the real client to `url`, then posts the same
 * number of calls of the same size straight to the same server (the raw round-trip rate), one after another.
 */
async function measure(
  label: string,
  goal: string,
  target: (dir: string) => Promise<Setup & { close(): Promise<void> }>,
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-upload-'));
  const t0 = await target(dir);
  const db = openDatabase(path.join(dir, 'pos.sqlite'));
  try {
    migrate(db, MIGRATIONS);
    const log = createMemoryLogger('warn');
    const settings = createSettingsService({
      db,
      cipher: createKeyFileCipher(dir),
      env: { POS_UPLOAD_MODE: 'batch', POS_UPLOAD_BATCH_SIZE: String(BATCH) },
      log,
      now: Date.now,
    });
    const config: NhsaConfig = {
      baseUrl: t0.url,
      profile: 'national',
      paasid: 'bench',
      token: 'bench-token',
      fixmedinsCode: 'P11010000001',
      fixmedinsName: '沙箱培训大药房',
      admdvs: '110100',
      recerSysCode: 'YBXT',
      infver: 'V1.0',
      timeoutSeconds: 30,
      timeoutOverrides: {},
    };
    const client = createNhsaClient({
      db,
      journal: createJournal(db),
      log,
      config: () => config,
      signNoOf: () => t0.signNo,
    });
    const insert = db.prepare(
      `INSERT INTO upload_outbox (infno, ref_type, ref_id, payload, next_attempt_at, created_at, updated_at)
       VALUES ('3505', 'sale_line', ?, ?, 0, ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < RECORDS; i++) insert.run(i + 1, JSON.stringify(saleRecord(i)), Date.now(), Date.now());
    })();
    const uploader = createUploader({
      db,
      log,
      now: Date.now,
      settings,
      nhsa: { call: (infno, input, ctx) => client.call(infno, input, ctx), config: () => config },
    });
    let t = performance.now();
    await uploader.drain();
    const drainMs = performance.now() - t;
    const left = db.prepare("SELECT count(*) FROM upload_outbox WHERE state != 'sent'").pluck().get() as number;
    if (left) throw new Error(`bench: ${left} records not sent: ${JSON.stringify(uploader.summary())}`);

    const calls = RECORDS / BATCH;
    t = performance.now();
    for (let i = 0; i < calls; i++) {
      const r = await postOnce({
        url: `${t0.url}/fsi/api/rsfComIfsService/callService`,
        headers: { 'Content-Type': 'application/json' },
        body: t0.rawBody(i),
        connectTimeoutMs: 10_000,
        totalTimeoutMs: 30_000,
        maxResponseBytes: 8 << 20,
      });
      if (r.kind !== 'response' || !r.body.toString().includes('"infcode":0')) {
        throw new Error(`bare POST failed: ${r.kind === 'response' ? r.body.toString().slice(0, 300) : r.kind}`);
      }
    }
    const rawMs = performance.now() - t;
    const ours = RECORDS / (drainMs / 1000);
    const raw = RECORDS / (rawMs / 1000);
    return {
      name: `${label}: ${RECORDS} sale records, 3505A × ${BATCH}`,
      value: Math.round(ours),
      unit: 'records/s',
      goal,
      baseline: Math.round(raw),
      ratio: round(ours / raw, 3),
    };
  } finally {
    db.close();
    await t0.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The sandbox center in its own process (test/bench/sandbox-child.ts). */
async function sandboxProcess(dbPath: string): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sandbox-child.ts'), dbPath], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\{"url":"([^"]+)"\}/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`sandbox process exited (${code})`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

let msgSeq = 0;
function envelope(signNo: string, input: unknown): Buffer {
  const seq = String(++msgSeq % 10_000).padStart(4, '0');
  return Buffer.from(
    JSON.stringify({
      infno: '3505A',
      msgid: `P11010000001${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${seq}`,
      mdtrtarea_admvs: '110100',
      insuplc_admdvs: '110100',
      recer_sys_code: 'YBXT',
      dev_no: '',
      dev_safe_info: '',
      cainfo: '',
      signtype: '',
      infver: 'V1.0',
      opter_type: '1',
      opter: 'system',
      opter_name: '进销存自动上传',
      inf_time: '2026-11-28 10:00:00',
      fixmedins_code: 'P11010000001',
      fixmedins_name: '沙箱培训大药房',
      sign_no: signNo,
      input,
    }),
  );
}

const rowsOf = (call: number) =>
  Array.from({ length: BATCH }, (_, i) => {
    const r = saleRecord(RECORDS + call * BATCH + i);
    return { ...(r.selinfo as Record<string, unknown>), drugtracinfo: r.drugtracinfo };
  });

/**
 * Draining a backlog of 10,000 sale records against the sandbox center answering as fast as it can (it validates
 * and records every row; in a process of its own, as a real center is another machine), compared with bare POSTs of equivalent envelopes to the same center in the same run:
 * what the uploader adds — reading due rows, marking them in doubt before the call (durable), the client's
 * validation, envelope and journal, recording each row's result. A second line measures the same against a
 * loopback stub that does nothing, which shows the uploader's own cost per record without the center's.
 */
export const uploadDrain: Bench = {
  name: 'upload backlog drain (10,000 sale records)',
  async run() {
    const sandbox = await measure('upload drain vs sandbox center', '>= 0.8 of raw', async (dir) => {
      const sb = await sandboxProcess(path.join(dir, 'sandbox.sqlite'));
      const signIn = await postOnce({
        url: `${sb.url}/fsi/api/rsfComIfsService/callService`,
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(
          JSON.stringify({
            ...(JSON.parse(envelope('', {}).toString()) as Record<string, unknown>),
            infno: '9001',
            input: { signIn: { opter_no: 'system', mac: '00-00-00-00-00-00', ip: '127.0.0.1' } },
          }),
        ),
        connectTimeoutMs: 10_000,
        totalTimeoutMs: 30_000,
        maxResponseBytes: 1 << 20,
      });
      if (signIn.kind !== 'response') throw new Error('bench: sandbox sign-in failed');
      const signNo = (JSON.parse(signIn.body.toString()) as { output: { signinoutb: { sign_no: string } } }).output
        .signinoutb.sign_no;
      return {
        url: sb.url,
        signNo,
        rawBody: (call) => envelope(signNo, { selinfoDetail: rowsOf(call) }),
        close: () => sb.close(),
      };
    });
    const stub = await measure('upload drain vs do-nothing stub', 'informational', async () => {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(REPLY);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      return {
        url: `http://127.0.0.1:${port}`,
        signNo: 'BENCH-SIGN-1',
        rawBody: (call) => envelope('BENCH-SIGN-1', { selinfoDetail: rowsOf(call) }),
        close: () => new Promise<void>((r) => server.close(() => r())),
      };
    });
    return [sandbox, stub];
  },
};
