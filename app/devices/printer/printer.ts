import { ZodError } from 'zod';
import type { Logger } from '../../core/logger';
import { AppError } from '../../shared/errors';
import {
  layoutReceipt,
  layoutText,
  padStart,
  PAPER_COLUMNS,
  type PaperWidth,
  type Receipt,
  type ReceiptInput,
  type ReceiptLine,
} from '../../shared/receipt';
import { drawerOnlyJob, layoutToEscPos, type CutMode, type DrawerPin } from './escpos';
import {
  isPrinterError,
  PRINTER_MESSAGES,
  type PrinterFailureReason,
  type PrinterStatus,
  type PrinterTransport,
} from './transport';

/**
 * The receipt printer as the counter sees it. Printing never throws for a printer problem: the
 * sale is already committed, so a failure comes back as a result the UI shows, with a reprint.
 */

export type PrintResult =
  { ok: true; bytes: number; ms: number } | { ok: false; reason: PrinterFailureReason | 'internal'; message: string };

export type StatusResult = { ok: true; status: PrinterStatus } | { ok: false; reason: string; message: string };

export interface PrinterServiceOptions {
  transport: PrinterTransport;
  log: Logger;
  paperWidth?: PaperWidth;
  cut?: CutMode;
  drawerPin?: DrawerPin;
  /** lines fed before the cut so the last line clears the cutter */
  feedLines?: number;
  /** ask DLE EOT before each job; only for printers known to answer (a silent one is just slower) */
  checkStatus?: boolean;
  chineseMode?: boolean;
  now?: () => Date;
}

export interface PrintOptions {
  paperWidth?: PaperWidth;
  openDrawer?: boolean;
}

export interface PrinterService {
  /** the layout the printer will get, for the on-screen preview; throws INVALID_INPUT on a bad receipt */
  preview(receipt: ReceiptInput | Receipt, paperWidth?: PaperWidth): ReceiptLine[];
  print(receipt: ReceiptInput | Receipt, options?: PrintOptions): Promise<PrintResult>;
  /** free text such as the shift report (交班); callers align columns with padStart/padEnd */
  printText(lines: readonly string[], options?: PrintOptions & { title?: string }): Promise<PrintResult>;
  testPage(paperWidth?: PaperWidth): Promise<PrintResult>;
  openDrawer(): Promise<PrintResult>;
  status(): Promise<StatusResult>;
  /** releases the printer's port; call at shutdown or before switching printers */
  close(): Promise<void>;
}

export function createPrinterService(options: PrinterServiceOptions): PrinterService {
  const log = options.log.child({ module: 'printer', printer: options.transport.description });
  const widthOf = (o?: PrintOptions) => o?.paperWidth ?? options.paperWidth ?? 80;
  const now = options.now ?? (() => new Date());

  const layout = (receipt: ReceiptInput | Receipt, width: PaperWidth): ReceiptLine[] => {
    try {
      return layoutReceipt(receipt, width);
    } catch (e) {
      if (e instanceof ZodError) {
        throw new AppError('INVALID_INPUT', '小票内容不完整或金额不平，无法打印', {
          fields: e.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          cause: e,
        });
      }
      throw e;
    }
  };

  const send = async (what: string, bytes: Buffer, extra: Record<string, unknown> = {}): Promise<PrintResult> => {
    const started = Date.now();
    try {
      await options.transport.send(bytes, { checkStatus: options.checkStatus ?? false });
      const ms = Date.now() - started;
      log.info('打印完成', { job: what, bytes: bytes.length, ms, ...extra });
      return { ok: true, bytes: bytes.length, ms };
    } catch (e) {
      const ms = Date.now() - started;
      if (isPrinterError(e)) {
        log.warn('打印失败', { job: what, reason: e.reason, ms, detail: e.logDetail, ...extra });
        return { ok: false, reason: e.reason, message: e.message };
      }
      log.error('打印异常', { job: what, ms, error: e, ...extra });
      return { ok: false, reason: 'internal', message: '打印时发生内部错误，已记录日志' };
    }
  };

  const jobBytes = (lines: ReceiptLine[], openDrawer: boolean) =>
    layoutToEscPos(lines, {
      cut: options.cut ?? 'partial',
      openDrawer,
      drawerPin: options.drawerPin ?? 2,
      feedLines: options.feedLines ?? 4,
      chineseMode: options.chineseMode ?? true,
    });

  return {
    preview: (receipt, paperWidth) => layout(receipt, paperWidth ?? widthOf()),

    async print(receipt, o) {
      const lines = layout(receipt, widthOf(o));
      const r = receipt as { receiptNo?: string; reprint?: boolean; kind?: string };
      return send('receipt', jobBytes(lines, o?.openDrawer ?? false), {
        receiptNo: r.receiptNo,
        reprint: r.reprint ?? false,
        kind: r.kind ?? 'sale',
      });
    },

    printText(lines, o) {
      return send('text', jobBytes(layoutText(lines, widthOf(o), o?.title), o?.openDrawer ?? false));
    },

    testPage(paperWidth) {
      const width = paperWidth ?? widthOf();
      const cols = PAPER_COLUMNS[width];
      const ruler = '1234567890'.repeat(5).slice(0, cols);
      const t = now();
      const stamp = `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')} ${t.toTimeString().slice(0, 8)}`;
      const body = [
        `纸宽:${width}mm  每行${cols}列`,
        ruler,
        '中'.repeat(cols / 2),
        '中文:药品 追溯码 甲类 乙类 拆零',
        `金额:${padStart('￥1234.56', cols - 5)}`,
        `时间:${stamp}`,
        '若上面两行数字和汉字都正好一行，纸宽设置正确。',
      ];
      return send('test-page', jobBytes(layoutText(body, width, '打印测试'), false));
    },

    openDrawer() {
      return send('drawer', drawerOnlyJob(options.drawerPin ?? 2));
    },

    async status() {
      try {
        return { ok: true, status: await options.transport.queryStatus() };
      } catch (e) {
        if (isPrinterError(e)) return { ok: false, reason: e.reason, message: e.message };
        log.error('查询打印机状态异常', { error: e });
        return { ok: false, reason: 'internal', message: PRINTER_MESSAGES.offline };
      }
    },

    close: () => options.transport.close(),
  };
}
