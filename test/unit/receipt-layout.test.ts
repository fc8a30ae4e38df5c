import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  layoutReceipt,
  layoutText,
  receiptSchema,
  wrapText,
  type ReceiptInput,
  type ReceiptLine,
} from '../../app/shared/receipt';

const TRACE_1 = '83711700173703755001';
const TRACE_2 = '83711700173703755002';

function sale(over: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    pharmacyName: '仁心大药房',
    headerLines: ['定点编号:P11010000001'],
    receiptNo: 'R202501010001',
    time: '2025-01-01 12:00:05',
    operator: '王收银',
    lines: [
      {
        name: '阿莫西林胶囊',
        spec: '0.25g*24粒',
        quantity: 2,
        unit: '盒',
        unitPrice: 1250,
        amount: 2500,
        batchNo: 'A2401',
        expiry: '2026-12-31',
        traceCodes: [TRACE_1, TRACE_2],
        insuranceClass: '甲',
      },
      {
        name: '维生素C片',
        spec: '100mg*100片',
        quantity: 10,
        unit: '片',
        splitUnit: true,
        unitPrice: 5,
        amount: 50,
        insuranceClass: '乙',
      },
    ],
    payments: [{ method: 'cash', amount: 3000 }],
    change: 450,
    footerLines: ['谢谢惠顾'],
    ...over,
  };
}

const texts = (lines: ReceiptLine[]) => lines.map((l) => l.text);

/** The width a line takes on paper: double-size lines take two columns per column. */
const paperWidth = (l: ReceiptLine) => displayWidth(l.text) * (l.double ? 2 : 1);

describe('display width', () => {
  it('counts CJK and full-width characters as two columns, ASCII as one', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('药品')).toBe(4);
    expect(displayWidth('￥12.50')).toBe(7);
    expect(displayWidth('（甲）')).toBe(6);
    expect(displayWidth('𠀀')).toBe(2); // astral: one character, not two UTF-16 units
  });

  it('wraps CJK anywhere and keeps ASCII words whole when they fit a line', () => {
    expect(wrapText('一二三四五六七八九十', 8)).toEqual(['一二三四', '五六七八', '九十']);
    expect(wrapText('布洛芬 ABCDEFGH', 12)).toEqual(['布洛芬', 'ABCDEFGH']);
    // a word longer than a line is cut
    expect(wrapText('X'.repeat(25), 10)).toEqual(['X'.repeat(10), 'X'.repeat(10), 'X'.repeat(5)]);
    // a hanzi never straddles the edge
    expect(wrapText('a一二三', 4)).toEqual(['a一', '二三']);
    expect(wrapText('一二三四五六', 8, 2)).toEqual(['一二三四', '  五六']);
  });
});

