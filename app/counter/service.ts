import type { Statement } from 'better-sqlite3';
import { withNormalSync, type Db } from '../db/connection';
import type { Logger } from '../core/logger';
import type { OperatorService } from '../auth/operators';
import type { InsuranceFactsReader } from '../catalogue/products/insurance-facts';
import type { ProductIndex } from '../catalogue/search/product-index';
import { beijingDate, beijingDateTime } from '../nhsa/beijing-time';
import type { NhsaOperator, NhsaResult } from '../nhsa/client';
import type { NhsaService } from '../nhsa/service';
import type { SettingsService } from '../settings/settings-service';
import { classifyScan, validateTraceCode, type TraceCodeOptions } from '../shared/codes';
import type { RxClass, SpecialFlag } from '../shared/contract';
import { SALE_STATE_LABELS, type FundSplitView, type SaleLineView, type SaleView } from '../shared/counter';
import { AppError } from '../shared/errors';
import { validateIdNumber } from '../shared/id-number';
import { maskIdNumber } from '../shared/mask';
import { fenToYuan } from '../shared/money';
import { PAYMENT_METHODS, type PaymentMethod } from '../shared/receipt';
import { checkPriorUse, traceCodeRequirement, traceCollectionRequired } from '../shared/trace-codes';
import { defaultInsutype, insuplcOf, PersonReplyError, personView, readPerson, type StoredPerson } from './person';
import { createSaleStore, type LineRow, type SaleRow } from './sale-store';
import { readSetlinfo, mdtrtIdOf, SettlementReplyError, settlementInput } from './settlement-io';
import { createStock, monthsUntil } from './stock';
import { createTraceRegistry } from '../inventory/trace-registry';
import { saleUploadPayloads } from './upload-payloads';

/**
 * The counter: a sale from the first scan to the paid receipt, with the insurance settlement in between.
 *
 * The one rule everything here serves: **the sale and its state are on disk before every call to the
 * center**, and the call is journaled with `ref = 'sale:<id>'`. So whatever dies — the network, the process,
 * the power — the next start finds the sale in a state that says what to do (recover()):
 *   open / presettled     nothing happened at the center that costs money: the cart is simply back;
 *   settling              the 2102 journal row decides: never journaled → back to presettled; refused or not
 *                         sent → back with the center's message; unknown, or answered but not recorded here →
 *                         2601 reversal queued, state reversing;
 *   reversing             once the center confirms the reversal, the cart comes back to the cashier (open)
 *                         with a notice; while it has not, settling again is refused (no double settlement);
 *   settled               settled and recorded (stock taken, 3505 queued): only the cash part is left.
 */

export interface CounterDeps {
  db: Db;
  log: Logger;
  now: () => number;
  settings: SettingsService;
  operators: OperatorService;
  index: ProductIndex;
  facts: InsuranceFactsReader;
  nhsa: NhsaService | null;
  /** the logged-in operator as the center knows them (经办人) */
  nhsaOperator: (operatorId: number) => NhsaOperator;
}

interface ProductRow {
  id: number;
  code: string;
  generic_name: string;
  trade_name: string | null;
  spec: string | null;
  manufacturer: string | null;
  unit: string;
  split_unit: string | null;
  split_factor: number | null;
  retail_price_fen: number;
  split_price_fen: number | null;
  rx_class: RxClass;
  special_flags: string;
  nat_code: string | null;
  active: number;
  mapping_state: string | null;
  mapping_nat_code: string | null;
}

export type ScanOutcome =
  | { kind: 'added'; sale: SaleView; lineId: number; message: string | null }
  | { kind: 'trace'; sale: SaleView; lineId: number; message: string | null }
  | { kind: 'choose'; sale: SaleView; candidates: { id: number; code: string; name: string; spec: string | null }[] };

export interface PersonMedium {
  certType: '01' | '02' | '03';
  certNo: string;
  cardSn?: string | null;
  /** e-voucher identity fields, when the decoder gave them */
  psnCertType?: string | null;
  certno?: string | null;
  psnName?: string | null;
}

const SPECIAL: ReadonlySet<SpecialFlag> = new Set(['ephedrine', 'special_compound']);

function fail(message: string, code: 'INVALID_INPUT' | 'CONFLICT' | 'NOT_FOUND' = 'CONFLICT'): never {
  throw new AppError(code, message);
}

