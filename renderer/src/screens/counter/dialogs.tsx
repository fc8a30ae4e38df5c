import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { BatchOption, ParkedSale, SaleLineView, SaleView } from '../../../../app/shared/counter';
import { PAYMENT_LABELS, PAYMENT_METHODS, type PaymentMethod } from '../../../../app/shared/receipt';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { ErrorMessage } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { ProductSearch } from '../../components/ProductSearch';
import { formatFen, formatShortDateTime, parseYuanToFen } from '../../format';
import * as counter from '../../stores/counter';
import { createProductSearch } from '../../stores/productSearch';
import { showToast } from '../../stores/toast';
import { PickList } from './PickList';

/** A dialog that accepts scans (QR of the e-voucher, an ID number, a trace code) registers here. */
export type RegisterScan = (sink: ((code: string) => void) | null) => void;

function useAction() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  async function run(fn: () => Promise<void>): Promise<boolean> {
    if (busy) return false;
    setBusy(true);
    setFailure(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setFailure(toFailure(e));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, failure, setFailure, run };
}

function useScanSink(register: RegisterScan | undefined, sink: (code: string) => void) {
  const ref = useRef(sink);
  useEffect(() => {
    ref.current = sink;
  });
  useEffect(() => {
    if (!register) return;
    register((code) => ref.current(code));
    return () => register(null);
  }, [register]);
}

// ---- payment ------------------------------------------------------------------------------------

type Amounts = Record<PaymentMethod, string>;
const EMPTY: Amounts = { cash: '', wechat: '', alipay: '', bankcard: '' };

interface PaymentPlan {
  errors: Partial<Record<PaymentMethod, string>>;
  paidFen: number;
  nonCashFen: number;
  /** what Enter would send, or why it cannot */
  payments: { method: PaymentMethod; amountFen: number }[] | null;
  problem: string | null;
  changeFen: number;
  /** the cash part Enter fills in by itself (nothing typed, or only the non-cash part typed) */
  autoCashFen: number;
}

export function planPayment(due: number, amounts: Amounts): PaymentPlan {
  const errors: PaymentPlan['errors'] = {};
  const fen: Partial<Record<PaymentMethod, number>> = {};
  for (const m of PAYMENT_METHODS) {
    const r = parseYuanToFen(amounts[m]);
    if (!r.ok) errors[m] = r.message.replace('价格', '金额');
    else if (r.fen !== null && r.fen > 0) fen[m] = r.fen;
  }
  const paid = Object.values(fen).reduce((n, v) => n + v, 0);
  const nonCash = paid - (fen.cash ?? 0);
  const base = { errors, paidFen: paid, nonCashFen: nonCash, changeFen: 0, autoCashFen: 0 };
  if (Object.keys(errors).length) return { ...base, payments: null, problem: '请改正金额' };
  if (nonCash > due) {
    return {
      ...base,
      payments: null,
      problem: `微信、支付宝、银行卡合计 ${formatFen(nonCash)} 超过应收 ${formatFen(due)}（只有现金可以多收找零）`,
    };
  }
  const payments = PAYMENT_METHODS.filter((m) => fen[m] !== undefined).map((m) => ({
    method: m,
    amountFen: fen[m]!,
  }));
  if (paid < due) {
    if (fen.cash !== undefined) return { ...base, payments: null, problem: `还差 ${formatFen(due - paid)}` };
    // nothing typed in 现金: the rest is taken in cash, exactly
    const rest = due - paid;
    return { ...base, payments: [...payments, { method: 'cash', amountFen: rest }], problem: null, autoCashFen: rest };
  }
  return { ...base, payments, problem: null, changeFen: paid - due };
}

