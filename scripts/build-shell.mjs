#!/usr/bin/env node
// Bundles the Electron main process, the preload, the browser-mode server and the CLI with
// esbuild. The renderer is built separately by Vite (npm run build:renderer).
//
// Usage: node scripts/build-shell.mjs [--only main,preload,web,cli] [--outdir dist]

import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACT = path.join(ROOT, 'app', 'shared', 'contract.ts');

/**
 * Native modules (and ws's optional native helpers) are loaded from node_modules at run time: each finds its
 * .node file relative to its own package, which a bundle would break.
 */
const NODE_NATIVE_EXTERNALS = ['better-sqlite3', 'serialport', 'koffi', 'bufferutil', 'utf-8-validate'];

/**
 * Worker-thread scripts the core starts with app/core/worker-script.ts: each is bundled next to every bundle
 * that may start it (the script is looked up beside the running bundle).
 */
export const WORKERS = [{ name: 'catalogue-import-worker', entry: 'app/catalogue/sync/catalogue-import-worker.ts' }];

export const ENTRIES = [
  {
    name: 'main',
    entry: 'electron/main.ts',
    out: 'electron/main.js',
    external: ['electron', ...NODE_NATIVE_EXTERNALS],
    required: true,
    workers: true,
  },
  { name: 'preload', entry: 'electron/preload.ts', out: 'electron/preload.js', external: ['electron'], required: true },
  {
    name: 'web',
    entry: 'app/web-bridge/main.ts',
    out: 'web/server.js',
    external: NODE_NATIVE_EXTERNALS,
    required: false,
    workers: true,
  },
  {
    name: 'cli',
    entry: 'app/cli/main.ts',
    out: 'cli/pos.js',
    external: NODE_NATIVE_EXTERNALS,
    required: false,
    workers: true,
  },
];

/**
 * The preload may only require 'electron' (it runs sandboxed), and the contract module builds
 * its channel table with zod. The preload needs nothing from it but four constants, so the
 * contract is evaluated here at build time and the preload gets those values as a tiny module.
 * Importing anything else from the contract in the preload fails the build, loudly.
 */
async function contractConstantsPlugin() {
  const result = await esbuild.build({
    entryPoints: [CONTRACT],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
  const mod = { exports: /** @type {Record<string, unknown>} */ ({}) };
  new Function('module', 'exports', result.outputFiles[0].text)(mod, mod.exports);
  const { CHANNEL_NAMES, EVENT_NAMES, IPC_PREFIX, IPC_EVENT_CHANNEL } = mod.exports;
  if (!Array.isArray(CHANNEL_NAMES) || !Array.isArray(EVENT_NAMES) || typeof IPC_PREFIX !== 'string') {
    throw new Error('app/shared/contract.ts no longer exports CHANNEL_NAMES, EVENT_NAMES and IPC_PREFIX');
  }
  const contents = [
    `export const CHANNEL_NAMES = ${JSON.stringify(CHANNEL_NAMES)};`,
    `export const EVENT_NAMES = ${JSON.stringify(EVENT_NAMES)};`,
    `export const IPC_PREFIX = ${JSON.stringify(IPC_PREFIX)};`,
    `export const IPC_EVENT_CHANNEL = ${JSON.stringify(IPC_EVENT_CHANNEL)};`,
  ].join('\n');

  /** @type {esbuild.Plugin} */
  return {
    name: 'contract-constants',
    setup(build) {
      build.onResolve({ filter: /(^|\/)contract(\.ts)?$/ }, (args) => {
        if (args.kind !== 'import-statement' || !args.resolveDir) return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        if (target !== CONTRACT && `${target}.ts` !== CONTRACT) return undefined;
        return { path: path.relative(ROOT, CONTRACT).split(path.sep).join('/'), namespace: 'contract-constants' };
      });
      build.onLoad({ filter: /.*/, namespace: 'contract-constants' }, () => ({ contents, loader: 'js' }));
    },
  };
}

/**
 * @param {{ only?: string[], outDir?: string, root?: string }} [options]
 * @returns {Promise<{ built: string[], skipped: string[] }>}
 */
export async function buildShell(options = {}) {
  const root = options.root ?? ROOT;
  const outDir = path.resolve(root, options.outDir ?? 'dist');
  const selected = ENTRIES.filter((e) => !options.only || options.only.includes(e.name));
  if (options.only) {
    const unknown = options.only.filter((n) => !ENTRIES.some((e) => e.name === n));
    if (unknown.length) throw new Error(`unknown entries: ${unknown.join(', ')}`);
  }

  const built = [];
  const skipped = [];
  for (const e of selected) {
    const entry = path.join(root, e.entry);
    if (!fs.existsSync(entry)) {
      if (e.required) throw new Error(`missing entry point ${e.entry}`);
      // app/web-bridge and app/cli are written in parallel with the shell; the build must not
      // wait for them, but the skip has to be visible.
      console.warn(`[build-shell] 警告：跳过 ${e.entry}（文件不存在） / warning: skipped ${e.entry} (not found)`);
      skipped.push(e.name);
      continue;
    }
    const bundle = async (/** @type {string} */ from, /** @type {string} */ outfile) => {
      await esbuild.build({
        entryPoints: [from],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: true,
        external: e.external,
        plugins: e.name === 'preload' ? [await contractConstantsPlugin()] : [],
        logLevel: 'warning',
        // Warnings such as a missing import are errors here: a broken bundle must stop the build.
        logOverride: { 'import-is-undefined': 'error' },
        legalComments: 'none',
      });
      console.log(`[build-shell] ${path.relative(root, from)} → ${path.relative(root, outfile)}`);
    };
    const outfile = path.join(outDir, e.out);
    await bundle(entry, outfile);
    if (e.workers) {
      for (const w of WORKERS) await bundle(path.join(root, w.entry), path.join(path.dirname(outfile), `${w.name}.js`));
    }
    built.push(e.name);
  }
  return { built, skipped };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ only?: string[], outDir?: string }} */
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') options.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--outdir') options.outDir = argv[++i];
    else throw new Error(`unknown argument: ${a}`);
  }
  return options;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;

if (invokedDirectly) {
  try {
    await buildShell(parseArgs(process.argv.slice(2)));
  } catch (e) {
    // esbuild has already printed its diagnostics; this line makes the failure impossible to miss.
    console.error(`[build-shell] 构建失败 / build failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
