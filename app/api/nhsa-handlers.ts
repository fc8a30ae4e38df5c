import fs from 'node:fs';
import path from 'node:path';
import type {
  InsuranceBackendState,
  NhsaJournalRow,
  NhsaReversalRow,
  NhsaStatus,
  PharmacyInfoRow,
  PractitionerRow,
  SessionOperator,
} from '../shared/contract';
import { AppError } from '../shared/errors';
import { maskIdNumber } from '../shared/mask';
import type { AuditLog } from '../auth/audit';
import type { JournalRow } from '../nhsa/journal';
import { interfaceSpec } from '../nhsa/registry';
import type { ReversalRow } from '../nhsa/reversal';
import { toNhsaOperator, type NhsaService } from '../nhsa/service';
import type { NhsaResult } from '../nhsa/client';
import type { HandlerContext, Handlers } from './dispatch';

type NhsaChannels =
  | 'nhsa.status'
  | 'nhsa.signIn'
  | 'nhsa.journal'
  | 'nhsa.journalExport'
  | 'nhsa.reversals'
  | 'nhsa.reverse'
  | 'nhsa.pharmacyInfo'
  | 'nhsa.practitioners';

export interface NhsaHandlerDeps {
  nhsa: NhsaService | null;
  audit: AuditLog;
  exportDir: string;
  now: () => number;
}

export function backendState(nhsa: NhsaService | null): InsuranceBackendState {
  if (!nhsa) return { kind: 'none', label: '未连接医保：医保服务未能启动' };
  const c = nhsa.connection;
  const healthy = c.lastKind !== 'not_sent' && c.lastKind !== 'unknown';
  if (nhsa.sandbox) {
    return {
      kind: 'sandbox',
      healthy,
      label: healthy ? '培训模式：内置沙箱医保中心' : `培训模式：沙箱连接异常（${c.lastError ?? ''}）`,
    };
  }
  const endpoint = nhsa.config().baseUrl;
  let host = endpoint;
  try {
    host = new URL(endpoint).host;
  } catch {
    /* shown as configured */
  }
  return {
    kind: 'remote',
    endpoint,
    healthy,
    label: healthy ? `医保中心 ${host}` : `医保连接异常：${c.lastError ?? ''}`,
  };
}

export function nhsaStatus(nhsa: NhsaService | null, operator: SessionOperator | null): NhsaStatus {
  const c = nhsa?.connection;
  return {
    backend: backendState(nhsa),
    signedIn: nhsa && operator ? nhsa.signins.signNoOf(toNhsaOperator(operator)) !== null : false,
    pendingReversals: nhsa ? nhsa.reversals.pendingCount() : 0,
    lastCall: c?.lastKind && c.lastAt ? { kind: c.lastKind, at: c.lastAt, error: c.lastError } : null,
  };
}

function journalRow(r: JournalRow): NhsaJournalRow {
  return {
    id: r.id,
    msgid: r.msgid,
    infno: r.infno,
    infname: interfaceSpec(r.infno)?.name ?? '',
    opter: r.opter,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    outcome: r.outcome,
    infcode: r.infcode,
    errMsg: r.errMsg,
    request: r.request,
    response: r.response,
    warnings: r.warnings,
    source: r.source,
  };
}

function reversalRow(r: ReversalRow): NhsaReversalRow {
  return {
    omsgid: r.omsgid,
    oinfno: r.oinfno,
    state: r.state,
    reason: r.reason,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastError: r.lastError,
    createdAt: r.createdAt,
    doneAt: r.doneAt,
  };
}

/** A result the screen can act on: the center's refusal, or why nothing was sent, in Chinese. */
export function requireOk(r: NhsaResult): Extract<NhsaResult, { kind: 'ok' }> {
  if (r.kind === 'ok') return r;
  if (r.kind === 'business_error')
    throw new AppError('NHSA_REFUSED', `医保中心返回：${r.errMsg}`, { logDetail: { msgid: r.msgid } });
  if (r.kind === 'not_sent') {
    throw new AppError('NHSA_NOT_SENT', r.reason, {
      fields: r.problems?.map((p) => ({ path: p.path, message: p.zh })),
      logDetail: { infno: r.infno },
    });
  }
  throw new AppError('NHSA_UNKNOWN', `${r.reason}。请稍后在“医保接口日志”中核对。`, { logDetail: { msgid: r.msgid } });
}

