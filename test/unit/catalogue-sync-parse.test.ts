import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { normaliseDate, normaliseDateTime, shiftDateTime } from '../../app/catalogue/sync/dates';
import { compareVer, FILE_CATALOGUES } from '../../app/catalogue/sync/definitions';
import { SyncFailure } from '../../app/catalogue/sync/errors';
import { CatalogueFileParser, normaliseChrgitmLv, type FileRow } from '../../app/catalogue/sync/parse';
import { inflateEntry, readZipEntry, textPieces } from '../../app/catalogue/sync/zip';
import { CATALOGUE_FILE_COLUMNS } from '../../app/nhsa/registry/catalogue-files';

const def = FILE_CATALOGUES['1309'];
const COLS = CATALOGUE_FILE_COLUMNS['1309'].map((c) => c.name);

/** A 1309 line (16 columns) with the given cells set by name; everything else `null`. */
function line1309(cells: Record<string, string>): string {
  return COLS.map((n) => cells[n] ?? 'null').join('\t');
}

function row(code: string, ver = '20240101001', extra: Record<string, string> = {}): string {
  return line1309({
    opsp_dise_code: code,
    opsp_dise_name: `病种${code}`,
    vali_flag: '1',
    crte_time: 'Mon Jan 01 08:00:00 CST 2024',
    updt_time: 'Tue Jan 02 09:30:15 CST 2024',
    ver,
    ...extra,
  });
}

function parseAll(text: string, file = 'a.txt', chunk = 1000): { rows: FileRow[]; parser: CatalogueFileParser } {
  const parser = new CatalogueFileParser(def, file);
  const rows: FileRow[] = [];
  for (const c of parser.chunks(text, chunk)) rows.push(...c);
  return { rows, parser };
}

function failure(fn: () => unknown): SyncFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof SyncFailure) return e;
    throw e;
  }
  throw new Error('expected a SyncFailure');
}

describe('catalogue dates', () => {
  it('reads Java Date.toString() text as Beijing wall time', () => {
    expect(normaliseDateTime('Tue Apr 20 10:15:30 CST 2021')).toBe('2021-04-20 10:15:30');
    expect(normaliseDateTime('Fri Dec 31 00:00:00 CST 9999')).toBe('9999-12-31 00:00:00');
    expect(normaliseDateTime('Sat Feb 29 00:00:00 CST 2020')).toBe('2020-02-29 00:00:00');
    // a one-digit day, which the fixed-position reader hands to the regular expression
    expect(normaliseDateTime('Mon Mar 1 08:00:00 CST 2021')).toBe('2021-03-01 08:00:00');
  });

  it('refuses what is not a real date', () => {
    for (const bad of [
      'Tue Abc 20 10:15:30 CST 2021',
      'Fri Feb 30 00:00:00 CST 2021',
      'Tue Apr 20 25:15:30 CST 2021',
      'Xyz Apr 20 10:15:30 CST 2021',
      'Tue Apr 20 10:15:30 UTC 2021',
      '2021-13-01',
      'yesterday',
    ]) {
      expect(normaliseDateTime(bad), bad).toBeNull();
    }
  });

  it('accepts ISO and compact forms too, and shifts by seconds', () => {
    expect(normaliseDateTime('2024-05-06')).toBe('2024-05-06 00:00:00');
    expect(normaliseDateTime('2024-05-06 07:08:09')).toBe('2024-05-06 07:08:09');
    expect(normaliseDateTime('20240506070809')).toBe('2024-05-06 07:08:09');
    expect(normaliseDate('Tue Apr 20 10:15:30 CST 2021')).toBe('2021-04-20');
    expect(shiftDateTime('2024-01-01 00:00:00', -1)).toBe('2023-12-31 23:59:59');
  });
});

