import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createProductCatalogue } from '../../app/catalogue/products';
import { createStock } from '../../app/counter/stock';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { SANDBOX_GATEWAY, SANDBOX_PHARMACY } from '../../app/nhsa/service';
import { openSandboxInspector, startSandbox, type Sandbox } from '../../app/sandbox';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/e2e';

/**
 * The till as a cashier meets a crash: browser mode runs as its own process (`node dist/web/server.js`); the
 * cashier settles, the center commits 2102 but its answer is slow, and the till is killed (kill -9) before the
 * answer arrives. Started again, the same screen shows the sale being reversed, then the cart given back with
 * a notice that nothing was charged — and the center shows the one settlement, reversed.
 */

const SHOTS = path.resolve('test-output/screenshots');
const WAIT = 30_000;
const ADMIN = { username: 'admin', displayName: '王店长', password: 'Kaimen2025' };
const WANG_ID = '11010119650315201X';

function stockTheTill(dataDir: string) {
  const db = openDatabase(path.join(dataDir, 'pos.sqlite'));
  try {
    migrate(db, MIGRATIONS);
    const catalogue = createProductCatalogue({
      db,
      log: createMemoryLogger(),
      now: Date.now,
      admdvs: () => SANDBOX_PHARMACY.admdvs,
      nhsa: () => null,
    });
    const stock = createStock(db);
    for (const p of [
      {
        code: 'P002',
        name: '维生素C片',
        unit: '瓶',
        fen: 350,
        barcode: '6901234567809',
        nat: 'XA11GAW043A001010100002',
      },
      {
        code: 'P003',
        name: '布洛芬缓释胶囊',
        unit: '盒',
        fen: 1880,
        barcode: '6901234567816',
        nat: 'XM01AEB010E001010100004',
      },
    ]) {
      const saved = catalogue.products.save({
        code: p.code,
        genericName: p.name,
        unit: p.unit,
        retailPriceFen: p.fen,
        rxClass: 'otc_a',
        specialFlags: [],
        barcodes: [p.barcode],
        active: true,
      } as never);
      db.prepare(
        `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, uploaded_at, updated_at)
         VALUES (?, ?, '1301', '101', 'uploaded', 0, 0, 0)`,
      ).run(saved.id, p.nat);
      stock.receive({
        productId: saved.id,
        batchNo: `${p.code}-B1`,
        expiryDate: '2029-06-30',
        qtyBase: 20,
        operatorId: null,
        refId: 0,
        now: Date.now(),
      });
    }
  } finally {
    db.close();
  }
}

/** `node dist/web/server.js` on the data folder; resolves with its URL (the per-run token included). */
function startTill(dataDir: string, env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['dist/web/server.js'], {
    env: {
      ...process.env,
      POS_DATA_DIR: dataDir,
      POS_STATIC_DIR: path.resolve('dist/renderer'),
      POS_SYSTEM_WEB_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the till did not start: ${out}`)), WAIT);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]! });
      }
    });
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    proc.once('exit', (code) => reject(new Error(`the till exited (${code}): ${out}`)));
  });
}

/** Waits for a test id to show; on a timeout, says what the cashier was told meanwhile (toasts) and keeps a picture. */
async function shown(page: Page, testId: string): Promise<void> {
  const seen = new Set<string>();
  const deadline = Date.now() + WAIT;
  while ((await page.getByTestId(testId).count()) === 0) {
    for (const t of await page.getByTestId('toast').allInnerTexts()) seen.add(t.replace(/\s+/g, ' '));
    if (Date.now() > deadline) {
      await page.screenshot({ path: path.join(SHOTS, `counter-crash-failed-${testId}.png`) }).catch(() => undefined);
      throw new Error(`${testId} did not show; notices: ${[...seen].join(' | ') || 'none'}`);
    }
    await page.waitForTimeout(100);
  }
}

const saleState = (dbFile: string): string | undefined => {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT state FROM sales WHERE kind = 'sale' ORDER BY id DESC LIMIT 1").pluck().get() as
      string | undefined;
  } finally {
    db.close();
  }
};

describe('收银台: the till killed between 2102 and its answer', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  });

  it('restarts, shows the reversal, gives the cart back and tells the cashier', async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-crash-'));
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const dataDir = path.join(root, 'till');
    fs.mkdirSync(dataDir);
    stockTheTill(dataDir);
    const sandbox: Sandbox = await startSandbox({
      dbPath: path.join(root, 'sandbox.sqlite'),
      log: createMemoryLogger(),
      port: 0,
      gateway: SANDBOX_GATEWAY,
      fixmedinsCode: SANDBOX_PHARMACY.code,
      fixmedinsName: SANDBOX_PHARMACY.name,
    });
    cleanups.push(() => sandbox.close());
    const env = {
      POS_NHSA_BASE_URL: sandbox.url,
      POS_NHSA_PAASID: SANDBOX_GATEWAY.paasid,
      POS_NHSA_TOKEN: SANDBOX_GATEWAY.token,
      POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
      POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
      POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
      POS_TRACE_REQUIRED_FOR_INSURANCE: 'false',
    };
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    const page: Page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });

    let till = await startTill(dataDir, env);
    cleanups.push(() => {
      till.proc.kill('SIGKILL');
    });
    await page.goto(till.url);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-display-name').fill(ADMIN.displayName);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('counter-screen').waitFor({ timeout: WAIT });

    for (const [i, code] of ['6901234567809', '6901234567816'].entries()) {
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('cart-line').count(), { timeout: WAIT }).toBe(i + 1);
    }
    await page.keyboard.press('Alt+KeyN');
    await page.getByTestId('idnumber-input').fill(WANG_ID);
    await page.keyboard.press('Enter');
    await shown(page, 'person-name');
    await page.keyboard.press('F9');
    await expect
      .poll(() => page.getByTestId('counter-screen').getAttribute('data-state'), { timeout: WAIT })
      .toBe('presettled');

    // the center commits 2102 at once and answers only after a minute: kill -9 lands in between
    sandbox.faults.inject({ mode: 'delay', infno: '2102', delayMs: 60_000 });
    await page.keyboard.press('Enter');
    const dbFile = path.join(dataDir, 'pos.sqlite');
    await expect.poll(() => saleState(dbFile), { timeout: WAIT }).toBe('settling');
    const inspector = openSandboxInspector(path.join(root, 'sandbox.sqlite'));
    cleanups.push(() => inspector.close());
    await expect
      .poll(() => inspector.settlements().filter((s) => s.kind === 'settle').length, { timeout: WAIT })
      .toBe(1);
    till.proc.kill('SIGKILL');
    await new Promise((r) => till.proc.once('exit', r));

    // started again: the cashier logs in and sees what happened
    till = await startTill(dataDir, env);
    await page.goto(till.url);
    await page.getByTestId('login-username').fill(ADMIN.username);
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('counter-screen').waitFor({ timeout: WAIT });
    await expect
      .poll(() => page.getByTestId('counter-screen').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('open');
    await page.getByTestId('sale-notice').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('sale-notice').innerText()).toContain('已冲正');
    expect(await page.getByTestId('cart-line').count()).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, 'counter-crash-given-back.png') });
    // at the center: the one settlement, reversed
    const settled = inspector.settlements().filter((s) => s.kind === 'settle');
    expect(settled).toHaveLength(1);
    expect(settled[0]!.status).not.toBe('active');
  }, 180_000);
});
