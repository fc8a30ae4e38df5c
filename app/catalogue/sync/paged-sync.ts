import { z } from '../../shared/z';
import { yuanToFen } from '../../shared/money';
import { addProblems, callFailure, checkAborted, yieldToEventLoop, type RunContext } from './context';
import { normaliseDate, normaliseDateTime, shiftDateTime } from './dates';
import { INITIAL_UPDT_TIME, PAGE_SIZE, type PagedCatalogueDef } from './definitions';
import { MAX_PROBLEMS, SyncFailure, type RowProblem } from './errors';
import type { QueryRow } from './store';

/**
 * The paged queries (catalogue.md §1.5): 1304, 1312, 1317, 1318, 1319. Ask for rows updated after the local
 * mark, page by page; each page is upserted in its own transaction (a row is complete on its own, and upserting
 * it again later is harmless), and the mark moves only after the last page — a run that breaks off asks again
 * from the old mark, so nothing is missed and nothing is doubled.
 *
 * The mark is the highest updt_time seen. It is sent back one second earlier: update times have whole seconds,
 * so a row changed in the same second as the last one read, after that read, would be missed by a center
 * that compares with >; whether it uses > or >= is not documented. Re-reading that second's rows is harmless
 * (they are upserted), missing one is not.
 */

const MAX_PAGES = 10_000;

/** A cell of a reply row: text, a number (amounts come as JSON numbers), or nothing. */
const cellSchema = z
  .union([z.string(), z.number(), z.boolean(), z.null(), z.undefined()])
  .transform((v) => (v === null || v === undefined ? null : String(v).trim() || null));

const required = (label: string) =>
  cellSchema.refine((v): v is string => v !== null, { message: `${label}不能为空` }) as z.ZodType<string, unknown>;

const wrapperSchema = z.looseObject({
  data: z.union([z.array(z.record(z.string(), z.unknown())), z.string(), z.null()]).optional(),
  pages: cellSchema.optional(),
  recordCounts: cellSchema.optional(),
});

type Cells = Record<string, string | null>;

/** A cell of a parsed row; absent fields read as null. */
const g = (c: Cells, k: string): string | null => c[k] ?? null;

interface RowRule {
  /** the fields read (others are kept in the row JSON only) */
  schema: z.ZodType<Cells, unknown>;
  /** the field named in a problem about the row as a whole */
  key: string;
  toRow(c: Cells, raw: Record<string, unknown>): QueryRow;
}

function rowSchema(requiredFields: Record<string, string>, optional: readonly string[]): z.ZodType<Cells, unknown> {
  const shape: Record<string, z.ZodType<string | null, unknown>> = {};
  for (const [k, label] of Object.entries(requiredFields)) shape[k] = required(label);
  for (const k of optional) shape[k] = cellSchema;
  return z.looseObject(shape) as unknown as z.ZodType<Cells, unknown>;
}

const COMMON = ['insu_admdvs', 'begndate', 'enddate', 'vali_flag', 'updt_time'] as const;

