import { useEffect, useRef, useState } from 'react';
import { CHANGE_REASONS, formatQty, type ChangeReason } from '../../../../app/shared/inventory';
import { hasAnyRole } from '../../../../app/shared/roles';
import { fenToYuanText, formatFen, parseYuanToFen } from '../../format';
import {
  addChangeBatchLine,
  addChangeNewLine,
  INBOUND_REASONS,
  loadDocs,
  NEW_BATCH_REASONS,
  newChange,
  removeChangeLine,
  setChangeNote,
  setChangeReason,
  submitChange,
  updateChangeLine,
  useChangeStore,
  type ChangeLineDraft,
} from '../../stores/inventoryDocs';
import { useSessionStore } from '../../stores/session';
import { CHANGE_REASON_LABELS } from './labels';
import {
  BatchPickerDialog,
  DateInput,
  DocDonePanel,
  DocToolbar,
  enterMovesOn,
  ExpiryText,
  focusLine,
  failureLines,
  FormProblem,
  printDoc,
  ProductPickerDialog,
  QtyInput,
  RecentDocsSection,
  TraceCodesField,
  useFocusProblem,
  usePanelKeys,
} from './parts';

const changeKeyOfIndex = (i: number) => useChangeStore.getState().lines[i]?.key;

const OUT_REASONS = CHANGE_REASONS.filter((r) => r !== 'correction' && !INBOUND_REASONS.includes(r));

