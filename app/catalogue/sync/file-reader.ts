import type { FileCatalogueDef } from './definitions';
import { SyncFailure } from './errors';
import { CatalogueFileParser, type FileRow, type ParseSummary } from './parse';
import { inflateEntry, readZipEntry, textPieces } from './zip';

/**
 * Zip bytes → checked rows, in chunks: unzip (zlib, streamed), UTF-8, the TAB-separated lines. No database:
 * it runs in the reader thread (import-workers.ts) or, as a fallback, in the caller's thread, and hands each
 * chunk to `send`, which may wait (the writer keeps only a few chunks in flight).
 */

/** Rows per chunk handed to the writer: a few MB, so few messages and little memory in flight. */
export const FILE_CHUNK_ROWS = 2000;
/** Text decoded and parsed per step (a line never straddles two). */
const TEXT_PIECE_BYTES = 2 * 1024 * 1024;

export interface FileReadResult {
  /** the .txt inside the zip */
  entryName: string;
  summary: ParseSummary;
  /** null when the whole file was read; otherwise why it was refused (or stopped) */
  failure: SyncFailure | null;
}

export async function readCatalogueFile(
  def: FileCatalogueDef,
  zip: Uint8Array,
  name: string,
  send: (rows: FileRow[], linesSoFar: number) => Promise<void> | void,
  stopped: () => SyncFailure | null,
): Promise<FileReadResult> {
  let entryName = name;
  let parser: CatalogueFileParser | null = null;
  try {
    const entry = readZipEntry(zip, name);
    entryName = entry.name;
    parser = new CatalogueFileParser(def, entry.name);
    for await (const text of textPieces(inflateEntry(entry, name), entry.name, TEXT_PIECE_BYTES)) {
      for (const rows of parser.chunks(text, FILE_CHUNK_ROWS)) {
        const stop = stopped();
        if (stop) return { entryName, summary: parser.summary, failure: stop };
        await send(rows, parser.summary.lines);
      }
    }
    return { entryName, summary: parser.summary, failure: null };
  } catch (e) {
    if (!(e instanceof SyncFailure)) throw e;
    return { entryName, summary: parser?.summary ?? emptySummary(), failure: e };
  }
}

function emptySummary(): ParseSummary {
  return { lines: 0, rows: 0, skipped: 0, maxVer: null, maxColumns: 0, problems: [], problemsDropped: 0 };
}
