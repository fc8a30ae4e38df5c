import { useEffect, useRef, useState } from 'react';
import { Field } from '../../components/Field';
import { fenToYuanText, parseYuanToFen } from '../../format';
import {
  addReceivingLine,
  loadDocs,
  newReceiving,
  removeReceivingLine,
  setReceivingHeader,
  submitReceiving,
  updateReceivingLine,
  useReceivingStore,
  type ReceivingHeader,
} from '../../stores/inventoryDocs';
import {
  DateInput,
  DocDonePanel,
  DocToolbar,
  enterMovesOn,
  focusLine,
  failureLines,
  FormProblem,
  printDoc,
  ProductPickerDialog,
  RecentDocsSection,
  TraceCodesField,
  useFocusProblem,
  usePanelKeys,
} from './parts';
import { parseCount } from './util';

const receivingKeyOfIndex = (i: number) => useReceivingStore.getState().lines[i]?.key;

const HEADER_FIELDS: { key: keyof ReceivingHeader; label: string; required?: boolean; max: number; wide?: boolean }[] =
  [
    { key: 'supplier', label: '供应商', required: true, max: 200 },
    { key: 'supplierLicense', label: '许可证号', max: 50 },
    { key: 'deliveryNo', label: '随货单号', max: 50 },
    { key: 'invoiceCode', label: '发票代码', max: 50 },
    { key: 'invoiceNo', label: '发票号', max: 50 },
    { key: 'note', label: '备注', max: 500 },
  ];