export function ChangePanel() {
  const reason = useChangeStore((s) => s.reason);
  const note = useChangeStore((s) => s.note);
  const lines = useChangeStore((s) => s.lines);
  const submitting = useChangeStore((s) => s.submitting);
  const failure = useChangeStore((s) => s.failure);
  const problem = useChangeStore((s) => s.problem);
  const done = useChangeStore((s) => s.done);
  const roles = useSessionStore((s) => s.operator?.roles);
  const mayCorrect = roles ? hasAnyRole(roles, ['manager', 'admin']) : false;
  const [picking, setPicking] = useState<'batch' | 'product' | null>(null);
  const linesRef = useRef<HTMLTableSectionElement>(null);
  const newBatchAllowed = reason !== '' && NEW_BATCH_REASONS.includes(reason);
  const inbound = reason !== '' && INBOUND_REASONS.includes(reason);

  useEffect(() => {
    void loadDocs('change');
  }, []);

  useFocusProblem(linesRef, problem, failure, changeKeyOfIndex);
  const badLines = failureLines(failure);

  usePanelKeys({
    F6: () => {
      if (!useChangeStore.getState().done) setPicking('batch');
    },
    F7: () => {
      if (!useChangeStore.getState().done && newBatchAllowed) setPicking('product');
    },
    F9: () => {
      if (!useChangeStore.getState().done) void submitChange();
    },
  });

  const recent = <RecentDocsSection kind="change" title="最近的库存变动单" showReason testId="change-docs" />;

  if (done) {
    return (
      <DocDonePanel
        doc={done}
        testId="change-done"
        message={
          <>
            {done.reasonLabel ?? '库存变动'}已过账：单号 <strong className="mono">{done.docNo}</strong>，共{' '}
            {done.lines.length} 行。
          </>
        }
        actions={
          <>
            <button type="button" className="btn" onClick={printDoc}>
              打印
            </button>
            <button type="button" className="btn btn-primary" onClick={newChange} autoFocus data-testid="change-new">
              新建变动单
            </button>
          </>
        }
      >
        {recent}
      </DocDonePanel>
    );
  }

  return (
    <div className="panel">
      <DocToolbar
        title="库存变动"
        submitting={submitting}
        submitLabel="过账"
        busyLabel="正在过账…"
        onSubmit={() => void submitChange()}
        submitTestId="change-submit"
        onClear={newChange}
      >
        <button
          type="button"
          className="btn"
          onClick={() => setPicking('batch')}
          disabled={!reason}
          data-testid="change-add-batch"
        >
          选择批次 <kbd>F6</kbd>
        </button>
        {newBatchAllowed ? (
          <button type="button" className="btn" onClick={() => setPicking('product')} data-testid="change-add-new">
            新批次 <kbd>F7</kbd>
          </button>
        ) : null}
      </DocToolbar>
      <div className="change-head" onKeyDown={enterMovesOn}>
        <label className="inline-field">
          <span>变动原因 *</span>
          <select
            value={reason}
            onChange={(e) => setChangeReason(e.target.value as ChangeReason | '')}
            autoFocus
            data-testid="change-reason"
          >
            <option value="">请选择…</option>
            <optgroup label="出库（减少库存）">
              {OUT_REASONS.map((r) => (
                <option key={r} value={r}>
                  {CHANGE_REASON_LABELS[r]}
                </option>
              ))}
            </optgroup>
            <optgroup label="入库（增加库存）">
              {INBOUND_REASONS.map((r) => (
                <option key={r} value={r}>
                  {CHANGE_REASON_LABELS[r]}
                </option>
              ))}
            </optgroup>
            {mayCorrect ? (
              <optgroup label="更正">
                <option value="correction">{CHANGE_REASON_LABELS.correction}</option>
              </optgroup>
            ) : null}
          </select>
        </label>
        <label className="inline-field change-note">
          <span>备注{reason === 'correction' ? ' *' : ''}</span>
          <input
            value={note}
            maxLength={500}
            placeholder={reason === 'correction' ? '请说明更正的原因（记入审计日志）' : '如：破损、霉变、调往某门店'}
            onChange={(e) => setChangeNote(e.target.value)}
            data-testid="change-note"
          />
        </label>
      </div>
      {reason ? (
        <p className="muted small table-hint">
          {reason === 'correction'
            ? '库存更正：按实际纠正错误的库存数量，选择“增加”或“减少”。'
            : inbound
              ? `入库：数量为增加的数量。${newBatchAllowed ? '没有现成批次时按 F7 录入新批次。' : ''}`
              : '出库：数量为减少的数量，不能超过该批次的库存。'}
          报损、销毁的药品如有追溯码，请逐个扫入。
        </p>
      ) : (
        <p className="muted small table-hint">先选择变动原因，再按 F6 选择批次。</p>
      )}
      <div className="lines-scroll">
        <table className="table table-dense change-lines" data-testid="change-lines">
          <thead>
            <tr>
              <th className="col-no num">行</th>
              <th className="col-product">商品</th>
              <th className="col-batch">批号</th>
              <th className="col-date">生产日期</th>
              <th className="col-date">有效期至</th>
              <th className="col-qty num">在库</th>
              <th className="col-qty2">{reason === 'correction' ? '更正数量' : '变动数量'}</th>
              <th className="col-price">进价</th>
              <th className="col-trace">追溯码</th>
              <th className="col-remove" aria-label="删除" />
            </tr>
          </thead>
          <tbody ref={linesRef} onKeyDown={enterMovesOn}>
            {lines.map((l, i) => (
              <ChangeLineRow
                key={l.key}
                line={l}
                index={i}
                correction={reason === 'correction'}
                invalid={problem?.lineKey === l.key || badLines.has(i)}
              />
            ))}
            {lines.length === 0 ? (
              <tr>
                <td colSpan={10} className="muted empty-lines">
                  还没有明细。
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <FormProblem failure={failure} problem={problem} />
      {recent}
      {picking === 'batch' ? (
        <BatchPickerDialog
          onClose={() => setPicking(null)}
          onPick={(b) => {
            setPicking(null);
            const key = addChangeBatchLine(b);
            focusLine(linesRef.current, key, undefined, 'input, select');
          }}
        />
      ) : null}
      {picking === 'product' ? (
        <ProductPickerDialog
          onClose={() => setPicking(null)}
          onPick={(p) => {
            setPicking(null);
            const key = addChangeNewLine(p);
            focusLine(linesRef.current, key);
          }}
        />
      ) : null}
    </div>
  );
}

function ChangeLineRow({
  line: l,
  index: i,
  correction,
  invalid,
}: {
  line: ChangeLineDraft;
  index: number;
  correction: boolean;
  invalid: boolean;
}) {
  const n = i + 1;
  const split = l.kind === 'batch' ? l.batch : l.product;
  return (
    <tr data-line-key={l.key} className={invalid ? 'line-invalid' : undefined} data-testid="change-line">
      <td className="num">{n}</td>
      <td className="cell-product">
        <div className="cell-ellipsis">
          <strong>{l.kind === 'batch' ? l.batch.productName : l.product.name}</strong>
          {l.kind === 'new' ? <span className="badge badge-warn">新批次</span> : null}
        </div>
        <div className="muted small cell-ellipsis">
          {l.kind === 'batch'
            ? [l.batch.spec, l.batch.productCode].filter(Boolean).join(' · ')
            : [l.product.spec, l.product.code].filter(Boolean).join(' · ')}
        </div>
      </td>
      {l.kind === 'batch' ? (
        <>
          <td className="mono">{l.batch.batchNo}</td>
          <td className="mono small">{l.batch.mfgDate ?? '—'}</td>
          <td className="small">
            <ExpiryText batch={l.batch} />
          </td>
          <td className="num nowrap">{formatQty(l.batch.qtyBase, l.batch)}</td>
        </>
      ) : (
        <>
          <td>
            <input
              className="mono input-batchno"
              aria-label={`第 ${n} 行 批号`}
              value={l.batchNo}
              maxLength={30}
              autoComplete="off"
              onChange={(e) => updateChangeLine(l.key, { batchNo: e.target.value })}
              data-field="batchNo"
            />
          </td>
          <td>
            <DateInput
              label={`第 ${n} 行 生产日期`}
              value={l.mfgDate}
              onChange={(v) => updateChangeLine(l.key, { mfgDate: v })}
              field="mfgDate"
            />
          </td>
          <td>
            <DateInput
              label={`第 ${n} 行 有效期至`}
              value={l.expiryDate}
              onChange={(v) => updateChangeLine(l.key, { expiryDate: v })}
              field="expiryDate"
            />
          </td>
          <td className="num muted">—</td>
        </>
      )}
      <td className="nowrap">
        {correction && l.kind === 'batch' ? (
          <select
            className="input-sign"
            aria-label={`第 ${n} 行 增加或减少`}
            value={l.sign}
            onChange={(e) => updateChangeLine(l.key, { sign: Number(e.target.value) === -1 ? -1 : 1 })}
            data-testid="change-sign"
          >
            <option value={1}>增加</option>
            <option value={-1}>减少</option>
          </select>
        ) : null}
        <QtyInput
          split={split}
          packages={l.packages}
          pieces={l.pieces}
          label={`第 ${n} 行 数量`}
          onChange={(v) => updateChangeLine(l.key, v)}
          testId="change-qty"
        />
      </td>
      <td>
        {l.kind === 'batch' ? (
          <span className="num">{formatFen(l.batch.purchasePriceFen)}</span>
        ) : (
          <input
            className="input-price num"
            inputMode="decimal"
            aria-label={`第 ${n} 行 进价（元/${l.product.unit}）`}
            value={l.price}
            maxLength={12}
            onChange={(e) => updateChangeLine(l.key, { price: e.target.value })}
            onBlur={() => {
              const p = parseYuanToFen(l.price);
              if (p.ok && p.fen !== null) updateChangeLine(l.key, { price: fenToYuanText(p.fen) });
            }}
            data-field="priceFen"
          />
        )}
      </td>
      <td>
        <TraceCodesField
          value={l.traceText}
          onChange={(v) => updateChangeLine(l.key, { traceText: v })}
          expected={null}
          label={`第 ${n} 行 追溯码`}
        />
      </td>
      <td>
        <button
          type="button"
          className="btn btn-small"
          tabIndex={-1}
          onClick={() => removeChangeLine(l.key)}
          aria-label={`删除第 ${n} 行`}
        >
          删除
        </button>
      </td>
    </tr>
  );
}
