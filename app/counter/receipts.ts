import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';
import type { Logger } from '../core/logger';
import { createPrinterService, type PrinterService } from '../devices/printer/printer';
import { createTransport, transportConfigFromSettings } from '../devices/printer/transport';
import { beijingDateTime } from '../nhsa/beijing-time';
import type { SettingsService } from '../settings/settings-service';
import type { PrintOutcome, SaleView } from '../shared/counter';
import { AppError } from '../shared/errors';
import { layoutReceipt, type PaperWidth, type ReceiptInput, type ReceiptLine } from '../shared/receipt';
import { insutypeLabel } from './person';
import type { Counter } from './service';

/**
 * A finished sale as the customer's receipt: built from what the database holds (never from the screen),
 * previewed with the same layout that prints, and printed on the configured printer. A printer problem never
 * undoes a sale: the receipt can be printed again (重打) from the sale.
 */

export function createReceiptPrinting(deps: {
  db: Db;
  log: Logger;
  now: () => number;
  settings: SettingsService;
  counter: Counter;
}) {
  const { db, settings } = deps;
  const batchOf = db.prepare('SELECT batch_no, expiry_date FROM stock_batches WHERE id = ?') as Statement<
    [number],
    { batch_no: string; expiry_date: string }
  >;
  const saleMeta = db.prepare(
    `SELECT s.completed_at, s.settled_at, s.insutype, o.display_name AS operator, s.person
       FROM sales s JOIN operators o ON o.id = s.operator_id WHERE s.id = ?`,
  ) as Statement<
    [number],
    {
      completed_at: number | null;
      settled_at: number | null;
      insutype: string | null;
      operator: string;
      person: string | null;
    }
  >;

  let printer: { key: string; service: PrinterService } | null = null;
  function printerService(): PrinterService | null {
    const s = settings.current();
    const cfg = transportConfigFromSettings({
      type: s['devices.printer_type'],
      port: s['devices.printer_port'],
      address: s['devices.printer_address'],
    });
    if (!cfg) return null;
    const key = JSON.stringify(cfg);
    if (printer?.key !== key) {
      void printer?.service.close();
      printer = {
        key,
        service: createPrinterService({
          transport: createTransport(cfg),
          log: deps.log,
          paperWidth: paperWidth(),
        }),
      };
    }
    return printer.service;
  }
  const paperWidth = (): PaperWidth => (Number(settings.current()['devices.paper_width']) === 58 ? 58 : 80);

  function receiptOf(sale: SaleView, reprint: boolean): ReceiptInput {
    if (sale.state !== 'completed' && sale.state !== 'refunded') {
      throw new AppError('CONFLICT', '销售单尚未完成收款，不能打印小票');
    }
    const meta = saleMeta.get(sale.id)!;
    const s = settings.current();
    const person = meta.person ? (JSON.parse(meta.person) as { name: string }) : null;
    const st = sale.settlement;
    return {
      kind: 'sale',
      pharmacyName: s['pharmacy.receipt_title'] || s['pharmacy.fixmedins_name'] || '药店',
      headerLines: s['pharmacy.fixmedins_code'] ? [`定点编号 ${s['pharmacy.fixmedins_code']}`] : [],
      receiptNo: sale.receiptNo!,
      time: beijingDateTime(new Date(meta.completed_at ?? meta.settled_at ?? deps.now())),
      operator: meta.operator.slice(0, 20),
      reprint,
      reprintTime: reprint ? beijingDateTime(new Date(deps.now())) : undefined,
      lines: sale.lines.map((l) => {
        const b = l.batch ? batchOf.get(l.batch.id) : undefined;
        return {
          name: l.name,
          spec: l.spec ?? undefined,
          quantity: l.qty,
          unit: l.unit,
          splitUnit: l.split,
          unitPrice: l.unitPriceFen,
          amount: l.amountFen,
          batchNo: b?.batch_no,
          expiry: b?.expiry_date,
          traceCodes: l.traceCodes.map((t) => t.code),
          insuranceClass: st && l.insuranceClass ? l.insuranceClass : undefined,
        };
      }),
      insurance: st
        ? {
            personName: person?.name || undefined,
            insuranceType: meta.insutype ? insutypeLabel(meta.insutype) : undefined,
            setlId: st.setlId ?? '',
            fundPay: st.fundFen,
            accountPay: st.accountFen,
            cashPay: st.cashFen,
            others: st.items
              // 统筹 is printed as fundPay already; the policy-range amount means nothing to a customer
              .filter((i) => i.fen > 0 && i.label !== '符合政策范围金额' && i.label !== '统筹基金支付')
              .slice(0, 12)
              .map((i) => ({ label: i.label.slice(0, 20), amount: i.fen })),
            accountBalance: st.balanceFen ?? undefined,
          }
        : undefined,
      payments: sale.payments.map((p) => ({ method: p.method, amount: p.amountFen })),
      change: sale.changeFen,
      footerLines: ['请妥善保管小票 凭票退换', '药品非质量问题不予退换'],
    };
  }

  return {
    preview(saleId: number, reprint: boolean): { paperWidth: PaperWidth; lines: ReceiptLine[] } {
      const width = paperWidth();
      return { paperWidth: width, lines: layoutReceipt(receiptOf(deps.counter.get(saleId), reprint), width) };
    },

    async print(saleId: number, o: { reprint: boolean; openDrawer: boolean }): Promise<PrintOutcome> {
      const receipt = receiptOf(deps.counter.get(saleId), o.reprint);
      const p = printerService();
      if (!p) return { printed: false, message: '未设置小票打印机（设置 → 设备），可在屏幕上查看小票' };
      const r = await p.print(receipt, { paperWidth: paperWidth(), openDrawer: o.openDrawer });
      if (!r.ok) deps.log.warn('counter: receipt not printed', { saleId, reason: r.reason });
      return r.ok
        ? { printed: true, message: null }
        : { printed: false, message: `${r.message}；可稍后在“重打小票”中补打` };
    },

    /** Free text such as the shift report, on the receipt printer. */
    async printText(lines: string[], title: string): Promise<PrintOutcome> {
      const p = printerService();
      if (!p) return { printed: false, message: '未设置小票打印机（设置 → 设备）' };
      const r = await p.printText(lines, { title, paperWidth: paperWidth() });
      return r.ok ? { printed: true, message: null } : { printed: false, message: r.message };
    },

    async close(): Promise<void> {
      await printer?.service.close();
      printer = null;
    },
  };
}

export type ReceiptPrinting = ReturnType<typeof createReceiptPrinting>;
