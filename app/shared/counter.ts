import type { RxClass, SpecialFlag } from './contract';
import type { PaymentMethod } from './receipt';

/** What the counter screen shows of a sale; built by the main process, never trusted back from the screen. */

export type SaleState =
  'open' | 'parked' | 'presettled' | 'settling' | 'reversing' | 'settled' | 'completed' | 'voided' | 'refunded';

export const SALE_STATE_LABELS: Record<SaleState, string> = {
  open: '收银中',
  parked: '已挂单',
  presettled: '已预结算',
  settling: '结算中',
  reversing: '冲正中',
  settled: '医保已结算，待收款',
  completed: '已完成',
  voided: '已作废',
  refunded: '已退货',
};

export interface SaleLineView {
  id: number;
  productId: number;
  code: string;
  name: string;
  spec: string | null;
  manufacturer: string | null;
  /** the unit sold: the package unit, or the split unit for 拆零 */
  unit: string;
  split: boolean;
  qty: number;
  unitPriceFen: number;
  amountFen: number;
  batch: { id: number; batchNo: string; expiryDate: string; nearExpiry: boolean; override: boolean } | null;
  rxClass: RxClass;
  specialFlags: SpecialFlag[];
  /** 甲/乙/丙 from the catalogues, null when not an insurance item */
  insuranceClass: '甲' | '乙' | '丙' | null;
  /** mapped and uploaded (3301): the line can go into an insurance settlement */
  insurable: boolean;
  traceCodes: { id: number; code: string }[];
  /** trace codes this line needs (min) and accepts (max) */
  traceNeeded: { min: number; max: number };
  /** already returned by a refund (a line is returned at most once) */
  returned: boolean;
}

export interface PersonView {
  psnNo: string;
  /** masked but the first character */
  name: string;
  certnoMasked: string;
  gender: string | null;
  age: number | null;
  insuplcAdmdvs: string | null;
  /** 就诊凭证 used: 01 e-voucher, 02 ID card, 03 social-security card */
  certType: '01' | '02' | '03';
  insutypes: { insutype: string; label: string; balanceFen: number; psnType: string | null; paused: boolean }[];
  chosenInsutype: string | null;
}

export interface FundSplitView {
  medfeeFen: number;
  fundFen: number;
  accountFen: number;
  cashFen: number;
  balanceFen: number | null;
  /** every other setlinfo amount worth showing, as label + fen */
  items: { label: string; fen: number }[];
  setlId: string | null;
}

export interface SaleView {
  id: number;
  state: SaleState;
  stateLabel: string;
  receiptNo: string | null;
  lines: SaleLineView[];
  totalFen: number;
  person: PersonView | null;
  acctUsed: boolean;
  presettle: FundSplitView | null;
  settlement: FundSplitView | null;
  /** what is left to collect from the customer, and what was collected */
  dueFen: number;
  payments: { method: PaymentMethod; amountFen: number }[];
  changeFen: number;
  prescription: { rxNo: string; prescriber: string; institution: string; pharmacist: string } | null;
  specialBuyer: { name: string; idNoMasked: string } | null;
  /** what blocks the next step, in words for the cashier (empty when nothing does) */
  blockers: string[];
  /** trace codes must be complete before this sale settles or is paid (trace.required_for_* settings) */
  traceRequired: boolean;
  /** a message the cashier must read (e.g. the last settlement was reversed after a crash) */
  notice: string | null;
  parkLabel: string | null;
  updatedAt: string;
}

export type ScanOutcome =
  | { kind: 'added'; sale: SaleView; lineId: number; message: string | null }
  | { kind: 'trace'; sale: SaleView; lineId: number; message: string | null }
  | { kind: 'choose'; sale: SaleView; candidates: { id: number; code: string; name: string; spec: string | null }[] };

export interface LineChange {
  sale: SaleView;
  lineId: number;
  message: string | null;
}

export interface BatchOption {
  id: number;
  batchNo: string;
  expiryDate: string;
  qtyBase: number;
  nearExpiry: boolean;
}

export interface ParkedSale {
  id: number;
  label: string | null;
  totalFen: number;
  lines: number;
  operator: string;
  parkedAt: string;
}

/** How the person is identified at the counter (settlement.md §3, devices/card-readers.md). */
export type PersonMediumInput =
  | { medium: 'id_card_reader' }
  | { medium: 'id_number'; idNo: string }
  | { medium: 'e_voucher'; qr: string }
  | { medium: 'ss_card_reader' }
  | { medium: 'ss_card'; cardNo: string; cardSn: string };

export interface PrintOutcome {
  printed: boolean;
  /** why not, or what to check (Chinese) */
  message: string | null;
}

export interface FoundSale {
  id: number;
  receiptNo: string;
  setlId: string | null;
  totalFen: number;
  paidFen: number;
  insured: boolean;
  refunded: boolean;
  completedAt: string;
}

export interface RefundOutcome {
  refundId: number;
  payback: { method: string; amountFen: number }[];
  keptSaleId: number | null;
  message: string;
}

export interface ShiftReportView {
  from: string;
  to: string;
  operators: {
    operatorId: number;
    operator: string;
    sales: number;
    refunds: number;
    totalFen: number;
    fundFen: number;
    accountFen: number;
    byMethod: Record<'cash' | 'wechat' | 'alipay' | 'bankcard', number>;
    changeFen: number;
  }[];
  printed: PrintOutcome | null;
}

export interface SpecialRegisterView {
  saleId: number;
  receiptNo: string;
  soldAt: string;
  products: string;
  packages: number;
  /** masked on screen; the export holds the full values */
  buyerName: string;
  buyerIdNo: string;
  idSource: string;
  operator: string;
}
