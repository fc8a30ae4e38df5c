import { withNormalSync, type Db } from '../db/connection';
import type { Logger } from '../core/logger';
import { AUTH_SCHEMES } from './auth-schemes';
import { beijingDateTime } from './beijing-time';
import { postOnce, type TransportOutcome } from './http-transport';
import type { Journal } from './journal';
import { createMsgidAllocator } from './msgid';
import { profileById, type RegionProfile } from './profiles';
import { CODESETS, interfaceSpec, type InterfaceSpec } from './registry';
import { checkInput, checkOutput, type FieldProblemBilingual } from './validate';
import { buildMultipart } from './multipart';

/** Where and as whom the client talks; read fresh for every call so a settings change applies at once. */
export interface NhsaConfig {
  baseUrl: string;
  profile: string;
  paasid: string;
  token: string;
  fixmedinsCode: string;
  fixmedinsName: string;
  /** 就医地医保区划 (mdtrtarea_admvs) */
  admdvs: string;
  recerSysCode: string;
  infver: string;
  timeoutSeconds: number;
  /** per-interface overrides, e.g. { '9102': 300 } */
  timeoutOverrides: Record<string, number>;
}

export interface NhsaOperator {
  /** operators.id; null for a CLI operator that is not in the table */
  id: number | null;
  /** 经办人 as registered with the center */
  opter: string;
  opterName: string;
  /** 1 经办人, 2 自助终端, 3 移动终端 */
  opterType?: '1' | '2' | '3';
}

export interface CallContext {
  operator: NhsaOperator;
  /** 参保地医保区划 of the person, required whenever the input carries psn_no */
  insuplcAdmdvs?: string | null;
  /** what started the call, kept in the journal: 'app', 'cli', 'reversal', 'sandbox' … */
  source?: string;
  /** file bytes for 9101 (sent as the profile's upload variant) */
  file?: { name: string; bytes: Uint8Array };
  /**
   * What the call belongs to, e.g. `sale:42`, written into the journal row in the same transaction that
   * allocates the msgid: after a crash the owner finds its call (and so its outcome) by this, even though the
   * msgid was never handed back to it.
   */
  ref?: string;
}

/**
 * The three kinds of failure stay apart all the way to the screen:
 *  - business_error: the center answered and refused (infcode ≠ 0): show err_msg;
 *  - not_sent: nothing reached the center (bad input, no connection): safe to fix and retry;
 *  - unknown: the request may have been processed but no valid answer came back: a 2102/2103
 *    is reversed, anything else is re-queried or retried by the caller.
 */
export type NhsaResult =
  | { kind: 'ok'; infno: string; msgid: string; output: Record<string, unknown>; file?: Buffer; warnings: string[] }
  | { kind: 'business_error'; infno: string; msgid: string; infcode: string; errMsg: string }
  | { kind: 'not_sent'; infno: string; msgid: string | null; reason: string; problems?: FieldProblemBilingual[] }
  | { kind: 'unknown'; infno: string; msgid: string; reason: string };

export interface NhsaClientDeps {
  db: Db;
  journal: Journal;
  log: Logger;
  config: () => NhsaConfig;
  now?: () => Date;
  /** the sign_no of an operator's live 9001, or null; sign-in itself is the session module's job */
  signNoOf: (operator: NhsaOperator) => string | null;
  /** a reversible call ended in an unknown outcome: queue its 2601 (done in the journal transaction) */
  onUnknownReversible?: (r: {
    msgid: string;
    infno: string;
    psnNo: string;
    insuplcAdmdvs: string | null;
    operatorId: number | null;
  }) => void;
}

const MAX_JSON_REPLY = 8 * 1024 * 1024;
const MAX_FILE_REPLY = 512 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
const MSGID_MAX = 30;

function findPsnNo(input: unknown): string | null {
  if (!input || typeof input !== 'object') return null;
  for (const node of Object.values(input as Record<string, unknown>)) {
    const row = Array.isArray(node) ? node[0] : node;
    if (row && typeof row === 'object' && typeof (row as Record<string, unknown>).psn_no === 'string') {
      return (row as Record<string, string>).psn_no!;
    }
  }
  return null;
}

/** Rules the field table can only state in words. */
function conditionalProblems(spec: InterfaceSpec, input: Record<string, unknown>): FieldProblemBilingual[] {
  if (spec.infno === '1101') {
    const data = input.data as Record<string, unknown> | undefined;
    if (data?.mdtrt_cert_type === '03' && !data.card_sn) {
      return [
        {
          path: 'input.data.card_sn',
          zh: '使用社会保障卡时必须提供卡识别码（card_sn）',
          en: 'card_sn: required when mdtrt_cert_type is 03',
        },
      ];
    }
  }
  return [];
}

