import { CATALOGUE_INTERFACES } from '../../nhsa/registry/catalogue';
import type { InterfaceSpec } from '../../nhsa/registry/types';
import type { HandlerContext, HandlerDef } from '../handlers';
import { refuse } from '../refusal';
import { SANDBOX_ADMDVS } from '../seed';
import { formatDate, formatDateTime, isDate } from '../wire';
import { dictionary } from './dictionaries';
import { FILE_INFNOS, type FileInfno } from './generate';
import type { QueryInfno } from './paged';

/**
 * The catalogue interfaces of the sandbox center: the 13xx file downloads (served through 9102), the paged
 * queries, 1901, and the mapping upload / revoke (3301 / 3302) that 1317 reports back. Specs come from the
 * registry, so the server validates each request against the same field tables the client is built from.
 */

function spec(infno: string): InterfaceSpec {
  const s = CATALOGUE_INTERFACES.find((x) => x.infno === infno);
  if (!s) throw new Error(`no registry spec for ${infno}`);
  return s;
}

type Obj = Record<string, unknown>;
const node = (input: Obj, name: string): Obj => (input[name] ?? {}) as Obj;
const str = (o: Obj, k: string): string =>
  typeof o[k] === 'string' ? (o[k] as string).trim() : typeof o[k] === 'number' ? String(o[k]) : '';

// --- 13xx file downloads ---------------------------------------------------------------------

function fileDownload(infno: FileInfno): HandlerDef {
  return {
    spec: spec(infno),
    run(ctx) {
      const ver = str(node(ctx.input, 'data'), 'ver');
      const file = ctx.catalogues.fileAfter(infno, ver);
      // Nothing newer: an empty file reference and data_cnt 0 (catalogue.md §6; YBHI reads empty file_qury_no).
      if (!file) return { output: { file_qury_no: '', filename: '', dld_end_time: '', data_cnt: 0 } };
      const stored = ctx.catalogues.publishFile(file);
      return {
        output: {
          file_qury_no: stored.file_qury_no,
          filename: file.filename,
          dld_end_time: stored.dld_end_time,
          data_cnt: file.lines,
        },
      };
    },
  };
}

// --- paged queries ------------------------------------------------------------------------------

function page(ctx: HandlerContext, rows: readonly Obj[]) {
  const d = node(ctx.input, 'data');
  const pageNum = Number(d.page_num);
  const pageSize = Number(d.page_size);
  if (!Number.isInteger(pageNum) || pageNum < 1) refuse('当前页数page_num应为从1开始的整数');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
    refuse('本页数据量page_size应为1到5000之间的整数（沙箱中心每页最多5000条）');
  }
  const start = (pageNum - 1) * pageSize;
  const data = rows.slice(start, start + pageSize);
  const pages = Math.ceil(rows.length / pageSize);
  return {
    output: {
      firstPage: 1,
      lastPage: Math.max(1, pages),
      size: data.length,
      startRow: data.length ? start + 1 : 0,
      pageSize,
      pageNum,
      recordCounts: rows.length,
      pages,
      data,
    },
  };
}

function updtAfter(ctx: HandlerContext): string {
  return str(node(ctx.input, 'data'), 'updt_time');
}

function pagedQuery(infno: QueryInfno): HandlerDef {
  return {
    spec: spec(infno),
    run: (ctx) => page(ctx, ctx.catalogues.queryRows(infno, updtAfter(ctx))),
  };
}

