import { CATALOGUE_FILE_NULL_MARKERS } from '../../nhsa/registry/catalogue-files';
import { normaliseDateTime } from './dates';
import { compareVer, type FileCatalogueDef } from './definitions';
import { MAX_PROBLEMS, SyncFailure, type RowProblem } from './errors';

/**
 * Reads a downloaded catalogue file (the .txt inside the 9102 zip): one TAB-separated row per line, no header,
 * the literal `null` for an empty cell (catalogue.md §1.3). Pure: no database, so it is tested on its own and
 * the caller decides when to yield to the event loop (rows come out in chunks).
 *
 * What is wrong with a file decides whether it stops or a row is skipped:
 * - fewer columns than the layout (a line broken by a stray line break, a cut file, a changed layout): the
 *   positions can no longer be trusted — the whole file is refused;
 * - more columns than the layout: columns are appended over time — read by position, extra ones kept in cols;
 * - the same code twice with the same version: two different truths for one row — the file is refused;
 *   the same code in two versions (updated twice within one file) is normal: the newer version wins;
 * - an empty code or version, or a date column that is not a real date: that row is skipped and reported.
 *   A bad date is often the visible sign of shifted columns, so the row's other cells are not trusted either.
 *   Skipping is safe here: the rest of the file is right, and the report names the row for the center.
 */

/** One row of a catalogue file as it is written into nat_items (line first, then the columns in order). */
export type FileRow = [
  line: number,
  code: string,
  name: string,
  tradeName: string | null,
  spec: string | null,
  dosform: string | null,
  manufacturer: string | null,
  aprvno: string | null,
  otcFlag: string | null,
  chrgitmLv: string | null,
  pinyin: string | null,
  valiFlag: string | null,
  ver: string,
  updtTime: string | null,
  cols: string,
];

export interface ParseSummary {
  /** non-blank lines read */
  lines: number;
  /** rows handed to the caller */
  rows: number;
  skipped: number;
  /** highest version among the rows handed over (null when none) */
  maxVer: string | null;
  /** most columns seen on a line, to report appended columns */
  maxColumns: number;
  problems: RowProblem[];
  /** problems beyond MAX_PROBLEMS that were counted but not kept */
  problemsDropped: number;
}

// The two spellings of an empty cell (registry: CATALOGUE_FILE_NULL_MARKERS), compared inline in the hot loop
// (a Set lookup per cell costs a quarter of the parse).
const [NULL_LOWER, NULL_UPPER] = CATALOGUE_FILE_NULL_MARKERS as readonly [string, string];

/** 甲/乙/丙 as one form whatever the file writes ('甲', '甲类', '01', '1'); anything else is kept as delivered. */
export function normaliseChrgitmLv(v: string | null): string | null {
  if (v === null) return null;
  const s = v.trim();
  if (s === '') return null;
  if (s.startsWith('甲') || /^0*1$/.test(s)) return '甲';
  if (s.startsWith('乙') || /^0*2$/.test(s)) return '乙';
  if (s.startsWith('丙') || s.startsWith('自费') || /^0*3$/.test(s)) return '丙';
  return s;
}

export class CatalogueFileParser {
  readonly summary: ParseSummary = {
    lines: 0,
    rows: 0,
    skipped: 0,
    maxVer: null,
    maxColumns: 0,
    problems: [],
    problemsDropped: 0,
  };
  /** code → line and version of its row in this file */
  private readonly seen = new Map<string, { line: number; ver: string }>();
  /** lines read so far (pieces of one file are fed in order) */
  private lineNo = 0;
  private readonly dateMemo = new Map<string, string | null>();

  constructor(
    private readonly def: FileCatalogueDef,
    /** the file's name, for the report */
    private readonly file: string,
  ) {}

  private problem(line: number, field: string, message: string): void {
    if (this.summary.problems.length < MAX_PROBLEMS)
      this.summary.problems.push({ file: this.file, line, field, message });
    else this.summary.problemsDropped++;
  }

  /**
   * Yields the rows of a piece of the file in chunks of at most `chunkRows`. Pieces are fed in file order and
   * each ends on a line break (or the file's end). Throws SyncFailure when the file must be refused; rows
   * yielded before that must then be discarded by the caller (they are written inside the file's transaction).
   */
  *chunks(text: string, chunkRows: number): Generator<FileRow[], void, void> {
    const { def } = this;
    const at = def.at;
    const n = text.length;
    let pos = this.lineNo === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let lineNo = this.lineNo;
    let chunk: FileRow[] = [];
    const cell = (cells: (string | null)[], i: number | undefined): string | null =>
      i === undefined ? null : (cells[i] ?? null);

    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      const line = text.slice(pos, end);
      pos = nl + 1;
      lineNo++;
      this.lineNo = lineNo;
      // (a blank line is rare: only a line starting with white space is trimmed to find out)
      if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) continue;
      this.summary.lines++;

