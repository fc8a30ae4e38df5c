import { MessageChannel } from 'node:worker_threads';
import type { Db } from '../../db/connection';
import type { Logger } from '../../core/logger';
import { startWorker } from '../../core/worker-script';
import type { FileCatalogueDef } from './definitions';
import { SyncFailure } from './errors';
import { readCatalogueFile } from './file-reader';
import { createFileWriter, type FileCommit } from './file-writer';
import type { FileRow, ParseSummary } from './parse';
import type { FromReader, FromWriter, ImportWorkerData, ToReader, ToWriter } from './import-protocol';

/**
 * How a downloaded catalogue file gets into the database without the till's main thread doing the work.
 *
 * Two threads per sync run: a reader (unzip, UTF-8, parse, check) and a writer (its own connection, the file's
 * one transaction — file-writer.ts). They talk over their own channel, so rows never pass through the main
 * thread, and they work at the same time: while the writer inserts one chunk the reader parses the next, which
 * is what brings the import close to the speed of a bare insert on a two-core till. The main thread only
 * orchestrates: it decides whether a file that was read may be committed (file-sync.ts) and relays progress.
 *
 * Where no worker can be started (an in-memory database in a test, a broken install) the same reader and
 * writer run in the calling thread instead: the file is read first, then written in one synchronous
 * transaction on the main connection — correct, only not off the main thread.
 */

export interface ReadFile {
  entryName: string;
  summary: ParseSummary;
  /** rows the writer holds in the open transaction */
  rowsWritten: number;
  /** where the time went (threaded only): reading (unzip + parse + hand-over) and writing */
  timing?: { readMs: number; writeBusyMs: number };
}

export interface FileImporter {
  /**
   * Reads the file and writes its rows into an open transaction. Throws SyncFailure when the file is refused
   * (its transaction is rolled back first); the parse summary travels on the failure's `summary`.
   */
  read(
    def: FileCatalogueDef,
    zip: Uint8Array,
    name: string,
    onProgress: (rowsWritten: number, lines: number) => void,
  ): Promise<ReadFile>;
  commit(c: FileCommit): Promise<{ changed: number; total: number }>;
  rollback(): Promise<void>;
  /** asks a read in progress to stop at its next chunk (shutdown) */
  stop(): void;
  close(): Promise<void>;
  readonly threaded: boolean;
}

/** A refused file: why, and what the parser had found up to then (row problems for the report). */
export class FileReadFailure extends SyncFailure {
  constructor(
    f: { zh: string; en: string; problems: readonly SyncFailure['problems'][number][]; interrupted: boolean },
    readonly summary: ParseSummary | null,
  ) {
    super(f.zh, f.en, f.problems, f.interrupted);
  }
}

function stoppedWhileReading(catalogue: string, name: string): SyncFailure {
  return new SyncFailure('同步已停止', `catalogue ${catalogue}: ${name} stopped while reading`, [], true);
}

function threadDied(what: string, detail: string): SyncFailure {
  return new SyncFailure(
    `目录导入线程异常（${what}），本文件未导入；请重新同步，如反复出现请联系实施工程师`,
    `catalogue import: ${what}: ${detail}`,
  );
}

export async function createFileImporter(opts: { db: Db; log: Logger; nativeBinding?: string }): Promise<FileImporter> {
  if (!opts.db.memory) {
    try {
      return await startThreaded(opts.db.name, opts.nativeBinding, opts.log);
    } catch (e) {
      opts.log.warn('catalogue: import threads could not start, importing on the main thread', { error: e });
    }
  }
  return inline(opts.db);
}

