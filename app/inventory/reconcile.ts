import type { Logger } from '../core/logger';
import type { Db } from '../db/connection';
import type { NhsaService } from '../nhsa/service';
import { AppError } from '../shared/errors';
import type { ReconcileKind, ReconcileReport, ReconcileRow, ReconcileStatus } from '../shared/inventory';
import { field, numberField, readQuery, type CenterRecord } from './readback';
import { memoOf, recordDay, wireRow, type OutboxRow } from './upload-outbox';
import { UPLOAD_OPERATOR } from './uploader';
import { INBOUND_CHG_TYPES, RECORD_FIELDS, baseFromWire, parseRecordMemo, type UploadInfno } from './wire';

/**
 * 差异对账: what the center holds (3508–3511) against what the till recorded for a period.
 * - Record by record, per kind: every record the till wrote for the center (its upload_outbox row, written in
 *   the same transaction as the stock movement) is looked for at the center by its memo; counts compared; what
 *   the center holds twice, or holds without the till knowing it, is listed too.
 * - Per batch (kind 'ledger'): the stock ledger's net movement in the period against the net of the center's
 *   records (purchases, returns, changes, sales) — a movement that never became a record shows here.
 * The queries need a product or a batch (inventory.md §4: one of medins_list_codg / fixmedins_bchno), so the
 * center is asked product by product for every product the till moved in the period; a product the till never
 * moved cannot be asked about (said on the screen).
 */

type RecordKind = Exclude<ReconcileKind, 'ledger'>;

const KINDS: Readonly<Record<RecordKind, { infnos: UploadInfno[]; query: string; count: string }>> = {
  stock: { infnos: ['3501'], query: '3508', count: RECORD_FIELDS['3501'].count },
  changes: { infnos: ['3502'], query: '3509', count: RECORD_FIELDS['3502'].count },
  purchases: { infnos: ['3503', '3504'], query: '3510', count: RECORD_FIELDS['3503'].count },
  sales: { infnos: ['3505', '3506'], query: '3511', count: RECORD_FIELDS['3505'].count },
};
const ALL_KINDS: RecordKind[] = ['stock', 'changes', 'purchases', 'sales'];
const PARALLEL = 4;

interface ProductFacts {
  id: number;
  code: string;
  name: string;
  split_factor: number | null;
  unit: string;
  split_unit: string | null;
}

const unitsOf = (p: ProductFacts | null | undefined): ReconcileRow['units'] =>
  p ? { unit: p.unit, splitUnit: p.split_unit, splitFactor: p.split_factor } : null;

/** Which way a record moves stock: +1 in, −1 out, 0 a stock level (3501). */
function direction(infno: UploadInfno | null, chgType: string): number {
  switch (infno) {
    case '3503':
    case '3506':
      return 1;
    case '3504':
    case '3505':
      return -1;
    case '3502':
      return INBOUND_CHG_TYPES.has(chgType) ? 1 : -1;
    default:
      return 0;
  }
}

const REF_INFNO: Readonly<Record<string, UploadInfno>> = {
  sale_line: '3505',
  return_line: '3506',
  receiving_line: '3503',
  purchase_return_line: '3504',
  change_line: '3502',
  stocktake_diff: '3502',
  stocktake_count: '3501',
};

/** The interface a center record came from: by its memo, else by the return flag of 3510/3511. */
function centerInfno(kind: RecordKind, rec: CenterRecord): UploadInfno {
  const ref = parseRecordMemo(field(rec, 'memo'));
  const fromMemo = ref ? REF_INFNO[ref.refType] : undefined;
  if (fromMemo) return fromMemo;
  const returned = field(rec, 'prod_retn_flag') === '1';
  if (kind === 'purchases') return returned ? '3504' : '3503';
  if (kind === 'sales') return returned ? '3506' : '3505';
  return KINDS[kind].infnos[0]!;
}

export interface ReconcilerDeps {
  db: Db;
  log: Logger;
  nhsa: Pick<NhsaService, 'call' | 'config'> | null;
}