export function PaymentDialog({ sale, onClose }: { sale: SaleView; onClose: () => void }) {
  const due = sale.dueFen;
  const [amounts, setAmounts] = useState<Amounts>(EMPTY);
  const refs = useRef<Partial<Record<PaymentMethod, HTMLInputElement | null>>>({});
  const { busy, failure, run } = useAction();
  const plan = useMemo(() => planPayment(due, amounts), [due, amounts]);
  const nothingTyped = PAYMENT_METHODS.every((m) => amounts[m].trim() === '');

  async function submit() {
    if (!plan.payments) return;
    const payments = plan.payments;
    const ok = await run(() => counter.pay(payments));
    if (ok) onClose();
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>, i: number) {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = PAYMENT_METHODS[(i + (e.key === 'ArrowDown' ? 1 : PAYMENT_METHODS.length - 1)) % 4]!;
      refs.current[next]?.focus();
      refs.current[next]?.select();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void submit();
    }
  }

  return (
    <Modal
      title={sale.person ? '收款（医保已结算，收个人自付部分）' : '收款（自费）'}
      onClose={onClose}
      testId="payment-dialog"
    >
      <div className="pay-due">
        <span>应收</span>
        <strong data-testid="pay-due">{formatFen(due)}</strong>
      </div>
      <div className="pay-methods">
        {PAYMENT_METHODS.map((m, i) => (
          <label key={m} className={plan.errors[m] ? 'pay-row pay-row-invalid' : 'pay-row'}>
            <span className="pay-label">{PAYMENT_LABELS[m]}</span>
            <input
              ref={(el) => {
                refs.current[m] = el;
              }}
              className="pay-input num"
              inputMode="decimal"
              autoComplete="off"
              placeholder={m === 'cash' && plan.autoCashFen > 0 ? `${(plan.autoCashFen / 100).toFixed(2)}（自动）` : ''}
              value={amounts[m]}
              onChange={(e) => setAmounts((a) => ({ ...a, [m]: e.target.value }))}
              onKeyDown={(e) => onKeyDown(e, i)}
              data-autofocus={m === 'cash' ? true : undefined}
              data-testid={`pay-${m}`}
              aria-invalid={Boolean(plan.errors[m])}
            />
            {plan.errors[m] ? <span className="field-error">{plan.errors[m]}</span> : null}
          </label>
        ))}
      </div>
      <div className="pay-summary" data-testid="pay-summary">
        <div>
          <span>实收</span>
          <strong>{formatFen(plan.paidFen + plan.autoCashFen)}</strong>
        </div>
        <div className={plan.changeFen > 0 ? 'pay-change' : ''}>
          <span>找零</span>
          <strong data-testid="pay-change">{formatFen(plan.changeFen)}</strong>
        </div>
      </div>
      {plan.problem && !nothingTyped ? <ErrorMessage text={plan.problem} /> : null}
      <p className="modal-note small">
        {nothingTyped
          ? `直接按 Enter = 现金收足 ${formatFen(due)}。`
          : plan.autoCashFen > 0
            ? `按 Enter：其余 ${formatFen(plan.autoCashFen)} 收现金。`
            : '按 Enter 确认收款。'}{' '}
        <kbd>↑</kbd>
        <kbd>↓</kbd> 切换支付方式，只有现金可以多收找零，<kbd>Esc</kbd> 返回。
      </p>
      <CallErrorMessage failure={failure} />
      <div className="modal-actions">
        <button
          type="button"
          className="btn btn-primary btn-large"
          disabled={busy || !plan.payments}
          onClick={() => void submit()}
          data-testid="pay-submit"
        >
          {busy ? '正在收款…' : '确认收款 Enter'}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          返回 Esc
        </button>
      </div>
    </Modal>
  );
}

// ---- identity -----------------------------------------------------------------------------------