describe('catalogue versions and classes', () => {
  it('orders versions by length, then text', () => {
    expect(compareVer('0', '20220115001')).toBeLessThan(0);
    expect(compareVer('20220215001', '20220115001')).toBeGreaterThan(0);
    expect(compareVer('10', '9')).toBeGreaterThan(0);
    expect(compareVer('20220115001', '20220115001')).toBe(0);
  });

  it('reads 甲/乙/丙 in every spelling, keeps the unknown as delivered', () => {
    expect(normaliseChrgitmLv('甲')).toBe('甲');
    expect(normaliseChrgitmLv('乙类')).toBe('乙');
    expect(normaliseChrgitmLv('01')).toBe('甲');
    expect(normaliseChrgitmLv('3')).toBe('丙');
    expect(normaliseChrgitmLv('')).toBeNull();
    expect(normaliseChrgitmLv('X')).toBe('X');
  });

  it('takes column positions from the registry', () => {
    expect(FILE_CATALOGUES['1301'].columns).toBe(92);
    expect(FILE_CATALOGUES['1301'].at.ver).toBe(82);
    expect(FILE_CATALOGUES['1301'].at.code).toBe(0);
    expect(FILE_CATALOGUES['1301'].at.chrgitmLv).toBe(91);
    expect(FILE_CATALOGUES['1302'].at.ver).toBe(17);
    expect(FILE_CATALOGUES['1306'].at.ver).toBe(69);
    expect(FILE_CATALOGUES['1309'].at.ver).toBe(9);
    expect(FILE_CATALOGUES['1320'].at.ver).toBe(15);
    expect(FILE_CATALOGUES['1301'].dates.map((d) => d.field)).toEqual([
      'begndate',
      'enddate',
      'drug_regcert_begndate',
      'drug_regcert_enddate',
      'aprvno_begndate',
      'aprvno_enddate',
      'crte_time',
      'updt_time',
    ]);
  });
});

describe('catalogue file parser', () => {
  it('reads rows by position: null → empty, Java dates → ISO, every cell kept in cols', () => {
    const text = [row('M001'), row('M002', '20240101001', { memo: "O'Brien's 备注" })].join('\n') + '\n';
    const { rows, parser } = parseAll(text);
    expect(rows).toHaveLength(2);
    const [r] = rows;
    expect(r![0]).toBe(1); // line
    expect(r![1]).toBe('M001');
    expect(r![2]).toBe('病种M001');
    expect(r![12]).toBe('20240101001');
    expect(r![13]).toBe('2024-01-02 09:30:15');
    const cols = JSON.parse(r![14]) as (string | null)[];
    expect(cols).toHaveLength(16);
    expect(cols[4]).toBeNull();
    expect(cols[8]).toBe('Tue Jan 02 09:30:15 CST 2024');
    expect((JSON.parse(rows[1]![14]) as string[])[4]).toBe("O'Brien's 备注");
    expect(parser.summary).toMatchObject({ lines: 2, rows: 2, skipped: 0, maxVer: '20240101001' });
  });

  it('accepts CRLF, a BOM, blank lines and the upper-case NULL', () => {
    const text = '\uFEFF' + row('M001').replace('\tnull\t', '\tNULL\t') + '\r\n\r\n' + row('M002') + '\r\n';
    const { rows } = parseAll(text);
    expect(rows.map((r) => r[1])).toEqual(['M001', 'M002']);
    expect(rows[1]![0]).toBe(3);
    expect((JSON.parse(rows[0]![14]) as unknown[]).includes('NULL')).toBe(false);
  });

  it('tolerates appended columns and keeps them', () => {
    const { rows, parser } = parseAll(row('M001') + '\tEXTRA1\tnull\n');
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]![14])).toHaveLength(18);
    expect(parser.summary.maxColumns).toBe(18);
  });

  it('refuses a line with too few columns, naming file and line', () => {
    const short = row('M002').split('\t').slice(0, 10).join('\t');
    const e = failure(() => parseAll([row('M001'), short, row('M003')].join('\n'), 'x.txt'));
    expect(e.zh).toContain('x.txt 第 2 行只有 10 列');
    expect(e.problems[0]).toMatchObject({ file: 'x.txt', line: 2, field: '(列数)' });
  });

  it('skips a row with a bad date and reports file, line and field', () => {
    const text = [
      row('M001'),
      row('M002', '20240101001', { crte_time: 'Tue Abc 45 25:61:00 CST 2021' }),
      row('M003'),
    ].join('\n');
    const { rows, parser } = parseAll(text, 'd.txt');
    expect(rows.map((r) => r[1])).toEqual(['M001', 'M003']);
    expect(parser.summary.skipped).toBe(1);
    expect(parser.summary.problems).toEqual([expect.objectContaining({ file: 'd.txt', line: 2, field: 'crte_time' })]);
  });

  it('skips rows without a code or a version', () => {
    const text = [row('null'), row('M002', 'null'), row('M003')].join('\n');
    const { rows, parser } = parseAll(text);
    expect(rows.map((r) => r[1])).toEqual(['M003']);
    expect(parser.summary.problems.map((p) => p.field)).toEqual(['med_list_codg', 'ver']);
  });

  it('refuses the same code twice in one version, but keeps both versions of an updated code', () => {
    const e = failure(() => parseAll([row('M001'), row('M002'), row('M001')].join('\n'), 'dup.txt'));
    expect(e.zh).toContain('第 1 行和第 3 行');
    expect(e.problems.map((p) => p.line)).toEqual([1, 3]);

    const { rows, parser } = parseAll([row('M001', '20240101001'), row('M001', '20240201001')].join('\n'));
    expect(rows).toHaveLength(2);
    expect(parser.summary.maxVer).toBe('20240201001');
  });

  it('reads a file fed in pieces with line numbers running on', () => {
    const parser = new CatalogueFileParser(def, 'p.txt');
    const out: FileRow[] = [];
    for (const piece of [row('M001') + '\n' + row('M002') + '\n', row('M003') + '\n']) {
      for (const c of parser.chunks(piece, 1)) out.push(...c);
    }
    expect(out.map((r) => [r[0], r[1]])).toEqual([
      [1, 'M001'],
      [2, 'M002'],
      [3, 'M003'],
    ]);
  });
});

