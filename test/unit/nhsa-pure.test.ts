import { describe, expect, it } from 'vitest';
import { beijingCompact, beijingDate, beijingDateTime, parseBeijingDateTime } from '../../app/nhsa/beijing-time';
import { parseInfcode } from '../../app/nhsa/client';
import { buildMultipart } from '../../app/nhsa/multipart';
import { profileById, REGION_PROFILES } from '../../app/nhsa/profiles';
import { backoffMs } from '../../app/nhsa/reversal';
import { CODESETS, interfaceSpec } from '../../app/nhsa/registry';
import { checkInput, checkOutput } from '../../app/nhsa/validate';
import { parseMultipart, boundaryOf } from '../../app/sandbox/multipart';
import { routeOf } from '../../app/sandbox/routes';
import { yuanToFen } from '../../app/shared/money';

// The pure parts of the client, each checked against an independent source where one exists
// (the sandbox's own routes and multipart reader, hand-computed Beijing times).

describe('Beijing time on the wire', () => {
  it('is UTC+8 whatever the host zone, across midnight and a year end', () => {
    const t = new Date(Date.UTC(2025, 11, 31, 16, 0, 5)); // 2026-01-01 00:00:05 in Beijing
    expect(beijingDateTime(t)).toBe('2026-01-01 00:00:05');
    expect(beijingDate(t)).toBe('2026-01-01');
    expect(beijingCompact(t)).toBe('20260101000005');
    expect(parseBeijingDateTime('2026-01-01 00:00:05')!.getTime()).toBe(t.getTime());
    expect(parseBeijingDateTime('2026-02-30 00:00:00')).toBeNull();
  });
});

describe('parseInfcode', () => {
  it('takes numbers and numeric strings, nothing else', () => {
    expect([0, '0', ' 0 ', -1, '-1', '-2', '00'].map(parseInfcode)).toEqual(['0', '0', '0', '-1', '-1', '-2', '0']);
    expect([null, undefined, '', 'ok', '0.5', NaN, {}].map(parseInfcode)).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('region profiles', () => {
  it('national posts everything to the dispatcher; per_service uses the paths the center routes back to the same infno', () => {
    const national = profileById('national');
    const per = profileById('per_service');
    for (const infno of [
      '9001',
      '9002',
      '9101',
      '9102',
      '1101',
      '1201',
      '2001',
      '2101',
      '2102',
      '2103',
      '2601',
      '5102',
      '100001',
    ]) {
      expect(routeOf(national.pathFor(infno))).toEqual({ kind: 'dispatcher' });
      expect(routeOf(per.pathFor(infno))).toEqual({ kind: 'service', infno });
    }
    expect(national.fileUpload).toBe('multipart');
    expect(per.fileUpload).toBe('json-base64');
    expect(() => profileById('nowhere')).toThrow();
    expect(Object.keys(REGION_PROFILES).sort()).toEqual(['national', 'per_service']);
  });
});

describe('multipart body for 9101', () => {
  it('is read back by the sandbox parser: jsonStr and the file bytes exactly, binary included', () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
    const { body, contentType } = buildMultipart(
      [{ name: 'jsonStr', value: '{"infno":"9101","名":"对账"}' }],
      [{ name: 'file', filename: '对账.zip', bytes }],
    );
    const parts = parseMultipart(body, boundaryOf(contentType)!);
    expect(parts.map((p) => p.name)).toEqual(['jsonStr', 'file']);
    expect(parts[0]!.data.toString('utf8')).toBe('{"infno":"9101","名":"对账"}');
    expect(Buffer.compare(parts[1]!.data, Buffer.from(bytes))).toBe(0);
  });
});

describe('reversal backoff', () => {
  it('5 s, 10 s, 20 s … capped at 10 minutes', () => {
    expect([1, 2, 3, 4, 8, 50].map(backoffMs)).toEqual([5000, 10_000, 20_000, 40_000, 600_000, 600_000]);
  });
});

describe('validation against the registry', () => {
  it('outgoing input is strict; an incoming reply with the same oddities only warns', () => {
    const spec = interfaceSpec('1101')!;
    expect(checkInput(spec, { data: { mdtrt_cert_type: '02', mdtrt_cert_no: 12 } }, CODESETS)).toEqual([
      {
        path: 'input.data.mdtrt_cert_no',
        zh: '就诊凭证编号（mdtrt_cert_no）应为字符串',
        en: 'mdtrt_cert_no: expected a string',
      },
    ]);
    const out = checkOutput(
      spec,
      {
        baseinfo: { psn_no: 1, psn_cert_type: '01', certno: 'x', psn_name: 'y', gend: '1', age: '60.0' },
        insuinfo: [
          {
            balc: '1.00',
            insutype: '310',
            psn_type: '11',
            psn_insu_stas: '1',
            cvlserv_flag: '0',
            insuplc_admdvs: '110100',
          },
        ],
      },
      CODESETS,
    );
    expect(out).toEqual([]);
  });
});

describe('yuanToFen (amounts from replies)', () => {
  it('reads numbers and strings exactly, refuses sub-fen amounts', () => {
    expect([12.5, '12.50', '12.5', 0.1 + 0.2 - 0.3 + 1, '-3.00', 1160, '0.0856'].map(yuanToFen)).toEqual([
      1250,
      1250,
      1250,
      100,
      -300,
      116000,
      null,
    ]);
  });
});
