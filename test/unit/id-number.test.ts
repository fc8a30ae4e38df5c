import { describe, expect, it } from 'vitest';
import {
  ageFromIdNumber,
  ageOn,
  beijingDate,
  birthDateFromIdNumber,
  compactDateToIso,
  idNumberCheckChar,
  idNumberSchema,
  isValidIdNumber,
  sexFromIdNumber,
  validateIdNumber,
} from '../../app/shared/id-number';

describe('resident ID number check digit (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('matches the examples of the standard', () => {
    // Both examples are printed in GB 11643-1999; the X example checks the value-10 case.
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('44052418800101001')).toBe('4');
  });

  it('computes a digit by hand', () => {
    // 1·7+1·9+0·10+1·5+0·8+1·4+1·2+9·1+9·6+0·3+0·7+3·9+0·10+7·5+4·8+4·4+7·2 = 214; 214 mod 11 = 5 → '7'
    expect(idNumberCheckChar('11010119900307447')).toBe('7');
  });

  it('refuses anything but 17 digits', () => {
    expect(idNumberCheckChar('1101011990030744')).toBeNull();
    expect(idNumberCheckChar('1101011990030744A')).toBeNull();
  });
});

describe('validateIdNumber', () => {
  it('accepts a valid number and tells birth date and sex', () => {
    expect(validateIdNumber('11010519491231002X')).toEqual({
      ok: true,
      value: { value: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', sex: 'female' },
    });
    const r = validateIdNumber('110101199003074477');
    expect(r.ok && r.value.sex).toBe('male');
  });

  it('normalises spaces and a lower-case x', () => {
    const r = validateIdNumber(' 11010519491231002x ');
    expect(r.ok && r.value.value).toBe('11010519491231002X');
  });

  it.each([
    ['', '请输入身份证号码'],
    ['110105194912310', '旧版15位'],
    ['1101051949123100', '应为18位'],
    ['11010519491231002Y', '前17位应为数字'],
    ['1101X519491231002X', '前17位应为数字'],
    ['110105194912310021', '校验位不正确'],
    ['990105194912310020', '地区码无效'],
    ['110105194902300020', '出生日期无效'], // 30 February
    ['110105190002290020', '出生日期无效'], // 1900 was not a leap year
    ['110105170001010020', '出生日期无效'], // year outside 18xx–20xx
  ])('refuses %s with a Chinese reason', (input, reason) => {
    const r = validateIdNumber(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('accepts 29 February of a leap year', () => {
    const first17 = '11010120000229123';
    expect(isValidIdNumber(first17 + idNumberCheckChar(first17)!)).toBe(true);
  });

  it('refuses a birth date after today when today is given', () => {
    const first17 = '11010120300101123';
    const id = first17 + idNumberCheckChar(first17)!;
    expect(isValidIdNumber(id)).toBe(true);
    const r = validateIdNumber(id, '2026-11-28');
    expect(!r.ok && r.reason).toContain('晚于今天');
  });

  it('accepts 港澳台 residence-permit prefixes and refuses a foreign permanent-resident prefix', () => {
    const hk = '81000019900101123';
    expect(isValidIdNumber(hk + idNumberCheckChar(hk)!)).toBe(true);
    const foreign = '93000019900101123';
    expect(validateIdNumber(foreign + idNumberCheckChar(foreign)!)).toMatchObject({ ok: false });
  });
});

describe('facts from the number', () => {
  it('gives birth date and sex, or null', () => {
    expect(birthDateFromIdNumber('11010519491231002X')).toBe('1949-12-31');
    expect(sexFromIdNumber('11010519491231002X')).toBe('female');
    expect(birthDateFromIdNumber('bad')).toBeNull();
    expect(sexFromIdNumber('bad')).toBeNull();
  });

  it('counts full years, the birthday itself included', () => {
    expect(ageOn('1990-03-07', '2008-03-06')).toBe(17);
    expect(ageOn('1990-03-07', '2008-03-07')).toBe(18);
    expect(ageOn('1990-03-07', '2008-12-31')).toBe(18);
    expect(ageOn('2026-11-28', '2026-11-28')).toBe(0);
  });

  it('lets a 29 February birthday come on 1 March in common years', () => {
    expect(ageOn('2000-02-29', '2018-02-28')).toBe(17);
    expect(ageOn('2000-02-29', '2018-03-01')).toBe(18);
    expect(ageOn('2000-02-29', '2016-02-29')).toBe(16);
  });

  it('gives the age from the number, null when invalid or unborn', () => {
    expect(ageFromIdNumber('110101199003074477', '2026-11-28')).toBe(36);
    expect(ageFromIdNumber('110101199003074470', '2026-11-28')).toBeNull();
    const first17 = '11010120300101123';
    expect(ageFromIdNumber(first17 + idNumberCheckChar(first17)!, '2026-11-28')).toBeNull();
  });

  it('takes today in Beijing whatever the machine zone', () => {
    expect(beijingDate(new Date('2026-11-28T15:59:59Z'))).toBe('2026-11-28');
    expect(beijingDate(new Date('2026-11-28T16:00:00Z'))).toBe('2026-11-29');
  });

  it('converts compact dates only when real', () => {
    expect(compactDateToIso('20240229')).toBe('2024-02-29');
    expect(compactDateToIso('20230229')).toBeNull();
    expect(compactDateToIso('2023022')).toBeNull();
  });
});

describe('idNumberSchema', () => {
  it('returns the normalised number or the Chinese reason', () => {
    expect(idNumberSchema.parse('11010519491231002x')).toBe('11010519491231002X');
    const r = idNumberSchema.safeParse('110105194912310021');
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]!.message).toContain('校验位不正确');
  });
});
