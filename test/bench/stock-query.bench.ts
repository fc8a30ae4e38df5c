import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditLog } from '../../app/auth/audit';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createStockQuery } from '../../app/inventory/stock-query';
import type { SettingsService } from '../../app/settings/settings-service';
import type { BatchQuery } from '../../app/shared/inventory';
import { percentile, round, type Bench, type BenchResult } from './types';

/**
 * The 库存 list over a large stock: 50,000 batches of ~10,000 products (90 % in stock, expiries from half a year
 * past to three years ahead, a few locked, trace codes on a third of the batches), queried the way the screen
 * does — the first page by expiry, the near-expiry page, a text search (name fragment, code, pinyin initials,
 * batch number) — each with its total. Baseline in the same process: the bare `SELECT … LIMIT 100` of the first
 * page (join, order by expiry), no count, no statuses.
 */

const PRODUCTS = 10_000;
const BATCHES = 50_000;
const QUERIES = 1000;
const WARMUP = 100;
const TODAY = Date.UTC(2026, 10, 28, 2, 0, 0);

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

const STEMS =
  '阿莫西林 头孢克肟 布洛芬 对乙酰氨基酚 氯雷他定 奥美拉唑 蒙脱石 二甲双胍 硝苯地平 氨氯地平 阿托伐他汀 阿司匹林 板蓝根 连花清瘟 感冒灵 藿香正气 六味地黄 维生素C 葡萄糖酸钙 阿奇霉素 左氧氟沙星 甲硝唑 复方丹参 银杏叶 云南白药 红霉素 地塞米松 孟鲁司特钠 氨溴索 健胃消食 奥司他韦 甲钴胺 美托洛尔 阿卡波糖 塞来昔布'.split(
    ' ',
  );
const FORMS = '胶囊 片 缓释片 颗粒 口服液 软膏 滴眼液 丸 糖浆'.split(' ');
const CATEGORIES = ['抗感染药', '解热镇痛', '心血管', '消化系统', '维生素', '中成药', null];
const LETTERS = 'abcdefghjklmnpqrstwxyz';

interface Seeded {
  fragments: string[];
  codes: string[];
  initials: string[];
  batchNos: string[];
}

export function seed(db: Db): Seeded {
  const r = rng(20261128);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: Seeded = { fragments: [], codes: [], initials: [], batchNos: [] };
  const product = db.prepare(
    `INSERT INTO products (code, generic_name, spec, unit, split_unit, split_factor, retail_price_fen, rx_class, category,
       pinyin_initials, created_at, updated_at)
     VALUES (?, ?, '10片', '盒', ?, ?, ?, 'otc_a', ?, ?, 0, 0)`,
  );
  const batch = db.prepare(
    `INSERT INTO stock_batches (product_id, batch_no, mfg_date, expiry_date, purchase_price_fen, qty_base, locked,
       created_at, updated_at) VALUES (?, ?, '2025-01-01', ?, ?, ?, ?, 0, 0)`,
  );
  const code = db.prepare(
    `INSERT INTO trace_codes (key, code, product_id, batch_id, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'in_stock', 0, 0)`,
  );
  db.transaction(() => {
    for (let i = 1; i <= PRODUCTS; i++) {
      const name = pick(STEMS) + pick(FORMS);
      const initials = Array.from({ length: 4 + Math.floor(r() * 3) }, () => pick([...LETTERS])).join('');
      const split = r() < 0.3;
      product.run(
        `SP${String(i).padStart(6, '0')}`,
        name,
        split ? '粒' : null,
        split ? 24 : null,
        100 + Math.floor(r() * 20000),
        pick(CATEGORIES),
        initials,
      );
      if (i % 10 === 0) {
        out.codes.push(`SP${String(i).padStart(6, '0')}`);
        out.initials.push(initials.slice(0, 3));
        out.fragments.push(name.slice(0, 2 + Math.floor(r() * 2)));
      }
    }
    let serial = 0;
    for (let i = 0; i < BATCHES; i++) {
      const productId = 1 + Math.floor(r() * PRODUCTS);
      const batchNo = `${pick(['B', 'L', 'P'])}${String(250000 + i * 7)}`;
      const expiry = new Date(TODAY + (Math.floor(r() * 1280) - 180) * 86_400_000).toISOString().slice(0, 10);
      const qty = r() < 0.9 ? 1 + Math.floor(r() * 300) : 0;
      const id = Number(
        batch.run(productId, batchNo, expiry, 50 + Math.floor(r() * 5000), qty, r() < 0.01 ? 1 : 0).lastInsertRowid,
      );
      if (r() < 0.33) {
        for (let k = 0; k < 3; k++) {
          const c = `8${String(++serial).padStart(19, '0')}`;
          code.run(c, c, productId, id);
        }
      }
      if (i % 50 === 0) out.batchNos.push(batchNo.slice(0, 5));
    }
  })();
  db.exec('ANALYZE');
  return out;
}