/** 1317: this pharmacy's mappings as the center holds them (3301 uploads, 3302 revocations). */
const mapQuery: HandlerDef = {
  spec: spec('1317'),
  run(ctx) {
    const d = node(ctx.input, 'data');
    const fix = str(d, 'fixmedins_code');
    if (fix && fix !== ctx.fixmedinsCode) refuse(`定点医药机构编号fixmedins_code“${fix}”不是本机构`);
    const rows = ctx.state.db
      .prepare(
        `SELECT * FROM catalogue_mappings WHERE fixmedins_code = ? AND updt_time > ?
          ORDER BY updt_time, rid`,
      )
      .all(ctx.fixmedinsCode, updtAfter(ctx)) as Obj[];
    return page(
      ctx,
      rows.map((m) => ({
        fixmedins_code: m.fixmedins_code,
        medins_list_codg: m.fixmedins_hilist_id,
        medins_list_name: m.fixmedins_hilist_name,
        insu_admdvs: SANDBOX_ADMDVS,
        list_type: m.list_type,
        med_list_codg: m.med_list_codg,
        begndate: m.begndate,
        enddate: m.enddate,
        aprvno: m.aprvno,
        dosform: m.dosform,
        exct_cont: m.exct_cont,
        item_cont: m.item_cont,
        prcunt: m.prcunt,
        spec: m.spec,
        pacspec: m.pacspec,
        memo: m.memo,
        vali_flag: m.vali_flag,
        rid: m.rid,
        updt_time: m.updt_time,
        crter_id: 'SBX001',
        crter_name: '沙箱经办',
        crte_time: m.crte_time,
        crte_optins_no: SANDBOX_ADMDVS,
        opter_id: 'SBX001',
        opter_name: '沙箱经办',
        opt_time: m.updt_time,
        optins_no: SANDBOX_ADMDVS,
        poolarea_no: SANDBOX_ADMDVS,
        hilist_code: m.med_list_codg,
      })),
    );
  },
};

// --- 1901 -------------------------------------------------------------------------------------

const dictionaryDownload: HandlerDef = {
  spec: spec('1901'),
  run(ctx) {
    const type = str(node(ctx.input, 'data'), 'type');
    // An unknown type is answered with an empty list, not refused: regions differ in what they have.
    return { output: { list: dictionary(type) } };
  },
};

// --- 3301 / 3302 ------------------------------------------------------------------------------

/** Which 目录类别 a code of each catalogue may be uploaded with (catalogue.md §5.1). */
function listTypesFor(catalogue: FileInfno | '1304', code: string): string[] {
  switch (catalogue) {
    case '1301':
      return code.startsWith('Z') ? ['102'] : ['101'];
    case '1302':
      return ['103'];
    case '1306':
    case '1306A':
      return ['301'];
    case '1320':
      return ['102', '103'];
    case '1304':
      return ['105'];
    case '1309':
      return [];
  }
}

const MAX_UPLOAD_ROWS = 100;

const mappingUpload: HandlerDef = {
  spec: spec('3301'),
  run(ctx) {
    const rows = (ctx.input.data ?? []) as Obj[];
    if (rows.length === 0) refuse('目录对照上传data不能为空');
    if (rows.length > MAX_UPLOAD_ROWS)
      refuse(`目录对照上传每次最多${MAX_UPLOAD_ROWS}条（本次${rows.length}条），请分批上传`);
    const seen = new Set<string>();
    const problems: string[] = [];
    const at = formatDateTime(ctx.now);
    const existing = ctx.state.db.prepare(
      `SELECT * FROM catalogue_mappings WHERE fixmedins_code = ? AND fixmedins_hilist_id = ? AND vali_flag = '1'`,
    );
    rows.forEach((r, i) => {
      const n = `第${i + 1}条`;
      const id = str(r, 'fixmedins_hilist_id');
      const code = str(r, 'med_list_codg');
      const listType = str(r, 'list_type');
      if (seen.has(id)) problems.push(`${n}：定点医药机构目录编号“${id}”在本次上传中重复`);
      seen.add(id);
      const catalogue = ctx.catalogues.catalogueOf(code);
      if (!catalogue) {
        problems.push(`${n}：医疗目录编码“${code}”不在国家目录中，请核对编码（或先同步最新目录）`);
        return;
      }
      const allowed = listTypesFor(catalogue, code);
      if (!allowed.length) problems.push(`${n}：医疗目录编码“${code}”属于门诊慢特病种目录，不能做药品对照`);
      else if (!allowed.includes(listType)) {
        problems.push(`${n}：目录类别list_type“${listType}”与医疗目录编码“${code}”不符（应为${allowed.join('/')}）`);
      }
      const begn = str(r, 'begndate');
      const end = str(r, 'enddate');
      if (end && isDate(end) && begn > end) problems.push(`${n}：结束日期enddate早于开始日期begndate`);
      const held = existing.get(ctx.fixmedinsCode, id) as Obj | undefined;
      if (held && held.med_list_codg !== code) {
        problems.push(`${n}：“${id}”已对照到“${String(held.med_list_codg)}”，请先撤销（3302）再重新对照`);
      }
    });
    if (problems.length) {
      const shown = problems.slice(0, 3).join('；');
      refuse(`目录对照上传失败：${shown}${problems.length > 3 ? `；等共${problems.length}处问题` : ''}`.slice(0, 200));
    }
    const update = ctx.state.db.prepare(
      `UPDATE catalogue_mappings SET fixmedins_hilist_name = @name, begndate = @begndate, enddate = @enddate,
         aprvno = @aprvno, dosform = @dosform, exct_cont = @exct_cont, item_cont = @item_cont, prcunt = @prcunt,
         spec = @spec, pacspec = @pacspec, memo = @memo, updt_time = @at, msgid = @msgid WHERE rid = @rid`,
    );
    const insert = ctx.state.db.prepare(
      `INSERT INTO catalogue_mappings (rid, fixmedins_code, fixmedins_hilist_id, fixmedins_hilist_name, list_type,
         med_list_codg, begndate, enddate, aprvno, dosform, exct_cont, item_cont, prcunt, spec, pacspec, memo,
         vali_flag, crte_time, updt_time, msgid)
       VALUES (@rid, @fix, @id, @name, @list_type, @code, @begndate, @enddate, @aprvno, @dosform, @exct_cont,
         @item_cont, @prcunt, @spec, @pacspec, @memo, '1', @at, @at, @msgid)`,
    );
    for (const r of rows) {
      const id = str(r, 'fixmedins_hilist_id');
      const values = {
        name: str(r, 'fixmedins_hilist_name'),
        begndate: str(r, 'begndate') || formatDate(ctx.now),
        enddate: str(r, 'enddate') || null,
        aprvno: str(r, 'aprvno') || null,
        dosform: str(r, 'dosform') || null,
        exct_cont: str(r, 'exct_cont') || null,
        item_cont: str(r, 'item_cont') || null,
        prcunt: str(r, 'prcunt') || null,
        spec: str(r, 'spec') || null,
        pacspec: str(r, 'pacspec') || null,
        memo: str(r, 'memo') || null,
        at,
        msgid: ctx.msgid,
      };
      const held = existing.get(ctx.fixmedinsCode, id) as Obj | undefined;
      // The same mapping uploaded again is refreshed, not duplicated.
      if (held) update.run({ ...values, rid: held.rid });
      else {
        insert.run({
          ...values,
          rid: ctx.state.newId('SBXMAP', 'mapping_rid', 8),
          fix: ctx.fixmedinsCode,
          id,
          list_type: str(r, 'list_type'),
          code: str(r, 'med_list_codg'),
        });
      }
    }
    return { output: {} };
  },
};

