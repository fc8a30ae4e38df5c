import { CHANNELS, type ImportReport, type RxClass, type SpecialFlag } from '../../../shared/contract';
import type { FieldProblem } from '../../../shared/errors';
import { expandExponent, parseWholeNumber, yuanToFen } from '../money';
import { parseFlags, type ProductInput, type ProductRow } from '../model';
import { cleanBarcodes, productRuleProblems } from '../rules';
import { prepareWrite, type ProductService, type ProductWrite } from '../service';
import { COLUMNS, mapHeader, type HeaderMap, type ImportField } from './columns';
import { readSpreadsheet } from './sheet';

/**
 * Product import from a spreadsheet: each row creates or updates the product with its 商品编码.
 *
 * - A file without a required column imports nothing and names the missing columns.
 * - A bad row is skipped and reported (row number as the spreadsheet shows it, the column, a Chinese
 *   message); the good rows are written in one transaction — all of them or, on an unexpected
 *   database error, none.
 * - A column absent from the file leaves that field of an existing product as it is; an empty cell
 *   in a present column clears an optional field.
 * - dryRun checks and writes everything inside the transaction, then rolls it back: the counts are
 *   exactly what a real import would do.
 */

const MAX_PROBLEMS = 1000;
/** rows above the header that a title line or a note may take */
const HEADER_SEARCH_ROWS = 10;

/** contract field → the column that feeds it, for reporting zod and rule problems */
const FIELD_OF_PATH: Record<string, ImportField> = {
  code: 'code',
  genericName: 'genericName',
  tradeName: 'tradeName',
  spec: 'spec',
  dosageForm: 'dosageForm',
  manufacturer: 'manufacturer',
  aprvno: 'aprvno',
  unit: 'unit',
  splitUnit: 'splitUnit',
  splitFactor: 'splitFactor',
  retailPriceFen: 'retailPrice',
  memberPriceFen: 'memberPrice',
  splitPriceFen: 'splitPrice',
  rxClass: 'rxClass',
  specialFlags: 'specialFlags',
  storage: 'storage',
  category: 'category',
  barcodes: 'barcodes',
  active: 'active',
  natCode: 'natCode',
};

class DryRunRollback extends Error {}

interface Row {
  /** 1-based, as the spreadsheet shows it */
  rowNo: number;
  input: ProductInput | null;
  existing: ProductRow | null;
  natCode: string | null | undefined;
  problems: { field: string; message: string }[];
}

export interface ImportOptions {
  fileName: string;
  bytes: Uint8Array;
  dryRun: boolean;
}

