import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger';
import { createDrugCatalogue, type DrugCatalogue } from './drugs';
import { createSandboxCatalogues, type SandboxCatalogueOptions, type SandboxCatalogues } from './catalogue/catalogues';
import {
  DEFAULT_BUSINESS_ERROR,
  DEFAULT_DELAY_MS,
  DEFAULT_DRIP_MS,
  faultSpecSchema,
  Faults,
  type ActiveFault,
  type FaultController,
} from './faults';
import { GatewayCheck } from './gateway';
import { HANDLERS, type HandlerResult } from './handlers';
import { boundaryOf, parseMultipart } from './multipart';
import { SandboxRefusal, refuse } from './refusal';
import { isInfnoFormat, routeOf, type Route } from './routes';
import { DEFAULT_FIXMEDINS_CODE, DEFAULT_FIXMEDINS_NAME, SANDBOX_ADMDVS } from './seed';
import { SandboxState, type SandboxInspector, type SignInRow } from './state';
import { ENVELOPE_FIELDS, checkFields, problemsMessage, validateInput } from './validate';
import { formatMillis, isCompactDateTime, toJson } from './wire';

/**
 * The built-in sandbox insurance center (沙箱医保中心): a real HTTP server on 127.0.0.1 that speaks the
 * NHSA envelope protocol with its own SQLite state — for training mode, demos and the client's tests.
 * It is written from the shared notes and the registry's field specs only, never from the client's
 * code, so that a client which merely agrees with itself is caught. Rules and wire choices:
 * app/sandbox/README.md.
 */

export interface SandboxOptions {
  /** its own SQLite file (created and seeded on first start; seeding is deterministic) */
  dbPath: string;
  /** 0 or absent = a random free port */
  port?: number;
  log: Logger;
  /** when set, requests must carry valid x-tif headers for this paasid/token (else a gateway refusal, HTTP 401) */
  gateway?: { paasid: string; token: string; maxSkewSeconds?: number };
  /** the pharmacy it serves; default P11010000001 */
  fixmedinsCode?: string;
  /** that pharmacy's registered name, as 1201 answers it; default 沙箱培训大药房 */
  fixmedinsName?: string;
  /** where 2101/2102 look items up by med_list_codg; default SANDBOX_DRUGS */
  catalogue?: DrugCatalogue;
  /** the generated national catalogues: size, file row cap, cache folder (app/sandbox/catalogue) */
  catalogues?: SandboxCatalogueOptions;
  now?: () => Date;
}

export interface Sandbox {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** same operations as the admin endpoint */
  faults: FaultController;
  /** read-only views of the center's state, for tests */
  inspect: SandboxInspector;
  /** the national catalogues: publish a newer version, damage the next file, read what a full sync holds */
  catalogues: SandboxCatalogues;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const HUGE_BYTES = 10 * 1024 * 1024;
const JSON_TYPE = 'application/json;charset=utf-8';

interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
  /** the JSON envelope, when the reply is one (faults rewrite it) */
  envelope?: Record<string, unknown>;
  /** for the log line */
  infcode?: 0 | -1;
  errMsg?: string | null;
}

interface ParsedRequest {
  envelope?: Record<string, unknown>;
  /** why the body could not be read as an envelope */
  error?: string;
  /** multipart 9101: the file part's bytes */
  fileBytes?: Buffer;
  multipart?: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonText(body: Uint8Array): ParsedRequest {
  let text: string;
  try {
    text = utf8.decode(body).replace(/^\uFEFF/, '');
  } catch {
    return { error: '请求报文不是合法的UTF-8编码' };
  }
  if (!text.trim()) return { error: '请求报文为空' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: '请求报文不是合法的JSON' };
  }
  return isObject(value) ? { envelope: value } : { error: '请求报文应为JSON对象' };
}

