import type { MessagePort } from 'node:worker_threads';
import type { CatalogueId } from '../../shared/contract';
import type { RowProblem } from './errors';
import type { FileCommit } from './file-writer';
import type { FileRow, ParseSummary } from './parse';

/** The messages between the sync (main thread), the reader thread and the writer thread of a file import. */

export interface SerializedFailure {
  zh: string;
  en: string;
  problems: RowProblem[];
  interrupted: boolean;
}

export type ReaderWorkerData = { role: 'read'; link: MessagePort; stop: SharedArrayBuffer };
export type WriterWorkerData = {
  role: 'write';
  link: MessagePort;
  dbFile: string;
  nativeBinding: string | undefined;
};
export type ImportWorkerData = ReaderWorkerData | WriterWorkerData;

/** main → reader */
export type ToReader = { t: 'file'; id: number; catalogue: CatalogueId; zip: Uint8Array; name: string };
/** reader → main */
export type FromReader = {
  t: 'read';
  id: number;
  /** time from the file's arrival to its last chunk handed over */
  ms: number;
  entryName: string;
  summary: ParseSummary;
  failure: SerializedFailure | null;
};

/** reader ⇄ writer, over their own channel */
export type ReaderToWriter =
  { t: 'rows'; id: number; rows: FileRow[]; lines: number } | { t: 'end'; id: number } | { t: 'abandon'; id: number };
export type WriterToReader = { t: 'ack'; id: number };

/** main → writer */
export type ToWriter =
  | { t: 'begin'; id: number; catalogue: string }
  | { t: 'commit'; id: number; commit: FileCommit }
  | { t: 'rollback'; id: number };
/** writer → main */
export type FromWriter =
  | { t: 'ready' }
  | { t: 'begun'; id: number }
  | { t: 'progress'; id: number; rows: number; lines: number }
  /** busyMs: time spent writing (the rest the writer waited for the reader) */
  | { t: 'written'; id: number; rows: number; busyMs: number }
  | { t: 'committed'; id: number; changed: number; total: number }
  | { t: 'rolledback'; id: number }
  | { t: 'error'; id: number | null; message: string; code: string | null };

/** Chunks the reader may have sent that the writer has not written yet: bounds the memory in flight. */
export const MAX_CHUNKS_IN_FLIGHT = 4;
