import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { decodeCsv } from '../../app/catalogue/products/import/sheet';
import { catalogueFixture } from '../fixtures/products/catalogue-fixture';

const GBK_CSV = path.join(__dirname, '..', 'fixtures', 'products', 'import-gbk.csv');

function problemsAt(report: { problems: { row: number; field: string; message: string }[] }, row: number) {
  return report.problems.filter((p) => p.row === row);
}

describe('product import', () => {
  it('imports a GBK csv from Chinese Excel: good rows in, bad rows reported by row and column', async () => {
    const { catalogue } = catalogueFixture();
    const bytes = fs.readFileSync(GBK_CSV);
    expect(decodeCsv(bytes).encoding).toBe('gb18030');

    const report = await catalogue.importFile('商品档案.csv', bytes, false);
    expect(report.fatal).toBeNull();
    expect(report).toMatchObject({ total: 9, created: 4, updated: 0, skipped: 5 });
    expect(problemsAt(report, 4)).toEqual([
      { row: 4, field: '零售价(元)', message: expect.stringContaining('“abc”不是有效的金额') },
    ]);
    expect(problemsAt(report, 5)).toEqual([
      { row: 5, field: '处方分类', message: expect.stringContaining('未注明甲类还是乙类') },
    ]);
    expect(problemsAt(report, 6)).toEqual([{ row: 6, field: '条码', message: '条码“6901234567892”与第 2 行重复' }]);
    expect(problemsAt(report, 7)).toEqual([{ row: 7, field: '商品编码', message: '商品编码“G001”与第 2 行重复' }]);
    expect(problemsAt(report, 9)).toEqual([{ row: 9, field: '拆零价', message: '没有拆零单位的商品不能设置拆零价' }]);

    const list = catalogue.products.list({ limit: 50, offset: 0 });
    expect(list.rows.map((r) => r.code)).toEqual(['G001', 'G002', 'G006', 'G008']);
    const g001 = list.rows.find((r) => r.code === 'G001')!;
    expect(g001).toMatchObject({
      genericName: '阿莫西林胶囊',
      tradeName: '阿莫仙',
      spec: '0.25g*24粒',
      aprvno: '国药准字H44021351',
      splitUnit: '粒',
      splitFactor: 24,
      retailPriceFen: 1250,
      memberPriceFen: 1180,
      splitPriceFen: 60,
      rxClass: 'rx',
      barcodes: ['6901234567892', '6901234567908'],
      natCode: 'XJ01CAA040E001010100593',
      mapping: { state: 'unmapped' },
    });
    expect(list.rows.find((r) => r.code === 'G002')).toMatchObject({
      rxClass: 'otc_a',
      specialFlags: ['ephedrine', 'special_compound'],
    });
    expect(list.rows.find((r) => r.code === 'G006')).toMatchObject({
      spec: '每片含甘草浸膏粉112.5mg,阿片粉4mg',
      specialFlags: ['special_compound'],
    });
    expect(list.rows.find((r) => r.code === 'G008')).toMatchObject({
      specialFlags: ['cold_chain'],
      storage: '2-8℃冷藏',
    });

    // the search index follows the import
    expect(catalogue.index.search('amxl', 5)[0]).toMatchObject({ code: 'G001' });
    expect(catalogue.index.search('6901234567908', 5)[0]).toMatchObject({ code: 'G001', matchedBy: 'barcode' });
  });

  it('imports an xlsx with a title row, numbers typed as numbers, and updates by code', async () => {
    const { catalogue } = catalogueFixture();
    const sheet = [
      ['本店商品档案（2026年11月导出）'],
      ['*商品编码', '药品通用名', '规格', '生产厂家', '单位', '零售价', '处方类别', '条形码', '冷链'],
      ['X001', '阿莫西林胶囊', '0.25g*24粒', '珠海联邦制药', '盒', 12.5, 'Rx', 6901234567892, '否'],
      // a price computed by a formula arrives with binary-float residue; it is still 13.20
      ['X002', '布洛芬缓释胶囊', '0.3g*20粒', '中美史克', '盒', 13.200000000000001, '乙类OTC', 6903333333336, '否'],
      ['X003', '胰岛素注射液', '3ml:300IU', '通化东宝', '支', 68, '处方药', '', '是'],
      ['X004', '', '10mg', '', '盒', 5, '处方药', '', ''],
      ['X005', '维生素C片', '0.1g*100片', '', '瓶', 3.456, '非药品', '', ''],
    ];
    const bytes = await writeXlsxFile(sheet).toBuffer();
    const report = await catalogue.importFile('products.xlsx', bytes, false);
    expect(report.fatal).toBeNull();
    expect(report).toMatchObject({ total: 5, created: 3, updated: 0, skipped: 2 });
    expect(report.problems).toEqual([
      { row: 6, field: '药品通用名', message: '药品通用名不能为空' },
      { row: 7, field: '零售价', message: expect.stringContaining('超过两位小数') },
    ]);
    const x2 = catalogue.products.list({ q: 'X002', limit: 5, offset: 0 }).rows[0]!;
    expect(x2).toMatchObject({ retailPriceFen: 1320, rxClass: 'otc_b', barcodes: ['6903333333336'] });
    expect(catalogue.products.list({ q: 'X003', limit: 5, offset: 0 }).rows[0]).toMatchObject({
      specialFlags: ['cold_chain'],
    });

    // a second file updates by code: only its columns change, the rest stays
    const update = await writeXlsxFile([
      ['商品编码', '通用名', '单位', '零售价', '处方分类', '会员价'],
      ['x002', '布洛芬缓释胶囊', '盒', '14.00', '乙类非处方药', '13.50'],
    ]).toBuffer();
    const second = await catalogue.importFile('update.xlsx', update, false);
    expect(second).toMatchObject({ total: 1, created: 0, updated: 1, skipped: 0, fatal: null });
    expect(catalogue.products.get(x2.id)).toMatchObject({
      code: 'x002',
      retailPriceFen: 1400,
      memberPriceFen: 1350,
      spec: '0.3g*20粒',
      manufacturer: '中美史克',
      barcodes: ['6903333333336'],
    });
  });

  it('dry run reports what would happen and writes nothing', async () => {
    const { catalogue } = catalogueFixture();
    const report = await catalogue.importFile('商品档案.csv', fs.readFileSync(GBK_CSV), true);
    expect(report).toMatchObject({ total: 9, created: 4, skipped: 5, fatal: null });
    expect(catalogue.products.list({ limit: 50, offset: 0 }).total).toBe(0);
    expect(catalogue.index.search('amxl', 5)).toEqual([]);
  });

  it('imports nothing from a file that lacks required columns, and names them', async () => {
    const { catalogue } = catalogueFixture();
    const csv = '\ufeff商品编码,通用名,单位,条码\r\nA1,阿莫西林胶囊,盒,6901234567892\r\n';
    const report = await catalogue.importFile('缺列.csv', Buffer.from(csv, 'utf8'), false);
    expect(report.fatal).toMatch(/^缺少必需的列：零售价、处方分类，未导入任何数据/);
    expect(report).toMatchObject({ created: 0, updated: 0 });
    expect(catalogue.products.list({ limit: 10, offset: 0 }).total).toBe(0);
  });

  it('says clearly what is wrong with a file it cannot read', async () => {
    const { catalogue } = catalogueFixture();
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect((await catalogue.importFile('old.xlsx', xls, false)).fatal).toContain('.xls');
    const broken = Buffer.from('PK\u0003\u0004 not really a zip');
    expect((await catalogue.importFile('broken.xlsx', broken, false)).fatal).toContain('无法读取 Excel 文件');
    const quote = Buffer.from('商品编码,通用名,单位,零售价,处方分类\n"A1,阿莫西林,盒,1,处方药\n', 'utf8');
    expect((await catalogue.importFile('q.csv', quote, false)).fatal).toContain('引号');
  });

  it('moves a barcode between two products of the same file, and refuses one owned outside it', async () => {
    const { catalogue } = catalogueFixture();
    const head = '商品编码,通用名,单位,零售价,处方分类,条码';
    await catalogue.importFile(
      'a.csv',
      Buffer.from(
        `${head}\nA,甲药,盒,1,处方药,111111111\nB,乙药,盒,1,处方药,222222222\nC,丙药,盒,1,处方药,333333333\n`,
      ),
      false,
    );
    // B gives 222222222 to A; C asks for 111111111, which stays with... A gives it up too
    const r = await catalogue.importFile(
      'b.csv',
      Buffer.from(`${head}\nA,甲药,盒,1,处方药,222222222\nB,乙药,盒,1,处方药,\nD,丁药,盒,1,处方药,333333333\n`),
      false,
    );
    expect(r.problems).toEqual([{ row: 4, field: '条码', message: '条码“333333333”已属于商品“丙药”（C）' }]);
    expect(r).toMatchObject({ updated: 2, created: 0, skipped: 1 });
    expect(catalogue.index.search('222222222', 5)[0]).toMatchObject({ code: 'A', matchedBy: 'barcode' });
    expect(catalogue.index.search('111111111', 5)).toEqual([]);
  });
});

