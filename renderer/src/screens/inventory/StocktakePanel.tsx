import { useEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { formatQty, type DocLineView, type DocView } from '../../../../app/shared/inventory';
import { canUse } from '../../access';
import { CallErrorMessage } from '../../components/CallError';
import { Modal } from '../../components/Modal';
import { formatDateTime, formatFen } from '../../format';
import { loadDocs, useDocsStore, type PickedProduct } from '../../stores/inventoryDocs';
import {
  approveStocktake,
  cancelStocktake,
  closeStocktake,
  dropEdit,
  editCount,
  fillUncountedWithBook,
  openStocktake,
  saveCount,
  setLineError,
  startStocktake,
  submitStocktake,
  useStocktakeStore,
} from '../../stores/inventoryStocktake';
import { useSessionStore } from '../../stores/session';
import { showToast } from '../../stores/toast';
import { DocStateBadge, DocUploads, ProductPickerDialog, QtyInput, usePanelKeys } from './parts';
import { hasSplit, parsePackagesPieces, splitQty } from './util';

export function StocktakePanel() {
  const doc = useStocktakeStore((s) => s.doc);
  const loading = useStocktakeStore((s) => s.loading);
  const failure = useStocktakeStore((s) => s.failure);
  if (doc) return <CountSheet doc={doc} />;
  return (
    <div className="panel">
      {loading ? <p className="muted">正在打开盘点单…</p> : null}
      <CallErrorMessage failure={failure} />
      <StartStocktake />
      <StocktakeList />
    </div>
  );
}

// ---- starting one, and the list --------------------------------------------------------------------------

function StartStocktake() {
  const roles = useSessionStore((s) => s.operator?.roles);
  const acting = useStocktakeStore((s) => s.acting);
  const [mode, setMode] = useState<'all' | 'products'>('all');
  const [products, setProducts] = useState<PickedProduct[]>([]);
  const [scope, setScope] = useState('');
  const [picking, setPicking] = useState(false);
  if (!canUse('stock.stocktakeStart', roles)) {
    return <p className="muted">盘点单由药师或店长开单；开好的盘点单在下面，打开即可录入实盘数量。</p>;
  }

  async function start() {
    if (mode === 'products' && products.length === 0) {
      showToast('error', '请先选择要盘点的商品');
      return;
    }
    const ok = await startStocktake(mode === 'all' ? null : products.map((p) => p.id), scope);
    if (ok)
      requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid="count-input"]')?.focus());
  }

  return (
    <section className="subpanel stocktake-start" aria-labelledby="stocktake-start-title">
      <h3 id="stocktake-start-title">开始盘点</h3>
      <div className="inline-form">
        <label className="checkbox">
          <input
            type="radio"
            name="stocktake-mode"
            checked={mode === 'all'}
            onChange={() => setMode('all')}
            data-testid="stocktake-mode-all"
          />
          全部在库批次
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name="stocktake-mode"
            checked={mode === 'products'}
            onChange={() => setMode('products')}
            data-testid="stocktake-mode-products"
          />
          选定商品
        </label>
        {mode === 'products' ? (
          <button type="button" className="btn btn-small" onClick={() => setPicking(true)}>
            添加商品…
          </button>
        ) : null}
        <label className="inline-field">
          <span>范围说明</span>
          <input
            className="input-scope"
            value={scope}
            maxLength={100}
            placeholder="如：A 区货架、月末盘点"
            onChange={(e) => setScope(e.target.value)}
            data-testid="stocktake-scope"
          />
        </label>
        <button
          type="button"
          className="btn btn-primary"
          disabled={acting}
          onClick={() => void start()}
          data-testid="stocktake-start"
        >
          {acting ? '正在生成盘点单…' : '生成盘点单'}
        </button>
      </div>
      {mode === 'products' ? (
        <div className="picked-products">
          {products.length === 0 ? <span className="muted small">还没有选择商品</span> : null}
          {products.map((p) => (
            <span key={p.id} className="tag">
              {p.name}
              <button
                type="button"
                className="tag-remove"
                aria-label={`移除 ${p.name}`}
                onClick={() => setProducts((list) => list.filter((x) => x.id !== p.id))}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      ) : null}
      <p className="muted small">
        盘点单按批次列出账面数量；录入实盘数量后提交，由店长审批。审批后差异记为盘盈、盘亏，并上传医保。
      </p>
      {picking ? (
        <ProductPickerDialog
          onClose={() => setPicking(false)}
          onPick={(p) => {
            setPicking(false);
            setProducts((list) => (list.some((x) => x.id === p.id) ? list : [...list, p]));
          }}
        />
      ) : null}
    </section>
  );
}

function StocktakeList() {
  const docs = useDocsStore((s) => s.stocktake);
  useEffect(() => {
    void loadDocs('stocktake', 30);
  }, []);
  return (
    <section className="recent-section">
      <h3 className="section-title">盘点单</h3>
      <CallErrorMessage failure={docs.error} />
      <table className="table table-dense recent-docs" data-testid="stocktake-docs">
        <thead>
          <tr>
            <th className="col-docno">单号</th>
            <th className="col-time">建单时间</th>
            <th>备注</th>
            <th className="num col-lines">批次数</th>
            <th className="col-state">状态</th>
            <th>医保上传</th>
            <th className="col-op">经办人</th>
            <th className="col-actions" aria-label="操作" />
          </tr>
        </thead>
        <tbody>
          {docs.rows.map((d) => (
            <tr key={d.id} data-testid="stocktake-doc" data-doc-no={d.docNo} data-state={d.state}>
              <td className="mono">{d.docNo}</td>
              <td className="mono small">{formatDateTime(d.createdAt)}</td>
              <td className="cell-ellipsis">{d.note ?? '—'}</td>
              <td className="num">{d.lineCount}</td>
              <td>
                <DocStateBadge state={d.state} />
              </td>
              <td>
                <DocUploads uploads={d.uploads} />
              </td>
              <td>{d.operatorName}</td>
              <td>
                <button
                  type="button"
                  className={
                    d.state === 'draft' || d.state === 'submitted' ? 'btn btn-small btn-primary' : 'btn btn-small'
                  }
                  onClick={() => void openStocktake(d.id)}
                  data-testid="stocktake-open"
                >
                  {d.state === 'draft' ? '继续盘点' : d.state === 'submitted' ? '打开' : '查看'}
                </button>
              </td>
            </tr>
          ))}
          {docs.loaded && docs.rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                还没有盘点单
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </section>
  );
}

// ---- the count sheet -------------------------------------------------------------------------------------

function diffOf(l: DocLineView): number | null {
  return l.qtyBase === null ? null : l.qtyBase - (l.bookQtyBase ?? 0);
}

/** The difference at purchase price, to the fen; null when the batch has no price. */
function diffValueFen(l: DocLineView): number | null {
  const d = diffOf(l);
  if (d === null || l.priceFen === null) return null;
  const factor = hasSplit(l) ? l.splitFactor! : 1;
  return Math.round((d * l.priceFen) / factor);
}

export interface StocktakeSummary {
  counted: number;
  uncounted: number;
  gain: number;
  loss: number;
  gainFen: number;
  lossFen: number;
  unpriced: number;
}

export function summarize(doc: DocView): StocktakeSummary {
  const s: StocktakeSummary = { counted: 0, uncounted: 0, gain: 0, loss: 0, gainFen: 0, lossFen: 0, unpriced: 0 };
  for (const l of doc.lines) {
    const d = diffOf(l);
    if (d === null) {
      s.uncounted++;
      continue;
    }
    s.counted++;
    if (d === 0) continue;
    const v = diffValueFen(l);
    if (v === null) s.unpriced++;
    if (d > 0) {
      s.gain++;
      s.gainFen += v ?? 0;
    } else {
      s.loss++;
      s.lossFen += v ?? 0;
    }
  }
  return s;
}

type SheetFilter = 'all' | 'uncounted' | 'diff';

function CountSheet({ doc }: { doc: DocView }) {
  const acting = useStocktakeStore((s) => s.acting);
  const failure = useStocktakeStore((s) => s.failure);
  const edits = useStocktakeStore((s) => s.edits);
  const saving = useStocktakeStore((s) => s.saving);
  const lineErrors = useStocktakeStore((s) => s.lineErrors);
  const roles = useSessionStore((s) => s.operator?.roles);
  const canApprove = canUse('stock.stocktakeApprove', roles);
  const [filter, setFilter] = useState<SheetFilter>('all');
  const [confirm, setConfirm] = useState<'submit' | 'approve' | 'cancel' | null>(null);
  const [filling, setFilling] = useState(false);
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const editable = doc.state === 'draft';
  const summary = summarize(doc);
  const pendingEdits = Object.keys(edits).length;

  const shown = doc.lines.filter((l) => {
    if (filter === 'uncounted') return l.qtyBase === null || edits[l.id] !== undefined;
    if (filter === 'diff') return diffOf(l) !== null && diffOf(l) !== 0;
    return true;
  });

  usePanelKeys({
    F9: () => {
      if (doc.state === 'draft') setConfirm('submit');
      else if (doc.state === 'submitted' && canApprove) setConfirm('approve');
    },
  });

  /** Saves the line's field when it differs from what is saved; false when what is typed is no quantity. */
  function commit(l: DocLineView): boolean {
    const edit = useStocktakeStore.getState().edits[l.id];
    if (!edit) return true;
    if (edit.packages.trim() === '' && edit.pieces.trim() === '') return true;
    const q = parsePackagesPieces(edit.packages, edit.pieces, l);
    if (!q.ok) {
      setLineError(l.id, q.message);
      return false;
    }
    if (q.qtyBase !== l.qtyBase) void saveCount(l.id, q.qtyBase);
    else dropEdit(l.id);
    return true;
  }

  function focusRowInput(index: number) {
    const inputs = tbodyRef.current?.querySelectorAll<HTMLInputElement>('input[data-testid="count-input"]');
    const el = inputs?.[index];
    if (el) {
      el.focus();
      el.scrollIntoView({ block: 'nearest' });
    }
  }

  function onKey(e: KeyboardEvent<HTMLInputElement>, l: DocLineView, i: number) {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'Enter' || e.key === 'ArrowDown') {
      e.preventDefault();
      if (commit(l)) focusRowInput(i + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (commit(l)) focusRowInput(i - 1);
    }
  }

  function onBlur(e: FocusEvent<HTMLElement>, l: DocLineView) {
    if (e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
    commit(l);
  }

  async function fill() {
    setFilling(true);
    const n = await fillUncountedWithBook();
    setFilling(false);
    showToast('ok', `已按账面数填入 ${n} 行`);
  }

  return (
    <div className="panel stocktake-sheet" data-testid="count-sheet" data-state={doc.state} data-doc-no={doc.docNo}>
      <div className="panel-toolbar">
        <h2>
          盘点单 <span className="mono">{doc.docNo}</span> <DocStateBadge state={doc.state} />
        </h2>
        <div className="toolbar-actions">
          {editable ? (
            <>
              <button
                type="button"
                className="btn"
                disabled={filling || summary.uncounted === 0}
                onClick={() => void fill()}
                title="没有录入的行按账面数量填入（视为无差异）"
                data-testid="count-fill-book"
              >
                {filling ? '正在填入…' : '未盘行按账面填入'}
              </button>
              <button
                type="button"
                className="btn btn-primary"
                disabled={acting}
                onClick={() => setConfirm('submit')}
                data-testid="count-submit"
              >
                提交审批 <kbd>F9</kbd>
              </button>
            </>
          ) : null}
          {doc.state === 'submitted' && canApprove ? (
            <>
              <button
                type="button"
                className="btn btn-primary"
                disabled={acting}
                onClick={() => setConfirm('approve')}
                data-testid="count-approve"
              >
                审批 <kbd>F9</kbd>
              </button>
              <button
                type="button"
                className="btn btn-danger"
                disabled={acting}
                onClick={() => setConfirm('cancel')}
                data-testid="count-cancel"
              >
                作废…
              </button>
            </>
          ) : null}
          <button type="button" className="btn" onClick={closeStocktake} data-testid="count-close">
            返回列表
          </button>
        </div>
      </div>
      <div className="stocktake-facts">
        <span>
          盘点日期 <strong>{doc.invdate ?? '—'}</strong>
        </span>
        {doc.scope ? <span>范围 {doc.scope}</span> : null}
        {doc.note ? <span>备注 {doc.note}</span> : null}
        <span>开单 {doc.operatorName}</span>
        <span data-testid="count-progress">
          已盘 <strong>{summary.counted}</strong> / {doc.lines.length} 批
        </span>
        <span className={summary.gain > 0 ? 'diff-gain' : undefined}>盘盈 {summary.gain} 批</span>
        <span className={summary.loss > 0 ? 'diff-loss' : undefined}>盘亏 {summary.loss} 批</span>
        {doc.state === 'posted' ? (
          <span>
            医保上传 <DocUploads uploads={doc.uploads} />
          </span>
        ) : null}
      </div>
      {doc.state === 'submitted' && !canApprove ? <p className="counter-notice">已提交，等待店长审批。</p> : null}
      <CallErrorMessage failure={failure} />
      <div className="sheet-filter segmented" role="group" aria-label="筛选">
        {(
          [
            ['all', `全部 ${doc.lines.length}`],
            ['uncounted', `未盘 ${summary.uncounted}`],
            ['diff', `有差异 ${summary.gain + summary.loss}`],
          ] as const
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={filter === id ? 'btn btn-small active' : 'btn btn-small'}
            aria-pressed={filter === id}
            onClick={() => setFilter(id)}
          >
            {label}
          </button>
        ))}
        {editable ? (
          <span className="muted small sheet-hint">
            录入实盘数量，<kbd>Enter</kbd> 保存并到下一行，<kbd>↑</kbd> <kbd>↓</kbd> 上下移动。
            {pendingEdits > 0 ? `（${pendingEdits} 行尚未保存）` : ''}
          </span>
        ) : null}
      </div>
      <table className="table table-dense count-table" data-testid="count-table">
        <thead>
          <tr>
            <th className="col-no num">行</th>
            <th className="col-name">商品 / 规格</th>
            <th className="col-batch">批号</th>
            <th className="col-date">有效期至</th>
            <th className="col-qty num">账面</th>
            <th className="col-count">实盘</th>
            <th className="col-qty num">差异</th>
            <th className="col-price num">差异金额</th>
          </tr>
        </thead>
        <tbody ref={tbodyRef}>
          {shown.map((l, i) => {
            const edit = edits[l.id];
            const value = edit ?? (l.qtyBase === null ? { packages: '', pieces: '' } : splitQty(l.qtyBase, l));
            const d = diffOf(l);
            const v = diffValueFen(l);
            const err = lineErrors[l.id];
            return (
              <tr
                key={l.id}
                className={d === null ? 'row-uncounted' : d > 0 ? 'row-gain' : d < 0 ? 'row-loss' : undefined}
                data-testid="count-row"
                data-line-id={l.id}
                data-batch-no={l.batchNo}
                data-diff={d ?? ''}
              >
                <td className="num">{doc.lines.indexOf(l) + 1}</td>
                <td className="cell-name">
                  <div className="cell-ellipsis" title={l.productName}>
                    {l.productName}
                  </div>
                  <div className="muted small cell-ellipsis">{l.spec ?? '—'}</div>
                </td>
                <td className="mono cell-ellipsis">{l.batchNo}</td>
                <td className="mono small col-date">{l.expiryDate ?? '—'}</td>
                <td className="num nowrap">{formatQty(l.bookQtyBase ?? 0, l)}</td>
                <td className="nowrap">
                  {editable ? (
                    <>
                      <QtyInput
                        split={l}
                        packages={value.packages}
                        pieces={value.pieces}
                        label={`第 ${doc.lines.indexOf(l) + 1} 行 实盘`}
                        onChange={(next) => editCount(l.id, next)}
                        onKeyDown={(e) => onKey(e, l, i)}
                        onBlur={(e) => onBlur(e, l)}
                        invalid={Boolean(err)}
                        testId="count-input"
                      />
                      {saving[l.id] ? <span className="muted small"> 保存中</span> : null}
                      {err ? (
                        <div className="field-error" role="alert">
                          {err}
                        </div>
                      ) : null}
                    </>
                  ) : l.qtyBase === null ? (
                    <span className="muted">未盘</span>
                  ) : (
                    formatQty(l.qtyBase, l)
                  )}
                </td>
                <td className={d === null || d === 0 ? 'num muted' : d > 0 ? 'num diff-gain' : 'num diff-loss'}>
                  {d === null ? '—' : d === 0 ? '0' : `${d > 0 ? '+' : ''}${formatQty(d, l)}`}
                </td>
                <td className={v ? (v > 0 ? 'num diff-gain' : 'num diff-loss') : 'num muted'}>
                  {d === null || d === 0 ? '—' : v === null ? '无进价' : formatFen(v)}
                </td>
              </tr>
            );
          })}
          {shown.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                {filter === 'uncounted' ? '所有批次都已盘点' : filter === 'diff' ? '没有差异' : '盘点单没有批次'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {confirm ? (
        <ConfirmStocktake
          doc={doc}
          what={confirm}
          summary={summary}
          pendingEdits={pendingEdits}
          onClose={() => setConfirm(null)}
        />
      ) : null}
    </div>
  );
}

const CONFIRM_TEXT = {
  submit: { title: '提交盘点单', button: '提交审批' },
  approve: { title: '审批盘点单', button: '审批通过' },
  cancel: { title: '作废盘点单', button: '作废' },
} as const;

function ConfirmStocktake({
  doc,
  what,
  summary: s,
  pendingEdits,
  onClose,
}: {
  doc: DocView;
  what: 'submit' | 'approve' | 'cancel';
  summary: StocktakeSummary;
  pendingEdits: number;
  onClose: () => void;
}) {
  const acting = useStocktakeStore((st) => st.acting);
  const failure = useStocktakeStore((st) => st.failure);
  const text = CONFIRM_TEXT[what];

  async function run() {
    const fn = what === 'submit' ? submitStocktake : what === 'approve' ? approveStocktake : cancelStocktake;
    if (await fn(doc.id)) {
      showToast(
        'ok',
        what === 'submit'
          ? '已提交，等待店长审批'
          : what === 'approve'
            ? '盘点已审批，库存已按实盘调整'
            : '盘点单已作废',
      );
      onClose();
    }
  }

  return (
    <Modal title={text.title} onClose={onClose} testId="stocktake-confirm">
      <div className="confirm-body">
        <p>
          盘点单 <span className="mono">{doc.docNo}</span>，共 {doc.lines.length} 批：
        </p>
        <ul className="stocktake-summary" data-testid="stocktake-summary">
          <li>
            已盘 {s.counted} 批
            {s.uncounted > 0 ? (
              <strong className="text-warn">，未盘 {s.uncounted} 批（未盘的批次不调整库存）</strong>
            ) : null}
          </li>
          <li className={s.gain > 0 ? 'diff-gain' : undefined} data-testid="summary-gain">
            盘盈 {s.gain} 批，金额 {formatFen(s.gainFen)}
          </li>
          <li className={s.loss > 0 ? 'diff-loss' : undefined} data-testid="summary-loss">
            盘亏 {s.loss} 批，金额 {formatFen(s.lossFen)}
          </li>
          <li>
            差异合计 <strong>{formatFen(s.gainFen + s.lossFen)}</strong>（按进价计
            {s.unpriced > 0 ? `，${s.unpriced} 批没有进价未计入` : ''}）
          </li>
        </ul>
        {what === 'submit' && pendingEdits > 0 ? (
          <p className="text-warn">还有 {pendingEdits} 行录入了但没有保存（数量有误），请先改正。</p>
        ) : null}
        {what === 'submit' ? <p>提交后不能再修改实盘数量，由店长审批。</p> : null}
        {what === 'approve' ? (
          <p>审批后按实盘数量调整库存：盘盈、盘亏记入库存流水，并上传医保（库存变更、盘存）。审批后不能撤销。</p>
        ) : null}
        {what === 'cancel' ? <p className="text-warn">作废后盘点结果不入账，库存不变。</p> : null}
      </div>
      <CallErrorMessage failure={failure} />
      <div className="modal-actions">
        <button
          type="button"
          className={what === 'cancel' ? 'btn btn-danger' : 'btn btn-primary'}
          disabled={acting || (what === 'submit' && pendingEdits > 0)}
          onClick={() => void run()}
          data-autofocus
          data-testid="stocktake-confirm-run"
        >
          {acting ? '请稍候…' : text.button}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          取消 Esc
        </button>
      </div>
    </Modal>
  );
}
