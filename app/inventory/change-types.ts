import type { ChangeReason } from '../shared/inventory';

/**
 * The reasons a stock change is made for (app/shared/inventory.ts CHANGE_REASONS) and what each one is on the
 * wire: its inv_chg_type (库存变更类型) for 3502, the way it moves stock, its Chinese label, and whether it may
 * bring in a batch the books do not know yet.
 *
 * Source of the codes: inventory.md §2.1 — ONE unnamed public source (a Vue page listing the codes for a
 * "生成医保局3502" screen); the official dictionary table was not found, so every code below is low confidence
 * and should be checked against the region's 1901 dictionary before go-live. GK uses 101/102 with the opposite
 * meaning and is taken to be wrong (the notes' reading).
 */

export type ChangeDirection = 'in' | 'out' | 'signed';

export interface ChangeType {
  reason: ChangeReason;
  /** inv_chg_type; for `signed` (更正) the code of a positive change — see chgTypeOf */
  code: string;
  direction: ChangeDirection;
  label: string;
  /** a line may name a new product batch (else only batches on the books) */
  mayCreateBatch: boolean;
}

/** 盘盈 / 盘损: only an approved stocktake writes these (never a change document). */
export const STOCKTAKE_GAIN = '103';
export const STOCKTAKE_LOSS = '104';

export const CHANGE_TYPES: Readonly<Record<ChangeReason, ChangeType>> = {
  // 报损 (damaged, broken, spoiled goods taken off the shelf). The dictionary has no 报损 code: 107 其他出库
  // (the lead's mapping). A batch that is not on the books cannot be damaged: existing batches only.
  damage: { reason: 'damage', code: '107', direction: 'out', label: '报损', mayCreateBatch: false },
  // 销毁 has its own code, 105.
  destroy: { reason: 'destroy', code: '105', direction: 'out', label: '销毁', mayCreateBatch: false },
  // 报溢 (more on the shelf than on the books, outside a stocktake): 106 其他入库. Choice: may create a batch —
  // goods found on the shelf can carry a lot number the books never had.
  overflow: { reason: 'overflow', code: '106', direction: 'in', label: '报溢', mayCreateBatch: true },
  // 调拨入库 101: goods from another store arrive with their own lots.
  transfer_in: { reason: 'transfer_in', code: '101', direction: 'in', label: '调拨入库', mayCreateBatch: true },
  transfer_out: { reason: 'transfer_out', code: '102', direction: 'out', label: '调拨出库', mayCreateBatch: false },
  // 赠药入库 110: a supplier's free goods, new lots possible.
  gift_in: { reason: 'gift_in', code: '110', direction: 'in', label: '赠药入库', mayCreateBatch: true },
  // 赠药退回出库 111.
  gift_out: { reason: 'gift_out', code: '111', direction: 'out', label: '赠药退回出库', mayCreateBatch: false },
  // 初始化入库 108: the stock that was on the shelves when the system went live — all new batches.
  initial: { reason: 'initial', code: '108', direction: 'in', label: '初始化入库', mayCreateBatch: true },
  other_in: { reason: 'other_in', code: '106', direction: 'in', label: '其他入库', mayCreateBatch: true },
  other_out: { reason: 'other_out', code: '107', direction: 'out', label: '其他出库', mayCreateBatch: false },
  // 商品退货出库 109 (goods sent back other than a purchase return with its invoice, which is 3504).
  goods_return_out: {
    reason: 'goods_return_out',
    code: '109',
    direction: 'out',
    label: '商品退货出库',
    mayCreateBatch: false,
  },
  // 库存更正: a manager fixes a quantity that was booked wrong; reported as 106 其他入库 when it adds and
  // 107 其他出库 when it takes (the dictionary has no correction code). Existing batches only.
  correction: { reason: 'correction', code: '106', direction: 'signed', label: '库存更正', mayCreateBatch: false },
};

/** inv_chg_type of one line: fixed by the reason, or by the sign for a correction. */
export function chgTypeOf(reason: ChangeReason, deltaBase: number): string {
  const t = CHANGE_TYPES[reason];
  if (t.direction !== 'signed') return t.code;
  return deltaBase >= 0 ? '106' : '107';
}

/** The signed change a line makes: `qtyBase` is the amount moved in the reason's direction (更正: signed). */
export function signedDelta(reason: ChangeReason, qtyBase: number): number {
  const d = CHANGE_TYPES[reason].direction;
  return d === 'out' ? -qtyBase : qtyBase;
}

/** Chinese labels of stock_ledger.cause, for the ledger view. */
export const LEDGER_CAUSE_LABELS: Readonly<Record<string, string>> = {
  receive: '采购入库',
  purchase_return: '采购退货',
  sale: '销售',
  sale_return: '销售退货',
  stocktake_gain: '盘盈',
  stocktake_loss: '盘损',
  ...Object.fromEntries(Object.values(CHANGE_TYPES).map((t) => [`change_${t.reason}`, t.label])),
};

/** The ledger cause of a change line. */
export const changeCause = (reason: ChangeReason): string => `change_${reason}`;
