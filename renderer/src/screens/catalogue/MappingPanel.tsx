import { useEffect, useState, type FormEvent } from 'react';
import type { MappingCandidate, MappingState, NatItemHit, ProductDetail } from '../../../../app/shared/contract';
import { canUse } from '../../access';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage, toastFailure } from '../../components/CallError';
import { InsuranceClassBadge, MappingBadge } from '../../components/ProductBadges';
import { Modal } from '../../components/Modal';
import { formatDateTime } from '../../format';
import {
  confirmMapping,
  dismissUploadResult,
  loadCandidates,
  loadMapping,
  openMapping,
  revokeMapping,
  searchNational,
  setMappingFilters,
  setSelected,
  toggleSelected,
  uploadMappings,
  useMappingStore,
} from '../../stores/mapping';
import { getProduct } from '../../stores/products';
import { useSessionStore } from '../../stores/session';
import { showToast } from '../../stores/toast';
import { MAPPING_STATE_LABELS, catalogueName, reasonLabel } from './labels';
import { Pager } from '../../components/Pager';

const FILTERS: readonly { id: MappingState | ''; label: string }[] = [
  { id: '', label: '全部' },
  { id: 'unmapped', label: MAPPING_STATE_LABELS.unmapped },
  { id: 'pending', label: MAPPING_STATE_LABELS.pending },
  { id: 'failed', label: MAPPING_STATE_LABELS.failed },
  { id: 'uploaded', label: MAPPING_STATE_LABELS.uploaded },
  { id: 'revoked', label: MAPPING_STATE_LABELS.revoked },
];

/** States from which a product can be uploaded (again). */
const UPLOADABLE: readonly MappingState[] = ['pending', 'failed'];

