import path from 'node:path';
import { defaultDataDir, resolveDataDir } from '../core/paths';
import { PortInUseError } from './server';
import { startWebApp } from './start';

/**
 * `npm run start:web`: the whole app in a browser on this machine, for PCs where Electron cannot
 * run. Prints the one URL (with its per-run token) that opens it.
 */
async function main(): Promise<void> {
  const dataDir = resolveDataDir(process.env, defaultDataDir());
  // dist/web/server.js → dist/renderer
  const staticDir = process.env.POS_STATIC_DIR ?? path.resolve(__dirname, '..', 'renderer');
  const app = await startWebApp({ dataDir, staticDir, scheduleBackups: true });
  process.stdout.write(
    [
      '',
      '药店医保收银台 — 浏览器模式',
      `数据目录：${dataDir}`,
      app.core.fatal ? `启动失败：${app.core.fatal.message}` : '',
      `请在本机浏览器中打开：${app.url}`,
      '（仅本机可访问；地址中的令牌每次启动都会变化。按 Ctrl+C 退出。）',
      '',
    ]
      .filter((l, i, a) => l !== '' || i === 0 || i === a.length - 1)
      .join('\n') + '\n',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.core.log.info('browser mode stopping', { signal });
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  if (e instanceof PortInUseError) {
    process.stderr.write(`${e.message}\n`);
  } else {
    process.stderr.write(`浏览器模式启动失败：${(e as Error).message}\n`);
  }
  process.exit(1);
});
