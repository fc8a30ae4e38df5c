import fs from 'node:fs';
import path from 'node:path';

/** What every Chromium end-to-end test shares: Debian's browser, its flags, and where things are. */

export const CHROMIUM = process.env.POS_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
export const STATIC_DIR = path.resolve('dist/renderer');
export const SHOTS = path.resolve('test-output/screenshots');

export function ensureBuilt(): void {
  if (!fs.existsSync(path.join(STATIC_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` first');
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
}