describe('catalogue zip', () => {
  const text = Array.from({ length: 3000 }, (_, i) => row(`M${i}`)).join('\n') + '\n';
  const zip = zipSync({ 'f.txt': strToU8(text) }, { level: 6 });

  async function collect(it: AsyncIterable<string>): Promise<string[]> {
    const out: string[] = [];
    for await (const piece of it) out.push(piece);
    return out;
  }

  async function unzipText(z: Uint8Array, name = 'f.txt.zip', pieceBytes?: number): Promise<string> {
    const entry = readZipEntry(z, name);
    return (await collect(textPieces(inflateEntry(entry, name, 4096), entry.name, pieceBytes))).join('');
  }

  async function asyncFailure(p: Promise<unknown>): Promise<SyncFailure> {
    try {
      await p;
    } catch (e) {
      if (e instanceof SyncFailure) return e;
      throw e;
    }
    throw new Error('expected a SyncFailure');
  }

  it('unzips the one entry, in pieces that end on a line break', async () => {
    expect(await unzipText(zip)).toBe(text);
    const entry = readZipEntry(zip, 'f.txt.zip');
    const pieces = await collect(textPieces(inflateEntry(entry, 'f'), 'f', 10_000));
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) expect(p.endsWith('\n')).toBe(true);
    // stored (not deflated) entries too
    expect(await unzipText(zipSync({ 'f.txt': strToU8(text) }, { level: 0 }))).toBe(text);
  });

  it('picks the entry named like the file when there are several', async () => {
    const two = zipSync({ 'other.txt': strToU8('x'), '123.txt': strToU8('hello\n') });
    expect(await unzipText(two, '123.txt.zip')).toBe('hello\n');
    expect(failure(() => readZipEntry(two, '999.txt.zip')).zh).toContain('有 2 个文件');
  });

  it('refuses a truncated, a damaged and a non-zip download', async () => {
    expect(failure(() => readZipEntry(zip.slice(0, Math.floor(zip.length * 0.6)), 'f.txt.zip')).zh).toContain('损坏');
    const bad = zip.slice();
    for (let i = 200; i < 240; i++) bad[i] = bad[i]! ^ 0x5a;
    expect((await asyncFailure(unzipText(bad))).zh).toMatch(/压缩数据损坏|CRC|大小/);
    expect(failure(() => readZipEntry(strToU8('{"infcode":-1}'), 'f.txt.zip')).zh).toContain('不是 zip 文件');
  });

  it('refuses text that is not UTF-8', async () => {
    const latin = zipSync({ 'f.txt': new Uint8Array([0x41, 0x0a, 0xff, 0xfe, 0x0a]) });
    expect((await asyncFailure(unzipText(latin))).zh).toContain('UTF-8');
  });
});