const RULES: Record<PagedCatalogueDef['id'], RowRule> = {
  '1312': {
    key: 'hilist_code',
    schema: rowSchema({ hilist_code: '医保目录编码' }, [
      ...COMMON,
      'hilist_name',
      'chrgitm_lv',
      'med_chrgitm_type',
      'lmt_used_flag',
      'list_type',
    ]),
    toRow: (c, raw) => ({
      hilist_code: g(c, 'hilist_code')!,
      insu_admdvs: g(c, 'insu_admdvs') ?? '',
      begndate: g(c, 'begndate') ?? '',
      enddate: g(c, 'enddate'),
      hilist_name: g(c, 'hilist_name'),
      chrgitm_lv: g(c, 'chrgitm_lv'),
      med_chrgitm_type: g(c, 'med_chrgitm_type'),
      lmt_used_flag: g(c, 'lmt_used_flag'),
      list_type: g(c, 'list_type'),
      vali_flag: g(c, 'vali_flag'),
      updt_time: g(c, 'updt_time'),
      row: JSON.stringify(raw),
    }),
  },
  '1317': {
    key: 'medins_list_codg',
    schema: rowSchema({ medins_list_codg: '定点医药机构目录编号', med_list_codg: '医疗目录编码' }, [
      ...COMMON,
      'list_type',
    ]),
    toRow: (c, raw) => ({
      medins_list_codg: g(c, 'medins_list_codg')!,
      med_list_codg: g(c, 'med_list_codg')!,
      begndate: g(c, 'begndate') ?? '',
      enddate: g(c, 'enddate'),
      list_type: g(c, 'list_type'),
      insu_admdvs: g(c, 'insu_admdvs'),
      vali_flag: g(c, 'vali_flag'),
      updt_time: g(c, 'updt_time'),
      row: JSON.stringify(raw),
    }),
  },
  '1318': {
    key: 'hilist_code',
    schema: rowSchema({ hilist_code: '医保目录编码' }, [
      ...COMMON,
      'hilist_lmtpric_type',
      'overlmt_dspo_way',
      'hilist_pric_uplmt_amt',
    ]),
    toRow: (c, raw) => ({
      hilist_code: g(c, 'hilist_code')!,
      hilist_lmtpric_type: g(c, 'hilist_lmtpric_type') ?? '',
      insu_admdvs: g(c, 'insu_admdvs') ?? '',
      begndate: g(c, 'begndate') ?? '',
      enddate: g(c, 'enddate'),
      overlmt_dspo_way: g(c, 'overlmt_dspo_way'),
      // Checked before toRow: a cap that is not a whole number of fen is reported and stored as NULL.
      pric_uplmt_fen: g(c, 'hilist_pric_uplmt_amt') === null ? null : yuanToFen(g(c, 'hilist_pric_uplmt_amt')),
      vali_flag: g(c, 'vali_flag'),
      updt_time: g(c, 'updt_time'),
      row: JSON.stringify(raw),
    }),
  },
  '1319': {
    key: 'hilist_code',
    schema: rowSchema({ hilist_code: '医保目录编码' }, [
      ...COMMON,
      'selfpay_prop_psn_type',
      'selfpay_prop_type',
      'selfpay_prop',
    ]),
    toRow: (c, raw) => ({
      hilist_code: g(c, 'hilist_code')!,
      selfpay_prop_psn_type: g(c, 'selfpay_prop_psn_type') ?? '',
      selfpay_prop_type: g(c, 'selfpay_prop_type') ?? '',
      insu_admdvs: g(c, 'insu_admdvs') ?? '',
      begndate: g(c, 'begndate') ?? '',
      enddate: g(c, 'enddate'),
      selfpay_prop: g(c, 'selfpay_prop'),
      vali_flag: g(c, 'vali_flag'),
      updt_time: g(c, 'updt_time'),
      row: JSON.stringify(raw),
    }),
  },
  '1304': {
    key: 'med_list_codg',
    schema: rowSchema({ med_list_codg: '医疗目录编码', ver: '版本号' }, [
      'drug_genname',
      'drug_prodname',
      'drug_spec',
      'dosform',
      'otc_flag',
      'pinyin',
      'vali_flag',
      'updt_time',
    ]),
    toRow: (c, raw) => ({
      catalogue: '1304',
      code: g(c, 'med_list_codg')!,
      name: g(c, 'drug_genname') ?? g(c, 'drug_prodname') ?? '',
      trade_name: g(c, 'drug_prodname'),
      spec: g(c, 'drug_spec'),
      dosform: g(c, 'dosform'),
      manufacturer: null,
      aprvno: null,
      otc_flag: g(c, 'otc_flag'),
      chrgitm_lv: null,
      pinyin: g(c, 'pinyin'),
      vali_flag: g(c, 'vali_flag'),
      ver: g(c, 'ver')!,
      updt_time: g(c, 'updt_time'),
      // a query row has no file order: the row object as received is what is kept
      cols: JSON.stringify(raw),
    }),
  },
};

/** Dates to the stored forms; a present but unreadable one makes the row unusable. */
function normaliseDates(c: Cells): string | null {
  for (const f of ['begndate', 'enddate'] as const) {
    const v = c[f];
    if (v === null || v === undefined) continue;
    const d = normaliseDate(v);
    if (d === null) return f;
    c[f] = d;
  }
  const t = c.updt_time;
  if (t !== null && t !== undefined) {
    const d = normaliseDateTime(t);
    if (d === null) return 'updt_time';
    c.updt_time = d;
  }
  return null;
}

