import { fenToYuan, formatYuan, type Fen } from './money';
import { maskName } from './mask';
import { z } from './z';

/**
 * The customer's receipt (小票) and its text layout. The layout is the single source for both the
 * on-screen preview and the ESC/POS bytes, so what the cashier sees is what prints.
 */

export type PaperWidth = 58 | 80;

/** Columns of the printer's standard font (12×24 ASCII, 24×24 hanzi). */
export const PAPER_COLUMNS: Record<PaperWidth, number> = { 58: 32, 80: 48 };

export const PAYMENT_METHODS = ['cash', 'wechat', 'alipay', 'bankcard'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const PAYMENT_LABELS: Record<PaymentMethod, string> = {
  cash: '现金',
  wechat: '微信',
  alipay: '支付宝',
  bankcard: '银行卡',
};

const fen = z.number().int('金额应为整数（分）').nonnegative('金额不能为负数');
const text = (max: number) => z.string().trim().min(1, '不能为空').max(max, `不能超过 ${max} 个字符`);
const optionalText = (max: number) => z.string().trim().max(max, `不能超过 ${max} 个字符`).optional();
const dateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/, '时间应为 YYYY-MM-DD HH:mm:ss');

const quantity = z
  .number()
  .positive('数量应大于 0')
  .max(1_000_000, '数量过大')
  // Three decimals cover weighed herbs (12.5 g); more means a float that was never rounded.
  .refine((q) => Math.abs(Math.round(q * 1000) - q * 1000) < 1e-6, '数量最多 3 位小数');

export const receiptLineSchema = z.object({
  name: text(100),
  spec: optionalText(100),
  quantity,
  /** the unit actually sold: 盒, or 片/粒 for a split-unit (拆零) sale */
  unit: text(10),
  /** 拆零: sold below the smallest package; GSP wants it recognisable on the ticket */
  splitUnit: z.boolean().default(false),
  unitPrice: fen,
  amount: fen,
  batchNo: optionalText(40),
  /** YYYY-MM-DD or YYYY-MM */
  expiry: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}(-\d{2})?$/, '有效期应为 YYYY-MM-DD 或 YYYY-MM')
    .optional(),
  /** one per box; required on the receipt from 2026-01-01 */
  traceCodes: z.array(z.string().trim().min(1).max(100)).max(200).default([]),
  /** 医保目录甲/乙/丙类; absent for self-pay goods */
  insuranceClass: z.enum(['甲', '乙', '丙']).optional(),
});

export const receiptSchema = z
  .object({
    kind: z.enum(['sale', 'refund']).default('sale'),
    pharmacyName: text(40),
    /** smaller lines under the title: branch, address, phone, 定点编号 */
    headerLines: z.array(text(100)).max(6).default([]),
    receiptNo: text(40),
    /** for a refund: the sale it reverses */
    originalReceiptNo: optionalText(40),
    time: dateTime,
    operator: text(20),
    reprint: z.boolean().default(false),
    reprintTime: dateTime.optional(),
    lines: z.array(receiptLineSchema).min(1, '小票至少要有一行商品').max(500),
    /** whole-order discount (优惠), already excluded from the line amounts */
    discount: fen.default(0),
    insurance: z
      .object({
        /** printed masked whatever is passed in: the receipt leaves the shop */
        personName: optionalText(50),
        insuranceType: optionalText(30),
        setlId: text(40),
        /** 统筹基金支付 (hifp_pay) */
        fundPay: fen,
        /** 个人账户支付 (acct_pay) */
        accountPay: fen,
        /** 现金支付 (psn_cash_pay): what the customer pays by cash, WeChat, Alipay or card */
        cashPay: fen,
        /** other setlinfo amounts worth showing, e.g. 大额医疗补助, 公务员补助, 共济支付 */
        others: z
          .array(z.object({ label: text(20), amount: fen }))
          .max(12)
          .default([]),
        /** 个人账户余额 (balc) */
        accountBalance: fen.optional(),
      })
      .optional(),
    payments: z
      .array(z.object({ method: z.enum(PAYMENT_METHODS), amount: fen }))
      .max(8)
      .default([]),
    change: fen.default(0),
    footerLines: z.array(text(100)).max(6).default([]),
  })
  .superRefine((r, ctx) => {
    const total = r.lines.reduce((s, l) => s + l.amount, 0);
    if (r.discount > total) ctx.addIssue({ code: 'custom', path: ['discount'], message: '优惠不能超过商品合计' });
    const paid = r.payments.reduce((s, p) => s + p.amount, 0);
    const cashTendered = r.payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amount, 0);
    if (r.change > cashTendered) {
      ctx.addIssue({ code: 'custom', path: ['change'], message: '找零只能来自现金支付' });
    }
    // A receipt that does not add up is worse than none: the customer keeps it as proof.
    const due = r.insurance ? r.insurance.cashPay : total - r.discount;
    if (paid - r.change !== due) {
      ctx.addIssue({
        code: 'custom',
        path: ['payments'],
        message: `支付合计减找零（${fenToYuan(paid - r.change)}）应等于${r.insurance ? '现金支付' : '应收'}（${fenToYuan(due)}）`,
      });
    }
    if (r.kind === 'refund' && r.change !== 0) {
      ctx.addIssue({ code: 'custom', path: ['change'], message: '退货小票不应有找零' });
    }
    if (!r.reprint && r.reprintTime) {
      ctx.addIssue({ code: 'custom', path: ['reprintTime'], message: '只有重打小票才有重打时间' });
    }
  });