function configProblems(c: NhsaConfig): string | null {
  if (!c.baseUrl) return '未配置医保接口地址';
  if (!c.fixmedinsCode) return '未设置定点医药机构编号（设置 → 药店信息）';
  // msgid = code + yyyyMMddHHmmss + 4 digits, C 30 (transport.md §1): a longer code cannot make one.
  if (c.fixmedinsCode.length + 18 > MSGID_MAX) {
    return `定点医药机构编号 ${c.fixmedinsCode} 过长：报文ID（机构编号+14位时间+4位顺序号）不能超过 ${MSGID_MAX} 位，请核对机构编号（设置 → 药店信息）`;
  }
  if (!c.admdvs) return '未设置就医地医保区划（设置 → 药店信息）';
  return null;
}

export function parseInfcode(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return String(Number(value));
  return null;
}

export function createNhsaClient(deps: NhsaClientDeps) {
  const { db, journal, log } = deps;
  const now = deps.now ?? (() => new Date());
  const msgids = createMsgidAllocator(db);

  /**
   * A reversible call (2102/2103) must be on disk before it leaves, even against a power cut
   * (synchronous=FULL, the connection's default). For every other call a process crash is what
   * the journal must survive, and WAL with synchronous=NORMAL does that at a tenth of the cost.
   */
  function durably<T>(full: boolean, fn: () => T): T {
    return full ? fn() : withNormalSync(db, fn);
  }

  const beginCall = db.transaction(
    (row: Parameters<Journal['begin']>[0] & { fixmedinsCode: string; at: Date }): string => {
      const msgid = msgids.next(row.fixmedinsCode, row.at);
      (row.request as Record<string, unknown>).msgid = msgid;
      journal.begin({ ...row, msgid });
      return msgid;
    },
  );
  const completeCall = db.transaction(
    (
      msgid: string,
      r: Parameters<Journal['complete']>[1],
      reversal: Parameters<NonNullable<NhsaClientDeps['onUnknownReversible']>>[0] | null,
    ) => {
      journal.complete(msgid, r);
      if (reversal) deps.onUnknownReversible?.(reversal);
    },
  );

  /** Everything that can refuse a call before anything is written or sent. */
  function precheck(
    infno: string,
    input: Record<string, unknown>,
    ctx: CallContext,
  ): Extract<NhsaResult, { kind: 'not_sent' }> | null {
    const spec = interfaceSpec(infno);
    if (!spec) return { kind: 'not_sent', infno, msgid: null, reason: `未知的交易编号 ${infno}` };
    const configProblem = configProblems(deps.config());
    if (configProblem) return { kind: 'not_sent', infno, msgid: null, reason: configProblem };

    // A 9101's bytes may come in ctx.file (sent as the profile's upload variant): they are its `in`.
    const checked = ctx.file ? withFileInput(input, ctx.file.bytes) : input;
    const problems = [...checkInput(spec, checked, CODESETS), ...conditionalProblems(spec, input)];
    if (findPsnNo(input) && !ctx.insuplcAdmdvs) {
      problems.push({
        path: 'insuplc_admdvs',
        zh: '缺少参保地医保区划（insuplc_admdvs）：请先读卡获取人员信息',
        en: 'insuplc_admdvs: required when the input carries psn_no',
      });
    }
    if (!problems.length) return null;
    log.warn('nhsa: input refused before sending', { infno, problems: problems.map((p) => p.en) });
    return {
      kind: 'not_sent',
      infno,
      msgid: null,
      reason: `输入数据不符合接口规范：${problems.map((p) => p.zh).join('；')}`,
      problems,
    };
  }

  async function call(infno: string, input: Record<string, unknown>, ctx: CallContext): Promise<NhsaResult> {
    const refused = precheck(infno, input, ctx);
    if (refused) return refused;
    const spec = interfaceSpec(infno)!;
    const config = deps.config();
    const psnNo = findPsnNo(input);

    const signNo = infno === '9001' ? '' : deps.signNoOf(ctx.operator);
    if (signNo === null) return { kind: 'not_sent', infno, msgid: null, reason: '操作员尚未在医保中心签到' };

    let profile: RegionProfile;
    try {
      profile = profileById(config.profile);
    } catch {
      return { kind: 'not_sent', infno, msgid: null, reason: `未知的地区接口方案：${config.profile}` };
    }

    const at = now();
    const wireInput = renameNodes(profile, infno, input);
    const envelope: Record<string, unknown> = {
      infno,
      msgid: '',
      mdtrtarea_admvs: config.admdvs,
      insuplc_admdvs: psnNo ? ctx.insuplcAdmdvs : '',
      recer_sys_code: config.recerSysCode,
      dev_no: '',
      dev_safe_info: '',
      cainfo: '',
      signtype: '',
      infver: config.infver,
      opter_type: ctx.operator.opterType ?? '1',
      opter: ctx.operator.opter,
      opter_name: ctx.operator.opterName,
      inf_time: beijingDateTime(at),
      fixmedins_code: config.fixmedinsCode,
      fixmedins_name: config.fixmedinsName,
      sign_no: signNo,
      input: wireInput,
    };

    // The call is on disk before a single byte leaves: a crash from here on is recoverable.
    const critical = spec.reversible === true;
    const msgid = durably(critical, () =>
      // IMMEDIATE: the msgid sequence is read then written; as a deferred transaction, a write by
      // another process on the same file (the CLI, a second till) made it fail with SQLITE_BUSY.
      beginCall.immediate({
        msgid: '',
        infno,
        operatorId: ctx.operator.id,
        opter: ctx.operator.opter,
        psnNo,
        insuplcAdmdvs: ctx.insuplcAdmdvs ?? null,
        request: envelope,
        startedAt: at.getTime(),
        source: ctx.source ?? 'app',
        ref: ctx.ref ?? null,
        fixmedinsCode: config.fixmedinsCode,
        at,
      }),
    );

    const { body, contentType } = encodeBody(profile, envelope, ctx.file);
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      Accept: 'application/json, application/octet-stream',
      ...AUTH_SCHEMES[profile.auth]({ paasid: config.paasid, token: config.token, now: at }),
    };
    const timeoutMs = (config.timeoutOverrides[infno] ?? config.timeoutSeconds) * 1000;
    const started = performance.now();
    const outcome = await postOnce({
      url: config.baseUrl.replace(/\/+$/, '') + profile.pathFor(infno),
      headers,
      body,
      connectTimeoutMs: Math.min(CONNECT_TIMEOUT_MS, timeoutMs),
      totalTimeoutMs: timeoutMs,
      maxResponseBytes: spec.file === 'download' ? MAX_FILE_REPLY : MAX_JSON_REPLY,
    });
    const result = interpret(spec, msgid, outcome);
    const durationMs = performance.now() - started;

    const reversal =
      result.kind === 'unknown' && spec.reversible && psnNo
        ? { msgid, infno, psnNo, insuplcAdmdvs: ctx.insuplcAdmdvs ?? null, operatorId: ctx.operator.id }
        : null;
    durably(critical, () =>
      completeCall.immediate(
        msgid,
        {
          finishedAt: now().getTime(),
          durationMs,
          outcome: result.kind === 'ok' ? 'ok' : result.kind,
          infcode: result.kind === 'ok' ? '0' : result.kind === 'business_error' ? result.infcode : null,
          errMsg: result.kind === 'business_error' ? result.errMsg : result.kind === 'ok' ? null : result.reason,
          response: responseForJournal(outcome),
          warnings: result.kind === 'ok' ? result.warnings : [],
        },
        reversal,
      ),
    );
    const level = result.kind === 'ok' ? 'info' : result.kind === 'unknown' ? 'error' : 'warn';
    log[level]('nhsa: call', {
      infno,
      msgid,
      kind: result.kind,
      ms: Math.round(durationMs),
      ...(result.kind === 'business_error' ? { infcode: result.infcode, errMsg: result.errMsg } : {}),
      ...(result.kind === 'unknown' || result.kind === 'not_sent' ? { reason: result.reason } : {}),
      ...(reversal ? { reversalQueued: true } : {}),
    });
    return result;
  }

  return { call, precheck };
}