function parseRequest(contentType: string | undefined, body: Buffer): ParsedRequest {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('multipart/form-data')) {
    const boundary = boundaryOf(contentType ?? '');
    if (!boundary) return { error: 'multipart/form-data缺少boundary', multipart: true };
    let parts;
    try {
      parts = parseMultipart(body, boundary);
    } catch {
      return { error: 'multipart/form-data报文格式错误', multipart: true };
    }
    const json = parts.find((p) => p.name === 'jsonStr');
    if (!json) return { error: 'multipart上传缺少jsonStr部分（报文JSON）', multipart: true };
    const parsed = parseJsonText(json.data);
    const file = parts.find((p) => p.name === 'file' || p.name === 'in');
    return { ...parsed, multipart: true, ...(file ? { fileBytes: file.data } : {}) };
  }
  if (ct === '' || ct.startsWith('application/json') || ct.startsWith('text/plain')) return parseJsonText(body);
  return { error: `不支持的Content-Type“${contentType}”，请使用application/json` };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does the input carry a psn_no (at the top or in one of its nodes)? Then insuplc_admdvs is required. */
function carriesPsnNo(input: Record<string, unknown>): boolean {
  if (!blank(input.psn_no)) return true;
  return Object.values(input).some((v) =>
    Array.isArray(v) ? v.some((row) => isObject(row) && !blank(row.psn_no)) : isObject(v) && !blank(v.psn_no),
  );
}

/** The protocol side: from a parsed request to a reply, with all effects in one transaction. */
class Center {
  private refSerial = 0;

  constructor(
    private readonly state: SandboxState,
    private readonly log: Logger,
    private readonly now: () => Date,
    private readonly fixmedinsCode: string,
    private readonly fixmedinsName: string,
    private readonly catalogue: DrugCatalogue,
    private readonly catalogues: SandboxCatalogues,
  ) {}

  private envelopeReply(
    receivedAt: Date,
    admdvs: unknown,
    infcode: 0 | -1,
    errMsg: string | null,
    output: unknown,
  ): Reply {
    const region = typeof admdvs === 'string' && /^\d{6}$/.test(admdvs) ? admdvs : SANDBOX_ADMDVS;
    this.refSerial = (this.refSerial + 1) % 1e10;
    const envelope: Record<string, unknown> = {
      infcode,
      warn_msg: null,
      cainfo: null,
      err_msg: errMsg,
      refmsg_time: formatMillis(receivedAt),
      signtype: null,
      respond_time: formatMillis(this.now()),
      inf_refmsgid: `${region}${formatMillis(receivedAt).slice(0, 14)}${String(this.refSerial).padStart(10, '0')}`,
      output,
    };
    return {
      status: 200,
      contentType: JSON_TYPE,
      body: Buffer.from(toJson(envelope), 'utf8'),
      envelope,
      infcode,
      errMsg,
    };
  }

  fail(message: string, receivedAt: Date, admdvs?: unknown, status = 200): Reply {
    return { ...this.envelopeReply(receivedAt, admdvs, -1, message, null), status };
  }