export function createCounter(deps: CounterDeps) {
  const { db, log, now } = deps;
  const store = createSaleStore(db);
  const stock = createStock(db);
  // the trace codes the pharmacy received: released when a sale is booked, checked when one is scanned
  const traceRegistry = createTraceRegistry(db);
  const productOf = db.prepare(
    `SELECT p.id, p.code, p.generic_name, p.trade_name, p.spec, p.manufacturer, p.unit, p.split_unit, p.split_factor,
       p.retail_price_fen, p.split_price_fen, p.rx_class, p.special_flags, p.nat_code, p.active,
       m.state AS mapping_state, m.nat_code AS mapping_nat_code
     FROM products p LEFT JOIN product_mappings m ON m.product_id = p.id WHERE p.id = ?`,
  ) as Statement<[number], ProductRow>;
  const barcodesOf = db.prepare('SELECT barcode FROM product_barcodes WHERE product_id = ?').pluck() as Statement<
    [number],
    string
  >;
  // returned: the refund's stock-ledger row (every line), or its 3506 row (written before refunds booked the ledger
  // per line)
  const returnedLine = db
    .prepare(
      `SELECT 1 WHERE EXISTS (SELECT 1 FROM stock_ledger WHERE ref_type = 'return_line' AND ref_id = @id)
          OR EXISTS (SELECT 1 FROM upload_outbox WHERE infno = '3506' AND ref_type = 'return_line' AND ref_id = @id)`,
    )
    .pluck() as Statement<[{ id: number }], number>;
  const operatorName = db.prepare('SELECT display_name FROM operators WHERE id = ?').pluck() as Statement<
    [number],
    string
  >;

  /**
   * Cart edits are committed with synchronous=NORMAL: safe against a crash of the process (WAL); a power cut
   * can at worst lose the last scans of a cart nothing was settled for, and the cashier scans them again.
   * Everything that records money or a call to the center keeps the connection's FULL.
   */
  const light = <T>(fn: () => T): T => withNormalSync(db, fn);

  const settings = () => deps.settings.current();
  const today = () => beijingDate(new Date(now()));
  const traceOptions = (): TraceCodeOptions => ({
    acceptGs1: settings()['trace.accept_gs1'],
    acceptUnknownFormat: settings()['trace.accept_unknown_format'],
  });

  // --- reading -------------------------------------------------------------------------------------

  function saleRow(id: number): SaleRow {
    const s = store.sale.get(id);
    if (!s) fail('找不到该销售单', 'NOT_FOUND');
    return s;
  }

  function product(id: number): ProductRow {
    const p = productOf.get(id);
    if (!p) fail('找不到该商品', 'NOT_FOUND');
    return p;
  }

  function flags(p: ProductRow): SpecialFlag[] {
    try {
      return JSON.parse(p.special_flags) as SpecialFlag[];
    } catch {
      return [];
    }
  }

  const isInsurable = (p: ProductRow) => p.mapping_state === 'uploaded' && (p.mapping_nat_code ?? p.nat_code) !== null;

  function personOf(s: SaleRow): StoredPerson | null {
    return s.person ? (JSON.parse(s.person) as StoredPerson) : null;
  }

  function lineView(l: LineRow, traces: { id: number; code: string; line_id: number }[]): SaleLineView {
    const p = product(l.product_id);
    const b = l.batch_id === null ? undefined : stock.batch(l.batch_id);
    const facts = deps.facts.factsFor(p.id);
    const req = traceCodeRequirement({
      lineId: String(l.id),
      productName: p.generic_name,
      quantity: l.qty,
      split: l.split === 1,
      unitsPerPackage: p.split_factor ?? undefined,
      traceRequired: p.rx_class !== 'non_drug',
      codes: [],
    });
    return {
      id: l.id,
      productId: p.id,
      code: p.code,
      name: p.trade_name ? `${p.generic_name}（${p.trade_name}）` : p.generic_name,
      spec: p.spec,
      manufacturer: p.manufacturer,
      unit: l.unit,
      split: l.split === 1,
      qty: l.qty,
      unitPriceFen: l.unit_price_fen,
      amountFen: l.amount_fen,
      batch: b
        ? {
            id: b.id,
            batchNo: b.batch_no,
            expiryDate: b.expiry_date,
            nearExpiry: monthsUntil(today(), b.expiry_date) < settings()['gsp.near_expiry_months'],
            override: l.batch_override === 1,
          }
        : null,
      rxClass: p.rx_class,
      specialFlags: flags(p),
      insuranceClass: facts.chrgitmLv,
      insurable: isInsurable(p),
      traceCodes: traces.filter((t) => t.line_id === l.id).map((t) => ({ id: t.id, code: t.code })),
      traceNeeded: { min: req.min, max: req.max },
      returned: returnedLine.get({ id: l.id }) !== undefined,
    };
  }

  function blockersOf(s: SaleRow, lines: SaleLineView[]): string[] {
    const out: string[] = [];
    if (lines.length === 0) return ['购物车为空'];
    const insured = s.person !== null;
    const cfg = settings();
    const traceRequired = traceCollectionRequired(insured ? 'insurance' : 'selfpay', {
      requiredForInsurance: cfg['trace.required_for_insurance'],
      requiredForSelfpay: cfg['trace.required_for_selfpay'],
    });
    if (traceRequired) {
      for (const l of lines) {
        const missing = l.traceNeeded.min - l.traceCodes.length;
        if (missing > 0) out.push(`${l.name} 还差 ${missing} 个追溯码`);
      }
    }
    if (cfg['gsp.rx_requires_pharmacist'] && lines.some((l) => l.rxClass === 'rx') && !store.prescription.get(s.id)) {
      out.push('本单含处方药：请登记处方并由药师审核');
    }
    const special = lines.filter((l) => l.specialFlags.some((f) => SPECIAL.has(f)));
    if (special.length) {
      if (!store.specialBuyer.get(s.id)) out.push('本单含麻黄碱类等特殊药品复方制剂：请登记购买人身份证');
      const packages = special.reduce((n, l) => n + (l.split ? 1 : l.qty), 0);
      const max = cfg['gsp.special_drug_max_packages'];
      if (packages > max) out.push(`含特殊药品复方制剂每次限购 ${max} 个最小包装，本单 ${packages} 个`);
    }
    if (insured) {
      for (const l of lines) if (!l.insurable) out.push(`${l.name} 未完成医保目录对照（或未上传），不能医保结算`);
      if (!s.insutype) out.push('请选择险种');
    }
    return out;
  }

  function splitView(json: string | null): FundSplitView | null {
    return json ? (JSON.parse(json) as { view: FundSplitView }).view : null;
  }

  function view(id: number): SaleView {
    const s = saleRow(id);
    const traces = store.traces.all(id);
    const lines = store.lines.all(id).map((l) => lineView(l, traces));
    const person = personOf(s);
    const rx = store.prescription.get(id);
    const buyer = store.specialBuyer.get(id);
    const payments = store.payments
      .all(id)
      .map((p) => ({ method: p.method as PaymentMethod, amountFen: p.amount_fen }));
    const settlement = splitView(s.settlement);
    const presettle = splitView(s.presettle);
    const due = s.state === 'settled' ? s.cash_due_fen : s.total_fen;
    return {
      id: s.id,
      state: s.state,
      stateLabel: SALE_STATE_LABELS[s.state],
      receiptNo: s.receipt_no,
      lines,
      totalFen: s.total_fen,
      person: person ? personView(person, s.insutype) : null,
      acctUsed: s.acct_used === 1,
      presettle,
      settlement,
      dueFen: due,
      payments,
      changeFen: s.change_fen,
      prescription: rx
        ? { rxNo: rx.rx_no, prescriber: rx.prescriber, institution: rx.institution, pharmacist: rx.pharmacist }
        : null,
      specialBuyer: buyer ? { name: buyer.buyer_name, idNoMasked: maskIdNumber(buyer.buyer_id_no) } : null,
      blockers: s.state === 'open' || s.state === 'presettled' ? blockersOf(s, lines) : [],
      traceRequired: traceCollectionRequired(s.person !== null ? 'insurance' : 'selfpay', {
        requiredForInsurance: settings()['trace.required_for_insurance'],
        requiredForSelfpay: settings()['trace.required_for_selfpay'],
      }),
      notice: s.notice,
      parkLabel: s.park_label,
      updatedAt: new Date(s.updated_at).toISOString(),
    };
  }

  // --- the cart ------------------------------------------------------------------------------------

  /** Cart changes are allowed while nothing is pending at the center; a change drops a 2101 answer. */
  function editable(id: number, operatorId: number): SaleRow {
    const s = saleRow(id);
    if (s.operator_id !== operatorId) fail('这不是您的销售单');
    if (s.state !== 'open' && s.state !== 'presettled') {
      fail(`当前状态（${SALE_STATE_LABELS[s.state]}）不能修改购物车`);
    }
    return s;
  }

  function touch(s: SaleRow): void {
    const total = store.lines.all(s.id).reduce((n, l) => n + l.amount_fen, 0);
    store.update(s.id, now(), { total_fen: total, state: 'open', presettle: null, notice: null });
  }

  function unitPrice(p: ProductRow, split: boolean): number {
    if (!split) return p.retail_price_fen;
    if (p.split_price_fen !== null) return p.split_price_fen;
    // No split price set: the package price shared out, rounded half up to the fen.
    return Math.round(p.retail_price_fen / p.split_factor!);
  }

  function heldBatches(saleId: number, exceptLine?: number): Map<number, number> {
    const held = new Map<number, number>();
    for (const l of store.lines.all(saleId)) {
      if (l.batch_id !== null && l.id !== exceptLine) held.set(l.batch_id, (held.get(l.batch_id) ?? 0) + l.qty_base);
    }
    return held;
  }

  /** A batch of this product that may be sold today (chosen by the cashier, or already on the line). */
  function sellableBatch(batchId: number | null, p: ProductRow) {
    const b = batchId === null ? undefined : stock.batch(batchId);
    if (!b || b.product_id !== p.id) fail('所选批次不属于该商品', 'INVALID_INPUT');
    if (b.expiry_date < today()) fail(`批号 ${b.batch_no} 已过期（有效期至 ${b.expiry_date}），不能销售`);
    if (b.locked) fail(`批号 ${b.batch_no} 已锁定，不能销售`);
    return b;
  }

  const addLines = db.transaction(
    (s: SaleRow, p: ProductRow, qty: number, split: boolean, batchId: number | null): number => {
      const qtyBase = split ? qty : qty * (p.split_factor ?? 1);
      const unit = split ? p.split_unit! : p.unit;
      const price = unitPrice(p, split);
      let allocations;
      if (batchId !== null) {
        const b = sellableBatch(batchId, p);
        const free = b.qty_base - (heldBatches(s.id).get(b.id) ?? 0);
        if (free < qtyBase) fail(`批号 ${b.batch_no} 库存不足：可售 ${free}${split ? p.split_unit : p.unit}`);
        allocations = [{ batch: b, qtyBase }];
      } else {
        allocations = stock.allocate(p.id, qtyBase, today(), heldBatches(s.id));
        if (!allocations) {
          const free = stock.sellable(p.id, today()).reduce((n, b) => n + b.qty_base, 0);
          fail(
            free === 0
              ? `${p.generic_name} 没有可售库存（无库存或仅剩过期、锁定批次）`
              : `${p.generic_name} 库存不足：可售 ${split ? free : Math.floor(free / (p.split_factor ?? 1))}${unit}`,
          );
        }
      }
      let last = 0;
      for (const a of allocations) {
        // A line per batch: each box's trace code belongs to its batch, and 3505 reports per batch.
        const lineQty = split ? a.qtyBase : a.qtyBase / (p.split_factor ?? 1);
        last = store.addLine({
          saleId: s.id,
          productId: p.id,
          batchId: a.batch.id,
          batchOverride: batchId !== null ? 1 : 0,
          split: split ? 1 : 0,
          qty: lineQty,
          qtyBase: a.qtyBase,
          unit,
          unitPriceFen: price,
          amountFen: price * lineQty,
          now: now(),
        });
      }
      touch(s);
      return last;
    },
  );

  function addProduct(
    saleId: number,
    operatorId: number,
    a: { productId: number; qty: number; split?: boolean; batchId?: number | null },
  ): { sale: SaleView; lineId: number; message: string | null } {
    const s = editable(saleId, operatorId);
    const p = product(a.productId);
    if (!p.active) fail(`${p.generic_name} 已停用，不能销售`);
    const split = a.split === true;
    if (split && !p.split_factor) fail(`${p.generic_name} 未设置拆零单位，不能拆零销售`, 'INVALID_INPUT');
    if (!Number.isInteger(a.qty) || a.qty < 1) fail('数量应为正整数', 'INVALID_INPUT');
    const lineId = addLines(s, p, a.qty, split, a.batchId ?? null);
    const line = store.line.get(lineId, saleId)!;
    const b = line.batch_id === null ? undefined : stock.batch(line.batch_id);
    let message: string | null = null;
    if (b && monthsUntil(today(), b.expiry_date) < settings()['gsp.near_expiry_months']) {
      message = `注意：批号 ${b.batch_no} 为近效期药品（有效期至 ${b.expiry_date}）`;
    }
    return { sale: view(saleId), lineId, message };
  }

  const changeLine = db.transaction(
    (s: SaleRow, l: LineRow, qty: number, batchId: number | null, toSplit: boolean | null = null) => {
      const p = product(l.product_id);
      if (toSplit === true && !p.split_factor) fail(`${p.generic_name} 未设置拆零单位，不能拆零销售`, 'INVALID_INPUT');
      const split = toSplit ?? l.split === 1;
      const unitChanged = split !== (l.split === 1);
      const qtyBase = split ? qty : qty * (p.split_factor ?? 1);
      const target = batchId ?? l.batch_id;
      const b = sellableBatch(target, p);
      const free = b.qty_base - (heldBatches(s.id, l.id).get(b.id) ?? 0);
      if (free < qtyBase)
        fail(
          `批号 ${b.batch_no} 库存不足：最多可售 ${split ? free : Math.floor(free / (p.split_factor ?? 1))}${l.unit}`,
        );
      if (target !== l.batch_id || unitChanged) store.deleteTracesOfLine.run(l.id);
      const price = unitChanged ? unitPrice(p, split) : l.unit_price_fen;
      // 拆零 and back: the unit and its price change with it
      store.updateLine.run({
        id: l.id,
        batchId: target,
        batchOverride: batchId !== null && batchId !== l.batch_id ? 1 : l.batch_override,
        split: split ? 1 : 0,
        unit: unitChanged ? (split ? p.split_unit! : p.unit) : l.unit,
        unitPriceFen: price,
        qty,
        qtyBase,
        amountFen: price * qty,
      });
      touch(s);
    },
  );

  // --- trace codes ---------------------------------------------------------------------------------

  const addTrace = db.transaction(
    (s: SaleRow, lineId: number | null, raw: string): { lineId: number; message: string | null } => {
      const v = validateTraceCode(raw, traceOptions());
      if (!v.ok) fail(v.reason, 'INVALID_INPUT');
      const traces = store.traces.all(s.id);
      const dup = traces.find((t) => t.key === v.key);
      if (dup) fail('该追溯码本单已扫过，同一盒药不能重复扫码');
      const lines = store.lines.all(s.id);
      // Without a chosen line: the first line that still needs codes (scanning box after box just works).
      const target =
        lineId === null
          ? lines.find((l) => {
              const views = lineView(l, traces);
              return views.traceCodes.length < views.traceNeeded.max && views.traceNeeded.max > 0;
            })
          : lines.find((l) => l.id === lineId);
      if (!target) fail(lineId === null ? '本单没有还需要追溯码的商品' : '找不到该商品行', 'NOT_FOUND');
      const lv = lineView(target, traces);
      if (lv.traceCodes.length >= lv.traceNeeded.max) fail(`${lv.name} 的追溯码已够（${lv.traceNeeded.max} 个）`);
      const prior = store.priorUses.all(v.key, s.id).map((u) => ({
        split: u.split === 1,
        soldAt: beijingDateTime(new Date(u.completed_at ?? u.settled_at ?? 0)).slice(0, 16),
        saleNo: u.receipt_no ?? undefined,
        returned: u.state === 'refunded',
      }));
      const pc = checkPriorUse(target.split === 1, prior);
      if (!pc.ok) fail(pc.message);
      store.insertTrace.run({
        saleId: s.id,
        lineId: target.id,
        code: v.code,
        key: v.key,
        split: target.split,
        now: now(),
      });
      store.update(s.id, now(), {});
      // not a refusal: stock received before the system (or without codes) is sold all the same
      const known = traceRegistry.counterWarnings(v.key, target.product_id, target.batch_id);
      const warnings = [...v.warnings, ...pc.warnings, ...known];
      return { lineId: target.id, message: warnings.length ? warnings.join('；') : null };
    },
  );

  // --- insurance -----------------------------------------------------------------------------------

  function requireNhsa(): NhsaService {
    if (!deps.nhsa) fail('医保服务未启动，只能按自费收费');
    return deps.nhsa;
  }

  function describeFailure(r: Exclude<NhsaResult, { kind: 'ok' }>, what: string): AppError {
    switch (r.kind) {
      case 'business_error':
        return new AppError('NHSA_REFUSED', `${what}失败，医保中心返回：${r.errMsg}`);
      case 'not_sent':
        return new AppError('NHSA_NOT_SENT', `${what}未能发送：${r.reason}`);
      case 'unknown':
        return new AppError('NHSA_UNKNOWN', `${what}结果未知：${r.reason}`);
    }
  }

  /** 2001 for the default insutype: a person not entitled is told so before anything is rung up for them. */
  async function checkEntitlement(person: StoredPerson, operatorId: number, saleId: number): Promise<void> {
    const insutype = defaultInsutype(person);
    if (!insutype) return;
    const r = await requireNhsa().call(
      '2001',
      {
        data: {
          psn_no: person.psnNo,
          insutype,
          fixmedins_code: settings()['pharmacy.fixmedins_code'],
          med_type: '41',
          begntime: beijingDateTime(new Date(now())),
        },
      },
      {
        operator: deps.nhsaOperator(operatorId),
        insuplcAdmdvs: insuplcOf(person, insutype),
        source: 'counter',
        ref: `sale:${saleId}`,
      },
    );
    if (r.kind !== 'ok') throw describeFailure(r, '待遇检查（2001）');
    const rows = Array.isArray(r.output.trtinfo) ? (r.output.trtinfo as Record<string, unknown>[]) : [];
    const refused = rows.find((t) => String(t.trt_enjymnt_flag) === '0');
    if (refused) {
      fail(`该参保人不享受医保待遇：${String(refused.trt_chk_rslt ?? '待遇检查未通过')}。不能医保结算，可按自费收费`);
    }
  }

  function settlementLines(s: SaleRow): ReturnType<typeof settlementInput> {
    const person = personOf(s)!;
    const rx = store.prescription.get(s.id);
    const lines = store.lines.all(s.id).map((l) => {
      const p = product(l.product_id);
      return {
        feedetlSn: l.feedetl_sn,
        natCode: (p.mapping_nat_code ?? p.nat_code)!,
        ownCode: p.code,
        qty: l.qty,
        unitPriceFen: l.unit_price_fen,
        amountFen: l.amount_fen,
        rxNo: p.rx_class === 'rx' && rx ? rx.rx_no : null,
        prescriber: p.rx_class === 'rx' && rx ? rx.prescriber : null,
      };
    });
    return settlementInput({
      person: { psnNo: person.psnNo, certType: person.certType, certNo: person.certNo, insutype: s.insutype! },
      acctUsed: s.acct_used === 1,
      lines,
      at: beijingDateTime(new Date(now())),
    });
  }

  function assertReady(s: SaleRow): void {
    const b = blockersOf(
      s,
      store.lines.all(s.id).map((l) => lineView(l, store.traces.all(s.id))),
    );
    if (b.length) fail(b.join('；'));
  }

  // --- completing ----------------------------------------------------------------------------------

  /** Stock out, 3505 rows, receipt number: once per sale, in the transaction that records the money. */
  function bookSale(s: SaleRow, operatorId: number): string {
    const t = now();
    const receiptNo = `S${today().replaceAll('-', '')}${String(store.nextReceipt.get(today())!).padStart(4, '0')}`;
    for (const l of store.lines.all(s.id)) {
      if (l.batch_id === null) fail('销售行缺少批次');
      const ok = stock.take({
        batchId: l.batch_id,
        productId: l.product_id,
        qtyBase: l.qty_base,
        refType: 'sale',
        refId: s.id,
        operatorId,
        now: t,
        cause: 'sale',
      });
      if (!ok) fail(`${product(l.product_id).generic_name} 批次库存已不足（可能已被其他收银台售出）`);
    }
    traceRegistry.releaseForSale(s.id, t);
    const fresh = saleRow(s.id);
    const duty = { name: settings()['gsp.pharmacist_name'], certNo: settings()['gsp.pharmacist_cert_no'] };
    for (const u of saleUploadPayloads(db, { ...fresh, receipt_no: receiptNo }, personOf(fresh), t, duty)) {
      store.outbox.run({
        infno: u.infno,
        refType: u.refType,
        refId: u.refId,
        payload: JSON.stringify(u.payload),
        now: t,
      });
    }
    return receiptNo;
  }

  // --- recovery ------------------------------------------------------------------------------------

  /** What a sale left in 'settling' or 'reversing' by a dead process (or a lost answer) turns into now. */
  function resolve(s: SaleRow): void {
    const nhsa = deps.nhsa;
    if (!nhsa) return;
    if (s.state === 'settling') {
      const j = nhsa.journal.latestFor(`sale:${s.id}`, '2102');
      if (!j) {
        store.update(s.id, now(), { state: 'presettled', notice: '上次结算请求未发出，请重新结算' });
        return;
      }
      if (j.outcome === 'pending') return; // a live process is still waiting for it
      if (j.outcome === 'business_error' || j.outcome === 'not_sent') {
        store.update(s.id, now(), {
          state: 'presettled',
          settle_msgid: null,
          notice: `上次结算未成功：${j.errMsg ?? '未发送'}。请重新结算`,
        });
        return;
      }
      // ok (answered but not recorded here) or unknown: the settlement may exist at the center; reverse it.
      if (!nhsa.reversals.get(j.msgid)) {
        const p = personOf(s)!;
        nhsa.reversals.enqueue({
          omsgid: j.msgid,
          oinfno: '2102',
          psnNo: p.psnNo,
          insuplcAdmdvs: insuplcOf(p, s.insutype),
          operatorId: s.operator_id,
          reason: 'crash_recovery',
        });
      }
      store.update(s.id, now(), {
        state: 'reversing',
        settle_msgid: j.msgid,
        notice: '上一笔医保结算结果未知，系统正在自动冲正（撤销），请稍候；冲正完成后请重新结算',
      });
      log.warn('counter: settlement outcome unknown, reversal queued', { saleId: s.id, msgid: j.msgid });
      return;
    }
    if (s.state === 'reversing' && s.settle_msgid) {
      const r = nhsa.reversals.get(s.settle_msgid);
      if (r?.state === 'done') {
        store.update(s.id, now(), {
          state: 'open',
          presettle: null,
          settle_msgid: null,
          notice: '上一笔医保结算已冲正（撤销），医保未扣费。购物车已恢复，请重新预结算、结算（电子凭证请重新扫码）',
        });
        log.info('counter: reversal confirmed, cart given back', { saleId: s.id });
      }
    }
  }

  function recover(): number {
    const inDoubt = [...store.inState.all('settling'), ...store.inState.all('reversing')];
    for (const s of inDoubt) resolve(s);
    return inDoubt.length;
  }

  function scanInner(saleId: number, operatorId: number, raw: string): ScanOutcome {
    const code = raw.trim();
    if (!code) fail('请扫描或输入条码', 'INVALID_INPUT');
    const s = editable(saleId, operatorId);
    const c = classifyScan(code);
    if (c.kind === 'trace_code' || (c.kind === 'gs1' && c.gs1.serial)) {
      const r = addTrace(s, null, code);
      return { kind: 'trace', sale: view(saleId), ...r };
    }
    const hits = deps.index
      .search(code, 20)
      .filter((h) => h.matchedBy === 'barcode' || h.matchedBy === 'code' || h.matchedBy === 'nat_code');
    if (hits.length === 0) fail(`没有找到条码或编码为 ${code} 的商品`, 'NOT_FOUND');
    if (hits.length > 1) {
      return {
        kind: 'choose',
        sale: view(saleId),
        candidates: hits.map((h) => ({ id: h.id, code: h.code, name: h.genericName, spec: h.spec })),
      };
    }
    const productId = hits[0]!.id;
    // The same box scanned again is one more of it, on the line that already holds it (a new line only when
    // that batch has run out, or the line was sold split or on a chosen batch).
    const same = store.lines
      .all(saleId)
      .reverse()
      .find((l) => l.product_id === productId && l.split === 0 && l.batch_override === 0);
    if (same) {
      try {
        changeLine(s, same, same.qty + 1, null);
        return { kind: 'added', sale: view(saleId), lineId: same.id, message: null };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
      }
    }
    const r = addProduct(saleId, operatorId, { productId, qty: 1 });
    return { kind: 'added', ...r };
  }
  // --- the API -------------------------------------------------------------------------------------

  return {
    recover,

    /** The operator's sale in progress (checked against the center first when one is in doubt). */
    active(operatorId: number): SaleView | null {
      const s = store.activeOf.get(operatorId);
      if (!s) return null;
      if (s.state === 'settling' || s.state === 'reversing') resolve(s);
      return view(s.id);
    },

    get: (id: number) => {
      const s = saleRow(id);
      if (s.state === 'settling' || s.state === 'reversing') resolve(s);
      return view(id);
    },

    start(operatorId: number): SaleView {
      const existing = store.activeOf.get(operatorId);
      if (existing) return view(existing.id);
      const id = Number(store.insert.run({ kind: 'sale', origSaleId: null, operatorId, now: now() }).lastInsertRowid);
      return view(id);
    },

    /**
     * One scan (or typed code + Enter) at the counter: a trace code goes to the line that needs it, a product
     * code adds one package; a code that fits several products asks which.
     */
    scan(saleId: number, operatorId: number, raw: string): ScanOutcome {
      return light(() => scanInner(saleId, operatorId, raw));
    },

    addProduct: (saleId: number, operatorId: number, a: Parameters<typeof addProduct>[2]) =>
      light(() => addProduct(saleId, operatorId, a)),

    updateLine(
      saleId: number,
      operatorId: number,
      lineId: number,
      a: { qty?: number; batchId?: number; split?: boolean },
    ): SaleView {
      return light(() => {
        const s = editable(saleId, operatorId);
        const l = store.line.get(lineId, saleId);
        if (!l) fail('找不到该商品行', 'NOT_FOUND');
        // switching to 拆零 starts at one piece unless a count is given
        const qty = a.qty ?? (a.split !== undefined && a.split !== (l.split === 1) ? 1 : l.qty);
        if (!Number.isInteger(qty) || qty < 1) fail('数量应为正整数', 'INVALID_INPUT');
        changeLine(s, l, qty, a.batchId ?? null, a.split ?? null);
        return view(saleId);
      });
    },

    removeLine(saleId: number, operatorId: number, lineId: number): SaleView {
      return light(() => {
        const s = editable(saleId, operatorId);
        db.transaction(() => {
          store.deleteTracesOfLine.run(lineId);
          if (store.deleteLine.run(lineId).changes !== 1) fail('找不到该商品行', 'NOT_FOUND');
          touch(s);
        })();
        return view(saleId);
      });
    },

    /** Sellable batches of a line's product, first expiry first (for the batch override). */
    batches(productId: number) {
      return stock.sellable(productId, today()).map((b) => ({
        id: b.id,
        batchNo: b.batch_no,
        expiryDate: b.expiry_date,
        qtyBase: b.qty_base,
        nearExpiry: monthsUntil(today(), b.expiry_date) < settings()['gsp.near_expiry_months'],
      }));
    },

    addTraceCode(saleId: number, operatorId: number, lineId: number | null, code: string) {
      return light(() => {
        const s = editable(saleId, operatorId);
        const r = addTrace(s, lineId, code);
        return { sale: view(saleId), ...r };
      });
    },

    removeTraceCode(saleId: number, operatorId: number, traceId: number): SaleView {
      editable(saleId, operatorId);
      if (store.deleteTrace.run(traceId, saleId).changes !== 1) fail('找不到该追溯码', 'NOT_FOUND');
      store.update(saleId, now(), {});
      return view(saleId);
    },

    /** 处方登记 + 药师审核: the pharmacist is the logged-in one, or confirms with their own password. */
    async setPrescription(
      saleId: number,
      operatorId: number,
      a: { rxNo: string; prescriber: string; institution: string; pharmacist?: { username: string; password: string } },
    ): Promise<SaleView> {
      editable(saleId, operatorId);
      let pharmacistId: number;
      if (a.pharmacist) {
        const r = await deps.operators.login(a.pharmacist.username, a.pharmacist.password);
        if (!r.ok) fail('药师账号或密码不正确', 'INVALID_INPUT');
        if (!r.operator.roles.includes('pharmacist')) fail(`${r.operator.displayName} 不是药师，不能审核处方`);
        pharmacistId = r.operator.id;
      } else {
        const me = deps.operators.sessionOf(operatorId);
        if (!me?.roles.includes('pharmacist')) fail('请由药师输入账号密码审核处方', 'INVALID_INPUT');
        pharmacistId = me.id;
      }
      store.upsertPrescription.run({ saleId, ...a, pharmacistId, now: now() });
      store.update(saleId, now(), { pharmacist_id: pharmacistId });
      return view(saleId);
    },

    setSpecialBuyer(
      saleId: number,
      operatorId: number,
      a: { name: string; idNo: string; source: 'reader' | 'typed' | 'insurance' },
    ): SaleView {
      editable(saleId, operatorId);
      const v = validateIdNumber(a.idNo, today());
      if (!v.ok) fail(`身份证号不正确：${v.reason}`, 'INVALID_INPUT');
      if (!a.name.trim()) fail('请填写购买人姓名', 'INVALID_INPUT');
      store.upsertSpecialBuyer.run({ saleId, name: a.name.trim(), idNo: v.value.value, source: a.source, now: now() });
      store.update(saleId, now(), {});
      return view(saleId);
    },

    /** 1101 with the medium read at the counter; the person and a default insutype go on the sale. */
    async readPerson(saleId: number, operatorId: number, m: PersonMedium): Promise<SaleView> {
      editable(saleId, operatorId);
      const nhsa = requireNhsa();
      const r = await nhsa.call(
        '1101',
        {
          data: {
            mdtrt_cert_type: m.certType,
            mdtrt_cert_no: m.certNo,
            card_sn: m.cardSn ?? undefined,
            psn_cert_type: m.psnCertType ?? undefined,
            certno: m.certno ?? undefined,
            psn_name: m.psnName ?? undefined,
            begntime: beijingDateTime(new Date(now())),
          },
        },
        { operator: deps.nhsaOperator(operatorId), source: 'counter', ref: `sale:${saleId}` },
      );
      if (r.kind !== 'ok') throw describeFailure(r, '读取参保人信息（1101）');
      let person: StoredPerson;
      try {
        person = readPerson(r.output, { certType: m.certType, certNo: m.certNo, cardSn: m.cardSn ?? null });
      } catch (e) {
        if (e instanceof PersonReplyError) fail(e.message);
        throw e;
      }
      if (settings()['nhsa.check_entitlement']) await checkEntitlement(person, operatorId, saleId);
      const s = editable(saleId, operatorId);
      store.update(s.id, now(), {
        person: JSON.stringify(person),
        insutype: defaultInsutype(person),
        state: 'open',
        presettle: null,
        notice: null,
      });
      return view(saleId);
    },

    chooseInsutype(saleId: number, operatorId: number, insutype: string, acctUsed: boolean): SaleView {
      const s = editable(saleId, operatorId);
      const p = personOf(s);
      if (!p) fail('请先读卡', 'INVALID_INPUT');
      if (!p.insuinfo.some((i) => i.insutype === insutype)) fail('该参保人没有这个险种', 'INVALID_INPUT');
      store.update(s.id, now(), { insutype, acct_used: acctUsed ? 1 : 0, state: 'open', presettle: null });
      return view(saleId);
    },

    /** Back to a self-pay sale (no card). */
    clearPerson(saleId: number, operatorId: number): SaleView {
      const s = editable(saleId, operatorId);
      store.update(s.id, now(), { person: null, insutype: null, state: 'open', presettle: null });
      return view(saleId);
    },

    /** 2101: the fund split for the cart as it is now. */
    async preSettle(saleId: number, operatorId: number): Promise<SaleView> {
      const s = editable(saleId, operatorId);
      if (!s.person) fail('请先读卡（自费销售无需预结算）', 'INVALID_INPUT');
      assertReady(s);
      const nhsa = requireNhsa();
      const person = personOf(s)!;
      const input = settlementLines(s);
      const r = await nhsa.call('2101', input, {
        operator: deps.nhsaOperator(operatorId),
        insuplcAdmdvs: insuplcOf(person, s.insutype),
        source: 'counter',
        ref: `sale:${saleId}`,
      });
      if (r.kind !== 'ok') throw describeFailure(r, '预结算（2101）');
      let split: FundSplitView;
      try {
        split = readSetlinfo(r.output, s.total_fen, false);
      } catch (e) {
        if (e instanceof SettlementReplyError) fail(`预结算应答有误，不能结算：${e.message}`);
        throw e;
      }
      // The cart may have changed while 2101 was on the wire: keep the answer only for the cart it priced.
      const now2 = saleRow(saleId);
      if (now2.updated_at !== s.updated_at) fail('预结算期间购物车有变动，请重新预结算');
      store.update(saleId, now(), { state: 'presettled', presettle: JSON.stringify({ msgid: r.msgid, view: split }) });
      return view(saleId);
    },

    /** 2102, with the sale marked settling on disk first (see the module comment). */
    async settle(saleId: number, operatorId: number): Promise<SaleView> {
      const s = saleRow(saleId);
      if (s.operator_id !== operatorId) fail('这不是您的销售单');
      if (s.state !== 'presettled')
        fail(s.state === 'open' ? '请先预结算' : `当前状态（${SALE_STATE_LABELS[s.state]}）不能结算`);
      assertReady(s);
      const nhsa = requireNhsa();
      const person = personOf(s)!;
      const input = settlementLines(s);
      store.update(saleId, now(), { state: 'settling', notice: null });
      const r = await nhsa.call('2102', input, {
        operator: deps.nhsaOperator(operatorId),
        insuplcAdmdvs: insuplcOf(person, s.insutype),
        source: 'counter',
        ref: `sale:${saleId}`,
      });
      if (r.kind === 'business_error' || r.kind === 'not_sent') {
        store.update(saleId, now(), { state: 'presettled' });
        throw describeFailure(r, '医保结算（2102）');
      }
      if (r.kind === 'unknown') {
        // The client queued the 2601 in the journal's transaction; the cart returns once it is confirmed.
        resolve(saleRow(saleId));
        throw new AppError(
          'NHSA_UNKNOWN',
          `医保结算结果未知（${r.reason}）。系统已自动发起冲正（撤销），冲正完成前请勿重复结算；完成后购物车会恢复`,
        );
      }
      let split: FundSplitView;
      try {
        split = readSetlinfo(r.output, s.total_fen, true);
      } catch (e) {
        if (!(e instanceof SettlementReplyError)) throw e;
        // Settled at the center with figures this till cannot stand behind: undo it rather than keep it.
        nhsa.reversals.enqueue({
          omsgid: r.msgid,
          oinfno: '2102',
          psnNo: person.psnNo,
          insuplcAdmdvs: insuplcOf(person, s.insutype),
          operatorId,
          reason: 'manual',
        });
        store.update(saleId, now(), {
          state: 'reversing',
          settle_msgid: r.msgid,
          notice: `医保结算应答有误（${e.message}），已自动冲正；冲正完成后请重新结算`,
        });
        throw new AppError('NHSA_REFUSED', `医保结算应答有误：${e.message}。已自动冲正，请稍后重新结算`);
      }
      db.transaction(() => {
        store.update(saleId, now(), {
          state: 'settled',
          settle_msgid: r.msgid,
          setl_id: split.setlId,
          mdtrt_id: mdtrtIdOf(r.output),
          settlement: JSON.stringify({ msgid: r.msgid, view: split, setlinfo: r.output.setlinfo }),
          fund_fen: split.fundFen,
          acct_fen: split.accountFen,
          cash_due_fen: split.cashFen,
          settled_at: now(),
        });
        store.update(saleId, now(), { receipt_no: bookSale(saleRow(saleId), operatorId) });
      })();
      log.info('counter: settled', { saleId, setlId: split.setlId, cashFen: split.cashFen });
      return view(saleId);
    },

    /**
     * The customer pays what is left (self-pay: everything). Several methods may share it; only cash may go
     * over (the change). Completes the sale; a self-pay sale is booked (stock, 3505) here.
     */
    pay(saleId: number, operatorId: number, payments: { method: PaymentMethod; amountFen: number }[]): SaleView {
      const s = saleRow(saleId);
      if (s.operator_id !== operatorId) fail('这不是您的销售单');
      const selfPay = s.person === null;
      if (selfPay ? s.state !== 'open' : s.state !== 'settled') {
        fail(selfPay ? `当前状态（${SALE_STATE_LABELS[s.state]}）不能收款` : '请先完成医保结算');
      }
      if (selfPay) assertReady(s);
      const due = selfPay ? s.total_fen : s.cash_due_fen;
      for (const p of payments) {
        if (!(PAYMENT_METHODS as readonly string[]).includes(p.method)) fail('不支持的支付方式', 'INVALID_INPUT');
        if (!Number.isSafeInteger(p.amountFen) || p.amountFen <= 0) fail('支付金额应大于 0', 'INVALID_INPUT');
      }
      const paid = payments.reduce((n, p) => n + p.amountFen, 0);
      const nonCash = payments.filter((p) => p.method !== 'cash').reduce((n, p) => n + p.amountFen, 0);
      if (nonCash > due)
        fail(`微信、支付宝、银行卡合计 ${fenToYuan(nonCash)} 元超过应收 ${fenToYuan(due)} 元`, 'INVALID_INPUT');
      if (paid < due) fail(`还差 ${fenToYuan(due - paid)} 元`, 'INVALID_INPUT');
      const change = paid - due;
      db.transaction(() => {
        const fresh = saleRow(saleId);
        const receiptNo = selfPay ? bookSale(fresh, operatorId) : fresh.receipt_no;
        for (const p of payments)
          store.insertPayment.run({ saleId, method: p.method, amountFen: p.amountFen, now: now() });
        store.update(saleId, now(), {
          state: 'completed',
          receipt_no: receiptNo,
          paid_fen: paid,
          change_fen: change,
          cash_due_fen: due,
          completed_at: now(),
          notice: null,
        });
      })();
      log.info('counter: sale completed', { saleId, dueFen: due, changeFen: change, selfPay });
      return view(saleId);
    },

    park(saleId: number, operatorId: number, label: string | null): void {
      const s = editable(saleId, operatorId);
      if (store.lines.all(saleId).length === 0) fail('空的购物车不需要挂单', 'INVALID_INPUT');
      store.update(s.id, now(), { state: 'parked', presettle: null, park_label: label });
    },

    parked: () =>
      store.parked.all().map((s) => ({
        id: s.id,
        label: s.park_label,
        totalFen: s.total_fen,
        lines: store.lines.all(s.id).length,
        operator: operatorName.get(s.operator_id) ?? '',
        parkedAt: new Date(s.updated_at).toISOString(),
      })),

    resume(saleId: number, operatorId: number): SaleView {
      const s = saleRow(saleId);
      if (s.state !== 'parked') fail('该单不是挂单状态');
      const current = store.activeOf.get(operatorId);
      if (current) {
        // an empty cart in the way is simply dropped; anything with lines must be finished or parked first
        if (current.state !== 'open' || store.lines.all(current.id).length > 0) fail('请先完成或挂起当前销售单');
        store.update(current.id, now(), { state: 'voided' });
      }
      // The person read before parking may no longer be at the counter: read the card again.
      store.update(s.id, now(), {
        state: 'open',
        operator_id: operatorId,
        person: null,
        insutype: null,
        park_label: null,
      });
      return view(saleId);
    },

    /** Gives up a cart nothing was settled for. */
    void(saleId: number, operatorId: number): void {
      const s = editable(saleId, operatorId);
      store.update(s.id, now(), { state: 'voided' });
    },

    /** Beijing date today (for views that show expiry). */
    today,
    stock,
    barcodesOf: (productId: number) => barcodesOf.all(productId),
    operatorName: (id: number) => operatorName.get(id) ?? '',
  };
}

export type Counter = ReturnType<typeof createCounter>;
