import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { createProductCatalogue } from '../../app/catalogue/products';
import { createCounter } from '../../app/counter/service';
import { createStock } from '../../app/counter/stock';
import { createMemoryLogger } from '../../app/core/logger';
import { createKeyFileCipher } from '../../app/core/secrets';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createOperatorService } from '../../app/auth/operators';
import { createNhsaService, toNhsaOperator } from '../../app/nhsa/service';
import { createSettingsService } from '../../app/settings/settings-service';
import { startWebApp } from '../../app/web-bridge/start';
import { connect, rpc } from './ws-client';
import { percentile, round, type Bench, type BenchResult } from './types';

/**
 * The counter: how long a scan takes to come back as a cart line through the browser-mode bridge (against a
 * bare WebSocket round trip with a reply of the same size), and the app's own share of a complete 3-item
 * insurance sale — start, 3 scans, 1101, 2101, 2102, payment — against a center that answers at once: the
 * sale's wall time minus the raw HTTP round trips of the same three requests, timed in the same run.
 */

const PRODUCTS = 60;
const SCANS = 400;
const SALES = 60;
const WARMUP_SALES = 5;

function seed(db: Db): string[] {
  const catalogue = createProductCatalogue({
    db,
    log: createMemoryLogger('warn'),
    now: Date.now,
    admdvs: () => '110101',
    nhsa: () => null,
  });
  const stock = createStock(db);
  const barcodes: string[] = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const barcode = `69${String(10_000_000_000 + i)}`;
    const p = catalogue.products.save({
      code: `B${String(i).padStart(4, '0')}`,
      genericName: `测试药品${i}`,
      spec: '10片',
      unit: '盒',
      retailPriceFen: 1000 + i,
      rxClass: 'otc_a',
      specialFlags: [],
      barcodes: [barcode],
      active: true,
    } as never);
    db.prepare(
      `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, uploaded_at, updated_at)
       VALUES (?, ?, '1301', '101', 'uploaded', 0, 0, 0)`,
    ).run(p.id, `XBENCH${String(i).padStart(17, '0')}`);
    stock.receive({
      productId: p.id,
      batchNo: `L${i}`,
      expiryDate: '2030-12-31',
      qtyBase: 1_000_000,
      operatorId: null,
      refId: 0,
      now: Date.now(),
    });
    barcodes.push(barcode);
  }
  return barcodes;
}