export async function importProducts(svc: ProductService, opts: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = {
    fileName: opts.fileName,
    total: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    problems: [],
    fatal: null,
  };
  const sheet = await readSpreadsheet(opts.fileName, opts.bytes);
  if (!sheet.ok) return { ...report, fatal: sheet.message };

  const headerIndex = findHeaderRow(sheet.rows);
  if (headerIndex < 0) return { ...report, fatal: '文件中没有数据（找不到表头行）' };
  const header = mapHeader(sheet.rows[headerIndex]!);
  if (header.missing.length) {
    return {
      ...report,
      fatal:
        `缺少必需的列：${header.missing.map((c) => c.label).join('、')}，未导入任何数据。` +
        `表头（第 ${headerIndex + 1} 行）需要这些列，列名可以是：` +
        header.missing.map((c) => `${c.label}（${c.aliases.slice(0, 4).join('/')}）`).join('；'),
    };
  }
  const notes: ImportReport['problems'] = [
    ...header.unknown.map((u) => ({ row: headerIndex + 1, field: u.header, message: '未识别的列，已忽略' })),
    ...header.duplicates.map((d) => ({
      row: headerIndex + 1,
      field: d.header,
      message: '与前面的列重复（同一项只读取第一列），已忽略',
    })),
  ];

  const label = (field: ImportField) => {
    const idx = header.columns.get(field)?.[0];
    return idx !== undefined ? header.headerAt[idx]! : COLUMNS.find((c) => c.field === field)!.label;
  };

  const rows: Row[] = [];
  for (let i = headerIndex + 1; i < sheet.rows.length; i++) {
    const cells = sheet.rows[i]!;
    if (cells.every((c) => !c || !c.trim())) continue;
    rows.push(parseRow(svc, header, cells, i + 1, label));
  }
  report.total = rows.length;

  flagDuplicateCodes(rows, label);
  flagBarcodeConflicts(svc, rows, header.columns.has('barcodes'), label);

  const good = rows.filter((r) => r.problems.length === 0 && r.input);
  // ~40 µs of pinyin per name: skipped on a dry run, where nothing written is kept
  const writes: ProductWrite[] = good.map((r) =>
    opts.dryRun
      ? { input: r.input!, id: r.existing?.id ?? null, keys: { initials: '', full: '' }, natCode: r.natCode }
      : prepareWrite(r.input!, r.existing?.id ?? null, r.natCode),
  );

  try {
    svc.inTransaction(() => {
      const ids: number[] = [];
      // a barcode may move from one product of the file to another: free them all first
      if (header.columns.has('barcodes')) for (const w of writes) if (w.id !== null) svc.clearBarcodes(w.id);
      writes.forEach((w) => {
        ids.push(svc.writeRow(w));
        if (w.id === null) report.created++;
        else report.updated++;
      });
      if (opts.dryRun) throw new DryRunRollback();
      return { result: null, ids };
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) {
      return {
        ...report,
        created: 0,
        updated: 0,
        skipped: report.total,
        problems: [],
        fatal: `写入数据库失败，未导入任何数据：${(e as Error).message}`,
      };
    }
  }

  const all = [
    ...notes,
    ...rows.flatMap((r) => r.problems.map((p) => ({ row: r.rowNo, field: p.field, message: p.message }))),
  ];
  report.skipped = rows.filter((r) => r.problems.length > 0).length;
  report.problems = all.slice(0, MAX_PROBLEMS);
  if (all.length > MAX_PROBLEMS) {
    report.problems.push({ row: 0, field: '', message: `另有 ${all.length - MAX_PROBLEMS} 个问题未列出` });
  }
  return report;
}

/** The first row (of the first few) that names at least two known columns; else the first non-empty row. */
function findHeaderRow(rows: string[][]): number {
  let firstNonEmpty = -1;
  for (let i = 0; i < rows.length && i < HEADER_SEARCH_ROWS; i++) {
    const cells = rows[i]!;
    if (cells.every((c) => !c)) continue;
    if (firstNonEmpty < 0) firstNonEmpty = i;
    if (mapHeader(cells).columns.size >= 2) return i;
  }
  return firstNonEmpty;
}

function toReport(p: FieldProblem, label: (f: ImportField) => string): { field: string; message: string } {
  const top = p.path.split('.')[0]!;
  const field = FIELD_OF_PATH[top];
  return { field: field ? label(field) : p.path, message: p.message };
}

// ---- one row ----------------------------------------------------------------------------------------

function parseRow(
  svc: ProductService,
  header: HeaderMap,
  cells: string[],
  rowNo: number,
  label: (f: ImportField) => string,
): Row {
  const problems: Row['problems'] = [];
  const has = (f: ImportField) => header.columns.has(f);
  const cell = (f: ImportField): string => {
    const idx = header.columns.get(f)?.[0];
    return idx === undefined ? '' : (cells[idx] ?? '').trim();
  };
  const bad = (f: ImportField, message: string) => problems.push({ field: label(f), message });

  const code = numericText(cell('code'));
  if (!code) {
    bad('code', '商品编码不能为空');
    return { rowNo, input: null, existing: null, natCode: undefined, problems };
  }
  const existing = svc.findByCode(code);
  const base: ProductInput = existing ? inputOf(existing, svc.barcodesOf(existing.id)) : emptyInput(code);
  const p: ProductInput = { ...base, code, id: existing?.id };

  const text = (f: ImportField, key: keyof ProductInput, required = false) => {
    if (!has(f)) return;
    const v = cell(f);
    if (!v && required) bad(f, `${label(f)}不能为空`);
    (p as Record<string, unknown>)[key] = v || null;
  };
  text('genericName', 'genericName', true);
  text('tradeName', 'tradeName');
  text('spec', 'spec');
  text('dosageForm', 'dosageForm');
  text('manufacturer', 'manufacturer');
  text('aprvno', 'aprvno');
  text('unit', 'unit', true);
  text('splitUnit', 'splitUnit');
  text('storage', 'storage');
  text('category', 'category');

  const money = (f: ImportField, key: 'retailPriceFen' | 'memberPriceFen' | 'splitPriceFen', required = false) => {
    if (!has(f)) return;
    const v = cell(f);
    if (!v) {
      if (required) bad(f, `${label(f)}不能为空`);
      else if (key !== 'retailPriceFen') p[key] = null;
      return;
    }
    const r = yuanToFen(v);
    if (r.ok) p[key] = r.fen;
    else bad(f, r.message);
  };
  money('retailPrice', 'retailPriceFen', true);
  money('memberPrice', 'memberPriceFen');
  money('splitPrice', 'splitPriceFen');

  if (has('splitFactor')) {
    const v = cell('splitFactor');
    if (!v) p.splitFactor = null;
    else {
      const n = parseWholeNumber(v);
      if (n === null) bad('splitFactor', `拆零系数应为整数（1个单位可拆成的拆零单位数），实际为“${v}”`);
      else p.splitFactor = n;
    }
  }

  if (has('rxClass')) {
    const v = cell('rxClass');
    const r = parseRxClass(v);
    if (r.ok) p.rxClass = r.value;
    else bad('rxClass', r.message);
  }

  let flags = new Set<SpecialFlag>(p.specialFlags);
  if (has('specialFlags')) {
    const r = parseSpecialFlags(cell('specialFlags'));
    if (r.ok) flags = new Set(r.value);
    else bad('specialFlags', r.message);
  }
  const flagColumn = (f: ImportField, flag: SpecialFlag) => {
    if (!has(f)) return;
    const r = parseYesNo(cell(f));
    if (r === null) bad(f, `“${cell(f)}”应填“是”或“否”`);
    else if (r) flags.add(flag);
    else flags.delete(flag);
  };
  flagColumn('ephedrine', 'ephedrine');
  flagColumn('coldChain', 'cold_chain');
  p.specialFlags = [...flags];

  if (has('barcodes')) {
    const list = (header.columns.get('barcodes') ?? []).flatMap((idx) =>
      (cells[idx] ?? '')
        .split(/[;,，；、|/\s]+/)
        .map((b) => numericText(b.trim()))
        .filter(Boolean),
    );
    p.barcodes = cleanBarcodes(list);
  }

  let natCode: string | null | undefined;
  if (has('natCode')) {
    const v = cell('natCode').normalize('NFKC').replace(/\s+/g, '').toUpperCase();
    if (v && !/^[A-Z0-9]{10,50}$/.test(v))
      bad('natCode', `国家医保编码“${v}”格式不正确（应为 X/Z/T/C 开头的 10–50 位字母数字）`);
    else natCode = v || null;
  }

  if (has('active')) {
    const v = cell('active');
    const r = parseActive(v);
    if (r === null) bad('active', `“${v}”应填“启用”或“停用”`);
    else p.active = r;
  }

  if (problems.length) return { rowNo, input: null, existing, natCode, problems };

  // the contract's own schema, then the business rules — the same checks as a save from the screen
  const parsed = CHANNELS['products.save'].input.safeParse(p);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const top = String(issue.path[0] ?? '');
      const field = FIELD_OF_PATH[top];
      const value = issue.path.length > 1 && top === 'barcodes' ? `“${p.barcodes[Number(issue.path[1])]}”` : '';
      problems.push({ field: field ? label(field) : top, message: `${value}${issue.message}` });
    }
    return { rowNo, input: null, existing, natCode, problems };
  }
  const input = parsed.data;
  for (const pr of productRuleProblems(input)) problems.push(toReport(pr, label));
  // the database's rules too (a code frozen by an uploaded mapping …); barcodes are checked file-wide later
  const w = { input, id: existing?.id ?? null, keys: { initials: '', full: '' }, natCode };
  for (const pr of svc.dbProblems(w, { skipBarcodes: true })) problems.push(toReport(pr, label));
  return { rowNo, input: problems.length ? null : input, existing, natCode, problems };
}

