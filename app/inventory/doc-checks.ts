import { validateTraceCode, type TraceCodeOptions } from '../shared/codes';
import { AppError, type FieldProblem } from '../shared/errors';
import { formatQty } from '../shared/inventory';
import type { Role } from '../shared/roles';
import type { z } from '../shared/z';
import { zodProblems } from '../shared/zod-problems';
import { TRACE_STATE_LABELS, type TraceRegistry } from './trace-registry';

/**
 * The checks a stock document's lines go through before anything is written, with messages a receiver
 * understands: each names the line, the product and the batch (第2行 阿莫西林胶囊 批号 B123：缺少有效期). All
 * problems of a document are collected and reported together, so a long delivery note is fixed in one pass.
 */

export class Problems {
  readonly list: FieldProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  /** Throws every problem at once (the message lists them, the fields point at each). */
  throwIfAny(): void {
    if (!this.any) return;
    throw new AppError('INVALID_INPUT', this.list.map((p) => p.message).join('；'), { fields: this.list });
  }
}

export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export interface UnitFacts {
  unit: string;
  splitUnit: string | null;
  splitFactor: number | null;
}

export const qtyText = (qtyBase: number, p: UnitFacts): string => formatQty(qtyBase, p);

/**
 * Dates of a batch coming in (receiving, or a change that creates a batch): expiry present and real, not before
 * the production date, not past; production date real and not in the future.
 */
export function checkBatchDates(
  problems: Problems,
  path: string,
  label: string,
  a: { mfgDate: string; expiryDate?: string },
  today: string,
): boolean {
  const before = problems.list.length;
  if (!isRealDate(a.mfgDate)) problems.add(`${path}.mfgDate`, `${label}：生产日期 ${a.mfgDate} 不是有效日期`);
  else if (a.mfgDate > today) problems.add(`${path}.mfgDate`, `${label}：生产日期 ${a.mfgDate} 晚于今天`);
  const e = a.expiryDate ?? '';
  if (e === '') problems.add(`${path}.expiryDate`, `${label}：缺少有效期`);
  else if (!isRealDate(e)) problems.add(`${path}.expiryDate`, `${label}：有效期 ${e} 不是有效日期`);
  else if (isRealDate(a.mfgDate) && e < a.mfgDate) {
    problems.add(`${path}.expiryDate`, `${label}：有效期 ${e} 早于生产日期 ${a.mfgDate}`);
  } else if (e < today) problems.add(`${path}.expiryDate`, `${label}：已过期（有效期至 ${e}），不能入库`);
  return problems.list.length === before;
}

export interface CheckedCode {
  code: string;
  key: string;
}

/**
 * Trace codes of one line, checked against the format, the document (a box is scanned once) and the registry.
 * `incoming`: goods come in — a code the pharmacy already holds is refused (one left earlier by a return or a
 * change may come back). Outgoing: goods leave — a known code must be of this product and batch and still on
 * the shelf; an unknown one is accepted (stock from before the system) and recorded as gone.
 */
export function checkTraceCodes(
  ctx: { problems: Problems; traces: TraceRegistry; options: TraceCodeOptions; seen: Map<string, number> },
  line: {
    index: number;
    path: string;
    label: string;
    raw: readonly string[];
    /** boxes the line moves: no more codes than that */
    boxes: number;
    productId: number;
    batchId: number | null;
    direction: 'in' | 'out';
  },
): CheckedCode[] {
  const { problems, traces } = ctx;
  const out: CheckedCode[] = [];
  line.raw.forEach((raw, j) => {
    const path = `${line.path}.traceCodes.${j}`;
    const v = validateTraceCode(raw, ctx.options);
    if (!v.ok) {
      problems.add(path, `${line.label}：追溯码 ${raw.trim()} 格式不正确：${v.reason}`);
      return;
    }
    const first = ctx.seen.get(v.key);
    if (first !== undefined) {
      const where = first === line.index ? '本行' : `第${first + 1}行`;
      problems.add(path, `${line.label}：追溯码 ${v.code} 在本单重复（${where}已有）`);
      return;
    }
    ctx.seen.set(v.key, line.index);
    const known = traces.get(v.key);
    if (line.direction === 'in') {
      if (known && known.state !== 'out') {
        problems.add(
          path,
          `${line.label}：追溯码 ${v.code} 已登记（${known.product_name} 批号 ${known.batch_no}，${TRACE_STATE_LABELS[known.state]}），同一盒药不能重复入库`,
        );
        return;
      }
      // a box that left may come back (a transfer returned, a supplier's replacement) — as the same product only
      if (known && known.product_id !== line.productId) {
        problems.add(path, `${line.label}：追溯码 ${v.code} 出库前属于 ${known.product_name}，不是本行的商品`);
        return;
      }
    } else if (known) {
      if (known.product_id !== line.productId || (line.batchId !== null && known.batch_id !== line.batchId)) {
        problems.add(
          path,
          `${line.label}：追溯码 ${v.code} 入库时属于${known.product_id === line.productId ? '' : `${known.product_name} `}批号 ${known.batch_no}，不是本行的批次`,
        );
        return;
      }
      if (known.state === 'sold' || known.state === 'out') {
        problems.add(path, `${line.label}：追溯码 ${v.code} ${TRACE_STATE_LABELS[known.state]}，不在库中`);
        return;
      }
    }
    out.push({ code: v.code, key: v.key });
  });
  if (line.raw.length > line.boxes) {
    problems.add(
      `${line.path}.traceCodes`,
      `${line.label}：追溯码 ${line.raw.length} 个，多于本行的 ${line.boxes} 个最小包装（每盒一个码）`,
    );
  }
  return out;
}

/** A schema-checked input (the channel checked it already; a direct caller gets the same messages). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields = zodProblems(r.error);
  throw new AppError('INVALID_INPUT', fields.map((f) => f.message).join('；'), { fields });
}

export const isManager = (roles: readonly Role[]): boolean => roles.includes('manager') || roles.includes('admin');