export type ReceiptInput = z.input<typeof receiptSchema>;
export type Receipt = z.output<typeof receiptSchema>;
export type ReceiptItem = z.output<typeof receiptLineSchema>;

/**
 * One printed line. `text` is exactly what prints (already padded and aligned, trailing spaces
 * trimmed); a `double` line is printed double width and height, so it holds half the columns.
 */
export interface ReceiptLine {
  text: string;
  bold?: boolean;
  double?: boolean;
}

// ---- display width ----------------------------------------------------------------------------

/**
 * Columns a character takes on a Chinese-mode ESC/POS printer. Every non-ASCII character is sent
 * as a 2- or 4-byte GB18030 sequence and printed with the 24-dot hanzi font, i.e. two columns.
 */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  return cp < 0x80 ? 1 : 2;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

/**
 * Control characters would be read by the printer as commands; U+00A5 "¥" is a 4-byte GB18030
 * sequence that GBK-only printer fonts print as "0 6", so it becomes the full-width "￥".
 */
export function sanitizeForPrint(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\u00a5/g, '￥');
}

export function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

export function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(s))) + s;
}

export function center(s: string, width: number): string {
  const gap = Math.max(0, width - displayWidth(s));
  return ' '.repeat(Math.floor(gap / 2)) + s;
}

/**
 * Greedy wrap by display width. Hanzi may break anywhere; an ASCII word (a batch number, a trace
 * code) moves whole to the next line unless it is longer than a line by itself.
 */
export function wrapText(input: string, width: number, indent = 0, firstIndent = 0): string[] {
  const s = ' '.repeat(firstIndent) + sanitizeForPrint(input).trim();
  if (width < 2) throw new RangeError('width too small');
  if (indent > width - 2) indent = 0;
  const tokens = s.match(/[!-~]+| +|[^\p{ASCII}]/gu) ?? [];
  const lines: string[] = [];
  let cur = '';
  let curW = 0;
  const flush = () => {
    lines.push(cur.trimEnd());
    cur = ' '.repeat(indent);
    curW = indent;
  };
  for (const tok of tokens) {
    const w = displayWidth(tok);
    const atLineStart = curW === (lines.length > 0 ? indent : 0) && lines.length > 0;
    if (atLineStart && tok.startsWith(' ')) continue;
    if (curW + w <= width) {
      cur += tok;
      curW += w;
    } else if (tok.startsWith(' ')) {
      flush();
    } else if (w > width - indent) {
      // Longer than a whole line: cut it, filling the current line first.
      for (const ch of tok) {
        const cw = charWidth(ch);
        if (curW + cw > width) flush();
        cur += ch;
        curW += cw;
      }
    } else {
      flush();
      cur += tok;
      curW += w;
    }
  }
  if (cur.trim() !== '' || lines.length === 0) lines.push(cur.trimEnd());
  return lines;
}

/** Label on the left, value flush right; the value drops to its own line when both do not fit. */
function labelValue(label: string, value: string, cols: number): string[] {
  const lw = displayWidth(label);
  const vw = displayWidth(value);
  if (lw + 1 + vw <= cols) return [label + padStart(value, cols - lw)];
  return [...wrapText(label, cols), padStart(value, cols)];
}

