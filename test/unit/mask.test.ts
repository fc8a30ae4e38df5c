import { describe, expect, it } from 'vitest';
import { maskCardNumber, maskDeep, maskIdNumber, maskName, maskText } from '../../app/shared/mask';

describe('masking personal data', () => {
  it('keeps the first 6 and last 4 characters of an ID number', () => {
    expect(maskIdNumber('11010119900101123X')).toBe('110101********123X');
    expect(maskIdNumber('110101900101123')).toBe('110101*****1123');
  });

  it('keeps the first character of a name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('王')).toBe('王*');
    expect(maskName('  ')).toBe('');
  });

  it('keeps only the edges of a card number', () => {
    expect(maskCardNumber('A12345678')).toBe('*******78');
    expect(maskCardNumber('6222020200112233445')).toBe('62*************3445');
    expect(maskCardNumber('123')).toBe('***');
  });

  it('finds ID numbers inside free text but not inside longer numbers', () => {
    expect(maskText('参保人 110101199001011234 未享受待遇')).toBe('参保人 110101********1234 未享受待遇');
    const msgid = 'H4403050000120261128123456' + '1234';
    expect(maskText(msgid)).toBe(msgid);
  });

  it('masks by key, removes secrets and leaves other data alone', () => {
    const input = {
      psn_name: '张三丰',
      certno: '110101199001011234',
      card_sn: 'ABCDEFGH12345678',
      password: 'Secret123',
      token: 'tok',
      nested: [{ name: '李四', note: '身份证 110101199001011234' }],
      amount: 1234,
      infno: '1101',
    };
    const masked = maskDeep(input);
    expect(masked).toEqual({
      psn_name: '张**',
      certno: '110101********1234',
      card_sn: 'AB**********5678',
      password: '[已隐藏]',
      token: '[已隐藏]',
      nested: [{ name: '李*', note: '身份证 110101********1234' }],
      amount: 1234,
      infno: '1101',
    });
    expect(input.psn_name).toBe('张三丰');
  });

  it('survives cycles, errors and byte arrays', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    const out = maskDeep({ a, err: new Error('bad 110101199001011234'), bytes: Buffer.from('abc') }) as Record<
      string,
      unknown
    >;
    expect((out.a as Record<string, unknown>).self).toBe('[循环引用]');
    expect((out.err as { message: string }).message).toBe('bad 110101********1234');
    expect(out.bytes).toBe('[3 字节]');
  });
});