async function scanThroughBridge(dir: string): Promise<{ scan: number[]; echo: number[]; bytes: number }> {
  const db = openDatabase(path.join(dir, 'pos.sqlite'));
  migrate(db, MIGRATIONS);
  const barcodes = seed(db);
  db.close();
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(staticDir, { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>bench</title>');
  const app = await startWebApp({
    dataDir: dir,
    staticDir,
    port: 0,
    env: { POS_TRACE_REQUIRED_FOR_SELFPAY: 'false' },
  });
  const scan: number[] = [];
  let bytes = 0;
  try {
    const ws = await connect(`ws://127.0.0.1:${app.port}/bridge?token=${app.token}`);
    const call = rpc(ws);
    const admin = await call('auth.setupAdmin', { username: 'admin', displayName: '店长', password: 'Bench2026pos' });
    if (!admin.ok) throw new Error(`setupAdmin failed: ${JSON.stringify(admin.error)}`);
    let sale = (await call('counter.start', {})).value as { id: number };
    for (let i = 0; i < SCANS; i++) {
      // a cart of 8 different lines, then the next customer (a void keeps the bench's stock flat)
      if (i > 0 && i % 8 === 0) {
        await call('counter.void', { saleId: sale.id });
        sale = (await call('counter.start', {})).value as { id: number };
      }
      const t0 = performance.now();
      const r = await call('counter.scan', { saleId: sale.id, code: barcodes[i % PRODUCTS] });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(`counter.scan failed: ${JSON.stringify(r.error)}`);
      if (i >= 40) {
        scan.push(ms);
        bytes += JSON.stringify(r).length;
      }
    }
    ws.close();
  } finally {
    await app.close();
  }
  bytes = Math.round(bytes / scan.length);
  // baseline: a WebSocket server that answers every frame with a reply of the same size
  const reply = JSON.stringify({
    t: 'result',
    id: 0,
    result: { ok: true, value: 'x'.repeat(Math.max(0, bytes - 60)) },
  });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (s) => s.on('message', () => s.send(reply)));
  const ws = await connect(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`);
  const echo: number[] = [];
  for (let i = 0; i < SCANS; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(JSON.stringify({ t: 'call', id: i, channel: 'counter.scan', payload: { saleId: 1, code: barcodes[0] } }));
    });
    if (i >= 40) echo.push(performance.now() - t0);
  }
  ws.close();
  await new Promise<void>((r) => wss.close(() => r()));
  return { scan: scan.sort((a, b) => a - b), echo: echo.sort((a, b) => a - b), bytes };
}

/** A center that answers at once: canned 9001/1101, and 2101/2102 priced from the request. */
function instantCenter(): Promise<{ url: string; close(): Promise<void> }> {
  const person = {
    baseinfo: {
      psn_no: 'P001',
      psn_cert_type: '01',
      certno: '11010119650315201X',
      psn_name: '王培训',
      gend: '1',
      age: 61,
    },
    insuinfo: [
      {
        balc: '1000.00',
        insutype: '310',
        psn_type: '11',
        psn_insu_stas: '1',
        cvlserv_flag: '0',
        insuplc_admdvs: '110100',
      },
    ],
    idetinfo: [],
  };
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const env = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        infno: string;
        msgid: string;
        input: { druginfo?: { medfee_sumamt: string } };
      };
      let output: unknown = {};
      if (env.infno === '9001') output = { signinoutb: { sign_time: '2026-11-28 10:00:00', sign_no: 'S1' } };
      else if (env.infno === '1101') output = person;
      else if (env.infno === '2101' || env.infno === '2102') {
        const total = env.input.druginfo!.medfee_sumamt;
        output = {
          setlinfo: {
            setl_id: env.infno === '2102' ? `S${++n}` : null,
            mdtrt_id: `M${n}`,
            psn_no: 'P001',
            psn_name: '王培训',
            psn_cert_type: '01',
            certno: '11010119650315201X',
            psn_type: '11',
            cvlserv_flag: '0',
            setl_time: '2026-11-28 10:00:00',
            med_type: '41',
            medfee_sumamt: total,
            fund_pay_sumamt: '0.00',
            acct_pay: '0.00',
            psn_cash_pay: total,
            psn_part_amt: total,
            balc: '1000.00',
          },
          setldetail: [],
          detlcutinfo: [],
        };
      }
      const body = JSON.stringify({ infcode: 0, inf_refmsgid: env.msgid, err_msg: '', output });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

function rawPost(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function saleShare(dir: string): Promise<{ sale: number[]; raw: number[] }> {
  const center = await instantCenter();
  const db = openDatabase(path.join(dir, 'pos.sqlite'));
  migrate(db, MIGRATIONS);
  const barcodes = seed(db);
  const log = createMemoryLogger('warn');
  const env = {
    POS_NHSA_BASE_URL: `${center.url}/fsi/api/rsfComIfsService/callService`,
    POS_FIXMEDINS_CODE: 'P11010000001',
    POS_FIXMEDINS_NAME: '基准药房',
    POS_ADMDVS: '110101',
    POS_TRACE_REQUIRED_FOR_INSURANCE: 'false',
  };
  const settings = createSettingsService({ db, cipher: createKeyFileCipher(dir), env, log, now: Date.now });
  const operators = createOperatorService(db, Date.now);
  const opId = Number(
    db
      .prepare(
        `INSERT INTO operators (username, display_name, roles, password_hash, must_change_password, created_at, updated_at)
         VALUES ('bench', '收银员', '["cashier"]', 'x', 0, 0, 0)`,
      )
      .run().lastInsertRowid,
  );
  const nhsa = await createNhsaService({
    db,
    log,
    settings,
    dataDir: dir,
    operatorById: (id) => {
      const s = operators.sessionOf(id);
      return s ? toNhsaOperator(s) : null;
    },
  });
  const catalogue = createProductCatalogue({ db, log, now: Date.now, admdvs: () => '110101', nhsa: () => nhsa });
  const counter = createCounter({
    db,
    log,
    now: Date.now,
    settings,
    operators,
    index: catalogue.index,
    facts: catalogue.facts,
    nhsa,
    nhsaOperator: (id) => toNhsaOperator(operators.sessionOf(id)!),
  });
  catalogue.index.warm();
  const sale: number[] = [];
  const raw: number[] = [];
  const bodies: string[] = [];
  try {
    for (let i = 0; i < SALES + WARMUP_SALES; i++) {
      const t0 = performance.now();
      const s = counter.start(opId);
      for (let k = 0; k < 3; k++) counter.scan(s.id, opId, barcodes[(i * 3 + k) % PRODUCTS]!);
      await counter.readPerson(s.id, opId, { certType: '02', certNo: '11010119650315201X' });
      await counter.preSettle(s.id, opId);
      const v = await counter.settle(s.id, opId);
      counter.pay(s.id, opId, [{ method: 'cash', amountFen: v.dueFen }]);
      const ms = performance.now() - t0;
      if (i >= WARMUP_SALES) sale.push(ms);
      if (i === 0) {
        // the three requests as sent, for the raw baseline
        for (const infno of ['1101', '2101', '2102']) {
          bodies.push(
            db
              .prepare('SELECT request FROM nhsa_journal WHERE infno = ? ORDER BY id LIMIT 1')
              .pluck()
              .get(infno) as string,
          );
        }
      }
    }
    const url = `${center.url}/fsi/api/rsfComIfsService/callService`;
    for (let i = 0; i < SALES + WARMUP_SALES; i++) {
      const t0 = performance.now();
      for (const b of bodies) await rawPost(url, b);
      if (i >= WARMUP_SALES) raw.push(performance.now() - t0);
    }
  } finally {
    await nhsa.close();
    db.close();
    await center.close();
  }
  return { sale: sale.sort((a, b) => a - b), raw: raw.sort((a, b) => a - b) };
}

export const counterBench: Bench = {
  name: 'counter (scan to line, a 3-item insurance sale)',
  async run(): Promise<BenchResult[]> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-counter-'));
    try {
      const bridgeDir = path.join(root, 'bridge');
      fs.mkdirSync(bridgeDir);
      const b = await scanThroughBridge(bridgeDir);
      const saleDir = path.join(root, 'sale');
      fs.mkdirSync(saleDir);
      const s = await saleShare(saleDir);
      const share = s.sale.map((ms, i) => ms - (s.raw[i] ?? 0));
      process.stdout.write(
        `  scan reply ${b.bytes} B; sale p50 ${round(percentile(s.sale, 50), 1)} ms, raw 3 round trips p50 ${round(percentile(s.raw, 50), 2)} ms\n`,
      );
      return [
        {
          name: 'counter.scan to a browser-mode client, p50 (baseline: bare WS round trip, same size)',
          value: round(percentile(b.scan, 50), 3),
          unit: 'ms',
          goal: 'fast enough for a scanner burst',
          baseline: round(percentile(b.echo, 50), 3),
          ratio: round(percentile(b.echo, 50) / percentile(b.scan, 50), 2),
        },
        {
          name: 'counter.scan to a browser-mode client, p99',
          value: round(percentile(b.scan, 99), 3),
          unit: 'ms',
          goal: 'fast enough for a scanner burst',
          baseline: round(percentile(b.echo, 99), 3),
          ratio: round(percentile(b.echo, 99) / percentile(b.scan, 99), 2),
        },
        {
          name: "3-item insurance sale, the app's own share p50 (sale minus raw 1101+2101+2102 round trips)",
          value: round(
            percentile(
              share.sort((x, y) => x - y),
              50,
            ),
            2,
          ),
          unit: 'ms',
          goal: '< 100 ms',
          baseline: round(percentile(s.raw, 50), 2),
        },
        {
          name: "3-item insurance sale, the app's own share p99",
          value: round(percentile(share, 99), 2),
          unit: 'ms',
          goal: '< 100 ms',
          baseline: round(percentile(s.raw, 99), 2),
        },
      ];
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
