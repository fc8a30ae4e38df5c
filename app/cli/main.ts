import { bootCore } from '../boot';
import { defaultDataDir, resolveDataDir } from '../core/paths';
import { APP_VERSION } from '../version';

/**
 * The implementer's command line. Later issues add interface calls, catalogue sync and the
 * sandbox; today it backs up the database and shows where things live.
 */
const HELP = `用法：pos <命令>

命令：
  backup      立即做一次在线备份（收银台运行时也可执行），并按设置保留最近 N 份
  info        显示数据目录、数据库、日志和备份位置
  help        显示本帮助

环境变量：POS_DATA_DIR 指定数据目录；任一设置可用 POS_<设置名> 覆盖（见 README）。`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (command !== 'backup' && command !== 'info') {
    process.stderr.write(`未知命令：${command}\n\n${HELP}\n`);
    return 2;
  }
  const dataDir = resolveDataDir(process.env, defaultDataDir());
  const core = await bootCore({ dataDir, shell: 'cli', version: APP_VERSION });
  try {
    if (core.fatal) {
      process.stderr.write(`${core.fatal.message}\n`);
      return 1;
    }
    if (command === 'backup') {
      const info = await core.runBackup();
      core.log.info('cli: backup written', { file: info.file, bytes: info.bytes });
      process.stdout.write(`备份完成：${info.path}（${(info.bytes / 1024).toFixed(1)} KB）\n`);
    } else {
      process.stdout.write(`版本：${APP_VERSION}\n数据目录：${dataDir}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  } finally {
    await core.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`命令失败：${(e as Error).message}\n`);
    process.exit(1);
  },
);
