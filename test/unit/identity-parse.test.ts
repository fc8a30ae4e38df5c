import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SS_CARD_LAYOUT,
  buildEVoucherRequest,
  isOkStatus,
  parseEVoucherOutput,
  parseSsCardOutput,
  ssCardFailure,
} from '../../app/devices/identity/parse';
import {
  IdentityError,
  eVoucherTo1101,
  identityErrorFrom,
  maskEVoucher,
  maskSsCard,
  nationEcCodeConfigSchema,
  parseBindingConfig,
  ssCardConfigSchema,
  ssCardTo1101,
} from '../../app/devices/identity/types';
import { AppError } from '../../app/shared/errors';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IdentityError);
    return (e as IdentityError).reason;
  }
  throw new Error('expected an IdentityError');
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

// Shaped as the openhis DllHelper.cs fixtures: `data` is a JSON string inside the envelope.
const EC_DATA = {
  idNo: '11010119650315201X',
  idType: '01',
  userName: '王培训',
  ecToken: '150100ec8b2a4f6d9c3e1b7a5d0f2e4c6a8b',
  insuOrg: '150100',
  ecIndexNo: 'A1B2C3',
  gender: '1',
  birthday: '1965.03.15',
  nationality: 'CHN',
  email: '',
  extra: '',
};
const EC_OK_STRING_DATA = JSON.stringify({
  code: 0,
  message: '成功',
  orgId: 'P15010000001',
  data: JSON.stringify(EC_DATA),
});

describe('e-voucher output', () => {
  it('reads the envelope whose data is a JSON string (openhis fixtures)', () => {
    const v = parseEVoucherOutput(EC_OK_STRING_DATA);
    expect(v).toMatchObject({
      ecToken: EC_DATA.ecToken,
      idNo: EC_DATA.idNo,
      idType: '01',
      userName: '王培训',
      insuOrg: '150100',
      birthday: '1965.03.15',
    });
  });

  it('reads data given as an object, a string code, a BOM and surrounding whitespace', () => {
    const raw = '\uFEFF  ' + JSON.stringify({ code: '0', message: '', data: EC_DATA }) + '\n';
    expect(parseEVoucherOutput(raw).ecToken).toBe(EC_DATA.ecToken);
  });

  it('treats an empty insuOrg as absent and a missing idType as absent', () => {
    const { idType: _omit, ...noType } = EC_DATA;
    const v = parseEVoucherOutput(JSON.stringify({ code: 0, data: { ...noType, insuOrg: '' } }));
    expect(v.insuOrg).toBeUndefined();
    expect(v.idType).toBeUndefined();
    expect(eVoucherTo1101(v)).not.toHaveProperty('psn_cert_type');
  });

  it('refuses a non-zero code with the decoder message, and -2 unless configured', () => {
    const refused = JSON.stringify({ code: -1, message: '二维码已过期，请刷新后重试', data: null });
    expect(reasonOf(() => parseEVoucherOutput(refused))).toBe('DECODE_REFUSED');
    expect(messageOf(() => parseEVoucherOutput(refused))).toBe(
      '电子凭证解码失败（返回码-1）：二维码已过期，请刷新后重试',
    );
    try {
      parseEVoucherOutput(refused);
    } catch (e) {
      expect((e as IdentityError).dllCode).toBe('-1');
    }
    const minus2 = JSON.stringify({ code: -2, message: '', data: EC_DATA });
    expect(reasonOf(() => parseEVoucherOutput(minus2))).toBe('DECODE_REFUSED');
    expect(parseEVoucherOutput(minus2, ['0', '-2']).ecToken).toBe(EC_DATA.ecToken);
  });

  it('masks an ID number that a refusal message repeats', () => {
    const raw = JSON.stringify({ code: 1, message: '证件11010119650315201X未参保' });
    const msg = messageOf(() => parseEVoucherOutput(raw));
    expect(msg).not.toContain('11010119650315201X');
    expect(msg).toContain('110101********201X');
  });

  it.each([
    ['', '没有返回任何内容'],
    ['<html>502</html>', '不是有效的JSON'],
    ['[1,2]', '不是有效的JSON'],
    [JSON.stringify({ message: 'x', data: EC_DATA }), '缺少返回码'],
    [JSON.stringify({ code: 0 }), '缺少参保人信息'],
    [JSON.stringify({ code: 0, data: '{broken' }), 'data不是有效的JSON'],
    [JSON.stringify({ code: 0, data: { ...EC_DATA, ecToken: '' } }), 'ecToken'],
    [JSON.stringify({ code: 0, data: { ...EC_DATA, ecToken: 'x'.repeat(51) } }), '超过50个字符'],
    [JSON.stringify({ code: 0, data: { ...EC_DATA, userName: undefined } }), 'userName'],
    [JSON.stringify({ code: 0, data: { ...EC_DATA, insuOrg: '15' } }), '6位数字'],
  ])('bad output %# is BAD_OUTPUT with a Chinese reason', (raw, fragment) => {
    expect(reasonOf(() => parseEVoucherOutput(raw))).toBe('BAD_OUTPUT');
    expect(messageOf(() => parseEVoucherOutput(raw))).toContain(fragment);
  });

  it('never echoes personal values in a validation message', () => {
    const raw = JSON.stringify({ code: 0, data: { ...EC_DATA, ecToken: 'x'.repeat(60) } });
    const msg = messageOf(() => parseEVoucherOutput(raw));
    expect(msg).not.toContain('王培训');
    expect(msg).not.toContain(EC_DATA.idNo);
  });

  it('judges the DLL status string or int', () => {
    expect(isOkStatus('0000')).toBe(true);
    expect(isOkStatus(' 0000 ')).toBe(true);
    expect(isOkStatus(0)).toBe(true);
    expect(isOkStatus(null)).toBe(true);
    expect(isOkStatus('-1')).toBe(false);
    expect(isOkStatus(-1)).toBe(false);
    expect(isOkStatus('1', ['1'])).toBe(true);
  });
});