// ---- formatting -------------------------------------------------------------------------------

export function formatQuantity(q: number): string {
  return q
    .toFixed(3)
    .replace(/\.?0+$/, '')
    .replace(/^-0$/, '0');
}

function signed(amount: Fen, refund: boolean): string {
  return refund && amount !== 0 ? `-${fenToYuan(amount)}` : fenToYuan(amount);
}

function signedYuan(amount: Fen, refund: boolean): string {
  return refund && amount !== 0 ? `-${formatYuan(amount)}` : formatYuan(amount);
}

// ---- layout -----------------------------------------------------------------------------------

interface Columns {
  cols: number;
  qty: number;
  price: number;
  amount: number;
}

function columnsFor(paperWidth: PaperWidth): Columns {
  const cols = PAPER_COLUMNS[paperWidth];
  if (cols === undefined) throw new RangeError(`unsupported paper width: ${String(paperWidth)}`);
  // Price and amount fit 9,999,999.99 at 80 mm and 99,999.99 at 58 mm; quantity gets the rest.
  return paperWidth === 80 ? { cols, qty: 24, price: 12, amount: 12 } : { cols, qty: 12, price: 10, amount: 10 };
}

const ITEM_INDENT = 2;

function itemLines(item: ReceiptItem, index: number, c: Columns, refund: boolean): ReceiptLine[] {
  const out: string[] = [];
  const cls = item.insuranceClass ? `[${item.insuranceClass}]` : '';
  const title = `${index + 1}.${cls}${item.name}${item.spec ? ` ${item.spec}` : ''}`;
  out.push(...wrapText(title, c.cols, ITEM_INDENT));

  const qty = `${' '.repeat(ITEM_INDENT)}${formatQuantity(item.quantity)}${item.unit}${item.splitUnit ? '(拆零)' : ''}`;
  const price = fenToYuan(item.unitPrice);
  const amount = padStart(signed(item.amount, refund), c.amount);
  const qtyW = displayWidth(qty);
  if (qtyW + 1 + displayWidth(price) <= c.qty + c.price)
    out.push(qty + padStart(price, c.qty + c.price - qtyW) + amount);
  else out.push(qty, padStart(price, c.cols - c.amount) + amount);

  const batch = item.batchNo ? `批号:${item.batchNo}` : '';
  const expiry = item.expiry ? `效期:${item.expiry}` : '';
  if (batch && expiry && ITEM_INDENT + displayWidth(batch) + 1 + displayWidth(expiry) <= c.cols) {
    out.push(`${' '.repeat(ITEM_INDENT)}${batch} ${expiry}`);
  } else {
    for (const part of [batch, expiry]) {
      if (part) out.push(...wrapText(part, c.cols, ITEM_INDENT + 2, ITEM_INDENT));
    }
  }
  for (const code of item.traceCodes) {
    out.push(...wrapText(`追溯码:${code}`, c.cols, ITEM_INDENT + 2, ITEM_INDENT));
  }
  return out.map((t) => ({ text: t.trimEnd() }));
}

function tableHeader(c: Columns): string {
  return (padEnd('品名/数量', c.qty) + padStart('单价', c.price) + padStart('金额', c.amount)).trimEnd();
}

/**
 * Lays a validated receipt out for a 58 mm (32 columns) or 80 mm (48 columns) roll. Throws a
 * ZodError when the receipt is not valid, so nothing half-checked reaches the printer.
 */