function emptyInput(code: string): ProductInput {
  return {
    code,
    genericName: '',
    unit: '',
    retailPriceFen: 0,
    rxClass: 'otc_b',
    specialFlags: [],
    barcodes: [],
    active: true,
  };
}

function inputOf(row: ProductRow, barcodes: string[]): ProductInput {
  return {
    id: row.id,
    code: row.code,
    genericName: row.generic_name,
    tradeName: row.trade_name,
    spec: row.spec,
    dosageForm: row.dosage_form,
    manufacturer: row.manufacturer,
    aprvno: row.aprvno,
    unit: row.unit,
    splitUnit: row.split_unit,
    splitFactor: row.split_factor,
    retailPriceFen: row.retail_price_fen,
    memberPriceFen: row.member_price_fen,
    splitPriceFen: row.split_price_fen,
    rxClass: row.rx_class,
    specialFlags: parseFlags(row.special_flags),
    storage: row.storage,
    category: row.category,
    barcodes,
    active: row.active === 1,
  };
}

/** A code or barcode typed as a number may arrive in exponent form ("6.90123456789E12"). */
function numericText(v: string): string {
  return /^\d+(\.\d+)?[eE]\+?\d+$/.test(v) ? (expandExponent(v) ?? v) : v;
}

// ---- the rows together ------------------------------------------------------------------------------

