import type { HandlerContext, HandlerDef } from '../handlers';
import { refuse } from '../refusal';
import { decimalText, formatDateTime } from '../wire';
import { FAMILIES, infnosOfDataType, inventorySpec, type RecordFamily } from './families';
import { deleteBatch, insertRecord, liveBatchCount } from './ledger';
import { judgeRow } from './rules';

/**
 * The upload interfaces 3501–3507 and their batch variants. Two levels of answer (inventory.md §1): infcode -1
 * (refuse) only for envelope-level problems, which the server mostly raises itself; a business refusal is
 * infcode 0 with retRslt "0" and a Chinese msgRslt, and then nothing of it is recorded.
 *
 * - single calls and the whole-call batches (3503A, 3505A, 3506A, 3507A) answer `result {retRslt, msgRslt}`;
 *   a whole-call batch with one bad row records nothing and names the row (第N行 …);
 * - per-row batches (3501A, 3502A → invinfoErrDetail; 3504A → purcinfoErrDetail) record the good rows and list
 *   only the failed ones.
 */

type Obj = Record<string, unknown>;

const MSG_RSLT_MAX = 2000;

const text = (o: Obj, k: string): string => {
  const v = o[k];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return '';
};

const accepted = () => ({ output: { result: { retRslt: '1', msgRslt: '成功' } } });

function rejected(reason: string) {
  const msgRslt = reason.length > MSG_RSLT_MAX ? `${reason.slice(0, MSG_RSLT_MAX - 1)}…` : reason;
  return { output: { result: { retRslt: '0', msgRslt } } };
}

const rowPrefix = (i: number) => `第${i + 1}行 `;

/** The rows of a batch call; an empty list is an envelope-level fault, not a business answer. */
function batchRows(ctx: HandlerContext, listKey: string): Obj[] {
  const rows = ctx.input[listKey] as Obj[];
  if (rows.length === 0) refuse(`输入节点${listKey}不能为空列表`);
  return rows;
}

/** Writes one accepted record into the ledger, with its trace codes normalised into the stored row. */
function record(ctx: HandlerContext, fam: RecordFamily, viaInfno: string, row: Obj, traceCodes: string[]): void {
  const stored: Obj = { ...row };
  if (fam.carriesTraceCodes) stored.drugtracinfo = traceCodes.map((drug_trac_codg) => ({ drug_trac_codg }));
  const recordTime = text(row, fam.dateField);
  insertRecord(ctx.state.db, {
    fixmedins_code: ctx.fixmedinsCode,
    infno: fam.infno,
    via_infno: viaInfno,
    inv_data_type: fam.invDataType,
    fixmedins_bchno: text(row, 'fixmedins_bchno'),
    med_list_codg: text(row, 'med_list_codg'),
    fixmedins_hilist_id: text(row, 'fixmedins_hilist_id'),
    fixmedins_hilist_name: text(row, 'fixmedins_hilist_name'),
    cnt: decimalText(row[fam.countField]) ?? '',
    trdn_flag: text(row, 'trdn_flag') || null,
    record_time: recordTime,
    record_date: recordTime.slice(0, 10),
    memo: text(row, 'memo') || null,
    row: JSON.stringify(stored),
    msgid: ctx.msgid,
    opter: text(ctx.envelope, 'opter') || null,
    opter_name: text(ctx.envelope, 'opter_name') || null,
    created_at: formatDateTime(ctx.now),
  });
}

/** 3501 … 3506: one record in the node; a drugtracinfo beside it (`{selinfo, drugtracinfo}`) is accepted too. */
export function singleUpload(fam: RecordFamily): HandlerDef {
  return {
    spec: inventorySpec(fam.infno),
    run(ctx) {
      const row = ctx.input[fam.node] as Obj;
      const verdict = judgeRow(ctx, fam, row, ctx.input.drugtracinfo);
      if (!verdict.ok) return rejected(verdict.reason);
      record(ctx, fam, fam.infno, row, verdict.traceCodes);
      return accepted();
    },
  };
}

/** 3503A, 3505A, 3506A: all rows or none. */
export function wholeCallBatch(fam: RecordFamily): HandlerDef {
  const infno = `${fam.infno}A`;
  return {
    spec: inventorySpec(infno),
    run(ctx) {
      const rows = batchRows(ctx, fam.listKey);
      const verdicts = rows.map((row) => judgeRow(ctx, fam, row));
      const failures = verdicts.flatMap((v, i) => (v.ok ? [] : [rowPrefix(i) + v.reason]));
      if (failures.length) return rejected(`${failures.join('；')}（整批未接收，共${rows.length}行）`);
      rows.forEach((row, i) => {
        const v = verdicts[i]!;
        if (v.ok) record(ctx, fam, infno, row, v.traceCodes);
      });
      return accepted();
    },
  };
}

