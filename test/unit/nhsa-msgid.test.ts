import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createMsgidAllocator } from '../../app/nhsa/msgid';
import { tempDir } from '../support/tmp';

// The allocator on a real SQLite file: sequence per Beijing second, rolling to the next second
// after 9999, persisted so a second allocator (a restart) continues where the first stopped.

const open: Db[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function db(dir = tempDir('pos-msgid-')): { db: Db; file: string } {
  const file = path.join(dir, 'pos.sqlite');
  const d = openDatabase(file);
  migrate(d, MIGRATIONS);
  open.push(d);
  return { db: d, file };
}

const CODE = 'P11010000001';
/** 2025-12-31 23:59:58 in Beijing */
const NEAR_YEAR_END = new Date(Date.UTC(2025, 11, 31, 15, 59, 58));

describe('createMsgidAllocator', () => {
  it('fixmedins_code + Beijing yyyyMMddHHmmss + 4 digits, 30 characters for a 12-character code', () => {
    const a = createMsgidAllocator(db().db);
    const m = a.next(CODE, new Date(Date.UTC(2025, 2, 1, 4, 5, 6)));
    expect(m).toBe('P11010000001202503011205060001');
    expect(m).toHaveLength(30);
  });

  it('more than 9999 in one second roll to the next second (across a year end), then real time takes over', () => {
    const d = db().db;
    const a = createMsgidAllocator(d);
    // the client calls next() inside its journal transaction; one transaction keeps 20 000 calls fast
    const many = d.transaction((n: number) => Array.from({ length: n }, () => a.next(CODE, NEAR_YEAR_END)));
    const ids = many(10_001);
    expect(ids[0]).toBe(`${CODE}202512312359580001`);
    expect(ids[9998]).toBe(`${CODE}202512312359589999`);
    expect(ids[9999]).toBe(`${CODE}202512312359590001`);
    expect(ids[10_000]).toBe(`${CODE}202512312359590002`);
    expect(new Set(ids).size).toBe(ids.length);

    // push the borrowed second past midnight and the year end
    expect(many(9997).at(-1)).toBe(`${CODE}202512312359599999`);
    expect(a.next(CODE, NEAR_YEAR_END)).toBe(`${CODE}202601010000000001`);
    // the real clock reaches that second: the sequence goes on, it does not restart at 0001
    expect(a.next(CODE, new Date(NEAR_YEAR_END.getTime() + 2000))).toBe(`${CODE}202601010000000002`);
    // and a later second starts afresh
    expect(a.next(CODE, new Date(NEAR_YEAR_END.getTime() + 3000))).toBe(`${CODE}202601010000010001`);
  });

  it('a clock set back keeps the last second and counts on', () => {
    const a = createMsgidAllocator(db().db);
    const t = new Date(Date.UTC(2025, 5, 1, 2, 0, 0));
    expect(a.next(CODE, t)).toBe(`${CODE}202506011000000001`);
    expect(a.next(CODE, new Date(t.getTime() - 86_400_000))).toBe(`${CODE}202506011000000002`);
    expect(a.next(CODE, new Date(t.getTime() + 1000))).toBe(`${CODE}202506011000010001`);
  });

  it('a second allocator on the same file (a restart) continues the sequence', () => {
    const dir = tempDir('pos-msgid-');
    const first = db(dir);
    const t = new Date(Date.UTC(2025, 5, 1, 2, 0, 0));
    const a = createMsgidAllocator(first.db);
    a.next(CODE, t);
    a.next(CODE, t);
    first.db.close();
    open.splice(open.indexOf(first.db), 1);

    const b = createMsgidAllocator(db(dir).db);
    expect(b.next(CODE, t)).toBe(`${CODE}202506011000000003`);
  });
});