export function EVoucherDialog({ onClose, registerScan }: { onClose: () => void; registerScan: RegisterScan }) {
  const [qr, setQr] = useState('');
  const { busy, failure, run } = useAction();
  async function submit(code: string) {
    if (!code.trim()) return;
    if (await run(() => counter.readPerson({ medium: 'e_voucher', qr: code.trim() }))) onClose();
  }
  useScanSink(registerScan, (code) => {
    setQr(code);
    void submit(code);
  });
  return (
    <Modal title="医保电子凭证" onClose={onClose} testId="evoucher-dialog">
      <p className="modal-note">请顾客出示医保电子凭证二维码，用扫码枪扫描；也可以把码值粘贴到下面后按 Enter。</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(qr);
        }}
      >
        <input
          className="scan-like"
          value={qr}
          onChange={(e) => setQr(e.target.value)}
          placeholder="扫描电子凭证二维码"
          autoComplete="off"
          data-autofocus
          data-testid="evoucher-input"
        />
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !qr.trim()}>
            {busy ? '正在查询…' : '查询参保信息 Enter'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function SsCardDialog({ onClose }: { onClose: () => void }) {
  const [cardNo, setCardNo] = useState('');
  const [cardSn, setCardSn] = useState('');
  const { busy, failure, run } = useAction();
  const typed = cardNo.trim() !== '' || cardSn.trim() !== '';
  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await run(() =>
      counter.readPerson(
        typed ? { medium: 'ss_card', cardNo: cardNo.trim(), cardSn: cardSn.trim() } : { medium: 'ss_card_reader' },
      ),
    );
    if (ok) onClose();
  }
  return (
    <Modal title="社保卡" onClose={onClose} testId="sscard-dialog">
      <p className="modal-note">
        把社保卡插入读卡器后直接按 <kbd>Enter</kbd>。读卡器不可用时，可由实施人员输入社会保障卡号和卡识别码。
      </p>
      <form onSubmit={(e) => void submit(e)} className="form-stack">
        <label className="inline-field">
          <span>社会保障卡号</span>
          <input value={cardNo} onChange={(e) => setCardNo(e.target.value)} autoComplete="off" data-autofocus />
        </label>
        <label className="inline-field">
          <span>卡识别码</span>
          <input value={cardSn} onChange={(e) => setCardSn(e.target.value)} autoComplete="off" />
        </label>
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? '正在读取…' : typed ? '按卡号查询 Enter' : '读社保卡 Enter'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function IdNumberDialog({ onClose, registerScan }: { onClose: () => void; registerScan: RegisterScan }) {
  const [idNo, setIdNo] = useState('');
  const { busy, failure, run } = useAction();
  async function submit(v: string) {
    if (!v.trim()) return;
    if (await run(() => counter.readPerson({ medium: 'id_number', idNo: v.trim().toUpperCase() }))) onClose();
  }
  useScanSink(registerScan, (code) => {
    setIdNo(code);
    void submit(code);
  });
  return (
    <Modal title="输入身份证号查询参保信息" onClose={onClose} testId="idnumber-dialog">
      <p className="modal-note">身份证阅读器不可用时使用。请核对顾客的身份证件。</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(idNo);
        }}
      >
        <input
          value={idNo}
          onChange={(e) => setIdNo(e.target.value)}
          maxLength={18}
          placeholder="18 位身份证号"
          autoComplete="off"
          data-autofocus
          data-testid="idnumber-input"
        />
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || idNo.trim().length < 15}>
            {busy ? '正在查询…' : '查询 Enter'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}

// ---- GSP ----------------------------------------------------------------------------------------

export function PrescriptionDialog({
  sale,
  operatorIsPharmacist,
  onClose,
}: {
  sale: SaleView;
  operatorIsPharmacist: boolean;
  onClose: () => void;
}) {
  const rx = sale.prescription;
  const [rxNo, setRxNo] = useState(rx?.rxNo ?? '');
  const [prescriber, setPrescriber] = useState(rx?.prescriber ?? '');
  const [institution, setInstitution] = useState(rx?.institution ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, failure, run } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await run(() =>
      counter.setPrescription({
        rxNo,
        prescriber,
        institution,
        pharmacist: operatorIsPharmacist ? undefined : { username, password },
      }),
    );
    if (ok) {
      showToast('ok', '处方已登记，药师已审核');
      onClose();
    }
  }
  return (
    <Modal title="处方登记与药师审核" onClose={onClose} testId="prescription-dialog">
      <form onSubmit={(e) => void submit(e)} className="form-stack">
        <label className="inline-field">
          <span>处方号</span>
          <input value={rxNo} onChange={(e) => setRxNo(e.target.value)} maxLength={40} data-autofocus />
        </label>
        <label className="inline-field">
          <span>开方医师</span>
          <input value={prescriber} onChange={(e) => setPrescriber(e.target.value)} maxLength={50} />
        </label>
        <label className="inline-field">
          <span>开方机构</span>
          <input value={institution} onChange={(e) => setInstitution(e.target.value)} maxLength={100} />
        </label>
        {operatorIsPharmacist ? (
          <p className="muted small">您是药师，登记即由您审核。</p>
        ) : (
          <>
            <p className="muted small">请药师输入自己的账号和密码审核处方：</p>
            <label className="inline-field">
              <span>药师账号</span>
              <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
            </label>
            <label className="inline-field">
              <span>药师密码</span>
              <input
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="off"
              />
            </label>
          </>
        )}
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? '正在登记…' : '登记 Enter'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function SpecialBuyerDialog({
  sale,
  onClose,
  registerScan,
}: {
  sale: SaleView;
  onClose: () => void;
  registerScan: RegisterScan;
}) {
  const [name, setName] = useState('');
  const [idNo, setIdNo] = useState('');
  const { busy, failure, run } = useAction();
  useScanSink(registerScan, (code) => setIdNo(code));
  async function fromReader() {
    if (await run(() => counter.specialBuyerFromReader())) {
      showToast('ok', '购买人身份证已登记');
      onClose();
    }
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await run(() => counter.setSpecialBuyer(name, idNo.toUpperCase()))) {
      showToast('ok', '购买人已登记');
      onClose();
    }
  }
  return (
    <Modal title="含特殊药品复方制剂：登记购买人" onClose={onClose} testId="buyer-dialog">
      <div
        onKeyDown={(e) => {
          if (e.key === 'F6') {
            e.preventDefault();
            void fromReader();
          }
        }}
      >
        {sale.specialBuyer ? (
          <p className="modal-note">
            已登记：{sale.specialBuyer.name} {sale.specialBuyer.idNoMasked}
          </p>
        ) : null}
        <button type="button" className="btn btn-primary btn-large" disabled={busy} onClick={() => void fromReader()}>
          {busy ? '正在读取…' : '读身份证 F6'}
        </button>
        <p className="muted small">阅读器不可用时，照身份证手工输入：</p>
        <form onSubmit={(e) => void submit(e)} className="form-stack">
          <label className="inline-field">
            <span>姓名</span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={50} data-autofocus />
          </label>
          <label className="inline-field">
            <span>身份证号</span>
            <input value={idNo} onChange={(e) => setIdNo(e.target.value)} maxLength={18} autoComplete="off" />
          </label>
          <CallErrorMessage failure={failure} />
          <div className="modal-actions">
            <button type="submit" className="btn" disabled={busy || !name.trim() || idNo.trim().length < 15}>
              登记 Enter
            </button>
            <button type="button" className="btn" onClick={onClose}>
              取消 Esc
            </button>
          </div>
        </form>
      </div>
    </Modal>
  );
}

// ---- park / resume / void -----------------------------------------------------------------------

export function ParkDialog({ onClose }: { onClose: () => void }) {
  const [label, setLabel] = useState('');
  const { busy, failure, run } = useAction();
  return (
    <Modal title="挂单" onClose={onClose} testId="park-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => counter.park(label.trim() || null)).then((ok) => {
            if (ok) {
              showToast('ok', '已挂单，可按 F11 取回');
              onClose();
            }
          });
        }}
      >
        <p className="modal-note">
          当前购物车挂起，先为下一位顾客收银。可以写一个备注（如“穿红衣服的阿姨”），也可以直接按 Enter。
        </p>
        <input
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          maxLength={30}
          placeholder="备注（可不填）"
          data-autofocus
          data-testid="park-label"
        />
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            挂单 Enter
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function ParkedDialog({ onClose }: { onClose: () => void }) {
  const [list, setList] = useState<ParkedSale[] | null>(null);
  const { failure, setFailure, run } = useAction();
  useEffect(() => {
    counter
      .listParked()
      .then(setList)
      .catch((e: unknown) => setFailure(toFailure(e)));
  }, [setFailure]);
  return (
    <Modal title="取单（挂起的销售单）" onClose={onClose} testId="parked-dialog" wide>
      {list === null && !failure ? <p className="muted">正在读取…</p> : null}
      {list && list.length === 0 ? <p className="muted">没有挂起的销售单。</p> : null}
      {list && list.length > 0 ? (
        <PickList
          items={list}
          getKey={(p) => p.id}
          label="挂起的销售单"
          testId="parked-list"
          onPick={(p) =>
            void run(() => counter.resume(p.id)).then((ok) => {
              if (ok) {
                showToast('info', '已取回挂单，医保顾客请重新读卡');
                onClose();
              }
            })
          }
          render={(p) => (
            <div className="pick-row">
              <span className="pick-main">{p.label || `挂单 #${p.id}`}</span>
              <span className="muted">{p.lines} 种商品</span>
              <span className="num">{formatFen(p.totalFen)}</span>
              <span className="muted small">
                {p.operator} {formatShortDateTime(p.parkedAt)}
              </span>
            </div>
          )}
        />
      ) : null}
      <CallErrorMessage failure={failure} />
      <p className="muted small">
        <kbd>↑</kbd>
        <kbd>↓</kbd> 选择，<kbd>Enter</kbd> 取回，<kbd>Esc</kbd> 关闭。
      </p>
    </Modal>
  );
}

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
  testId,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  testId?: string;
}) {
  const { busy, failure, run } = useAction();
  return (
    <Modal title={title} onClose={onClose} testId={testId}>
      <p>{message}</p>
      <CallErrorMessage failure={failure} />
      <div className="modal-actions">
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy}
          data-autofocus
          onClick={() =>
            void run(onConfirm).then((ok) => {
              if (ok) onClose();
            })
          }
          data-testid="confirm-ok"
        >
          {confirmLabel} Enter
        </button>
        <button type="button" className="btn" onClick={onClose}>
          取消 Esc
        </button>
      </div>
    </Modal>
  );
}