describe('e-voucher request', () => {
  it('builds the ec.query envelope with the pharmacy business type', () => {
    const json = buildEVoucherRequest({ orgId: 'P11010000001', operatorId: 'op01', operatorName: '收款员甲' });
    expect(JSON.parse(json)).toEqual({
      orgId: 'P11010000001',
      transType: 'ec.query',
      data: {
        orgId: 'P11010000001',
        businessType: '02121',
        operatorId: 'op01',
        operatorName: '收款员甲',
        officeId: '',
        officeName: '',
        deviceType: '',
      },
    });
  });

  it('sends the scanned text only where a build names a field for it, and extra when given', () => {
    const ctx = { orgId: 'P1', businessType: '01101', deviceType: 'SelfService' };
    const plain = JSON.parse(buildEVoucherRequest(ctx, { qrPayload: 'QR' })) as { data: Record<string, string> };
    expect(Object.values(plain.data)).not.toContain('QR');
    expect(plain.data.businessType).toBe('01101');
    const withField = JSON.parse(
      buildEVoucherRequest(ctx, { qrPayload: 'QR', qrField: 'qrCode', extra: '{}', transType: 'cn.nhsa.qrcode.get' }),
    ) as { transType: string; extra: string; data: Record<string, string> };
    expect(withField.data.qrCode).toBe('QR');
    expect(withField.extra).toBe('{}');
    expect(withField.transType).toBe('cn.nhsa.qrcode.get');
  });
});

// card-readers.md §B.2 examples
const CARD_V2 =
  '639900|111111198101011110|X00000019|639900D15600000500BF7C7A48FB4966|张三|00814E43238697159900BF7C7A|2.00|20101001|20201001|||';
const CARD_V3_NO_HSM = '411600|||411600D156000005C38275EEFC9B9648||008C544CB386844116018593CA|3.00|20211203|20311202|';

describe('social-security card output', () => {
  it('reads the 11-field string with its trailing separator', () => {
    expect(parseSsCardOutput(CARD_V2)).toEqual({
      admdvs: '639900',
      idNo: '111111198101011110',
      cardNo: 'X00000019',
      cardSn: '639900D15600000500BF7C7A48FB4966',
      name: '张三',
      cardVersion: '2.00',
      issuedOn: '20101001',
      validUntil: '20201001',
    });
  });

  it('trims padding and trailing NULs some DLLs leave', () => {
    const c = parseSsCardOutput(' 639900 |111111198101011110| X00000019 |639900D15600000500BF7C7A48FB4966|张三 |\0\0');
    expect(c.cardNo).toBe('X00000019');
    expect(c.name).toBe('张三');
    expect(c.cardVersion).toBeUndefined();
  });

  it('explains a 3.00 card read without the 加密机 step', () => {
    expect(reasonOf(() => parseSsCardOutput(CARD_V3_NO_HSM))).toBe('CARD_NEEDS_HSM');
    expect(messageOf(() => parseSsCardOutput(CARD_V3_NO_HSM))).toContain('规范版本3.00');
  });

  it('refuses empty, short and malformed strings', () => {
    expect(reasonOf(() => parseSsCardOutput(''))).toBe('BAD_OUTPUT');
    expect(messageOf(() => parseSsCardOutput('639900|1111'))).toContain('只有2个字段');
    expect(reasonOf(() => parseSsCardOutput('639900|111|X01||张三|'))).toBe('BAD_OUTPUT');
    expect(messageOf(() => parseSsCardOutput('63|111|X01|SN|张三|'))).toContain('6位数字');
  });

  it('follows a configured layout (a regional DLL with another order and separator)', () => {
    const layout = {
      separator: ',',
      fields: { admdvs: 1, cardNo: 2, cardSn: 3, name: 4, idNo: 5 },
    };
    const c = parseSsCardOutput('440300,K123,440300D156000005000000000000A001,李四,440301199001011234', layout);
    expect(c).toMatchObject({ cardNo: 'K123', name: '李四', idNo: '440301199001011234', admdvs: '440300' });
    expect(DEFAULT_SS_CARD_LAYOUT.fields.cardNo).toBe(3);
  });

  it('maps return codes: no card, 加密机 needed, other failure', () => {
    expect(ssCardFailure(-2, '').reason).toBe('CARD_NOT_PRESENT');
    expect(ssCardFailure(-2, '').message).toContain('请插卡');
    expect(ssCardFailure(-2201, '').reason).toBe('CARD_NEEDS_HSM');
    const other = ssCardFailure(-11, '读卡器连接错误');
    expect(other.reason).toBe('DLL_FAILED');
    expect(other.dllCode).toBe('-11');
    expect(other.message).toBe('读社保卡失败（返回码-11：读卡器连接错误）');
    expect(ssCardFailure(-5, '', { cardAbsent: [-5], needsHsm: [] }).reason).toBe('CARD_NOT_PRESENT');
  });
});

