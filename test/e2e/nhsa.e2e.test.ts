import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhsaStatus } from '../../app/api/nhsa-handlers';
import { beijingDateTime } from '../../app/nhsa/beijing-time';
import type { NhsaOperator, NhsaResult } from '../../app/nhsa/client';
import type { NhsaService } from '../../app/nhsa/service';
import { SANDBOX_DRUGS } from '../../app/sandbox/drugs';
import { SANDBOX_PERSONS } from '../../app/sandbox/seed';
import { startWebApp, type WebApp } from '../../app/web-bridge/start';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/e2e';

/**
 * The insurance side as a pharmacy admin meets it in training mode (no endpoint configured, the
 * built-in sandbox center answers): the status bar, the call journal, the pharmacy's registration,
 * the pharmacists, a settlement whose outcome is unknown and its reversal, and the three ways a
 * call can fail. Screenshots go to test-output/screenshots/nhsa-*.png for a person to look at.
 */

const STATIC_DIR = path.resolve('dist/renderer');
const SHOTS = path.resolve('test-output/screenshots');

const ADMIN = { username: 'admin', displayName: '李建国', password: 'Kaimen2025' };
const WANG = SANDBOX_PERSONS.find((p) => p.psn_name === '王培训')!;
const AMOX = SANDBOX_DRUGS.find((d) => d.name.startsWith('阿莫西林'))!;

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
  await page.screenshot({ path: path.join(SHOTS, `nhsa-${name}.png`) });
}