// ---- lines --------------------------------------------------------------------------------------

export function BatchDialog({ line, onClose }: { line: SaleLineView; onClose: () => void }) {
  const [batches, setBatches] = useState<BatchOption[] | null>(null);
  const { failure, setFailure, run } = useAction();
  useEffect(() => {
    counter
      .batchesOf(line.productId)
      .then(setBatches)
      .catch((e: unknown) => setFailure(toFailure(e)));
  }, [line.productId, setFailure]);
  const current = batches?.findIndex((b) => b.id === line.batch?.id) ?? 0;
  return (
    <Modal title={`选择批次：${line.name}`} onClose={onClose} testId="batch-dialog" wide>
      <p className="muted small">默认按效期先出（近效期先卖）。换批次会清掉本行已扫的追溯码。</p>
      {batches === null && !failure ? <p className="muted">正在读取…</p> : null}
      {batches && batches.length === 0 ? <p className="muted">没有可售批次。</p> : null}
      {batches && batches.length > 0 ? (
        <PickList
          items={batches}
          getKey={(b) => b.id}
          label="可售批次"
          testId="batch-list"
          initialIndex={Math.max(0, current)}
          onPick={(b) =>
            void run(() => counter.setBatch(line.id, b.id)).then((ok) => {
              if (ok) onClose();
            })
          }
          render={(b) => (
            <div className="pick-row">
              <span className="pick-main mono">{b.batchNo}</span>
              <span className={b.nearExpiry ? 'near-expiry' : ''}>
                有效期至 {b.expiryDate}
                {b.nearExpiry ? '（近效期）' : ''}
              </span>
              <span className="num">可售 {b.qtyBase}</span>
              {b.id === line.batch?.id ? <span className="badge">当前</span> : null}
            </div>
          )}
        />
      ) : null}
      <CallErrorMessage failure={failure} />
    </Modal>
  );
}

