import { describe, expect, it } from 'vitest';
import { ProductIndex } from '../../app/catalogue/search/product-index';
import { parseQuery } from '../../app/catalogue/search/query';
import { catalogueFixture, productInput, setStock } from '../fixtures/products/catalogue-fixture';

function shop() {
  const f = catalogueFixture();
  const save = (over: Parameters<typeof productInput>[0]) => f.catalogue.products.save(productInput(over));
  const p = {
    amoxCap: save({
      code: '1001',
      genericName: '阿莫西林胶囊',
      tradeName: '阿莫仙',
      spec: '0.25g*24粒',
      manufacturer: '珠海联邦制药股份有限公司',
      barcodes: ['6901234567892'],
    }),
    amoxCap5: save({ code: '1002', genericName: '阿莫西林胶囊', spec: '0.5g*12粒', manufacturer: '石药集团' }),
    amoxGran: save({ code: '1003', genericName: '阿莫西林颗粒', spec: '0.125g*12袋' }),
    ibuprofen: save({ code: '1004', genericName: '布洛芬缓释胶囊', tradeName: '芬必得', rxClass: 'otc_b' }),
    shenling: save({ code: '1005', genericName: '参苓白术散', rxClass: 'otc_a' }),
    // its code starts with the first product's barcode: a barcode scan must still show the scanned box first
    lookalike: save({ code: '69012345678', genericName: '维生素C片', rxClass: 'otc_b' }),
  };
  return { ...f, save, p };
}

const codes = (hits: { code: string }[]) => hits.map((h) => h.code);

describe('counter search', () => {
  it('finds an exact barcode first, even against an in-stock partial match', () => {
    const { catalogue, db, p } = shop();
    setStock(db, p.lookalike.id, 50);
    const hits = catalogue.index.search('6901234567892', 20);
    expect(hits[0]).toMatchObject({ code: '1001', matchedBy: 'barcode' });
    expect(codes(catalogue.index.search('69012345678', 20))[0]).toBe('69012345678');
    expect(catalogue.index.search('1004', 20)[0]).toMatchObject({ code: '1004', matchedBy: 'code' });
  });

  it('finds by national code', () => {
    const { catalogue, db, p } = shop();
    db.prepare('UPDATE products SET nat_code = ? WHERE id = ?').run('XJ01CAA040A001010100001', p.amoxCap5.id);
    const hits = catalogue.index.search('xj01caa040a001010100001', 20);
    expect(hits[0]).toMatchObject({ code: '1002', matchedBy: 'nat_code' });
  });

  it('ranks in-stock products before others, then by match quality', () => {
    const { catalogue, db, p } = shop();
    expect(codes(catalogue.index.search('amxl', 20))).toEqual(['1001', '1002', '1003']);
    setStock(db, p.amoxGran.id, 10);
    expect(codes(catalogue.index.search('amxl', 20))).toEqual(['1003', '1001', '1002']);
    setStock(db, p.amoxGran.id, 0);
    expect(codes(catalogue.index.search('amxl', 20))).toEqual(['1001', '1002', '1003']);
    // a whole-name match beats a name prefix among products equally in stock
    expect(codes(catalogue.index.search('阿莫西林颗粒', 20))).toEqual(['1003']);
    expect(codes(catalogue.index.search('阿莫西林', 20))).toEqual(['1001', '1002', '1003']);
  });

  it('matches pinyin initials, full pinyin, every reading of a polyphone, and name fragments', () => {
    const { catalogue } = shop();
    expect(catalogue.index.search('amxl', 5)[0]).toMatchObject({
      genericName: '阿莫西林胶囊',
      matchedBy: 'pinyin_initials',
    });
    expect(catalogue.index.search('AMXLKL', 5).map((h) => h.code)).toEqual(['1003']);
    expect(catalogue.index.search('amoxilin', 5)[0]).toMatchObject({ matchedBy: 'pinyin_full' });
    expect(codes(catalogue.index.search('slbzs', 5))).toEqual(['1005']);
    expect(codes(catalogue.index.search('clbzs', 5))).toEqual(['1005']);
    expect(codes(catalogue.index.search('西林', 5))).toEqual(['1001', '1002', '1003']);
    expect(catalogue.index.search('芬必得', 5)[0]).toMatchObject({ code: '1004', matchedBy: 'name' });
    expect(codes(catalogue.index.search('fbd', 5))).toEqual(['1004']);
    expect(codes(catalogue.index.search('wssc', 5))).toEqual(['69012345678']);
  });

  it('narrows with further tokens: spec, maker', () => {
    const { catalogue } = shop();
    expect(codes(catalogue.index.search('amxl 0.25', 20))).toEqual(['1001']);
    expect(codes(catalogue.index.search('阿莫西林0.5g', 20))).toEqual(['1002']);
    expect(codes(catalogue.index.search('amxl 石药', 20))).toEqual(['1002']);
    expect(codes(catalogue.index.search('0.25g×24 amxl', 20))).toEqual(['1001']);
    expect(catalogue.index.search('amxl 9.99', 20)).toEqual([]);
  });

  it('respects the limit and leaves out inactive products', () => {
    const { catalogue, save, p } = shop();
    expect(catalogue.index.search('amxl', 2)).toHaveLength(2);
    save({ ...productInput({ code: '1003', genericName: '阿莫西林颗粒' }), id: p.amoxGran.id, active: false });
    expect(codes(catalogue.index.search('amxl', 20))).toEqual(['1001', '1002']);
  });

  it('follows saves at once, and notices writes it was not told about', () => {
    const { catalogue, db, save, p } = shop();
    expect(codes(catalogue.index.search('blf', 5))).toEqual(['1004']);
    save({ id: p.ibuprofen.id, code: '1004', genericName: '对乙酰氨基酚片', barcodes: ['6920000000001'] });
    expect(catalogue.index.search('blf', 5)).toEqual([]);
    expect(codes(catalogue.index.search('dyxajfp', 5))).toEqual(['1004']);
    expect(codes(catalogue.index.search('6920000000001', 5))).toEqual(['1004']);
    const builds = catalogue.index.info().builds;
    // another writer (another process on the same file, a repair script): the clock tells the index
    db.prepare("UPDATE products SET generic_name = '板蓝根颗粒', pinyin_initials = 'blgkl' WHERE id = ?").run(
      p.shenling.id,
    );
    expect(codes(catalogue.index.search('板蓝根', 5))).toEqual(['1005']);
    expect(catalogue.index.info().builds).toBe(builds + 1);
    db.prepare('DELETE FROM product_barcodes WHERE barcode = ?').run('6920000000001');
    expect(catalogue.index.search('6920000000001', 5)).toEqual([]);
  });

  it('reads stock changes without rebuilding, including deleted stock rows', () => {
    const { catalogue, db, p } = shop();
    catalogue.index.search('amxl', 5);
    const builds = catalogue.index.info().builds;
    setStock(db, p.amoxCap5.id, 3);
    const hits = catalogue.index.search('amxl', 5);
    expect(hits[0]).toMatchObject({ code: '1002', stockQty: 3 });
    db.prepare('DELETE FROM product_stock WHERE product_id = ?').run(p.amoxCap5.id);
    expect(codes(catalogue.index.search('amxl', 5))[0]).toBe('1001');
    expect(catalogue.index.info().builds).toBe(builds);
  });

  it('reads what the cashier typed', () => {
    expect(parseQuery('amxl 0.25')).toMatchObject({ main: { text: 'amxl', cls: 'letters' }, filters: ['0.25'] });
    expect(parseQuery('阿莫西林0.25g')).toMatchObject({ main: { text: '阿莫西林' }, filters: ['0.25g'] });
    expect(parseQuery('维生素C')).toMatchObject({ main: { text: '维生素c' }, filters: [] });
    expect(parseQuery(' 6901234567892 ')).toMatchObject({ compact: '6901234567892', main: { cls: 'other' } });
  });
});

