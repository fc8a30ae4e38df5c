import type { CodeSet } from './codeset-types';

/**
 * Dictionaries (代码标识) of the inventory uploads 35xx and the reconciliation 3201/3202 —
 * inventory.md §2. Most of these lists rest on one or two non-specification sources, so none is
 * `closed` unless every source agrees and the value is a plain yes/no or a fixed enumeration the
 * POS itself produces; regions replace or extend them with 1901.
 *
 * Names follow the wire field names. One exception: `refd_setl_flag` means two different things
 * (see below), so the statement-level meaning gets its own set `refd_setl_flag_stmt`.
 *
 * Overlap: settlement-codesets.ts also defines `clr_type` and `rx_circ_flag` (same codes). They are
 * repeated here because the inventory notes list them too and the inventory test resolves codeSet
 * names against this file; whoever merges the registries should keep one copy.
 */
export const INVENTORY_CODESETS: CodeSet[] = [
  {
    // Single unnamed source (a Vue upload screen); GK uses 101/102 with the opposite meaning and is
    // probably wrong. Not closed: the official table was not found, fetch it with 1901 where possible.
    name: 'inv_chg_type',
    label: '库存变更类型',
    codes: {
      '101': '调拨入库',
      '102': '调拨出库',
      '103': '盘盈',
      '104': '盘损',
      '105': '销毁',
      '106': '其他入库',
      '107': '其他出库',
      '108': '初始化入库',
      '109': '商品退货出库',
      '110': '赠药入库',
      '111': '赠药退回出库',
    },
    source: 'inventory.md §2.1 (one unnamed source, low confidence)',
  },
  {
    // Closed because these four values are the only upload families 3507 can delete (3501, 3502,
    // 3503/3504, 3505/3506): anything else is a bug in the POS, not a regional code.
    name: 'inv_data_type',
    label: '进销存数据类型',
    codes: { '1': '盘存信息', '2': '库存变更信息', '3': '采购信息', '4': '销售信息' },
    closed: true,
    source: 'inventory.md §2.2 (BZ, NMG; 3 covers 3503 and 3504, 4 covers 3505 and 3506 per BZ-JS)',
  },
  {
    // "2 = 异地" comes from one unnamed source (YBHI) only; kept because a remote-area insured sale
    // needs some value, and not closed so a region's own list can replace it.
    name: 'hi_feesetl_type',
    label: '医保费用结算类型',
    codes: { '0': '非医疗保险结算', '1': '本地医疗保险结算', '2': '异地' },
    source: 'inventory.md §2.3 (NEU; YBHI adds 2, low confidence)',
  },
  {
    name: 'mdtrt_setl_type',
    label: '就诊结算类型',
    codes: { '1': '医保结算', '2': '自费结算' },
    source: 'inventory.md §2.3 (NEU, YBHI — unnamed sources)',
  },
  {
    // Unnamed sources only (NEU; QD maps OTC to 0, everything else to 1), so not closed.
    name: 'rx_flag',
    label: '处方药标志',
    codes: { '0': '非处方药', '1': '处方药' },
    source: 'inventory.md §2.3 (NEU, QD)',
  },
  {
    // BZ, NMG and the mirrored spec page agree on a yes/no flag.
    name: 'trdn_flag',
    label: '拆零标志',
    codes: { '0': '否', '1': '是' },
    closed: true,
    source: 'inventory.md §2.3 (BZ, NMG, PJX)',
  },
  {
    name: 'prod_geay_flag',
    label: '商品赠送标志',
    codes: { '0': '否', '1': '是' },
    closed: true,
    source: 'inventory.md §2.3 (BZ, HSA)',
  },
  {
    // Only "0 = balanced" is safe (OH and two further callers treat anything else as failure); the
    // meanings of 1–3 come from one unnamed source (ZB). The YBHI mock's six-digit codes are not
    // listed: a mock, unverified. A client should read "0" as balanced and anything else as not.
    name: 'stmt_rslt',
    label: '对账结果',
    codes: { '0': '对平', '1': '中心多', '2': '医药机构多', '3': '数据不一致' },
    source: 'inventory.md §2.4 (ZB; beyond 0 low confidence)',
  },
  {
    // Per-settlement meaning: used by the 3202 detail and result file rows.
    name: 'refd_setl_flag',
    label: '退费结算标志',
    codes: { '0': '否', '1': '是退费' },
    source: 'inventory.md §2.4 (HSA mapper queryDataWith3202; OH comment "1 是退费; 0否")',
  },
  {
    // Statement-level meaning of the same wire field in the 3201/3202 input: whether the totals include
    // refund data. DHC: 0 = exclude, 1 / empty / default = include. A separate set because the same
    // codes mean something else per settlement (above).
    name: 'refd_setl_flag_stmt',
    label: '退费结算标志（是否包含退费数据）',
    codes: { '0': '否', '1': '是' },
    source: 'inventory.md §2.4 (unnamed DHC code; HSA sends 0 as "是否包含退费数据")',
  },
];
// rx_circ_flag and clr_type are shared with the settlement interfaces: defined once in settlement-codesets.ts.