export function MappingPanel() {
  const rows = useMappingStore((s) => s.rows);
  const total = useMappingStore((s) => s.total);
  const page = useMappingStore((s) => s.page);
  const pageSize = useMappingStore((s) => s.pageSize);
  const filters = useMappingStore((s) => s.filters);
  const loading = useMappingStore((s) => s.loading);
  const loaded = useMappingStore((s) => s.loaded);
  const error = useMappingStore((s) => s.error);
  const selected = useMappingStore((s) => s.selected);
  const openId = useMappingStore((s) => s.openId);
  const uploading = useMappingStore((s) => s.uploading);
  const uploadResult = useMappingStore((s) => s.uploadResult);
  const uploadError = useMappingStore((s) => s.uploadError);
  const roles = useSessionStore((s) => s.operator?.roles);
  const canUpload = canUse('mapping.upload', roles);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const selectable = rows.filter((r) => UPLOADABLE.includes(r.mapping.state));
  const allSelected = selectable.length > 0 && selectable.every((r) => selected.includes(r.id));

  useEffect(() => {
    void loadMapping();
  }, []);

  function search(e: FormEvent) {
    e.preventDefault();
    void loadMapping(0);
  }

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>目录对照</h2>
        {canUpload ? (
          <button
            type="button"
            className="btn btn-primary"
            disabled={uploading}
            onClick={() => void uploadMappings(selected.length > 0 ? selected : undefined)}
            data-testid="mapping-upload"
            title="把已确认的对照上传到医保中心（3301）；没有勾选时上传全部待上传的商品"
          >
            {uploading ? '正在上传…' : selected.length > 0 ? `上传所选（${selected.length}）` : '上传待对照'}
          </button>
        ) : null}
      </div>
      <p className="muted">
        本店商品要先对照到国家医保目录编码、上传医保中心（3301）并被接收后，才能用于医保结算。选中一个商品查看系统建议的候选（按批准文号、条码和名称相似度），确认后上传。
      </p>
      {uploadError ? <CallErrorMessage failure={uploadError} /> : null}
      {uploadResult ? <UploadResult /> : null}
      <form className="filter-bar" onSubmit={search} aria-label="筛选商品">
        <div className="segmented" role="group" aria-label="按对照状态筛选">
          {FILTERS.map((f) => (
            <button
              key={f.id || 'all'}
              type="button"
              className={f.id === filters.mapping ? 'btn btn-small active' : 'btn btn-small'}
              aria-pressed={f.id === filters.mapping}
              onClick={() => {
                setMappingFilters({ mapping: f.id });
                void loadMapping(0);
              }}
              data-testid={`mapping-filter-${f.id || 'all'}`}
            >
              {f.label}
            </button>
          ))}
        </div>
        <input
          type="search"
          className="input-product-q"
          aria-label="检索商品"
          placeholder="编码、名称或拼音首字母"
          value={filters.q}
          maxLength={100}
          onChange={(e) => setMappingFilters({ q: e.target.value })}
          data-testid="mapping-q"
          spellCheck={false}
        />
        <button type="submit" className="btn" data-testid="mapping-search">
          查询
        </button>
      </form>
      <CallErrorMessage failure={error} />
      <table className="table table-dense mapping-table" data-testid="mapping-table" aria-busy={loading}>
        <thead>
          <tr>
            {canUpload ? (
              <th className="col-check">
                <input
                  type="checkbox"
                  aria-label="选择本页全部可上传的商品"
                  checked={allSelected}
                  disabled={selectable.length === 0}
                  onChange={(e) => setSelected(e.target.checked ? selectable.map((r) => r.id) : [])}
                />
              </th>
            ) : null}
            <th className="col-code">编码</th>
            <th>名称 / 规格</th>
            <th className="col-aprvno">批准文号</th>
            <th className="col-mfr">生产企业</th>
            <th className="col-natcode">国家编码</th>
            <th className="col-mstate">状态</th>
            <th className="col-actions">操作</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id} data-testid="mapping-row" data-code={p.code} data-state={p.mapping.state}>
              {canUpload ? (
                <td className="col-check">
                  <input
                    type="checkbox"
                    aria-label={`选择 ${p.genericName}`}
                    disabled={!UPLOADABLE.includes(p.mapping.state)}
                    checked={selected.includes(p.id)}
                    onChange={(e) => toggleSelected(p.id, e.target.checked)}
                  />
                </td>
              ) : null}
              <td className="mono small cell-code" title={p.code}>
                {p.code}
              </td>
              <td className="cell-name">
                <div className="cell-ellipsis" title={p.genericName}>
                  <strong>{p.genericName}</strong>
                  {p.tradeName && p.tradeName !== p.genericName ? (
                    <span className="muted">（{p.tradeName}）</span>
                  ) : null}
                </div>
                <div className="muted small cell-ellipsis">{p.spec ?? '—'}</div>
              </td>
              <td className="mono small cell-ellipsis col-aprvno" title={p.aprvno ?? undefined}>
                {p.aprvno ?? '—'}
              </td>
              <td className="small cell-ellipsis col-mfr" title={p.manufacturer ?? undefined}>
                {p.manufacturer ?? '—'}
              </td>
              <td className="mono small cell-wrap">{p.mapping.natCode ?? '—'}</td>
              <td>
                <MappingBadge state={p.mapping.state} message={p.mapping.centerMessage} />
                {p.mapping.state === 'failed' && p.mapping.centerMessage ? (
                  <div className="cell-err small" data-testid="mapping-center-message">
                    {p.mapping.centerMessage}
                  </div>
                ) : null}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => openMapping(p.id)}
                  data-testid="mapping-open"
                >
                  对照…
                </button>
              </td>
            </tr>
          ))}
          {loaded && rows.length === 0 ? (
            <tr>
              <td colSpan={canUpload ? 8 : 7} className="muted">
                没有符合条件的商品
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
        onPage={(p) => void loadMapping(p)}
        testId="mapping-page"
      />
      {openId !== null ? <MappingDrawer key={openId} productId={openId} onClose={() => openMapping(null)} /> : null}
    </div>
  );
}

