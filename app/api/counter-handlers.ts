import type { AuditLog } from '../auth/audit';
import type { Logger } from '../core/logger';
import type { Counter, PersonMedium } from '../counter/service';
import type { DeviceHub } from '../devices/hub';
import type { NhsaService } from '../nhsa/service';
import type { SettingsService } from '../settings/settings-service';
import type { PersonMediumInput } from '../shared/counter';
import { AppError } from '../shared/errors';
import { validateIdNumber } from '../shared/id-number';
import type { HandlerContext, Handlers } from './dispatch';
import type { ReceiptPrinting } from '../counter/receipts';
import type { Refunds } from '../counter/refund';
import { shiftReport, shiftReportLines } from '../counter/shift';
import { exportRegister, maskedRegister, specialRegister } from '../counter/special-register';
import type { Db } from '../db/connection';
import { beijingDateTime } from '../nhsa/beijing-time';
import type { PrintOutcome } from '../shared/counter';

type CounterChannel = Extract<keyof Handlers, `counter.${string}`>;

export interface CounterHandlerDeps {
  counter: Counter | null;
  refunds: Refunds | null;
  db: Db;
  /** where exports (the special-drug register) are written */
  exportDir: string;
  devices: DeviceHub;
  receipts: ReceiptPrinting | null;
  nhsa: NhsaService | null;
  settings: SettingsService;
  audit: AuditLog;
  log: Logger;
}

