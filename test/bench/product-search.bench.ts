import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { createProductCatalogue, type ProductCatalogue } from '../../app/catalogue/products';
import { prepareWrite } from '../../app/catalogue/products/service';
import { createMemoryLogger } from '../../app/core/logger';
import { dataPaths } from '../../app/core/paths';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { CHANNELS } from '../../app/shared/contract';
import { startWebApp } from '../../app/web-bridge/start';
import { connect, rpc } from './ws-client';
import { percentile, round, type Bench, type BenchResult } from './types';

/**
 * Counter search over a realistic product master (30,000 products with Chinese names, specs, makers,
 * one or two barcodes each, 60 % in stock): in-process latency per query kind, and the time until the
 * first results reach a browser-mode client through the WebSocket bridge. Baselines in the same run:
 * a bare SQLite lookup (barcode by primary key, name by LIKE scan) and a bare WebSocket round trip.
 */

const PRODUCTS = 30_000;
const QUERIES = 2000;
const WARMUP = 200;
const BRIDGE_CALLS = 1000;
const LIMIT = 50;

// ---- a deterministic product set --------------------------------------------------------------------

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEMS = (
  '阿莫西林 头孢克肟 头孢呋辛酯 头孢氨苄 布洛芬 对乙酰氨基酚 氯雷他定 西替利嗪 奥美拉唑 雷贝拉唑 多潘立酮 蒙脱石 ' +
  '二甲双胍 格列美脲 硝苯地平 氨氯地平 厄贝沙坦 缬沙坦 阿托伐他汀 辛伐他汀 阿司匹林 氯吡格雷 复方甘草 板蓝根 ' +
  '连花清瘟 感冒灵 藿香正气 六味地黄 逍遥 银翘解毒 牛黄解毒 维生素C 维生素B1 葡萄糖酸钙 碳酸钙D3 阿奇霉素 ' +
  '罗红霉素 左氧氟沙星 甲硝唑 替硝唑 盐酸小檗碱 复方丹参 速效救心 银杏叶 三七 云南白药 红霉素 莫匹罗星 酮康唑 ' +
  '曲安奈德 地塞米松 泼尼松 布地奈德 沙丁胺醇 孟鲁司特钠 氨溴索 右美沙芬 复方鲜竹沥 川贝枇杷 健胃消食 多酶 ' +
  '乳酸菌素 双歧杆菌 乳果糖 洛哌丁胺 奥司他韦 阿昔洛韦 伐昔洛韦 利巴韦林 甲钴胺 谷维素 坦索罗辛 非那雄胺 氯沙坦 ' +
  '美托洛尔 比索洛尔 螺内酯 呋塞米 吲达帕胺 阿卡波糖 瑞格列奈 双氯芬酸 塞来昔布 美洛昔康 洛索洛芬 参苓白术 ' +
  '补中益气 金匮肾气 乌鸡白凤 益母草 归脾 香砂养胃 重感灵 长春西汀 伪麻黄碱 小儿氨酚黄那敏 蒲地蓝消炎 清热解毒'
).split(' ');
const FORMS = '胶囊 片 缓释片 肠溶片 颗粒 口服液 分散片 软膏 滴眼液 丸 散 糖浆 乳膏 喷雾剂 泡腾片'.split(' ');
const AMOUNTS = ['0.1g', '0.125g', '0.25g', '0.5g', '1g', '5mg', '10mg', '20mg', '50mg', '100mg', '10ml', '100ml'];
const COUNTS = ['6片', '10片', '12粒', '20粒', '24粒', '30片', '36片', '48粒', '60片', '100片', '10袋', '12袋'];
const CITIES =
  '北京 天津 上海 广州 深圳 杭州 南京 成都 重庆 武汉 西安 长沙 济南 青岛 哈尔滨 沈阳 石家庄 太原 郑州 合肥 南昌 福州 昆明 贵阳 南宁 海口 兰州 银川 西宁 珠海'.split(
    ' ',
  );
const MAKERS = '制药有限公司 药业股份有限公司 医药集团有限公司 中药有限公司 生物制药有限公司 同仁堂药业有限公司'.split(
  ' ',
);
const SYLLABLES = '仙 康 泰 必 得 乐 舒 宁 安 美 欣 力 普 信 达 优 佳 威 通 克 瑞 诺 立 赛 灵 清 速 益 和 维'.split(
  ' ',
);
const RX = ['rx', 'otc_a', 'otc_b', 'rx', 'otc_b'] as const;

interface Generated {
  barcodes: string[];
  initials: string[];
  names: string[];
  specs: string[];
}