export function layoutReceipt(input: ReceiptInput | Receipt, paperWidth: PaperWidth): ReceiptLine[] {
  const r = receiptSchema.parse(input);
  const c = columnsFor(paperWidth);
  const refund = r.kind === 'refund';
  const rule = { text: '-'.repeat(c.cols) };
  const out: ReceiptLine[] = [];
  const plain = (lines: string[]) => lines.forEach((t) => out.push({ text: t.trimEnd() }));
  const half = Math.floor(c.cols / 2);

  for (const t of wrapText(r.pharmacyName, half))
    out.push({ text: center(t, half).trimEnd(), bold: true, double: true });
  for (const h of r.headerLines) plain(wrapText(h, c.cols).map((t) => center(t, c.cols)));
  out.push({ text: center(refund ? '退货小票' : '销售小票', c.cols).trimEnd(), bold: true });
  if (r.reprint) out.push({ text: center('*** 重打 ***', c.cols).trimEnd(), bold: true });
  out.push(rule);

  plain(wrapText(`单号:${r.receiptNo}`, c.cols, 5));
  if (refund && r.originalReceiptNo) plain(wrapText(`原单号:${r.originalReceiptNo}`, c.cols, 7));
  plain(wrapText(`时间:${r.time}`, c.cols));
  if (r.reprintTime) plain(wrapText(`重打时间:${r.reprintTime}`, c.cols));
  plain(wrapText(`收银员:${r.operator}`, c.cols));
  if (r.insurance?.personName) plain(wrapText(`参保人:${maskName(r.insurance.personName)}`, c.cols));
  out.push(rule);

  out.push({ text: tableHeader(c) });
  r.lines.forEach((item, i) => out.push(...itemLines(item, i, c, refund)));
  out.push(rule);

  const total = r.lines.reduce((s, l) => s + l.amount, 0);
  const count = r.lines.length;
  plain(labelValue(`共${count}项 ${refund ? '退货合计' : '商品合计'}`, signedYuan(total, refund), c.cols));
  if (r.discount > 0) plain(labelValue('优惠', `-${formatYuan(r.discount)}`, c.cols));
  for (const t of labelValue(refund ? '应退' : '应收', signedYuan(total - r.discount, refund), c.cols)) {
    out.push({ text: t, bold: true });
  }

  if (r.insurance) {
    const ins = r.insurance;
    out.push(rule);
    plain(wrapText(ins.insuranceType ? `医保结算(${ins.insuranceType})` : '医保结算', c.cols));
    plain(labelValue('统筹基金支付', signed(ins.fundPay, refund), c.cols));
    plain(labelValue('个人账户支付', signed(ins.accountPay, refund), c.cols));
    for (const o of ins.others) plain(labelValue(o.label, signed(o.amount, refund), c.cols));
    plain(labelValue('现金支付', signed(ins.cashPay, refund), c.cols));
    if (ins.accountBalance !== undefined) plain(labelValue('个人账户余额', fenToYuan(ins.accountBalance), c.cols));
    plain(wrapText(`结算号:${ins.setlId}`, c.cols, 7));
  }

  if (r.payments.length > 0) {
    out.push(rule);
    plain(wrapText(refund ? '退款方式' : '支付方式', c.cols));
    for (const p of r.payments) plain(labelValue(PAYMENT_LABELS[p.method], signed(p.amount, refund), c.cols));
    if (r.change > 0) plain(labelValue('找零', fenToYuan(r.change), c.cols));
  }

  if (r.footerLines.length > 0) {
    out.push(rule);
    for (const f of r.footerLines) plain(wrapText(f, c.cols).map((t) => center(t, c.cols)));
  }
  return out;
}

/**
 * Free text (the shift report) laid out like a receipt: wrapped to the paper, an optional double
 * size title. Lines are printed as given otherwise, so callers align their own columns with
 * padStart/padEnd/displayWidth.
 */
export function layoutText(lines: readonly string[], paperWidth: PaperWidth, title?: string): ReceiptLine[] {
  const c = columnsFor(paperWidth);
  const half = Math.floor(c.cols / 2);
  const out: ReceiptLine[] = [];
  if (title) {
    for (const t of wrapText(title, half)) out.push({ text: center(t, half).trimEnd(), bold: true, double: true });
  }
  for (const l of lines) {
    if (sanitizeForPrint(l).trim() === '') out.push({ text: '' });
    else for (const t of wrapTextKeepIndent(l, c.cols)) out.push({ text: t });
  }
  return out;
}

function wrapTextKeepIndent(line: string, cols: number): string[] {
  const clean = sanitizeForPrint(line).trimEnd();
  const lead = clean.length - clean.trimStart().length;
  const wrapped = wrapText(clean, cols - lead, 0);
  return wrapped.map((t) => (' '.repeat(lead) + t).trimEnd());
}

/** Plain text of a layout, one line per row — for logs-free previews in tests and the UI. */
export function layoutToText(lines: readonly ReceiptLine[]): string {
  return lines.map((l) => l.text).join('\n');
}