export type NhsaClient = ReturnType<typeof createNhsaClient>;

function renameNodes(profile: RegionProfile, infno: string, input: Record<string, unknown>): Record<string, unknown> {
  const renames = profile.nodeOverrides?.[infno]?.input;
  if (!renames) return input;
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [renames[k] ?? k, v]));
}

function encodeBody(
  profile: RegionProfile,
  envelope: Record<string, unknown>,
  file: CallContext['file'],
): { body: Buffer; contentType: string } {
  if (file && profile.fileUpload === 'multipart') {
    return buildMultipart(
      [{ name: 'jsonStr', value: JSON.stringify(withFile(envelope, undefined)) }],
      [{ name: profile.multipartFilePart ?? 'file', filename: file.name, bytes: file.bytes }],
    );
  }
  const withContent = file ? withFile(envelope, Buffer.from(file.bytes).toString('base64')) : envelope;
  return { body: Buffer.from(JSON.stringify(withContent), 'utf8'), contentType: profile.contentType };
}

/** The input as validated when the file travels in ctx.file: fsUploadIn.in stands for those bytes. */
function withFileInput(input: Record<string, unknown>, bytes: Uint8Array): Record<string, unknown> {
  const up = input.fsUploadIn;
  if (!up || typeof up !== 'object' || Array.isArray(up)) return input;
  const node = up as Record<string, unknown>;
  if (node.in !== undefined && node.in !== null && node.in !== '') return input;
  return { ...input, fsUploadIn: { ...node, in: bytes } };
}