describe('product import and mappings', () => {
  it('will not change the national code of a mapped product', async () => {
    const { catalogue, db } = catalogueFixture();
    const head = '商品编码,通用名,单位,零售价,处方分类,国家医保编码';
    await catalogue.importFile(
      'a.csv',
      Buffer.from(`${head}\nN1,阿莫西林胶囊,盒,1,处方药,XJ01CAA040A001010100001\n`),
      false,
    );
    const p = catalogue.products.list({ q: 'N1', limit: 1, offset: 0 }).rows[0]!;
    db.prepare(
      `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, confirmed_at, updated_at)
       VALUES (?, 'XJ01CAA040A001010100001', '1301', '101', 'uploaded', 0, 0)`,
    ).run(p.id);
    const r = await catalogue.importFile(
      'b.csv',
      Buffer.from(`${head}\nN1,阿莫西林胶囊,盒,2,处方药,XJ01CAA040A001010100999\n`),
      false,
    );
    expect(r).toMatchObject({ updated: 0, skipped: 1 });
    expect(r.problems[0]).toMatchObject({
      row: 2,
      field: '国家医保编码',
      message: expect.stringContaining('请在目录对照中修改'),
    });
    // the same code again is fine
    const same = await catalogue.importFile(
      'c.csv',
      Buffer.from(`${head}\nN1,阿莫西林胶囊,盒,2,处方药,XJ01CAA040A001010100001\n`),
      false,
    );
    expect(same).toMatchObject({ updated: 1, skipped: 0 });
  });
});
