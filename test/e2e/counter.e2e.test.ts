import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProductCatalogue } from '../../app/catalogue/products';
import { createMemoryLogger } from '../../app/core/logger';
import { createStock } from '../../app/counter/stock';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { SANDBOX_PHARMACY } from '../../app/nhsa/service';
import { IdCardReaderSim } from '../../app/sandbox/devices/id-card-reader-sim';
import { startSerialVirtualPrinter, type SerialVirtualPrinter } from '../../app/sandbox/devices/virtual-printer';
import { SANDBOX_PERSONS } from '../../app/sandbox/seed';
import type { ProductDetail } from '../../app/shared/contract';
import { startWebApp, type WebApp } from '../../app/web-bridge/start';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/e2e';

/**
 * The checkout (收银台) as a cashier meets it in training mode: a real SQLite file stocked before start,
 * the built-in sandbox center, an ID-card reader simulator on a real pseudo-terminal pair (socat) and a
 * serial receipt printer (a virtual one on a second pseudo-terminal pair). Three sales: an insurance sale of three items with
 * keystrokes counted, an insurance sale paid part WeChat and part cash with change, and a self-pay sale
 * found by pinyin initials. Screenshots go to test-output/screenshots/counter-*.png.
 */

const STATIC_DIR = path.resolve('dist/renderer');
const SHOTS = path.resolve('test-output/screenshots');
const WAIT = 30_000;

const ADMIN = { username: 'admin', displayName: '李建国', password: 'Kaimen2025' };
const WANG = SANDBOX_PERSONS.find((p) => p.psn_name === '王培训')!;

/** Mapped ('uploaded') to the sandbox's drug codes, as counter-fixture does; 甲, 乙 and 丙. */
const PRODUCTS = [
  {
    key: 'vitc',
    code: 'P002',
    genericName: '维生素C片',
    spec: '0.1g*100片',
    unit: '瓶',
    retailPriceFen: 350,
    rxClass: 'otc_b',
    barcode: '6901234567809',
    natCode: 'XA11GAW043A001010100002',
    level: '01',
  },
  {
    key: 'ibu',
    code: 'P003',
    genericName: '布洛芬缓释胶囊',
    spec: '0.3g*20粒',
    unit: '盒',
    retailPriceFen: 1880,
    rxClass: 'otc_a',
    barcode: '6901234567816',
    natCode: 'XM01AEB010E001010100004',
    level: '02',
  },
  {
    key: 'vite',
    code: 'P005',
    genericName: '维生素E软胶囊',
    spec: '100mg*30粒',
    unit: '盒',
    retailPriceFen: 2500,
    rxClass: 'otc_b',
    barcode: '6901234567830',
    natCode: 'XA11HAW001E009010100007',
    level: '03',
  },
] as const;

// 20-digit trace codes (码上放心 style)
const trace = (n: number) => `8${String(n).padStart(19, '0')}`;

