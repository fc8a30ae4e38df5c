import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { bootCore } from '../boot';
import type { PosCore } from '../boot-types';
import { createFileLogger } from '../core/logger';
import { dataPaths, defaultDataDir, resolveDataDir } from '../core/paths';
import { createOperatorService } from '../auth/operators';
import type { NhsaOperator, NhsaResult } from '../nhsa/client';
import { interfaceSpec } from '../nhsa/registry';
import { SANDBOX_GATEWAY, toNhsaOperator } from '../nhsa/service';
import { startSandbox } from '../sandbox/server';
import { FAULT_MODES } from '../sandbox/faults';
import { SETTING_DEFS, envNameOf } from '../shared/settings-schema';
import { profileById } from '../nhsa/profiles';
import { APP_VERSION } from '../version';
import type { CatalogueId, CatalogueProgress, CatalogueSyncRun } from '../shared/contract';

/**
 * The implementer's command line (实施工程师). It honours POS_DATA_DIR and every POS_<setting>
 * override, so it can be pointed at any center; POS_OPERATOR names the operator calls run as.
 */
const HELP = `用法：pos <命令> [参数]

  config check                         检查配置：已设置什么、缺什么、能否连通医保中心
  nhsa call <交易编号> --input <文件.json> [--insuplc <参保地区划>]
                                       调用一个医保接口并打印应答（与收银台的调用一样记入日志）
  nhsa signin | nhsa signout           以 POS_OPERATOR 签到 / 签退
  sandbox start [--port N] [--open]    在前台运行沙箱医保中心（--open：不校验网关签名）
  sandbox fault <模式> [--infno X] [--count N] [--delay 毫秒] [--message 文本] [--url 沙箱地址]
  sandbox fault clear | list           清除 / 列出注入的故障
  catalogue sync [--only 1301,1312,…]  以 POS_OPERATOR 同步国家目录（默认全部；断点续传，可重复执行）
  catalogue status                     显示各目录的同步进度（版本号 / 更新时间、行数、最近一次同步）
  journal export [--from ISO] [--to ISO] [--out 文件]
                                       导出医保接口日志（已脱敏的 JSON Lines）
  backup                               立即在线备份数据库
  info                                 显示数据、日志和备份的位置

故障模式：${FAULT_MODES.join('、')}
环境变量：POS_DATA_DIR、POS_OPERATOR、POS_NHSA_BASE_URL、POS_NHSA_PROFILE、POS_NHSA_PAASID、
POS_NHSA_TOKEN、POS_FIXMEDINS_CODE、POS_FIXMEDINS_NAME、POS_ADMDVS …（全部见 README）`;

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

class UsageError extends Error {}

function dataDir(): string {
  return resolveDataDir(process.env, defaultDataDir());
}

async function withCore<T>(fn: (core: PosCore) => Promise<T>): Promise<T> {
  const core = await bootCore({ dataDir: dataDir(), shell: 'cli', version: APP_VERSION });
  try {
    if (core.fatal) throw new Error(core.fatal.message);
    return await fn(core);
  } finally {
    await core.close();
  }
}

/** POS_OPERATOR: a username from the operators table, or (before any exists) a bare 经办人 code. */
function cliOperator(): NhsaOperator {
  const name = process.env.POS_OPERATOR?.trim();
  if (!name) throw new UsageError('请用环境变量 POS_OPERATOR 指定以哪个操作员身份调用（操作员用户名）');
  const op = listOperators().find((o) => o.username.toLowerCase() === name.toLowerCase());
  return op ? toNhsaOperator(op) : { id: null, opter: name, opterName: name };
}

/** Operators as the app sees them (read-only, same database). */
function listOperators() {
  const db = new Database(dataPaths(dataDir()).dbPath, { readonly: true, fileMustExist: true });
  try {
    return createOperatorService(db).list();
  } finally {
    db.close();
  }
}

function describe(r: NhsaResult): string {
  switch (r.kind) {
    case 'ok':
      return `成功（报文ID ${r.msgid}）${r.warnings.length ? `\n应答与接口规范不符之处（仅提示）：\n  ${r.warnings.join('\n  ')}` : ''}`;
    case 'business_error':
      return `医保中心返回失败（infcode ${r.infcode}，报文ID ${r.msgid}）：${r.errMsg}`;
    case 'not_sent':
      return `未发送：${r.reason}`;
    case 'unknown':
      return `结果未知（报文ID ${r.msgid}）：${r.reason}`;
  }
}