/** Nothing may stick out sideways: neither the page nor the scrolling content area. */
async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() =>
    ['html', '.content', '.status-bar', '.tabs']
      .map((sel) => document.querySelector(sel))
      .filter((el): el is Element => el !== null)
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`),
  );
  expect(overflow).toEqual([]);
}

/** The status bar stays one line: a second line would push the work area up at the counter. */
async function expectStatusBarOneLine(page: Page) {
  const height = await page.locator('.status-bar').evaluate((el) => el.getBoundingClientRect().height);
  expect(height).toBeLessThan(44);
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

describe('insurance side in training mode', () => {
  let dataDir: string;
  let app: WebApp;
  let nhsa: NhsaService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const operator: NhsaOperator = { id: 1, opter: ADMIN.username, opterName: ADMIN.displayName };

  /** 1101 then 2102 for one box of amoxicillin, as the counter will do it, straight through the core. */
  async function settle(): Promise<NhsaResult> {
    const person = await nhsa.call(
      '1101',
      { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } },
      { operator },
    );
    expect(person.kind).toBe('ok');
    const output = (person as Extract<NhsaResult, { kind: 'ok' }>).output as {
      baseinfo: { psn_no: string };
      insuinfo: { insuplc_admdvs: string; insutype: string }[];
    };
    const now = beijingDateTime(new Date());
    return nhsa.call(
      '2102',
      {
        druginfo: {
          psn_no: output.baseinfo.psn_no,
          mdtrt_cert_type: '02',
          mdtrt_cert_no: WANG.certno,
          begntime: now,
          medfee_sumamt: AMOX.pric_text,
          insutype: output.insuinfo[0]!.insutype,
          acct_used_flag: '1',
          med_type: '41',
        },
        drugdetail: [
          {
            feedetl_sn: '1',
            rx_circ_flag: '0',
            fee_ocur_time: now,
            med_list_codg: AMOX.med_list_codg,
            medins_list_codg: AMOX.medins_list_codg,
            det_item_fee_sumamt: AMOX.pric_text,
            cnt: 1,
            pric: AMOX.pric_text,
          },
        ],
      },
      { operator, insuplcAdmdvs: output.insuinfo[0]!.insuplc_admdvs },
    );
  }

  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-e2e-nhsa-'));
    app = await startWebApp({ dataDir, staticDir: 'dist/renderer', port: 0, env: {} });
    if (!app.core.nhsa?.sandbox) throw new Error('training mode did not start the sandbox center');
    nhsa = app.core.nhsa;
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

  it('first run: training mode is announced, and the new admin is signed in with the center', async () => {
    await page.goto(app.url);
    await page.getByTestId('setup-username').waitFor();
    expect(await page.getByTestId('training-banner').isVisible()).toBe(true);
    expect(await page.getByTestId('status-insurance').innerText()).toContain('培训模式：内置沙箱医保中心');

    await page.getByTestId('setup-username').fill(ADMIN.username);
    await page.getByTestId('setup-display-name').fill(ADMIN.displayName);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-password-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-sale').waitFor();

    // 9001 runs in the background after login; the status bar follows it
    const signin = page.getByTestId('status-signin');
    await expect.poll(() => signin.getAttribute('data-signed-in'), { timeout: 15_000 }).toBe('true');
    expect(await signin.innerText()).toContain('已签到');
    expect(await page.getByTestId('status-insurance').innerText()).toContain('培训模式：内置沙箱医保中心');
    expect(await page.getByTestId('status-insurance').getAttribute('data-healthy')).toBe('true');
    expect(await page.getByTestId('training-banner').isVisible()).toBe(true);
    expect(await page.getByTestId('status-reversals').count()).toBe(0);
    await atWidths(page, '01-signed-in', () => expectStatusBarOneLine(page));

    // signed out behind the screen's back (another window, the CLI): the next nhsa.changed shows it,
    // and 签到 in the status bar, reached by keyboard, signs in again
    await nhsa.signOut(operator);
    app.core.events.emit('nhsa.changed', nhsaStatus(nhsa, null));
    await expect.poll(() => signin.getAttribute('data-signed-in')).toBe('false');
    expect(await signin.innerText()).toContain('未签到');
    // keyboard focus, as the cashier would reach it with Tab
    await page.getByTestId('status-signin-button').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('status-signin-button');
    await shot(page, '01b-signed-out');
    await page.keyboard.press('Enter');
    await expect.poll(() => signin.getAttribute('data-signed-in')).toBe('true');
    await expect.poll(() => page.getByTestId('toast').last().innerText()).toContain('已在医保中心签到');
  });

  it('医保接口日志 lists the sign-in; its details show the masked request', async () => {
    await page.keyboard.press('F5');
    await page.getByTestId('settings-tab-nhsa-journal').click();
    const signInRow = page.locator('[data-testid="journal-row"][data-infno="9001"]').first();
    await signInRow.waitFor();
    expect(await signInRow.getAttribute('data-outcome')).toBe('ok');
    const text = await signInRow.innerText();
    expect(text).toContain('签到');
    expect(text).toContain('成功');
    expect(text).toContain(ADMIN.username);
    const msgid = (await signInRow.getAttribute('data-msgid'))!;
    expect(msgid).toMatch(/^P11010000001\d{18}$/);
    await atWidths(page, '02-journal');

    // by keyboard: the row takes focus, Enter opens the details, Esc closes them again
    await signInRow.focus();
    await page.keyboard.press('Enter');
    const details = page.getByTestId('journal-details');
    await details.waitFor();
    expect(await page.getByTestId('journal-details-msgid').innerText()).toBe(msgid);
    const request = await page.getByTestId('journal-request').innerText();
    expect(request).toContain('"infno": "9001"');
    expect(request).toContain(`"msgid": "${msgid}"`);
    expect(request).toContain('"opter_no": "admin"');
    // the gateway credential travels in headers and is never journalled
    expect(request).not.toContain('sandbox-training-token');
    expect(await page.getByTestId('journal-response').innerText()).toContain('"sign_no"');
    await atWidths(page, '03-journal-details');
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-msgid'))).toBe(msgid);

    // filters: by transaction code, and by msgid
    await page.getByTestId('journal-infno').fill('1101');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('journal-page').innerText()).toContain('共 0 条');
    await page.getByTestId('journal-infno').fill('');
    await page.getByTestId('journal-msgid').fill(msgid);
    await page.getByTestId('journal-search').click();
    await expect.poll(() => page.getByTestId('journal-row').count()).toBe(1);
    await page.getByTestId('journal-msgid').fill('');
    await page.getByTestId('journal-search').click();

    // export writes a file into the data folder and says where
    await page.getByTestId('journal-export').click();
    const result = page.getByTestId('journal-export-result');
    await result.waitFor();
    const written = await result.locator('.mono').innerText();
    expect(written.startsWith(dataDir)).toBe(true);
    expect(fs.readFileSync(written, 'utf8')).toContain(msgid);
    await shot(page, '04-journal-exported');
  });

  it('基本设置: the pharmacy as the center has it registered, its name taken into the form', async () => {
    await page.getByTestId('settings-tab-general').click();
    const name = page.getByTestId('setting-pharmacy.fixmedins_name');
    await name.waitFor();
    expect(await name.inputValue()).toBe('');
    await page.getByTestId('pharmacy-info-fetch').click();
    const row = page.locator('[data-testid="pharmacy-info-row"][data-code="P11010000001"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('沙箱培训大药房');
    await row.getByTestId('pharmacy-info-apply').click();
    // in the form, not saved yet
    expect(await name.inputValue()).toBe('沙箱培训大药房');
    expect(await page.getByTestId('settings-save').isEnabled()).toBe(true);
    await atWidths(page, '05-pharmacy-info');

    await page.keyboard.press('Control+s');
    await expect.poll(() => page.locator('.app-pharmacy').innerText()).toBe('沙箱培训大药房');
  });

  it('药师: the pharmacists registered with the center', async () => {
    await page.getByTestId('settings-tab-practitioners').click();
    await expect.poll(() => page.getByTestId('practitioner-row').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('practitioners-type').inputValue()).toBe('3');
    const table = await page.getByTestId('practitioners-table').innerText();
    expect(table).toContain('孙配药');
    expect(table).toContain('药师');
    expect(table).toContain('SBXZC0001');
    await atWidths(page, '06-practitioners');
  });

  it('a settlement with an unknown outcome: 待冲正 in the status bar until the queue has reversed it', async () => {
    await page.getByTestId('nav-sale').click();
    // the settlement is committed but the answer is lost; the first reversal attempt is refused,
    // so the pending state lasts long enough to be seen, and the queue's retry confirms it
    nhsa.sandbox!.faults.inject({ mode: 'drop_after_commit', infno: '2102' });
    nhsa.sandbox!.faults.inject({ mode: 'business_error', infno: '2601', message: '医保中心繁忙，请稍后再试' });
    const result = await settle();
    expect(result.kind).toBe('unknown');
    const omsgid = (result as Extract<NhsaResult, { kind: 'unknown' }>).msgid;

    const pending = page.getByTestId('status-reversals');
    await pending.waitFor();
    await expect.poll(() => pending.innerText()).toContain('医保结算待冲正 1 笔');
    await atWidths(page, '07-pending-status-bar', () => expectStatusBarOneLine(page));

    // an admin goes from the status bar straight to the queue, by keyboard
    await pending.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('reversals-table').waitFor();
    expect(await page.getByTestId('settings-tab-nhsa-reversals').getAttribute('aria-selected')).toBe('true');
    const row = page.locator(`[data-testid="reversal-row"][data-omsgid="${omsgid}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('2102 药店结算');
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('医保中心繁忙');
    expect(await row.getAttribute('data-state')).toBe('pending');
    await atWidths(page, '08-reversals-pending');

    // the retry comes after the backoff (5 s) and is confirmed
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => pending.count()).toBe(0);
    expect(await row.innerText()).toContain('已冲正');
    await atWidths(page, '09-reversals-done');

    // the journal has the whole story, with the person's data masked
    await page.getByTestId('settings-tab-nhsa-journal').click();
    await page.getByTestId('journal-msgid').fill(omsgid);
    await page.keyboard.press('Enter');
    const settlement = page.locator(`[data-testid="journal-row"][data-msgid="${omsgid}"]`);
    await expect.poll(() => settlement.getAttribute('data-outcome')).toBe('unknown');
    expect(await settlement.innerText()).toContain('结果未知');
    await settlement.click();
    const request = await page.getByTestId('journal-request').innerText();
    expect(request).toContain('"infno": "2102"');
    expect(request).not.toContain(WANG.certno);
    expect(request).toMatch(/"mdtrt_cert_no": "11\*+201X"/);
    await shot(page, '10-journal-unknown-details');
    await page.keyboard.press('Escape');
    await page.getByTestId('journal-msgid').fill('');
    await page.getByTestId('journal-infno').fill('2601');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('journal-row').count()).toBe(2);
    expect(
      await page.getByTestId('journal-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome'))),
    ).toEqual(['ok', 'business_error']);
    await atWidths(page, '11-journal-2601');
    await page.getByTestId('journal-infno').fill('');
  });

  it('手工冲正: the admin confirms what 2601 does and sees the outcome', async () => {
    const result = await settle();
    expect(result.kind).toBe('ok');
    const msgid = (result as Extract<NhsaResult, { kind: 'ok' }>).msgid;

    await page.getByTestId('settings-tab-nhsa-reversals').click();
    await page.getByTestId('manual-reversal-msgid').fill(msgid);
    await page.keyboard.press('Enter');
    const confirm = page.getByTestId('manual-reversal-confirm');
    await confirm.waitFor();
    const explanation = await confirm.innerText();
    expect(explanation).toContain('2601');
    expect(explanation).toContain(msgid);
    expect(explanation).toContain('基金支付和个人账户支付退回');
    await atWidths(page, '12-manual-reversal-confirm');
    // Esc backs out without sending anything
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await page.locator(`[data-testid="reversal-row"][data-omsgid="${msgid}"]`).count()).toBe(0);

    await page.getByTestId('manual-reversal-submit').click();
    await page.getByTestId('manual-reversal-run').click();
    const outcome = page.getByTestId('manual-reversal-outcome');
    await outcome.waitFor();
    expect(await outcome.getAttribute('data-state')).toBe('done');
    expect(await outcome.innerText()).toContain('冲正成功');
    await page.locator(`[data-testid="reversal-row"][data-omsgid="${msgid}"][data-state="done"]`).waitFor();
    await shot(page, '13-manual-reversal-done');

    // a msgid that is not a settlement is refused with the reason, not sent
    await page.getByTestId('manual-reversal-msgid').fill('P11010000001000000000000000000');
    await page.getByTestId('manual-reversal-submit').click();
    await page.getByTestId('manual-reversal-run').click();
    await expect.poll(() => page.getByTestId('error-message').innerText()).toContain('找不到报文ID');
  });

  it('the three ways a call fails look different and say what they mean', async () => {
    // the center refuses: red, with its reason
    nhsa.sandbox!.faults.inject({ mode: 'business_error', infno: '1201', message: '机构信息查询服务维护中' });
    await page.getByTestId('settings-tab-general').click();
    await page.getByTestId('pharmacy-info-fetch').click();
    const refused = page.locator('[data-testid="nhsa-error"][data-code="NHSA_REFUSED"]');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('医保中心拒绝');
    expect(await refused.innerText()).toContain('机构信息查询服务维护中');
    await refused.scrollIntoViewIfNeeded();
    await shot(page, '14-error-refused');

    // an answer nobody can read: amber, do not repeat
    nhsa.sandbox!.faults.inject({ mode: 'garbage', infno: '5102' });
    await page.getByTestId('settings-tab-practitioners').click();
    await page.getByTestId('practitioners-search').click();
    const unknown = page.locator('[data-testid="nhsa-error"][data-code="NHSA_UNKNOWN"]');
    await unknown.waitFor();
    expect(await unknown.innerText()).toContain('结果未知');
    expect(await unknown.innerText()).toContain('不要重复操作');
    await shot(page, '15-error-unknown');

    // the center is gone: nothing was sent, and the status bar turns red
    await nhsa.sandbox!.close();
    await page.getByTestId('practitioners-search').click();
    const notSent = page.locator('[data-testid="nhsa-error"][data-code="NHSA_NOT_SENT"]');
    await notSent.waitFor();
    expect(await notSent.innerText()).toContain('未发送');
    expect(await notSent.innerText()).toContain('没有办理');
    const insurance = page.getByTestId('status-insurance');
    await expect.poll(() => insurance.getAttribute('data-healthy')).toBe('false');
    expect(await page.getByTestId('training-banner').isVisible()).toBe(true);
    await atWidths(page, '16-error-not-sent', () => expectStatusBarOneLine(page));

    const colours = await page.evaluate(() =>
      ['NHSA_REFUSED', 'NHSA_UNKNOWN', 'NHSA_NOT_SENT'].map((code) => {
        const probe = document.createElement('div');
        probe.className = `nhsa-error nhsa-error-${{ NHSA_REFUSED: 'refused', NHSA_UNKNOWN: 'unknown', NHSA_NOT_SENT: 'not-sent' }[code]}`;
        document.body.append(probe);
        const colour = getComputedStyle(probe).borderLeftColor;
        probe.remove();
        return colour;
      }),
    );
    expect(new Set(colours).size).toBe(3);
  });

  it('the page ran without script errors', () => {
    expect(problems).toEqual([]);
  });
});
