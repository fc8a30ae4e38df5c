import { useEffect, useRef } from 'react';
import type { SaleLineView, SaleView } from '../../../../app/shared/counter';
import { FlagBadges, InsuranceClassBadge, RxBadge } from '../../components/ProductBadges';
import { formatFen } from '../../format';

interface CartTableProps {
  sale: SaleView;
  selectedLineId: number | null;
  onSelect: (lineId: number) => void;
  onQuantity: (line: SaleLineView) => void;
  onBatch: (line: SaleLineView) => void;
  onTrace: (line: SaleLineView) => void;
  onRemove: (line: SaleLineView) => void;
}

function TraceCell({ line, required }: { line: SaleLineView; required: boolean }) {
  const { min, max } = line.traceNeeded;
  if (max === 0) return <span className="muted">—</span>;
  const have = line.traceCodes.length;
  const missing = required && have < min;
  return (
    <span
      className={missing ? 'trace-count trace-missing' : have >= min ? 'trace-count trace-done' : 'trace-count'}
      title={line.traceCodes.map((t) => t.code).join('\n') || '还没有扫追溯码'}
      data-testid="trace-count"
    >
      <span className="trace-word">追溯码 </span>
      {have}/{min}
    </span>
  );
}

/** The cart: one row per line (a line per batch), the selected one marked; ↑↓ move it. */
export function CartTable(props: CartTableProps) {
  const { sale, selectedLineId } = props;
  // the main process says which lines still block the sale for want of codes
  const traceMissing = (l: SaleLineView) => sale.traceRequired && l.traceCodes.length < l.traceNeeded.min;
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const editable = sale.state === 'open' || sale.state === 'presettled';

  useEffect(() => {
    bodyRef.current?.querySelector('tr.selected')?.scrollIntoView({ block: 'nearest' });
  }, [selectedLineId, sale.lines.length]);

  if (sale.lines.length === 0) {
    return (
      <div className="cart-empty" data-testid="cart-empty">
        <p>扫描商品条码开始收银</p>
        <p className="muted">
          扫商品条码加入购物车，再扫每盒药的追溯码；输入名称或拼音首字母（如 <kbd>wsc</kbd>）查找商品。
        </p>
      </div>
    );
  }

  return (
    <div className="cart-wrap">
      <table className="table cart-table" data-testid="cart">
        <colgroup>
          <col className="col-no" />
          <col className="col-name" />
          <col className="col-batch" />
          <col className="col-qty" />
          <col className="col-price c-price" />
          <col className="col-amount" />
          <col className="col-class" />
          <col className="col-trace" />
          <col className="col-remove" />
        </colgroup>
        <thead>
          <tr>
            <th>#</th>
            <th>商品</th>
            <th>批号 / 有效期</th>
            <th className="num">数量</th>
            <th className="num c-price">单价</th>
            <th className="num">金额</th>
            <th title="医保类别：甲 / 乙 / 丙">类</th>
            <th>追溯码</th>
            <th aria-label="删除" />
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {sale.lines.map((l, i) => {
            const selected = l.id === selectedLineId;
            return (
              <tr
                key={l.id}
                className={selected ? 'selected' : undefined}
                onClick={() => props.onSelect(l.id)}
                aria-selected={selected}
                data-testid="cart-line"
                data-line-id={l.id}
                data-code={l.code}
              >
                <td className="num muted">{i + 1}</td>
                <td className="cart-name-cell">
                  <div className="cart-name" title={l.name} data-testid="line-name">
                    {l.name}
                  </div>
                  <div className="cart-sub">
                    {l.rxClass === 'rx' ? <RxBadge rxClass={l.rxClass} /> : null}
                    <FlagBadges flags={l.specialFlags} />
                    {!l.insurable ? <span className="badge badge-muted">非医保</span> : null}
                    <span className="muted" title={[l.spec, l.manufacturer].filter(Boolean).join(' · ')}>
                      {l.spec ?? ''}
                      {l.split ? '（拆零）' : ''}
                    </span>
                  </div>
                </td>
                <td>
                  {l.batch ? (
                    <button
                      type="button"
                      className={l.batch.nearExpiry ? 'link-cell near-expiry' : 'link-cell'}
                      onClick={() => editable && props.onBatch(l)}
                      title={l.batch.override ? '手工指定的批次（Alt+B 换批次）' : '按效期先出分配（Alt+B 换批次）'}
                      tabIndex={-1}
                      data-testid="line-batch"
                      data-near-expiry={l.batch.nearExpiry}
                    >
                      <span className="mono">{l.batch.batchNo}</span>
                      {l.batch.override ? <span className="badge badge-muted">指定</span> : null}
                      <br />
                      <span className="small">
                        {l.batch.expiryDate}
                        {l.batch.nearExpiry ? ' 近效期' : ''}
                      </span>
                    </button>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="num">
                  <button
                    type="button"
                    className="link-cell qty-cell"
                    onClick={() => editable && props.onQuantity(l)}
                    tabIndex={-1}
                    title="* 修改数量，+ / − 加减"
                    data-testid="line-qty"
                  >
                    {l.qty}
                    <span className="small muted">{l.unit}</span>
                  </button>
                </td>
                <td className="num c-price">{formatFen(l.unitPriceFen)}</td>
                <td className="num strong" data-testid="line-amount">
                  {formatFen(l.amountFen)}
                </td>
                <td className="center">
                  {l.insuranceClass ? (
                    <InsuranceClassBadge level={l.insuranceClass} />
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className="link-cell"
                    onClick={() => editable && props.onTrace(l)}
                    tabIndex={-1}
                  >
                    <TraceCell line={l} required={traceMissing(l)} />
                  </button>
                </td>
                <td className="center">
                  {editable ? (
                    <button
                      type="button"
                      className="btn btn-small remove-line"
                      aria-label={`删除 ${l.name}`}
                      title="删除这一行（Delete）"
                      tabIndex={-1}
                      onClick={(e) => {
                        e.stopPropagation();
                        props.onRemove(l);
                      }}
                    >
                      ✕
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