async function startThreaded(dbFile: string, nativeBinding: string | undefined, log: Logger): Promise<FileImporter> {
  const { port1, port2 } = new MessageChannel();
  const stop = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stop);
  // Both threads allocate a short-lived string or array per cell and row: a larger young generation means far
  // fewer scavenges (measured: the reader is the slower of the two, and GC was a tenth of its time).
  const resourceLimits = { maxYoungGenerationSizeMb: 64 };
  const reader = startWorker(__dirname, 'catalogue-import-worker', {
    workerData: { role: 'read', link: port1, stop } satisfies ImportWorkerData,
    transferList: [port1],
    resourceLimits,
  });
  const writer = startWorker(__dirname, 'catalogue-import-worker', {
    workerData: { role: 'write', link: port2, dbFile, nativeBinding } satisfies ImportWorkerData,
    transferList: [port2],
    resourceLimits,
  });

  // One waiter per thread at a time: the sync does one file at a time and awaits each step.
  type Waiter<M> = { accept: (m: M) => boolean; resolve: (m: M) => void; reject: (e: Error) => void };
  let readerWaiter: Waiter<FromReader> | null = null;
  let writerWaiter: Waiter<FromWriter> | null = null;
  let broken: SyncFailure | null = null;
  let progress: ((rows: number, lines: number) => void) | null = null;
  let nextId = 1;
  let openId: number | null = null;
  // The reader finishes a file it was told to stop on by itself; the next file waits for that.
  let readerBusy: { id: number; done: Promise<void>; resolve: () => void } | null = null;
  let rejectBroken!: (e: Error) => void;
  const brokenSignal = new Promise<never>((_, reject) => (rejectBroken = reject));
  brokenSignal.catch(() => undefined);

  const breakAll = (e: SyncFailure) => {
    broken ??= e;
    rejectBroken(e);
    readerWaiter?.reject(e);
    writerWaiter?.reject(e);
    readerWaiter = writerWaiter = null;
  };
  reader.on('message', (m: FromReader) => {
    if (readerBusy?.id === m.id) {
      readerBusy.resolve();
      readerBusy = null;
    }
    if (readerWaiter?.accept(m)) {
      const w = readerWaiter;
      readerWaiter = null;
      w.resolve(m);
    }
  });
  writer.on('message', (m: FromWriter) => {
    if (m.t === 'progress') {
      progress?.(m.rows, m.lines);
      return;
    }
    if (m.t === 'error') {
      log.error('catalogue: import writer failed', { file: m.id, error: m.message, code: m.code });
      const e = new SyncFailure(
        m.code === 'SQLITE_FULL'
          ? '磁盘空间不足，目录文件未导入；请清理磁盘后重新同步'
          : `目录写入数据库失败（${m.message}），本文件未导入；请重新同步，如反复出现请联系实施工程师`,
        `catalogue import: writer error on file ${m.id}: ${m.message}`,
      );
      readerWaiter?.reject(e);
      writerWaiter?.reject(e);
      readerWaiter = writerWaiter = null;
      Atomics.store(stopFlag, 0, 1);
      return;
    }
    if (writerWaiter?.accept(m)) {
      const w = writerWaiter;
      writerWaiter = null;
      w.resolve(m);
    }
  });
  for (const [w, name] of [
    [reader, 'reader'],
    [writer, 'writer'],
  ] as const) {
    w.on('error', (e) => {
      log.error(`catalogue: import ${name} thread failed`, { error: e });
      breakAll(threadDied(`${name} 线程出错`, e.message));
    });
    w.on('exit', (code) => breakAll(threadDied(`${name} 线程退出`, `exit code ${code}`)));
  }

  const fromReader = (accept: (m: FromReader) => boolean) =>
    new Promise<FromReader>((resolve, reject) => {
      if (broken) return reject(broken);
      readerWaiter = { accept, resolve, reject };
    });
  const fromWriter = <T extends FromWriter['t']>(t: T, id: number | null) =>
    new Promise<Extract<FromWriter, { t: T }>>((resolve, reject) => {
      if (broken) return reject(broken);
      writerWaiter = {
        accept: (m) => m.t === t && (id === null || ('id' in m && m.id === id)),
        resolve: resolve as (m: FromWriter) => void,
        reject,
      };
    });

  // The writer has opened its connection (a database it cannot open fails here, before any file).
  await Promise.race([
    fromWriter('ready', null),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('import writer did not start within 30 s')), 30_000).unref(),
    ),
  ]).catch(async (e: unknown) => {
    await Promise.allSettled([reader.terminate(), writer.terminate()]);
    throw e;
  });

  const api: FileImporter = {
    threaded: true,

    async read(def, zip, name, onProgress) {
      const id = nextId++;
      if (readerBusy) await Promise.race([readerBusy.done, brokenSignal]);
      if (broken) throw broken;
      Atomics.store(stopFlag, 0, 0);
      const begun = fromWriter('begun', id);
      writer.postMessage({ t: 'begin', id, catalogue: def.id } satisfies ToWriter);
      await begun;
      openId = id;
      progress = onProgress;
      const read = fromReader((m) => m.id === id);
      const written = fromWriter('written', id);
      let resolveIdle!: () => void;
      readerBusy = { id, done: new Promise<void>((r) => (resolveIdle = r)), resolve: () => resolveIdle() };
      // A copy goes to the reader (the caller keeps its bytes): a few MB, once per file.
      reader.postMessage({ t: 'file', id, catalogue: def.id, zip, name } satisfies ToReader);
      try {
        const r = await read;
        if (r.failure) {
          written.catch(() => undefined);
          writerWaiter = null;
          await api.rollback();
          throw new FileReadFailure(r.failure, r.summary);
        }
        const w = await written;
        // A stop that came after the reader's last chunk still stops this file.
        if (Atomics.load(stopFlag, 0) === 1) {
          await api.rollback();
          throw new FileReadFailure(stoppedWhileReading(def.id, name), r.summary);
        }
        return {
          entryName: r.entryName,
          summary: r.summary,
          rowsWritten: w.rows,
          timing: { readMs: r.ms, writeBusyMs: w.busyMs },
        };
      } catch (e) {
        written.catch(() => undefined);
        if (!(e instanceof FileReadFailure)) await api.rollback().catch(() => undefined);
        throw e;
      } finally {
        progress = null;
      }
    },

    async commit(c) {
      const id = openId;
      if (id === null) throw new Error('commit without a file');
      openId = null;
      const done = fromWriter('committed', id);
      writer.postMessage({ t: 'commit', id, commit: c } satisfies ToWriter);
      const r = await done;
      return { changed: r.changed, total: r.total };
    },

    async rollback() {
      const id = openId;
      openId = null;
      if (id === null || broken) return;
      const done = fromWriter('rolledback', id);
      writer.postMessage({ t: 'rollback', id } satisfies ToWriter);
      await done;
    },

    stop() {
      Atomics.store(stopFlag, 0, 1);
    },

    async close() {
      Atomics.store(stopFlag, 0, 1);
      broken ??= new SyncFailure('导入已结束', 'catalogue import: closed');
      // Terminating the writer closes its connection, which rolls back a transaction still open.
      await Promise.allSettled([reader.terminate(), writer.terminate()]);
    },
  };
  return api;
}