function flagDuplicateCodes(rows: Row[], label: (f: ImportField) => string): void {
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (!r.input) continue;
    const key = r.input.code.toUpperCase();
    const first = seen.get(key);
    if (first !== undefined) {
      r.problems.push({ field: label('code'), message: `商品编码“${r.input.code}”与第 ${first} 行重复` });
      r.input = null;
    } else seen.set(key, r.rowNo);
  }
}

/**
 * Each barcode belongs to one product. A barcode may move between products of the same file (the file
 * restates every product's barcodes), but a row that claims a barcode of a product outside the file,
 * or one another row already claimed, is skipped — and since skipping a row keeps its product's old
 * barcodes, the check repeats until nothing changes.
 */
function flagBarcodeConflicts(
  svc: ProductService,
  rows: Row[],
  restated: boolean,
  label: (f: ImportField) => string,
): void {
  if (!restated) return;
  for (let round = 0; round < 10; round++) {
    const live = rows.filter((r) => r.input);
    const byProduct = new Map<number, Row>();
    for (const r of live) if (r.existing) byProduct.set(r.existing.id, r);
    const claimed = new Map<string, Row>();
    let changed = false;
    for (const r of live) {
      for (const b of r.input!.barcodes) {
        const other = claimed.get(b);
        if (other && other !== r) {
          r.problems.push({ field: label('barcodes'), message: `条码“${b}”与第 ${other.rowNo} 行重复` });
          r.input = null;
          changed = true;
          break;
        }
        claimed.set(b, r);
        const owner = svc.barcodeOwner(b);
        if (!owner || owner.id === r.existing?.id) continue;
        const ownerRow = byProduct.get(owner.id);
        if (ownerRow && ownerRow.input && !ownerRow.input.barcodes.includes(b)) continue;
        r.problems.push({
          field: label('barcodes'),
          message: `条码“${b}”已属于商品“${owner.generic_name}”（${owner.code}）`,
        });
        r.input = null;
        changed = true;
        break;
      }
    }
    if (!changed) return;
  }
}

// ---- cell values ------------------------------------------------------------------------------------

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseRxClass(raw: string): Parsed<RxClass> {
  const t = raw
    .normalize('NFKC')
    .replace(/[\s()（）【】[\]-]/g, '')
    .toUpperCase();
  if (!t) return { ok: false, message: '处方分类不能为空（填：处方药、甲类非处方药、乙类非处方药或非药品）' };
  if (/^(RX|R|处方|处方药|处方类)$/.test(t)) return { ok: true, value: 'rx' };
  const otc = t.includes('OTC') || t.includes('非处方');
  if ((otc || t.length <= 3) && (t.includes('甲') || t.includes('红'))) return { ok: true, value: 'otc_a' };
  if ((otc || t.length <= 3) && (t.includes('乙') || t.includes('绿'))) return { ok: true, value: 'otc_b' };
  if (/非药|器械|保健|食品|日用|化妆|消毒|其他|其它|耗材/.test(t)) return { ok: true, value: 'non_drug' };
  if (otc) return { ok: false, message: `“${raw}”未注明甲类还是乙类非处方药` };
  return { ok: false, message: `无法识别的处方分类“${raw}”（填：处方药、甲类非处方药、乙类非处方药或非药品）` };
}

export function parseSpecialFlags(raw: string): Parsed<SpecialFlag[]> {
  const out = new Set<SpecialFlag>();
  for (const part of raw.normalize('NFKC').split(/[;,，；、|/\s]+/)) {
    const t = part.trim();
    if (!t || /^(无|否|-|—|N|NO)$/i.test(t)) continue;
    if (t.includes('麻黄') || t === '含麻') out.add('ephedrine');
    else if (t.includes('特殊') || t.includes('复方制剂') || t === '特药') out.add('special_compound');
    else if (t.includes('冷')) out.add('cold_chain');
    else return { ok: false, message: `无法识别的特殊标记“${t}”（可填：含麻黄碱、含特殊药品复方制剂、冷链）` };
  }
  return { ok: true, value: [...out] };
}

export function parseYesNo(raw: string): boolean | null {
  const t = raw.normalize('NFKC').trim().toUpperCase();
  if (/^(是|Y|YES|1|TRUE|√|✓|有)$/.test(t)) return true;
  if (/^(否|N|NO|0|FALSE|无|×|)$/.test(t)) return false;
  return null;
}

function parseActive(raw: string): boolean | null {
  const t = raw.normalize('NFKC').trim().toUpperCase();
  if (/^(启用|正常|有效|在用|是|1|Y|TRUE|)$/.test(t)) return true;
  if (/^(停用|禁用|无效|否|0|N|FALSE)$/.test(t)) return false;
  return null;
}