async function nhsaCall(infno: string, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { input: { type: 'string' }, insuplc: { type: 'string' } } });
  if (!interfaceSpec(infno)) throw new UsageError(`未知的交易编号：${infno}`);
  if (!values.input) throw new UsageError('请用 --input 指定输入 JSON 文件（内容为 input 节点，如 {"data":{...}}）');
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(fs.readFileSync(values.input, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`无法读取输入文件 ${values.input}：${(e as Error).message}`);
  }
  return withCore(async (core) => {
    const nhsa = core.nhsa!;
    const op = cliOperator();
    const r = await nhsa.call(infno, input, { operator: op, insuplcAdmdvs: values.insuplc ?? null, source: 'cli' });
    out(describe(r));
    if (r.kind === 'ok') out(JSON.stringify(r.file ? { file: `[${r.file.length} 字节]` } : r.output, null, 2));
    let code = r.kind === 'ok' ? 0 : 1;
    const reversal = r.kind === 'unknown' && r.msgid ? nhsa.reversals.get(r.msgid) : null;
    if (reversal) {
      out(`该交易（${infno}）结果未知，正在冲正（2601）……`);
      let row = reversal;
      for (let attempt = 1; attempt <= 3 && row.state !== 'done'; attempt++) {
        row = await nhsa.reversals.reverseNow({
          omsgid: row.omsgid,
          oinfno: row.oinfno,
          psnNo: row.psnNo,
          insuplcAdmdvs: row.insuplcAdmdvs,
          operatorId: row.operatorId,
        });
        if (row.state !== 'done' && attempt < 3) await new Promise((res) => setTimeout(res, 2000 * attempt));
      }
      if (row.state === 'done')
        out(`冲正成功（冲正报文ID ${row.reversalMsgid}）：原交易 ${row.omsgid} 已撤回，可重新结算。`);
      else {
        out(`冲正尚未成功（${row.lastError ?? ''}）。已留在冲正队列中，收银台启动后会继续自动重试。`);
        code = 3;
      }
    }
    if (op.id === null) await nhsa.signOut(op, 'cli');
    return code;
  });
}

function probe(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', timeout: 5000, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        resolve(`可以连通（HTTP ${res.statusCode}）`);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve('连接超时');
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(`无法连接（${e.code ?? e.message}）`));
    req.end('{}');
  });
}

async function configCheck(): Promise<number> {
  return withCore(async (core) => {
    const nhsa = core.nhsa!;
    const c = nhsa.config();
    out(`数据目录：${dataDir()}`);
    out(`模式：${nhsa.sandbox ? '培训模式（内置沙箱医保中心）' : '正式接口'}`);
    out('药店与医保接口设置：');
    out(
      `  机构编号 ${c.fixmedinsCode || '【缺】'}  机构名称 ${c.fixmedinsName || '【缺】'}  就医地区划 ${c.admdvs || '【缺】'}`,
    );
    out(
      `  接口地址 ${c.baseUrl || '【缺】'}  方案 ${c.profile}  paasid ${c.paasid || '（空）'}  token ${c.token ? '已设置' : '未设置'}`,
    );
    out(`  接收方系统代码 ${c.recerSysCode}  版本 ${c.infver}  超时 ${c.timeoutSeconds} 秒`);
    const overridden = SETTING_DEFS.map((d) => envNameOf(d.key)).filter((n) => process.env[n] !== undefined);
    if (overridden.length) out(`环境变量覆盖：${overridden.join('、')}`);
    const status = await core.dispatcher.call({ id: 'cli', transport: 'test', operator: null }, 'app.status', {});
    const warnings = status.ok ? (status.value as { warnings: string[] }).warnings : [];
    if (warnings.length) out(`警告：\n  ${warnings.join('\n  ')}`);
    const missing = [!c.fixmedinsCode && '机构编号', !c.admdvs && '就医地区划', !c.baseUrl && '接口地址'].filter(
      Boolean,
    );
    if (missing.length) out(`缺少：${missing.join('、')}`);
    const target = c.baseUrl ? c.baseUrl.replace(/\/+$/, '') + profileById(c.profile).pathFor('9001') : '';
    out(`医保中心：${target ? await probe(target) : '未配置'}`);
    return missing.length ? 1 : 0;
  });
}