/** The fallback: the same reader and writer in the calling thread. */
function inline(db: Db): FileImporter {
  const writer = createFileWriter(db);
  let stopped = false;
  let held: { catalogue: string; rows: FileRow[][] } | null = null;
  return {
    threaded: false,

    async read(def, zip, name, onProgress) {
      stopped = false;
      held = null;
      const chunks: FileRow[][] = [];
      let n = 0;
      const r = await readCatalogueFile(
        def,
        zip,
        name,
        async (rows, lines) => {
          chunks.push(rows);
          n += rows.length;
          onProgress(n, lines);
          await new Promise((res) => setImmediate(res));
        },
        () => (stopped ? stoppedWhileReading(def.id, name) : null),
      );
      if (r.failure) throw new FileReadFailure(r.failure, r.summary);
      if (stopped) throw new FileReadFailure(stoppedWhileReading(def.id, name), r.summary);
      held = { catalogue: def.id, rows: chunks };
      return { entryName: r.entryName, summary: r.summary, rowsWritten: n };
    },

    async commit(c) {
      const h = held;
      held = null;
      if (!h) throw new Error('commit without a file');
      // One synchronous stretch: nothing else on this connection can slip into the transaction.
      writer.begin(h.catalogue);
      try {
        for (const rows of h.rows) writer.write(rows);
      } catch (e) {
        writer.rollback();
        throw e;
      }
      return writer.commit(c);
    },

    async rollback() {
      held = null;
    },

    stop() {
      stopped = true;
    },

    async close() {
      stopped = true;
      held = null;
    },
  };
}
