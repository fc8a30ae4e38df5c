import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { SANDBOX_GATEWAY, SANDBOX_PHARMACY } from '../../app/nhsa/service';
import { startSandbox } from '../../app/sandbox';
import { onCleanup } from '../support/nhsa-fixture';
import { childEnv, runNode } from '../support/nhsa-process';
import { tempDir } from '../support/tmp';
import { CATALOGUE_CACHE } from './catalogue-sync-fixture';

/**
 * The implementer's `pos catalogue sync` in a real process, killed (SIGKILL, no chance to clean up) while it
 * works through the 1301 files; a second run resumes. Nothing of the file in hand may survive the kill, the
 * second run marks the first one interrupted, and the catalogue ends complete: every code once.
 */

describe('catalogue sync: killed mid-loop and resumed (CLI, real process)', () => {
  it('resumes from the last merged file with no gap and no duplicate', async () => {
    const sbDir = tempDir('sandbox-crash-');
    const sandbox = await startSandbox({
      dbPath: path.join(sbDir, 'sandbox.sqlite'),
      log: createMemoryLogger(),
      port: 0,
      gateway: SANDBOX_GATEWAY,
      fixmedinsCode: SANDBOX_PHARMACY.code,
      fixmedinsName: SANDBOX_PHARMACY.name,
      catalogues: { scale: 0.3, fileRowCap: 20_000, cacheDir: CATALOGUE_CACHE },
    });
    onCleanup(() => sandbox.close());
    // generate (or read from the cache) before the child starts, so its timing is the import's
    const versions = sandbox.catalogues.versions('1301');
    const dataDir = tempDir('till-crash-');
    const env = childEnv({
      POS_DATA_DIR: dataDir,
      POS_NHSA_BASE_URL: sandbox.url,
      POS_NHSA_PAASID: SANDBOX_GATEWAY.paasid,
      POS_NHSA_TOKEN: SANDBOX_GATEWAY.token,
      POS_FIXMEDINS_CODE: SANDBOX_PHARMACY.code,
      POS_FIXMEDINS_NAME: SANDBOX_PHARMACY.name,
      POS_ADMDVS: SANDBOX_PHARMACY.admdvs,
      POS_OPERATOR: 'impl01',
    });

    let killedAt: string | null = null;
    const first = runNode('app/cli/main.ts', ['catalogue', 'sync', '--only', '1301'], env, {
      timeoutMs: 90_000,
      onStdout: (text, child) => {
        // the second file is being downloaded: a moment later it is being read into the stage
        if (killedAt === null && (text.match(/ 下载 /g) ?? []).length >= 2) {
          killedAt = text;
          setTimeout(() => child.kill('SIGKILL'), 400);
        }
      },
    });
    const killed = await first;
    expect(killed.signal).toBe('SIGKILL');
    expect(killedAt).not.toBeNull();

    const dbPath = path.join(dataDir, 'pos.sqlite');
    const peek = <T>(sql: string, ...params: unknown[]): T => {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).get(...params) as T;
      } finally {
        db.close();
      }
    };
    // What the kill left: whole files only — every row at or below the mark, and all of them.
    const mark = peek<{ max_ver: string } | undefined>(
      "SELECT max_ver FROM catalogue_sync_state WHERE catalogue = '1301'",
    )?.max_ver;
    const visible = peek<{ n: number }>("SELECT count(*) AS n FROM nat_items WHERE catalogue = '1301'").n;
    if (mark) {
      expect(
        peek<{ n: number }>("SELECT count(*) AS n FROM nat_items WHERE catalogue = '1301' AND ver > ?", mark).n,
      ).toBe(0);
      const upTo = versions.findIndex((v) => v.ver === mark);
      expect(upTo).toBeGreaterThanOrEqual(0);
      expect(upTo).toBeLessThan(versions.length - 1);
    } else {
      expect(visible).toBe(0);
    }
    expect(peek<{ status: string }>('SELECT status FROM catalogue_sync_runs ORDER BY id LIMIT 1').status).toBe(
      'running',
    );

    const second = await runNode('app/cli/main.ts', ['catalogue', 'sync', '--only', '1301'], env, {
      timeoutMs: 90_000,
    });
    // the CLI echoes warnings: the one expected is the interrupted run being recorded
    expect(second.stderr).toContain('runs left running by a previous process marked interrupted');
    expect(second.stderr).not.toContain('"level":"error"');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/1301 完成：\d+ 个文件\/页，导入 \d+ 行，跳过 0 行/);

    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const runs = db
        .prepare('SELECT status, error, from_mark, to_mark, trigger FROM catalogue_sync_runs ORDER BY id')
        .all() as {
        status: string;
        error: string | null;
        from_mark: string | null;
        to_mark: string | null;
        trigger: string;
      }[];
      expect(runs.map((r) => [r.status, r.trigger])).toEqual([
        ['interrupted', 'cli'],
        ['ok', 'cli'],
      ]);
      expect(runs[0]!.error).toContain('程序在同步过程中退出');
      expect(runs[1]!.from_mark ?? null).toBe(mark ?? null);
      const got = db.prepare("SELECT code FROM nat_items WHERE catalogue = '1301' ORDER BY code").pluck().all();
      expect(got).toEqual([...new Set(sandbox.catalogues.codeList('1301'))].sort());
      expect(db.prepare("SELECT max_ver FROM catalogue_sync_state WHERE catalogue = '1301'").pluck().get()).toBe(
        versions[versions.length - 1]!.ver,
      );
    } finally {
      db.close();
    }

    const status = await runNode('app/cli/main.ts', ['catalogue', 'status'], env, { timeoutMs: 60_000 });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/1301\s+西药中成药目录：\d+ 行，进度 \d{11}，最近一次 完成/);
  }, 240_000);
});