/** 9101 carries the bytes in fsUploadIn.in (base64) or in a multipart part (then `in` stays out). */
function withFile(envelope: Record<string, unknown>, base64: string | undefined): Record<string, unknown> {
  const input = envelope.input as Record<string, Record<string, unknown>>;
  const up = input.fsUploadIn;
  if (!up) return envelope;
  const next = { ...up };
  if (base64 === undefined) delete next.in;
  else next.in = base64;
  return { ...envelope, input: { ...input, fsUploadIn: next } };
}

function interpret(spec: InterfaceSpec, msgid: string, o: TransportOutcome): NhsaResult {
  const infno = spec.infno;
  if (o.kind === 'not_sent') return { kind: 'not_sent', infno, msgid, reason: o.reason };
  if (o.kind === 'unknown') return { kind: 'unknown', infno, msgid, reason: o.reason };
  if (o.status === 401 || o.status === 403) {
    // The gateway authenticates before it forwards anything: the business service never saw it.
    return {
      kind: 'not_sent',
      infno,
      msgid,
      reason: `医保网关拒绝访问（HTTP ${o.status}）：${gatewayMessage(o.body)}。请检查 paasid、token 和本机时间`,
    };
  }
  if (o.status !== 200) {
    return { kind: 'unknown', infno, msgid, reason: `医保中心返回 HTTP ${o.status}，交易结果未知` };
  }
  // 9102 answers with the file itself; an error comes back as the JSON envelope.
  if (spec.file === 'download' && o.body.subarray(0, 2).toString('latin1') === 'PK') {
    return { kind: 'ok', infno, msgid, output: {}, file: o.body, warnings: [] };
  }
  let reply: unknown;
  try {
    reply = JSON.parse(o.body.toString('utf8'));
  } catch {
    const head = o.body.subarray(0, 60).toString('utf8').replace(/\s+/g, ' ');
    return { kind: 'unknown', infno, msgid, reason: `医保中心的应答不是有效的 JSON（${head}…），交易结果未知` };
  }
  if (!reply || typeof reply !== 'object' || Array.isArray(reply)) {
    return { kind: 'unknown', infno, msgid, reason: '医保中心的应答格式不正确，交易结果未知' };
  }
  const r = reply as Record<string, unknown>;
  const infcode = parseInfcode(r.infcode);
  if (infcode === null) {
    return { kind: 'unknown', infno, msgid, reason: '医保中心的应答缺少 infcode，交易结果未知' };
  }
  if (infcode !== '0') {
    const errMsg =
      typeof r.err_msg === 'string' && r.err_msg.trim()
        ? r.err_msg.trim()
        : `医保中心返回失败（infcode ${infcode}），未给出原因`;
    return { kind: 'business_error', infno, msgid, infcode, errMsg };
  }
  if (spec.file === 'download') {
    return { kind: 'unknown', infno, msgid, reason: '文件下载的应答既不是文件也不是错误信息' };
  }
  const output = r.output && typeof r.output === 'object' ? (r.output as Record<string, unknown>) : {};
  const warnings = checkOutput(spec, output, CODESETS).map((p) => `${p.path}: ${p.en}`);
  if (typeof r.warn_msg === 'string' && r.warn_msg.trim()) warnings.unshift(`warn_msg: ${r.warn_msg.trim()}`);
  return { kind: 'ok', infno, msgid, output, warnings };
}

function gatewayMessage(body: Buffer): string {
  try {
    const j = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const m = j.msg ?? j.message ?? j.err_msg;
    if (typeof m === 'string' && m.trim()) return m.trim().slice(0, 200);
  } catch {
    /* not JSON: fall through */
  }
  return body.toString('utf8').replace(/\s+/g, ' ').slice(0, 120) || '无说明';
}

function responseForJournal(o: TransportOutcome): unknown {
  if (o.kind !== 'response') return undefined;
  if (o.body.subarray(0, 2).toString('latin1') === 'PK') return { file: `[zip ${o.body.length} 字节]` };
  const text = o.body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { status: o.status, notJson: text.slice(0, 500) };
  }
}