/**
 * 3501A, 3502A, 3504A: the good rows are recorded, the failed ones listed under `errKey` with the columns the
 * registry declares for that list (row keys as sent, plus retRslt "0" and msgRslt). An empty list = all accepted.
 */
export function perRowBatch(fam: RecordFamily, errKey: string): HandlerDef {
  const infno = `${fam.infno}A`;
  const spec = inventorySpec(infno);
  const errNode = spec.output.find((n) => n.node === errKey);
  if (!errNode) throw new Error(`registry spec ${infno} has no output node ${errKey}`);
  const echoed = errNode.fields.map((f) => f.name).filter((n) => n !== 'retRslt' && n !== 'msgRslt');
  return {
    spec,
    run(ctx) {
      const rows = batchRows(ctx, fam.listKey);
      const errors: Obj[] = [];
      rows.forEach((row, i) => {
        const v = judgeRow(ctx, fam, row);
        if (v.ok) {
          record(ctx, fam, infno, row, v.traceCodes);
          return;
        }
        const err: Obj = Object.fromEntries(echoed.map((k) => [k, text(row, k) || null]));
        errors.push({ ...err, retRslt: '0', msgRslt: rowPrefix(i) + v.reason });
      });
      return { output: { [errKey]: errors } };
    },
  };
}

// --- 3507 / 3507A ---------------------------------------------------------------------------------

const DATA_TYPES = '1盘存/2库存变更/3采购及采购退货/4销售及销售退货';

/** Why a deletion cannot be done, or null. Checked for every row before anything is stamped. */
function deletionProblem(ctx: HandlerContext, d: Obj): string | null {
  const bchno = text(d, 'fixmedins_bchno');
  const type = text(d, 'inv_data_type');
  if (infnosOfDataType(type).length === 0) return `进销存数据类型inv_data_type“${type}”无效（可选：${DATA_TYPES}）`;
  if (liveBatchCount(ctx.state.db, ctx.fixmedinsCode, type, bchno) === 0) {
    return `未找到批次流水号fixmedins_bchno“${bchno}”、进销存数据类型inv_data_type“${type}”的上传记录（或已删除）`;
  }
  return null;
}

function stampDeleted(ctx: HandlerContext, d: Obj): void {
  deleteBatch(
    ctx.state.db,
    ctx.fixmedinsCode,
    text(d, 'inv_data_type'),
    text(d, 'fixmedins_bchno'),
    formatDateTime(ctx.now),
    ctx.msgid,
  );
}

/**
 * 3507 withdraws every live record of that batch serial and data type (app/inventory/wire.ts: one serial per
 * till batch, so a batch's records go together); the records stay in the ledger, stamped deleted.
 */
export const deleteUpload: HandlerDef = {
  spec: inventorySpec('3507'),
  run(ctx) {
    const d = ctx.input.data as Obj;
    const problem = deletionProblem(ctx, d);
    if (problem) return rejected(problem);
    stampDeleted(ctx, d);
    return accepted();
  },
};

/** 3507A: all deletions or none. */
export const deleteUploadBatch: HandlerDef = {
  spec: inventorySpec('3507A'),
  run(ctx) {
    const rows = batchRows(ctx, 'goodDetail');
    const failures = rows.flatMap((d, i) => {
      const problem = deletionProblem(ctx, d);
      return problem ? [rowPrefix(i) + problem] : [];
    });
    if (failures.length) return rejected(`${failures.join('；')}（整批未删除，共${rows.length}行）`);
    for (const d of rows) stampDeleted(ctx, d);
    return accepted();
  },
};

export const UPLOAD_HANDLERS: Readonly<Record<string, HandlerDef>> = {
  '3501': singleUpload(FAMILIES['3501']),
  '3502': singleUpload(FAMILIES['3502']),
  '3503': singleUpload(FAMILIES['3503']),
  '3504': singleUpload(FAMILIES['3504']),
  '3505': singleUpload(FAMILIES['3505']),
  '3506': singleUpload(FAMILIES['3506']),
  '3501A': perRowBatch(FAMILIES['3501'], 'invinfoErrDetail'),
  '3502A': perRowBatch(FAMILIES['3502'], 'invinfoErrDetail'),
  '3503A': wholeCallBatch(FAMILIES['3503']),
  '3504A': perRowBatch(FAMILIES['3504'], 'purcinfoErrDetail'),
  '3505A': wholeCallBatch(FAMILIES['3505']),
  '3506A': wholeCallBatch(FAMILIES['3506']),
  '3507': deleteUpload,
  '3507A': deleteUploadBatch,
};
