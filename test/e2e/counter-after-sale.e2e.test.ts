import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProductCatalogue } from '../../app/catalogue/products';
import { createMemoryLogger } from '../../app/core/logger';
import { createStock } from '../../app/counter/stock';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { SANDBOX_PHARMACY } from '../../app/nhsa/service';
import { startTcpVirtualPrinter, type TcpVirtualPrinter } from '../../app/sandbox/devices/virtual-printer';
import { SANDBOX_PERSONS } from '../../app/sandbox/seed';
import type { ProductDetail } from '../../app/shared/contract';
import { startWebApp, type WebApp } from '../../app/web-bridge/start';
import { gs1CheckDigit } from '../../app/shared/codes';
import { idNumberCheckChar } from '../../app/shared/id-number';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/e2e';

/**
 * The counter's after-sale work as a manager meets it (the admin holds the manager rights), in training mode:
 * the built-in sandbox center and a virtual network printer. A self-pay sale and an insurance sale made at the
 * screen; one line of the self-pay sale returned (stock back, money back by method); the insurance sale
 * refunded keeping one line (the settlement is cancelled whole, the kept line comes back in a new cart that
 * is settled again); the 交班 report checked and printed; the special-drug register after an ephedrine sale,
 * exported. Screenshots go to test-output/screenshots/after-sale-*.png.
 */

const STATIC_DIR = path.resolve('dist/renderer');
const SHOTS = path.resolve('test-output/screenshots');
const WAIT = 30_000;

const ADMIN = { username: 'admin', displayName: '李建国', password: 'Kaimen2025' };
const WANG = SANDBOX_PERSONS.find((p) => p.psn_name === '王培训')!;

/** EAN-13 with its check digit. */
const ean13 = (twelve: string) => twelve + String(gs1CheckDigit(twelve));

/** A GB 11643 ID number: 17 digits and the check character. */
const idNumber = (seventeen: string) => seventeen + idNumberCheckChar(seventeen)!;

/** Mapped ('uploaded') to the sandbox's drug codes, as counter-fixture does. */
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
const [VITC, IBU, VITE] = PRODUCTS;

/** A self-pay ephedrine-type compound (含麻黄碱类复方制剂): the buyer's ID is registered with the sale. */
const EPHEDRINE = {
  code: 'P009',
  genericName: '复方盐酸伪麻黄碱缓释胶囊',
  spec: '10粒',
  unit: '盒',
  retailPriceFen: 1560,
  barcode: ean13('690123456799'),
};
const BUYER = { name: '赵登记', idNo: idNumber('11010119900101301') };
const STOCK = 50;