function UploadResult() {
  const result = useMappingStore((s) => s.uploadResult);
  if (!result) return null;
  const cls = result.failed > 0 ? 'upload-result has-failures' : 'upload-result';
  return (
    <section className={cls} data-testid="mapping-upload-result" aria-live="polite">
      <div className="upload-result-head">
        <strong>
          {formatDateTime(result.at)} 上传完成：成功 {result.uploaded} 个
          {result.failed > 0 ? <span className="text-danger">，失败 {result.failed} 个</span> : null}
          {result.results.length === 0 ? '（没有待上传的商品）' : null}
        </strong>
        <button type="button" className="btn btn-small" onClick={dismissUploadResult}>
          关闭
        </button>
      </div>
      {result.results.length > 0 ? (
        <table className="table table-dense upload-table">
          <tbody>
            {result.results.map((r) => (
              <tr key={r.productId} data-testid="mapping-upload-item" data-state={r.state}>
                <td className="cell-ellipsis">{result.names[r.productId] ?? `商品 #${r.productId}`}</td>
                <td className="col-mstate">
                  <MappingBadge state={r.state} message={r.message} />
                </td>
                <td className={r.state === 'failed' ? 'cell-err' : 'muted'}>{r.message ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function scoreText(score: number): string {
  const pct = score <= 1 ? score * 100 : score;
  return String(Math.round(pct));
}

type Loadable<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'failed'; failure: Failure };

/** One product's mapping: what it is now, the suggested national codes, and a manual search. */
function MappingDrawer({ productId, onClose }: { productId: number; onClose: () => void }) {
  const roles = useSessionStore((s) => s.operator?.roles);
  const [product, setProduct] = useState<Loadable<ProductDetail>>({ kind: 'loading' });
  const [candidates, setCandidates] = useState<Loadable<MappingCandidate[]>>({ kind: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);
  const [actionFailure, setActionFailure] = useState<Failure | null>(null);
  const [revoking, setRevoking] = useState(false);
  const canConfirm = canUse('mapping.confirm', roles);
  const canUpload = canUse('mapping.upload', roles);
  const canRevoke = canUse('mapping.revoke', roles);

  useEffect(() => {
    let live = true;
    getProduct(productId).then(
      (value) => live && setProduct({ kind: 'ready', value }),
      (e: unknown) => live && setProduct({ kind: 'failed', failure: toFailure(e) }),
    );
    loadCandidates(productId).then(
      (value) => live && setCandidates({ kind: 'ready', value }),
      (e: unknown) => live && setCandidates({ kind: 'failed', failure: toFailure(e) }),
    );
    return () => {
      live = false;
    };
  }, [productId]);

  const p = product.kind === 'ready' ? product.value : null;
  const state = p?.mapping.state ?? 'unmapped';
  const locked = state === 'uploaded' || state === 'revoking';

  async function choose(natCode: string, catalogue: string) {
    setBusy(`confirm:${natCode}`);
    setActionFailure(null);
    try {
      const updated = await confirmMapping(productId, natCode, catalogue);
      setProduct({ kind: 'ready', value: updated });
      showToast('ok', `已对照到 ${natCode}，待上传`);
    } catch (e) {
      setActionFailure(toFailure(e));
    } finally {
      setBusy(null);
    }
  }

  async function uploadOne() {
    setBusy('upload');
    setActionFailure(null);
    try {
      await uploadMappings([productId]);
      const { uploadError, uploadResult } = useMappingStore.getState();
      if (uploadError) setActionFailure(uploadError);
      const mine = uploadResult?.results.find((r) => r.productId === productId);
      if (mine?.state === 'uploaded') showToast('ok', '医保中心已接收对照');
      setProduct({ kind: 'ready', value: await getProduct(productId) });
    } catch (e) {
      setActionFailure(toFailure(e));
    } finally {
      setBusy(null);
    }
  }

  async function revoke() {
    setBusy('revoke');
    setActionFailure(null);
    try {
      const updated = await revokeMapping(productId);
      setProduct({ kind: 'ready', value: updated });
      setRevoking(false);
      showToast('ok', '已在医保中心撤销对照');
    } catch (e) {
      setRevoking(false);
      setActionFailure(toFailure(e));
      toastFailure(e);
      getProduct(productId).then(
        (value) => setProduct({ kind: 'ready', value }),
        () => undefined,
      );
    } finally {
      setBusy(null);
    }
  }

  return (
    <Modal title={p ? `目录对照：${p.genericName}` : '目录对照'} onClose={onClose} drawer testId="mapping-drawer">
      <button type="button" className="btn btn-small drawer-close" onClick={onClose} data-autofocus>
        关闭（Esc）
      </button>
      {product.kind === 'loading' ? <p className="muted">正在读取商品…</p> : null}
      {product.kind === 'failed' ? <CallErrorMessage failure={product.failure} /> : null}
      {p ? (
        <section className="mapping-current" data-testid="mapping-current" data-state={state}>
          <div className="mapping-product">
            <strong>{p.genericName}</strong>
            {p.tradeName && p.tradeName !== p.genericName ? <span className="muted">（{p.tradeName}）</span> : null}
            <span className="muted"> {[p.spec, p.dosageForm, p.manufacturer].filter(Boolean).join(' · ')}</span>
            <div className="muted small">
              编码 <span className="mono">{p.code}</span>
              {p.aprvno ? (
                <>
                  {' '}
                  · 批准文号 <span className="mono">{p.aprvno}</span>
                </>
              ) : null}
              {p.barcodes.length > 0 ? (
                <>
                  {' '}
                  · 条码 <span className="mono">{p.barcodes.join('、')}</span>
                </>
              ) : null}
            </div>
          </div>
          <div className="mapping-state-line">
            <MappingBadge state={state} message={p.mapping.centerMessage} />
            {p.mapping.natCode ? (
              <span>
                国家编码{' '}
                <span className="mono" data-testid="mapping-natcode">
                  {p.mapping.natCode}
                </span>
                {p.mapping.catalogue ? <span className="muted">（{catalogueName(p.mapping.catalogue)}）</span> : null}
              </span>
            ) : (
              <span className="muted">尚未对照</span>
            )}
            {p.mapping.updatedAt ? <span className="muted small">{formatDateTime(p.mapping.updatedAt)}</span> : null}
          </div>
          {p.mapping.centerMessage ? (
            <div
              className={state === 'failed' ? 'error-message' : 'modal-note'}
              data-testid="mapping-drawer-center-message"
            >
              医保中心：{p.mapping.centerMessage}
            </div>
          ) : null}
          <div className="modal-actions">
            {canUpload && UPLOADABLE.includes(state) ? (
              <button
                type="button"
                className="btn btn-primary"
                disabled={busy !== null}
                onClick={() => void uploadOne()}
                data-testid="mapping-upload-one"
              >
                {busy === 'upload' ? '正在上传…' : state === 'failed' ? '重新上传（3301）' : '上传到医保中心（3301）'}
              </button>
            ) : null}
            {canRevoke && state === 'uploaded' ? (
              <button
                type="button"
                className="btn btn-danger"
                disabled={busy !== null}
                onClick={() => setRevoking(true)}
                data-testid="mapping-revoke"
              >
                撤销对照（3302）…
              </button>
            ) : null}
          </div>
          <CallErrorMessage failure={actionFailure} />
        </section>
      ) : null}
      <h3 className="details-heading">系统建议的候选</h3>
      {locked ? <p className="muted small">已上传的对照要先撤销，才能改对照到其他编码。</p> : null}
      {candidates.kind === 'loading' ? <p className="muted">正在查找候选…</p> : null}
      {candidates.kind === 'failed' ? <CallErrorMessage failure={candidates.failure} /> : null}
      {candidates.kind === 'ready' && candidates.value.length === 0 ? (
        <p className="muted" data-testid="mapping-no-candidates">
          没有找到候选。如果还没有同步西药中成药目录（1301）等国家目录，请先在“目录同步”中同步；也可以在下面手工检索。
        </p>
      ) : null}
      {candidates.kind === 'ready' && candidates.value.length > 0 ? (
        <ul className="candidate-list" data-testid="mapping-candidates">
          {candidates.value.map((c) => (
            <NatItemCard
              key={`${c.catalogue}:${c.natCode}`}
              item={{ ...c, code: c.natCode }}
              score={c.score}
              reasons={c.reasons}
              current={p?.mapping.natCode === c.natCode}
              disabled={!canConfirm || locked || busy !== null}
              busy={busy === `confirm:${c.natCode}`}
              onChoose={() => void choose(c.natCode, c.catalogue)}
              testId="mapping-candidate"
            />
          ))}
        </ul>
      ) : null}
      <NationalSearch
        currentCode={p?.mapping.natCode ?? null}
        disabled={!canConfirm || locked || busy !== null}
        busyCode={busy?.startsWith('confirm:') ? busy.slice(8) : null}
        initial={p?.genericName ?? ''}
        onChoose={(hit) => void choose(hit.code, hit.catalogue)}
      />
      {revoking && p ? (
        <Modal title="撤销目录对照" onClose={() => setRevoking(false)} testId="mapping-revoke-confirm">
          <div className="confirm-body">
            <p>
              将向医保中心发送<strong>目录对照撤销（3302）</strong>，撤销
            </p>
            <p className="confirm-msgid">
              {p.genericName} → <span className="mono">{p.mapping.natCode}</span>
            </p>
            <p className="text-warn">撤销后，这个商品在重新对照并上传之前不能用于医保结算。</p>
          </div>
          <div className="modal-actions">
            <button
              type="button"
              className="btn btn-danger"
              disabled={busy !== null}
              onClick={() => void revoke()}
              data-testid="mapping-revoke-run"
            >
              {busy === 'revoke' ? '正在撤销…' : '确认撤销'}
            </button>
            <button type="button" className="btn" onClick={() => setRevoking(false)} data-autofocus>
              取消（Esc）
            </button>
          </div>
        </Modal>
      ) : null}
    </Modal>
  );
}

function NatItemCard({
  item,
  score,
  reasons,
  current,
  disabled,
  busy,
  onChoose,
  testId,
}: {
  item: NatItemHit;
  score?: number;
  reasons?: string[];
  current: boolean;
  disabled: boolean;
  busy: boolean;
  onChoose: () => void;
  testId: string;
}) {
  return (
    <li
      className={['candidate', current ? 'current' : '', score === undefined ? 'no-score' : '']
        .filter(Boolean)
        .join(' ')}
      data-testid={testId}
      data-code={item.code}
    >
      {score !== undefined ? (
        <div className="candidate-score" title="匹配度（满分 100）">
          {scoreText(score)}
        </div>
      ) : null}
      <div className="candidate-main">
        <div className="candidate-name">
          <InsuranceClassBadge level={item.chrgitmLv} />
          <strong>{item.name}</strong>
          {item.tradeName && item.tradeName !== item.name ? <span className="muted">（{item.tradeName}）</span> : null}
          {item.spec ? <span> {item.spec}</span> : null}
        </div>
        <div className="small">
          <span className="mono">{item.code}</span>
          <span className="muted">
            {' '}
            · {catalogueName(item.catalogue)}
            {item.dosform ? ` · ${item.dosform}` : ''}
          </span>
        </div>
        <div className="small muted">{[item.manufacturer, item.aprvno].filter(Boolean).join(' · ') || '—'}</div>
        {reasons && reasons.length > 0 ? (
          <div className="candidate-reasons">
            {reasons.map((r) => (
              <span key={r} className="badge badge-reason">
                {reasonLabel(r)}
              </span>
            ))}
          </div>
        ) : null}
      </div>
      <div className="candidate-action">
        {current ? (
          <span className="badge badge-ok">当前对照</span>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            disabled={disabled}
            onClick={onChoose}
            data-testid={`${testId}-choose`}
          >
            {busy ? '正在确认…' : '选用'}
          </button>
        )}
      </div>
    </li>
  );
}

function NationalSearch({
  currentCode,
  disabled,
  busyCode,
  initial,
  onChoose,
}: {
  currentCode: string | null;
  disabled: boolean;
  busyCode: string | null;
  initial: string;
  onChoose: (hit: NatItemHit) => void;
}) {
  const [q, setQ] = useState('');
  const [result, setResult] = useState<Loadable<NatItemHit[]> | null>(null);

  async function run(e: FormEvent) {
    e.preventDefault();
    const text = q.trim() || initial;
    if (!text) return;
    if (!q.trim()) setQ(text);
    setResult({ kind: 'loading' });
    try {
      setResult({ kind: 'ready', value: await searchNational(text) });
    } catch (err) {
      setResult({ kind: 'failed', failure: toFailure(err) });
    }
  }

  return (
    <section className="national-search" aria-labelledby="national-search-title">
      <h3 className="details-heading" id="national-search-title">
        手工检索国家目录
      </h3>
      <form className="inline-form" onSubmit={(e) => void run(e)}>
        <input
          type="search"
          className="input-national-q"
          aria-label="检索国家目录"
          placeholder={initial ? `国家编码、名称或批准文号（空白则检索“${initial}”）` : '国家编码、名称或批准文号'}
          value={q}
          maxLength={100}
          onChange={(e) => setQ(e.target.value)}
          data-testid="national-q"
          spellCheck={false}
        />
        <button type="submit" className="btn" data-testid="national-search">
          检索
        </button>
      </form>
      {result?.kind === 'loading' ? <p className="muted">正在检索…</p> : null}
      {result?.kind === 'failed' ? <CallErrorMessage failure={result.failure} /> : null}
      {result?.kind === 'ready' && result.value.length === 0 ? (
        <p className="muted">国家目录中没有找到。请确认已同步相应目录。</p>
      ) : null}
      {result?.kind === 'ready' && result.value.length > 0 ? (
        <ul className="candidate-list" data-testid="national-results">
          {result.value.map((hit) => (
            <NatItemCard
              key={`${hit.catalogue}:${hit.code}`}
              item={hit}
              current={currentCode === hit.code}
              disabled={disabled}
              busy={busyCode === hit.code}
              onChoose={() => onChoose(hit)}
              testId="national-hit"
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
