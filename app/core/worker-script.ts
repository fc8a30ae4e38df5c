import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from a script that sits next to its caller. In a build (the Electron main bundle,
 * browser mode, the CLI) scripts/build-shell.mjs emits `<name>.js` beside each bundle, and `dir` — the
 * bundle's __dirname — finds it. From source (tests, `tsx` in development) the `.ts` file is run through tsx's
 * CommonJS hook, the same way the caller itself is running.
 */
export function startWorker(dir: string, name: string, options: WorkerOptions = {}): Worker {
  const bundled = path.join(dir, `${name}.js`);
  if (fs.existsSync(bundled)) return new Worker(bundled, options);
  const source = path.join(dir, `${name}.ts`);
  if (!fs.existsSync(source)) throw new Error(`worker script ${name} not found in ${dir}`);
  const tsx = createRequire(__filename).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`;
  return new Worker(boot, { ...options, eval: true });
}