      const cells: (string | null)[] = line.split('\t');
      if (cells.length > this.summary.maxColumns) this.summary.maxColumns = cells.length;
      if (cells.length < def.columns) {
        throw new SyncFailure(
          `目录文件 ${this.file} 第 ${lineNo} 行只有 ${cells.length} 列，${def.name}应有 ${def.columns} 列：文件格式与接口规范不符或文件不完整，本文件未导入`,
          `catalogue ${def.id}: ${this.file} line ${lineNo} has ${cells.length} columns, expected ${def.columns}`,
          [
            {
              file: this.file,
              line: lineNo,
              field: '(列数)',
              message: `只有 ${cells.length} 列，应有 ${def.columns} 列`,
            },
          ],
        );
      }
      for (let i = 0; i < cells.length; i++) {
        const v = cells[i];
        if (v === NULL_LOWER || v === NULL_UPPER) cells[i] = null;
      }

      const code = cells[at.code]?.trim() ?? '';
      if (!code) {
        this.summary.skipped++;
        this.problem(lineNo, 'med_list_codg', '编码为空，该行已跳过');
        continue;
      }
      const ver = cells[at.ver]?.trim() ?? '';
      if (!ver) {
        this.summary.skipped++;
        this.problem(lineNo, 'ver', `编码 ${code} 的版本号为空，该行已跳过`);
        continue;
      }
      let badDate: { field: string; value: string } | null = null;
      let updtTime: string | null = null;
      for (const d of def.dates) {
        const v = cells[d.index];
        if (v === null || v === undefined || v === '') continue;
        // Midnight dates repeat a lot (begndate, enddate, the 9999 open ends): remember their readings.
        // Timestamps with a time of day are nearly all different, so they are not kept.
        let iso = this.dateMemo.get(v);
        if (iso === undefined) {
          iso = normaliseDateTime(v);
          if (v.includes(' 00:00:00 ')) {
            if (this.dateMemo.size >= 20_000) this.dateMemo.clear();
            this.dateMemo.set(v, iso);
          }
        }
        if (iso === null) {
          badDate = { field: d.field, value: v };
          break;
        }
        if (d.index === at.updtTime) updtTime = iso;
      }
      if (badDate) {
        this.summary.skipped++;
        this.problem(lineNo, badDate.field, `编码 ${code} 的日期“${badDate.value.slice(0, 40)}”无效，该行已跳过`);
        continue;
      }

      const before = this.seen.get(code);
      if (before) {
        if (before.ver === ver) {
          throw new SyncFailure(
            `目录文件 ${this.file} 第 ${before.line} 行和第 ${lineNo} 行是同一编码 ${code} 的同一版本 ${ver}，无法判断以哪一行为准，本文件未导入`,
            `catalogue ${def.id}: ${this.file} lines ${before.line} and ${lineNo} repeat code ${code} in version ${ver}`,
            [
              {
                file: this.file,
                line: before.line,
                field: 'med_list_codg',
                message: `编码 ${code} 重复（版本 ${ver}）`,
              },
              { file: this.file, line: lineNo, field: 'med_list_codg', message: `编码 ${code} 重复（版本 ${ver}）` },
            ],
          );
        }
        // The same code in two versions: both are written in file order; the upsert keeps the newer one.
        if (compareVer(ver, before.ver) > 0) this.seen.set(code, { line: lineNo, ver });
      } else {
        this.seen.set(code, { line: lineNo, ver });
      }
      if (this.summary.maxVer === null || compareVer(ver, this.summary.maxVer) > 0) this.summary.maxVer = ver;

      chunk.push([
        lineNo,
        code,
        cells[at.name] ?? '',
        cell(cells, at.tradeName),
        cell(cells, at.spec),
        cell(cells, at.dosform),
        cell(cells, at.manufacturer),
        cell(cells, at.aprvno),
        cell(cells, at.otcFlag),
        normaliseChrgitmLv(cell(cells, at.chrgitmLv)),
        cell(cells, at.pinyin),
        cell(cells, at.valiFlag),
        ver,
        updtTime,
        // Every column as delivered, extra trailing ones included; `null` cells become JSON null.
        JSON.stringify(cells),
      ]);
      this.summary.rows++;
      if (chunk.length >= chunkRows) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length) yield chunk;
  }

  /** Codes in this file (after parsing), for checks by the caller. */
  get distinctCodes(): number {
    return this.seen.size;
  }
}
