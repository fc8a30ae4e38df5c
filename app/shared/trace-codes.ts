/**
 * Per-sale trace-code (追溯码) bookkeeping: how many codes a cart line needs, whether a newly scanned
 * code may be attached, and what is still missing before settlement. Pure; messages are for the cashier.
 *
 * Rules from the notes (domain/regulation-and-peers.md §0, §2.5; nhsa/inventory.md §5):
 * - one code per minimum sale package (one scan per box);
 * - a box's code belongs to one sale only; a repeat suggests counterfeit, resold (回流药) or substituted
 *   drugs;
 * - 拆零 (split-pack, trdn_flag = 1): the NHSA rule was NOT found. Choice (the notes' inference): a split
 *   line carries the code of each box its units come from, once, and the same box's code may appear
 *   again in later split sales of that box — but never after the box was sold whole.
 */
import { validateTraceCode, type TraceCodeOptions, type TraceCodeFormat } from './codes';

export interface TraceCodeEntry {
  /** normalised code as it will be stored, printed and uploaded */
  code: string;
  /** identity of the physical pack (see traceCodeKey) */
  key: string;
  format: TraceCodeFormat;
}

export interface TraceLine {
  lineId: string;
  productName: string;
  /** whole minimum sale packages, or split units (e.g. tablets) when `split` */
  quantity: number;
  /** 拆零 sale */
  split: boolean;
  /** split units in one minimum sale package; lets a split line know how many boxes it spans */
  unitsPerPackage?: number;
  /** false for goods that carry no code (non-drugs, stock in the 无码库) */
  traceRequired: boolean;
  /** GTIN-14s of the product's barcodes, to catch a GS1 code from a different product */
  gtins?: readonly string[];
  codes: readonly TraceCodeEntry[];
}

export interface TraceRequirement {
  min: number;
  max: number;
  /** set when the quantity itself is wrong for a trace-coded line */
  problem?: string;
}

/** Whether this sale must collect codes at all, from the `trace.required_for_*` settings. */
export function traceCollectionRequired(
  settlement: 'insurance' | 'selfpay',
  settings: { requiredForInsurance: boolean; requiredForSelfpay: boolean },
): boolean {
  return settlement === 'insurance' ? settings.requiredForInsurance : settings.requiredForSelfpay;
}

/**
 * Codes a line needs. Whole packages: exactly one per package. Split: one per box the units are taken
 * from — at least ceil(quantity / unitsPerPackage), and one more is allowed because the first units
 * may come from a box opened in an earlier sale.
 */
export function traceCodeRequirement(line: TraceLine): TraceRequirement {
  if (!line.traceRequired || line.quantity <= 0) return { min: 0, max: 0 };
  if (!line.split) {
    if (!Number.isInteger(line.quantity)) {
      const n = Math.ceil(line.quantity);
      return { min: n, max: n, problem: `${line.productName}：整盒销售数量应为整数，拆零请按拆零销售` };
    }
    return { min: line.quantity, max: line.quantity };
  }
  const per = line.unitsPerPackage;
  if (per && per > 0) {
    const boxes = Math.max(1, Math.ceil(line.quantity / per - 1e-9));
    return { min: boxes, max: boxes + 1 };
  }
  // Without the pack size the box count is unknown; one unit per box is the most there can be.
  return { min: 1, max: Math.max(1, Math.ceil(line.quantity)) };
}

function lineLabel(lines: readonly TraceLine[], lineId: string): string {
  const i = lines.findIndex((l) => l.lineId === lineId);
  const line = lines[i];
  return line ? `第${i + 1}行（${line.productName}）` : '其他行';
}

export type AddTraceCodeResult =
  | { ok: true; entry: TraceCodeEntry; warnings: string[] }
  | {
      ok: false;
      reason: 'invalid' | 'duplicate' | 'line_full' | 'not_required' | 'wrong_product';
      message: string;
      /** for a duplicate: the line that already holds the code */
      otherLineId?: string;
    };

/**
 * Decides whether a scanned code may be attached to `target`. Checks format, duplicates anywhere in the
 * sale (by pack identity, so a GS1 code read with its AIs in another order still counts), and whether
 * the line already has all the codes it can take.
 */
export function checkNewTraceCode(
  raw: string,
  target: TraceLine,
  lines: readonly TraceLine[],
  options: TraceCodeOptions,
): AddTraceCodeResult {
  const v = validateTraceCode(raw, options);
  if (!v.ok) return { ok: false, reason: 'invalid', message: v.reason };
  const entry: TraceCodeEntry = { code: v.code, key: v.key, format: v.format };

  for (const line of lines) {
    if (line.codes.some((c) => c.key === entry.key)) {
      const where = line.lineId === target.lineId ? '本行' : lineLabel(lines, line.lineId);
      return {
        ok: false,
        reason: 'duplicate',
        message: `该追溯码已在${where}扫过，同一盒药只需扫一次`,
        otherLineId: line.lineId,
      };
    }
  }

  if (!target.traceRequired) {
    return { ok: false, reason: 'not_required', message: `${target.productName}无需扫追溯码` };
  }

  if (v.gs1?.gtin && target.gtins && target.gtins.length > 0 && !target.gtins.includes(v.gs1.gtin)) {
    return {
      ok: false,
      reason: 'wrong_product',
      message: `追溯码中的商品编码与${target.productName}的条码不一致，请确认扫的是这个药`,
    };
  }

  const need = traceCodeRequirement(target);
  if (target.codes.length >= need.max) {
    const unit = target.split ? '（拆零）' : '';
    return {
      ok: false,
      reason: 'line_full',
      message: `${target.productName}${unit}最多需要${need.max}个追溯码，已扫满，请先修改数量`,
    };
  }
  return { ok: true, entry, warnings: v.warnings };
}

