import { z } from '../../shared/z';
import { CATALOGUE_9102_FIXMEDINS_CODE } from '../../nhsa/registry/catalogue-files';
import { addProblems, callFailure, checkAborted, type RunContext } from './context';
import { compareVer, INITIAL_VER, type FileCatalogueDef } from './definitions';
import { SyncFailure } from './errors';
import { FileReadFailure, type FileImporter, type ReadFile } from './import-workers';
import { readZipEntry } from './zip';

/**
 * The version loop of a file catalogue (catalogue.md §1.2, §1.4): ask 13xx for what is newer than the local
 * maximum version, fetch the named file with 9102, write it inside one transaction (import-workers.ts), and when
 * the whole file has been read and checked commit it together with the new mark — then ask again, until the
 * center has nothing newer.
 *
 * The mark only moves at a file boundary, so a crash or a dropped connection anywhere in between costs at most
 * the file in hand: the next run asks again from the same version and gets the same rows (upserts, so nothing
 * is duplicated), and no later file is ever merged before an earlier one (so nothing is skipped).
 */

/** Safety net against a center that keeps answering with a file that does not move the version. */
const MAX_FILES_PER_RUN = 500;

const cell = z.union([z.string(), z.number()]).nullish();

/** The 13xx output (catalogue.md §1.2): empty file_qury_no or data_cnt 0 = nothing newer. */
const fileRefSchema = z.object({
  file_qury_no: cell.transform((v) => (v === null || v === undefined ? '' : String(v).trim())),
  filename: cell.transform((v) => (v === null || v === undefined ? '' : String(v).trim())),
  dld_end_time: cell,
  data_cnt: cell.transform((v, c) => {
    if (v === null || v === undefined || v === '') return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      c.addIssue({ code: 'custom', message: `data_cnt 不是非负整数：${String(v)}` });
      return z.NEVER;
    }
    return n;
  }),
});

export async function syncFileCatalogue(ctx: RunContext, def: FileCatalogueDef): Promise<void> {
  // The import threads start with the first file (an up-to-date catalogue needs none) and end with the run.
  let importer: FileImporter | null = null;
  try {
    await versionLoop(ctx, def, async () => (importer ??= await ctx.openImporter()));
  } finally {
    await (importer as FileImporter | null)?.close();
  }
}

async function versionLoop(
  ctx: RunContext,
  def: FileCatalogueDef,
  importerFor: () => Promise<FileImporter>,
): Promise<void> {
  for (let round = 1; ; round++) {
    checkAborted(ctx);
    if (round > MAX_FILES_PER_RUN) {
      throw new SyncFailure(
        `${def.name}连续下载了 ${MAX_FILES_PER_RUN} 个文件仍未结束，已停止；请联系医保中心核对版本号`,
        `catalogue ${def.id}: more than ${MAX_FILES_PER_RUN} files in one run`,
      );
    }
    const fromVer = ctx.store.state(def.id)?.max_ver ?? INITIAL_VER;
    ctx.progress.update({ phase: 'querying', file: null, percent: null, message: `查询版本 ${fromVer} 之后的数据` });
    const q = await ctx.call(def.id, { data: { ver: fromVer } });
    if (q.kind !== 'ok') throw callFailure(q, `${def.name}下载（${def.id}）`);
    const ref = fileRefSchema.safeParse(q.output);
    if (!ref.success) {
      throw new SyncFailure(
        `${def.id} 的应答格式不正确：${ref.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('；')}`,
        `catalogue ${def.id}: malformed 13xx output ${JSON.stringify(q.output).slice(0, 300)}`,
      );
    }
    const { file_qury_no: fileQuryNo, filename, data_cnt: dataCnt } = ref.data;
    if (!fileQuryNo || dataCnt === 0) {
      ctx.log.info('catalogue: up to date', { catalogue: def.id, ver: fromVer, files: ctx.counters.files });
      return;
    }
    const name = filename || `${def.id}-${round}.txt.zip`;

    checkAborted(ctx);
    ctx.progress.update({ phase: 'downloading', file: name, message: `下载第 ${round} 个文件` }, true);
    const d = await ctx.call('9102', {
      fsDownloadIn: { file_qury_no: fileQuryNo, filename: name, fixmedins_code: CATALOGUE_9102_FIXMEDINS_CODE },
    });
    if (d.kind !== 'ok') throw callFailure(d, `目录文件 ${name} 下载（9102）`);
    if (!d.file) {
      throw new SyncFailure(`目录文件 ${name} 下载应答中没有文件内容`, `9102 for ${name}: ok without a file`);
    }

    const maxVer = await importCatalogueZip(ctx, await importerFor(), def, d.file, name, dataCnt);
    if (compareVer(maxVer, fromVer) <= 0) {
      // The center handed back rows no newer than what we asked from: asking again would loop forever.
      ctx.report.notes.push(`${name} 的最高版本 ${maxVer} 未超过请求的版本 ${fromVer}，已停止继续请求`);
      ctx.log.warn('catalogue: version did not advance', { catalogue: def.id, fromVer, maxVer, file: name });
      return;
    }
  }
}

