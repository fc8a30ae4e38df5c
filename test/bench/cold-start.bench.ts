import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bootCore } from '../../app/boot';
import { percentile, round, type Bench } from './types';

const RUNS = 15;

async function timeBoot(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const core = await bootCore({ dataDir, shell: 'cli', version: 'bench', env: {} });
  const ms = performance.now() - t0;
  if (core.fatal) throw new Error(core.fatal.message);
  await core.close();
  return ms;
}

/** The least a till must do to start: open the SQLite file in WAL mode and read its settings rows. */
function timeRawOpen(file: string): number {
  const t0 = performance.now();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.prepare('SELECT key, value FROM settings').all();
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

export const coldStart: Bench = {
  name: 'core cold start',
  async run() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-'));
    try {
      const first: number[] = [];
      for (let i = 0; i < RUNS; i++) first.push(await timeBoot(path.join(root, `fresh-${i}`)));
      const existing = path.join(root, 'existing');
      await timeBoot(existing);
      const warm: number[] = [];
      const raw: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        warm.push(await timeBoot(existing));
        raw.push(timeRawOpen(path.join(existing, 'pos.sqlite')));
      }
      [first, warm, raw].forEach((a) => a.sort((x, y) => x - y));
      const rawP50 = percentile(raw, 50);
      return [
        {
          name: 'cold start, first run (create DB + migrate + settings), p50',
          value: round(percentile(first, 50)),
          unit: 'ms',
          goal: '< 300 ms',
        },
        {
          name: 'cold start, existing DB (open + verify migrations + settings), p50',
          value: round(percentile(warm, 50)),
          unit: 'ms',
          goal: '< 150 ms',
          baseline: round(rawP50, 3),
          ratio: round(rawP50 / percentile(warm, 50), 3),
        },
        {
          name: 'cold start, existing DB, p99',
          value: round(percentile(warm, 99)),
          unit: 'ms',
          goal: '< 300 ms',
        },
      ];
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
};
