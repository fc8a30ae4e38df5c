import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import type { Logger } from '../../core/logger';
import type { MappingCandidate, MappingState, ProductDetail } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { beijingDate } from '../../nhsa/beijing-time';
import type { NhsaOperator, NhsaResult } from '../../nhsa/client';
import type { InsuranceFactsReader } from '../products/insurance-facts';
import { MAPPING_STATE_LABEL, type MappingRow, type ProductRow } from '../products/model';
import type { ProductService } from '../products/service';
import { createCandidateFinder } from './candidates';
import { listTypeOf } from './list-type';

/**
 * 目录对照: a person confirms which national code a product is (→ pending 待上传), 3301 uploads the
 * pending ones (→ uploaded 已上传, or failed 上传失败 with the center's err_msg), 3302 revokes an uploaded
 * one (→ revoked 已撤销).
 *
 * 3301 cannot be reversed with 2601. When its outcome is unknown (timeout, broken reply) the rows stay
 * pending with a note and can simply be uploaded again; before sending, a row the center already lists
 * for this pharmacy (1317 data in hi_list_map) is taken as uploaded instead of being sent twice.
 */

/** The registry's note on 3301: at most 100 rows per call. */
export const UPLOAD_BATCH = 100;
/** extra calls allowed to find the refused rows of a refused batch by halving it */
const BISECT_BUDGET = 40;

export interface NhsaCaller {
  call(
    infno: string,
    input: Record<string, unknown>,
    ctx: { operator: NhsaOperator; source?: string },
  ): Promise<NhsaResult>;
  config(): { fixmedinsCode: string };
}

export interface MappingServiceDeps {
  db: Db;
  log: Logger;
  now: () => number;
  products: ProductService;
  facts: InsuranceFactsReader;
  nhsa: () => NhsaCaller | null;
}

export interface UploadResult {
  uploaded: number;
  failed: number;
  results: { productId: number; state: MappingState; message: string | null }[];
}

interface PendingRow extends MappingRow {
  code: string;
  generic_name: string;
  aprvno: string | null;
  dosage_form: string | null;
  spec: string | null;
  unit: string;
}

export type MappingService = ReturnType<typeof createMappingService>;

