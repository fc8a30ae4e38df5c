#!/usr/bin/env node
// `npx pos …` inside the repository: runs the CLI from source when tsx is installed (development),
// otherwise the built bundle (dist/cli/pos.js).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const root = path.resolve(fs.realpathSync(__dirname), '..', '..');
const source = path.join(root, 'app', 'cli', 'main.ts');
const built = path.join(root, 'dist', 'cli', 'pos.js');
let args;
try {
  require.resolve('tsx', { paths: [root] });
  args = ['--import', 'tsx', source];
} catch {
  if (!fs.existsSync(built)) {
    process.stderr.write('找不到命令行程序：请先运行 npm run build\n');
    process.exit(1);
  }
  args = [built];
}
const r = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
process.exit(r.status === null ? 1 : r.status);
