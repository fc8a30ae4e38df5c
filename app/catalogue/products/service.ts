import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import type { ChannelParsedInput, MappingState, ProductDetail } from '../../shared/contract';
import { AppError, type FieldProblem } from '../../shared/errors';
import type { ProductIndex } from '../search/product-index';
import type { InsuranceFactsReader } from './insurance-facts';
import {
  MAPPING_STATE_LABEL,
  PRODUCT_COLUMNS,
  normaliseAprvno,
  parseFlags,
  type MappingRow,
  type ProductInput,
  type ProductRow,
} from './model';
import { productKeys } from './pinyin';
import { cleanBarcodes, productRuleProblems } from './rules';

export interface ProductServiceDeps {
  db: Db;
  now: () => number;
  facts: InsuranceFactsReader;
  index: ProductIndex;
}

/** A product ready to be written: validated input plus its computed pinyin keys. */
export interface ProductWrite {
  input: ProductInput;
  /** the product this updates, null for a new one */
  id: number | null;
  keys: { initials: string; full: string };
  /** products.nat_code to set; undefined keeps what is stored (products.save has no such field) */
  natCode?: string | null;
}

export type ProductService = ReturnType<typeof createProductService>;

/** Pinyin keys cost ~40 µs per name: computed once per write and stored, never at search time. */
export function prepareWrite(input: ProductInput, id: number | null, natCode?: string | null): ProductWrite {
  return { input, id, keys: productKeys(input.genericName, input.tradeName ?? null), natCode };
}