export function QuantityDialog({ line, onClose }: { line: SaleLineView; onClose: () => void }) {
  const [text, setText] = useState(String(line.qty));
  const { busy, failure, setFailure, run } = useAction();
  return (
    <Modal title={`修改数量：${line.name}`} onClose={onClose} testId="qty-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const qty = Number(text.trim());
          if (!Number.isInteger(qty) || qty < 1 || qty > 9999) {
            setFailure({ code: 'INVALID_INPUT', message: '数量应为 1–9999 的整数', fields: [] });
            return;
          }
          void run(() => counter.setQuantity(line.id, qty)).then((ok) => {
            if (ok) onClose();
          });
        }}
      >
        <label className="inline-field">
          <span>数量（{line.unit}）</span>
          <input
            className="input-short num"
            inputMode="numeric"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onFocus={(e) => e.currentTarget.select()}
            data-autofocus
            data-testid="qty-input"
          />
        </label>
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            确定 Enter
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function TraceCodesDialog({
  line,
  onClose,
  registerScan,
}: {
  line: SaleLineView;
  onClose: () => void;
  registerScan: RegisterScan;
}) {
  const { failure, run } = useAction();
  const [code, setCode] = useState('');
  const add = (c: string) => {
    if (!c.trim()) return;
    void run(async () => {
      const msg = await counter.addTraceCode(line.id, c.trim());
      if (msg) showToast('info', msg);
      setCode('');
    });
  };
  useScanSink(registerScan, add);
  return (
    <Modal title={`追溯码：${line.name}`} onClose={onClose} testId="trace-dialog" wide>
      <p className="muted small">
        需要 {line.traceNeeded.min} 个
        {line.traceNeeded.max > line.traceNeeded.min ? `，最多 ${line.traceNeeded.max} 个` : ''}
        ；已扫 {line.traceCodes.length} 个。扫码即加到本行；选中后按 <kbd>Delete</kbd> 删除扫错的码。
      </p>
      {line.traceCodes.length > 0 ? (
        <PickList
          items={line.traceCodes}
          getKey={(t) => t.id}
          label="已扫追溯码"
          onPick={() => undefined}
          onDelete={(t) => void run(() => counter.removeTraceCode(t.id))}
          render={(t) => <span className="mono">{t.code}</span>}
        />
      ) : (
        <p className="muted">还没有追溯码。</p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          add(code);
        }}
        className="inline-form"
      >
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="扫描或输入追溯码"
          autoComplete="off"
          data-autofocus={line.traceCodes.length === 0 ? true : undefined}
        />
        <button type="submit" className="btn">
          添加
        </button>
      </form>
      <CallErrorMessage failure={failure} />
    </Modal>
  );
}

