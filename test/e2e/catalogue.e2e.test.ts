import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { SANDBOX_DRUGS } from '../../app/sandbox/drugs';
import { startWebApp, type WebApp } from '../../app/web-bridge/start';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/e2e';

/**
 * The 目录 module as a pharmacy manager meets it in training mode: sync the national catalogue from
 * the built-in sandbox center and watch the bar fill, create and import products, map one to its
 * national code (candidates → confirm → 3301 upload), and find it at the counter by its pinyin
 * initials with its insurance class. Screenshots go to test-output/screenshots/catalogue-*.png.
 */

const STATIC_DIR = path.resolve('dist/renderer');
const SHOTS = path.resolve('test-output/screenshots');

const ADMIN = { username: 'admin', displayName: '李建国', password: 'Kaimen2025' };
const AMOX = SANDBOX_DRUGS.find((d) => d.name === '阿莫西林胶囊')!;
const LEVEL: Record<string, string> = { '01': '甲', '02': '乙', '03': '丙' };
const PRODUCT = {
  code: 'YP0001',
  genericName: AMOX.name,
  spec: AMOX.spec,
  dosageForm: AMOX.dosform,
  manufacturer: AMOX.prdr_name,
  unit: AMOX.unit,
  price: AMOX.pric_text,
  barcode: '6901234567892',
};
const VITC = SANDBOX_DRUGS.find((d) => d.name === '维生素C片')!;
/** Enough products that the search list has far more rows than fit on screen. */
const GRANULES = ['板蓝根颗粒', '感冒灵颗粒', '小柴胡颗粒', '玉屏风颗粒', '连花清瘟颗粒'];
const OTHERS = ['氯雷他定片', '复方甘草片', '红霉素软膏', '云南白药气雾剂', '健胃消食片'];
const BULK_HEADER = ['商品编码', '通用名', '规格', '生产企业', '单位', '零售价', '处方分类', '条码'];
const BULK = Array.from({ length: 300 }, (_, i) => {
  const name = [...GRANULES, ...OTHERS][i % 10]!;
  const fen = 150 + ((i * 37) % 4000);
  return [
    `PL${String(i).padStart(4, '0')}`,
    name,
    `${(i % 6) + 1}g*${((i % 3) + 1) * 6}袋`,
    `沙箱药业第${Math.floor(i / 10) + 1}制药厂`,
    '盒',
    `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`,
    i % 3 === 0 ? '甲类非处方药' : '乙类非处方药',
    `69${String(100000000 + i)}`,
  ];
});
/** Long syncs (the sandbox's 1301 is real-sized) get this long to finish. */
const SYNC_TIMEOUT = 240_000;

