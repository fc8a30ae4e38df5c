import type { ProductDetail } from '../../../../app/shared/contract';
import { FlagBadges, InsuranceBadges, MappingBadge, RxBadge } from '../../components/ProductBadges';
import { formatDateTime, formatFen } from '../../format';
import { RX_LABELS, catalogueName } from './labels';

function selfpayText(prop: string | null): string {
  if (prop === null || prop === '') return '—';
  const n = Number(prop);
  if (!Number.isFinite(n)) return prop;
  // "0.10" → 10%; integer arithmetic on the digits keeps 0.0500 from becoming 5.000000001%
  const pct = Math.round(n * 10000) / 100;
  return `${pct}%`;
}

/** Everything the counter and the back office know about one product, for reading. */
export function ProductDetails({ product }: { product: ProductDetail }) {
  const p = product;
  const ins = p.insurance;
  return (
    <div className="product-details" data-testid="product-details" data-product-id={p.id}>
      <h3 className="product-title">
        {p.genericName}
        {p.tradeName && p.tradeName !== p.genericName ? <span className="hit-trade">（{p.tradeName}）</span> : null}
        {!p.active ? <span className="badge badge-muted">已停用</span> : null}
      </h3>
      <div className="product-badges">
        <InsuranceBadges facts={ins} />
        <RxBadge rxClass={p.rxClass} />
        <FlagBadges flags={p.specialFlags} />
      </div>
      <div className="product-price">
        <span className="price-big" data-testid="product-price">
          {formatFen(p.retailPriceFen)}
        </span>
        <span className="muted">/{p.unit}</span>
        {p.memberPriceFen !== null ? <span className="price-member">会员价 {formatFen(p.memberPriceFen)}</span> : null}
      </div>
      {p.splitUnit && p.splitFactor ? (
        <p className="small">
          拆零：1{p.unit} = {p.splitFactor}
          {p.splitUnit}
          {p.splitPriceFen !== null ? `，${formatFen(p.splitPriceFen)}/${p.splitUnit}` : ''}
        </p>
      ) : null}
      <dl className="info-list details-list compact-list">
        <dt>商品编码</dt>
        <dd className="mono">{p.code}</dd>
        <dt>条码</dt>
        <dd className="mono">{p.barcodes.length > 0 ? p.barcodes.join('、') : '—'}</dd>
        <dt>规格</dt>
        <dd>{p.spec ?? '—'}</dd>
        <dt>剂型</dt>
        <dd>{p.dosageForm ?? '—'}</dd>
        <dt>生产企业</dt>
        <dd>{p.manufacturer ?? '—'}</dd>
        <dt>批准文号</dt>
        <dd className="mono">{p.aprvno ?? '—'}</dd>
        <dt>处方分类</dt>
        <dd>{RX_LABELS[p.rxClass]}</dd>
        <dt>库存</dt>
        <dd className={p.stockQty <= 0 ? 'text-warn' : undefined}>
          {p.stockQty}
          {p.unit}
        </dd>
        {p.storage ? (
          <>
            <dt>储存条件</dt>
            <dd>{p.storage}</dd>
          </>
        ) : null}
        {p.category ? (
          <>
            <dt>分类</dt>
            <dd>{p.category}</dd>
          </>
        ) : null}
      </dl>
      <h4 className="details-heading">医保</h4>
      <dl className="info-list details-list compact-list">
        <dt>医保类别</dt>
        <dd>{ins.chrgitmLv ? `${ins.chrgitmLv}类` : '—'}</dd>
        <dt>限价</dt>
        <dd>{ins.priceLimitFen !== null ? formatFen(ins.priceLimitFen) : '无'}</dd>
        <dt>先自付比例</dt>
        <dd>{selfpayText(ins.selfpayProp)}</dd>
        <dt>本店医保项目</dt>
        <dd className={ins.isInsuranceItem ? undefined : 'text-danger'}>{ins.isInsuranceItem ? '是' : '否'}</dd>
        <dt>国家编码</dt>
        <dd className="mono small">{p.mapping.natCode ?? p.natCode ?? ins.natCode ?? '—'}</dd>
        <dt>对照</dt>
        <dd>
          <MappingBadge state={p.mapping.state} message={p.mapping.centerMessage} />
          {p.mapping.catalogue ? <span className="muted small"> {catalogueName(p.mapping.catalogue)}</span> : null}
          {p.mapping.updatedAt ? <div className="muted small">{formatDateTime(p.mapping.updatedAt)}</div> : null}
          {p.mapping.centerMessage ? (
            <div className={p.mapping.state === 'failed' ? 'cell-err small' : 'small'}>
              医保中心：{p.mapping.centerMessage}
            </div>
          ) : null}
        </dd>
      </dl>
    </div>
  );
}