describe.each([
  [58, 32],
  [80, 48],
] as const)('receipt layout at %i mm', (width, cols) => {
  const lines = layoutReceipt(sale(), width);
  const text = texts(lines);

  it(`never exceeds ${cols} columns and has no trailing spaces`, () => {
    for (const l of lines) {
      expect(paperWidth(l), l.text).toBeLessThanOrEqual(cols);
      expect(l.text).toBe(l.text.trimEnd());
    }
    expect(text).toContain('-'.repeat(cols));
  });

  it('prints the title double size and centred, the document type and the header', () => {
    expect(lines[0]).toMatchObject({ double: true, bold: true });
    expect(lines[0]!.text.trim()).toBe('仁心大药房');
    // centred within half the columns: (16|24 - 10) / 2 leading spaces
    expect(lines[0]!.text).toBe(' '.repeat((cols / 2 - 10) / 2) + '仁心大药房');
    expect(text.some((t) => t.trim() === '销售小票')).toBe(true);
    expect(text.some((t) => t.includes('重打'))).toBe(false);
    expect(text).toContain('单号:R202501010001');
    expect(text).toContain('时间:2025-01-01 12:00:05');
    expect(text).toContain('收银员:王收银');
  });

  it('right-aligns amounts to the last column by display width', () => {
    const row = text.find((t) => t.startsWith('  2盒'))!;
    expect(row).toBeDefined();
    expect(displayWidth(row)).toBe(cols);
    expect(row.endsWith('25.00')).toBe(true);
    expect(row).toContain('12.50');
    const total = text.find((t) => t.startsWith('共2项'))!;
    expect(displayWidth(total)).toBe(cols);
    expect(total.endsWith('￥25.50')).toBe(true);
    const change = text.find((t) => t.startsWith('找零'))!;
    expect(displayWidth(change)).toBe(cols);
    expect(change.endsWith('4.50')).toBe(true);
    const cash = text.find((t) => t.startsWith('现金'))!;
    expect(cash.endsWith('30.00')).toBe(true);
  });

  it('shows the insurance class, batch, expiry and every trace code of a line', () => {
    expect(text.some((t) => t.startsWith('1.[甲]阿莫西林胶囊'))).toBe(true);
    expect(text).toContain('  批号:A2401 效期:2026-12-31');
    expect(text).toContain(`  追溯码:${TRACE_1}`);
    expect(text).toContain(`  追溯码:${TRACE_2}`);
  });

  it('marks a split-unit (拆零) sale with its small unit and price in fen', () => {
    const row = text.find((t) => t.startsWith('  10片(拆零)'))!;
    expect(row).toBeDefined();
    expect(row).toMatch(/0\.05\s+0\.50$/);
  });

  it('wraps a long CJK name inside the paper and indents the continuation', () => {
    const name = '复方甘草酸苷片这是一个特别长的药品名称用于测试自动换行的效果';
    const l = texts(
      layoutReceipt(
        sale({
          lines: [{ name, quantity: 1, unit: '盒', unitPrice: 3000, amount: 3000 }],
          change: 0,
        }),
        width,
      ),
    );
    const start = l.findIndex((t) => t.startsWith('1.复方'));
    const joined = [l[start], l[start + 1], l[start + 2]].join('');
    expect(joined.replace(/\s/g, '')).toContain(name);
    expect(l[start + 1]!.startsWith('  ')).toBe(true);
    for (const t of l) expect(displayWidth(t)).toBeLessThanOrEqual(cols);
  });
});

describe('receipt variants', () => {
  it('prints the insurance split with the masked name and settlement id', () => {
    const text = texts(
      layoutReceipt(
        sale({
          insurance: {
            personName: '张三丰',
            insuranceType: '职工医保',
            setlId: 'S20250101000001',
            fundPay: 1000,
            accountPay: 1000,
            cashPay: 550,
            others: [{ label: '大额医疗补助', amount: 0 }],
            accountBalance: 88800,
          },
          payments: [{ method: 'wechat', amount: 550 }],
          change: 0,
        }),
        58,
      ),
    );
    expect(text).toContain('参保人:张**');
    expect(text.join('\n')).not.toContain('张三丰');
    expect(text).toContain('医保结算(职工医保)');
    expect(text.find((t) => t.startsWith('统筹基金支付'))!.endsWith('10.00')).toBe(true);
    expect(text.find((t) => t.startsWith('个人账户支付'))!.endsWith('10.00')).toBe(true);
    expect(text.find((t) => t.startsWith('大额医疗补助'))!.endsWith('0.00')).toBe(true);
    expect(text.find((t) => t.startsWith('现金支付'))!.endsWith('5.50')).toBe(true);
    expect(text.find((t) => t.startsWith('个人账户余额'))!.endsWith('888.00')).toBe(true);
    expect(text).toContain('结算号:S20250101000001');
    expect(text.find((t) => t.startsWith('微信'))!.endsWith('5.50')).toBe(true);
  });

  it('marks a reprint and a refund', () => {
    const reprint = texts(layoutReceipt(sale({ reprint: true, reprintTime: '2025-01-02 09:00:00' }), 80));
    expect(reprint.some((t) => t.trim() === '*** 重打 ***')).toBe(true);
    expect(reprint).toContain('重打时间:2025-01-02 09:00:00');

    const refund = texts(
      layoutReceipt(
        sale({
          kind: 'refund',
          originalReceiptNo: 'R202412310009',
          payments: [{ method: 'cash', amount: 2550 }],
          change: 0,
        }),
        80,
      ),
    );
    expect(refund.some((t) => t.trim() === '退货小票')).toBe(true);
    expect(refund.some((t) => t.trim() === '销售小票')).toBe(false);
    expect(refund).toContain('原单号:R202412310009');
    expect(refund.find((t) => t.startsWith('  2盒'))!.endsWith('-25.00')).toBe(true);
    expect(refund.find((t) => t.startsWith('应退'))!.endsWith('-￥25.50')).toBe(true);
    expect(refund).toContain('退款方式');
    expect(refund.find((t) => t.startsWith('现金'))!.endsWith('-25.50')).toBe(true);
  });

  it('shows a discount and formats large amounts from fen', () => {
    const text = texts(
      layoutReceipt(
        sale({
          lines: [{ name: '人参', quantity: 12.5, unit: 'g', unitPrice: 99_999_99, amount: 1_249_999_88 }],
          discount: 88,
          payments: [{ method: 'bankcard', amount: 1_249_999_00 }],
          change: 0,
        }),
        80,
      ),
    );
    expect(text.find((t) => t.startsWith('  12.5g'))).toMatch(/99999\.99\s+1249999\.88$/);
    expect(text.find((t) => t.startsWith('优惠'))!.endsWith('-￥0.88')).toBe(true);
    expect(text.find((t) => t.startsWith('应收'))!.endsWith('￥1249999.00')).toBe(true);
    expect(text.find((t) => t.startsWith('银行卡'))!.endsWith('1249999.00')).toBe(true);
  });

  it('turns "¥" into the full-width "￥" and control characters into spaces', () => {
    const text = texts(
      layoutReceipt(
        sale({ lines: [{ name: '测试¥\t药', quantity: 1, unit: '盒', unitPrice: 2550, amount: 2550 }], change: 450 }),
        58,
      ),
    );
    expect(text.some((t) => t.includes('测试￥ 药'))).toBe(true);
    const codes = [...text.join('')].map((ch) => ch.codePointAt(0)!);
    expect(codes.filter((c) => c < 0x20 || c === 0xa5)).toEqual([]);
  });

  it('lays out free text for the shift report', () => {
    const lines = layoutText(['收款合计    123.00', '', '现金'.repeat(20)], 58, '交班报表');
    expect(lines[0]).toMatchObject({ double: true });
    expect(lines[0]!.text.trim()).toBe('交班报表');
    expect(lines[2]!.text).toBe('');
    for (const l of lines) expect(paperWidth(l)).toBeLessThanOrEqual(32);
  });
});