function ensureBuilt() {
  if (!fs.existsSync(path.join(STATIC_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npx vite build --config renderer/vite.config.ts` first');
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
}

function watchPage(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `catalogue-${name}.png`) });
}

/** Nothing may stick out sideways: neither the page nor the scrolling content area nor a dialog. */
async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() =>
    ['html', '.content', '.status-bar', '.tabs', '.tab-panel', 'dialog[open]']
      .map((sel) => document.querySelector(sel))
      .filter((el): el is Element => el !== null)
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`),
  );
  expect(overflow).toEqual([]);
}

async function atWidths(page: Page, name: string, check: () => Promise<void> = async () => undefined) {
  for (const width of [1366, 1024]) {
    await page.setViewportSize({ width, height: 768 });
    await expectNoHorizontalOverflow(page);
    await check();
    await shot(page, width === 1366 ? name : `${name}-1024`);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
}

async function activeTestId(page: Page) {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
}

describe('目录 in training mode', () => {
  let dataDir: string;
  let app: WebApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-catalogue-'));
    app = await startWebApp({ dataDir, staticDir: 'dist/renderer', port: 0, env: {} });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
    watchPage(page, problems);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts one catalogue's sync from its row and waits for the bar to reach the end. */
  async function syncOne(catalogue: string, screenshotWhileRunning?: string) {
    const row = page.locator(`[data-testid="sync-state"][data-catalogue="${catalogue}"]`);
    await row.waitFor();
    await page.getByTestId(`sync-one-${catalogue}`).click();
    const bar = page.getByTestId(`sync-progress-${catalogue}`);
    const seen = new Set<string>();
    let shotTaken = false;
    const deadline = Date.now() + SYNC_TIMEOUT;
    for (;;) {
      const phase = (await bar.count()) > 0 ? await bar.getAttribute('data-phase') : null;
      if (phase) {
        const percent = await bar.getAttribute('data-percent');
        seen.add(`${phase}:${percent}`);
        if (screenshotWhileRunning && !shotTaken && phase !== 'done' && phase !== 'failed') {
          await shot(page, screenshotWhileRunning);
          shotTaken = true;
        }
        if (phase === 'done' || phase === 'failed') break;
      }
      if (Date.now() > deadline) throw new Error(`sync of ${catalogue} did not finish; saw ${[...seen].join(', ')}`);
      await page.waitForTimeout(100);
    }
    // the bar ends full and green, and the run is in the history as a success
    expect(await bar.getAttribute('data-phase')).toBe('done');
    expect(await bar.getAttribute('data-percent')).toBe('100');
    await expect.poll(() => row.getAttribute('data-running')).toBe('false');
    await expect
      .poll(() =>
        page.locator(`[data-testid="run-row"][data-catalogue="${catalogue}"]`).first().getAttribute('data-status'),
      )
      .toBe('ok');
    return seen;
  }

  it('first run: the admin logs in and opens 目录 with F3', async () => {
    await page.goto(app.url);
    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-display-name').fill(ADMIN.displayName);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-sale').waitFor();

    await page.keyboard.press('F3');
    await page.getByTestId('catalog-tab-search').waitFor();
    for (const t of ['search', 'products', 'mapping', 'sync']) {
      expect(await page.getByTestId(`catalog-tab-${t}`).isVisible()).toBe(true);
    }
    // the counter's search box has the keyboard at once
    await expect.poll(() => activeTestId(page)).toBe('product-search-input');
  });

  it(
    '目录同步: 1301 from the sandbox center, the bar running to the end; then 1312, 1318',
    async () => {
      await page.getByTestId('catalog-tab-sync').click();
      const row1301 = page.locator('[data-testid="sync-state"][data-catalogue="1301"]');
      await row1301.waitFor();
      expect(await row1301.innerText()).toContain('西药中成药');
      expect(await page.getByTestId('sync-table').innerText()).toContain('尚未同步');
      await atWidths(page, '01-sync-before');

      const seen = await syncOne('1301', '02-sync-1301-running');
      // the bar moved through the sync rather than jumping from nothing to done
      expect(seen.size).toBeGreaterThan(1);
      expect(Number(await page.getByTestId('sync-progress-1301').getAttribute('data-rows'))).toBeGreaterThan(0);
      // the catalogue's own line follows: rows and the version reached
      await expect
        .poll(async () => Number((await row1301.getByTestId('sync-rows').innerText()).replace(/,/g, '')))
        .toBeGreaterThan(100_000);
      expect(await row1301.getByTestId('sync-mark').innerText()).toMatch(/^\d{8,}/);
      await atWidths(page, '03-sync-1301-done');

      await syncOne('1312');
      await syncOne('1318');

      // the center publishes a new version with a bad date in one row: the next sync takes only the new
      // version, skips that row, and its report says file, line and field
      const sandbox = app.core.nhsa!.sandbox!;
      sandbox.catalogues.publish('1301', { newRows: 20, updates: 5 });
      sandbox.catalogues.defect({ infno: '1301', kind: 'bad_date', line: 7 });
      await syncOne('1301');
      const incremental = page.locator('[data-testid="run-row"][data-catalogue="1301"]').first();
      expect(await incremental.innerText()).toContain('1 个问题');

      // the history row opens its report by keyboard
      await incremental.focus();
      await page.keyboard.press('Enter');
      const details = page.getByTestId('run-details');
      await details.waitFor();
      const problem = page.getByTestId('run-problem');
      await expect.poll(() => problem.count()).toBe(1);
      const problemText = await problem.innerText();
      expect(problemText).toContain('7');
      expect(problemText).toMatch(/\.txt/);
      await atWidths(page, '04-sync-run-details');
      await page.keyboard.press('Escape');
      await details.waitFor({ state: 'detached' });
    },
    SYNC_TIMEOUT * 4 + 30_000,
  );

  it('本店商品: 新增 with a barcode tag and a price typed in yuan', async () => {
    await page.getByTestId('catalog-tab-products').click();
    await page.getByTestId('products-table').waitFor();
    await page.getByTestId('product-create').click();
    const dialog = page.getByTestId('product-dialog');
    await dialog.waitFor();
    await expect.poll(() => activeTestId(page)).toBe('product-code');

    // a bad price and a missing name are refused next to their fields, before anything is sent
    await page.getByTestId('product-code').fill(PRODUCT.code);
    await page.getByTestId('product-retailPrice').fill('12.345');
    await page.getByTestId('product-submit').click();
    await expect.poll(() => dialog.innerText()).toContain('请填写通用名');
    expect(await dialog.innerText()).toContain('最多两位小数');
    await atWidths(page, '05-product-form-errors');

    await page.getByTestId('product-genericName').fill(PRODUCT.genericName);
    await page.getByTestId('product-spec').fill(PRODUCT.spec);
    await page.getByTestId('product-dosageForm').fill(PRODUCT.dosageForm);
    await page.getByTestId('product-manufacturer').fill(PRODUCT.manufacturer);
    await page.getByTestId('product-unit').fill(PRODUCT.unit);
    await page.getByTestId('product-retailPrice').fill(PRODUCT.price);
    await page.getByTestId('product-rxClass').selectOption('rx');
    // a scanner types the code and Enter: the code becomes a tag, the form is not submitted
    await page.getByTestId('product-barcodes-input').fill(PRODUCT.barcode);
    await page.getByTestId('product-barcodes-input').press('Enter');
    await expect.poll(() => page.getByTestId('tag').count()).toBe(1);
    expect(await dialog.isVisible()).toBe(true);
    await page.getByTestId('product-barcodes-input').fill('12');
    await page.getByTestId('product-barcodes-input').press('Enter');
    await expect.poll(() => dialog.innerText()).toContain('条码应为 4–40 位');
    await page.getByTestId('product-barcodes-input').fill('');
    await shot(page, '06-product-form');

    await page.keyboard.press('Control+s');
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator(`[data-testid="product-row"][data-code="${PRODUCT.code}"]`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(PRODUCT.genericName);
    expect(text).toContain('￥12.50');
    expect(await row.getByTestId('mapping-state').getAttribute('data-state')).toBe('unmapped');

    // 编辑 by keyboard: the row, Enter, the prices come back in yuan; a member price is added
    await row.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await page.getByTestId('product-retailPrice').inputValue()).toBe('12.50');
    expect(await page.getByTestId('tag').innerText()).toContain(PRODUCT.barcode);
    await page.getByTestId('product-memberPrice').fill('11.8');
    await page.getByTestId('product-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByTestId('product-edit').click();
    await dialog.waitFor();
    expect(await page.getByTestId('product-memberPrice').inputValue()).toBe('11.80');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('本店商品 › 导入: a CSV with a bad row is checked first, then imported, the report naming row and field; then an xlsx', async () => {
    const csv = [
      '商品编码,通用名,规格,生产企业,单位,零售价,处方分类,条码',
      'YP0002,维生素C片,0.1g*100片,沙箱制药有限公司,瓶,3.50,乙类非处方药,6901234567893',
      'YP0003,布洛芬缓释胶囊,0.3g*20粒,沙箱制药有限公司,盒,十二元,乙类非处方药,',
    ].join('\r\n');
    await page.getByTestId('product-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    await page.getByTestId('import-file').setInputFiles({
      name: '商品导入.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('\ufeff' + csv, 'utf8'),
    });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getAttribute('data-final')).toBe('false');
    await expect.poll(() => page.getByTestId('import-problem').count()).toBeGreaterThan(0);
    const problem = await page.getByTestId('import-problem').first().innerText();
    expect(problem).toContain('3');
    expect(problem).toContain('零售价');
    expect(await page.getByTestId('import-summary').innerText()).toContain('共 2 行');
    await atWidths(page, '07-import-dry-run');

    await page.getByTestId('import-run').click();
    await expect.poll(() => report.getAttribute('data-final')).toBe('true');
    expect(await page.getByTestId('import-summary').innerText()).toContain('新增 1');
    await shot(page, '08-import-done');
    await page.getByTestId('import-close').click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-testid="product-row"][data-code="YP0002"]').waitFor();
    expect(await page.locator('[data-testid="product-row"][data-code="YP0003"]').count()).toBe(0);

    // a bigger file, as a pharmacy brings over from its old software: an Excel workbook this time
    await page.getByTestId('product-import').click();
    await dialog.waitFor();
    await page.getByTestId('import-file').setInputFiles({
      name: '批量商品.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await writeXlsxFile([BULK_HEADER, ...BULK]).toBuffer()),
    });
    await expect.poll(() => page.getByTestId('import-summary').innerText()).toContain('共 300 行');
    expect(await page.getByTestId('import-problem').count()).toBe(0);
    await page.getByTestId('import-run').click();
    await expect.poll(() => report.getAttribute('data-final')).toBe('true');
    expect(await page.getByTestId('import-summary').innerText()).toContain('新增 300');
    await page.getByTestId('import-close').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('products-page').innerText()).toContain('共 302 个商品');
    expect(await page.getByTestId('products-page').innerText()).toContain('第 1 / 7 页');
    await atWidths(page, '09-products');
  });

  it(
    '目录对照: candidates → confirm → upload (3301); the state follows',
    async () => {
      await page.getByTestId('catalog-tab-mapping').click();
      await page.getByTestId('mapping-filter-unmapped').click();
      await expect.poll(() => page.getByTestId('mapping-page').innerText()).toContain('共 302 个商品');
      // the products from the bulk file fill the first pages: find ours by typing
      await page.getByTestId('mapping-q').fill('YP000');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('mapping-row').count()).toBe(2);
      const row = page.locator(`[data-testid="mapping-row"][data-code="${PRODUCT.code}"]`);
      await row.waitFor();
      expect(await row.getAttribute('data-state')).toBe('unmapped');
      await atWidths(page, '10-mapping-list');

      await row.getByTestId('mapping-open').click();
      const drawer = page.getByTestId('mapping-drawer');
      await drawer.waitFor();
      const candidate = page.locator(`[data-testid="mapping-candidate"][data-code="${AMOX.med_list_codg}"]`);
      await candidate.waitFor({ timeout: 20_000 });
      expect(await candidate.innerText()).toContain(AMOX.name);
      await atWidths(page, '11-mapping-candidates');

      await candidate.getByTestId('mapping-candidate-choose').click();
      const current = page.getByTestId('mapping-current');
      await expect.poll(() => current.getAttribute('data-state')).toBe('pending');
      expect(await page.getByTestId('mapping-natcode').innerText()).toBe(AMOX.med_list_codg);

      await page.getByTestId('mapping-upload-one').click();
      await expect.poll(() => current.getAttribute('data-state'), { timeout: 20_000 }).toBe('uploaded');
      await shot(page, '12-mapping-uploaded');

      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
      await page.getByTestId('mapping-filter-all').click();
      await expect.poll(() => row.getAttribute('data-state')).toBe('uploaded');

      // 维生素C片 by a code picked from the manual search of the national catalogue
      const vitc = page.locator('[data-testid="mapping-row"][data-code="YP0002"]');
      await vitc.getByTestId('mapping-open').click();
      await drawer.waitFor();
      await page.getByTestId('national-q').fill(VITC.med_list_codg);
      await page.getByTestId('national-search').click();
      const natHit = page.locator(`[data-testid="national-hit"][data-code="${VITC.med_list_codg}"]`);
      await natHit.waitFor();
      expect(await natHit.innerText()).toContain(VITC.name);
      await shot(page, '13-mapping-national-search');
      await natHit.getByTestId('national-hit-choose').click();
      await expect.poll(() => current.getAttribute('data-state')).toBe('pending');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
      await expect.poll(() => vitc.getAttribute('data-state')).toBe('pending');

      // 上传待对照: every pending product in one go, the outcome per product
      await page.getByTestId('mapping-upload').click();
      const result = page.getByTestId('mapping-upload-result');
      await result.waitFor({ timeout: 20_000 });
      const item = page.getByTestId('mapping-upload-item');
      await expect.poll(() => item.count()).toBe(1);
      expect(await item.first().getAttribute('data-state')).toBe('uploaded');
      expect(await item.first().innerText()).toContain('维生素C片');
      await expect.poll(() => vitc.getAttribute('data-state')).toBe('uploaded');
      await atWidths(page, '14-mapping-bulk-upload');

      // 撤销 (3302) after a confirmation that says what it means
      await vitc.getByTestId('mapping-open').click();
      await drawer.waitFor();
      await expect.poll(() => current.getAttribute('data-state')).toBe('uploaded');
      await page.getByTestId('mapping-revoke').click();
      const confirm = page.getByTestId('mapping-revoke-confirm');
      await confirm.waitFor();
      expect(await confirm.innerText()).toContain('3302');
      await shot(page, '15-mapping-revoke-confirm');
      await page.getByTestId('mapping-revoke-run').click();
      await confirm.waitFor({ state: 'detached' });
      await expect.poll(() => current.getAttribute('data-state'), { timeout: 20_000 }).toBe('revoked');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });
      await expect.poll(() => vitc.getAttribute('data-state')).toBe('revoked');

      // the center's own list of our insurance items (1317) now has it
      await page.getByTestId('catalog-tab-sync').click();
      await syncOne('1317');
    },
    SYNC_TIMEOUT + 60_000,
  );

  it('商品检索: "amxl" finds 阿莫西林胶囊 with its insurance class; ↓ Enter picks, Esc clears', async () => {
    await page.getByTestId('catalog-tab-search').click();
    const input = page.getByTestId('product-search-input');
    await expect.poll(() => activeTestId(page)).toBe('product-search-input');
    await page.keyboard.type('amxl');
    const hit = page.locator('[data-testid="product-hit"]', { hasText: PRODUCT.genericName }).first();
    await hit.waitFor();
    const level = LEVEL[AMOX.chrgitm_lv]!;
    expect(await hit.getByTestId('insurance-class').getAttribute('data-class')).toBe(level);
    expect(await hit.getByTestId('hit-price').innerText()).toContain('￥12.50');
    expect(await hit.getByTestId('rx-badge').innerText()).toBe('处方药');
    expect(await hit.getByTestId('not-insurance-item').count()).toBe(0);
    expect(await hit.innerText()).toContain('限价');

    await page.keyboard.press('Enter');
    const details = page.getByTestId('product-details');
    await details.waitFor();
    expect(await details.innerText()).toContain(PRODUCT.code);
    expect(await details.getByTestId('mapping-state').getAttribute('data-state')).toBe('uploaded');
    // the keyboard never left the box
    expect(await activeTestId(page)).toBe('product-search-input');
    await atWidths(page, '16-search-amxl');

    // full pinyin, a Chinese fragment, the barcode, our own code and the national code find it too
    for (const q of ['amoxilin', '莫西', PRODUCT.barcode, PRODUCT.code, AMOX.med_list_codg]) {
      await input.fill(q);
      await expect
        .poll(() => page.locator('[data-testid="product-hit"]', { hasText: PRODUCT.genericName }).count())
        .toBeGreaterThan(0);
    }

    // 150 granules: a windowed list draws only what is in view, and the arrows scroll it
    await input.fill('颗粒');
    const list = page.getByTestId('product-search-results');
    await expect.poll(() => list.getAttribute('data-count')).toBe('150');
    expect(await page.getByTestId('product-hit').count()).toBeLessThan(40);
    for (let i = 0; i < 4; i++) await page.keyboard.press('PageDown');
    await page.keyboard.press('ArrowDown');
    const active = page.locator('[data-testid="product-hit"][aria-selected="true"]');
    expect(await active.getAttribute('data-index')).toBe('25');
    const [listBox, rowBox] = [await list.boundingBox(), await active.boundingBox()];
    expect(rowBox!.y).toBeGreaterThanOrEqual(listBox!.y - 1);
    expect(rowBox!.y + rowBox!.height).toBeLessThanOrEqual(listBox!.y + listBox!.height + 1);
    expect(await page.getByTestId('product-hit').count()).toBeLessThan(40);
    await atWidths(page, '17-search-many');

    await page.keyboard.press('Escape');
    expect(await input.inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('product-hit').count()).toBe(0);
    expect(await activeTestId(page)).toBe('product-search-input');

    // a scanner types wherever the focus is; the code still lands in the box and Enter picks it
    await page.getByTestId('catalog-tab-search').focus();
    await page.keyboard.type('6901234567893');
    await page.keyboard.press('Enter');
    await expect.poll(() => activeTestId(page)).toBe('product-search-input');
    await expect.poll(() => page.getByTestId('product-details').innerText()).toContain('维生素C片');
  });

  it('the page ran without script errors', () => {
    expect(problems).toEqual([]);
  });
});
