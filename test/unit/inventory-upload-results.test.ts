import { describe, expect, it } from 'vitest';
import { field, numberField, queryRecords } from '../../app/inventory/readback';
import { verdictOf } from '../../app/inventory/upload-results';
import type { NhsaResult } from '../../app/nhsa/client';

const ok = (output: Record<string, unknown>): NhsaResult => ({
  kind: 'ok',
  infno: '3505',
  msgid: 'm1',
  output,
  warnings: [],
});
const rows = [
  { memo: 'pos:sale_line:1', bchno: '7' },
  { memo: 'pos:sale_line:2', bchno: '7' },
  { memo: 'pos:sale_line:3', bchno: '8' },
];

describe('upload results: what an answer means for each record', () => {
  it('reads the whole-call result: success, refusal of one record, a batch refused whole, an unreadable flag', () => {
    expect(verdictOf(ok({ result: { retRslt: '1', msgRslt: '成功' } }), rows, true)).toEqual({
      kind: 'rows',
      outcomes: rows.map(() => ({ kind: 'sent' })),
    });
    expect(verdictOf(ok({ result: { retRslt: '0', msgRslt: '批号为空' } }), rows.slice(0, 1), false)).toEqual({
      kind: 'rows',
      outcomes: [{ kind: 'refused', message: '批号为空' }],
    });
    expect(verdictOf(ok({ result: { retRslt: 0, msgRslt: '第2行有误' } }), rows, true)).toEqual({
      kind: 'split',
      message: '第2行有误',
    });
    expect(verdictOf(ok({ result: { retRslt: 'Y' } }), rows, true).kind).toBe('doubt');
    // infcode 0 and no business result: accepted (the registry's choice)
    expect(verdictOf(ok({}), rows, true)).toMatchObject({ kind: 'rows', outcomes: [{ kind: 'sent' }, {}, {}] });
  });

  it('applies per-row errors by memo, by a batch serial only when it names one row, and doubts the rest', () => {
    const v = verdictOf(
      ok({
        invinfoErrDetail: [
          { memo: 'pos:sale_line:2', fixmedins_bchno: '7', retRslt: '0', msgRslt: '追溯码长度不对' },
          { fixmedins_bchno: '8', retRslt: '0', msgRslt: '目录编码不存在' },
        ],
      }),
      rows,
      true,
    );
    expect(v).toEqual({
      kind: 'rows',
      outcomes: [
        { kind: 'sent' },
        { kind: 'refused', message: '追溯码长度不对' },
        { kind: 'refused', message: '目录编码不存在' },
      ],
    });
    // two rows of batch 7 and an error naming only the batch: neither is known to be the one
    const ambiguous = verdictOf(
      ok({ purcinfoErrDetail: { fixmedins_bchno: '7', retRslt: '0', msgRslt: 'x' } }),
      rows,
      true,
    );
    expect(ambiguous).toMatchObject({
      kind: 'rows',
      outcomes: [{ kind: 'doubt' }, { kind: 'doubt' }, { kind: 'sent' }],
    });
  });

  it('keeps the three failures apart', () => {
    expect(
      verdictOf({ kind: 'business_error', infno: '3505A', msgid: 'm', infcode: '-1', errMsg: '签名错误' }, rows, true),
    ).toEqual({
      kind: 'split',
      message: '签名错误',
    });
    expect(
      verdictOf(
        { kind: 'business_error', infno: '3505', msgid: 'm', infcode: '-1', errMsg: '重复' },
        rows.slice(0, 1),
        false,
      ),
    ).toEqual({ kind: 'rows', outcomes: [{ kind: 'refused', message: '重复' }] });
    expect(verdictOf({ kind: 'not_sent', infno: '3505', msgid: null, reason: '网络不通' }, rows, true)).toEqual({
      kind: 'retry',
      message: '网络不通',
    });
    const invalid: NhsaResult = {
      kind: 'not_sent',
      infno: '3505',
      msgid: null,
      reason: '缺少生产批号',
      problems: [{ path: 'selinfo.manu_lotnum', zh: '缺少生产批号', en: 'manu_lotnum required' }],
    };
    expect(verdictOf(invalid, rows.slice(0, 1), false)).toEqual({
      kind: 'rows',
      outcomes: [{ kind: 'refused', message: '本地校验未通过：缺少生产批号' }],
    });
    expect(verdictOf({ kind: 'unknown', infno: '3505', msgid: 'm', reason: '超时' }, rows, true)).toEqual({
      kind: 'doubt',
      message: '超时',
    });
  });
});

describe('read-back replies: list, list under a key, one object, camelCase', () => {
  it('reads every shape the notes allow', () => {
    expect(queryRecords([{ fixmedins_bchno: '7', memo: 'a' }]).map((r) => field(r, 'memo'))).toEqual(['a']);
    expect(
      queryRecords({ data: [{ fixmedinsBchno: '7', invCnt: 12.5 }] }).map((r) => numberField(r, 'inv_cnt')),
    ).toEqual([12.5]);
    expect(queryRecords({ fixmedins_bchno: '7', sel_retn_cnt: '3' }).map((r) => field(r, 'sel_retn_cnt'))).toEqual([
      '3',
    ]);
    expect(queryRecords({ result: 'nothing' })).toEqual([]);
    expect(queryRecords(null)).toEqual([]);
  });
});
