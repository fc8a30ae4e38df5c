import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from '../../db/connection';
import { FILE_CATALOGUES } from './definitions';
import { SyncFailure } from './errors';
import { readCatalogueFile } from './file-reader';
import { createFileWriter } from './file-writer';
import {
  MAX_CHUNKS_IN_FLIGHT,
  type FromReader,
  type FromWriter,
  type ImportWorkerData,
  type ReaderToWriter,
  type ReaderWorkerData,
  type ToReader,
  type ToWriter,
  type WriterToReader,
  type WriterWorkerData,
} from './import-protocol';

/**
 * The two threads of a catalogue file import (see import-workers.ts): `read` unzips and parses, `write` owns
 * its own database connection and writes the rows inside the file's transaction. One script, two roles, so a
 * build ships a single worker file.
 */

const data = workerData as ImportWorkerData;
const main = parentPort!;

if (data.role === 'read') runReader(data);
else runWriter(data);

function runReader(d: ReaderWorkerData): void {
  const link = d.link;
  const stop = new Int32Array(d.stop);
  let inFlight = 0;
  let wake: (() => void) | null = null;
  link.on('message', (m: WriterToReader) => {
    if (m.t !== 'ack') return;
    inFlight--;
    const w = wake;
    wake = null;
    w?.();
  });

  main.on('message', (m: ToReader) => {
    void (async () => {
      const def = FILE_CATALOGUES[m.catalogue as keyof typeof FILE_CATALOGUES];
      const t0 = performance.now();
      inFlight = 0;
      const result = await readCatalogueFile(
        def,
        m.zip,
        m.name,
        async (rows, lines) => {
          link.postMessage({ t: 'rows', id: m.id, rows, lines } satisfies ReaderToWriter);
          inFlight++;
          while (inFlight >= MAX_CHUNKS_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
        },
        () =>
          Atomics.load(stop, 0) === 1
            ? new SyncFailure('同步已停止', `catalogue ${m.catalogue}: ${m.name} stopped while reading`, [], true)
            : null,
      );
      link.postMessage({ t: result.failure ? 'abandon' : 'end', id: m.id } satisfies ReaderToWriter);
      const f = result.failure;
      main.postMessage({
        t: 'read',
        id: m.id,
        ms: performance.now() - t0,
        entryName: result.entryName,
        summary: result.summary,
        failure: f ? { zh: f.zh, en: f.en, problems: [...f.problems], interrupted: f.interrupted } : null,
      } satisfies FromReader);
    })().catch((e: unknown) => {
      // A bug, not bad input (bad input comes back as a failure): let the thread die so the sync reports it.
      setImmediate(() => {
        throw e;
      });
    });
  });
}

function runWriter(d: WriterWorkerData): void {
  const link: MessagePort = d.link;
  const post = (m: FromWriter) => main.postMessage(m);
  const db = openDatabase(d.dbFile, { nativeBinding: d.nativeBinding });
  // A file's rows and its version mark commit together, so a commit lost to a power cut loses both and the
  // next sync fetches that file again: the import needs atomicity, not the fsync of every commit (FULL is
  // for sales). Checkpoints are left to the till's checkpoint timer instead of landing inside a commit here.
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  const writer = createFileWriter(db);
  let current: number | null = null;
  let written = 0;
  let busyMs = 0;

  const fail = (id: number | null, e: unknown) => {
    writer.rollback();
    current = null;
    post({
      t: 'error',
      id,
      message: e instanceof Error ? e.message : String(e),
      code: (e as { code?: string }).code ?? null,
    });
  };

  link.on('message', (m: ReaderToWriter) => {
    // Chunks of a file that already failed (or was rolled back) are only acknowledged.
    if (m.id !== current) {
      if (m.t === 'rows') link.postMessage({ t: 'ack', id: m.id } satisfies WriterToReader);
      return;
    }
    if (m.t === 'rows') {
      try {
        const t0 = performance.now();
        writer.write(m.rows);
        busyMs += performance.now() - t0;
        written += m.rows.length;
        post({ t: 'progress', id: m.id, rows: written, lines: m.lines });
      } catch (e) {
        fail(m.id, e);
      }
      link.postMessage({ t: 'ack', id: m.id } satisfies WriterToReader);
    } else if (m.t === 'end') {
      post({ t: 'written', id: m.id, rows: written, busyMs });
    } else {
      writer.rollback();
      current = null;
    }
  });

  main.on('message', (m: ToWriter) => {
    try {
      if (m.t === 'begin') {
        writer.rollback();
        writer.begin(m.catalogue);
        current = m.id;
        written = 0;
        busyMs = 0;
        post({ t: 'begun', id: m.id });
      } else if (m.t === 'commit') {
        if (current !== m.id) throw new Error(`commit of file ${m.id}, but the open file is ${current}`);
        const r = writer.commit(m.commit);
        current = null;
        post({ t: 'committed', id: m.id, changed: r.changed, total: r.total });
      } else {
        if (current === m.id) {
          writer.rollback();
          current = null;
        }
        post({ t: 'rolledback', id: m.id });
      }
    } catch (e) {
      fail(m.id, e);
    }
  });
  post({ t: 'ready' });
}
