import { useCallback, useEffect, useRef, useState } from 'react';
import type { SaleLineView, SaleView } from '../../../../app/shared/counter';
import { canUse } from '../../access';
import { getPosApi } from '../../api/pos';
import { CallErrorMessage, toastFailure } from '../../components/CallError';
import * as counter from '../../stores/counter';
import { useCounterStore } from '../../stores/counter';
import { useSessionStore } from '../../stores/session';
import { showToast } from '../../stores/toast';
import { CartTable } from './CartTable';
import {
  BatchDialog,
  CandidatesDialog,
  ConfirmDialog,
  EVoucherDialog,
  IdNumberDialog,
  ParkDialog,
  ParkedDialog,
  PaymentDialog,
  PrescriptionDialog,
  QuantityDialog,
  SearchDialog,
  SpecialBuyerDialog,
  SsCardDialog,
  TraceCodesDialog,
} from './dialogs';
import { RefundDialog } from './after-sale/RefundDialog';
import { RegisterDialog } from './after-sale/RegisterDialog';
import { ShiftDialog } from './after-sale/ShiftDialog';
import { FinishedCard, PersonCard, SplitCard, TotalsCard } from './SidePanel';
import { useScanInput } from './useScanInput';

type Dialog =
  | { kind: 'pay' }
  | { kind: 'evoucher' }
  | { kind: 'sscard' }
  | { kind: 'idnumber' }
  | { kind: 'rx' }
  | { kind: 'buyer' }
  | { kind: 'park' }
  | { kind: 'parked' }
  | { kind: 'void' }
  | { kind: 'refund' }
  | { kind: 'shift' }
  | { kind: 'register' }
  | { kind: 'batch'; lineId: number }
  | { kind: 'qty'; lineId: number }
  | { kind: 'trace'; lineId: number }
  | { kind: 'candidates'; candidates: { id: number; code: string; name: string; spec: string | null }[] }
  | { kind: 'search'; initial: string };

/** Text that starts like a name or pinyin goes to the product search; digits stay codes. */
const LOOKS_LIKE_NAME = /^[A-Za-z\u3400-\u9fff]/;

const isEditable = (s: SaleView | null) => s !== null && (s.state === 'open' || s.state === 'presettled');

function nextStep(sale: SaleView): { label: string; key: string } {
  if (sale.state === 'settled') return { label: '收款', key: 'F10' };
  if (sale.state === 'presettled') return { label: '医保结算', key: 'Enter / F9' };
  if (sale.person) return { label: '医保预结算', key: 'F9' };
  return { label: '收款（自费）', key: 'F9' };
}

/** The keys on screen, in the order of the keyboard's F-row; F1–F5 belong to the main layout. */
function keyBar(sale: SaleView | null): { key: string; label: string; testId: string }[] {
  const f9 =
    sale?.state === 'presettled' ? '结算' : sale?.state === 'settled' ? '收款' : sale?.person ? '预结算' : '结算';
  return [
    { key: 'F6', label: '读身份证', testId: 'key-f6' },
    { key: 'F7', label: '电子凭证', testId: 'key-f7' },
    { key: 'F8', label: '社保卡', testId: 'key-f8' },
    { key: 'F9', label: f9, testId: 'key-f9' },
    { key: 'F10', label: '收款', testId: 'key-f10' },
    { key: 'F11', label: sale && sale.lines.length > 0 ? '挂单' : '取单', testId: 'key-f11' },
    { key: 'F12', label: '重打小票', testId: 'key-f12' },
  ];
}

const MORE_KEYS: [string, string][] = [
  ['↑↓', '选行'],
  ['+ −', '数量加减'],
  ['*', '改数量'],
  ['Del', '删行'],
  ['Alt+B', '换批次'],
  ['Alt+S', '拆零'],
  ['Alt+C', '追溯码'],
  ['Alt+N', '身份证号'],
  ['Alt+A', '个人账户'],
  ['Alt+I', '换险种'],
  ['Alt+X', '自费'],
  ['Alt+R', '处方登记'],
  ['Alt+T', '购买人登记'],
  ['Alt+Z', '作废'],
  ['Esc', '关闭'],
];

