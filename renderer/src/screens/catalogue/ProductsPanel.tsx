import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { MappingState, ProductDetail } from '../../../../app/shared/contract';
import { canUse } from '../../access';
import { CallErrorMessage } from '../../components/CallError';
import { FlagBadges, InsuranceBadges, MappingBadge, RxBadge } from '../../components/ProductBadges';
import { formatFen } from '../../format';
import { loadProducts, setProductFilters, useProductsStore } from '../../stores/products';
import { useSessionStore } from '../../stores/session';
import { ImportDialog } from './ImportDialog';
import { ProductDialog } from './ProductDialog';
import { MAPPING_STATES, MAPPING_STATE_LABELS } from './labels';
import { Pager } from '../../components/Pager';

type DialogState =
  { kind: 'none' } | { kind: 'create' } | { kind: 'edit'; product: ProductDetail } | { kind: 'import' };

export function ProductsPanel() {
  const rows = useProductsStore((s) => s.rows);
  const total = useProductsStore((s) => s.total);
  const page = useProductsStore((s) => s.page);
  const pageSize = useProductsStore((s) => s.pageSize);
  const filters = useProductsStore((s) => s.filters);
  const loading = useProductsStore((s) => s.loading);
  const loaded = useProductsStore((s) => s.loaded);
  const error = useProductsStore((s) => s.error);
  const roles = useSessionStore((s) => s.operator?.roles);
  const canEdit = canUse('products.save', roles);
  const canImport = canUse('products.import', roles);
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const [activeIndex, setActiveIndex] = useState(0);
  const tabStop = Math.min(activeIndex, rows.length - 1);

  useEffect(() => {
    void loadProducts();
  }, []);

  function search(e: FormEvent) {
    e.preventDefault();
    void loadProducts(0);
  }

  function focusRow(i: number) {
    const list = tbodyRef.current?.querySelectorAll<HTMLTableRowElement>('tr[data-row]');
    if (!list || list.length === 0) return;
    const index = Math.max(0, Math.min(list.length - 1, i));
    setActiveIndex(index);
    list[index]?.focus();
  }

  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, i: number, row: ProductDetail) {
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if ((e.key === 'Enter' || e.key === ' ') && canEdit) {
      e.preventDefault();
      setDialog({ kind: 'edit', product: row });
    }
  }

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>本店商品</h2>
        {canEdit || canImport ? (
          <div className="toolbar-actions">
            {canEdit ? (
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => setDialog({ kind: 'create' })}
                data-testid="product-create"
              >
                新增商品
              </button>
            ) : null}
            {canImport ? (
              <button
                type="button"
                className="btn"
                onClick={() => setDialog({ kind: 'import' })}
                data-testid="product-import"
              >
                导入…
              </button>
            ) : null}
          </div>
        ) : (
          <span className="muted">只有店长和管理员可以新增或修改商品</span>
        )}
      </div>
      <form className="filter-bar" onSubmit={search} aria-label="筛选本店商品">
        <label>
          检索
          <input
            type="search"
            className="input-product-q"
            placeholder="编码、条码、名称或拼音首字母"
            value={filters.q}
            maxLength={100}
            onChange={(e) => setProductFilters({ q: e.target.value })}
            data-testid="products-q"
            spellCheck={false}
          />
        </label>
        <label>
          对照状态
          <select
            value={filters.mapping}
            onChange={(e) => {
              setProductFilters({ mapping: e.target.value as MappingState | '' });
              void loadProducts(0);
            }}
            data-testid="products-mapping"
          >
            <option value="">全部</option>
            {MAPPING_STATES.map((m) => (
              <option key={m} value={m}>
                {MAPPING_STATE_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <div className="filter-actions">
          <button type="submit" className="btn btn-primary" data-testid="products-search">
            查询
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setProductFilters({ q: '', mapping: '' });
              void loadProducts(0);
            }}
          >
            清除条件
          </button>
        </div>
      </form>
      <CallErrorMessage failure={error} />
      {canEdit ? <p className="muted small table-hint">在列表中用 ↑ ↓ 选择一行，按 Enter 编辑。</p> : null}
      <table className="table table-dense products-table" data-testid="products-table" aria-busy={loading}>
        <thead>
          <tr>
            <th className="col-code">编码</th>
            <th>名称 / 规格</th>
            <th className="col-mfr">生产企业</th>
            <th className="col-price num">零售价</th>
            <th className="col-rx">处方 / 标识</th>
            <th className="col-ins">医保</th>
            <th className="col-map">对照</th>
            <th className="col-stock num">库存</th>
            {canEdit ? <th className="col-actions">操作</th> : null}
          </tr>
        </thead>
        <tbody ref={tbodyRef}>
          {rows.map((p, i) => (
            <tr
              key={p.id}
              data-row
              tabIndex={i === tabStop ? 0 : -1}
              className={[canEdit ? 'row-clickable' : '', p.active ? '' : 'row-inactive'].filter(Boolean).join(' ')}
              onKeyDown={(e) => onRowKey(e, i, p)}
              onFocus={() => setActiveIndex(i)}
              onDoubleClick={() => canEdit && setDialog({ kind: 'edit', product: p })}
              data-testid="product-row"
              data-code={p.code}
              data-product-id={p.id}
            >
              <td className="mono small cell-code" title={p.code}>
                {p.code}
              </td>
              <td className="cell-name">
                <div className="cell-ellipsis" title={p.genericName + (p.tradeName ? `（${p.tradeName}）` : '')}>
                  <strong>{p.genericName}</strong>
                  {p.tradeName && p.tradeName !== p.genericName ? (
                    <span className="muted">（{p.tradeName}）</span>
                  ) : null}
                  {!p.active ? <span className="badge badge-muted">停用</span> : null}
                </div>
                <div className="muted small cell-ellipsis" title={p.spec ?? undefined}>
                  {[p.spec, p.dosageForm].filter(Boolean).join(' · ') || '—'}
                </div>
              </td>
              <td className="col-mfr small cell-ellipsis" title={p.manufacturer ?? undefined}>
                {p.manufacturer ?? '—'}
              </td>
              <td className="num nowrap">
                {formatFen(p.retailPriceFen)}
                <span className="muted small">/{p.unit}</span>
              </td>
              <td className="cell-badges">
                <RxBadge rxClass={p.rxClass} />
                <FlagBadges flags={p.specialFlags} />
              </td>
              <td className="cell-badges">
                <InsuranceBadges facts={p.insurance} compact dashWhenNone />
              </td>
              <td>
                <MappingBadge state={p.mapping.state} message={p.mapping.centerMessage} />
              </td>
              <td className={p.stockQty <= 0 ? 'num col-stock muted' : 'num col-stock'}>{p.stockQty}</td>
              {canEdit ? (
                <td className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    tabIndex={-1}
                    onClick={() => setDialog({ kind: 'edit', product: p })}
                    data-testid="product-edit"
                  >
                    编辑
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={canEdit ? 9 : 8} className="muted">
                {filters.q || filters.mapping ? '没有符合条件的商品' : '还没有商品。可以新增，或从 Excel / CSV 导入。'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager
        page={page}
        pages={pages}
        total={total}
        unit="个商品"
        loading={loading}
        onPage={(p) => void loadProducts(p)}
        testId="products-page"
      />
      {dialog.kind === 'create' ? <ProductDialog onClose={() => setDialog({ kind: 'none' })} /> : null}
      {dialog.kind === 'edit' ? (
        <ProductDialog product={dialog.product} onClose={() => setDialog({ kind: 'none' })} />
      ) : null}
      {dialog.kind === 'import' ? <ImportDialog onClose={() => setDialog({ kind: 'none' })} /> : null}
    </div>
  );
}
