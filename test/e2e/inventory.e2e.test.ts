import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOperatorService } from '../../app/auth/operators';
import { createProductCatalogue } from '../../app/catalogue/products';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { SANDBOX_PHARMACY } from '../../app/nhsa/service';
import type { ProductDetail } from '../../app/shared/contract';
import type { Role } from '../../app/shared/roles';
import { startWebApp, type WebApp } from '../../app/web-bridge/start';
import { CHROMIUM, CHROMIUM_ARGS, ensureBuilt, SHOTS } from '../support/e2e';

/**
 * 库存 and 对账 as the pharmacy meets them in training mode (the built-in sandbox center): a manager receives two
 * products with batches and trace codes, sees them by batch, writes one box off (报损) and opens a stocktake; the
 * pharmacist counts it (one box short) and submits it; the manager approves it. The background uploader drains
 * every record to the center, and the reconciliation for today finds no difference. Then a delivery of a product
 * the sandbox refuses (its name carries 拒收测试): the record shows 被拒收 with the center's words, the manager
 * corrects the name in the record and sends it again, and it is accepted. Screenshots: test-output/screenshots/
 * inventory-*.png and reconcile-*.png.
 */

const WAIT = 30_000;
const PASSWORD = 'Kaimen2025';

const OPERATORS: { username: string; displayName: string; roles: Role[] }[] = [
  { username: 'admin', displayName: '李建国', roles: ['admin'] },
  { username: 'manager01', displayName: '王店长', roles: ['manager'] },
  { username: 'yaoshi01', displayName: '赵药师', roles: ['pharmacist'] },
];

/** Mapped ('uploaded') to the sandbox's drug codes, as the counter tests do; none in stock at the start. */
const PRODUCTS = [
  {
    key: 'vitc',
    code: 'P002',
    genericName: '维生素C片',
    spec: '0.1g*100片',
    unit: '瓶',
    splitUnit: null,
    splitFactor: null,
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
    splitUnit: '粒',
    splitFactor: 20,
    retailPriceFen: 1880,
    rxClass: 'otc_a',
    barcode: '6901234567816',
    natCode: 'XM01AEB010E001010100004',
    level: '02',
  },
  {
    key: 'refuse',
    code: 'P009',
    genericName: '拒收测试胶囊',
    spec: '0.25g*24粒',
    unit: '盒',
    splitUnit: null,
    splitFactor: null,
    retailPriceFen: 2200,
    rxClass: 'otc_b',
    barcode: '6901234567892',
    natCode: 'XA11HAW001E009010100007',
    level: '03',
  },
] as const;

// 20-digit trace codes (码上放心 style)
const trace = (n: number) => `8${String(n).padStart(19, '0')}`;

const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const inDays = (days: number) => localDate(new Date(Date.now() + days * 86_400_000));

/** Operators and products (mapped to national codes, no stock) written before the app starts. */
async function prepare(dataDir: string) {
  const db = openDatabase(path.join(dataDir, 'pos.sqlite'));
  try {
    migrate(db, MIGRATIONS);
    const operators = createOperatorService(db);
    const [first, ...rest] = OPERATORS;
    await operators.setupFirstAdmin({ username: first!.username, displayName: first!.displayName, password: PASSWORD });
    for (const o of rest) await operators.create({ ...o, password: PASSWORD });
    db.prepare('UPDATE operators SET must_change_password = 0').run();
    const catalogue = createProductCatalogue({
      db,
      log: createMemoryLogger(),
      now: () => Date.now(),
      admdvs: () => SANDBOX_PHARMACY.admdvs,
      nhsa: () => null,
    });
    for (const p of PRODUCTS) {
      const saved: ProductDetail = catalogue.products.save({
        code: p.code,
        genericName: p.genericName,
        spec: p.spec,
        unit: p.unit,
        splitUnit: p.splitUnit,
        splitFactor: p.splitFactor,
        retailPriceFen: p.retailPriceFen,
        rxClass: p.rxClass,
        specialFlags: [],
        barcodes: [p.barcode],
        category: p.key === 'vitc' ? '维生素类' : '解热镇痛',
        manufacturer: '培训制药有限公司',
        aprvno: `国药准字H2002${p.code.slice(1)}`,
        active: true,
      } as never);
      db.prepare(
        `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, uploaded_at, updated_at)
         VALUES (?, ?, '1301', '101', 'uploaded', 0, 0, 0)`,
      ).run(saved.id, p.natCode);
      db.prepare('UPDATE products SET nat_code = ? WHERE id = ?').run(p.natCode, saved.id);
      db.prepare(
        `INSERT OR IGNORE INTO nat_items (catalogue, code, name, spec, chrgitm_lv, vali_flag, ver, cols)
         VALUES ('1301', ?, ?, ?, ?, '1', 'e2e', '[]')`,
      ).run(p.natCode, p.genericName, p.spec, p.level);
    }
  } finally {
    db.close();
  }
}

