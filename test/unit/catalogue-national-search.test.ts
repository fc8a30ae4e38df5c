import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../app/core/logger';
import { openDatabase } from '../../app/db/connection';
import { migrate } from '../../app/db/migrate';
import { MIGRATIONS } from '../../app/db/migrations';
import { createNationalSearch } from '../../app/catalogue/sync/national-search';
import { tempDir } from '../support/tmp';

function db() {
  const d = openDatabase(path.join(tempDir('nat-search-'), 'pos.sqlite'));
  migrate(d, MIGRATIONS);
  const ins = d.prepare(`INSERT INTO nat_items (catalogue, code, name, trade_name, spec, dosform, manufacturer, aprvno,
    otc_flag, chrgitm_lv, pinyin, vali_flag, ver, updt_time, cols) VALUES (?, ?, ?, ?, '0.25g', '胶囊剂', '某药业', ?, '0', ?, ?, '1', '1', NULL, '[]')`);
  ins.run('1301', 'XJ01CAA040B001010200001', '阿莫西林胶囊', '阿莫仙', '国药准字H20001234', '甲', 'AMXLJN');
  ins.run('1301', 'XJ01CAA040A001010200002', '阿莫西林片', null, '国药准字H20005678', '乙', 'AMXLP');
  ins.run('1301', 'XJ01CRA041A001010200003', '阿莫西林克拉维酸钾片', null, '国药准字H20009999', '乙', 'AMXLKLWSJP');
  ins.run('1301', 'ZA04AAL001B001200004', '连花清瘟胶囊', null, '国药准字Z20040063', '乙', 'LHQWJN');
  ins.run('1302', 'T0000000200001', '黄芪', null, null, null, 'HQ');
  ins.run('1306', 'C0344051070500200005', '医用外科口罩（17.5cm×9.5cm）', null, '国械注准20213140123', null, 'YYWKKZ');
  return d;
}

describe('national search', () => {
  it('finds by name fragment, ranking prefixes and short names first', async () => {
    const d = db();
    const s = createNationalSearch(d, createMemoryLogger());
    const hits = await s.search('阿莫西林', { limit: 10 });
    expect(hits.map((h) => h.name)).toEqual(['阿莫西林片', '阿莫西林胶囊', '阿莫西林克拉维酸钾片']);
    expect(hits[1]).toMatchObject({ tradeName: '阿莫仙', chrgitmLv: '甲', spec: '0.25g', dosform: '胶囊剂' });
    expect((await s.search('西林', { limit: 10 })).length).toBe(3);
    expect((await s.search('胶囊', { limit: 10 })).map((h) => h.code).sort()).toEqual([
      'XJ01CAA040B001010200001',
      'ZA04AAL001B001200004',
    ]);
    d.close();
  });

  it('finds by exact code first, code prefix, pinyin initials and approval number', async () => {
    const d = db();
    const s = createNationalSearch(d, createMemoryLogger());
    expect((await s.search('XJ01CAA040A001010200002', { limit: 5 }))[0]!.name).toBe('阿莫西林片');
    expect((await s.search('xj01c', { limit: 5 })).length).toBe(3);
    expect((await s.search('amxl', { limit: 5 }))[0]!.name).toBe('阿莫西林片');
    expect((await s.search('lhqw', { limit: 5 })).map((h) => h.name)).toEqual(['连花清瘟胶囊']);
    expect((await s.search('国药准字Z20040063', { limit: 5 })).map((h) => h.name)).toEqual(['连花清瘟胶囊']);
    expect((await s.search('Z20040063', { limit: 5 })).map((h) => h.name)).toEqual(['连花清瘟胶囊']);
    expect((await s.search('ｌｈｑｗ', { limit: 5 })).map((h) => h.name)).toEqual(['连花清瘟胶囊']);
    expect(await s.search('不存在的药', { limit: 5 })).toEqual([]);
    d.close();
  });

  it('filters by catalogue and sees changes after invalidate', async () => {
    const d = db();
    const s = createNationalSearch(d, createMemoryLogger());
    expect((await s.search('黄芪', { limit: 5, catalogue: '1301' })).length).toBe(0);
    expect((await s.search('黄芪', { limit: 5, catalogue: '1302' })).length).toBe(1);
    d.prepare("UPDATE nat_items SET name = '炙黄芪' WHERE catalogue = '1302'").run();
    expect((await s.search('炙黄芪', { limit: 5 })).length).toBe(0);
    s.invalidate();
    expect((await s.search('炙黄芪', { limit: 5 })).map((h) => h.name)).toEqual(['炙黄芪']);
    s.close();
    d.close();
  });
});
