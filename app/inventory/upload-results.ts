import type { NhsaResult } from '../nhsa/client';

/**
 * What a 35xx answer means for each record it carried. Two levels (inventory.md §1): infcode, then the business
 * result `result {retRslt, msgRslt}` or, for 3501A/3502A/3504A, a list of the rows that failed.
 */

export type RowOutcome = { kind: 'sent' } | { kind: 'refused'; message: string } | { kind: 'doubt'; message: string };

export type CallVerdict =
  /** the answer says what happened to each row */
  | { kind: 'rows'; outcomes: RowOutcome[] }
  /** a batch refused as a whole: one bad row must not hold back the others, so its rows go again one by one */
  | { kind: 'split'; message: string }
  /** nothing reached the center (network, sign-in): the same rows go again later */
  | { kind: 'retry'; message: string }
  /** the center may have recorded them: they are looked up (3508–3511) before anything is sent again */
  | { kind: 'doubt'; message: string };

export interface CarriedRow {
  memo: string;
  bchno: string | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

/** The failed-row list of a batch answer (…ErrDetail), as a list even when it comes as one object (NMG 3504A). */
function errorRows(output: Record<string, unknown>): Record<string, unknown>[] | null {
  const key = Object.keys(output).find((k) => /errdetail$/i.test(k));
  if (!key) return null;
  const v = output[key];
  if (Array.isArray(v)) return v.filter(isObj);
  if (isObj(v)) return [v];
  return [];
}

export function verdictOf(r: NhsaResult, rows: readonly CarriedRow[], batch: boolean): CallVerdict {
  switch (r.kind) {
    case 'business_error':
      return batch
        ? { kind: 'split', message: r.errMsg }
        : { kind: 'rows', outcomes: [{ kind: 'refused', message: r.errMsg || '医保中心拒收（未说明原因）' }] };
    case 'not_sent':
      // problems = our own validation refused the input: the record itself is wrong, resending it cannot help
      if (r.problems?.length) {
        return batch
          ? { kind: 'split', message: r.reason }
          : { kind: 'rows', outcomes: [{ kind: 'refused', message: `本地校验未通过：${r.reason}` }] };
      }
      return { kind: 'retry', message: r.reason };
    case 'unknown':
      return { kind: 'doubt', message: r.reason };
    case 'ok':
      return fromOutput(r.output, rows, batch);
  }
}

function fromOutput(output: Record<string, unknown>, rows: readonly CarriedRow[], batch: boolean): CallVerdict {
  const failed = errorRows(output);
  if (failed && failed.length) {
    const outcomes: RowOutcome[] = rows.map(() => ({ kind: 'sent' }));
    for (const e of failed) {
      if (text(e.retRslt) === '1') continue;
      const message = text(e.msgRslt) || '医保中心拒收（未说明原因）';
      const memo = text(e.memo);
      let hit = memo ? rows.findIndex((r) => r.memo === memo) : -1;
      if (hit < 0) {
        // no memo echoed: the batch serial names the row only when it is the one row of that batch
        const bchno = text(e.fixmedins_bchno);
        const same = rows.flatMap((r, i) => (r.bchno === bchno ? [i] : []));
        if (same.length === 1) hit = same[0]!;
        else {
          for (const i of same)
            outcomes[i] = { kind: 'doubt', message: `中心拒收了批次 ${bchno} 的某一行：${message}` };
          continue;
        }
      }
      outcomes[hit] = { kind: 'refused', message };
    }
    return { kind: 'rows', outcomes };
  }
  const result = output.result;
  if (isObj(result) && 'retRslt' in result) {
    const ret = text(result.retRslt);
    const message = text(result.msgRslt);
    if (ret === '1') return { kind: 'rows', outcomes: rows.map(() => ({ kind: 'sent' })) };
    if (ret === '0') {
      return batch
        ? { kind: 'split', message: message || '批量上传被拒收' }
        : { kind: 'rows', outcomes: [{ kind: 'refused', message: message || '医保中心拒收（未说明原因）' }] };
    }
    return { kind: 'doubt', message: `医保中心应答的上传结果无法识别（retRslt=${ret || '空'}）` };
  }
  // infcode 0 without a business result: accepted (the registry's choice for 3501/3502/3504/3507)
  return { kind: 'rows', outcomes: rows.map(() => ({ kind: 'sent' })) };
}