export function ReceivingPanel() {
  const header = useReceivingStore((s) => s.header);
  const lines = useReceivingStore((s) => s.lines);
  const submitting = useReceivingStore((s) => s.submitting);
  const failure = useReceivingStore((s) => s.failure);
  const problem = useReceivingStore((s) => s.problem);
  const done = useReceivingStore((s) => s.done);
  const [picking, setPicking] = useState(false);
  const linesRef = useRef<HTMLTableSectionElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void loadDocs('receiving');
  }, []);

  // a refusal that names a line: the focus goes to that field
  useFocusProblem(linesRef, problem, failure, receivingKeyOfIndex);
  useEffect(() => {
    if (problem?.lineKey === undefined && (problem || failure)) errorRef.current?.scrollIntoView({ block: 'nearest' });
  }, [problem, failure]);
  const badLines = failureLines(failure);

  async function submit() {
    const ok = await submitReceiving();
    if (ok) requestAnimationFrame(() => document.getElementById('receiving-print')?.focus());
  }

  usePanelKeys({
    F6: () => {
      if (!useReceivingStore.getState().done) setPicking(true);
    },
    F9: () => {
      if (!useReceivingStore.getState().done) void submit();
    },
  });

  const recent = (
    <RecentDocsSection
      kind="receiving"
      title="最近的入库单"
      titleId="receiving-recent-title"
      refresh
      showSupplier
      testId="receiving-docs"
    />
  );

  if (done) {
    return (
      <DocDonePanel
        doc={done}
        testId="receiving-done"
        message={
          <>
            入库成功：单号{' '}
            <strong className="mono" data-testid="receiving-doc-no">
              {done.docNo}
            </strong>
            ，共 {done.lines.length} 行。库存已增加，医保进销存数据已排队上传。
          </>
        }
        actions={
          <>
            <button id="receiving-print" type="button" className="btn" onClick={printDoc} data-testid="receiving-print">
              打印入库单
            </button>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                newReceiving();
                requestAnimationFrame(() =>
                  document.querySelector<HTMLElement>('[data-testid="receiving-supplier"]')?.focus(),
                );
              }}
              data-testid="receiving-new"
            >
              新建入库单
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
        title="采购入库"
        submitting={submitting}
        submitLabel="验收入库"
        busyLabel="正在入库…"
        onSubmit={() => void submit()}
        submitTestId="receiving-submit"
        onClear={newReceiving}
        clearDisabled={submitting || (lines.length === 0 && !header.supplier)}
      >
        <button type="button" className="btn" onClick={() => setPicking(true)} data-testid="receiving-add">
          添加商品 <kbd>F6</kbd>
        </button>
      </DocToolbar>
      <div className="form-grid doc-head-grid" onKeyDown={enterMovesOn}>
        {HEADER_FIELDS.map((f) => (
          <Field key={f.key} label={f.required ? `${f.label} *` : f.label}>
            {(ids) => (
              <input
                id={ids.id}
                aria-describedby={ids.describedBy}
                value={header[f.key]}
                maxLength={f.max}
                autoComplete="off"
                spellCheck={false}
                autoFocus={f.key === 'supplier' && lines.length === 0}
                onChange={(e) => setReceivingHeader({ [f.key]: e.target.value })}
                data-testid={`receiving-${f.key}`}
              />
            )}
          </Field>
        ))}
      </div>
      <p className="muted small table-hint">
        <kbd>F6</kbd> 添加商品（扫码或检索），每行填批号、生产日期、有效期至、数量（整
        {lines[0]?.product.unit ?? '件/盒'}）和进价； 追溯码逐个扫入，每行一个。<kbd>Enter</kbd> 到下一格，<kbd>F9</kbd>{' '}
        验收入库。
      </p>
      <div className="lines-scroll">
        <table className="table table-dense receiving-lines" data-testid="receiving-lines">
          <thead>
            <tr>
              <th className="col-no num">行</th>
              <th className="col-product">商品</th>
              <th className="col-batch">批号</th>
              <th className="col-date">生产日期</th>
              <th className="col-date">有效期至</th>
              <th className="col-qty">数量</th>
              <th className="col-price">进价（元）</th>
              <th className="col-gift">赠品</th>
              <th className="col-trace">追溯码</th>
              <th className="col-remove" aria-label="删除" />
            </tr>
          </thead>
          <tbody ref={linesRef} onKeyDown={enterMovesOn}>
            {lines.map((l, i) => {
              const packages = parseCount(l.packages);
              const expected = packages.ok ? packages.value : null;
              return (
                <tr
                  key={l.key}
                  data-line-key={l.key}
                  className={problem?.lineKey === l.key || badLines.has(i) ? 'line-invalid' : undefined}
                  data-testid="receiving-line"
                >
                  <td className="num">{i + 1}</td>
                  <td className="cell-product">
                    <div className="cell-ellipsis" title={l.product.name}>
                      <strong>{l.product.name}</strong>
                    </div>
                    <div className="muted small cell-ellipsis">
                      {[l.product.spec, l.product.code].filter(Boolean).join(' · ')}
                    </div>
                  </td>
                  <td>
                    <input
                      className="mono input-batchno"
                      aria-label={`第 ${i + 1} 行 批号`}
                      value={l.batchNo}
                      maxLength={30}
                      autoComplete="off"
                      spellCheck={false}
                      onChange={(e) => updateReceivingLine(l.key, { batchNo: e.target.value })}
                      data-field="batchNo"
                      data-testid="line-batch-no"
                    />
                  </td>
                  <td>
                    <DateInput
                      label={`第 ${i + 1} 行 生产日期`}
                      value={l.mfgDate}
                      onChange={(v) => updateReceivingLine(l.key, { mfgDate: v })}
                      field="mfgDate"
                      testId="line-mfg-date"
                    />
                  </td>
                  <td>
                    <DateInput
                      label={`第 ${i + 1} 行 有效期至`}
                      value={l.expiryDate}
                      onChange={(v) => updateReceivingLine(l.key, { expiryDate: v })}
                      field="expiryDate"
                      testId="line-expiry-date"
                    />
                  </td>
                  <td className="nowrap">
                    <input
                      className="input-qty num"
                      inputMode="numeric"
                      aria-label={`第 ${i + 1} 行 数量（${l.product.unit}）`}
                      value={l.packages}
                      maxLength={7}
                      autoComplete="off"
                      onChange={(e) => updateReceivingLine(l.key, { packages: e.target.value })}
                      data-field="packages"
                      data-testid="line-packages"
                    />
                    <span className="qty-unit">{l.product.unit}</span>
                  </td>
                  <td>
                    <input
                      className="input-price num"
                      inputMode="decimal"
                      aria-label={`第 ${i + 1} 行 进价（元/${l.product.unit}）`}
                      value={l.price}
                      maxLength={12}
                      autoComplete="off"
                      onChange={(e) => updateReceivingLine(l.key, { price: e.target.value })}
                      onBlur={() => {
                        const p = parseYuanToFen(l.price);
                        if (p.ok && p.fen !== null) updateReceivingLine(l.key, { price: fenToYuanText(p.fen) });
                      }}
                      data-field="priceFen"
                      data-testid="line-price"
                    />
                  </td>
                  <td className="cell-gift">
                    <input
                      type="checkbox"
                      aria-label={`第 ${i + 1} 行 赠品`}
                      checked={l.gift}
                      onChange={(e) => updateReceivingLine(l.key, { gift: e.target.checked })}
                      data-field="gift"
                      data-testid="line-gift"
                    />
                  </td>
                  <td>
                    <TraceCodesField
                      value={l.traceText}
                      onChange={(v) => updateReceivingLine(l.key, { traceText: v })}
                      expected={expected}
                      label={`第 ${i + 1} 行 追溯码`}
                      testId="line-trace"
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small"
                      tabIndex={-1}
                      aria-label={`删除第 ${i + 1} 行`}
                      onClick={() => removeReceivingLine(l.key)}
                      data-testid="line-remove"
                    >
                      删除
                    </button>
                  </td>
                </tr>
              );
            })}
            {lines.length === 0 ? (
              <tr>
                <td colSpan={10} className="muted empty-lines">
                  还没有商品。按 <kbd>F6</kbd> 或点“添加商品”，扫描商品条码或输入名称、拼音首字母。
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div ref={errorRef}>
        <FormProblem failure={failure} problem={problem} />
      </div>
      {recent}
      {picking ? (
        <ProductPickerDialog
          onClose={() => setPicking(false)}
          onPick={(p) => {
            setPicking(false);
            const key = addReceivingLine(p);
            focusLine(linesRef.current, key);
          }}
        />
      ) : null}
    </div>
  );
}