const mappingRevoke: HandlerDef = {
  spec: spec('3302'),
  run(ctx) {
    const d = node(ctx.input, 'data');
    if (str(d, 'fixmedins_code') !== ctx.fixmedinsCode) {
      refuse(`data.fixmedins_code“${str(d, 'fixmedins_code')}”与报文头的定点医药机构编号不符`);
    }
    const id = str(d, 'fixmedins_hilist_id');
    const code = str(d, 'med_list_codg');
    const held = ctx.state.db
      .prepare(
        `SELECT * FROM catalogue_mappings WHERE fixmedins_code = ? AND fixmedins_hilist_id = ? AND med_list_codg = ?
           AND vali_flag = '1'`,
      )
      .get(ctx.fixmedinsCode, id, code) as Obj | undefined;
    if (!held) refuse(`未找到“${id}”对照到“${code}”的有效对照记录（可能已撤销）`);
    if (held.list_type !== str(d, 'list_type')) {
      refuse(`目录类别list_type“${str(d, 'list_type')}”与对照记录（${String(held.list_type)}）不符`);
    }
    ctx.state.db
      .prepare(
        `UPDATE catalogue_mappings SET vali_flag = '0', enddate = ?, updt_time = ?, revoked_msgid = ? WHERE rid = ?`,
      )
      .run(formatDate(ctx.now), formatDateTime(ctx.now), ctx.msgid, held.rid);
    return { output: {} };
  },
};

/** infno → handler, merged into the center's HANDLERS table. */
export const CATALOGUE_HANDLERS: Readonly<Record<string, HandlerDef>> = {
  ...Object.fromEntries(FILE_INFNOS.map((infno) => [infno, fileDownload(infno)])),
  '1304': pagedQuery('1304'),
  '1312': pagedQuery('1312'),
  '1317': mapQuery,
  '1318': pagedQuery('1318'),
  '1319': pagedQuery('1319'),
  '1901': dictionaryDownload,
  '3301': mappingUpload,
  '3302': mappingRevoke,
};
