import { INVENTORY_CODESETS } from '../../nhsa/registry/inventory-codesets';
import type { HandlerContext } from '../handlers';
import { decimalText } from '../wire';
import { fieldTitle, type RecordFamily } from './families';
import { readTraceCodes } from './trace-codes';

/**
 * The center's business rules for one uploaded record — only what the registry's schema cannot say (the server
 * has already checked required fields, types, lengths and date formats). Each refusal is a Chinese reason that
 * names the field, e.g. 有效期止expy_end（…）应晚于生产日期manu_date（…）.
 *
 * Deliberately NOT a rule: stock going negative. The center never learns a pharmacy's opening stock, so a sale,
 * a return to the supplier or an outflow change is recorded whatever the ledger's running total says.
 *
 * Test hook (沙箱测试约定): a record whose memo contains `[拒收]`, or whose fixmedins_hilist_name contains
 * `拒收测试`, is refused with a reason starting `测试拒收：` — so a test can make the center refuse exactly one
 * row of a batch without inventing an invalid record.
 */

export const REFUSE_MEMO_MARK = '[拒收]';
export const REFUSE_NAME_MARK = '拒收测试';

type Obj = Record<string, unknown>;

export type RowVerdict = { ok: true; traceCodes: string[] } | { ok: false; reason: string };

const text = (o: Obj, k: string): string => {
  const v = o[k];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return '';
};

/** Dictionaries the center accepts no other value for (the registry marks them closed). */
const CLOSED = new Map(INVENTORY_CODESETS.filter((c) => c.closed).map((c) => [c.name, c]));

function testRefusal(fam: RecordFamily, row: Obj): string | null {
  if (text(row, 'memo').includes(REFUSE_MEMO_MARK)) {
    return `测试拒收：${fieldTitle(fam, 'memo')}含“${REFUSE_MEMO_MARK}”（沙箱测试约定）`;
  }
  if (text(row, 'fixmedins_hilist_name').includes(REFUSE_NAME_MARK)) {
    return `测试拒收：${fieldTitle(fam, 'fixmedins_hilist_name')}含“${REFUSE_NAME_MARK}”（沙箱测试约定）`;
  }
  return null;
}

function dictionaryProblem(fam: RecordFamily, row: Obj): string | null {
  for (const f of fam.fields) {
    const set = f.codeSet ? CLOSED.get(f.codeSet) : undefined;
    const v = text(row, f.name);
    if (!set || v === '' || v in set.codes) continue;
    const choices = Object.entries(set.codes)
      .map(([code, meaning]) => `${code}${meaning}`)
      .join('/');
    return `${fieldTitle(fam, f.name)}取值“${v}”无效（可选：${choices}）`;
  }
  return null;
}

/** Counts must be positive (3501's stock count may be 0); prices may not be negative. */
function numberProblem(fam: RecordFamily, row: Obj): string | null {
  for (const f of fam.fields) {
    if (f.type !== 'N') continue;
    const t = decimalText(row[f.name]);
    if (t === null) continue; // absent optional field (present ones were type-checked by the server)
    const value = Number(t);
    if (f.name === fam.countField) {
      if (value < 0 || (value === 0 && !fam.zeroCountAllowed)) {
        return `${fieldTitle(fam, f.name)}应${fam.zeroCountAllowed ? '不小于0' : '大于0'}（实际“${t}”）`;
      }
    } else if (value < 0) {
      return `${fieldTitle(fam, f.name)}不能为负数（实际“${t}”）`;
    }
  }
  return null;
}

function dateProblem(fam: RecordFamily, row: Obj): string | null {
  const manu = text(row, 'manu_date');
  const expy = text(row, 'expy_end');
  if (manu && expy && expy <= manu) {
    return `${fieldTitle(fam, 'expy_end')}（${expy}）应晚于${fieldTitle(fam, 'manu_date')}（${manu}）`;
  }
  return null;
}

/**
 * An insured sale (hi_feesetl_type 1 local / 2 remote, or mdtrt_setl_type 1) must name a settlement this center
 * made for this pharmacy, and the same person when psn_no is given. A self-pay sale carries no settlement.
 */
function settlementProblem(ctx: HandlerContext, fam: RecordFamily, row: Obj): string | null {
  if (fam.infno !== '3505') return null;
  const feeType = text(row, 'hi_feesetl_type');
  const setlType = text(row, 'mdtrt_setl_type');
  if (feeType !== '1' && feeType !== '2' && setlType !== '1') return null;
  const why = setlType === '1' ? `mdtrt_setl_type=${setlType}` : `hi_feesetl_type=${feeType}`;
  const setlId = text(row, 'setl_id');
  if (!setlId) return `医保结算的销售（${why}）${fieldTitle(fam, 'setl_id')}不能为空`;
  const s = ctx.state.settlement(setlId);
  if (!s || s.kind !== 'settle' || s.fixmedins_code !== ctx.fixmedinsCode) {
    return `${fieldTitle(fam, 'setl_id')}“${setlId}”在医保中心不存在：医保结算的销售（${why}）应填写结算（2102）返回的结算ID`;
  }
  const psnNo = text(row, 'psn_no');
  if (psnNo && psnNo !== s.psn_no) {
    return `${fieldTitle(fam, 'psn_no')}“${psnNo}”与结算ID“${setlId}”的参保人不符`;
  }
  return null;
}

/**
 * Judges one record. `outerTrace` is a drugtracinfo found beside the row (a single call may send
 * `{selinfo, drugtracinfo}`); the row's own drugtracinfo wins when both are present.
 */
export function judgeRow(ctx: HandlerContext, fam: RecordFamily, row: Obj, outerTrace?: unknown): RowVerdict {
  const simple =
    testRefusal(fam, row) ??
    dictionaryProblem(fam, row) ??
    numberProblem(fam, row) ??
    dateProblem(fam, row) ??
    settlementProblem(ctx, fam, row);
  if (simple) return { ok: false, reason: simple };
  if (!fam.carriesTraceCodes) return { ok: true, traceCodes: [] };
  const trace = readTraceCodes(row.drugtracinfo ?? outerTrace);
  if ('problem' in trace) return { ok: false, reason: trace.problem };
  return { ok: true, traceCodes: trace.codes };
}
