import fs from 'node:fs';
import path from 'node:path';
import type { Bench, BenchResult } from './types';

/**
 * `npm run bench`: runs every *.bench.ts in this folder in one process (so each ratio compares
 * against a baseline measured under the same conditions), prints a table and writes
 * bench-results.json at the repository root.
 */
async function main(): Promise<void> {
  const dir = __dirname;
  const only = process.argv[2];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only || f.includes(only))
    .sort();
  const results: BenchResult[] = [];
  for (const file of files) {
    const mod = (await import(path.join(dir, file))) as Record<string, Bench>;
    for (const bench of Object.values(mod)) {
      if (!bench || typeof bench.run !== 'function') continue;
      process.stdout.write(`… ${bench.name}\n`);
      results.push(...(await bench.run()));
    }
  }
  const rows = results.map((r) => [
    r.name,
    `${r.value} ${r.unit}`,
    r.goal,
    r.baseline === undefined ? '' : `${r.baseline} ${r.unit}`,
    r.ratio === undefined ? '' : String(r.ratio),
  ]);
  const head = ['benchmark', 'value', 'goal', 'raw baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  process.stdout.write(
    ['', line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line), ''].join('\n') + '\n',
  );
  const out = path.resolve(dir, '..', '..', 'bench-results.json');
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`written: ${out}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