export function createMappingService(deps: MappingServiceDeps) {
  const { db, products, log } = deps;
  const findCandidates = createCandidateFinder(db, deps.facts);

  const mappingOf = db.prepare('SELECT * FROM product_mappings WHERE product_id = ?') as Statement<
    [number],
    MappingRow
  >;
  const natItem = db.prepare(
    `SELECT catalogue, code, name, json_extract(cols, '$[23]') AS tcmpat_flag FROM nat_items
      WHERE catalogue = ? AND code = ?`,
  ) as Statement<[string, string], { catalogue: string; code: string; name: string; tcmpat_flag: unknown }>;
  const upsertPending = db.prepare(
    `INSERT INTO product_mappings (product_id, nat_code, catalogue, list_type, state, center_message, confirmed_by,
       confirmed_at, uploaded_at, last_msgid, updated_at)
     VALUES (@product_id, @nat_code, @catalogue, @list_type, 'pending', NULL, @by, @now, NULL, NULL, @now)
     ON CONFLICT (product_id) DO UPDATE SET nat_code = excluded.nat_code, catalogue = excluded.catalogue,
       list_type = excluded.list_type, state = 'pending', center_message = NULL, confirmed_by = excluded.confirmed_by,
       confirmed_at = excluded.confirmed_at, uploaded_at = NULL, last_msgid = NULL, updated_at = excluded.updated_at`,
  );
  const setNatCode = db.prepare('UPDATE products SET nat_code = ?, updated_at = ? WHERE id = ?');
  const setState = db.prepare(
    `UPDATE product_mappings SET state = @state, center_message = @message, updated_at = @now,
       last_msgid = coalesce(@msgid, last_msgid),
       uploaded_at = CASE WHEN @state = 'uploaded' THEN @now ELSE uploaded_at END
     WHERE product_id = @id`,
  );
  const deleteMapping = db.prepare('DELETE FROM product_mappings WHERE product_id = ?');
  const pendingRows = db.prepare(
    `SELECT m.*, p.code, p.generic_name, p.aprvno, p.dosage_form, p.spec, p.unit
       FROM product_mappings m JOIN products p ON p.id = m.product_id
      WHERE m.state = 'pending' ORDER BY p.code`,
  ) as Statement<[], PendingRow>;
  const rowsFor = db.prepare(
    `SELECT m.*, p.code, p.generic_name, p.aprvno, p.dosage_form, p.spec, p.unit
       FROM product_mappings m JOIN products p ON p.id = m.product_id
      WHERE m.product_id IN (SELECT value FROM json_each(?)) ORDER BY p.code`,
  ) as Statement<[string], PendingRow>;
  const centerHas = db
    .prepare(
      `SELECT 1 FROM hi_list_map WHERE medins_list_codg = ? AND med_list_codg = ?
          AND (vali_flag IS NULL OR vali_flag IN ('', '1')) LIMIT 1`,
    )
    .pluck() as Statement<[string, string], number>;

  function update(id: number, state: MappingState, message: string | null, msgid: string | null = null): void {
    setState.run({ id, state, message, msgid, now: deps.now() });
  }

  function need(): NhsaCaller {
    const n = deps.nhsa();
    if (!n) throw new AppError('NHSA_NOT_SENT', '医保服务未能启动，无法上传或撤销目录对照，请查看日志');
    return n;
  }

  function candidates(productId: number): MappingCandidate[] {
    const row = products.rowOf(productId);
    return findCandidates(row, products.barcodesOf(productId));
  }

  function confirm(
    input: { productId: number; natCode: string; catalogue: string },
    operatorId: number | null,
  ): ProductDetail {
    const product = products.rowOf(input.productId);
    const nat = natItem.get(input.catalogue, input.natCode);
    if (!nat) {
      throw new AppError(
        'NOT_FOUND',
        `国家目录（${input.catalogue}）中找不到编码 ${input.natCode}：请先同步该目录，或核对编码`,
      );
    }
    const listType = listTypeOf(nat.catalogue, nat.code, nat.tcmpat_flag === null ? null : String(nat.tcmpat_flag));
    if (!listType)
      throw new AppError('INVALID_INPUT', `目录 ${input.catalogue} 不是药品、饮片或耗材目录，不能用于商品对照`);
    const current = mappingOf.get(product.id);
    if (current && (current.state === 'uploaded' || current.state === 'revoking')) {
      if (current.nat_code === nat.code && current.state === 'uploaded') return products.get(product.id);
      throw new AppError(
        'CONFLICT',
        `该商品已有${MAPPING_STATE_LABEL[current.state]}的对照（${current.nat_code}）：请先撤销，再对照到其他编码`,
      );
    }
    products.inTransaction(() => {
      upsertPending.run({
        product_id: product.id,
        nat_code: nat.code,
        catalogue: nat.catalogue,
        list_type: listType,
        by: operatorId,
        now: deps.now(),
      });
      // the product's link to its national code follows what the person confirmed
      setNatCode.run(nat.code, deps.now(), product.id);
      return { result: null, ids: [product.id] };
    });
    return products.get(product.id);
  }

  /** The 3301 row of one product (registry spec: node data, one object per row). */
  function uploadRow(r: PendingRow, today: string): Record<string, string> {
    const ifFits = (s: string | null, max: number) => (s && Array.from(s).length <= max ? s : '');
    return {
      fixmedins_hilist_id: r.code,
      fixmedins_hilist_name: r.generic_name,
      list_type: r.list_type,
      med_list_codg: r.nat_code,
      begndate: today,
      enddate: '',
      aprvno: ifFits(r.aprvno, 30),
      dosform: ifFits(r.dosage_form, 200),
      exct_cont: '',
      item_cont: '',
      prcunt: ifFits(r.unit, 100),
      spec: ifFits(r.spec, 200),
      pacspec: '',
      memo: '',
    };
  }

  /** What the registry would refuse anyway, said about the product instead of the wire field. */
  function localProblem(r: PendingRow): string | null {
    if (Array.from(r.code).length > 30)
      return `商品编码“${r.code}”超过 30 位：医保目录对照要求定点机构目录编号不超过 30 位`;
    if (Array.from(r.generic_name).length > 200) return '通用名超过 200 个字符，无法上传';
    if (Array.from(r.nat_code).length > 50) return `国家医保编码“${r.nat_code}”超过 50 位`;
    return null;
  }

  async function upload(productIds: number[] | undefined, operator: NhsaOperator): Promise<UploadResult> {
    const nhsa = need();
    const out: UploadResult = { uploaded: 0, failed: 0, results: [] };
    /** `sent` = this upload decided the state (counted); otherwise the state is only reported */
    const result = (id: number, state: MappingState, message: string | null, sent = true) => {
      out.results.push({ productId: id, state, message });
      if (sent && state === 'uploaded') out.uploaded++;
      if (sent && state === 'failed') out.failed++;
    };

    let rows: PendingRow[];
    if (productIds?.length) {
      const listed = rowsFor.all(JSON.stringify(productIds));
      const known = new Set(listed.map((r) => r.product_id));
      for (const id of productIds)
        if (!known.has(id)) result(id, 'unmapped', '该商品还没有确认的对照，无法上传', false);
      rows = [];
      for (const r of listed) {
        // a failed row is sent again only when asked for by name (after its cause was fixed)
        if (r.state === 'pending' || r.state === 'failed') rows.push(r);
        else result(r.product_id, r.state, `当前状态为“${MAPPING_STATE_LABEL[r.state]}”，无需上传`, false);
      }
    } else {
      rows = pendingRows.all();
    }

    const send: PendingRow[] = [];
    for (const r of rows) {
      const problem = localProblem(r);
      if (problem) {
        update(r.product_id, 'failed', problem);
        result(r.product_id, 'failed', problem);
      } else if (centerHas.get(r.code, r.nat_code)) {
        const note = '医保中心的目录匹配信息（1317）中已有该对照';
        update(r.product_id, 'uploaded', note);
        result(r.product_id, 'uploaded', note);
      } else send.push(r);
    }

    const today = beijingDate(new Date(deps.now()));
    let budget = BISECT_BUDGET;
    let stopped: string | null = null;

    const sendBatch = async (batch: PendingRow[]): Promise<void> => {
      if (stopped) {
        for (const r of batch) result(r.product_id, r.state, stopped, false);
        return;
      }
      const res = await nhsa.call('3301', { data: batch.map((r) => uploadRow(r, today)) }, { operator, source: 'app' });
      switch (res.kind) {
        case 'ok':
          db.transaction(() => batch.forEach((r) => update(r.product_id, 'uploaded', null, res.msgid)))();
          batch.forEach((r) => result(r.product_id, 'uploaded', null));
          return;
        case 'business_error': {
          // the center refuses a whole call for one bad row: halve the batch to find the rows it refuses
          if (batch.length > 1 && budget >= 2) {
            budget -= 2;
            const mid = Math.ceil(batch.length / 2);
            await sendBatch(batch.slice(0, mid));
            await sendBatch(batch.slice(mid));
            return;
          }
          const message = `医保中心返回：${res.errMsg}`;
          db.transaction(() => batch.forEach((r) => update(r.product_id, 'failed', message, res.msgid)))();
          batch.forEach((r) => result(r.product_id, 'failed', message));
          return;
        }
        case 'not_sent': {
          // nothing reached the center (no sign-in, no connection, bad settings): the rest would fare the same
          stopped = `未上传：${res.reason}`;
          db.transaction(() => batch.forEach((r) => update(r.product_id, r.state, stopped)))();
          batch.forEach((r) => result(r.product_id, r.state, stopped, false));
          return;
        }
        case 'unknown': {
          const note =
            `上传结果未知（${res.reason}，报文ID ${res.msgid}）：对照仍为待上传，可重新上传；` +
            '重新上传前可先同步“医药机构目录匹配信息（1317）”核对医保中心是否已收到';
          log.warn('mapping: 3301 outcome unknown', { msgid: res.msgid, rows: batch.length });
          stopped = '未上传：前一批的上传结果未知，已暂停，请稍后重试';
          db.transaction(() => batch.forEach((r) => update(r.product_id, 'pending', note, res.msgid)))();
          batch.forEach((r) => result(r.product_id, 'pending', note, false));
          return;
        }
      }
    };

    for (let i = 0; i < send.length; i += UPLOAD_BATCH) await sendBatch(send.slice(i, i + UPLOAD_BATCH));
    return out;
  }

  async function revoke(productId: number, operator: NhsaOperator): Promise<ProductDetail> {
    const product: ProductRow = products.rowOf(productId);
    const m = mappingOf.get(productId);
    if (!m) throw new AppError('CONFLICT', '该商品没有目录对照，无需撤销');
    if (m.state === 'revoked') throw new AppError('CONFLICT', '该商品的目录对照已经撤销');
    // never sent, or sent and refused: the center does not hold it — cancel here, no 3302
    const maybeAtCenter = m.state === 'uploaded' || m.state === 'revoking' || (m.state === 'pending' && m.last_msgid);
    if (!maybeAtCenter) {
      deleteMapping.run(productId);
      return products.get(productId);
    }
    const nhsa = need();
    const previous = m.state === 'revoking' ? 'uploaded' : m.state;
    update(productId, 'revoking', null);
    const res = await nhsa.call(
      '3302',
      {
        data: {
          fixmedins_code: nhsa.config().fixmedinsCode,
          fixmedins_hilist_id: product.code,
          list_type: m.list_type,
          med_list_codg: m.nat_code,
        },
      },
      { operator, source: 'app' },
    );
    switch (res.kind) {
      case 'ok':
        update(productId, 'revoked', null, res.msgid);
        return products.get(productId);
      case 'business_error':
        update(productId, previous, `撤销失败，医保中心返回：${res.errMsg}`, res.msgid);
        throw new AppError('NHSA_REFUSED', `医保中心拒绝撤销：${res.errMsg}`, { logDetail: { msgid: res.msgid } });
      case 'not_sent':
        update(productId, previous, `撤销未发送：${res.reason}`);
        throw new AppError('NHSA_NOT_SENT', res.reason);
      case 'unknown':
        update(productId, 'revoking', `撤销结果未知（${res.reason}，报文ID ${res.msgid}）：可再次撤销`, res.msgid);
        throw new AppError('NHSA_UNKNOWN', `撤销结果未知：${res.reason}。可稍后再次撤销`, {
          logDetail: { msgid: res.msgid },
        });
    }
  }

  return { candidates, confirm, upload, revoke };
}
