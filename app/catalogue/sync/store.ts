import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import type { CatalogueId, CatalogueSyncRun } from '../../shared/contract';
import type { RowProblem } from './errors';

/**
 * The statements the sync runs against the till's database on the main connection: state, runs, query pages
 * and dictionaries. A downloaded file is written by file-writer.ts on the import connection instead.
 *
 * Version comparisons in SQL use the same rule as compareVer (definitions.ts): longer is newer, then text order.
 */

export const NEWER_VER = (a: string, b: string) =>
  `(length(${a}) > length(${b}) OR (length(${a}) = length(${b}) AND ${a} >= ${b}))`;

export const NAT_COLUMNS =
  'catalogue, code, name, trade_name, spec, dosform, manufacturer, aprvno, otc_flag, chrgitm_lv, pinyin, vali_flag, ver, updt_time, cols';
export const NAT_UPDATE = `name = excluded.name, trade_name = excluded.trade_name, spec = excluded.spec,
  dosform = excluded.dosform, manufacturer = excluded.manufacturer, aprvno = excluded.aprvno,
  otc_flag = excluded.otc_flag, chrgitm_lv = excluded.chrgitm_lv, pinyin = excluded.pinyin,
  vali_flag = excluded.vali_flag, ver = excluded.ver, updt_time = excluded.updt_time, cols = excluded.cols`;

export interface StateRow {
  catalogue: string;
  max_ver: string | null;
  max_updt_time: string | null;
  rows: number;
  updated_at: number;
}

interface RunRow {
  id: number;
  catalogue: string;
  trigger: CatalogueSyncRun['trigger'];
  operator_id: number | null;
  operator_name: string | null;
  started_at: number;
  finished_at: number | null;
  status: CatalogueSyncRun['status'];
  from_mark: string | null;
  to_mark: string | null;
  files: number;
  rows_imported: number;
  rows_skipped: number;
  error: string | null;
  report: string | null;
}

export interface RunReport {
  problems: RowProblem[];
  /** problems counted but not kept */
  problemsDropped: number;
  /** remarks that are not about a row (extra columns, a dictionary the center did not send …) */
  notes: string[];
  /** 经办人 the calls went out as */
  operator: string;
}

/** A row of one of the query tables, ready to bind (named parameters). */
export type QueryRow = Record<string, string | number | null>;

export type SyncStore = ReturnType<typeof createSyncStore>;

