import { useEffect, useRef, useState } from 'react';
import { formatQty } from '../../../../app/shared/inventory';
import { Field } from '../../components/Field';
import {
  addReturnLine,
  loadDocs,
  newReturn,
  removeReturnLine,
  setReturnHeader,
  submitReturn,
  updateReturnLine,
  useReturnStore,
  type ReturnHeader,
} from '../../stores/inventoryDocs';
import {
  BatchPickerDialog,
  DocDonePanel,
  DocToolbar,
  enterMovesOn,
  ExpiryText,
  focusLine,
  failureLines,
  FormProblem,
  printDoc,
  RecentDocsSection,
  TraceCodesField,
  useFocusProblem,
  usePanelKeys,
} from './parts';
import { parseCount } from './util';

const returnKeyOfIndex = (i: number) => useReturnStore.getState().lines[i]?.key;

const HEADER_FIELDS: { key: keyof ReturnHeader; label: string; required?: boolean; max: number; help?: string }[] = [
  { key: 'supplier', label: '供应商', required: true, max: 200 },
  { key: 'supplierLicense', label: '许可证号', max: 50 },
  { key: 'invoiceNo', label: '采购发票号', required: true, max: 50, help: '医保上传（3504）要求填写' },
  { key: 'invoiceCode', label: '发票代码', max: 50 },
  { key: 'note', label: '备注', max: 500 },
];

export function PurchaseReturnPanel() {
  const header = useReturnStore((s) => s.header);
  const lines = useReturnStore((s) => s.lines);
  const submitting = useReturnStore((s) => s.submitting);
  const failure = useReturnStore((s) => s.failure);
  const problem = useReturnStore((s) => s.problem);
  const done = useReturnStore((s) => s.done);
  const [picking, setPicking] = useState(false);
  const linesRef = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    void loadDocs('purchase_return');
  }, []);

  useFocusProblem(linesRef, problem, failure, returnKeyOfIndex);
  const badLines = failureLines(failure);

  usePanelKeys({
    F6: () => {
      if (!useReturnStore.getState().done) setPicking(true);
    },
    F9: () => {
      if (!useReturnStore.getState().done) void submitReturn();
    },
  });

  const recent = <RecentDocsSection kind="purchase_return" title="最近的退货单" showSupplier testId="return-docs" />;

  if (done) {
    return (
      <DocDonePanel
        doc={done}
        testId="return-done"
        message={
          <>
            退货已出库：单号 <strong className="mono">{done.docNo}</strong>，共 {done.lines.length} 行。
          </>
        }
        actions={
          <>
            <button type="button" className="btn" onClick={printDoc} autoFocus>
              打印退货单
            </button>
            <button type="button" className="btn btn-primary" onClick={newReturn}>
              新建退货单
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
        title="采购退货"
        submitting={submitting}
        submitLabel="退货出库"
        busyLabel="正在退货…"
        onSubmit={() => void submitReturn()}
        submitTestId="return-submit"
        onClear={newReturn}
      >
        <button type="button" className="btn" onClick={() => setPicking(true)} data-testid="return-add">
          选择批次 <kbd>F6</kbd>
        </button>
      </DocToolbar>
      <div className="form-grid doc-head-grid" onKeyDown={enterMovesOn}>
        {HEADER_FIELDS.map((f) => (
          <Field key={f.key} label={f.required ? `${f.label} *` : f.label} help={f.help}>
            {(ids) => (
              <input
                id={ids.id}
                aria-describedby={ids.describedBy}
                value={header[f.key]}
                maxLength={f.max}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setReturnHeader({ [f.key]: e.target.value })}
                data-testid={`return-${f.key}`}
              />
            )}
          </Field>
        ))}
      </div>
      <div className="lines-scroll">
        <table className="table table-dense return-lines" data-testid="return-lines">
          <thead>
            <tr>
              <th className="col-no num">行</th>
              <th className="col-product">商品</th>
              <th className="col-batch">批号</th>
              <th className="col-date">有效期至</th>
              <th className="col-qty num">在库</th>
              <th className="col-qty2">退货数量</th>
              <th className="col-trace">追溯码</th>
              <th className="col-remove" aria-label="删除" />
            </tr>
          </thead>
          <tbody ref={linesRef} onKeyDown={enterMovesOn}>
            {lines.map((l, i) => {
              const n = parseCount(l.packages);
              return (
                <tr
                  key={l.key}
                  data-line-key={l.key}
                  className={problem?.lineKey === l.key || badLines.has(i) ? 'line-invalid' : undefined}
                  data-testid="return-line"
                >
                  <td className="num">{i + 1}</td>
                  <td className="cell-product">
                    <div className="cell-ellipsis">
                      <strong>{l.batch.productName}</strong>
                    </div>
                    <div className="muted small cell-ellipsis">
                      {[l.batch.spec, l.batch.productCode, l.batch.supplier].filter(Boolean).join(' · ')}
                    </div>
                  </td>
                  <td className="mono">{l.batch.batchNo}</td>
                  <td className="small">
                    <ExpiryText batch={l.batch} />
                  </td>
                  <td className="num nowrap">{formatQty(l.batch.qtyBase, l.batch)}</td>
                  <td className="nowrap">
                    <input
                      className="input-qty num"
                      inputMode="numeric"
                      aria-label={`第 ${i + 1} 行 退货数量（${l.batch.unit}）`}
                      value={l.packages}
                      maxLength={7}
                      autoComplete="off"
                      onChange={(e) => updateReturnLine(l.key, { packages: e.target.value })}
                      data-field="packages"
                      data-testid="return-packages"
                    />
                    <span className="qty-unit">{l.batch.unit}</span>
                  </td>
                  <td>
                    <TraceCodesField
                      value={l.traceText}
                      onChange={(v) => updateReturnLine(l.key, { traceText: v })}
                      expected={n.ok ? n.value : null}
                      label={`第 ${i + 1} 行 追溯码`}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      tabIndex={-1}
                      onClick={() => removeReturnLine(l.key)}
                      aria-label={`删除第 ${i + 1} 行`}
                    >
                      删除
                    </button>
                  </td>
                </tr>
              );
            })}
            {lines.length === 0 ? (
              <tr>
                <td colSpan={8} className="muted empty-lines">
                  按 <kbd>F6</kbd> 选择要退回供应商的批次。退货按整{'件/盒'}计。
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <FormProblem failure={failure} problem={problem} />
      {recent}
      {picking ? (
        <BatchPickerDialog
          title="选择退货批次"
          onClose={() => setPicking(false)}
          onPick={(b) => {
            setPicking(false);
            const key = addReturnLine(b);
            focusLine(linesRef.current, key);
          }}
        />
      ) : null}
    </div>
  );
}