function ensureBuilt() {
  if (!fs.existsSync(path.join(STATIC_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` first');
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
}

/** Products, mappings, national-catalogue rows (for 甲/乙/丙) and one batch each, written before the app starts. */
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
    const receive = (productId: number, batchNo: string) =>
      stock.receive({
        productId,
        batchNo,
        mfgDate: '2025-01-01',
        expiryDate: '2029-06-30',
        qtyBase: STOCK,
        operatorId: null,
        refId: 0,
        now: now(),
      });
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
      receive(saved.id, `${p.code}-B1`);
    }
    const eph: ProductDetail = catalogue.products.save({
      code: EPHEDRINE.code,
      genericName: EPHEDRINE.genericName,
      spec: EPHEDRINE.spec,
      unit: EPHEDRINE.unit,
      splitUnit: null,
      splitFactor: null,
      retailPriceFen: EPHEDRINE.retailPriceFen,
      rxClass: 'otc_a',
      specialFlags: ['ephedrine'],
      barcodes: [EPHEDRINE.barcode],
      active: true,
    } as never);
    receive(eph.id, `${EPHEDRINE.code}-B1`);
  } finally {
    db.close();
  }
}

describe('收银台 after the sale: 退货, 交班, 特殊药品登记', () => {
  let dataDir: string;
  let printer: TcpVirtualPrinter;
  let app: WebApp;
  let db: Db;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-after-sale-'));
    stockTheTill(dataDir);
    printer = await startTcpVirtualPrinter({});
    app = await startWebApp({
      dataDir,
      staticDir: 'dist/renderer',
      port: 0,
      env: {
        POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
        POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
        POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
        POS_DEVICES_PRINTER_TYPE: 'network',
        POS_DEVICES_PRINTER_ADDRESS: `127.0.0.1:${printer.port}`,
        // trace codes are the checkout test's subject; here they would only add scans
        POS_TRACE_REQUIRED_FOR_SELFPAY: 'false',
        POS_TRACE_REQUIRED_FOR_INSURANCE: 'false',
      },
    });
    // a second connection to read what the screens did (stock, sales); the app holds its own
    db = openDatabase(path.join(dataDir, 'pos.sqlite'));
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
    db?.close();
    await app?.close();
    await printer?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // a failed step leaves a picture of what the manager would have seen
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const name = ctx.task.name.replace(/[^\w]+/g, '-').slice(0, 40);
      await page.screenshot({ path: path.join(SHOTS, `after-sale-failed-${name}.png`) }).catch(() => undefined);
    }
  });

  /** A keyboard-wedge scanner: the code as a fast burst of keys, then its Enter suffix. */
  async function scan(code: string) {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  }

  const lines = () => page.getByTestId('cart-line');
  const saleState = () => page.getByTestId('counter-screen').getAttribute('data-state');
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
  const stockOf = (code: string) =>
    db
      .prepare('SELECT s.qty_base FROM product_stock s JOIN products p ON p.id = s.product_id WHERE p.code = ?')
      .pluck()
      .get(code) as number;
  const text = async (testId: string) => (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();

  async function shot(name: string) {
    await page.screenshot({ path: path.join(SHOTS, `after-sale-${name}.png`) });
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

  /** Waits for a test id to show; on a timeout, says what the operator was told meanwhile (toasts). */
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
    await expect.poll(focused, { timeout: WAIT }).toBe('scan-input');
  }

  async function addItem(barcode: string, expectedLines: number) {
    await scanFocused();
    await scan(barcode);
    await expect.poll(() => lines().count(), { timeout: WAIT }).toBe(expectedLines);
  }

  /** The payment dialog is open: pays (exact cash when nothing is given) and waits for the next customer. */
  async function payAndFinish(amounts: { wechat?: string; cash?: string } = {}) {
    await waitShown('payment-dialog');
    await expect.poll(focused, { timeout: WAIT }).toBe('pay-cash');
    if (amounts.wechat) {
      await page.keyboard.press('ArrowDown');
      await expect.poll(focused).toBe('pay-wechat');
      await page.keyboard.type(amounts.wechat, { delay: 150 });
      await page.keyboard.press('ArrowUp');
      await expect.poll(focused).toBe('pay-cash');
    }
    if (amounts.cash) await page.keyboard.type(amounts.cash, { delay: 150 });
    await page.keyboard.press('Enter');
    await page.getByTestId('payment-dialog').waitFor({ state: 'detached', timeout: WAIT });
    await expect.poll(() => lines().count(), { timeout: WAIT }).toBe(0);
    await expect.poll(() => page.getByTestId('print-state').innerText(), { timeout: WAIT }).toContain('已打印');
  }

  const lastCompleted = () =>
    db
      .prepare(
        `SELECT id, receipt_no, total_fen, fund_fen, acct_fen, cash_due_fen, change_fen FROM sales
          WHERE kind = 'sale' AND state = 'completed' ORDER BY completed_at DESC, id DESC LIMIT 1`,
      )
      .get() as {
      id: number;
      receipt_no: string;
      total_fen: number;
      fund_fen: number;
      acct_fen: number;
      cash_due_fen: number;
      change_fen: number;
    };

  let selfPay: ReturnType<typeof lastCompleted>;
  let insured: ReturnType<typeof lastCompleted>;
  let kept: ReturnType<typeof lastCompleted>;

  it('the admin logs in; the counter shows the after-sale keys', async () => {
    await page.goto(app.url);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-display-name').fill(ADMIN.displayName);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('counter-screen').waitFor({ timeout: WAIT });
    await scanFocused();
    for (const id of ['open-refund', 'open-shift', 'open-register']) {
      expect(await page.getByTestId(id).isEnabled()).toBe(true);
    }
    expect(await text('open-refund')).toContain('Alt+F');
    expect(await text('open-shift')).toContain('Alt+J');
    expect(await text('open-register')).toContain('Alt+D');
    await atWidths('01-counter');
  });

  it('sells: self-pay (two products, part WeChat) and insurance (two products, typed ID number)', async () => {
    await addItem(VITC.barcode, 1);
    await addItem(IBU.barcode, 2);
    expect(await page.getByTestId('sale-total').innerText()).toBe('￥22.30');
    await page.keyboard.press('F9');
    await payAndFinish({ wechat: '10', cash: '20' });
    selfPay = lastCompleted();
    expect(selfPay.total_fen).toBe(2230);
    expect(selfPay.change_fen).toBe(770);
    expect(stockOf(IBU.code)).toBe(STOCK - 1);

    await addItem(VITC.barcode, 1);
    await addItem(VITE.barcode, 2);
    await page.keyboard.press('Alt+N');
    await waitShown('idnumber-dialog');
    await expect.poll(focused, { timeout: WAIT }).toBe('idnumber-input');
    // typed by hand (a scanner-fast burst would be taken as a scan)
    await page.keyboard.type(WANG.certno, { delay: 150 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('person-name').count(), { timeout: WAIT }).toBe(1);
    await scanFocused();
    await page.keyboard.press('F9');
    await expect.poll(saleState, { timeout: WAIT }).toBe('presettled');
    await page.keyboard.press('Enter');
    await payAndFinish();
    insured = lastCompleted();
    expect(insured.id).not.toBe(selfPay.id);
    expect(insured.total_fen).toBe(2850);
    expect(insured.fund_fen + insured.acct_fen).toBeGreaterThan(0);
    expect(stockOf(VITC.code)).toBe(STOCK - 2);
  }, 180_000);

  it('退货 of one self-pay line: stock back, money back by the way it was paid', async () => {
    await scanFocused();
    await page.keyboard.press('Alt+F');
    await waitShown('refund-dialog');
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-query');
    await page.keyboard.type(selfPay.receipt_no.slice(0, 4), { delay: 150 });
    await shot('02-refund-find');
    // the receipt's barcode scanned: looked up at once
    await page.getByTestId('refund-query').fill('');
    await scan(selfPay.receipt_no);
    // one sale found: straight to its lines, everything ticked, the keyboard on the list
    await expect.poll(() => page.getByTestId('refund-line').count(), { timeout: WAIT }).toBe(2);
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-lines');
    expect(await page.locator('[data-testid="refund-line"][data-returning="true"]').count()).toBe(2);
    // the customer keeps the vitamin C (first line): Space takes its tick off
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('refund-line').nth(0).getAttribute('data-returning')).toBe('false');
    await expect.poll(() => text('refund-plan-lead')).toContain('退回 1 种商品（￥18.80）');
    expect(await text('refund-plan-back')).toBe('￥18.80');
    expect(await text('refund-plan')).toContain('微信 ￥10.00，现金 ￥8.80');
    await atWidths('03-refund-lines');
    await page.keyboard.press('Enter');
    await waitShown('refund-confirm');
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-confirm-ok');
    expect(await text('refund-confirm-returned')).toContain(IBU.genericName);
    expect(await text('refund-confirm-kept')).toContain(VITC.genericName);
    await shot('04-refund-confirm');
    await page.keyboard.press('Enter');
    await waitShown('refund-done');
    expect(await text('refund-message')).toContain('已退货，应退顾客 18.80 元');
    expect(await page.locator('[data-testid="refund-payback"] tr[data-method="wechat"]').innerText()).toContain(
      '￥10.00',
    );
    expect(await page.locator('[data-testid="refund-payback"] tr[data-method="cash"]').innerText()).toContain('￥8.80');
    expect(await text('refund-payback-total')).toBe('￥18.80');
    expect(await page.getByTestId('refund-kept').count()).toBe(0);
    // the box is back on the shelf; the vitamin C stays sold
    expect(stockOf(IBU.code)).toBe(STOCK);
    expect(stockOf(VITC.code)).toBe(STOCK - 2);
    await atWidths('05-refund-done');
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-close');
    await page.keyboard.press('Enter');
    await page.getByTestId('refund-dialog').waitFor({ state: 'detached', timeout: WAIT });
    await scanFocused();
  }, 180_000);

  it('退货 of an insurance sale keeping one line: cancelled whole, the kept line settled again', async () => {
    await page.keyboard.press('Alt+F');
    await waitShown('refund-dialog');
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-query');
    // found by the customer's ID number
    await page.keyboard.type(WANG.certno, { delay: 150 });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('refund-line').count(), { timeout: WAIT }).toBe(2);
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-lines');
    expect(await text('refund-sale')).toContain(insured.receipt_no);
    expect(await text('refund-sale')).toContain('医保结算');
    // everything ticked: the whole settlement is cancelled
    expect(await text('refund-plan-lead')).toContain('原医保结算将整单撤销，全部商品退货');
    // the customer keeps the vitamin E (second line)
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('refund-line').nth(1).getAttribute('data-returning')).toBe('false');
    await expect.poll(() => text('refund-plan-lead')).toBe('原医保结算将整单撤销，保留的商品放入新的销售单重新结算');
    expect(await text('refund-plan')).toContain(VITE.genericName);
    expect(await text('refund-plan-back')).toBe(`￥${(insured.cash_due_fen / 100).toFixed(2)}`);
    await atWidths('06-insurance-plan');
    await page.keyboard.press('Enter');
    await waitShown('refund-confirm');
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-confirm-ok');
    expect(await text('refund-confirm')).toContain('原医保结算将整单撤销，保留的商品放入新的销售单重新结算');
    await shot('07-insurance-confirm');
    await page.keyboard.press('Enter');
    await waitShown('refund-done');
    expect(await text('refund-message')).toContain('原医保结算已整单撤销');
    expect(await text('refund-message')).toContain('新的销售单');
    expect(await text('refund-kept')).toContain('保留的商品已放入新的销售单');
    expect(await text('refund-payback-total')).toBe(`￥${(insured.cash_due_fen / 100).toFixed(2)}`);
    // the cancellation gives everything back; the kept box is taken again when the new cart is paid
    expect(stockOf(VITC.code)).toBe(STOCK - 1);
    expect(stockOf(VITE.code)).toBe(STOCK);
    expect(db.prepare('SELECT state FROM sales WHERE id = ?').pluck().get(insured.id)).toBe('refunded');
    await atWidths('08-insurance-done');

    // Enter: the new cart at the counter, same person, the kept line only
    await expect.poll(focused, { timeout: WAIT }).toBe('refund-open-kept');
    await page.keyboard.press('Enter');
    await page.getByTestId('refund-dialog').waitFor({ state: 'detached', timeout: WAIT });
    await expect.poll(() => lines().count(), { timeout: WAIT }).toBe(1);
    expect(await lines().nth(0).innerText()).toContain(VITE.genericName);
    expect(await text('sale-notice')).toContain('部分退货');
    expect(await page.getByTestId('person-name').innerText()).toMatch(/^王/);
    expect(await page.getByTestId('sale-total').innerText()).toBe('￥25.00');
    await scanFocused();
    await shot('09-kept-cart');
    await page.keyboard.press('F9');
    await expect.poll(saleState, { timeout: WAIT }).toBe('presettled');
    await page.keyboard.press('Enter');
    await payAndFinish();
    kept = lastCompleted();
    expect(kept.total_fen).toBe(2500);
    expect(stockOf(VITE.code)).toBe(STOCK - 1);
  }, 180_000);

  it('交班: the figures add up to what was sold and refunded; printed and read back', async () => {
    await scanFocused();
    await page.keyboard.press('Alt+J');
    await waitShown('shift-dialog');
    await waitShown('shift-row');
    const row = page.locator('[data-testid="shift-row"]').first();
    const cell = async (col: string) => (await row.locator(`[data-col="${col}"]`).innerText()).trim();
    const yuan = (fen: number) => (fen < 0 ? '-￥' : '￥') + (Math.abs(fen) / 100).toFixed(2);
    expect(await page.getByTestId('shift-row').count()).toBe(1);
    expect(await row.getAttribute('data-operator')).toBe(ADMIN.displayName);
    expect(await cell('sales')).toBe('3');
    expect(await cell('refunds')).toBe('2');
    // sold 22.30 + 28.50 + 25.00, refunded 18.80 + 28.50
    expect(await cell('total')).toBe('￥28.50');
    // the first insurance settlement was cancelled: only the kept line's fund and account parts remain
    expect(await cell('fund')).toBe(yuan(kept.fund_fen));
    expect(await cell('account')).toBe(yuan(kept.acct_fen));
    expect(await cell('wechat')).toBe('￥0.00');
    // self-pay 20.00 cash - change 7.70 - cash back 8.80, insurance cash in and back out, the kept line's cash
    const cash = 2000 - 770 - 880 + kept.cash_due_fen;
    expect(await cell('cash')).toBe(yuan(cash));
    expect(await cell('alipay')).toBe('￥0.00');
    expect(await cell('bankcard')).toBe('￥0.00');
    expect(await cell('change')).toBe('￥7.70');
    expect(2850).toBe(kept.fund_fen + kept.acct_fen + cash);
    expect(await text('shift-check')).toContain('核对无误');
    expect(await text('shift-cash')).toBe(yuan(cash));
    await atWidths('10-shift');

    const before = printer.jobs.length;
    await page.keyboard.press('F12');
    await expect.poll(() => text('shift-printed'), { timeout: WAIT }).toBe('交班报表已打印');
    const jobs = await printer.waitForJobs(before + 1, WAIT);
    const printed = jobs[before]!.text;
    expect(printed).toContain('交班');
    expect(printed).toContain(`收银员 ${ADMIN.displayName}`);
    expect(printed).toMatch(/销售 3 笔\s+退货 2 笔/);
    expect(printed).toMatch(/销售合计\s+28\.50/);
    expect(printed).toMatch(new RegExp(`现金\\s+${(cash / 100).toFixed(2).replace('.', '\\.')}`));
    await shot('11-shift-printed');
    await page.keyboard.press('Escape');
    await page.getByTestId('shift-dialog').waitFor({ state: 'detached', timeout: WAIT });
  }, 180_000);

  it('特殊药品登记: an ephedrine sale with the buyer typed in, masked on screen, exported in full', async () => {
    await addItem(EPHEDRINE.barcode, 1);
    await expect.poll(() => page.getByTestId('blockers').innerText(), { timeout: WAIT }).toContain('购买人');
    await page.keyboard.press('Alt+T');
    await waitShown('buyer-dialog');
    await page.keyboard.type(BUYER.name, { delay: 150 });
    await page.keyboard.press('Tab');
    await page.keyboard.type(BUYER.idNo, { delay: 150 });
    await page.keyboard.press('Enter');
    await page.getByTestId('buyer-dialog').waitFor({ state: 'detached', timeout: WAIT });
    await expect.poll(() => page.getByTestId('blockers').count(), { timeout: WAIT }).toBe(0);
    await scanFocused();
    await page.keyboard.press('F9');
    await payAndFinish();
    const sale = lastCompleted();

    await page.keyboard.press('Alt+D');
    await waitShown('register-dialog');
    await waitShown('register-row');
    const row = page.getByTestId('register-row').first();
    expect(await page.getByTestId('register-row').count()).toBe(1);
    expect(await row.innerText()).toContain(sale.receipt_no);
    expect(await row.innerText()).toContain(EPHEDRINE.genericName);
    const buyer = (await row.locator('[data-col="buyer"]').innerText()).trim();
    const idNo = (await row.locator('[data-col="idno"]').innerText()).trim();
    expect(buyer.startsWith('赵')).toBe(true);
    expect(buyer).not.toBe(BUYER.name);
    expect(idNo).not.toBe(BUYER.idNo);
    expect(idNo).toMatch(/\*/);
    expect(await row.innerText()).toContain('手工录入');
    await atWidths('12-register');

    await page.keyboard.press('F12');
    await waitShown('register-exported');
    const shown = await text('register-exported');
    const file = /：\s*(\S+\.csv)/.exec(shown)?.[1];
    expect(file).toBeTruthy();
    const csv = fs.readFileSync(file!, 'utf8');
    expect(csv).toContain(BUYER.name);
    expect(csv).toContain(BUYER.idNo);
    expect(csv).toContain(sale.receipt_no);
    await shot('13-register-exported');
    await page.keyboard.press('Escape');
    await page.getByTestId('register-dialog').waitFor({ state: 'detached', timeout: WAIT });
    await scanFocused();
    expect(problems).toEqual([]);
  }, 180_000);
});
