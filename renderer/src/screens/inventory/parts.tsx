import { useEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { ProductHit } from '../../../../app/shared/contract';
import {
  BATCH_STATUS_LABELS,
  DOC_STATE_LABELS,
  formatQty,
  type BatchView,
  type DocSummary,
  type DocView,
  type StockDocKind,
  type StockDocState,
} from '../../../../app/shared/inventory';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { Modal } from '../../components/Modal';
import { ProductSearch } from '../../components/ProductSearch';
import { formatDateTime, formatFen } from '../../format';
import { searchBatches } from '../../stores/inventory';
import { getDoc, loadDocs, useDocsStore, type LocalProblem, type PickedProduct } from '../../stores/inventoryDocs';
import { getProduct } from '../../stores/products';
import { createProductSearch } from '../../stores/productSearch';
import { useSessionStore } from '../../stores/session';
import { hasSplit, lineOfPath, parseDateText, parseTraceCodes, type SplitInfo } from './util';

// ---- small cells -----------------------------------------------------------------------------------------

export function BatchStatusBadge({ batch }: { batch: Pick<BatchView, 'status' | 'locked'> }) {
  const s = batch.status;
  const cls =
    s === 'expired'
      ? 'badge stock-expired'
      : s === 'near_expiry'
        ? 'badge stock-near'
        : s === 'locked'
          ? 'badge stock-locked'
          : s === 'empty'
            ? 'badge badge-muted'
            : 'badge badge-ok';
  return (
    <span className={cls} data-testid="batch-status" data-status={s}>
      {BATCH_STATUS_LABELS[s] ?? s}
    </span>
  );
}

/** 有效期至, amber when near, red when past. */
export function ExpiryText({ batch }: { batch: Pick<BatchView, 'status' | 'expiryDate'> }) {
  const cls = batch.status === 'expired' ? 'expiry-expired' : batch.status === 'near_expiry' ? 'expiry-near' : '';
  return <span className={`mono ${cls}`.trim()}>{batch.expiryDate}</span>;
}

export function monthsText(months: number): string {
  if (months < 0) return `已过 ${-months} 月`;
  return `${months}`;
}

export function DocStateBadge({ state }: { state: StockDocState }) {
  return <span className={`badge doc-${state}`}>{DOC_STATE_LABELS[state] ?? state}</span>;
}

/** Where a document's uploads stand: 待上传 2 · 已上传 5 · 被拒收 1. */
export function DocUploads({ uploads }: { uploads: DocSummary['uploads'] }) {
  const { pending, sent, refused } = uploads;
  if (pending + sent + refused === 0) return <span className="muted">—</span>;
  return (
    <span className="doc-uploads" data-testid="doc-uploads" data-pending={pending} data-refused={refused}>
      {refused > 0 ? <span className="badge upload-refused">被拒收 {refused}</span> : null}
      {pending > 0 ? <span className="badge upload-pending">待上传 {pending}</span> : null}
      {sent > 0 ? <span className="badge upload-sent">已上传 {sent}</span> : null}
    </span>
  );
}

// ---- form parts ------------------------------------------------------------------------------------------

/** A refusal or a problem found before sending; field problems of the service are said per line. */
export function FormProblem({ failure, problem }: { failure: Failure | null; problem: LocalProblem | null }) {
  if (problem) {
    return (
      <div className="error-message" role="alert" data-testid="form-error">
        {problem.message}
      </div>
    );
  }
  if (!failure) return null;
  const byLine = failure.fields.filter((f) => lineOfPath(f.path) !== null);
  if (failure.code !== 'INVALID_INPUT' || byLine.length === 0) {
    return (
      <div data-testid="form-error">
        <CallErrorMessage failure={failure} />
      </div>
    );
  }
  // the service names the line in each message (第2行 阿莫西林胶囊 批号 B123：…): one per line, as it said them
  const joined = failure.fields.map((f) => f.message).join('；');
  const named = (m: string) => /^第\s*\d+\s*行/.test(m);
  return (
    <div className="error-message" role="alert" data-testid="form-error">
      {failure.message !== joined ? <div>{failure.message}</div> : null}
      <ul className="plain-list">
        {failure.fields.map((f, i) => (
          <li key={i}>
            {named(f.message) || lineOfPath(f.path) === null ? '' : `第 ${lineOfPath(f.path)} 行：`}
            {f.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface DateInputProps {
  /** data-field: which input of a line it is */
  field?: string;
  value: string;
  onChange: (v: string) => void;
  label: string;
  testId?: string;
  className?: string;
  id?: string;
}

/** Typed as on the box (20250301, 2025.3.1 …), tidied to YYYY-MM-DD when the field is left. */
export function DateInput({ value, onChange, label, testId, className, id, field }: DateInputProps) {
  const parsed = parseDateText(value);
  return (
    <input
      id={id}
      type="text"
      inputMode="numeric"
      className={['input-date', className].filter(Boolean).join(' ')}
      placeholder="YYYY-MM-DD"
      aria-label={label}
      aria-invalid={!parsed.ok || undefined}
      title={parsed.ok ? label : parsed.message}
      value={value}
      maxLength={12}
      autoComplete="off"
      onChange={(e) => onChange(e.target.value)}
      onBlur={() => {
        if (parsed.ok && parsed.date !== value) onChange(parsed.date);
      }}
      data-field={field}
      data-testid={testId}
    />
  );
}

interface QtyInputProps {
  split: SplitInfo;
  packages: string;
  pieces: string;
  onChange: (v: { packages: string; pieces: string }) => void;
  label: string;
  testId?: string;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
  inputRef?: (el: HTMLInputElement | null) => void;
  onBlur?: (e: FocusEvent<HTMLElement>) => void;
  invalid?: boolean;
}

/** 整件 + 零头 when the product is sold split; one field otherwise. */
export function QtyInput({
  split,
  packages,
  pieces,
  onChange,
  label,
  testId,
  onKeyDown,
  inputRef,
  onBlur,
  invalid,
}: QtyInputProps) {
  const twoFields = hasSplit(split);
  return (
    <span className="qty-input" onBlur={onBlur}>
      <input
        ref={inputRef}
        className="input-qty num"
        inputMode="numeric"
        aria-label={twoFields ? `${label}（${split.unit}）` : label}
        aria-invalid={invalid || undefined}
        value={packages}
        maxLength={7}
        autoComplete="off"
        onChange={(e) => onChange({ packages: e.target.value, pieces })}
        onFocus={(e) => e.currentTarget.select()}
        onKeyDown={onKeyDown}
        data-field="qtyBase"
        data-testid={testId}
      />
      <span className="qty-unit">{split.unit}</span>
      {twoFields ? (
        <>
          <input
            className="input-qty input-pieces num"
            inputMode="numeric"
            aria-label={`${label}（零头，${split.splitUnit}）`}
            aria-invalid={invalid || undefined}
            value={pieces}
            maxLength={5}
            autoComplete="off"
            onChange={(e) => onChange({ packages, pieces: e.target.value })}
            onFocus={(e) => e.currentTarget.select()}
            onKeyDown={onKeyDown}
            data-testid={testId ? `${testId}-pieces` : undefined}
          />
          <span className="qty-unit">{split.splitUnit}</span>
        </>
      ) : null}
    </span>
  );
}

interface TraceCodesFieldProps {
  value: string;
  onChange: (v: string) => void;
  /** the quantity the codes should match (whole packages), when known */
  expected: number | null;
  testId?: string;
  label?: string;
}

/** A scanner types a code and Enter: one per line. The count is shown against the quantity. */
export function TraceCodesField({ value, onChange, expected, testId, label = '追溯码' }: TraceCodesFieldProps) {
  const { codes, duplicates } = parseTraceCodes(value);
  const n = codes.length;
  const off = expected !== null && n > 0 && n !== expected;
  return (
    <div className="trace-field">
      <textarea
        className="trace-text mono"
        rows={Math.min(4, Math.max(1, value.split('\n').length))}
        aria-label={label}
        placeholder="扫码，每行一个"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-field="traceCodes"
        data-testid={testId}
      />
      <span
        className={off || duplicates > 0 ? 'trace-count trace-off' : 'trace-count'}
        data-testid={testId ? `${testId}-count` : undefined}
      >
        {expected !== null ? `${n}/${expected}` : n}
        {duplicates > 0 ? ` 重复${duplicates}` : ''}
      </span>
    </div>
  );
}

// ---- pickers ---------------------------------------------------------------------------------------------

const inventorySearch = createProductSearch({ limit: 100 });

/** The counter's product search in a dialog: Enter or a click picks; the product's units are read with it. */
export function ProductPickerDialog({ onPick, onClose }: { onPick: (p: PickedProduct) => void; onClose: () => void }) {
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  async function pick(hit: ProductHit) {
    if (busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const p = await getProduct(hit.id);
      onPick({
        id: p.id,
        code: p.code,
        name: p.tradeName && p.tradeName !== p.genericName ? `${p.genericName}（${p.tradeName}）` : p.genericName,
        spec: p.spec,
        unit: p.unit,
        splitUnit: p.splitUnit,
        splitFactor: p.splitFactor,
      });
      inventorySearch.clear();
    } catch (e) {
      setFailure(toFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title="选择商品" onClose={onClose} wide testId="product-picker">
      <div className="picker-search">
        <ProductSearch search={inventorySearch} onPick={(h) => void pick(h)} autoFocus />
      </div>
      <CallErrorMessage failure={failure} />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          关闭 Esc
        </button>
      </div>
    </Modal>
  );
}

/** In-stock batches by code, name, pinyin initials or batch number; ↑↓ Enter pick. */
export function BatchPickerDialog({
  onPick,
  onClose,
  title = '选择批次',
}: {
  onPick: (b: BatchView) => void;
  onClose: () => void;
  title?: string;
}) {
  const [text, setText] = useState('');
  const [rows, setRows] = useState<BatchView[]>([]);
  const [active, setActive] = useState(0);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const listRef = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    const mine = ++seq.current;
    const timer = setTimeout(
      () => {
        searchBatches(text)
          .then((found) => {
            if (mine !== seq.current) return;
            setRows(found);
            setActive(0);
            setFailure(null);
            setLoading(false);
          })
          .catch((e: unknown) => {
            if (mine !== seq.current) return;
            setFailure(toFailure(e));
            setLoading(false);
          });
      },
      text ? 150 : 0,
    );
    return () => clearTimeout(timer);
  }, [text]);

  useEffect(() => {
    listRef.current?.querySelector('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((i) => Math.min(rows.length - 1, i + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const b = rows[active];
      if (b) onPick(b);
    }
  }

  return (
    <Modal title={title} onClose={onClose} wide testId="batch-picker">
      <input
        type="search"
        className="search-input"
        placeholder="商品编码、名称、拼音首字母或批号"
        aria-label="查找批次"
        value={text}
        maxLength={64}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          setLoading(true);
        }}
        onKeyDown={onKeyDown}
        data-autofocus
        data-testid="batch-picker-input"
      />
      <p className="muted small">
        <kbd>↑</kbd> <kbd>↓</kbd> 选择，<kbd>Enter</kbd> 选定，<kbd>Esc</kbd> 关闭。只列出有库存的批次。
      </p>
      <CallErrorMessage failure={failure} />
      <div className="picker-table-wrap">
        <table className="table table-dense picker-table" aria-busy={loading}>
          <thead>
            <tr>
              <th>名称 / 规格</th>
              <th>批号</th>
              <th>有效期至</th>
              <th className="num">库存</th>
              <th>供应商</th>
            </tr>
          </thead>
          <tbody ref={listRef}>
            {rows.map((b, i) => (
              <tr
                key={b.id}
                aria-selected={i === active}
                className={i === active ? 'row-clickable row-active' : 'row-clickable'}
                onClick={() => onPick(b)}
                onMouseEnter={() => setActive(i)}
                data-testid="batch-picker-row"
                data-batch-no={b.batchNo}
              >
                <td>
                  <strong>{b.productName}</strong> <span className="muted small">{b.spec ?? ''}</span>
                </td>
                <td className="mono">{b.batchNo}</td>
                <td>
                  <ExpiryText batch={b} />
                </td>
                <td className="num nowrap">{formatQty(b.qtyBase, b)}</td>
                <td className="cell-ellipsis">{b.supplier ?? '—'}</td>
              </tr>
            ))}
            {!loading && rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  {text.trim() ? `没有找到“${text.trim()}”的在库批次` : '没有在库批次'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </Modal>
  );
}

// ---- a document ------------------------------------------------------------------------------------------

function lineQty(l: DocView['lines'][number], kind: DocView['kind']): string {
  if (l.qtyBase === null) return '未盘';
  const q = formatQty(l.qtyBase, l);
  return kind === 'change' && l.qtyBase > 0 ? `+${q}` : q;
}

/** The lines of a posted document: for reading, and for printing. */
export function DocLinesTable({ doc }: { doc: DocView }) {
  const stocktake = doc.kind === 'stocktake';
  return (
    <table className="table table-dense doc-lines" data-testid="doc-lines">
      <thead>
        <tr>
          <th className="num">行</th>
          <th>商品</th>
          <th>规格</th>
          <th>批号</th>
          <th>生产日期</th>
          <th>有效期至</th>
          {stocktake ? <th className="num">账面</th> : null}
          <th className="num">{stocktake ? '实盘' : doc.kind === 'change' ? '变动' : '数量'}</th>
          {doc.kind === 'receiving' || doc.kind === 'purchase_return' ? <th className="num">进价</th> : null}
          <th className="num">追溯码</th>
        </tr>
      </thead>
      <tbody>
        {doc.lines.map((l, i) => (
          <tr key={l.id}>
            <td className="num">{i + 1}</td>
            <td>
              {l.productName}
              {l.gift ? <span className="badge badge-warn">赠品</span> : null}
              <div className="muted small mono">{l.productCode}</div>
            </td>
            <td className="small">{l.spec ?? '—'}</td>
            <td className="mono">{l.batchNo}</td>
            <td className="mono small">{l.mfgDate ?? '—'}</td>
            <td className="mono small">{l.expiryDate ?? '—'}</td>
            {stocktake ? <td className="num">{formatQty(l.bookQtyBase ?? 0, l)}</td> : null}
            <td className="num nowrap">{lineQty(l, doc.kind)}</td>
            {doc.kind === 'receiving' || doc.kind === 'purchase_return' ? (
              <td className="num">{formatFen(l.priceFen)}</td>
            ) : null}
            <td className="num" title={l.traceCodes.join('\n')}>
              {l.traceCodes.length}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DocHeader({ doc }: { doc: DocView }) {
  const items: [string, ReactNode][] = [
    [
      '单号',
      <span className="mono" data-testid="doc-no">
        {doc.docNo}
      </span>,
    ],
    ['状态', <DocStateBadge state={doc.state} />],
  ];
  if (doc.reasonLabel) items.push(['原因', doc.reasonLabel]);
  if (doc.supplier) items.push(['供应商', doc.supplier]);
  if (doc.supplierLicense) items.push(['许可证号', doc.supplierLicense]);
  if (doc.deliveryNo) items.push(['随货单号', doc.deliveryNo]);
  if (doc.invoiceCode) items.push(['发票代码', doc.invoiceCode]);
  if (doc.invoiceNo) items.push(['发票号', doc.invoiceNo]);
  if (doc.invdate) items.push(['盘点日期', doc.invdate]);
  items.push(['经办人', doc.operatorName]);
  if (doc.approvedByName) items.push(['审批人', doc.approvedByName]);
  items.push(['建单时间', formatDateTime(doc.createdAt)]);
  if (doc.postedAt) items.push(['过账时间', formatDateTime(doc.postedAt)]);
  if (doc.note) items.push(['备注', doc.note]);
  return (
    <dl className="doc-header">
      {items.map(([k, v]) => (
        <div key={k} className="doc-header-item">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A printable sheet (only the sheet is printed; the screen is hidden while printing). */
export function PrintableDoc({ doc, pharmacyName }: { doc: DocView; pharmacyName: string }) {
  return (
    <div className="print-area" aria-hidden="true">
      <h1>
        {pharmacyName} {doc.kindLabel}单
      </h1>
      <DocHeader doc={doc} />
      <DocLinesTable doc={doc} />
      <p className="print-sign">
        <span>经办人签字：__________</span>
        <span>验收人签字：__________</span>
        <span>日期：__________</span>
      </p>
    </div>
  );
}

export function printDoc(): void {
  window.print();
}

/** A document opened from a list: header, lines, upload state. */
export function DocDialog({ docId, onClose }: { docId: number; onClose: () => void }) {
  const [doc, setDoc] = useState<DocView | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  useEffect(() => {
    let live = true;
    getDoc(docId)
      .then((d) => {
        if (live) setDoc(d);
      })
      .catch((e: unknown) => {
        if (live) setFailure(toFailure(e));
      });
    return () => {
      live = false;
    };
  }, [docId]);

  return (
    <Modal title={doc ? `${doc.kindLabel}单 ${doc.docNo}` : '单据'} onClose={onClose} drawer testId="doc-dialog">
      <button type="button" className="btn btn-small drawer-close" onClick={onClose} data-autofocus>
        关闭（Esc）
      </button>
      <CallErrorMessage failure={failure} />
      {doc ? (
        <>
          <DocHeader doc={doc} />
          <p>
            医保上传：
            <DocUploads uploads={doc.uploads} />
          </p>
          <DocLinesTable doc={doc} />
        </>
      ) : failure ? null : (
        <p className="muted">正在读取…</p>
      )}
    </Modal>
  );
}

/** The recent documents of one kind under their title; one opens in a dialog. */
export function RecentDocsSection({
  kind,
  title,
  titleId,
  refresh,
  showSupplier,
  showReason,
  testId,
}: {
  kind: StockDocKind;
  title: string;
  /** the title's id, which names the section */
  titleId?: string;
  /** a 刷新 button by the title */
  refresh?: boolean;
  showSupplier?: boolean;
  showReason?: boolean;
  testId: string;
}) {
  const docs = useDocsStore((s) => s[kind]);
  const [openDoc, setOpenDoc] = useState<number | null>(null);
  return (
    <section className="recent-section" aria-labelledby={titleId}>
      <h3 id={titleId} className="section-title">
        {title}
        {refresh ? (
          <>
            {' '}
            <button type="button" className="btn btn-small" onClick={() => void loadDocs(kind)}>
              刷新
            </button>
          </>
        ) : null}
      </h3>
      <CallErrorMessage failure={docs.error} />
      <RecentDocs
        rows={docs.rows}
        loaded={docs.loaded}
        onOpen={setOpenDoc}
        showSupplier={showSupplier}
        showReason={showReason}
        testId={testId}
      />
      {openDoc !== null ? <DocDialog docId={openDoc} onClose={() => setOpenDoc(null)} /> : null}
    </section>
  );
}

/** A document form's toolbar: its title, the buttons that add lines (children), the F9 submit and 清空. */
export function DocToolbar({
  title,
  children,
  submitting,
  submitLabel,
  busyLabel,
  onSubmit,
  submitTestId,
  onClear,
  clearDisabled,
}: {
  title: string;
  children: ReactNode;
  submitting: boolean;
  submitLabel: string;
  busyLabel: string;
  onSubmit: () => void;
  submitTestId: string;
  onClear: () => void;
  /** when 清空 is off; while submitting when absent */
  clearDisabled?: boolean;
}) {
  return (
    <div className="panel-toolbar">
      <h2>{title}</h2>
      <div className="toolbar-actions">
        {children}
        <button
          type="button"
          className="btn btn-primary"
          disabled={submitting}
          onClick={onSubmit}
          data-testid={submitTestId}
        >
          {submitting ? busyLabel : submitLabel} <kbd>F9</kbd>
        </button>
        <button type="button" className="btn" disabled={clearDisabled ?? submitting} onClick={onClear}>
          清空
        </button>
      </div>
    </div>
  );
}

/** A posted document: the banner with its message and actions, its lines, the printable copy, then `children`. */
export function DocDonePanel({
  doc,
  testId,
  message,
  actions,
  children,
}: {
  doc: DocView;
  testId: string;
  message: ReactNode;
  actions: ReactNode;
  children?: ReactNode;
}) {
  const pharmacyName = useSessionStore((s) => s.status?.pharmacyName ?? '');
  return (
    <div className="panel">
      <div className="success-message receiving-done" role="status" data-testid={testId}>
        <div>{message}</div>
        <div className="done-actions">{actions}</div>
      </div>
      <DocLinesTable doc={doc} />
      <PrintableDoc doc={doc} pharmacyName={pharmacyName} />
      {children}
    </div>
  );
}

/** The recent documents of one kind: click or Enter opens one. */
export function RecentDocs({
  rows,
  loaded,
  onOpen,
  showSupplier,
  showReason,
  testId,
}: {
  rows: DocSummary[];
  loaded: boolean;
  onOpen: (id: number) => void;
  showSupplier?: boolean;
  showReason?: boolean;
  testId?: string;
}) {
  const cols = 6 + (showSupplier ? 1 : 0) + (showReason ? 1 : 0);
  return (
    <table className="table table-dense recent-docs" data-testid={testId}>
      <thead>
        <tr>
          <th className="col-docno">单号</th>
          <th className="col-time">时间</th>
          {showSupplier ? <th>供应商</th> : null}
          {showReason ? <th>原因</th> : null}
          <th className="num col-lines">行数</th>
          <th className="col-state">状态</th>
          <th>医保上传</th>
          <th className="col-op">经办人</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr
            key={d.id}
            tabIndex={0}
            className="row-clickable"
            onClick={() => onOpen(d.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                onOpen(d.id);
              }
            }}
            data-testid="recent-doc"
            data-doc-no={d.docNo}
          >
            <td className="mono">{d.docNo}</td>
            <td className="mono small">{formatDateTime(d.postedAt ?? d.createdAt)}</td>
            {showSupplier ? <td className="cell-ellipsis">{d.supplier ?? '—'}</td> : null}
            {showReason ? <td>{d.reasonLabel ?? '—'}</td> : null}
            <td className="num">{d.lineCount}</td>
            <td>
              <DocStateBadge state={d.state} />
            </td>
            <td>
              <DocUploads uploads={d.uploads} />
            </td>
            <td>{d.operatorName}</td>
          </tr>
        ))}
        {loaded && rows.length === 0 ? (
          <tr>
            <td colSpan={cols} className="muted">
              还没有单据
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

// ---- keys ------------------------------------------------------------------------------------------------

/**
 * F-keys of a panel (F6 添加, F9 提交 …) wherever the focus is in it; not while a dialog is open (the dialog
 * has its own keys). F1–F5 stay the main layout's.
 */
export function usePanelKeys(keys: Partial<Record<'F6' | 'F7' | 'F8' | 'F9' | 'F10', () => void>>): void {
  const ref = useRef(keys);
  useEffect(() => {
    ref.current = keys;
  });
  useEffect(() => {
    function onKey(e: globalThis.KeyboardEvent) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      if (document.querySelector('dialog[open]')) return;
      const action = ref.current[e.key as keyof typeof keys];
      if (!action) return;
      e.preventDefault();
      action();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Enter in a field moves to the next field of the same container, as a receiver works down a delivery note. */
export function enterMovesOn(e: KeyboardEvent<HTMLElement>): void {
  if (e.key !== 'Enter' || e.nativeEvent.isComposing || e.ctrlKey || e.altKey) return;
  const t = e.target;
  if (!(t instanceof HTMLInputElement) && !(t instanceof HTMLSelectElement)) return;
  const all = [
    ...e.currentTarget.querySelectorAll<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea'),
  ].filter((el) => !(el instanceof HTMLInputElement && el.readOnly));
  const next = all[all.indexOf(t) + 1];
  if (next) {
    e.preventDefault();
    next.focus();
  }
}

/**
 * Puts the focus on a field of a line once it is on screen and the picker that added it has closed (the line may
 * render a moment after the pick, and a closing dialog hands the focus back to where it was). `field` is the
 * input's data-field; without it (or when it is not there) the line's first field.
 */
export function focusLine(container: HTMLElement | null, key: number, field?: string, first = 'input, textarea'): void {
  const scope = (sel: string) =>
    sel
      .split(',')
      .map((part) => `[data-line-key="${key}"] ${part.trim()}`)
      .join(', ');
  let tries = 0;
  const attempt = () => {
    const el =
      (field ? container?.querySelector<HTMLElement>(scope(`[data-field="${field}"]`)) : null) ??
      container?.querySelector<HTMLElement>(scope(first));
    if (el && !document.querySelector('dialog[open]')) {
      el.focus();
      el.scrollIntoView({ block: 'nearest' });
    } else if (++tries < 40) setTimeout(attempt, 25);
  };
  requestAnimationFrame(attempt);
}

/** The lines a refusal of the service names: line index → the field (e.g. expiryDate, traceCodes). */
export function failureLines(failure: Failure | null): Map<number, string> {
  const lines = new Map<number, string>();
  for (const f of failure?.fields ?? []) {
    const n = lineOfPath(f.path);
    if (n !== null && !lines.has(n - 1)) lines.set(n - 1, f.path.split('.')[2] ?? '');
  }
  return lines;
}

/** After a refusal: the focus goes to the field it names, the first one when it names several. */
export function useFocusProblem(
  container: { current: HTMLElement | null },
  problem: LocalProblem | null,
  failure: Failure | null,
  keyOfIndex: (index: number) => number | undefined,
): void {
  useEffect(() => {
    if (problem?.lineKey !== undefined) {
      focusLine(container.current, problem.lineKey, problem.field);
      return;
    }
    const first = [...failureLines(failure)][0];
    const key = first ? keyOfIndex(first[0]) : undefined;
    if (first && key !== undefined) focusLine(container.current, key, first[1]);
  }, [container, problem, failure, keyOfIndex]);
}