/** The counter's channels: thin over app/counter; devices are read here, in the main process. */
export function createCounterHandlers(deps: CounterHandlerDeps): Pick<Handlers, CounterChannel> {
  const { devices, audit } = deps;
  const counter = (): Counter => {
    if (!deps.counter) throw new AppError('DB_UNAVAILABLE', '收银服务未能启动，请查看日志或联系实施工程师');
    return deps.counter;
  };
  const op = (ctx: HandlerContext) => ctx.session.operator!.id;
  const refunds = (): Refunds => {
    if (!deps.refunds) throw new AppError('DB_UNAVAILABLE', '收银服务未能启动，请查看日志或联系实施工程师');
    return deps.refunds;
  };
  const who = (ctx: HandlerContext) => ({
    operatorId: ctx.session.operator?.id ?? null,
    operatorName: ctx.session.operator?.username ?? null,
    screen: ctx.screen,
  });

  async function medium(ctx: HandlerContext, m: PersonMediumInput): Promise<PersonMedium> {
    switch (m.medium) {
      case 'id_number': {
        const v = validateIdNumber(m.idNo);
        if (!v.ok) throw new AppError('INVALID_INPUT', `身份证号不正确：${v.reason}`);
        return { certType: '02', certNo: v.value.value, psnCertType: '01', certno: v.value.value };
      }
      case 'id_card_reader': {
        const card = await devices.idCardReader().readCard();
        return {
          certType: '02',
          certNo: card.idNumber,
          psnCertType: '01',
          certno: card.idNumber,
          psnName: card.name,
        };
      }
      case 'e_voucher': {
        const who = ctx.session.operator!;
        const d = await devices.eVoucher().decode(m.qr, {
          orgId: deps.settings.current()['pharmacy.fixmedins_code'],
          operatorId: who.username,
          operatorName: who.displayName,
        });
        return {
          certType: '01',
          certNo: d.ecToken,
          psnCertType: d.idType ?? null,
          certno: d.idNo,
          psnName: d.userName,
        };
      }
      case 'ss_card_reader': {
        const c = await devices.ssCard().read();
        return { certType: '03', certNo: c.cardNo, cardSn: c.cardSn, psnName: c.name || null };
      }
      case 'ss_card':
        return { certType: '03', certNo: m.cardNo, cardSn: m.cardSn };
    }
  }

  return {
    'counter.active': (ctx) => counter().active(op(ctx)),
    'counter.start': (ctx) => counter().start(op(ctx)),
    'counter.get': (_ctx, { saleId }) => counter().get(saleId),
    'counter.scan': (ctx, { saleId, code }) => counter().scan(saleId, op(ctx), code),
    'counter.addProduct': (ctx, { saleId, ...a }) => counter().addProduct(saleId, op(ctx), a),
    'counter.updateLine': (ctx, { saleId, lineId, ...a }) => counter().updateLine(saleId, op(ctx), lineId, a),
    'counter.removeLine': (ctx, { saleId, lineId }) => counter().removeLine(saleId, op(ctx), lineId),
    'counter.batches': (_ctx, { productId }) => counter().batches(productId),
    'counter.addTraceCode': (ctx, { saleId, lineId, code }) => counter().addTraceCode(saleId, op(ctx), lineId, code),
    'counter.removeTraceCode': (ctx, { saleId, traceId }) => counter().removeTraceCode(saleId, op(ctx), traceId),
    'counter.setPrescription': async (ctx, { saleId, ...rx }) => {
      const v = await counter().setPrescription(saleId, op(ctx), rx);
      audit.record({
        ...who(ctx),
        action: 'counter.prescription',
        detail: { saleId, rxNo: rx.rxNo, pharmacist: v.prescription?.pharmacist ?? null },
      });
      return v;
    },
    'counter.setSpecialBuyer': (ctx, { saleId, name, idNo }) =>
      counter().setSpecialBuyer(saleId, op(ctx), { name, idNo, source: 'typed' }),
    'counter.specialBuyerFromReader': async (ctx, { saleId }) => {
      const card = await devices.idCardReader().readCard();
      return counter().setSpecialBuyer(saleId, op(ctx), { name: card.name, idNo: card.idNumber, source: 'reader' });
    },
    'counter.readPerson': async (ctx, { saleId, source }) =>
      counter().readPerson(saleId, op(ctx), await medium(ctx, source)),
    'counter.chooseInsutype': (ctx, { saleId, insutype, acctUsed }) =>
      counter().chooseInsutype(saleId, op(ctx), insutype, acctUsed),
    'counter.clearPerson': (ctx, { saleId }) => counter().clearPerson(saleId, op(ctx)),
    'counter.preSettle': (ctx, { saleId }) => counter().preSettle(saleId, op(ctx)),
    'counter.settle': (ctx, { saleId }) => counter().settle(saleId, op(ctx)),
    'counter.pay': (ctx, { saleId, payments }) => counter().pay(saleId, op(ctx), payments),
    'counter.park': (ctx, { saleId, label }) => {
      counter().park(saleId, op(ctx), label);
      return null;
    },
    'counter.parked': () => counter().parked(),
    'counter.resume': (ctx, { saleId }) => counter().resume(saleId, op(ctx)),
    'counter.void': (ctx, { saleId }) => {
      counter().void(saleId, op(ctx));
      audit.record({ ...who(ctx), action: 'counter.void', detail: { saleId } });
      return null;
    },
    'counter.receipt': (_ctx, { saleId, reprint }) => {
      if (!deps.receipts) throw new AppError('DB_UNAVAILABLE', '小票服务未能启动');
      return deps.receipts.preview(saleId, reprint);
    },
    'counter.findSales': (_ctx, { q }) => refunds().find(q),
    'counter.refund': async (ctx, { saleId, keepLineIds }) => {
      try {
        const r = await refunds().refund(saleId, op(ctx), keepLineIds);
        audit.record({ ...who(ctx), action: 'counter.refund', detail: { saleId, refundId: r.refundId, keepLineIds } });
        return r;
      } catch (e) {
        audit.record({ ...who(ctx), action: 'counter.refund', outcome: 'failed', detail: { saleId } });
        throw e;
      }
    },
    'counter.shiftReport': async (ctx, { from, to, print }) => {
      const me = ctx.session.operator!;
      // A cashier sees their own shift; a manager sees everyone's.
      const everyone = me.roles.some((r) => r === 'manager' || r === 'admin');
      const report = shiftReport(deps.db, {
        from: Date.parse(from),
        to: Date.parse(to),
        operatorId: everyone ? null : me.id,
      });
      let printed: PrintOutcome | null = null;
      if (print) {
        if (!deps.receipts) throw new AppError('DB_UNAVAILABLE', '小票服务未能启动');
        printed = await deps.receipts.printText(
          shiftReportLines(report, beijingDateTime(new Date(from)), beijingDateTime(new Date(to))),
          '交班报表',
        );
      }
      return { ...report, printed };
    },
    'counter.specialRegister': (ctx, { from, to, export: wanted }) => {
      const rows = specialRegister(deps.db, Date.parse(from), Date.parse(to));
      let exportedTo: string | null = null;
      if (wanted) {
        exportedTo = exportRegister(rows, deps.exportDir, beijingDateTime(new Date()).replace(/\D/g, ''));
        audit.record({
          ...who(ctx),
          action: 'counter.specialRegister.export',
          detail: { rows: rows.length, from, to },
        });
      }
      return { rows: maskedRegister(rows), exportedTo };
    },
    'counter.print': async (ctx, { saleId, reprint, openDrawer }) => {
      if (!deps.receipts) throw new AppError('DB_UNAVAILABLE', '小票服务未能启动');
      const r = await deps.receipts.print(saleId, { reprint, openDrawer });
      if (reprint) audit.record({ ...who(ctx), action: 'counter.reprint', detail: { saleId, printed: r.printed } });
      return r;
    },
  };
}