export function createSyncStore(db: Db) {
  const natUpsert = db.prepare(`INSERT INTO nat_items (${NAT_COLUMNS})
    VALUES (@catalogue, @code, @name, @trade_name, @spec, @dosform, @manufacturer, @aprvno, @otc_flag, @chrgitm_lv,
      @pinyin, @vali_flag, @ver, @updt_time, @cols)
    ON CONFLICT (catalogue, code) DO UPDATE SET ${NAT_UPDATE}
    WHERE ${NEWER_VER('excluded.ver', 'nat_items.ver')}`);
  const stateOf = db.prepare('SELECT * FROM catalogue_sync_state WHERE catalogue = ?') as Statement<[string], StateRow>;
  const allStates = db.prepare('SELECT * FROM catalogue_sync_state') as Statement<[], StateRow>;
  const advanceTime = db.prepare(`INSERT INTO catalogue_sync_state (catalogue, max_updt_time, rows, updated_at)
    VALUES (@catalogue, @mark, @rows, @now)
    ON CONFLICT (catalogue) DO UPDATE SET
      max_updt_time = CASE WHEN excluded.max_updt_time IS NOT NULL
                             AND (max_updt_time IS NULL OR excluded.max_updt_time > max_updt_time)
                      THEN excluded.max_updt_time ELSE max_updt_time END,
      rows = excluded.rows, updated_at = excluded.updated_at`);

  const insertRun =
    db.prepare(`INSERT INTO catalogue_sync_runs (catalogue, trigger, operator_id, started_at, status, report)
    VALUES (@catalogue, @trigger, @operatorId, @now, 'running', @report)`);
  const runStarted = db.prepare('UPDATE catalogue_sync_runs SET from_mark = ?, started_at = ? WHERE id = ?');
  const runFinish = db.prepare(`UPDATE catalogue_sync_runs SET status = @status, finished_at = @now, error = @error,
    report = @report, to_mark = coalesce(@mark, to_mark), rows_imported = @rows, rows_skipped = @skipped, files = @files
    WHERE id = @id`);
  const RUN_SELECT = `SELECT r.*, coalesce(o.display_name, json_extract(r.report, '$.operator')) AS operator_name
    FROM catalogue_sync_runs r LEFT JOIN operators o ON o.id = r.operator_id`;
  const runById = db.prepare(`${RUN_SELECT} WHERE r.id = ?`) as Statement<[number], RunRow>;
  const lastRun = db.prepare(`${RUN_SELECT} WHERE r.catalogue = ? ORDER BY r.id DESC LIMIT 1`) as Statement<
    [string],
    RunRow
  >;
  const runsPage = db.prepare(`${RUN_SELECT} ORDER BY r.id DESC LIMIT ? OFFSET ?`) as Statement<
    [number, number],
    RunRow
  >;
  const runsTotal = db.prepare('SELECT count(*) FROM catalogue_sync_runs').pluck() as Statement<[], number>;
  const markInterrupted = db.prepare(`UPDATE catalogue_sync_runs SET status = 'interrupted', finished_at = @now,
    error = coalesce(error, @error) WHERE status = 'running'`);

  const queryUpserts: Record<string, Statement> = {
    '1312': db.prepare(`INSERT INTO hi_list (hilist_code, insu_admdvs, begndate, enddate, hilist_name, chrgitm_lv,
        med_chrgitm_type, lmt_used_flag, list_type, vali_flag, updt_time, row)
      VALUES (@hilist_code, @insu_admdvs, @begndate, @enddate, @hilist_name, @chrgitm_lv, @med_chrgitm_type,
        @lmt_used_flag, @list_type, @vali_flag, @updt_time, @row)
      ON CONFLICT (hilist_code, insu_admdvs, begndate) DO UPDATE SET enddate = excluded.enddate,
        hilist_name = excluded.hilist_name, chrgitm_lv = excluded.chrgitm_lv, med_chrgitm_type = excluded.med_chrgitm_type,
        lmt_used_flag = excluded.lmt_used_flag, list_type = excluded.list_type, vali_flag = excluded.vali_flag,
        updt_time = excluded.updt_time, row = excluded.row`),
    '1317': db.prepare(`INSERT INTO hi_list_map (medins_list_codg, med_list_codg, begndate, enddate, list_type,
        insu_admdvs, vali_flag, updt_time, row)
      VALUES (@medins_list_codg, @med_list_codg, @begndate, @enddate, @list_type, @insu_admdvs, @vali_flag, @updt_time, @row)
      ON CONFLICT (medins_list_codg, med_list_codg, begndate) DO UPDATE SET enddate = excluded.enddate,
        list_type = excluded.list_type, insu_admdvs = excluded.insu_admdvs, vali_flag = excluded.vali_flag,
        updt_time = excluded.updt_time, row = excluded.row`),
    '1318': db.prepare(`INSERT INTO hi_price_limit (hilist_code, hilist_lmtpric_type, insu_admdvs, begndate, enddate,
        overlmt_dspo_way, pric_uplmt_fen, vali_flag, updt_time, row)
      VALUES (@hilist_code, @hilist_lmtpric_type, @insu_admdvs, @begndate, @enddate, @overlmt_dspo_way,
        @pric_uplmt_fen, @vali_flag, @updt_time, @row)
      ON CONFLICT (hilist_code, hilist_lmtpric_type, insu_admdvs, begndate) DO UPDATE SET enddate = excluded.enddate,
        overlmt_dspo_way = excluded.overlmt_dspo_way, pric_uplmt_fen = excluded.pric_uplmt_fen,
        vali_flag = excluded.vali_flag, updt_time = excluded.updt_time, row = excluded.row`),
    '1319': db.prepare(`INSERT INTO hi_selfpay (hilist_code, selfpay_prop_psn_type, selfpay_prop_type, insu_admdvs,
        begndate, enddate, selfpay_prop, vali_flag, updt_time, row)
      VALUES (@hilist_code, @selfpay_prop_psn_type, @selfpay_prop_type, @insu_admdvs, @begndate, @enddate,
        @selfpay_prop, @vali_flag, @updt_time, @row)
      ON CONFLICT (hilist_code, selfpay_prop_psn_type, selfpay_prop_type, insu_admdvs, begndate) DO UPDATE SET
        enddate = excluded.enddate, selfpay_prop = excluded.selfpay_prop, vali_flag = excluded.vali_flag,
        updt_time = excluded.updt_time, row = excluded.row`),
    '1304': natUpsert,
  };
  const queryCounts: Record<string, Statement<[], number>> = {
    '1312': db.prepare('SELECT count(*) FROM hi_list').pluck() as Statement<[], number>,
    '1317': db.prepare('SELECT count(*) FROM hi_list_map').pluck() as Statement<[], number>,
    '1318': db.prepare('SELECT count(*) FROM hi_price_limit').pluck() as Statement<[], number>,
    '1319': db.prepare('SELECT count(*) FROM hi_selfpay').pluck() as Statement<[], number>,
    '1304': db.prepare("SELECT count(*) FROM nat_items WHERE catalogue = '1304'").pluck() as Statement<[], number>,
  };

  const dictDelete = db.prepare('DELETE FROM dict_items WHERE type = ? AND admdvs = ?');
  const dictInsert =
    db.prepare(`INSERT INTO dict_items (type, value, admdvs, label, parent_value, sort, vali_flag, version)
    VALUES (@type, @value, @admdvs, @label, @parent_value, @sort, @vali_flag, @version)
    ON CONFLICT (type, value, admdvs) DO UPDATE SET label = excluded.label, parent_value = excluded.parent_value,
      sort = excluded.sort, vali_flag = excluded.vali_flag, version = excluded.version`);
  const dictCount = db.prepare('SELECT count(*) FROM dict_items').pluck() as Statement<[], number>;

  return {
    /** One page of a paged query, upserted in one transaction. Returns rows inserted or replaced. */
    upsertQueryPage(catalogue: string, rows: readonly QueryRow[]): number {
      const stmt = queryUpserts[catalogue];
      if (!stmt) throw new Error(`no table for query catalogue ${catalogue}`);
      return db
        .transaction(() => {
          let changed = 0;
          for (const r of rows) changed += stmt.run(r).changes;
          return changed;
        })
        .immediate();
    },

    /** After the last page: the update-time mark moves (never backwards) and the run counts the pages. */
    finishQuery(a: { catalogue: string; mark: string | null; now: number }): number {
      return db
        .transaction(() => {
          const total = queryCounts[a.catalogue]!.get()!;
          advanceTime.run({ catalogue: a.catalogue, mark: a.mark, rows: total, now: a.now });
          return total;
        })
        .immediate();
    },

    /** One dictionary type replaced as a whole (values the center dropped disappear). */
    replaceDictionary(type: string, admdvs: string, rows: readonly QueryRow[]): void {
      db.transaction(() => {
        dictDelete.run(type, admdvs);
        for (const r of rows) dictInsert.run(r);
      }).immediate();
    },

    finishDictionaries(a: { mark: string; now: number }): number {
      return db
        .transaction(() => {
          const total = dictCount.get()!;
          advanceTime.run({ catalogue: '1901', mark: a.mark, rows: total, now: a.now });
          return total;
        })
        .immediate();
    },

    state(catalogue: string): StateRow | undefined {
      return stateOf.get(catalogue);
    },

    states(): StateRow[] {
      return allStates.all();
    },

    insertRun(a: {
      catalogue: CatalogueId;
      trigger: CatalogueSyncRun['trigger'];
      operatorId: number | null;
      operator: string;
      now: number;
    }): number {
      const report: RunReport = { problems: [], problemsDropped: 0, notes: [], operator: a.operator };
      return Number(insertRun.run({ ...a, report: JSON.stringify(report) }).lastInsertRowid);
    },

    runStarted(id: number, fromMark: string | null, now: number): void {
      runStarted.run(fromMark, now, id);
    },

    finishRun(a: {
      id: number;
      status: CatalogueSyncRun['status'];
      now: number;
      error: string | null;
      report: RunReport;
      mark: string | null;
      rows: number;
      skipped: number;
      files: number;
    }): void {
      runFinish.run({ ...a, report: JSON.stringify(a.report) });
    },

    run(id: number): CatalogueSyncRun | undefined {
      const r = runById.get(id);
      return r && toRun(r);
    },

    lastRun(catalogue: string): CatalogueSyncRun | undefined {
      const r = lastRun.get(catalogue);
      return r && toRun(r);
    },

    runs(limit: number, offset: number): { rows: CatalogueSyncRun[]; total: number } {
      return { rows: runsPage.all(limit, offset).map(toRun), total: runsTotal.get()! };
    },

    /** Runs a crash (or a kill) left 'running': they did not finish, and their open file transaction was rolled back. */
    markInterrupted(now: number, error: string): number {
      return markInterrupted.run({ now, error }).changes;
    },
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function toRun(r: RunRow): CatalogueSyncRun {
  let problems: CatalogueSyncRun['problems'] = [];
  if (r.report) {
    try {
      const rep = JSON.parse(r.report) as Partial<RunReport>;
      problems = Array.isArray(rep.problems) ? rep.problems : [];
    } catch {
      problems = [];
    }
  }
  return {
    id: r.id,
    catalogue: r.catalogue as CatalogueId,
    trigger: r.trigger,
    operatorName: r.operator_name,
    startedAt: iso(r.started_at)!,
    finishedAt: iso(r.finished_at),
    status: r.status,
    fromMark: r.from_mark,
    toMark: r.to_mark,
    files: r.files,
    rowsImported: r.rows_imported,
    rowsSkipped: r.rows_skipped,
    error: r.error,
    problems,
  };
}
