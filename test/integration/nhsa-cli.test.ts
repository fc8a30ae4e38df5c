import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WANG, journalRows, oneBox, reversalRows, type JournalDbRow } from '../support/nhsa-data';
import { inspectorOf, standaloneSandbox } from '../support/nhsa-fixture';
import { runCli } from '../support/nhsa-process';
import { tempDir } from '../support/tmp';

// The implementer's command line, run as a child process exactly as documented:
// `node --import tsx app/cli/main.ts …` with POS_DATA_DIR and POS_OPERATOR.

function readJournal(dir: string): JournalDbRow[] {
  const db = new Database(path.join(dir, 'pos.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return journalRows(db);
  } finally {
    db.close();
  }
}

function readReversals(dir: string) {
  const db = new Database(path.join(dir, 'pos.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return reversalRows(db);
  } finally {
    db.close();
  }
}

function inputFile(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

const READ_ID_CARD = { data: { mdtrt_cert_type: '02', mdtrt_cert_no: WANG.certno } };

describe('pos config check', () => {
  it('training mode: everything comes from the built-in center, exit 0', async () => {
    const dir = tempDir('pos-cli-');
    const r = await runCli(['config', 'check'], { POS_DATA_DIR: dir, POS_OPERATOR: 'cli01' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('培训模式（内置沙箱医保中心）');
    expect(r.stdout).toContain('机构编号 P11010000001');
    expect(r.stdout).toMatch(/接口地址 http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).not.toContain('缺少');
  });

  it('a remote center without the pharmacy settings: names what is missing, exit 1', async () => {
    const dir = tempDir('pos-cli-');
    const r = await runCli(['config', 'check'], {
      POS_DATA_DIR: dir,
      POS_OPERATOR: 'cli01',
      POS_NHSA_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('正式接口');
    expect(r.stdout).toContain('缺少：机构编号、就医地区划');
    expect(r.stdout).toContain('环境变量覆盖：POS_NHSA_BASE_URL');
    expect(r.stdout).toContain('无法连接');
  });
});

describe('pos nhsa call', () => {
  it('1101 in training mode prints the reply; the journal records it with source cli; journal export is masked', async () => {
    const dir = tempDir('pos-cli-');
    const env = { POS_DATA_DIR: dir, POS_OPERATOR: 'cli01' };
    const r = await runCli(['nhsa', 'call', '1101', '--input', inputFile(dir, 'in.json', READ_ID_CARD)], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/成功（报文ID P11010000001\d{18}）/);
    expect(r.stdout).toContain(`"psn_no": "${WANG.psn_no}"`);

    const rows = readJournal(dir);
    expect(rows.map((j) => [j.infno, j.outcome, j.source])).toEqual([
      ['9001', 'ok', 'cli'],
      ['1101', 'ok', 'cli'],
      ['9002', 'ok', 'cli'], // a CLI operator not in the table signs out again
    ]);
    expect(rows.every((j) => (JSON.parse(j.request) as { opter: string }).opter === 'cli01')).toBe(true);

    const out = path.join(dir, 'export.jsonl');
    const e = await runCli(['journal', 'export', '--out', out], env);
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('已导出 3 条（已脱敏）');
    const text = fs.readFileSync(out, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { infno: string; request: unknown; response: unknown });
    expect(lines.map((l) => l.infno).sort()).toEqual(['1101', '9001', '9002']);
    // no full ID number and no name anywhere in the file, but the masked forms are there
    expect(text).not.toContain(WANG.certno);
    expect(text).not.toContain(WANG.psn_name);
    expect(text).toContain(WANG.certno.slice(0, 6));
    expect(text).toContain(WANG.certno.slice(-4));
    if (process.platform !== 'win32') expect(fs.statSync(out).mode & 0o077).toBe(0);
  });

  it('2102 against a standalone center with drop_after_commit injected by the CLI: it reverses and says so', async () => {
    const center = await standaloneSandbox();
    const dir = tempDir('pos-cli-');
    const env = { ...center.env, POS_DATA_DIR: dir, POS_OPERATOR: 'cli01', POS_NHSA_TIMEOUT_OVERRIDES: '2102=5' };

    const fault = await runCli(
      ['sandbox', 'fault', 'drop_after_commit', '--infno', '2102', '--url', center.sandbox.url],
      env,
    );
    expect(fault.code).toBe(0);
    expect(JSON.parse(fault.stdout)).toMatchObject({
      fault: { mode: 'drop_after_commit', infno: '2102', remaining: 1 },
    });
    expect(center.sandbox.faults.list()).toHaveLength(1);

    const r = await runCli(
      ['nhsa', 'call', '2102', '--input', inputFile(dir, 'sale.json', oneBox()), '--insuplc', '110100'],
      env,
    );
    expect(r.stdout).toMatch(/结果未知（报文ID P11010000001\d{18}）/);
    expect(r.stdout).toContain('该交易（2102）结果未知，正在冲正（2601）');
    expect(r.stdout).toMatch(/冲正成功（冲正报文ID P11010000001\d{18}）/);
    expect(r.code).toBe(1); // the sale itself did not succeed

    const sale = readJournal(dir).find((j) => j.infno === '2102')!;
    expect(sale).toMatchObject({ outcome: 'unknown', source: 'cli' });
    expect(readReversals(dir)).toMatchObject([{ omsgid: sale.msgid, state: 'done', attempts: 1 }]);
    const i = inspectorOf(center.dbPath);
    expect(i.settlements()).toHaveLength(1);
    expect(i.settlementByMsgid(sale.msgid)!.status).toBe('reversed');
    expect(i.liveSettlementCount()).toBe(0);
    expect(i.balanceFen(WANG.psn_no)).toBe(100000);
  });

  it('an unknown fault mode or a missing --input is a usage error (exit 2)', async () => {
    const dir = tempDir('pos-cli-');
    const env = { POS_DATA_DIR: dir, POS_OPERATOR: 'cli01' };
    const a = await runCli(['sandbox', 'fault', 'meltdown', '--url', 'http://127.0.0.1:9'], env);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('未知的故障模式');
    const b = await runCli(['nhsa', 'call', '1101'], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--input');
  });
});