describe('1101 inputs and masking', () => {
  it('maps an e-voucher to 01 + ecToken', () => {
    const v = parseEVoucherOutput(EC_OK_STRING_DATA);
    expect(eVoucherTo1101(v)).toEqual({
      mdtrt_cert_type: '01',
      mdtrt_cert_no: EC_DATA.ecToken,
      psn_cert_type: '01',
      certno: EC_DATA.idNo,
      psn_name: '王培训',
    });
  });

  it('maps a card to 03 + 卡号 + card_sn, adding certno only for a resident ID number', () => {
    const card = parseSsCardOutput(CARD_V2);
    expect(ssCardTo1101(card)).toEqual({
      mdtrt_cert_type: '03',
      mdtrt_cert_no: 'X00000019',
      card_sn: '639900D15600000500BF7C7A48FB4966',
      psn_cert_type: '01',
      certno: '111111198101011110',
      psn_name: '张三',
    });
    expect(ssCardTo1101({ ...card, idNo: 'SB0001' })).not.toHaveProperty('certno');
  });

  it('log summaries hide names, ID and card numbers', () => {
    const text = JSON.stringify([
      maskEVoucher(parseEVoucherOutput(EC_OK_STRING_DATA)),
      maskSsCard(parseSsCardOutput(CARD_V2)),
    ]);
    for (const secret of [EC_DATA.idNo, EC_DATA.ecToken, '王培训', '张三', '111111198101011110', 'X00000019']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('binding configuration', () => {
  it('fills the documented defaults', () => {
    const ec = parseBindingConfig(
      nationEcCodeConfigSchema,
      { dllPath: 'C:\\ec\\NationECCode.dll', url: 'http://x' },
      'x',
    );
    expect(ec).toMatchObject({
      functionName: 'NationEcTrans',
      convention: 'stdcall',
      returns: 'string',
      outputBufferSize: 20480,
      encoding: 'gbk',
      okCodes: ['0'],
      callMode: 'async',
    });
    const card = parseBindingConfig(ssCardConfigSchema, { dllPath: 'C:\\card\\SSCardDriver.dll' }, 'x');
    expect(card).toMatchObject({
      functionName: 'iReadCardBas',
      signature: 'type-out',
      cardType: 3,
      outputBufferSize: 8192,
      layout: { separator: '|', fields: { cardNo: 3, cardSn: 4, name: 5 } },
      returnCodes: { cardAbsent: [-2] },
    });
    expect(card.init).toBeUndefined();
  });

  it('reports what is missing in Chinese', () => {
    const e = (() => {
      try {
        parseBindingConfig(nationEcCodeConfigSchema, { dllPath: '', outputBufferSize: 10 }, '电子凭证解码库');
      } catch (err) {
        return err as IdentityError;
      }
      throw new Error('expected failure');
    })();
    expect(e.reason).toBe('NOT_CONFIGURED');
    expect(e.code).toBe('SETTINGS_INVALID');
    expect(e.message).toContain('电子凭证解码库配置有误');
    expect(e.message).toContain('NationECCode.dll');
    expect(e.message).toContain('缓冲区不能小于256字节');
  });

  it('turns loader failures into identity errors', () => {
    class Fake extends AppError {
      readonly reason = 'EXPORT_MISSING';
    }
    const e = identityErrorFrom(new Fake('INTERNAL', '动态库 a.dll 中没有函数 F'), '社保卡读卡库');
    expect(e.reason).toBe('DEVICE_MISSING');
    expect(e.message).toBe('社保卡读卡库：动态库 a.dll 中没有函数 F');
    expect(identityErrorFrom(new Error('boom'), '读卡库').reason).toBe('DLL_FAILED');
  });
});