async function sandboxStart(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, open: { type: 'boolean' } } });
  const dir = dataDir();
  const log = createFileLogger({ dir: dataPaths(dir).logDir, fileName: 'sandbox.log', echo: true });
  const sandbox = await startSandbox({
    dbPath: path.join(dir, 'sandbox.sqlite'),
    port: values.port ? Number(values.port) : 0,
    log,
    gateway: values.open ? undefined : SANDBOX_GATEWAY,
    fixmedinsCode: process.env.POS_FIXMEDINS_CODE || undefined,
    fixmedinsName: process.env.POS_FIXMEDINS_NAME || undefined,
  });
  out(`沙箱医保中心已启动：${sandbox.url}`);
  out(values.open ? '不校验网关签名。' : `网关 paasid=${SANDBOX_GATEWAY.paasid} token=${SANDBOX_GATEWAY.token}`);
  out(
    `让收银台或 CLI 使用它：POS_NHSA_BASE_URL=${sandbox.url}${values.open ? '' : ` POS_NHSA_PAASID=${SANDBOX_GATEWAY.paasid} POS_NHSA_TOKEN=${SANDBOX_GATEWAY.token}`}`,
  );
  out('按 Ctrl+C 停止。');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  log.close();
  return 0;
}

async function sandboxFault(args: string[]): Promise<number> {
  const [mode, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      infno: { type: 'string' },
      count: { type: 'string' },
      delay: { type: 'string' },
      message: { type: 'string' },
      url: { type: 'string' },
    },
  });
  const base = (values.url ?? process.env.POS_NHSA_BASE_URL ?? '').replace(/\/+$/, '');
  if (!base) throw new UsageError('请用 --url 或 POS_NHSA_BASE_URL 指定沙箱地址');
  let method = 'POST';
  let body: string | undefined;
  if (mode === 'clear') method = 'DELETE';
  else if (mode === 'list') method = 'GET';
  else if ((FAULT_MODES as readonly string[]).includes(mode ?? '')) {
    body = JSON.stringify({
      mode,
      ...(values.infno ? { infno: values.infno } : {}),
      ...(values.count ? { count: Number(values.count) } : {}),
      ...(values.delay ? { delayMs: Number(values.delay) } : {}),
      ...(values.message ? { message: values.message } : {}),
    });
  } else throw new UsageError(`未知的故障模式：${mode ?? ''}（可用：${FAULT_MODES.join('、')}、clear、list）`);
  const res = await fetch(`${base}/__sandbox/faults`, {
    method,
    headers: { 'x-sandbox-admin': '1', 'Content-Type': 'application/json' },
    body,
  });
  out(await res.text());
  return res.ok ? 0 : 1;
}

const CATALOGUE_IDS: readonly CatalogueId[] = [
  '1301',
  '1302',
  '1304',
  '1306',
  '1306A',
  '1309',
  '1320',
  '1312',
  '1317',
  '1318',
  '1319',
  '1901',
];

async function catalogueSync(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { only: { type: 'string' } } });
  const only = values.only
    ?.split(/[,，\s]+/)
    .map((x) => x.trim().toUpperCase())
    .filter(Boolean);
  const unknown = only?.filter((x) => !(CATALOGUE_IDS as readonly string[]).includes(x)) ?? [];
  if (unknown.length) throw new UsageError(`未知的目录：${unknown.join('、')}（可选：${CATALOGUE_IDS.join('、')}）`);
  return withCore(async (core) => {
    const sync = core.catalogue;
    if (!sync) throw new Error('目录同步功能未能启动，请查看日志');
    const op = cliOperator();
    let lastLine = 0;
    const stop = core.events.on((name, data) => {
      if (name === 'catalogue.progress') {
        const p = data as CatalogueProgress;
        const t = Date.now();
        // one line every two seconds at most, plus every change of phase worth seeing
        if (t - lastLine < 2000 && p.phase !== 'merging' && p.phase !== 'downloading') return;
        lastLine = t;
        out(
          `  ${p.catalogue} ${PHASES[p.phase]}${p.file ? ` ${p.file}` : ''} 已导入 ${p.rows} 行` +
            `${p.percent === null ? '' : ` ${p.percent}%`} ${p.rowsPerSecond} 行/秒${p.message ? ` ${p.message}` : ''}`,
        );
      }
    });
    try {
      const ids = sync.start(only as CatalogueId[] | undefined, { trigger: 'cli', operator: op });
      const runs = await sync.wait(ids);
      let failed = 0;
      for (const r of runs) {
        const mark = r.toMark ?? r.fromMark ?? '—';
        const line = `${r.catalogue} ${STATUS[r.status]}：${r.files} 个文件/页，导入 ${r.rowsImported} 行，跳过 ${r.rowsSkipped} 行，进度 ${mark}`;
        out(r.error ? `${line}\n    ${r.error}` : line);
        for (const p of r.problems.slice(0, 5)) out(`    ${p.file} 第 ${p.line} 行 ${p.field}：${p.message}`);
        if (r.problems.length > 5) out(`    ……共 ${r.problems.length} 处问题（见同步记录）`);
        if (r.status !== 'ok') failed++;
      }
      return failed ? 1 : 0;
    } finally {
      stop();
      if (op.id === null) await core.nhsa?.signOut(op, 'cli');
    }
  });
}