describe('search structures', () => {
  it('stay equal to a fresh build through many edits', () => {
    const f = catalogueFixture();
    const names = ['阿莫西林胶囊', '布洛芬缓释胶囊', '参苓白术散', '板蓝根颗粒', '维生素C片', '重感灵片', '长春西汀片'];
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const ids: number[] = [];
    for (let i = 0; i < 120; i++) {
      ids.push(
        f.catalogue.products.save(
          productInput({
            code: `E${i}`,
            genericName: names[i % names.length]!,
            barcodes: [`69${String(i).padStart(11, '0')}`],
          }),
        ).id,
      );
    }
    const queries = ['amxl', 'blf', 'slbzs', '胶囊', '颗粒', 'e1', '690000000001', 'amoxi', 'xilin', 'wssc', 'zglp'];
    const fresh = () => {
      const index = new ProductIndex(f.db, f.catalogue.facts);
      return queries.map((q) =>
        index
          .search(q, 200)
          .map((h) => `${h.code}:${h.matchedBy}`)
          .sort(),
      );
    };
    // prime the live index, then edit: rename, move barcodes, deactivate, reactivate
    f.catalogue.index.search('amxl', 5);
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 250; k++) {
        const i = rnd(ids.length);
        f.catalogue.products.save(
          productInput({
            id: ids[i],
            code: `E${i}`,
            genericName: names[rnd(names.length)]!,
            barcodes: rnd(3) ? [`69${String(i + 1000 * round).padStart(11, '0')}`] : [],
            active: rnd(10) > 0,
          }),
        );
      }
      const live = queries.map((q) =>
        f.catalogue.index
          .search(q, 200)
          .map((h) => `${h.code}:${h.matchedBy}`)
          .sort(),
      );
      expect(live).toEqual(fresh());
    }
    // every edit was patched in, none needed a rebuild
    expect(f.catalogue.index.info().builds).toBe(1);
  });
});
