import { useState } from 'react';
import type { ProductDetail, ProductHit } from '../../../../app/shared/contract';
import { canUse } from '../../access';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { ProductSearch } from '../../components/ProductSearch';
import { openMapping } from '../../stores/mapping';
import { openCatalogTab } from '../../stores/navigation';
import { catalogueSearch } from '../../stores/productSearch';
import { getProduct } from '../../stores/products';
import { useSessionStore } from '../../stores/session';
import { ProductDetails } from './ProductDetails';
import { ProductDialog } from './ProductDialog';

type Picked =
  | { kind: 'none' }
  | { kind: 'loading'; hit: ProductHit }
  | { kind: 'ready'; product: ProductDetail }
  | { kind: 'failed'; hit: ProductHit; failure: Failure };

let pickSeq = 0;

export function SearchPanel() {
  const roles = useSessionStore((s) => s.operator?.roles);
  const [picked, setPicked] = useState<Picked>({ kind: 'none' });
  const [editing, setEditing] = useState<ProductDetail | null>(null);
  const canEdit = canUse('products.save', roles);
  const canMap = canUse('mapping.candidates', roles);

  async function pick(hit: ProductHit) {
    const seq = ++pickSeq;
    setPicked({ kind: 'loading', hit });
    try {
      const product = await getProduct(hit.id);
      if (seq === pickSeq) setPicked({ kind: 'ready', product });
    } catch (e) {
      if (seq === pickSeq) setPicked({ kind: 'failed', hit, failure: toFailure(e) });
    }
  }

  const pickedId = picked.kind === 'ready' ? picked.product.id : picked.kind === 'none' ? null : picked.hit.id;

  return (
    <div className="search-layout">
      <ProductSearch
        search={catalogueSearch}
        onPick={(h) => void pick(h)}
        pickedId={pickedId}
        autoFocus
        captureTyping
      />
      <aside className="product-pane" aria-label="商品详情" data-testid="product-pane">
        {picked.kind === 'none' ? (
          <p className="muted">按 Enter 或点击一行，在这里查看商品的全部信息和医保对照。</p>
        ) : null}
        {picked.kind === 'loading' ? <p className="muted">正在读取 {picked.hit.genericName}…</p> : null}
        {picked.kind === 'failed' ? <CallErrorMessage failure={picked.failure} /> : null}
        {picked.kind === 'ready' ? (
          <>
            <ProductDetails product={picked.product} />
            <div className="pane-actions">
              {canEdit ? (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setEditing(picked.product)}
                  data-testid="pane-edit"
                >
                  编辑商品
                </button>
              ) : null}
              {canMap ? (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => {
                    openMapping(picked.product.id);
                    openCatalogTab('mapping');
                  }}
                  data-testid="pane-mapping"
                >
                  目录对照
                </button>
              ) : null}
            </div>
          </>
        ) : null}
      </aside>
      {editing ? (
        <ProductDialog
          product={editing}
          onClose={() => setEditing(null)}
          onSaved={(p) => {
            setPicked({ kind: 'ready', product: p });
            catalogueSearch.refresh();
          }}
        />
      ) : null}
    </div>
  );
}
