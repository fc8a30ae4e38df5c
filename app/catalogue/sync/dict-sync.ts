import { z } from '../../shared/z';
import { addProblems, callFailure, checkAborted, yieldToEventLoop, type RunContext } from './context';
import { beijingDateTime } from './dates';
import { DICTIONARY_TYPES } from './definitions';
import type { QueryRow } from './store';

/**
 * 1901 字典表 (catalogue.md §2.11), one call per dictionary type. Each type is replaced as a whole in one
 * transaction, so a value the center withdrew disappears and a half-read type is never visible. A type the
 * center refuses or answers empty is reported and left as it was (regions do not all have every dictionary);
 * a lost connection stops the run.
 */

const cellSchema = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((v) => (v === null || v === undefined ? null : String(v).trim() || null));

const itemSchema = z.looseObject({
  type: cellSchema,
  label: cellSchema.refine((v) => v !== null, { message: '字典标签label不能为空' }),
  value: cellSchema.refine((v) => v !== null, { message: '字典键值value不能为空' }),
  parent_value: cellSchema.optional(),
  parentValue: cellSchema.optional(),
  sort: cellSchema.optional(),
  vali_flag: cellSchema.optional(),
  valiFlag: cellSchema.optional(),
  version: cellSchema.optional(),
});

const outputSchema = z.looseObject({ list: z.array(z.unknown()).nullish() });

export async function syncDictionaries(ctx: RunContext, types: readonly string[] = DICTIONARY_TYPES): Promise<void> {
  const { admdvs } = ctx.pharmacy();
  const today = beijingDateTime(new Date(ctx.now())).slice(0, 10);
  let done = 0;
  for (const type of types) {
    checkAborted(ctx);
    ctx.progress.update({
      phase: 'importing',
      rows: ctx.counters.rows,
      percent: Math.floor((done * 100) / types.length),
      message: `字典 ${type}`,
    });
    const r = await ctx.call('1901', { data: { type, parentValue: '', admdvs, date: today, valiFlag: '1' } });
    done++;
    if (r.kind === 'business_error') {
      ctx.report.notes.push(`字典 ${type}：医保中心返回“${r.errMsg}”，保留原有内容`);
      continue;
    }
    if (r.kind !== 'ok') throw callFailure(r, `字典 ${type} 下载（1901）`);
    const out = outputSchema.safeParse(r.output);
    const list = out.success ? (out.data.list ?? []) : [];
    const rows: QueryRow[] = [];
    list.forEach((raw, i) => {
      const p = itemSchema.safeParse(raw);
      if (!p.success) {
        const issue = p.error.issues[0]!;
        addProblems(ctx, [
          {
            file: `1901 ${type}`,
            line: i + 1,
            field: String(issue.path[0] ?? 'value'),
            message: `${issue.message}，该项已跳过`,
          },
        ]);
        ctx.counters.skipped++;
        return;
      }
      const d = p.data;
      const sort = d.sort === null || d.sort === undefined ? null : Number(d.sort);
      rows.push({
        type: d.type ?? type,
        value: d.value!,
        admdvs,
        label: d.label!,
        parent_value: d.parent_value ?? d.parentValue ?? null,
        sort: sort !== null && Number.isInteger(sort) ? sort : null,
        vali_flag: d.vali_flag ?? d.valiFlag ?? null,
        version: d.version ?? null,
      });
    });
    if (!rows.length) {
      ctx.report.notes.push(`字典 ${type}：医保中心未返回任何项，保留原有内容`);
      continue;
    }
    // Guangdong answers every dictionary whatever `type` asked for: store each under its own type.
    const byType = new Map<string, QueryRow[]>();
    for (const row of rows) {
      const t = String(row.type);
      let list = byType.get(t);
      if (!list) byType.set(t, (list = []));
      list.push(row);
    }
    for (const [t, items] of byType) ctx.store.replaceDictionary(t, admdvs, items);
    ctx.counters.rows += rows.length;
    ctx.counters.files++;
    await yieldToEventLoop();
  }
  const mark = beijingDateTime(new Date(ctx.now()));
  ctx.store.finishDictionaries({ mark, now: ctx.now() });
  ctx.mark = mark;
}
