import { parse as parseCsv } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/universal';

/**
 * A spreadsheet as rows of text cells, whatever it came as: .xlsx (first sheet) or .csv in UTF-8
 * (with or without BOM), UTF-16 (Excel's "Unicode text") or GBK/GB18030 (what Excel on a Chinese
 * Windows writes as "CSV (逗号分隔)"). Numbers stay the exact text the file holds — no float ever
 * touches a price or a barcode.
 */

export type SheetResult = { ok: true; rows: string[][] } | { ok: false; message: string };

export async function readSpreadsheet(fileName: string, bytes: Uint8Array): Promise<SheetResult> {
  if (/\.xlsx$/i.test(fileName)) return readXlsx(bytes);
  if (/\.csv$/i.test(fileName)) return readCsv(bytes);
  return { ok: false, message: '只支持 .xlsx 或 .csv 文件' };
}

async function readXlsx(bytes: Uint8Array): Promise<SheetResult> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    // .xls (BIFF) starts with D0 CF 11 E0: say so, since it is the most common mistake
    const legacy = bytes[0] === 0xd0 && bytes[1] === 0xcf;
    return {
      ok: false,
      message: legacy
        ? '这是旧版 Excel（.xls）文件：请在 Excel 中“另存为”.xlsx 或 CSV 后再导入'
        : '文件不是有效的 .xlsx 文件（可能已损坏）',
    };
  }
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    // parseNumber keeps the number's text as stored in the sheet: "12.5", "6901234567890"
    const sheets = await readXlsxFile<string>(buffer, { parseNumber: (s) => s, trim: true });
    const first = sheets[0];
    if (!first) return { ok: false, message: 'Excel 文件中没有工作表' };
    return { ok: true, rows: first.data.map((row) => row.map(cellText)) };
  } catch {
    return { ok: false, message: '无法读取 Excel 文件：文件已损坏或格式不受支持（请用 Excel 另存为 .xlsx 后再试）' };
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}

/** Decodes CSV bytes: BOM first, then strict UTF-8, and GB18030 (a superset of GBK) when that fails. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Node's and Electron's ICU know GB18030; GBK files decode as its subset
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** The delimiter of the header line: comma, semicolon or tab, whichever occurs most outside quotes. */
function delimiterOf(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const bare = firstLine.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, bare.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

function readCsv(bytes: Uint8Array): SheetResult {
  const { text } = decodeCsv(bytes);
  try {
    const rows = parseCsv(text, {
      delimiter: delimiterOf(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
    }) as string[][];
    return { ok: true, rows };
  } catch (e) {
    const err = e as Error & { lines?: number; code?: string };
    const where = err.lines ? `（第 ${err.lines} 行附近）` : '';
    const why =
      err.code === 'CSV_QUOTE_NOT_CLOSED'
        ? '引号没有闭合'
        : err.code === 'CSV_INVALID_CLOSING_QUOTE'
          ? '引号的用法不正确'
          : '无法按 CSV 格式解析';
    return { ok: false, message: `CSV 文件格式有误${where}：${why}` };
  }
}