export function CounterScreen() {
  const sale = useCounterStore((s) => s.sale);
  const selectedLineId = useCounterStore((s) => s.selectedLineId);
  const busy = useCounterStore((s) => s.busy);
  const loadError = useCounterStore((s) => s.loadError);
  const finished = useCounterStore((s) => s.finished);
  const isPharmacist = useSessionStore((s) => s.operator?.roles.includes('pharmacist') ?? false);
  const roles = useSessionStore((s) => s.operator?.roles);
  const mayRefund = canUse('counter.refund', roles);
  const mayRegister = canUse('counter.specialRegister', roles);
  const seesEveryone = canUse('counter.findSales', roles);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [scanText, setScanText] = useState('');
  const scanRef = useRef<HTMLInputElement>(null);
  const dialogScan = useRef<((code: string) => void) | null>(null);
  const registerScan = useCallback((sink: ((code: string) => void) | null) => {
    dialogScan.current = sink;
  }, []);

  /** Back to the scan field once no dialog is open (a closing one may still be in the page for a frame). */
  const focusScan = useCallback(() => {
    let tries = 0;
    const attempt = () => {
      if (!document.querySelector('dialog[open]')) scanRef.current?.focus();
      else if (++tries < 20) setTimeout(attempt, 50);
    };
    requestAnimationFrame(attempt);
  }, []);

  useEffect(() => {
    void counter.loadSale();
  }, []);

  // A serial (COM) scanner's codes come from the main process as events: the same as a scan into the field.
  const submitScanRef = useRef<(code: string) => Promise<void>>(async () => undefined);
  useEffect(() => {
    try {
      return getPosApi().subscribe('scanner.code', ({ code }) => {
        void submitScanRef.current(code);
      });
    } catch {
      return undefined; // a shell without device events: keyboard-wedge scanners still work
    }
  }, []);

  // the field exists once the sale is there; a new sale (next customer, resumed, voided) starts there too
  const saleKey = sale?.id ?? null;
  useEffect(() => {
    if (saleKey !== null) focusScan();
  }, [saleKey, focusScan]);

  // a dialog closed (by Esc, by its own action, or after paying): the keyboard is the scan field's again
  useEffect(() => {
    if (dialog === null) focusScan();
  }, [dialog, focusScan]);

  const closeDialog = useCallback(() => {
    setDialog(null);
    focusScan();
  }, [focusScan]);

  const act = useCallback(
    async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        if (!(e instanceof Error && e.message === 'stale')) toastFailure(e);
      } finally {
        focusScan();
      }
    },
    [focusScan],
  );

  // ---- actions (the same from keys, the key bar and the buttons) --------------------------------

  const current = () => useCounterStore.getState().sale;
  const selectedLine = (): SaleLineView | undefined => {
    const s = useCounterStore.getState();
    return s.sale?.lines.find((l) => l.id === s.selectedLineId);
  };

  async function submitScan(code: string) {
    const c = code.trim();
    const s = current();
    if (!c || !s) return;
    if (!isEditable(s)) {
      showToast('error', `当前状态（${s.stateLabel}）不能加商品或追溯码`);
      return;
    }
    await act(async () => {
      const r = await counter.scanCode(c);
      if (r.kind === 'choose') setDialog({ kind: 'candidates', candidates: r.candidates });
      else if (r.message) showToast('info', r.message);
    });
  }

  useEffect(() => {
    submitScanRef.current = submitScan;
  });

  function openPayment() {
    const s = current();
    if (!s) return;
    if (s.state === 'settled' || (s.state === 'open' && !s.person)) {
      if (s.lines.length === 0) return showToast('error', '购物车为空');
      if (s.blockers.length) return showToast('error', s.blockers.join('；'));
      setDialog({ kind: 'pay' });
    } else if (s.person) {
      showToast('error', '医保顾客请先按 F9 预结算，再按 Enter 结算');
    } else showToast('error', `当前状态（${s.stateLabel}）不能收款`);
  }

  async function settleNow() {
    await act(async () => {
      await counter.settle();
      if (current()?.state === 'settled') setDialog({ kind: 'pay' });
    });
  }

  async function nextStepAction() {
    const s = current();
    if (!s) return;
    if (s.lines.length === 0 && s.state === 'open') return showToast('error', '购物车为空');
    switch (s.state) {
      case 'settled':
        return openPayment();
      case 'presettled':
        return settleNow();
      case 'open':
        if (!s.person) return openPayment();
        if (s.blockers.length) return showToast('error', s.blockers.join('；'));
        return act(() => counter.preSettle());
      default:
        showToast('error', s.notice ?? `当前状态（${s.stateLabel}），请稍候`);
    }
  }

  function enterOnEmpty() {
    const s = current();
    if (s?.state === 'presettled') void settleNow();
    else if (s?.state === 'settled') openPayment();
  }

  function parkOrResume() {
    const s = current();
    if (!s) return;
    if (s.lines.length === 0) setDialog({ kind: 'parked' });
    else if (isEditable(s)) setDialog({ kind: 'park' });
    else showToast('error', `当前状态（${s.stateLabel}）不能挂单`);
  }

  function reprint() {
    void act(async () => {
      if (!(await counter.reprintLast())) showToast('error', '本次登录还没有可重打的小票');
    });
  }

  function lineDialog(kind: 'batch' | 'qty' | 'trace') {
    const l = selectedLine();
    if (!l) return showToast('error', '请先用 ↑↓ 选中一行商品');
    if (!isEditable(current())) return showToast('error', '医保已结算或正在结算，不能再改购物车');
    setDialog({ kind, lineId: l.id });
  }

  /** Alt+S: the selected line sold by the piece (拆零), or back to whole packages. */
  function toggleSplit() {
    const l = selectedLine();
    if (!l) return showToast('error', '请先用 ↑↓ 选中一行商品');
    if (!isEditable(current())) return showToast('error', '医保已结算或正在结算，不能再改购物车');
    void act(async () => {
      await counter.setSplit(l.id, !l.split);
      if (!l.split) showToast('info', '已改为拆零销售：按 + − 或 * 输入拆零数量');
    });
  }

  function changeQty(delta: number) {
    const l = selectedLine();
    if (!l || !isEditable(current())) return;
    if (l.qty + delta < 1) return showToast('info', '数量已是 1；删除这一行请按 Delete');
    void act(() => counter.setQuantity(l.id, l.qty + delta));
  }

  function removeSelected() {
    const l = selectedLine();
    if (!l || !isEditable(current())) return;
    void act(() => counter.removeLine(l.id));
  }

  function nextInsutype() {
    const s = current();
    const p = s?.person;
    if (!s || !p || p.insutypes.length < 2) return;
    const i = p.insutypes.findIndex((t) => t.insutype === p.chosenInsutype);
    const next = p.insutypes[(i + 1) % p.insutypes.length]!;
    void act(() => counter.chooseInsutype(next.insutype, s.acctUsed));
  }

  function toggleAccount() {
    const s = current();
    const chosen = s?.person?.chosenInsutype;
    if (!s || !chosen) return;
    void act(() => counter.chooseInsutype(chosen, !s.acctUsed));
  }

  function readIdCard() {
    const s = current();
    if (!isEditable(s)) return showToast('error', '医保已结算或正在结算，不能重新读卡');
    void act(async () => {
      try {
        await counter.readPerson({ medium: 'id_card_reader' });
      } catch (e) {
        toastFailure(e);
        showToast('info', '读卡不成功时，可按 Alt+N 手工输入身份证号');
      }
    });
  }

  const fkeys: Record<string, () => void> = {
    F6: readIdCard,
    F7: () => isEditable(current()) && setDialog({ kind: 'evoucher' }),
    F8: () => isEditable(current()) && setDialog({ kind: 'sscard' }),
    F9: () => void nextStepAction(),
    F10: openPayment,
    F11: parkOrResume,
    F12: reprint,
  };

  function openRefund() {
    if (!mayRefund) return showToast('error', '退货需要店长权限：请店长登录后办理');
    setDialog({ kind: 'refund' });
  }

  function openRegister() {
    if (!mayRegister) return showToast('error', '特殊药品登记只有药师、店长可以查看');
    setDialog({ kind: 'register' });
  }

  /** The refund put the kept lines in a new cart: it is now the operator's newest sale, so load it. */
  function openKeptSale() {
    setDialog(null);
    void act(async () => {
      await counter.loadSale();
      showToast('info', '已打开保留商品的新单：请按 F9 预结算，再按 Enter 结算收款');
    });
  }

  const altKeys: Record<string, () => void> = {
    KeyF: openRefund,
    KeyJ: () => setDialog({ kind: 'shift' }),
    KeyD: openRegister,
    KeyN: () => isEditable(current()) && setDialog({ kind: 'idnumber' }),
    KeyX: () => current()?.person && void act(() => counter.clearPerson()),
    KeyI: nextInsutype,
    KeyA: toggleAccount,
    KeyR: () => isEditable(current()) && setDialog({ kind: 'rx' }),
    KeyT: () => isEditable(current()) && setDialog({ kind: 'buyer' }),
    KeyB: () => lineDialog('batch'),
    KeyS: toggleSplit,
    KeyC: () => lineDialog('trace'),
    KeyZ: () => {
      const s = current();
      if (s && isEditable(s) && s.lines.length > 0) setDialog({ kind: 'void' });
    },
  };

  const inScanContext = () => {
    const a = document.activeElement;
    return a === scanRef.current || a === null || a === document.body;
  };
  const dialogOpen = () => document.querySelector('dialog[open]') !== null;

  useScanInput({
    fallbackField: () => scanRef.current,
    onScan: (code) => {
      if (dialogScan.current) return dialogScan.current(code);
      // A burst the busy machine split by a pause: its start already went into the field as typed digits.
      const field = scanRef.current;
      const head = field && document.activeElement === field ? field.value.trim() : '';
      if (/^\d+$/.test(head)) setScanText('');
      void submitScan(/^\d+$/.test(head) ? head + code : code);
    },
    onKeyBefore: (e, holding) => {
      if (dialogOpen() || e.ctrlKey || e.metaKey) return false;
      if (e.altKey && !e.shiftKey) {
        const fn = altKeys[e.code];
        if (!fn) return false;
        e.preventDefault();
        fn();
        return true;
      }
      if (holding || e.altKey || !inScanContext() || (scanRef.current?.value ?? '') !== '') return false;
      if (e.key === '+' || e.key === '-' || e.key === '*') {
        e.preventDefault();
        if (e.key === '*') lineDialog('qty');
        else changeQty(e.key === '+' ? 1 : -1);
        return true;
      }
      return false;
    },
    onKeyAfter: (e) => {
      if (dialogOpen() || e.ctrlKey || e.metaKey || e.altKey) return;
      const fn = fkeys[e.key];
      if (fn) {
        e.preventDefault();
        fn();
        return;
      }
      if (!inScanContext()) return;
      const text = scanRef.current?.value ?? '';
      switch (e.key) {
        case 'Enter':
          if (e.isComposing) return;
          e.preventDefault();
          if (text.trim()) {
            setScanText('');
            if (LOOKS_LIKE_NAME.test(text.trim())) setDialog({ kind: 'search', initial: text.trim() });
            else void submitScan(text);
          } else enterOnEmpty();
          break;
        case 'ArrowUp':
        case 'ArrowDown':
          e.preventDefault();
          counter.moveSelection(e.key === 'ArrowUp' ? -1 : 1);
          break;
        case 'Delete':
          if (text === '') {
            e.preventDefault();
            removeSelected();
          }
          break;
        case 'Escape':
          if (text !== '') {
            e.preventDefault();
            setScanText('');
          }
          break;
      }
      if (document.activeElement !== scanRef.current) scanRef.current?.focus();
    },
  });

  function onScanChange(value: string, composing: boolean) {
    if (!composing && LOOKS_LIKE_NAME.test(value)) {
      setScanText('');
      setDialog({ kind: 'search', initial: value });
      return;
    }
    setScanText(value);
  }

  if (!sale) {
    return (
      <div className="counter-screen counter-loading">
        {loadError ? (
          <div className="card">
            <CallErrorMessage failure={loadError} />
            <button type="button" className="btn" onClick={() => void counter.loadSale()}>
              重试
            </button>
          </div>
        ) : (
          <p className="muted">正在打开收银台…</p>
        )}
      </div>
    );
  }

  const step = nextStep(sale);
  const lineOf = (id: number) => sale.lines.find((l) => l.id === id);
  const d = dialog;
  const dialogLine = d && (d.kind === 'batch' || d.kind === 'qty' || d.kind === 'trace') ? lineOf(d.lineId) : undefined;

  return (
    <div className="counter-screen" data-testid="counter-screen" data-sale-id={sale.id} data-state={sale.state}>
      <div className="counter-main">
        <div className="scan-row">
          <input
            ref={scanRef}
            className="scan-input"
            value={scanText}
            onChange={(e) => onScanChange(e.target.value, (e.nativeEvent as InputEvent).isComposing)}
            onCompositionEnd={(e) => onScanChange(e.currentTarget.value, false)}
            onBlur={() =>
              setTimeout(() => {
                const a = document.activeElement;
                if (!dialogOpen() && (a === null || a === document.body)) scanRef.current?.focus();
              }, 0)
            }
            placeholder="扫码，或输入条码 / 追溯码；输入名称或拼音首字母查找商品"
            aria-label="扫码输入"
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            data-testid="scan-input"
          />
          <span className="scan-state" data-testid="scan-state">
            {busy ?? (sale.receiptNo ? `单号 ${sale.receiptNo}` : '')}
          </span>
        </div>
        {sale.state === 'reversing' || sale.state === 'settling' ? (
          <div className="counter-notice notice-wait" role="status" data-testid="reversing">
            {sale.state === 'reversing'
              ? '上一笔医保结算结果未知，系统正在自动冲正（撤销），购物车保留；冲正完成后会自动恢复，届时请重新读卡结算。'
              : '正在与医保中心确认结算结果，请稍候…'}
          </div>
        ) : null}
        {sale.notice ? (
          <div className="counter-notice" role="alert" data-testid="sale-notice">
            {sale.notice}
          </div>
        ) : null}
        {sale.lines.length === 0 && finished ? (
          <div className="finished-center">
            <FinishedCard finished={finished} compact={false} />
          </div>
        ) : (
          <CartTable
            sale={sale}
            selectedLineId={selectedLineId}
            onSelect={(id) => {
              counter.selectLine(id);
              focusScan();
            }}
            onQuantity={(l) => setDialog({ kind: 'qty', lineId: l.id })}
            onBatch={(l) => setDialog({ kind: 'batch', lineId: l.id })}
            onTrace={(l) => setDialog({ kind: 'trace', lineId: l.id })}
            onRemove={(l) => void act(() => counter.removeLine(l.id))}
          />
        )}
        {sale.prescription || sale.specialBuyer ? (
          <div className="gsp-line small" data-testid="gsp-line">
            {sale.prescription ? (
              <span>
                处方 {sale.prescription.rxNo}（{sale.prescription.prescriber}，{sale.prescription.institution}
                ），审核药师 {sale.prescription.pharmacist}
              </span>
            ) : null}
            {sale.specialBuyer ? (
              <span>
                购买人 {sale.specialBuyer.name} {sale.specialBuyer.idNoMasked}
              </span>
            ) : null}
          </div>
        ) : null}
      </div>

      <aside className="counter-side" aria-label="结算">
        <TotalsCard
          sale={sale}
          busy={busy}
          onPay={() => void nextStepAction()}
          payLabel={`${step.label}  ${step.key}`}
        />

        <SplitCard sale={sale} />
        <PersonCard
          sale={sale}
          onSelfPay={() => void act(() => counter.clearPerson())}
          onNextInsutype={nextInsutype}
          onToggleAccount={toggleAccount}
        />
        {finished && sale.lines.length > 0 ? <FinishedCard finished={finished} compact /> : null}
      </aside>

      <div className="key-bar" aria-label="快捷键">
        <div className="key-row">
          {keyBar(sale).map((k) => (
            <button
              key={k.key}
              type="button"
              className="key-button"
              tabIndex={-1}
              onClick={() => fkeys[k.key]?.()}
              data-testid={k.testId}
            >
              <kbd>{k.key}</kbd>
              <span>{k.label}</span>
            </button>
          ))}
        </div>
        <div className="key-more small">
          {MORE_KEYS.map(([k, label]) => (
            <span key={k}>
              <kbd>{k}</kbd> {label}
            </span>
          ))}
        </div>
        <div className="after-sale-bar" aria-label="售后">
          <span className="after-sale-label">售后</span>
          <button
            type="button"
            className="btn btn-small"
            tabIndex={-1}
            onClick={openRefund}
            disabled={!mayRefund}
            title={mayRefund ? undefined : '退货需要店长权限'}
            data-testid="open-refund"
          >
            退货 <kbd>Alt+F</kbd>
            {mayRefund ? null : <span className="after-sale-why">（需店长权限）</span>}
          </button>
          <button
            type="button"
            className="btn btn-small"
            tabIndex={-1}
            onClick={() => setDialog({ kind: 'shift' })}
            data-testid="open-shift"
          >
            交班 <kbd>Alt+J</kbd>
          </button>
          <button
            type="button"
            className="btn btn-small"
            tabIndex={-1}
            onClick={openRegister}
            disabled={!mayRegister}
            title={mayRegister ? undefined : '只有药师、店长可以查看'}
            data-testid="open-register"
          >
            特药登记 <kbd>Alt+D</kbd>
            {mayRegister ? null : <span className="after-sale-why">（需药师或店长）</span>}
          </button>
        </div>
      </div>

      {d?.kind === 'pay' ? <PaymentDialog sale={sale} onClose={closeDialog} /> : null}
      {d?.kind === 'evoucher' ? <EVoucherDialog onClose={closeDialog} registerScan={registerScan} /> : null}
      {d?.kind === 'sscard' ? <SsCardDialog onClose={closeDialog} /> : null}
      {d?.kind === 'idnumber' ? <IdNumberDialog onClose={closeDialog} registerScan={registerScan} /> : null}
      {d?.kind === 'rx' ? (
        <PrescriptionDialog sale={sale} operatorIsPharmacist={isPharmacist} onClose={closeDialog} />
      ) : null}
      {d?.kind === 'buyer' ? (
        <SpecialBuyerDialog sale={sale} onClose={closeDialog} registerScan={registerScan} />
      ) : null}
      {d?.kind === 'park' ? <ParkDialog onClose={closeDialog} /> : null}
      {d?.kind === 'parked' ? <ParkedDialog onClose={closeDialog} /> : null}
      {d?.kind === 'void' ? (
        <ConfirmDialog
          title="作废当前销售单"
          message={`购物车中的 ${sale.lines.length} 种商品将全部清空，此单作废（会记入审计日志）。`}
          confirmLabel="作废"
          onConfirm={() => counter.voidSale()}
          onClose={closeDialog}
          testId="void-dialog"
        />
      ) : null}
      {d?.kind === 'refund' ? (
        <RefundDialog onClose={closeDialog} onOpenKept={openKeptSale} registerScan={registerScan} />
      ) : null}
      {d?.kind === 'shift' ? (
        <ShiftDialog onClose={closeDialog} everyone={seesEveryone} registerScan={registerScan} />
      ) : null}
      {d?.kind === 'register' ? <RegisterDialog onClose={closeDialog} registerScan={registerScan} /> : null}
      {d?.kind === 'batch' && dialogLine ? <BatchDialog line={dialogLine} onClose={closeDialog} /> : null}
      {d?.kind === 'qty' && dialogLine ? <QuantityDialog line={dialogLine} onClose={closeDialog} /> : null}
      {d?.kind === 'trace' && dialogLine ? (
        <TraceCodesDialog line={dialogLine} onClose={closeDialog} registerScan={registerScan} />
      ) : null}
      {d?.kind === 'candidates' ? <CandidatesDialog candidates={d.candidates} onClose={closeDialog} /> : null}
      {d?.kind === 'search' ? <SearchDialog initial={d.initial} onClose={closeDialog} /> : null}
    </div>
  );
}