// ---- finding products ---------------------------------------------------------------------------

export function CandidatesDialog({
  candidates,
  onClose,
}: {
  candidates: { id: number; code: string; name: string; spec: string | null }[];
  onClose: () => void;
}) {
  const { failure, run } = useAction();
  return (
    <Modal title="这个条码对应多个商品，请选择" onClose={onClose} testId="candidates-dialog" wide>
      <PickList
        items={candidates}
        getKey={(c) => c.id}
        label="候选商品"
        testId="candidate-list"
        onPick={(c) =>
          void run(async () => {
            const msg = await counter.addProduct(c.id);
            if (msg) showToast('info', msg);
          }).then((ok) => {
            if (ok) onClose();
          })
        }
        render={(c) => (
          <div className="pick-row">
            <span className="pick-main">{c.name}</span>
            <span className="muted">{c.spec ?? ''}</span>
            <span className="mono small">{c.code}</span>
          </div>
        )}
      />
      <CallErrorMessage failure={failure} />
    </Modal>
  );
}

/** The checkout's own product search (the catalogue keeps its own, with its own query). */
export const checkoutSearch = createProductSearch({ limit: 100 });

export function SearchDialog({ initial, onClose }: { initial: string; onClose: () => void }) {
  const { failure, run } = useAction();
  useEffect(() => {
    checkoutSearch.setQuery(initial);
    return () => checkoutSearch.reset();
  }, [initial]);
  return (
    <Modal title="查找商品（名称、拼音首字母、编码）" onClose={onClose} testId="search-dialog" wide>
      <div className="counter-search">
        <ProductSearch
          search={checkoutSearch}
          autoFocus
          onPick={(hit) =>
            void run(async () => {
              const msg = await counter.addProduct(hit.id);
              if (msg) showToast('info', msg);
            }).then((ok) => {
              if (ok) onClose();
            })
          }
        />
      </div>
      <CallErrorMessage failure={failure} />
    </Modal>
  );
}