function generate(catalogue: ProductCatalogue, db: Db): Generated {
  const r = rng(20261128);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const seen = new Set<string>();
  const out: Generated = { barcodes: [], initials: [], names: [], specs: [] };
  const stock = db.prepare('INSERT INTO product_stock (product_id, qty_base, updated_at) VALUES (?, ?, 0)');
  catalogue.products.inTransaction(() => {
    for (let i = 0; i < PRODUCTS; i++) {
      const barcodes: string[] = [];
      const n = r() < 0.2 ? 2 : 1;
      while (barcodes.length < n) {
        const b = '69' + String(Math.floor(r() * 1e11)).padStart(11, '0');
        if (!seen.has(b)) {
          seen.add(b);
          barcodes.push(b);
        }
      }
      const genericName = pick(STEMS) + pick(FORMS);
      const spec = `${pick(AMOUNTS)}*${pick(COUNTS)}`;
      const input = CHANNELS['products.save'].input.parse({
        code: `SP${String(i).padStart(6, '0')}`,
        genericName,
        tradeName: r() < 0.4 ? pick(SYLLABLES) + pick(SYLLABLES) + (r() < 0.5 ? pick(SYLLABLES) : '') : null,
        spec,
        manufacturer: pick(CITIES) + pick(SYLLABLES) + pick(SYLLABLES) + pick(MAKERS),
        unit: '盒',
        retailPriceFen: 100 + Math.floor(r() * 20000),
        rxClass: pick(RX),
        barcodes,
      });
      const w = prepareWrite(input, null);
      const id = catalogue.products.writeRow(w);
      if (r() < 0.6) stock.run(id, 1 + Math.floor(r() * 200));
      out.barcodes.push(...barcodes);
      out.initials.push(w.keys.initials.split(' ')[0]!);
      out.names.push(genericName);
      out.specs.push(spec);
    }
    return { result: null, ids: [] };
  });
  return out;
}

