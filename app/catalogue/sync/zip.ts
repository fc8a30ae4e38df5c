import zlib from 'node:zlib';
import { catalogueZipEntryName } from '../../nhsa/registry/catalogue-files';
import { SyncFailure } from './errors';

/**
 * The 9102 answer is a zip holding one .txt (catalogue.md §1.2). This reads the zip's central directory itself
 * (a few dozen lines: the layout is fixed by PKWARE's APPNOTE) and inflates the entry with node's zlib as a
 * stream, a slice at a time, so a 40 MB text is never held whole and the reader parses one slice while zlib
 * unpacks the next. The CRC-32 and size from the directory are checked at the end: a damaged
 * download is refused before anything of it can become visible.
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated */
  method: number;
  /** the entry's data as stored in the zip */
  data: Uint8Array;
  /** uncompressed size per the central directory */
  size: number;
  crc: number;
}

const EOCD = 0x06054b50;
const CDH = 0x02014b50;
const LFH = 0x04034b50;
/** A catalogue text beyond this is refused rather than unpacked (a damaged or hostile size field). */
const MAX_UNCOMPRESSED = 1_500_000_000;

function u16(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function broken(file: string, why: string, en: string): SyncFailure {
  return new SyncFailure(
    `目录文件 ${file} 损坏，无法解压（${why}），本文件未导入。请稍后重新同步；如反复出现，请联系医保中心`,
    `zip ${file}: ${en}`,
    [{ file, line: 0, field: '(zip)', message: why }],
  );
}

/** The one data entry of the zip (the .txt). `file` is the name 13xx gave, `<digits>.txt.zip`. */
export function readZipEntry(zip: Uint8Array, file: string): ZipEntry {
  if (zip.length < 22 || zip[0] !== 0x50 || zip[1] !== 0x4b) {
    throw broken(file, '不是 zip 文件', 'does not start with PK');
  }
  // The end-of-central-directory record sits in the last 22 + 65535 bytes (after an optional comment).
  let eocd = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 65535); at--) {
    if (u32(zip, at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw broken(file, '文件不完整，缺少 zip 目录', 'no end-of-central-directory record (truncated?)');
  const count = u16(zip, eocd + 10);
  const cdSize = u32(zip, eocd + 12);
  const cdOffset = u32(zip, eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) throw broken(file, '不支持 ZIP64 格式', 'zip64 not supported');
  if (cdOffset + cdSize > eocd) throw broken(file, '文件不完整，zip 目录越界', 'central directory beyond the end');

  const wanted = catalogueZipEntryName(file);
  const entries: {
    name: string;
    method: number;
    flags: number;
    crc: number;
    csize: number;
    size: number;
    lfh: number;
  }[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || u32(zip, at) !== CDH) throw broken(file, 'zip 目录损坏', `bad central header ${i}`);
    const nameLen = u16(zip, at + 28);
    const name = Buffer.from(zip.buffer, zip.byteOffset + at + 46, nameLen).toString('utf8');
    entries.push({
      name,
      flags: u16(zip, at + 8),
      method: u16(zip, at + 10),
      crc: u32(zip, at + 16),
      csize: u32(zip, at + 20),
      size: u32(zip, at + 24),
      lfh: u32(zip, at + 42),
    });
    at += 46 + nameLen + u16(zip, at + 30) + u16(zip, at + 32);
  }
  const files = entries.filter((e) => !e.name.endsWith('/'));
  const entry = files.find((e) => e.name === wanted) ?? (files.length === 1 ? files[0] : undefined);
  if (!entry) {
    throw broken(
      file,
      files.length ? `压缩包内有 ${files.length} 个文件，找不到 ${wanted}` : '压缩包内没有文件',
      `entry ${wanted} not found among ${files.map((f) => f.name).join(', ') || 'no entries'}`,
    );
  }
  if (entry.flags & 1) throw broken(file, '文件已加密', 'encrypted entry');
  if (entry.method !== 0 && entry.method !== 8) {
    throw broken(file, `不支持的压缩方式 ${entry.method}`, `compression method ${entry.method}`);
  }
  if (entry.size > MAX_UNCOMPRESSED) throw broken(file, '解压后过大', `declared size ${entry.size}`);
  if (entry.lfh + 30 > zip.length || u32(zip, entry.lfh) !== LFH) {
    throw broken(file, '文件不完整，数据区缺失', 'local header missing');
  }
  const start = entry.lfh + 30 + u16(zip, entry.lfh + 26) + u16(zip, entry.lfh + 28);
  if (start + entry.csize > zip.length) throw broken(file, '文件不完整，数据被截断', 'entry data truncated');
  return {
    name: entry.name,
    method: entry.method,
    data: zip.subarray(start, start + entry.csize),
    size: entry.size,
    crc: entry.crc,
  };
}

/**
 * The entry's bytes in pieces. Inflating runs in node's zlib on the libuv thread pool, so it overlaps with
 * whatever the calling thread does with the previous piece. After the last piece the size and CRC-32 have
 * been checked (a mismatch throws).
 */
export async function* inflateEntry(
  entry: ZipEntry,
  file: string,
  sliceBytes = 1024 * 1024,
): AsyncGenerator<Uint8Array, void, void> {
  let produced = 0;
  let crc = 0;
  const check = (piece: Uint8Array) => {
    produced += piece.length;
    if (produced > entry.size)
      throw broken(file, '解压后的大小与目录不符', `more than the declared ${entry.size} bytes`);
    crc = zlib.crc32(piece, crc);
  };
  if (entry.method === 0) {
    for (let at = 0; at < entry.data.length; at += sliceBytes) {
      const piece = entry.data.subarray(at, Math.min(entry.data.length, at + sliceBytes));
      check(piece);
      yield piece;
    }
  } else {
    const inflater = zlib.createInflateRaw({ chunkSize: sliceBytes });
    inflater.end(entry.data);
    try {
      for await (const piece of inflater as AsyncIterable<Buffer>) {
        check(piece);
        yield piece;
      }
    } catch (e) {
      if (e instanceof SyncFailure) throw e;
      throw broken(file, '压缩数据损坏或不完整', `inflate failed: ${(e as Error).message}`);
    } finally {
      inflater.destroy();
    }
  }
  if (produced !== entry.size) {
    throw broken(file, '解压后的大小与目录不符', `inflated ${produced} bytes, directory says ${entry.size}`);
  }
  if (crc >>> 0 !== entry.crc) {
    throw broken(file, 'CRC 校验失败', `crc ${(crc >>> 0).toString(16)} != ${entry.crc.toString(16)}`);
  }
}

/**
 * Text pieces that end on a line break (so no line straddles two pieces), decoded as UTF-8. A LF byte never
 * occurs inside a multi-byte UTF-8 sequence, so cutting there is safe. Invalid UTF-8 is refused.
 */
export async function* textPieces(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  pieceBytes = 1024 * 1024,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Uint8Array[] = [];
  let pendingLength = 0;
  const decode = (b: Uint8Array): string => {
    try {
      return decoder.decode(b);
    } catch {
      throw new SyncFailure(
        `目录文件 ${file} 不是有效的 UTF-8 文本，本文件未导入`,
        `catalogue file ${file}: invalid UTF-8`,
        [{ file, line: 0, field: '(编码)', message: '不是有效的 UTF-8 编码' }],
      );
    }
  };
  for await (const b of bytes) {
    pending.push(b);
    pendingLength += b.length;
    if (pendingLength < pieceBytes) continue;
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLength);
    // Cut into pieces of about pieceBytes, each ending on a line break (a line longer than a piece stays whole).
    let offset = 0;
    while (all.length - offset >= pieceBytes) {
      let cut = all.lastIndexOf(10, offset + pieceBytes - 1);
      if (cut < offset) cut = all.indexOf(10, offset + pieceBytes);
      if (cut < 0) break;
      yield decode(all.subarray(offset, cut + 1));
      offset = cut + 1;
    }
    const rest = all.subarray(offset);
    pending = rest.length ? [rest] : [];
    pendingLength = rest.length;
  }
  if (pendingLength) yield decode(pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLength));
}