const PHASES: Record<CatalogueProgress['phase'], string> = {
  querying: '查询',
  downloading: '下载',
  parsing: '解析',
  importing: '导入',
  merging: '合并',
  done: '完成',
  failed: '失败',
};
const STATUS: Record<CatalogueSyncRun['status'], string> = {
  running: '进行中',
  ok: '完成',
  failed: '失败',
  interrupted: '中断',
};

async function catalogueStatus(): Promise<number> {
  return withCore(async (core) => {
    if (!core.catalogue) throw new Error('目录同步功能未能启动，请查看日志');
    for (const s of core.catalogue.states()) {
      const last = s.lastRun
        ? `${STATUS[s.lastRun.status]} ${s.lastRun.finishedAt ?? s.lastRun.startedAt}`
        : '从未同步';
      out(`${s.catalogue.padEnd(5)} ${s.name}：${s.rows} 行，进度 ${s.mark ?? '—'}，最近一次 ${last}`);
    }
    return 0;
  });
}

async function journalExport(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } },
  });
  return withCore(async (core) => {
    const target =
      values.out ??
      path.join(dataDir(), 'exports', `nhsa-journal-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const fd = fs.openSync(target, 'w', 0o600);
    let n = 0;
    try {
      for (const line of core.nhsa!.journal.exportLines({ from: values.from, to: values.to })) {
        fs.writeSync(fd, line + '\n');
        n++;
      }
    } finally {
      fs.closeSync(fd);
    }
    out(`已导出 ${n} 条（已脱敏）：${target}`);
    return 0;
  });
}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', sub, ...rest] = argv;
  switch (command) {
    case 'help':
    case '--help':
    case '-h':
      out(HELP);
      return 0;
    case 'info':
      out(
        `版本：${APP_VERSION}\n数据目录：${dataDir()}\n数据库：${dataPaths(dataDir()).dbPath}\n日志：${dataPaths(dataDir()).logDir}`,
      );
      return 0;
    case 'backup':
      return withCore(async (core) => {
        const info = await core.runBackup();
        core.log.info('cli: backup written', { file: info.file, bytes: info.bytes });
        out(`备份完成：${info.path}（${(info.bytes / 1024).toFixed(1)} KB）`);
        return 0;
      });
    case 'config':
      if (sub === 'check') return configCheck();
      break;
    case 'nhsa':
      if (sub === 'call') return nhsaCall(rest[0] ?? '', rest.slice(1));
      if (sub === 'signin' || sub === 'signout') {
        return withCore(async (core) => {
          const op = cliOperator();
          const r = sub === 'signin' ? await core.nhsa!.signIn(op, 'cli') : await core.nhsa!.signOut(op, 'cli');
          out(r ? describe(r) : '该操作员没有有效的签到');
          return r === null || r.kind === 'ok' ? 0 : 1;
        });
      }
      break;
    case 'sandbox':
      if (sub === 'start') return sandboxStart(rest);
      if (sub === 'fault') return sandboxFault(rest);
      break;
    case 'journal':
      if (sub === 'export') return journalExport(rest);
      break;
    case 'catalogue':
      if (sub === 'sync') return catalogueSync(rest);
      if (sub === 'status') return catalogueStatus();
      break;
  }
  throw new UsageError(`未知命令：${argv.join(' ')}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) err(`${e.message}\n\n${HELP}`);
    else err(`命令失败：${(e as Error).message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