export type TraceIssue =
  | { kind: 'missing'; lineId: string; missing: number; message: string }
  | { kind: 'too_many'; lineId: string; extra: number; message: string }
  | { kind: 'duplicate'; lineIds: string[]; code: string; message: string }
  | { kind: 'bad_quantity'; lineId: string; message: string };

export interface SaleTraceCheck {
  /** nothing blocks settlement */
  complete: boolean;
  issues: TraceIssue[];
  /** codes still missing over the whole sale (for a "还差 N 个" badge) */
  missing: number;
}

/**
 * Final check before settlement. `required` comes from traceCollectionRequired(); when false, missing
 * codes are not issues, but duplicates and surplus codes still are (they would be uploaded).
 */
export function checkSaleTraceCodes(lines: readonly TraceLine[], required: boolean): SaleTraceCheck {
  const issues: TraceIssue[] = [];
  let missing = 0;
  const seen = new Map<string, { lineIds: string[]; code: string }>();

  for (const line of lines) {
    const need = traceCodeRequirement(line);
    if (need.problem) issues.push({ kind: 'bad_quantity', lineId: line.lineId, message: need.problem });
    const have = line.codes.length;
    if (required && have < need.min) {
      const n = need.min - have;
      missing += n;
      issues.push({
        kind: 'missing',
        lineId: line.lineId,
        missing: n,
        message: `${lineLabel(lines, line.lineId)}还差${n}个追溯码（已扫${have}个，需${need.min}个）`,
      });
    }
    if (have > need.max) {
      const n = have - need.max;
      issues.push({
        kind: 'too_many',
        lineId: line.lineId,
        extra: n,
        message:
          need.max === 0
            ? `${lineLabel(lines, line.lineId)}不需要追溯码，请删除已扫的${have}个`
            : `${lineLabel(lines, line.lineId)}多扫了${n}个追溯码（最多${need.max}个），请删除多余的`,
      });
    }
    for (const c of line.codes) {
      const entry = seen.get(c.key) ?? { lineIds: [], code: c.code };
      entry.lineIds.push(line.lineId);
      seen.set(c.key, entry);
    }
  }

  for (const { lineIds, code } of seen.values()) {
    if (lineIds.length < 2) continue;
    const where = [...new Set(lineIds)].map((id) => lineLabel(lines, id)).join('、');
    issues.push({
      kind: 'duplicate',
      lineIds,
      code,
      message: `追溯码 ${code} 在本单中重复出现（${where}），同一盒药只能扫一次`,
    });
  }

  return { complete: issues.length === 0, issues, missing };
}

/** An earlier use of a code, as found in the local ledger (or a 3513 query). */
export interface PriorTraceUse {
  split: boolean;
  /** display time, e.g. "2026-03-01 10:22" */
  soldAt: string;
  saleNo?: string;
  /** the sale was returned, so the box is back in stock */
  returned?: boolean;
}

export type PriorUseCheck = { ok: true; warnings: string[] } | { ok: false; message: string };

/**
 * Judges a code against earlier sales. A box sold whole cannot be sold again; a box that was split
 * may be split again (see the 拆零 choice at the top) but no longer sold whole.
 */
export function checkPriorUse(currentSplit: boolean, uses: readonly PriorTraceUse[]): PriorUseCheck {
  const live = uses.filter((u) => !u.returned);
  const ref = (u: PriorTraceUse) => `${u.soldAt}${u.saleNo ? `（单号 ${u.saleNo}）` : ''}`;
  const whole = live.find((u) => !u.split);
  if (whole) {
    return {
      ok: false,
      message: `该追溯码已于${ref(whole)}整盒售出，同一盒药不能再次销售，请核对是否重复扫码或为回流药`,
    };
  }
  if (live.length === 0) return { ok: true, warnings: [] };
  if (!currentSplit) {
    return {
      ok: false,
      message: `该盒药已于${ref(live[live.length - 1]!)}拆零销售过，不能再整盒销售，请按拆零销售或换一盒`,
    };
  }
  return { ok: true, warnings: [`该盒药此前已拆零销售${live.length}次`] };
}

/** Re-derives an entry's pack identity, e.g. for codes loaded from storage. */
export function traceEntryFromCode(raw: string, options: TraceCodeOptions): TraceCodeEntry | undefined {
  const v = validateTraceCode(raw, options);
  return v.ok ? { code: v.code, key: v.key, format: v.format } : undefined;
}