export function createReconciler(deps: ReconcilerDeps) {
  const { db, log } = deps;

  const productOfBatch = db.prepare(
    `SELECT p.id, p.code, p.generic_name AS name, p.split_factor, p.unit, p.split_unit
     FROM stock_batches b JOIN products p ON p.id = b.product_id WHERE b.id = ?`,
  );
  const productByCode = db.prepare(
    'SELECT id, code, generic_name AS name, split_factor, unit, split_unit FROM products WHERE code = ?',
  );

  /** Beijing-day bounds of the period, in ms, widened a day each side for the created_at pre-filter. */
  function bounds(from: string, to: string) {
    const start = Date.parse(`${from}T00:00:00+08:00`);
    const end = Date.parse(`${to}T23:59:59.999+08:00`);
    return { start, end, widenedStart: start - 86_400_000, widenedEnd: end + 86_400_000 };
  }

  function localRecords(from: string, to: string): OutboxRow[] {
    const b = bounds(from, to);
    const rows = db
      .prepare(
        `SELECT id, infno, ref_type, ref_id, payload, state, attempts, next_attempt_at, last_error, created_at,
           updated_at, bchno, in_doubt, msgid, via, sent_at, center_msg
         FROM upload_outbox WHERE infno != '3507' AND state != 'deleted' AND created_at BETWEEN ? AND ?`,
      )
      .all(b.widenedStart, b.widenedEnd) as OutboxRow[];
    return rows.filter((r) => {
      const day = recordDay(r);
      return day >= from && day <= to;
    });
  }

  /** Net base-unit movement per batch in the stock ledger for the period (products with a national code only). */
  function ledgerNet(from: string, to: string): Map<string, { net: number; product: ProductFacts }> {
    const b = bounds(from, to);
    const rows = db
      .prepare(
        `SELECT l.batch_id, sum(l.delta_base) AS net, p.id, p.code, p.generic_name AS name, p.split_factor, p.unit,
           p.split_unit
         FROM stock_ledger l JOIN products p ON p.id = l.product_id
         LEFT JOIN product_mappings m ON m.product_id = p.id
         WHERE l.at BETWEEN ? AND ? AND coalesce(m.nat_code, p.nat_code, '') != ''
         GROUP BY l.batch_id`,
      )
      .all(b.start, b.end) as ({ batch_id: number; net: number } & ProductFacts)[];
    return new Map(
      rows.map((r) => [
        String(r.batch_id),
        {
          net: r.net,
          product: {
            id: r.id,
            code: r.code,
            name: r.name,
            split_factor: r.split_factor,
            unit: r.unit,
            split_unit: r.split_unit,
          },
        },
      ]),
    );
  }

  async function ask(
    query: string,
    productCode: string,
    from: string,
    to: string,
  ): Promise<{ ok: true; records: CenterRecord[] } | { ok: false; message: string }> {
    const nhsa = deps.nhsa!;
    const data = {
      fixmedins_code: nhsa.config().fixmedinsCode,
      medins_list_codg: productCode,
      begndate: from,
      enddate: to,
    };
    const r = await nhsa.call(query, { data }, { operator: UPLOAD_OPERATOR, source: 'reconcile' });
    return readQuery(r);
  }

  /** Runs `fn` over the items, a few at a time. */
  async function parallel<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await fn(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  }

  async function run(q: { from: string; to: string; kinds?: ReconcileKind[] }): Promise<ReconcileReport> {
    if (!deps.nhsa) throw new AppError('NHSA_NOT_SENT', '医保服务未启动，无法对账');
    const wanted = new Set<ReconcileKind>(q.kinds ?? [...ALL_KINDS, 'ledger']);
    // the ledger comparison needs the center's movements
    const recordKinds = ALL_KINDS.filter((k) => wanted.has(k) || (wanted.has('ledger') && k !== 'stock'));
    const local = localRecords(q.from, q.to);
    const ledger = wanted.has('ledger')
      ? ledgerNet(q.from, q.to)
      : new Map<string, { net: number; product: ProductFacts }>();

    const products = new Map<string, ProductFacts | null>();
    const productOf = (code: string): ProductFacts | null => {
      if (!products.has(code)) products.set(code, (productByCode.get(code) as ProductFacts | undefined) ?? null);
      return products.get(code)!;
    };
    for (const r of local) {
      const code = wireRow(r).fixmedins_hilist_id;
      if (typeof code === 'string' && code) productOf(code);
    }
    for (const v of ledger.values()) products.set(v.product.code, v.product);

    const center = new Map<RecordKind, CenterRecord[]>();
    const errors = new Map<RecordKind, string>();
    for (const kind of recordKinds) {
      const recs: CenterRecord[] = [];
      await parallel([...products.keys()], async (code) => {
        if (errors.has(kind)) return;
        const got = await ask(KINDS[kind].query, code, q.from, q.to);
        if (got.ok) recs.push(...got.records);
        else errors.set(kind, got.message);
      });
      center.set(kind, recs);
    }

    const rows: ReconcileRow[] = [];
    const kindsOut: ReconcileReport['kinds'] = [];
    const centerNet = new Map<string, number>();

    for (const kind of recordKinds) {
      const spec = KINDS[kind];
      const mine = local.filter((r) => spec.infnos.includes(r.infno));
      const theirs = center.get(kind) ?? [];
      const error = errors.get(kind) ?? null;
      const kindRows: ReconcileRow[] = [];
      const byMemo = new Map<string, CenterRecord[]>();
      for (const rec of theirs) {
        const memo = field(rec, 'memo');
        byMemo.set(memo, [...(byMemo.get(memo) ?? []), rec]);
        const infno = centerInfno(kind, rec);
        const product = productOf(field(rec, 'fixmedins_hilist_id') || field(rec, 'medins_list_codg'));
        const base = baseFromWire(
          numberField(rec, spec.count) ?? 0,
          field(rec, 'trdn_flag'),
          product?.split_factor ?? null,
        );
        const bchno = field(rec, 'fixmedins_bchno');
        centerNet.set(bchno, (centerNet.get(bchno) ?? 0) + direction(infno, field(rec, 'inv_chg_type')) * base);
      }
      if (error === null) {
        for (const r of mine) {
          const w = wireRow(r);
          const product = productOf(String(w.fixmedins_hilist_id ?? ''));
          const sign = direction(r.infno, String(w.inv_chg_type ?? '')) || 1;
          const localBase =
            sign * baseFromWire(Number(w[spec.count] ?? 0), String(w.trdn_flag ?? ''), product?.split_factor ?? null);
          const memo = memoOf(r);
          const found = byMemo.get(memo) ?? [];
          byMemo.delete(memo);
          const base = {
            kind,
            key: memo,
            productName: String(w.fixmedins_hilist_name ?? ''),
            bchno: r.bchno ?? '',
            localQtyBase: localBase,
            uploadId: r.id,
            units: unitsOf(product),
          };
          if (!found.length) {
            const why =
              r.state === 'sent'
                ? '已上传，但中心查不到这条记录'
                : r.state === 'refused'
                  ? `被中心拒收：${r.center_msg ?? ''}`
                  : r.in_doubt
                    ? '上传结果待核实'
                    : '尚未上传';
            kindRows.push({ ...base, status: 'missing_at_center', centerQtyBase: null, note: why });
            continue;
          }
          const centerBase =
            sign *
            baseFromWire(
              numberField(found[0]!, spec.count) ?? 0,
              field(found[0]!, 'trdn_flag'),
              product?.split_factor ?? null,
            );
          const status: ReconcileStatus =
            found.length > 1 ? 'duplicate' : centerBase !== localBase ? 'count_differs' : 'match';
          const note =
            status === 'duplicate'
              ? `中心有 ${found.length} 条相同记录`
              : status === 'count_differs'
                ? '中心记录的数量与本地不同'
                : '';
          kindRows.push({ ...base, status, centerQtyBase: centerBase, note });
        }
        for (const [memo, recs] of byMemo) {
          for (const rec of recs) {
            const product = productOf(field(rec, 'fixmedins_hilist_id') || field(rec, 'medins_list_codg'));
            const infno = centerInfno(kind, rec);
            kindRows.push({
              kind,
              status: 'extra_at_center',
              key: memo || `中心流水 ${field(rec, 'rid')}`,
              productName: field(rec, 'fixmedins_hilist_name') || field(rec, 'medins_list_name') || product?.name || '',
              bchno: field(rec, 'fixmedins_bchno'),
              localQtyBase: null,
              centerQtyBase:
                (direction(infno, field(rec, 'inv_chg_type')) || 1) *
                baseFromWire(numberField(rec, spec.count) ?? 0, field(rec, 'trdn_flag'), product?.split_factor ?? null),
              uploadId: null,
              units: unitsOf(product),
              note: parseRecordMemo(memo) ? '本地已删除或没有这条记录' : '不是本系统上传的记录',
            });
          }
        }
      }
      if (wanted.has(kind)) {
        rows.push(...kindRows);
        kindsOut.push({
          kind,
          local: mine.length,
          center: theirs.length,
          differences: kindRows.filter((r) => r.status !== 'match').length,
          error,
        });
      }
    }

    if (wanted.has('ledger')) {
      const error = [...errors.values()][0] ?? null;
      const ledgerRows: ReconcileRow[] = [];
      if (!error) {
        const batches = new Set([...ledger.keys(), ...[...centerNet.keys()].filter((b) => b !== '')]);
        for (const bchno of batches) {
          const mine = ledger.get(bchno);
          const net = centerNet.get(bchno) ?? 0;
          const localNet = mine?.net ?? 0;
          const product = mine?.product ?? (productOfBatch.get(Number(bchno)) as ProductFacts | undefined) ?? null;
          ledgerRows.push({
            kind: 'ledger',
            status: net === localNet ? 'match' : 'count_differs',
            key: `batch:${bchno}`,
            productName: product?.name ?? '',
            units: unitsOf(product),
            bchno,
            localQtyBase: localNet,
            centerQtyBase: net,
            uploadId: null,
            note:
              net === localNet ? '' : `本地台账净变动 ${localNet}，中心记录合计 ${net}：有变动未上传、被拒收或中心多记`,
          });
        }
      }
      rows.push(...ledgerRows);
      kindsOut.push({
        kind: 'ledger',
        local: ledger.size,
        center: centerNet.size,
        differences: ledgerRows.filter((r) => r.status !== 'match').length,
        error,
      });
    }

    rows.sort((a, b) => Number(a.status === 'match') - Number(b.status === 'match'));
    log.info('reconcile: done', {
      from: q.from,
      to: q.to,
      kinds: kindsOut.map((k) => `${k.kind}:${k.local}/${k.center}/${k.differences}${k.error ? '!' : ''}`),
    });
    return { from: q.from, to: q.to, ranAt: new Date().toISOString(), kinds: kindsOut, rows };
  }

  return { run };
}

export type Reconciler = ReturnType<typeof createReconciler>;