/** Queries as a cashier types them, drawn from the generated set. */
export function queries(g: Generated) {
  const r = rng(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const list = (f: () => string) => Array.from({ length: QUERIES + WARMUP }, f);
  return {
    barcode: list(() => pick(g.barcodes)),
    initials: list(() => {
      const k = pick(g.initials);
      return k.slice(0, 2 + Math.floor(r() * 3));
    }),
    fragment: list(() => {
      const n = pick(g.names);
      const len = 2 + Math.floor(r() * 2);
      const at = Math.floor(r() * Math.max(1, n.length - len));
      return n.slice(at, at + len);
    }),
    mixed: list(() => {
      const i = Math.floor(r() * g.initials.length);
      return `${g.initials[i]!.slice(0, 4)} ${g.specs[i]!.split('*')[0]}`;
    }),
  };
}

function time(qs: string[], fn: (q: string) => unknown): number[] {
  for (let i = 0; i < WARMUP; i++) fn(qs[i]!);
  const ms: number[] = [];
  for (let i = WARMUP; i < qs.length; i++) {
    const t0 = performance.now();
    fn(qs[i]!);
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

export function setUp(dir: string) {
  const db = openDatabase(dataPaths(dir).dbPath);
  migrate(db, MIGRATIONS);
  const catalogue = createProductCatalogue({
    db,
    log: createMemoryLogger(),
    now: () => Date.now(),
    admdvs: () => '110101',
    nhsa: () => null,
  });
  const t0 = performance.now();
  const g = generate(catalogue, db);
  const generateMs = performance.now() - t0;
  return { db, catalogue, g, generateMs };
}

// ---- the browser-mode bridge ------------------------------------------------------------------------

async function bridgeTimes(dir: string, qs: string[]): Promise<{ search: number[]; echo: number[]; bytes: number }> {
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(staticDir, { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>bench</title>');
  const app = await startWebApp({ dataDir: dir, staticDir, port: 0, env: {} });
  const search: number[] = [];
  let bytes = 0;
  try {
    const ws = await connect(`ws://127.0.0.1:${app.port}/bridge?token=${app.token}`);
    const call = rpc(ws);
    const admin = await call('auth.setupAdmin', { username: 'admin', displayName: '店长', password: 'Bench2026pos' });
    if (!admin.ok) throw new Error(`setupAdmin failed: ${JSON.stringify(admin.error)}`);
    for (let i = 0; i < WARMUP; i++) await call('products.search', { q: qs[i]!, limit: LIMIT });
    for (let i = WARMUP; i < Math.min(qs.length, WARMUP + BRIDGE_CALLS); i++) {
      const t0 = performance.now();
      const r = await call('products.search', { q: qs[i]!, limit: LIMIT });
      search.push(performance.now() - t0);
      if (!r.ok) throw new Error(`products.search failed: ${JSON.stringify(r.error)}`);
      bytes += JSON.stringify(r).length;
    }
    ws.close();
  } finally {
    await app.close();
  }
  bytes = Math.round(bytes / search.length);

  // the raw baseline: a WebSocket server on loopback that answers each frame with a reply of the same
  // average size as a search result — transport and JSON framing, no dispatch, no search
  const reply = JSON.stringify({
    t: 'result',
    id: 0,
    result: { ok: true, value: 'x'.repeat(Math.max(0, bytes - 60)) },
  });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (s) => s.on('message', () => s.send(reply)));
  const echo: number[] = [];
  const port = (wss.address() as { port: number }).port;
  const ws = await connect(`ws://127.0.0.1:${port}/`);
  const once = (q: string) =>
    new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send(JSON.stringify({ t: 'call', id: 1, channel: 'products.search', payload: { q, limit: LIMIT } }));
    });
  for (let i = 0; i < WARMUP; i++) await once(qs[i]!);
  for (let i = WARMUP; i < Math.min(qs.length, WARMUP + BRIDGE_CALLS); i++) {
    const t0 = performance.now();
    await once(qs[i]!);
    echo.push(performance.now() - t0);
  }
  ws.close();
  await new Promise<void>((r) => wss.close(() => r()));
  return { search: search.sort((a, b) => a - b), echo: echo.sort((a, b) => a - b), bytes };
}

export const productSearch: Bench = {
  name: `product search (${PRODUCTS.toLocaleString('en')} products)`,
  async run() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-products-'));
    const results: BenchResult[] = [];
    try {
      const { db, catalogue, g, generateMs } = setUp(root);
      const t0 = performance.now();
      catalogue.index.warm();
      const buildMs = performance.now() - t0;
      results.push({
        name: `product index build (${PRODUCTS} products, from SQLite)`,
        value: round(buildMs),
        unit: 'ms',
        goal: '— (once at start-up, after a bulk import)',
      });
      process.stdout.write(`  generated ${PRODUCTS} products in ${Math.round(generateMs)} ms\n`);

      const qs = queries(g);
      const search = (q: string) => catalogue.index.search(q, LIMIT);
      const bareBarcode = db.prepare('SELECT product_id FROM product_barcodes WHERE barcode = ?').pluck();
      const bareLikeName = db.prepare('SELECT id FROM products WHERE generic_name LIKE ? LIMIT 50').pluck();
      const bareLikeInitials = db.prepare('SELECT id FROM products WHERE pinyin_initials LIKE ? LIMIT 50').pluck();

      const kinds: [string, string[], ((q: string) => unknown) | null, string][] = [
        ['barcode (exact)', qs.barcode, (q) => bareBarcode.get(q), 'bare SQLite barcode lookup (primary key)'],
        ['pinyin initials (2–4 letters)', qs.initials, (q) => bareLikeInitials.all(`%${q}%`), 'bare LIKE scan'],
        ['name fragment (2–3 characters)', qs.fragment, (q) => bareLikeName.all(`%${q}%`), 'bare LIKE scan'],
        ['mixed ("amxl 0.25")', qs.mixed, null, ''],
      ];
      for (const [label, list, bare, bareLabel] of kinds) {
        const ours = time(list, search);
        const p50 = percentile(ours, 50);
        const p99 = percentile(ours, 99);
        const base = bare ? percentile(time(list, bare), 50) : undefined;
        results.push({
          name: `search ${label}, p50${bare ? ` (baseline: ${bareLabel}, p50)` : ''}`,
          value: round(p50, 3),
          unit: 'ms',
          goal: '—',
          ...(base !== undefined ? { baseline: round(base, 3), ratio: round(base / p50, 2) } : {}),
        });
        results.push({ name: `search ${label}, p99`, value: round(p99, 3), unit: 'ms', goal: '< 2 ms' });
      }
      db.close();

      const mixedQueries = qs.barcode
        .slice(0, 300)
        .concat(qs.initials.slice(0, 400), qs.fragment.slice(0, 400), qs.mixed.slice(0, 100));
      const bridge = await bridgeTimes(root, mixedQueries);
      const echoP50 = percentile(bridge.echo, 50);
      const echoP99 = percentile(bridge.echo, 99);
      results.push({
        name: `products.search to a browser-mode client, p50 (baseline: bare WS round trip, ${bridge.bytes} B reply)`,
        value: round(percentile(bridge.search, 50), 3),
        unit: 'ms',
        goal: '—',
        baseline: round(echoP50, 3),
        ratio: round(echoP50 / percentile(bridge.search, 50), 2),
      });
      results.push({
        name: 'products.search to a browser-mode client, p99 (baseline: bare WS round trip, p99)',
        value: round(percentile(bridge.search, 99), 3),
        unit: 'ms',
        goal: '< 20 ms',
        baseline: round(echoP99, 3),
        ratio: round(echoP99 / percentile(bridge.search, 99), 2),
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    return results;
  },
};