describe('库存 and 对账 in training mode', () => {
  let dataDir: string;
  let app: WebApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-inventory-'));
    await prepare(dataDir);
    app = await startWebApp({
      dataDir,
      staticDir: 'dist/renderer',
      port: 0,
      env: {
        POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
        POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
        POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
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
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) {
      const name = ctx.task.name.replace(/[^\w]+/g, '-').slice(0, 40);
      await page.screenshot({ path: path.join(SHOTS, `inventory-failed-${name}.png`) }).catch(() => undefined);
    }
  });

  async function shot(name: string) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  }

  /** Nothing wider than the window: the screens must fit 1366×768 (and 1024 for the wide tables). */
  async function expectNoHorizontalOverflow() {
    const overflow = await page.evaluate(() =>
      ['html', '.content', '.tab-panel', 'dialog[open]']
        .flatMap((sel) => [...document.querySelectorAll(sel)])
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => `${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`),
    );
    expect(overflow).toEqual([]);
  }

  async function fits(name: string, also1024 = false) {
    await expectNoHorizontalOverflow();
    await shot(name);
    if (also1024) {
      await page.setViewportSize({ width: 1024, height: 768 });
      await expectNoHorizontalOverflow();
      await shot(`${name}-1024`);
      await page.setViewportSize({ width: 1366, height: 768 });
    }
  }

  /** Waits for a test id; on a timeout says what the screen said meanwhile (errors, toasts). */
  async function waitShown(testId: string, timeout = WAIT) {
    const seen = new Set<string>();
    const deadline = Date.now() + timeout;
    while ((await page.getByTestId(testId).count()) === 0) {
      for (const sel of ['toast', 'form-error', 'error-message']) {
        for (const t of await page.getByTestId(sel).allInnerTexts()) seen.add(t.replace(/\s+/g, ' '));
      }
      if (Date.now() > deadline)
        throw new Error(`${testId} did not show; the screen said: ${[...seen].join(' | ') || 'nothing'}`);
      await page.waitForTimeout(100);
    }
  }

  const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

  async function login(username: string) {
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('counter-screen').waitFor({ timeout: WAIT });
  }

  async function logout() {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-screen').waitFor({ timeout: WAIT });
  }

  async function openInventoryTab(tab: string) {
    if ((await page.getByTestId('inventory-screen').count()) === 0) {
      await page.keyboard.press('F2');
      await page.getByTestId('inventory-screen').waitFor({ timeout: WAIT });
    }
    await page.getByTestId(`inventory-tab-${tab}`).click();
  }

  /** F6 → the product picker; the search finds by code; Enter picks; the focus lands on the new line. */
  async function addProductLine(code: string) {
    await page.keyboard.press('F6');
    await page.getByTestId('product-picker').waitFor();
    await expect.poll(focusedTestId).toBe('product-search-input');
    await page.keyboard.type(code);
    await expect
      .poll(
        () =>
          page
            .getByTestId('product-picker')
            .getByTestId('product-hit')
            .first()
            .locator('[data-code]')
            .getAttribute('data-code'),
        {
          timeout: WAIT,
        },
      )
      .toBe(code);
    await page.keyboard.press('Enter');
    await page.getByTestId('product-picker').waitFor({ state: 'detached', timeout: WAIT });
    await expect.poll(focusedTestId).toBe('line-batch-no');
  }

  /** One receiving line typed as a receiver does: each field, Enter to the next. */
  async function typeReceivingLine(l: {
    batch: string;
    mfg: string;
    expiry: string;
    qty: number;
    price: string;
    codes: string[];
  }) {
    await page.keyboard.type(l.batch);
    await page.keyboard.press('Enter');
    await page.keyboard.type(l.mfg);
    await page.keyboard.press('Enter');
    await page.keyboard.type(l.expiry);
    await page.keyboard.press('Enter');
    await page.keyboard.type(String(l.qty));
    await page.keyboard.press('Enter');
    await page.keyboard.type(l.price);
    await page.keyboard.press('Enter'); // → 赠品
    await page.keyboard.press('Enter'); // → 追溯码
    expect(await focusedTestId()).toBe('line-trace');
    // a scanner: each code and its Enter
    for (const c of l.codes) {
      await page.keyboard.type(c);
      await page.keyboard.press('Enter');
    }
  }

  const batchRow = (batchNo: string) => page.locator(`[data-testid="batch-row"][data-batch-no="${batchNo}"]`);

  async function waitForUploadsClear() {
    await page.getByTestId('uploads-drain').click();
    await expect
      .poll(
        async () => {
          const s = page.getByTestId('upload-summary');
          return `${await s.getAttribute('data-pending')}/${await page.getByTestId('sum-refused').innerText()}`;
        },
        { timeout: 90_000, interval: 500 },
      )
      .toBe('0/0');
  }

  it('the manager receives two products with batches and trace codes (采购入库)', async () => {
    await page.goto(app.url);
    await page.getByTestId('login-screen').waitFor({ timeout: WAIT });
    await login('manager01');
    await page.keyboard.press('F2');
    await page.getByTestId('inventory-screen').waitFor({ timeout: WAIT });
    // the manager sees every tab
    for (const t of ['batches', 'expiry', 'receiving', 'return', 'change', 'stocktake', 'split', 'charts']) {
      expect(await page.getByTestId(`inventory-tab-${t}`).count()).toBe(1);
    }
    await page.getByTestId('inventory-tab-receiving').click();
    await page.getByTestId('receiving-supplier').fill('华北医药培训供应有限公司');
    await page.getByTestId('receiving-supplierLicense').fill('京AA0000001');
    await page.getByTestId('receiving-deliveryNo').fill('SH-20260001');
    await page.getByTestId('receiving-invoiceNo').fill('00012345');

    await addProductLine('P002');
    await typeReceivingLine({
      batch: 'VC2601',
      mfg: '20250601',
      expiry: '20280531',
      qty: 5,
      price: '2.1',
      codes: [1, 2, 3, 4, 5].map(trace),
    });
    await addProductLine('P003');
    await typeReceivingLine({
      batch: 'IB2602',
      mfg: '2025.9.1',
      expiry: inDays(75).replaceAll('-', ''),
      qty: 4,
      price: '12.60',
      codes: [11, 12, 13, 14].map(trace),
    });
    expect(await page.getByTestId('line-trace-count').allInnerTexts()).toEqual(['5/5', '4/4']);
    // the dates were tidied when the fields were left
    expect(await page.getByTestId('line-mfg-date').nth(1).inputValue()).toBe('2025-09-01');
    expect(await page.getByTestId('line-price').first().inputValue()).toBe('2.10');
    await fits('inventory-01-receiving-form', true);

    await page.keyboard.press('F9');
    await waitShown('receiving-done');
    const docNo = await page.getByTestId('receiving-doc-no').innerText();
    expect(docNo).toMatch(/^RK\d{8}\d{4}$/);
    await expect
      .poll(() => page.getByTestId('recent-doc').first().getAttribute('data-doc-no'), { timeout: WAIT })
      .toBe(docNo);
    await fits('inventory-02-receiving-done');
    // the document from the list: its lines and where its uploads stand
    await page.getByTestId('recent-doc').first().click();
    const docDialog = page.getByTestId('doc-dialog');
    await docDialog.waitFor();
    await expect.poll(() => docDialog.locator('[data-testid="doc-lines"] tbody tr').count(), { timeout: WAIT }).toBe(2);
    expect(await docDialog.getByTestId('doc-no').innerText()).toBe(docNo);
    await page.keyboard.press('Escape');
    await docDialog.waitFor({ state: 'detached' });
  }, 180_000);

  it('the batches list shows both with their quantities and trace codes, and a batch its ledger', async () => {
    await page.getByTestId('inventory-tab-batches').click();
    await batchRow('VC2601').waitFor({ timeout: WAIT });
    expect(await batchRow('VC2601').getByTestId('batch-qty').innerText()).toBe('5瓶');
    expect(await batchRow('VC2601').getByTestId('batch-trace').innerText()).toBe('5');
    expect(await batchRow('IB2602').getByTestId('batch-qty').innerText()).toBe('4盒');
    expect(await batchRow('IB2602').getAttribute('data-status')).toBe('near_expiry');
    await fits('inventory-03-batches', true);

    // keyboard: focus the first row, Enter opens its ledger
    await batchRow('VC2601').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('batch-details').waitFor();
    await expect.poll(() => page.getByTestId('ledger-row').count(), { timeout: WAIT }).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('ledger-row').first().innerText()).toContain('+5瓶');
    await fits('inventory-04-batch-ledger');
    // 锁定 with a reason, then 解锁
    const details = page.getByTestId('batch-details');
    for (const [reason, status] of [
      ['质量抽检', 'locked'],
      ['抽检合格', 'ok'],
    ] as const) {
      await details.getByTestId('batch-lock-open').click();
      await page.getByTestId('lock-dialog').waitFor();
      await expect.poll(focusedTestId).toBe('lock-reason');
      await page.keyboard.type(reason);
      if (status === 'locked') await shot('inventory-04b-lock');
      await page.keyboard.press('Enter');
      await page.getByTestId('lock-dialog').waitFor({ state: 'detached', timeout: WAIT });
      await expect
        .poll(() => details.getByTestId('batch-status').getAttribute('data-status'), { timeout: WAIT })
        .toBe(status);
    }
    await page.keyboard.press('Escape');
    await page.getByTestId('batch-details').waitFor({ state: 'detached' });

    await page.getByTestId('inventory-tab-expiry').click();
    await page.locator('[data-testid="expiry-row"]').first().waitFor({ timeout: WAIT });
    expect(await page.getByTestId('expiry-note').innerText()).toContain('设置');
    await fits('inventory-05-expiry');
  });

  it('报损 of one box through 库存变动', async () => {
    await page.getByTestId('inventory-tab-change').click();
    await page.getByTestId('change-reason').selectOption('damage');
    await page.keyboard.press('F6');
    await page.getByTestId('batch-picker').waitFor();
    await page.keyboard.type('VC2601');
    await expect
      .poll(() => page.getByTestId('batch-picker-row').first().getAttribute('data-batch-no'), { timeout: WAIT })
      .toBe('VC2601');
    await shot('inventory-06-batch-picker');
    await page.keyboard.press('Enter');
    await page.getByTestId('batch-picker').waitFor({ state: 'detached' });
    await expect.poll(focusedTestId).toBe('change-qty');
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await page.keyboard.type(trace(5));
    await page.getByTestId('change-note').fill('运输破损');
    await fits('inventory-07-change-form');
    await page.keyboard.press('F9');
    await waitShown('change-done');
    await fits('inventory-08-change-done');

    await page.getByTestId('inventory-tab-batches').click();
    await expect.poll(() => batchRow('VC2601').getByTestId('batch-qty').innerText(), { timeout: WAIT }).toBe('4瓶');
    expect(await batchRow('VC2601').getByTestId('batch-trace').innerText()).toBe('4');
  });

  it('the manager opens a stocktake of all stock', async () => {
    await page.getByTestId('inventory-tab-stocktake').click();
    await page.getByTestId('stocktake-scope').fill('月末盘点');
    await page.getByTestId('stocktake-start').click();
    await page.getByTestId('count-sheet').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('count-row').count()).toBe(2);
    await shot('inventory-09-stocktake-new');
    await page.getByTestId('count-close').click();
    await page.locator('[data-testid="stocktake-doc"][data-state="draft"]').waitFor({ timeout: WAIT });
    await logout();
  });

  it('the pharmacist counts the sheet, one box short, and submits it', async () => {
    await login('yaoshi01');
    await page.keyboard.press('F2');
    await page.getByTestId('inventory-screen').waitFor({ timeout: WAIT });
    // a pharmacist: no purchase returns, no charts
    expect(await page.getByTestId('inventory-tab-return').count()).toBe(0);
    expect(await page.getByTestId('inventory-tab-charts').count()).toBe(0);
    expect(await page.getByTestId('nav-reconcile').count()).toBe(0);
    await fits('inventory-10-pharmacist-batches');

    await page.getByTestId('inventory-tab-stocktake').click();
    await page.locator('[data-testid="stocktake-doc"][data-state="draft"]').getByTestId('stocktake-open').click();
    await page.getByTestId('count-sheet').waitFor({ timeout: WAIT });
    const inputs = page.getByTestId('count-input');
    await inputs.first().focus();
    // rows come by product: count each and Enter to the next
    const batches = await page
      .getByTestId('count-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-batch-no')));
    for (const b of batches) {
      await page.keyboard.type(b === 'VC2601' ? '4' : '3');
      await page.keyboard.press('Enter');
    }
    await expect
      .poll(() => page.locator('[data-testid="count-row"][data-batch-no="IB2602"]').getAttribute('data-diff'), {
        timeout: WAIT,
      })
      .toBe('-20');
    expect(await page.locator('[data-testid="count-row"][data-batch-no="VC2601"]').getAttribute('data-diff')).toBe('0');
    await fits('inventory-11-stocktake-counted', true);
    await page.keyboard.press('F9');
    await page.getByTestId('stocktake-confirm').waitFor();
    expect(await page.getByTestId('summary-loss').innerText()).toContain('盘亏 1 批');
    await page.getByTestId('stocktake-confirm-run').click();
    await expect
      .poll(() => page.getByTestId('count-sheet').getAttribute('data-state'), { timeout: WAIT })
      .toBe('submitted');
    // the pharmacist cannot approve
    expect(await page.getByTestId('count-approve').count()).toBe(0);
    await logout();
  });

  it('the manager approves it: 盘亏 1 box', async () => {
    await login('manager01');
    await openInventoryTab('stocktake');
    await page.locator('[data-testid="stocktake-doc"][data-state="submitted"]').getByTestId('stocktake-open').click();
    await page.getByTestId('count-approve').waitFor({ timeout: WAIT });
    await page.keyboard.press('F9');
    await page.getByTestId('stocktake-confirm').waitFor();
    expect(await page.getByTestId('summary-gain').innerText()).toContain('盘盈 0 批');
    expect(await page.getByTestId('summary-loss').innerText()).toContain('盘亏 1 批，金额 -￥12.60');
    await fits('inventory-12-stocktake-approve');
    await page.getByTestId('stocktake-confirm-run').click();
    await expect
      .poll(() => page.getByTestId('count-sheet').getAttribute('data-state'), { timeout: WAIT })
      .toBe('posted');
    await page.getByTestId('inventory-tab-batches').click();
    await expect.poll(() => batchRow('IB2602').getByTestId('batch-qty').innerText(), { timeout: WAIT }).toBe('3盒');
  });

  it('the other tabs: 采购退货, 拆零记录 and 图表', async () => {
    await page.getByTestId('inventory-tab-return').click();
    await page.keyboard.press('F6');
    await page.getByTestId('batch-picker').waitFor();
    await expect.poll(() => page.getByTestId('batch-picker-row').count(), { timeout: WAIT }).toBe(2);
    await page.keyboard.press('Enter');
    await page.getByTestId('return-line').waitFor();
    await fits('inventory-13-return-form');
    await page.getByTestId('inventory-tab-split').click();
    await page.getByTestId('split-total').waitFor({ timeout: WAIT });
    await fits('inventory-14-split');
    await page.getByTestId('inventory-tab-charts').click();
    await page.getByTestId('charts-total').waitFor({ timeout: WAIT });
    // 4 × 2.10 + 3 × 12.60
    expect(await page.getByTestId('charts-total').innerText()).toContain('￥46.20');
    await fits('inventory-15-charts', true);
  });

  it('the uploader sends everything, and today reconciles without a difference', async () => {
    await page.keyboard.press('F4');
    await page.getByTestId('reconcile-screen').waitFor({ timeout: WAIT });
    await page.getByTestId('upload-row').first().waitFor({ timeout: WAIT });
    await waitForUploadsClear();
    await page.getByTestId('upload-all-clear').waitFor({ timeout: WAIT });
    await expect.poll(() => page.getByTestId('status-uploads').count(), { timeout: WAIT }).toBe(0);
    // the list reloads on the backlog event that cleared the summary: wait for that reload, not just the figures
    await expect
      .poll(
        async () =>
          [
            ...new Set(
              await page.getByTestId('upload-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state'))),
            ),
          ].join(','),
        { timeout: WAIT },
      )
      .toBe('sent');
    // 3503 ×2, 3502 报损, 3502 盘亏, 3501 ×2
    const infnos = await page
      .getByTestId('upload-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-infno')));
    expect(infnos.filter((i) => i === '3503')).toHaveLength(2);
    expect(infnos.filter((i) => i === '3502')).toHaveLength(2);
    await fits('reconcile-01-uploads-sent', true);

    await page.getByTestId('reconcile-tab-diff').click();
    await page.getByTestId('diff-today').click();
    await page.getByTestId('diff-run').click();
    await page.getByTestId('diff-report').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('diff-report').getAttribute('data-differences')).toBe('0');
    const kinds = await page
      .getByTestId('diff-kind-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-differences')));
    // 盘存, 库存变更, 采购/退货, 销售/退货, and the stock ledger per batch
    expect(kinds).toEqual(['0', '0', '0', '0', '0']);
    await page.getByTestId('diff-show-matches').check();
    await expect.poll(() => page.getByTestId('diff-row').count()).toBeGreaterThanOrEqual(6);
    await fits('reconcile-02-diff-none');
  }, 180_000);

  it('a refused record: 被拒收 with the center’s words, corrected and sent again', async () => {
    await page.keyboard.press('F2');
    await openInventoryTab('receiving');
    if ((await page.getByTestId('receiving-new').count()) > 0) await page.getByTestId('receiving-new').click();
    await page.getByTestId('receiving-supplier').fill('华北医药培训供应有限公司');
    await addProductLine('P009');
    await typeReceivingLine({
      batch: 'JS2603',
      mfg: '20250801',
      expiry: '20270731',
      qty: 2,
      price: '8',
      codes: [21, 22].map(trace),
    });
    await page.keyboard.press('F9');
    await waitShown('receiving-done');

    // the status bar says it, in red; a click opens the queue
    await page.getByTestId('status-upload-refused').waitFor({ timeout: 60_000 });
    await shot('reconcile-03-status-refused');
    await page.getByTestId('status-uploads').click();
    await page.getByTestId('reconcile-screen').waitFor();
    const refused = page.locator('[data-testid="upload-row"][data-state="refused"]');
    await refused.first().waitFor({ timeout: WAIT });
    expect(await refused.count()).toBe(1);
    const message = await refused.getByTestId('upload-center-msg').innerText();
    expect(message).toContain('测试拒收');
    expect(message).toContain('拒收测试');
    await fits('reconcile-04-refused', true);

    await refused.getByTestId('upload-open').click();
    await page.getByTestId('upload-record').waitFor();
    const name = page.getByTestId('record-field-fixmedins_hilist_name');
    await expect.poll(() => name.inputValue(), { timeout: WAIT }).toBe('拒收测试胶囊');
    expect(await page.getByTestId('record-center-msg').innerText()).toContain('测试拒收');
    await name.fill('测试胶囊');
    await fits('reconcile-05-edit-record');
    await page.getByTestId('record-resend-corrected').click();
    await page.getByTestId('upload-record').waitFor({ state: 'detached', timeout: WAIT });

    await page.getByTestId('uploads-filter-all').click();
    const row = page.locator('[data-testid="upload-row"][data-infno="3503"]').first();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('sent');
    await waitForUploadsClear();
    await expect.poll(() => page.getByTestId('status-uploads').count(), { timeout: WAIT }).toBe(0);
    await fits('reconcile-06-resent');
    expect(problems).toEqual([]);
  }, 180_000);
});