export async function syncPagedCatalogue(ctx: RunContext, def: PagedCatalogueDef): Promise<void> {
  const rule = RULES[def.id];
  const stored = ctx.store.state(def.id)?.max_updt_time;
  const from = stored ? shiftDateTime(stored, -1) : INITIAL_UPDT_TIME;
  let mark: string | null = null;
  let seen = 0;
  const extra: Record<string, string> = def.id === '1317' ? { fixmedins_code: ctx.pharmacy().fixmedinsCode } : {};

  for (let page = 1; ; page++) {
    checkAborted(ctx);
    if (page > MAX_PAGES) {
      throw new SyncFailure(
        `${def.name}超过 ${MAX_PAGES} 页仍未结束，已停止`,
        `catalogue ${def.id}: more than ${MAX_PAGES} pages`,
      );
    }
    const r = await ctx.call(def.id, { data: { ...extra, updt_time: from, page_num: page, page_size: PAGE_SIZE } });
    if (r.kind !== 'ok') throw callFailure(r, `${def.name}查询（${def.id}）第 ${page} 页`);
    const w = wrapperSchema.safeParse(r.output);
    if (!w.success) {
      throw new SyncFailure(
        `${def.id} 第 ${page} 页的应答格式不正确`,
        `catalogue ${def.id}: page ${page} malformed: ${w.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    const data = w.data.data ?? [];
    if (typeof data === 'string') {
      // HSA saw `data` come back as an error text instead of rows (catalogue.md §6).
      throw new SyncFailure(`${def.name}查询第 ${page} 页失败：${data}`, `catalogue ${def.id}: page ${page}: ${data}`);
    }

    const rows: QueryRow[] = [];
    const problems: RowProblem[] = [];
    data.forEach((raw, i) => {
      const line = (page - 1) * PAGE_SIZE + i + 1;
      const where = `${def.id} 第 ${page} 页`;
      const parsed = rule.schema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        problems.push({
          file: where,
          line,
          field: String(issue.path[0] ?? rule.key),
          message: `${issue.message}，该行已跳过`,
        });
        return;
      }
      const c = { ...parsed.data };
      const badDate = normaliseDates(c);
      if (badDate) {
        problems.push({ file: where, line, field: badDate, message: `日期“${String(raw[badDate])}”无效，该行已跳过` });
        return;
      }
      if (def.id === '1318' && c.hilist_pric_uplmt_amt !== null && yuanToFen(c.hilist_pric_uplmt_amt) === null) {
        problems.push({
          file: where,
          line,
          field: 'hilist_pric_uplmt_amt',
          message: `限价金额“${c.hilist_pric_uplmt_amt}”不能换算为整分，已保存该行但不记限价`,
        });
      }
      rows.push(rule.toRow(c, raw));
      if (c.updt_time && (mark === null || c.updt_time > mark)) mark = c.updt_time;
    });
    addProblems(ctx, problems.slice(0, MAX_PROBLEMS), Math.max(0, problems.length - MAX_PROBLEMS));
    ctx.counters.skipped += data.length - rows.length;
    if (rows.length) ctx.counters.rows += ctx.store.upsertQueryPage(def.id, rows);
    seen += data.length;
    if (data.length) ctx.counters.files++;

    const total = w.data.recordCounts ? Number(w.data.recordCounts) : NaN;
    const pages = w.data.pages ? Number(w.data.pages) : NaN;
    ctx.progress.update({
      phase: 'importing',
      rows: ctx.counters.rows,
      percent: Number.isFinite(total) && total > 0 ? Math.min(100, Math.floor((seen * 100) / total)) : null,
      message: `第 ${page} 页`,
    });
    const last = data.length < PAGE_SIZE || (Number.isFinite(pages) && page >= pages);
    if (last) break;
    await yieldToEventLoop();
  }

  checkAborted(ctx);
  const total = ctx.store.finishQuery({ catalogue: def.id, mark, now: ctx.now() });
  if (mark) ctx.mark = mark;
  ctx.log.info('catalogue: query synced', { catalogue: def.id, from, mark, seen, total });
}