describe('receipt schema', () => {
  it('accepts a valid sale and fills defaults', () => {
    const r = receiptSchema.parse(sale());
    expect(r.kind).toBe('sale');
    expect(r.reprint).toBe(false);
    expect(r.lines[1]!.splitUnit).toBe(true);
    expect(r.lines[1]!.traceCodes).toEqual([]);
  });

  it.each([
    ['fractional fen', { lines: [{ name: 'x', quantity: 1, unit: '盒', unitPrice: 12.5, amount: 2550 }] }],
    ['negative amount', { lines: [{ name: 'x', quantity: 1, unit: '盒', unitPrice: 100, amount: -1 }] }],
    ['zero quantity', { lines: [{ name: 'x', quantity: 0, unit: '盒', unitPrice: 100, amount: 2550 }] }],
    ['quantity with 4 decimals', { lines: [{ name: 'x', quantity: 0.1234, unit: '盒', unitPrice: 1, amount: 2550 }] }],
    ['no lines', { lines: [] }],
    ['bad time', { time: '2025/01/01' }],
    ['empty pharmacy name', { pharmacyName: ' ' }],
    ['unknown payment method', { payments: [{ method: 'bitcoin', amount: 3000 }] }],
    [
      'unknown insurance class',
      { lines: [{ name: 'x', quantity: 1, unit: '盒', unitPrice: 1, amount: 2550, insuranceClass: '丁' }] },
    ],
    ['payments that do not add up', { payments: [{ method: 'cash', amount: 2900 }] }],
    ['change from a card payment', { payments: [{ method: 'bankcard', amount: 3000 }] }],
    ['discount above total', { discount: 9999 }],
    ['reprint time without reprint', { reprintTime: '2025-01-02 09:00:00' }],
  ])('rejects %s', (_label, over) => {
    const result = receiptSchema.safeParse({ ...sale(), ...over });
    expect(result.success).toBe(false);
    expect(() => layoutReceipt({ ...sale(), ...over } as ReceiptInput, 58)).toThrow();
  });

  it('explains an unbalanced receipt in Chinese', () => {
    const result = receiptSchema.safeParse({ ...sale(), payments: [{ method: 'cash', amount: 100 }], change: 0 });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/支付合计减找零/);
  });
});