function ensureBuilt() {
  if (!fs.existsSync(path.join(STATIC_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` first');
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Products, mappings, national-catalogue rows (for 甲/乙/丙) and batches, written before the app starts. */
function stockTheTill(dataDir: string) {
  const db = openDatabase(path.join(dataDir, 'pos.sqlite'));
  try {
    migrate(db, MIGRATIONS);
    const now = () => Date.now();
    const catalogue = createProductCatalogue({
      db,
      log: createMemoryLogger(),
      now,
      admdvs: () => SANDBOX_PHARMACY.admdvs,
      nhsa: () => null,
    });
    const stock = createStock(db);
    const soon = new Date(Date.now() + 60 * 86_400_000); // near expiry: inside the 6-month warning
    for (const p of PRODUCTS) {
      const saved: ProductDetail = catalogue.products.save({
        code: p.code,
        genericName: p.genericName,
        spec: p.spec,
        unit: p.unit,
        splitUnit: null,
        splitFactor: null,
        retailPriceFen: p.retailPriceFen,
        rxClass: p.rxClass,
        specialFlags: [],
        barcodes: [p.barcode],
        active: true,
      } as never);
      db.prepare(
        `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, uploaded_at, updated_at)
         VALUES (?, ?, '1301', '101', 'uploaded', 0, 0, 0)`,
      ).run(saved.id, p.natCode);
      db.prepare('UPDATE products SET nat_code = ? WHERE id = ?').run(p.natCode, saved.id);
      db.prepare(
        `INSERT INTO nat_items (catalogue, code, name, spec, chrgitm_lv, vali_flag, ver, cols)
         VALUES ('1301', ?, ?, ?, ?, '1', 'e2e', '[]')`,
      ).run(p.natCode, p.genericName, p.spec, p.level);
      const expiry = p.key === 'vitc' ? isoDate(soon) : '2029-06-30';
      stock.receive({
        productId: saved.id,
        batchNo: `${p.code}-B1`,
        mfgDate: '2025-01-01',
        expiryDate: expiry,
        qtyBase: 50,
        operatorId: null,
        refId: 0,
        now: now(),
      });
      if (p.key === 'vitc') {
        stock.receive({
          productId: saved.id,
          batchNo: `${p.code}-B2`,
          mfgDate: '2025-06-01',
          expiryDate: '2029-12-31',
          qtyBase: 50,
          operatorId: null,
          refId: 0,
          now: now(),
        });
      }
    }
  } finally {
    db.close();
  }
}

async function waitForFile(file: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('收银台 in training mode', () => {
  let dataDir: string;
  let tmp: string;
  let socat: ChildProcess;
  let printerSocat: ChildProcess;
  let reader: IdCardReaderSim;
  let printer: SerialVirtualPrinter;
  let app: WebApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-counter-'));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-pty-'));
    stockTheTill(dataDir);

    const appEnd = path.join(tmp, 'reader-app');
    const simEnd = path.join(tmp, 'reader-sim');
    socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${appEnd}`, `pty,raw,echo=0,link=${simEnd}`], {
      stdio: 'ignore',
    });
    await waitForFile(appEnd);
    await waitForFile(simEnd);
    // the setting takes device paths (/dev/…): give it the pty the link points to
    const appPty = fs.realpathSync(appEnd);
    reader = new IdCardReaderSim();
    reader.setCard({
      name: WANG.psn_name,
      sex: '男',
      nationCode: '01',
      birth: WANG.brdy.replaceAll('-', ''),
      address: '北京市东城区培训路1号',
      idNumber: WANG.certno,
      authority: '北京市公安局东城分局',
      validFrom: '20150101',
      validUntil: '长期',
    });
    await reader.start(simEnd, 115_200);

    // the receipt printer on a COM port: ESC/POS bytes over a real pty, decoded on the other end
    const printerApp = path.join(tmp, 'printer-app');
    const printerSim = path.join(tmp, 'printer-sim');
    printerSocat = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${printerApp}`, `pty,raw,echo=0,link=${printerSim}`],
      { stdio: 'ignore' },
    );
    await waitForFile(printerApp);
    await waitForFile(printerSim);
    printer = await startSerialVirtualPrinter({ path: printerSim, baudRate: 9600 });
    app = await startWebApp({
      dataDir,
      staticDir: 'dist/renderer',
      port: 0,
      env: {
        POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
        POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
        POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
        POS_DEVICES_ID_CARD_READER_PORT: appPty,
        POS_DEVICES_ID_CARD_READER_BAUD: '115200',
        POS_DEVICES_PRINTER_TYPE: 'serial',
        POS_DEVICES_PRINTER_PORT: printerApp,
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    await reader?.close();
    await printer?.close();
    if (socat?.pid) socat.kill();
    if (printerSocat?.pid) printerSocat.kill();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  // a failed step leaves a picture of what the cashier would have seen
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const name = ctx.task.name.replace(/[^\w]+/g, '-').slice(0, 40);
      await page.screenshot({ path: path.join(SHOTS, `counter-failed-${name}.png`) }).catch(() => undefined);
    }
  });

  let keystrokes = 0;
  /** A key the cashier presses (counted); scans are not. */
  async function key(k: string) {
    keystrokes++;
    await page.keyboard.press(k);
  }

  /** A keyboard-wedge scanner: the code as a fast burst of keys, then its Enter suffix. */
  async function scan(code: string) {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  }

  const lines = () => page.getByTestId('cart-line');
  const saleState = () => page.getByTestId('counter-screen').getAttribute('data-state');

  async function shot(name: string) {
    await page.screenshot({ path: path.join(SHOTS, `counter-${name}.png`) });
  }

  async function expectNoHorizontalOverflow() {
    const overflow = await page.evaluate(() =>
      ['html', '.content', '.counter-main', '.counter-side', '.key-bar', 'dialog[open]']
        .map((sel) => document.querySelector(sel))
        .filter((el): el is Element => el !== null)
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => `${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`),
    );
    expect(overflow).toEqual([]);
  }

  async function atWidths(name: string) {
    for (const width of [1366, 1024]) {
      await page.setViewportSize({ width, height: 768 });
      await expectNoHorizontalOverflow();
      await shot(width === 1366 ? name : `${name}-1024`);
    }
    await page.setViewportSize({ width: 1366, height: 768 });
  }

  /** Waits for a test id to show; on a timeout, says what the cashier was told meanwhile (toasts). */
  async function waitShown(testId: string) {
    const seen = new Set<string>();
    const deadline = Date.now() + WAIT;
    while ((await page.getByTestId(testId).count()) === 0) {
      for (const t of await page.getByTestId('toast').allInnerTexts()) seen.add(t.replace(/\s+/g, ' '));
      if (Date.now() > deadline) throw new Error(`${testId} did not show; notices: ${[...seen].join(' | ') || 'none'}`);
      await page.waitForTimeout(100);
    }
  }

  async function scanFocused() {
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), { timeout: WAIT })
      .toBe('scan-input');
  }

  /** Scans a product and its box's trace code; waits until the line shows the code. */
  async function scanItem(barcode: string, code: string, expectedLines: number) {
    await scan(barcode);
    await expect.poll(() => lines().count(), { timeout: WAIT }).toBe(expectedLines);
    await scan(code);
    await expect
      .poll(
        () =>
          lines()
            .nth(expectedLines - 1)
            .getByTestId('trace-count')
            .innerText(),
        { timeout: WAIT },
      )
      .toBe('追溯码 1/1');
  }

  it('first run: the admin logs in and lands on 收银 with the scan field focused', async () => {
    await page.goto(app.url);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-display-name').fill(ADMIN.displayName);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('counter-screen').waitFor({ timeout: WAIT });
    await scanFocused();
    expect(await page.getByTestId('cart-empty').isVisible()).toBe(true);
    for (const k of ['f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12']) {
      expect(await page.getByTestId(`key-${k}`).isVisible()).toBe(true);
    }
    // the devices are configured: no warning about the settings
    expect(await page.locator('.status-warnings').count()).toBe(0);
    await atWidths('01-empty');
  });

  it('insurance sale of three items: scans, then F6 → F9 → Enter → Enter, and the receipt prints', async () => {
    keystrokes = 0;
    const [vitc, ibu, vite] = PRODUCTS;
    await scanItem(vitc.barcode, trace(1), 1);
    // the first-expiring batch is near expiry: marked on the line, and said in a notice
    expect(await lines().nth(0).getByTestId('line-batch').getAttribute('data-near-expiry')).toBe('true');
    await scanItem(ibu.barcode, trace(2), 2);
    await scanItem(vite.barcode, trace(3), 3);
    expect(await page.getByTestId('blockers').count()).toBe(0);
    const classes = await page
      .getByTestId('insurance-class')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-class')));
    expect(classes).toEqual(['甲', '乙', '丙']);
    expect(await page.getByTestId('sale-total').innerText()).toBe('￥47.30');
    await scanFocused();
    await atWidths('02-cart');

    // F6: the ID card through the pty reader
    await key('F6');
    await expect.poll(() => page.getByTestId('person-name').innerText(), { timeout: WAIT }).toMatch(/^王/);
    expect(await page.getByTestId('person-name').innerText()).not.toContain('培训');
    expect(reader.countOf('read')).toBeGreaterThanOrEqual(1);
    await shot('03-person');

    // F9: 2101 pre-settlement shows the fund split
    await key('F9');
    await expect.poll(() => saleState(), { timeout: WAIT }).toBe('presettled');
    await page.getByTestId('settle-hint').waitFor();
    const cashPart = await page.getByTestId('split-cash').innerText();
    expect(cashPart).not.toBe('￥0.00');
    await atWidths('04-presettled');

    // Enter: 2102 settles and the payment dialog opens by itself
    await key('Enter');
    await waitShown('payment-dialog');
    expect(await page.getByTestId('pay-due').innerText()).toBe(cashPart);
    const setlId = await page.getByTestId('setl-id').innerText();
    expect(setlId).not.toBe('');
    await shot('05-payment');

    // Enter with nothing typed: exact cash, print, next customer
    await key('Enter');
    await page.getByTestId('finished').waitFor({ timeout: WAIT });
    await expect.poll(() => lines().count(), { timeout: WAIT }).toBe(0);
    console.log(`[counter e2e] keystrokes beyond the scans for a 3-item insurance sale: ${keystrokes}`);
    expect(keystrokes).toBeLessThanOrEqual(4);

    const [job] = await printer.waitForJobs(1, WAIT);
    const text = job!.text;
    expect(text).toContain(SANDBOX_PHARMACY.name);
    for (const p of PRODUCTS) expect(text).toContain(p.genericName);
    expect(text).toContain(setlId);
    expect(text).toContain('现金');
    expect(text).toContain(cashPart.replace('￥', ''));
    // cash was taken: the drawer kick went with the receipt
    expect(job!.decoded.drawerKicks).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.getByTestId('print-state').innerText(), { timeout: WAIT }).toContain('已打印');
    await page.getByTestId('receipt-preview').waitFor();
    await scanFocused();
    await atWidths('06-done');
  }, 180_000);

  it('insurance sale paid part WeChat, the rest cash with change', async () => {
    const vite = PRODUCTS[2];
    await scanItem(vite.barcode, trace(4), 1);
    await page.keyboard.press('F6');
    await expect.poll(() => page.getByTestId('person-name').count(), { timeout: WAIT }).toBe(1);
    await page.keyboard.press('F9');
    await expect.poll(() => saleState(), { timeout: WAIT }).toBe('presettled');
    await page.keyboard.press('Enter');
    await waitShown('payment-dialog');
    expect(await page.getByTestId('pay-due').innerText()).toBe('￥25.00');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('pay-wechat');
    await page.keyboard.type('10', { delay: 120 });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type('20', { delay: 120 });
    await expect.poll(() => page.getByTestId('pay-change').innerText()).toBe('￥5.00');
    await shot('07-split-payment');
    await page.keyboard.press('Enter');
    await page.getByTestId('payment-dialog').waitFor({ state: 'detached', timeout: WAIT });
    await expect.poll(() => page.getByTestId('finished-change').innerText(), { timeout: WAIT }).toBe('找零 ￥5.00');

    const jobs = await printer.waitForJobs(2, WAIT);
    const text = jobs[1]!.text;
    expect(text).toContain(SANDBOX_PHARMACY.name);
    expect(text).toContain(vite.genericName);
    expect(text).toMatch(/微信\s+10\.00/);
    expect(text).toMatch(/现金\s+20\.00/);
    expect(text).toMatch(/找零\s+5\.00/);
    expect(text).toMatch(/S\d{8}\d{4}/);
    await expect.poll(() => page.getByTestId('print-state').innerText(), { timeout: WAIT }).toContain('已打印');
    await shot('08-split-done');
  }, 180_000);

  it('self-pay sale: found by pinyin initials, exact cash', async () => {
    keystrokes = 0;
    await scanFocused();
    // a person types the initials: the product search opens with them
    await page.keyboard.type('wssc', { delay: 150 });
    await page.getByTestId('search-dialog').waitFor({ timeout: WAIT });
    await expect
      .poll(
        () =>
          page
            .getByTestId('search-dialog')
            .getByTestId('product-hit')
            .first()
            .locator('[data-code]')
            .getAttribute('data-code'),
        {
          timeout: WAIT,
        },
      )
      .toBe('P002');
    await shot('09-search');
    await page.keyboard.press('Enter');
    await expect.poll(() => lines().count(), { timeout: WAIT }).toBe(1);
    await scanFocused();
    await scan(trace(5));
    await expect
      .poll(() => lines().nth(0).getByTestId('trace-count').innerText(), { timeout: WAIT })
      .toBe('追溯码 1/1');
    await key('F9');
    await waitShown('payment-dialog');
    expect(await page.getByTestId('pay-due').innerText()).toBe('￥3.50');
    await key('Enter');
    await page.getByTestId('payment-dialog').waitFor({ state: 'detached', timeout: WAIT });
    console.log(`[counter e2e] keystrokes beyond the scans for a self-pay sale: ${keystrokes}`);
    expect(keystrokes).toBeLessThanOrEqual(2);
    const jobs = await printer.waitForJobs(3, WAIT);
    const text = jobs[2]!.text;
    expect(text).toContain('维生素C片');
    expect(text).toMatch(/现金\s+3\.50/);
    expect(text).not.toContain('统筹');
    await expect.poll(() => page.getByTestId('print-state').innerText(), { timeout: WAIT }).toContain('已打印');
    await atWidths('10-selfpay-done');
    expect(problems).toEqual([]);
  }, 180_000);
});
