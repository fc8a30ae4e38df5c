import type { ChangeReason } from '../../../../app/shared/inventory';
import type { BatchSort, BatchStatusFilter } from '../../stores/inventory';

export const CHANGE_REASON_LABELS: Record<ChangeReason, string> = {
  damage: '报损',
  destroy: '销毁',
  overflow: '报溢',
  transfer_in: '调拨入库',
  transfer_out: '调拨出库',
  gift_in: '赠药入库',
  gift_out: '赠药退回',
  initial: '初始化入库',
  other_in: '其他入库',
  other_out: '其他出库',
  goods_return_out: '商品退货出库',
  correction: '库存更正（店长）',
};

export const BATCH_STATUS_FILTERS: readonly { id: BatchStatusFilter; label: string }[] = [
  { id: 'in_stock', label: '有库存' },
  { id: 'near_expiry', label: '近效期' },
  { id: 'expired', label: '已过期' },
  { id: 'locked', label: '已锁定' },
  { id: 'all', label: '全部' },
];

export const BATCH_SORTS: readonly { id: BatchSort; label: string }[] = [
  { id: 'expiry', label: '按效期' },
  { id: 'product', label: '按商品' },
];