  process(route: Route, req: ParsedRequest, forcedError: string | null): Reply {
    const receivedAt = this.now();
    if (req.error || !req.envelope) return this.fail(req.error ?? '请求报文为空', receivedAt);
    const env = req.envelope;
    const admdvs = env.mdtrtarea_admvs;
    const fail = (m: string) => this.fail(m, receivedAt, admdvs);

    const infno = typeof env.infno === 'string' ? env.infno.trim() : '';
    if (!infno) return fail('交易编号infno不能为空');
    if (!isInfnoFormat(infno)) return fail(`交易编号infno“${infno}”不存在`);
    if (route.kind === 'service' && route.infno !== infno) {
      return fail(`报文中的交易编号${infno}与服务路径对应的交易${route.infno}不符`);
    }
    const handler = HANDLERS[infno];
    if (!handler) return fail(`沙箱暂不支持该交易（${infno}）`);
    if (req.multipart && infno !== '9101') return fail('只有文件上传（9101）可以使用multipart/form-data');

    const fix = typeof env.fixmedins_code === 'string' ? env.fixmedins_code.trim() : '';
    if (!fix) return fail('定点医药机构编号fixmedins_code不能为空');
    if (fix !== this.fixmedinsCode) {
      return fail(`定点医药机构编号fixmedins_code“${fix}”不是本沙箱中心服务的机构（${this.fixmedinsCode}）`);
    }
    const msgid = typeof env.msgid === 'string' ? env.msgid : '';
    if (!msgid.trim()) return fail('发送方报文ID msgid不能为空');
    const m = new RegExp(`^${escapeRegExp(fix)}(\\d{14})\\d{4}$`).exec(msgid);
    if (msgid.length > 30 || !m || !isCompactDateTime(m[1]!)) {
      return fail('发送方报文ID msgid格式错误：应为定点医药机构编号+yyyyMMddHHmmss+4位顺序号，最长30位');
    }
    if (this.state.msgidSeen(fix, msgid)) return fail(`报文ID重复：${msgid}`);

    // From here on the msgid counts as received: a refusal is recorded, so it cannot be reused.
    try {
      const envProblems = checkFields(env, ENVELOPE_FIELDS, '');
      if (envProblems.length) refuse(problemsMessage(envProblems, '报文头校验失败：'));
      if (!/^\d{6}$/.test(String(env.mdtrtarea_admvs))) refuse('就医地医保区划mdtrtarea_admvs应为6位数字');
      if (!blank(env.enc_type)) refuse('沙箱中心不支持报文加密（enc_type），请关闭加密后重试');

      let signIn: SignInRow | null = null;
      if (!handler.withoutSignIn) {
        const signNo = typeof env.sign_no === 'string' ? env.sign_no.trim() : '';
        if (!signNo) refuse('交易签到流水号sign_no不能为空，请先签到（9001）');
        const row = this.state.signInRow(signNo);
        if (!row || row.fixmedins_code !== fix) refuse(`签到流水号sign_no“${signNo}”无效，请重新签到`);
        if (row.signed_out_at) refuse('签到流水号sign_no已签退，请重新签到');
        if (row.opter !== String(env.opter).trim()) {
          refuse(`签到流水号sign_no不属于经办人“${String(env.opter)}”，请使用本人签到得到的流水号`);
        }
        signIn = row;
      }

      let input: unknown = env.input;
      if (typeof input === 'string') {
        try {
          input = JSON.parse(input);
        } catch {
          refuse('交易输入input不是合法的JSON');
        }
      }
      if (req.multipart && isObject(input)) {
        const node = isObject(input.fsUploadIn) ? input.fsUploadIn : {};
        if (req.fileBytes) node.in = req.fileBytes;
        input = { ...input, fsUploadIn: node };
      }
      const problems = validateInput(handler.spec, input);
      if (problems.length) refuse(problemsMessage(problems));
      const inputObj = input as Record<string, unknown>;
      if (carriesPsnNo(inputObj)) {
        if (blank(env.insuplc_admdvs)) refuse('参保地医保区划insuplc_admdvs不能为空：交易输入含人员编号psn_no时必填');
        if (!/^\d{6}$/.test(String(env.insuplc_admdvs))) refuse('参保地医保区划insuplc_admdvs应为6位数字');
      }
      if (forcedError !== null) refuse(forcedError);

      const result: HandlerResult = this.state.tx(() => {
        this.state.recordMessage(fix, msgid, infno, 0, null);
        return handler.run({
          state: this.state,
          envelope: env,
          input: inputObj,
          msgid,
          fixmedinsCode: fix,
          fixmedinsName: this.fixmedinsName,
          signIn,
          now: receivedAt,
          catalogue: this.catalogue,
          catalogues: this.catalogues,
        });
      });
      if ('file' in result) {
        return {
          status: 200,
          contentType: 'application/octet-stream',
          body: result.file,
          headers: { 'content-disposition': `attachment; filename="${encodeURIComponent(result.filename)}"` },
          infcode: 0,
          errMsg: null,
        };
      }
      return this.envelopeReply(receivedAt, admdvs, 0, null, result.output);
    } catch (e) {
      let message: string;
      if (e instanceof SandboxRefusal) {
        message = e.message;
      } else {
        this.log.error('sandbox: handler failed', { infno, msgid, error: e });
        message = '沙箱中心内部错误，请查看沙箱日志';
      }
      try {
        this.state.recordMessage(fix, msgid, infno, -1, message);
      } catch (recordError) {
        this.log.error('sandbox: could not record a refused msgid', { msgid, error: recordError });
      }
      return fail(message);
    }
  }
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function garbageOf(body: Buffer): Buffer {
  // A truncated reply followed by bytes no JSON parser accepts: a client that "finds" infcode in it
  // with a regex instead of parsing would be caught.
  return Buffer.concat([
    body.subarray(0, Math.floor(body.length / 3)),
    Buffer.from([0x00, 0xff, 0xfe]),
    Buffer.from('<html>garbage</html>'),
  ]);
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const now = opts.now ?? (() => new Date());
  const log = opts.log.child({ component: 'sandbox' });
  const state = SandboxState.open(opts.dbPath, log, now);
  const catalogues = createSandboxCatalogues(state, opts.catalogues ?? {}, opts.dbPath, now);
  const faults = new Faults();
  const gateway = opts.gateway ? new GatewayCheck(opts.gateway, now) : null;
  const center = new Center(
    state,
    log,
    now,
    opts.fixmedinsCode ?? DEFAULT_FIXMEDINS_CODE,
    opts.fixmedinsName ?? DEFAULT_FIXMEDINS_NAME,
    opts.catalogue ?? createDrugCatalogue(),
    catalogues,
  );
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closing) fn();
    }, ms);
    timers.add(t);
  };

  const write = (res: http.ServerResponse, reply: Reply) => {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(reply.status, {
      'content-type': reply.contentType,
      'content-length': String(reply.body.length),
      ...reply.headers,
    });
    res.end(reply.body);
  };

  const writeJson = (res: http.ServerResponse, status: number, value: unknown) => {
    write(res, { status, contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(value), 'utf8') });
  };

  const drip = (res: http.ServerResponse, reply: Reply, everyMs: number) => {
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': String(reply.body.length) });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i >= reply.body.length) {
        res.end();
        return;
      }
      res.write(reply.body.subarray(i, i + 1));
      i += 1;
      later(everyMs, next);
    };
    next();
  };

  /** The reply as a fault reshapes it, on the wire. */
  const deliver = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    reply: Reply,
    fault: ActiveFault | undefined,
  ) => {
    switch (fault?.mode) {
      case 'delay':
        later(fault.delayMs ?? DEFAULT_DELAY_MS, () => write(res, reply));
        return;
      case 'drop_after_commit':
        req.socket.destroy();
        return;
      case 'garbage':
        write(res, { status: 200, contentType: JSON_TYPE, body: garbageOf(reply.body) });
        return;
      case 'slow_drip':
        drip(res, reply, fault.delayMs ?? DEFAULT_DRIP_MS);
        return;
      case 'no_infcode': {
        if (!reply.envelope) break;
        const rest = { ...reply.envelope };
        delete rest.infcode;
        write(res, { ...reply, body: Buffer.from(toJson(rest), 'utf8') });
        return;
      }
      case 'huge': {
        const envelope = reply.envelope ?? { infcode: 0, err_msg: null, output: null };
        const padded = { ...envelope, warn_msg: 'x'.repeat(HUGE_BYTES) };
        write(res, { status: 200, contentType: JSON_TYPE, body: Buffer.from(toJson(padded), 'utf8') });
        return;
      }
      default:
        break;
    }
    write(res, reply);
  };

  const admin = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.headers['x-sandbox-admin'] !== '1') {
      writeJson(res, 403, { error: '需要请求头 x-sandbox-admin: 1' });
      return;
    }
    if (req.method === 'GET') {
      writeJson(res, 200, { faults: faults.list() });
    } else if (req.method === 'DELETE') {
      faults.clear();
      writeJson(res, 200, { faults: [] });
    } else if (req.method === 'POST') {
      let value: unknown;
      try {
        value = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
      } catch {
        writeJson(res, 400, { error: '请求体应为JSON：{mode, infno?, count?, delayMs?, message?}' });
        return;
      }
      const parsed = faultSpecSchema.safeParse(value);
      if (!parsed.success) {
        writeJson(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        return;
      }
      const fault = faults.inject(parsed.data);
      log.info('sandbox: fault injected', { ...fault });
      writeJson(res, 200, { fault, faults: faults.list() });
    } else {
      res.setHeader('allow', 'GET, POST, DELETE');
      writeJson(res, 405, { error: '仅支持GET、POST、DELETE' });
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = Date.now();
    const route = routeOf(req.url ?? '/');
    if (route.kind === 'admin') return admin(req, res);
    if (route.kind === 'unknown') {
      write(res, center.fail(`服务路径不存在：${(req.url ?? '').split('?')[0]}`, now(), undefined, 404));
      return;
    }
    if (req.method !== 'POST') {
      write(res, { ...center.fail('仅支持POST请求', now(), undefined, 405), headers: { allow: 'POST' } });
      return;
    }
    if (gateway) {
      const why = gateway.check(req.headers);
      if (why) {
        // Not an NHSA envelope: the gateway answers before the platform sees the request. The shape
        // follows the vendor-proxy replies the notes mention ({code, msg}); the client must treat any
        // non-200 as a transport failure anyway.
        log.warn('sandbox: gateway refused', { reason: why });
        writeJson(res, 401, { code: '401', msg: `网关鉴权失败：${why}` });
        return;
      }
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch {
      write(res, { ...center.fail('请求报文过大', now(), undefined, 413), headers: { connection: 'close' } });
      return;
    }
    const parsed = parseRequest(req.headers['content-type'], body);
    const envInfno = typeof parsed.envelope?.infno === 'string' ? parsed.envelope.infno.trim() : null;
    const infno = route.kind === 'service' ? route.infno : envInfno;
    const fault = faults.take(infno);
    const msgid = typeof parsed.envelope?.msgid === 'string' ? parsed.envelope.msgid : undefined;
    if (fault) log.info('sandbox: fault applies', { mode: fault.mode, infno, msgid });

    if (fault?.mode === 'drop_before_commit') {
      req.socket.destroy();
      return;
    }
    if (fault?.mode === 'hang') return;
    if (fault?.mode === 'http_500') {
      write(res, {
        status: 500,
        contentType: 'text/html;charset=utf-8',
        body: Buffer.from('<html><body><h1>500 Internal Server Error</h1></body></html>', 'utf8'),
      });
      return;
    }
    const forced = fault?.mode === 'business_error' ? (fault.message ?? DEFAULT_BUSINESS_ERROR) : null;
    const reply = center.process(route, parsed, forced);
    log.info('sandbox: call', {
      infno,
      msgid,
      infcode: reply.infcode,
      err_msg: reply.errMsg ?? undefined,
      ms: Date.now() - started,
    });
    deliver(req, res, reply, fault);
  };

  const server = http.createServer((req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handle(req, res).catch((e: unknown) => {
      log.error('sandbox: request failed', { error: e });
      if (!res.headersSent && !res.destroyed) {
        write(res, center.fail('沙箱中心内部错误，请查看沙箱日志', now(), undefined, 500));
      } else {
        res.destroy();
      }
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  log.info('sandbox: listening', { url });

  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    faults,
    inspect: state.inspect,
    catalogues,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => {
          state.close();
          log.info('sandbox: closed');
          resolve();
        });
        // hanging and keep-alive connections would hold close() forever
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

export type { FaultController, FaultMode, FaultSpec, ActiveFault } from './faults';
export type { SandboxInspector, SettlementRecord } from './state';
