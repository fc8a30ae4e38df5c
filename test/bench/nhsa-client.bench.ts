import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createNhsaClient, type NhsaConfig } from '../../app/nhsa/client';
import { postOnce } from '../../app/nhsa/http-transport';
import { createJournal } from '../../app/nhsa/journal';
import { percentile, round, type Bench } from './types';

const CALLS = 2000;
const WARMUP = 200;

const REPLY = JSON.stringify({
  infcode: 0,
  inf_refmsgid: '110100202611281200000000000001',
  refmsg_time: '20261128120000000',
  respond_time: '20261128120000001',
  err_msg: '',
  warn_msg: null,
  output: {
    baseinfo: {
      psn_no: '11000000000000000001',
      psn_cert_type: '01',
      certno: '110101199003071238',
      psn_name: '王培训',
      gend: '1',
      age: 36,
    },
    insuinfo: [
      {
        balc: '1234.56',
        insutype: '310',
        psn_type: '11',
        psn_insu_stas: '1',
        cvlserv_flag: '0',
        insuplc_admdvs: '110100',
      },
    ],
    idetinfo: [],
  },
});

/** A settlement: journaled with synchronous=FULL (it may need a reversal after a power cut). */
const SETTLE_INPUT = {
  druginfo: {
    psn_no: '11000000000000000001',
    mdtrt_cert_type: '02',
    mdtrt_cert_no: '110101199003071238',
    begntime: '2026-11-28 12:00:00',
    medfee_sumamt: '25.80',
    insutype: '310',
    acct_used_flag: '1',
    med_type: '41',
  },
  drugdetail: [
    {
      feedetl_sn: '1',
      rx_circ_flag: '0',
      fee_ocur_time: '2026-11-28 12:00:00',
      med_list_codg: 'XJ01CAA040A001010100001',
      medins_list_codg: 'SKU0001',
      det_item_fee_sumamt: '25.80',
      cnt: '2',
      pric: '12.90',
    },
  ],
};

const INPUT = {
  data: {
    mdtrt_cert_type: '02',
    mdtrt_cert_no: '110101199003071238',
    card_sn: '',
    psn_cert_type: '01',
    certno: '',
    psn_name: '',
  },
};

/**
 * What the client itself costs per call — build the envelope, validate against the registry, sign
 * (x-tif), allocate the msgid and journal before sending (durable), parse and check the reply,
 * complete the journal — against a loopback server that answers at once. The baseline is a bare
 * POST of a same-sized body through the same HTTP code to the same server, in the same run.
 */
export const nhsaClientOverhead: Bench = {
  name: 'insurance client overhead per call',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-nhsa-'));
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(REPLY);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const db = openDatabase(path.join(dir, 'pos.sqlite'));
    try {
      migrate(db, MIGRATIONS);
      const config: NhsaConfig = {
        baseUrl: `http://127.0.0.1:${port}`,
        profile: 'national',
        paasid: 'bench',
        token: 'bench-token',
        fixmedinsCode: 'P11010000001',
        fixmedinsName: '基准测试药房',
        admdvs: '110100',
        recerSysCode: 'YBXT',
        infver: 'V1.0',
        timeoutSeconds: 30,
        timeoutOverrides: {},
      };
      const client = createNhsaClient({
        db,
        journal: createJournal(db),
        log: createMemoryLogger('warn'),
        config: () => config,
        signNoOf: () => 'BENCH-SIGN-1',
      });
      const operator = { id: null, opter: 'bench', opterName: '基准' };
      const body = Buffer.from(JSON.stringify({ infno: '1101', pad: 'x'.repeat(600), input: INPUT }));
      const bare = () =>
        postOnce({
          url: `http://127.0.0.1:${port}/fsi/api/rsfComIfsService/callService`,
          headers: { 'Content-Type': 'application/json' },
          body,
          connectTimeoutMs: 10_000,
          totalTimeoutMs: 30_000,
          maxResponseBytes: 8 << 20,
        });

      const settleTimes: number[] = [];
      const settleBare: number[] = [];
      for (let i = 0; i < 600; i++) {
        let t = performance.now();
        const r = await client.call('2102', SETTLE_INPUT, { operator, insuplcAdmdvs: '110100' });
        const c = performance.now() - t;
        if (r.kind !== 'ok') throw new Error(`bench 2102 failed: ${JSON.stringify(r)}`);
        t = performance.now();
        await bare();
        if (i >= 100) {
          settleTimes.push(c);
          settleBare.push(performance.now() - t);
        }
      }
      settleTimes.sort((a, b) => a - b);
      settleBare.sort((a, b) => a - b);

      const clientTimes: number[] = [];
      const bareTimes: number[] = [];
      for (let i = 0; i < WARMUP + CALLS; i++) {
        // Interleaved so both see the same machine state.
        let t = performance.now();
        const r = await client.call('1101', INPUT, { operator });
        const c = performance.now() - t;
        if (r.kind !== 'ok') throw new Error(`bench call failed: ${JSON.stringify(r)}`);
        t = performance.now();
        const b = await bare();
        const raw = performance.now() - t;
        if (b.kind !== 'response') throw new Error('bare POST failed');
        if (i >= WARMUP) {
          clientTimes.push(c);
          bareTimes.push(raw);
        }
      }
      clientTimes.sort((a, b) => a - b);
      bareTimes.sort((a, b) => a - b);
      const p = (a: number[], q: number) => percentile(a, q);
      return [
        {
          name: 'insurance call via client (1101, loopback), p50',
          value: round(p(clientTimes, 50), 3),
          unit: 'ms',
          goal: 'informational',
          baseline: round(p(bareTimes, 50), 3),
          ratio: round(p(bareTimes, 50) / p(clientTimes, 50), 3),
        },
        {
          name: 'insurance call via client (1101, loopback), p99',
          value: round(p(clientTimes, 99), 3),
          unit: 'ms',
          goal: 'informational',
          baseline: round(p(bareTimes, 99), 3),
          ratio: round(p(bareTimes, 99) / p(clientTimes, 99), 3),
        },
        {
          name: 'client overhead per call, p50',
          value: round(p(clientTimes, 50) - p(bareTimes, 50), 3),
          unit: 'ms',
          goal: '< 2 ms at p99',
        },
        {
          name: 'client overhead per call, p99',
          value: round(p(clientTimes, 99) - p(bareTimes, 99), 3),
          unit: 'ms',
          goal: '< 2 ms',
        },
        {
          name: 'client overhead, settlement 2102 (journal fsynced), p50',
          value: round(p(settleTimes, 50) - p(settleBare, 50), 3),
          unit: 'ms',
          goal: 'informational',
        },
        {
          name: 'client overhead, settlement 2102 (journal fsynced), p99',
          value: round(p(settleTimes, 99) - p(settleBare, 99), 3),
          unit: 'ms',
          goal: 'informational',
        },
      ];
    } finally {
      db.close();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
