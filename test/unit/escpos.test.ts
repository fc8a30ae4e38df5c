import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeEscPos, splitJobs } from '../../app/devices/printer/decode';
import {
  drawerKickBytes,
  drawerOnlyJob,
  encodeText,
  EscPosBuilder,
  layoutToEscPos,
} from '../../app/devices/printer/escpos';
import { layoutReceipt, type ReceiptInput } from '../../app/shared/receipt';

const receipt: ReceiptInput = {
  pharmacyName: '仁心大药房',
  receiptNo: 'R1',
  time: '2025-01-01 12:00:05',
  operator: '王收银',
  reprint: true,
  lines: [
    {
      name: '布洛芬缓释胶囊',
      spec: '0.3g*20粒',
      quantity: 1,
      unit: '盒',
      unitPrice: 1880,
      amount: 1880,
      traceCodes: ['83711700173703755001', '83711700173703755002'],
      insuranceClass: '甲',
    },
  ],
  payments: [{ method: 'alipay', amount: 1880 }],
};

const hex = (b: ArrayLike<number>) => Buffer.from(Array.from(b)).toString('hex');

describe('GB18030 text', () => {
  it('encodes 药, 甲类 and the yuan sign as iconv-lite does', () => {
    expect(hex(encodeText('药'))).toBe(hex(iconv.encode('药', 'gb18030')));
    expect(hex(encodeText('药'))).toBe('d2a9');
    expect(hex(encodeText('甲类'))).toBe(hex(iconv.encode('甲类', 'gb18030')));
    expect(hex(encodeText('甲类'))).toBe('bcd7c0e0');
    expect(hex(encodeText('￥'))).toBe('a3a4');
    // "¥" would be the 4-byte 81 30 84 36 that GBK fonts print as "0 6"; it is sent as "￥".
    expect(hex(iconv.encode('¥', 'gb18030'))).toBe('81308436');
    expect(hex(encodeText('¥'))).toBe('a3a4');
  });

  it('never lets text produce a control byte', () => {
    expect([...encodeText('a\x1b@b\n')]).not.toContain(0x1b);
    expect([...encodeText('a\x1b@b\n')]).not.toContain(0x0a);
  });
});

describe('ESC/POS job', () => {
  it('round-trips a laid-out receipt through the decoder, with its styles', () => {
    for (const width of [58, 80] as const) {
      const lines = layoutReceipt(receipt, width);
      const decoded = decodeEscPos(layoutToEscPos(lines, { cut: 'partial' }));
      expect(decoded.lines).toEqual(lines.map((l) => l.text));
      expect(decoded.styled.map((l) => Boolean(l.double))).toEqual(lines.map((l) => Boolean(l.double)));
      expect(decoded.styled.map((l) => Boolean(l.bold))).toEqual(lines.map((l) => Boolean(l.bold)));
      expect(decoded.lines).toContain('  追溯码:83711700173703755002');
      expect(decoded.lines.some((l) => l.includes('重打'))).toBe(true);
    }
  });

  it('starts with init and Chinese mode and ends with a feed and the chosen cut', () => {
    const partial = layoutToEscPos(layoutReceipt(receipt, 58), { cut: 'partial', feedLines: 3 });
    expect(hex(partial.subarray(0, 4))).toBe('1b401c26');
    expect(hex(partial.subarray(-6))).toBe('0a0a0a1d5601');
    const full = layoutToEscPos(layoutReceipt(receipt, 58), { cut: 'full' });
    expect(hex(full.subarray(-3))).toBe('1d5600');
    const decoded = decodeEscPos(full);
    expect(decoded.commands[0]).toMatchObject({ name: 'init' });
    expect(decoded.commands[1]).toMatchObject({ name: 'chinese-on' });
    expect(decoded.cuts).toBe(1);
    expect(decoded.commands.at(-1)).toMatchObject({ name: 'cut', arg: 0 });
    expect(decoded.drawerKicks).toBe(0);
  });

  it('kicks the cash drawer with ESC p on pin 2 or pin 5', () => {
    expect(hex(drawerKickBytes(2))).toBe('1b70001978');
    expect(hex(drawerKickBytes(5))).toBe('1b70011978');
    const job = layoutToEscPos(layoutReceipt(receipt, 80), { openDrawer: true, drawerPin: 5 });
    expect(job.includes(Buffer.from([0x1b, 0x70, 0x01, 0x19, 0x78]))).toBe(true);
    const decoded = decodeEscPos(job);
    expect(decoded.drawerKicks).toBe(1);
    expect(decoded.commands.find((c) => c.name === 'drawer')).toMatchObject({
      arg: 1,
      bytes: [0x1b, 0x70, 1, 25, 120],
    });
    expect(decodeEscPos(drawerOnlyJob()).drawerKicks).toBe(1);
  });

  it('builds bold, alignment and double size commands', () => {
    const bytes = new EscPosBuilder()
      .init()
      .align('center')
      .bold(true)
      .doubleSize(true)
      .line('标题')
      .doubleSize(false)
      .bold(false)
      .align('right')
      .line('右')
      .cut('none', 0)
      .build();
    expect(hex(bytes)).toBe(
      '1b401c26' +
        '1b6101' +
        '1b4501' +
        '1b21301c5701' +
        'b1eacce20a' +
        '1b21001c5700' +
        '1b4500' +
        '1b6102' +
        'd3d20a',
    );
    const d = decodeEscPos(bytes);
    expect(d.styled).toEqual([
      { text: '标题', bold: true, double: true, align: 'center' },
      { text: '右', bold: false, double: false, align: 'right' },
    ]);
  });

  it('reads 4-byte GB18030 sequences and unknown commands without losing text', () => {
    const bytes = Buffer.concat([
      Buffer.from([0x1b, 0x40]),
      iconv.encode('𠀀药', 'gb18030'),
      Buffer.from([0x1b, 0x7a, 0x0a]),
      Buffer.from([0x10, 0x04, 0x04]),
      Buffer.from('ok\n'),
    ]);
    const d = decodeEscPos(bytes);
    expect(d.lines).toEqual(['𠀀药', 'ok']);
    expect(d.commands.map((c) => c.name)).toEqual(['init', 'unknown', 'status-query']);
  });

  it('splits a serial stream into jobs at each complete cut', () => {
    const a = layoutToEscPos(layoutReceipt(receipt, 58));
    const b = layoutToEscPos(layoutReceipt({ ...receipt, receiptNo: 'R2' }, 58));
    const stream = Buffer.concat([a, b, b.subarray(0, 20)]);
    const { jobs, rest } = splitJobs(stream);
    expect(jobs).toHaveLength(2);
    expect(hex(jobs[0]!)).toBe(hex(a));
    expect(decodeEscPos(jobs[1]!).lines).toContain('单号:R2');
    expect(rest).toHaveLength(20);
    // a cut cut in half is not a job boundary yet
    expect(splitJobs(a.subarray(0, a.length - 1)).jobs).toHaveLength(0);
  });
});