function time(qs: BatchQuery[], fn: (q: BatchQuery) => unknown): number[] {
  for (let i = 0; i < WARMUP; i++) fn(qs[i % qs.length]!);
  const ms: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const q = qs[i % qs.length]!;
    const t0 = performance.now();
    fn(q);
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

export const stockQuery: Bench = {
  name: `stock list (${BATCHES.toLocaleString('en')} batches, ${PRODUCTS.toLocaleString('en')} products)`,
  async run() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-stock-'));
    const results: BenchResult[] = [];
    try {
      const db = openDatabase(path.join(root, 'pos.sqlite'));
      migrate(db, MIGRATIONS);
      const t0 = performance.now();
      const s = seed(db);
      process.stdout.write(`  generated ${BATCHES} batches in ${Math.round(performance.now() - t0)} ms\n`);
      const settings = { current: () => ({ 'gsp.near_expiry_months': 6 }) } as unknown as SettingsService;
      const audit = { record: () => undefined, list: () => ({ rows: [], total: 0 }) } as AuditLog;
      const query = createStockQuery({ db, settings, now: () => TODAY, audit });

      const bare = db.prepare(
        `SELECT b.id, p.code, p.generic_name, b.batch_no, b.expiry_date, b.qty_base FROM stock_batches b
           JOIN products p ON p.id = b.product_id WHERE b.qty_base > 0 ORDER BY b.expiry_date, b.id LIMIT 100`,
      );
      const baseline = percentile(
        time([{}], () => bare.all()),
        50,
      );
      const texts = [...s.fragments, ...s.codes, ...s.initials, ...s.batchNos];
      const r = rng(7);
      const textQueries = Array.from({ length: 400 }, () => ({ text: texts[Math.floor(r() * texts.length)]! }));
      const kinds: [string, BatchQuery[]][] = [
        ['first page by expiry (in stock, 100 rows + total)', [{}]],
        ['first page by product', [{ sort: 'product' }]],
        ['near-expiry page (6 months)', [{ status: 'near_expiry' }]],
        ['expired page', [{ status: 'expired' }]],
        ['text search (name fragment, code, pinyin initials, batch no)', textQueries],
        ['page 20 by expiry (offset 2000)', [{ offset: 2000 }]],
      ];
      for (const [label, qs] of kinds) {
        const ms = time(qs, (q) => query.batches(q));
        const p50 = percentile(ms, 50);
        results.push({
          name: `stock.batches ${label}, p50 (baseline: bare SELECT … LIMIT 100, p50)`,
          value: round(p50, 3),
          unit: 'ms',
          goal: '—',
          baseline: round(baseline, 3),
          ratio: round(baseline / p50, 2),
        });
        results.push({
          name: `stock.batches ${label}, p99`,
          value: round(percentile(ms, 99), 3),
          unit: 'ms',
          goal: '< 5 ms',
        });
      }
      // the first page right after a sale changed a batch (the cached totals of other lists are dropped then)
      const sold = db.prepare('UPDATE stock_batches SET qty_base = qty_base + 0, updated_at = ? WHERE id = ?');
      const fresh: number[] = [];
      for (let n = 0; n < QUERIES; n++) {
        sold.run(n, 1 + (n % BATCHES));
        const t0 = performance.now();
        query.batches({});
        fresh.push(performance.now() - t0);
      }
      fresh.sort((a, b) => a - b);
      results.push({
        name: 'stock.batches first page by expiry right after a sale changed a batch, p50',
        value: round(percentile(fresh, 50), 3),
        unit: 'ms',
        goal: '—',
      });
      results.push({
        name: 'stock.batches first page by expiry right after a sale changed a batch, p99',
        value: round(percentile(fresh, 99), 3),
        unit: 'ms',
        goal: '< 5 ms',
      });
      db.close();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
    return results;
  },
};