/**
 * One downloaded file, from zip bytes to visible rows. Exported for the benchmark, which times exactly this
 * path. Returns the file's highest version (the new mark).
 */
export async function importCatalogueZip(
  ctx: RunContext,
  importer: FileImporter,
  def: FileCatalogueDef,
  zip: Uint8Array,
  name: string,
  dataCnt: number | null,
): Promise<string> {
  // The zip's directory is read here first (a few microseconds): a cut or non-zip download is refused before
  // any thread is asked to read it.
  readZipEntry(zip, name);
  ctx.progress.update({ phase: 'parsing', file: name, percent: dataCnt ? 0 : null, message: null }, true);
  let file: ReadFile;
  try {
    file = await importer.read(def, zip, name, (rows, lines) => {
      if (ctx.signal.aborted) importer.stop();
      ctx.progress.update({
        phase: 'importing',
        rows: ctx.counters.rows + rows,
        percent: dataCnt ? Math.min(99, Math.floor((lines * 100) / dataCnt)) : null,
      });
    });
  } catch (e) {
    // Nothing of a refused file stays behind (its transaction is rolled back); the row problems found before
    // the refusal are part of the report.
    if (e instanceof FileReadFailure && e.summary) {
      addProblems(ctx, e.summary.problems, e.summary.problemsDropped);
      if (e.interrupted) checkAborted(ctx);
    }
    throw e;
  }

  const s = file.summary;
  const entryName = file.entryName;
  addProblems(ctx, s.problems, s.problemsDropped);
  if (s.maxColumns > def.columns) {
    ctx.report.notes.push(`${entryName} 有 ${s.maxColumns} 列（规范 ${def.columns} 列）：多出的列已原样保存`);
  }
  if (dataCnt !== null && s.lines !== dataCnt) {
    // Not fatal: what data_cnt counts is not documented (catalogue.md §1.2). The CRC already proved the file is
    // the one the center zipped; a real gap would show as a center-side problem.
    ctx.report.notes.push(`${entryName} 有 ${s.lines} 行，中心告知的数据量为 ${dataCnt}`);
    ctx.log.warn('catalogue: data_cnt differs from the file', { catalogue: def.id, lines: s.lines, dataCnt });
  }
  if (s.maxVer === null) {
    await importer.rollback();
    throw new SyncFailure(
      `目录文件 ${entryName} 中没有可导入的行（共 ${s.lines} 行，跳过 ${s.skipped} 行），版本无法前进，已停止`,
      `catalogue ${def.id}: ${entryName} has no importable rows (${s.lines} lines, ${s.skipped} skipped)`,
    );
  }
  if (ctx.signal.aborted) {
    await importer.rollback();
    checkAborted(ctx);
  }

  ctx.progress.update({ phase: 'merging', rows: ctx.counters.rows + file.rowsWritten, percent: 99 }, true);
  const merged = await importer.commit({
    catalogue: def.id,
    runId: ctx.runId,
    maxVer: s.maxVer,
    skipped: s.skipped,
    expectedRows: s.rows,
    now: ctx.now(),
  });
  ctx.counters.files++;
  ctx.counters.rows += merged.changed;
  ctx.counters.skipped += s.skipped;
  ctx.mark = s.maxVer;
  ctx.log.info('catalogue: file imported', {
    catalogue: def.id,
    file: name,
    lines: s.lines,
    rows: s.rows,
    changed: merged.changed,
    skipped: s.skipped,
    ver: s.maxVer,
    total: merged.total,
    threaded: importer.threaded,
    readMs: file.timing ? Math.round(file.timing.readMs) : null,
    writeMs: file.timing ? Math.round(file.timing.writeBusyMs) : null,
  });
  ctx.progress.update({ phase: 'importing', rows: ctx.counters.rows, percent: 100 }, true);
  return s.maxVer;
}