export function createProductService(deps: ProductServiceDeps) {
  const { db, index } = deps;

  const byId = db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ?`) as Statement<[number], ProductRow>;
  const byCode = db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE code = ?`) as Statement<
    [string],
    ProductRow
  >;
  const barcodesOf = db
    .prepare('SELECT barcode FROM product_barcodes WHERE product_id = ? ORDER BY rowid')
    .pluck() as Statement<[number], string>;
  const barcodeOwner = db.prepare(
    `SELECT p.id, p.code, p.generic_name FROM product_barcodes b JOIN products p ON p.id = b.product_id
      WHERE b.barcode = ?`,
  ) as Statement<[string], { id: number; code: string; generic_name: string }>;
  const stockOf = db.prepare('SELECT qty_base FROM product_stock WHERE product_id = ?').pluck() as Statement<
    [number],
    number
  >;
  const mappingOf = db.prepare('SELECT * FROM product_mappings WHERE product_id = ?') as Statement<
    [number],
    MappingRow
  >;
  const insertRow = db.prepare(
    `INSERT INTO products (code, generic_name, trade_name, spec, dosage_form, manufacturer, aprvno, unit, split_unit,
       split_factor, retail_price_fen, member_price_fen, split_price_fen, rx_class, special_flags, storage, category,
       nat_code, pinyin_initials, pinyin_full, active, created_at, updated_at)
     VALUES (@code, @generic_name, @trade_name, @spec, @dosage_form, @manufacturer, @aprvno, @unit, @split_unit,
       @split_factor, @retail_price_fen, @member_price_fen, @split_price_fen, @rx_class, @special_flags, @storage,
       @category, @nat_code, @pinyin_initials, @pinyin_full, @active, @now, @now)`,
  );
  const updateRow = db.prepare(
    `UPDATE products SET code = @code, generic_name = @generic_name, trade_name = @trade_name, spec = @spec,
       dosage_form = @dosage_form, manufacturer = @manufacturer, aprvno = @aprvno, unit = @unit,
       split_unit = @split_unit, split_factor = @split_factor, retail_price_fen = @retail_price_fen,
       member_price_fen = @member_price_fen, split_price_fen = @split_price_fen, rx_class = @rx_class,
       special_flags = @special_flags, storage = @storage, category = @category,
       nat_code = CASE WHEN @keep_nat_code THEN nat_code ELSE @nat_code END,
       pinyin_initials = @pinyin_initials, pinyin_full = @pinyin_full, active = @active, updated_at = @now
     WHERE id = @id`,
  );
  const deleteBarcodes = db.prepare('DELETE FROM product_barcodes WHERE product_id = ?');
  const insertBarcode = db.prepare('INSERT INTO product_barcodes (barcode, product_id) VALUES (?, ?)');

  function rowOf(id: number): ProductRow {
    const row = byId.get(id);
    if (!row) throw new AppError('NOT_FOUND', `找不到该商品（编号 ${id}）`);
    return row;
  }

  function detail(row: ProductRow): ProductDetail {
    const m = mappingOf.get(row.id);
    const state: MappingState = m?.state ?? 'unmapped';
    return {
      id: row.id,
      code: row.code,
      genericName: row.generic_name,
      tradeName: row.trade_name,
      spec: row.spec,
      manufacturer: row.manufacturer,
      unit: row.unit,
      retailPriceFen: row.retail_price_fen,
      rxClass: row.rx_class,
      specialFlags: parseFlags(row.special_flags),
      stockQty: stockOf.get(row.id) ?? 0,
      insurance: deps.facts.factsFor(row.id),
      matchedBy: '',
      barcodes: barcodesOf.all(row.id),
      dosageForm: row.dosage_form,
      aprvno: row.aprvno,
      splitUnit: row.split_unit,
      splitFactor: row.split_factor,
      memberPriceFen: row.member_price_fen,
      splitPriceFen: row.split_price_fen,
      storage: row.storage,
      category: row.category,
      natCode: row.nat_code,
      active: row.active === 1,
      mapping: {
        state,
        natCode: m?.nat_code ?? null,
        catalogue: m?.catalogue ?? null,
        centerMessage: m?.center_message ?? null,
        updatedAt: m ? new Date(m.updated_at).toISOString() : null,
      },
    };
  }

  /**
   * The rules that need the database. `claimed` lets an import say which barcodes the file itself
   * moves between its rows (checked there); a save passes nothing.
   */
  function dbProblems(w: ProductWrite, options: { skipBarcodes?: boolean } = {}): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const p = w.input;
    const sameCode = byCode.get(p.code);
    if (sameCode && sameCode.id !== w.id) {
      problems.push({
        path: 'code',
        message: `商品编码“${p.code}”已被商品“${sameCode.generic_name}”（${sameCode.code}）使用`,
      });
    }
    if (w.id !== null) {
      const old = byId.get(w.id);
      const m = mappingOf.get(w.id);
      if (old && old.code !== p.code && m && (m.state === 'uploaded' || m.state === 'revoking')) {
        problems.push({
          path: 'code',
          message: `该商品的医保目录对照${MAPPING_STATE_LABEL[m.state]}，对照以商品编码为准：请先撤销对照再修改商品编码`,
        });
      }
      // the national code of a confirmed mapping changes only through the mapping screen
      if (w.natCode !== undefined && m && m.state !== 'revoked' && w.natCode !== m.nat_code) {
        problems.push({
          path: 'natCode',
          message: `该商品已对照到国家医保编码 ${m.nat_code}（${MAPPING_STATE_LABEL[m.state]}）：请在目录对照中修改`,
        });
      }
    }
    if (!options.skipBarcodes) {
      cleanBarcodes(p.barcodes).forEach((b, i) => {
        const owner = barcodeOwner.get(b);
        if (owner && owner.id !== w.id) {
          problems.push({
            path: `barcodes.${i}`,
            message: `条码“${b}”已属于商品“${owner.generic_name}”（${owner.code}）`,
          });
        }
      });
    }
    return problems;
  }

  /** Writes one validated product (inside the caller's transaction); returns its id. */
  function writeRow(w: ProductWrite): number {
    const p = w.input;
    const params = {
      code: p.code,
      generic_name: p.genericName,
      trade_name: p.tradeName || null,
      spec: p.spec || null,
      dosage_form: p.dosageForm || null,
      manufacturer: p.manufacturer || null,
      aprvno: normaliseAprvno(p.aprvno),
      unit: p.unit,
      split_unit: p.splitUnit || null,
      split_factor: p.splitUnit ? (p.splitFactor ?? null) : null,
      retail_price_fen: p.retailPriceFen,
      member_price_fen: p.memberPriceFen ?? null,
      split_price_fen: p.splitUnit ? (p.splitPriceFen ?? null) : null,
      rx_class: p.rxClass,
      special_flags: JSON.stringify([...new Set(p.specialFlags)]),
      storage: p.storage || null,
      category: p.category || null,
      nat_code: w.natCode === undefined ? null : w.natCode,
      keep_nat_code: w.natCode === undefined ? 1 : 0,
      pinyin_initials: w.keys.initials,
      pinyin_full: w.keys.full,
      active: p.active ? 1 : 0,
      now: deps.now(),
    };
    let id: number;
    if (w.id === null) {
      const { keep_nat_code: _keep, ...insertParams } = params;
      id = Number(insertRow.run(insertParams).lastInsertRowid);
    } else {
      id = w.id;
      updateRow.run({ ...params, id });
      deleteBarcodes.run(id);
    }
    for (const b of cleanBarcodes(p.barcodes)) insertBarcode.run(b, id);
    return id;
  }

  /** Runs writes in one transaction and tells the search index which products changed. */
  function inTransaction<T>(fn: () => { result: T; ids: number[] }): T {
    let before = 0;
    let after = 0;
    let ids: number[] = [];
    const result = db.transaction(() => {
      before = index.productsRev();
      const r = fn();
      ids = r.ids;
      after = index.productsRev();
      return r.result;
    })();
    index.noteWrite(before, after, ids);
    return result;
  }

  function save(input: ChannelParsedInput<'products.save'>): ProductDetail {
    const id = input.id ?? null;
    if (id !== null) rowOf(id);
    const w = prepareWrite(input, id);
    const rules = productRuleProblems(input);
    if (rules.length) {
      throw new AppError('INVALID_INPUT', `商品资料有误：${rules.map((p) => p.message).join('；')}`, { fields: rules });
    }
    const saved = inTransaction(() => {
      const problems = dbProblems(w);
      if (problems.length) {
        throw new AppError('CONFLICT', problems.map((p) => p.message).join('；'), { fields: problems });
      }
      const newId = writeRow(w);
      return { result: newId, ids: [newId] };
    });
    return detail(rowOf(saved));
  }

  function list(q: ChannelParsedInput<'products.list'>): { rows: ProductDetail[]; total: number } {
    const text = q.q?.trim() ?? '';
    const like = text ? `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
    const where = `
      (@like IS NULL OR p.code LIKE @like ESCAPE '\\' OR p.generic_name LIKE @like ESCAPE '\\'
        OR p.trade_name LIKE @like ESCAPE '\\' OR p.pinyin_initials LIKE @like ESCAPE '\\'
        OR p.pinyin_full LIKE @like ESCAPE '\\' OR p.aprvno LIKE @like ESCAPE '\\' OR p.nat_code LIKE @like ESCAPE '\\'
        OR p.manufacturer LIKE @like ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM product_barcodes b WHERE b.product_id = p.id AND b.barcode LIKE @like ESCAPE '\\'))
      AND (@mapping IS NULL OR (@mapping = 'unmapped' AND m.product_id IS NULL) OR m.state = @mapping)`;
    const params = { like, mapping: q.mapping ?? null };
    const total = (
      db
        .prepare(
          `SELECT count(*) AS n FROM products p LEFT JOIN product_mappings m ON m.product_id = p.id WHERE ${where}`,
        )
        .get(params) as { n: number }
    ).n;
    const rows = db
      .prepare(
        `SELECT ${PRODUCT_COLUMNS.split(', ')
          .map((c) => `p.${c}`)
          .join(', ')}
           FROM products p LEFT JOIN product_mappings m ON m.product_id = p.id
          WHERE ${where} ORDER BY p.active DESC, p.code LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: q.limit, offset: q.offset }) as ProductRow[];
    return { rows: rows.map(detail), total };
  }

  return {
    get: (id: number) => detail(rowOf(id)),
    rowOf,
    findByCode: (code: string) => byCode.get(code) ?? null,
    barcodeOwner: (barcode: string) => barcodeOwner.get(barcode) ?? null,
    clearBarcodes: (id: number) => void deleteBarcodes.run(id),
    barcodesOf: (id: number) => barcodesOf.all(id),
    detail,
    save,
    list,
    dbProblems,
    writeRow,
    inTransaction,
  };
}