function rows(output: Record<string, unknown>, ...nodes: string[]): Record<string, unknown>[] {
  for (const n of nodes) {
    const v = output[n];
    if (Array.isArray(v)) return v as Record<string, unknown>[];
    if (v && typeof v === 'object') return [v as Record<string, unknown>];
  }
  return [];
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function createNhsaHandlers(deps: NhsaHandlerDeps): Pick<Handlers, NhsaChannels> {
  const need = (): NhsaService => {
    if (!deps.nhsa) throw new AppError('NHSA_NOT_SENT', '医保服务未能启动，请查看日志');
    return deps.nhsa;
  };
  const who = (ctx: HandlerContext) => ({
    operatorId: ctx.session.operator?.id ?? null,
    operatorName: ctx.session.operator?.username ?? null,
    screen: ctx.screen,
  });
  const opOf = (ctx: HandlerContext) => toNhsaOperator(ctx.session.operator!);

  return {
    'nhsa.status': (ctx) => nhsaStatus(deps.nhsa, ctx.session.operator),

    'nhsa.signIn': async (ctx) => {
      requireOk(await need().signIn(opOf(ctx)));
      return nhsaStatus(deps.nhsa, ctx.session.operator);
    },

    'nhsa.journal': (_ctx, q) => {
      const { rows: list, total } = need().journal.list(q);
      return { rows: list.map(journalRow), total };
    },

    'nhsa.journalExport': (ctx, q) => {
      fs.mkdirSync(deps.exportDir, { recursive: true });
      const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, '-');
      const file = path.join(deps.exportDir, `nhsa-journal-${stamp}.jsonl`);
      const fd = fs.openSync(file, 'w', 0o600);
      let count = 0;
      try {
        for (const line of need().journal.exportLines(q)) {
          fs.writeSync(fd, line + '\n');
          count++;
        }
      } finally {
        fs.closeSync(fd);
      }
      deps.audit.record({
        ...who(ctx),
        action: 'nhsa.journal_export',
        detail: { file: path.basename(file), rows: count },
      });
      return { path: file, rows: count };
    },

    'nhsa.reversals': (_ctx, { state }) => need().reversals.list(state).map(reversalRow),

    'nhsa.reverse': async (ctx, { msgid }) => {
      const nhsa = need();
      const original = nhsa.journal.list({ msgid, limit: 1, offset: 0 }).rows[0];
      if (!original) throw new AppError('NOT_FOUND', `找不到报文ID为 ${msgid} 的交易`);
      if (original.infno !== '2102' && original.infno !== '2103') {
        throw new AppError('CONFLICT', `只能冲正药店结算（2102）或结算撤销（2103），该报文是 ${original.infno}`);
      }
      if (!original.psnNo) throw new AppError('CONFLICT', '原交易缺少人员编号，无法冲正');
      const insuplc = (original.request as { insuplc_admdvs?: string } | null)?.insuplc_admdvs ?? null;
      const row = await nhsa.reversals.reverseNow({
        omsgid: msgid,
        oinfno: original.infno,
        psnNo: original.psnNo,
        insuplcAdmdvs: insuplc,
        operatorId: ctx.session.operator!.id,
      });
      deps.audit.record({
        ...who(ctx),
        action: 'nhsa.reverse',
        outcome: row.state === 'done' ? 'ok' : 'failed',
        detail: { omsgid: msgid, oinfno: original.infno, lastError: row.lastError },
      });
      return reversalRow(row);
    },

    'nhsa.pharmacyInfo': async (ctx, q) => {
      const r = requireOk(
        await need().call(
          '1201',
          {
            medinsinfo: {
              fixmedins_type: '2',
              fixmedins_code: q.fixmedins_code ?? '',
              fixmedins_name: q.fixmedins_name ?? '',
            },
          },
          { operator: opOf(ctx) },
        ),
      );
      return rows(r.output, 'medinsinfo').map((x): PharmacyInfoRow => ({
        fixmedins_code: String(x.fixmedins_code ?? ''),
        fixmedins_name: String(x.fixmedins_name ?? ''),
        fixmedins_type: String(x.fixmedins_type ?? ''),
        uscc: str(x.uscc),
        hosp_lv: str(x.hosp_lv),
      }));
    },

    'nhsa.practitioners': async (ctx, q) => {
      const r = requireOk(
        await need().call(
          '5102',
          {
            data: {
              prac_psn_type: q.prac_psn_type,
              prac_psn_name: q.prac_psn_name ?? '',
              prac_psn_code: q.prac_psn_code ?? '',
            },
          },
          { operator: opOf(ctx) },
        ),
      );
      // The output node is disputed (feedetail in HSA/GZ, data in NT-WIN): read either.
      return rows(r.output, 'feedetail', 'data').map((x): PractitionerRow => ({
        prac_psn_code: String(x.prac_psn_code ?? ''),
        prac_psn_name: String(x.prac_psn_name ?? ''),
        prac_psn_type: String(x.prac_psn_type ?? ''),
        prac_cert_no: str(x.prac_cert_no),
        // The screen tells pharmacists apart by name and code, not by their ID numbers.
        certno: maskIdNumber(String(x.certno ?? '')),
        begntime: str(x.begntime),
        endtime: str(x.endtime),
      }));
    },
  };
}
