import { useEffect, useState, type FormEvent } from 'react';
import type { UploadRowView } from '../../../../app/shared/inventory';
import { toFailure, type Failure } from '../../api/pos';
import { CallErrorMessage } from '../../components/CallError';
import { Modal } from '../../components/Modal';
import { formatDateTime, prettyJson } from '../../format';
import { showToast } from '../../stores/toast';
import { deleteUpload, getUpload, resendUpload } from '../../stores/uploads';
import { RECORD_FIELD_LABELS, RECORD_NODES } from './labels';
import { infnoText, UploadStateBadge } from './parts';

type Scalar = string | number | boolean | null;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Where the record is in a stored payload, and its trace codes (inside the record, or beside it). */
export interface RecordShape {
  /** the interface row sent as `row` when corrected */
  record: Obj;
  node: string | null;
  fields: { key: string; value: Scalar }[];
  /** other parts of the record (lists, objects) kept as they are */
  codesInside: string[] | null;
  codesBeside: string[] | null;
}

function codesOf(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  const items = Array.isArray(v) ? v : [v];
  return items
    .map((i) => (isObj(i) ? i.drug_trac_codg : i))
    .filter((c): c is string => typeof c === 'string' && c.trim() !== '');
}

export function recordShape(payload: unknown): RecordShape | null {
  if (!isObj(payload)) return null;
  let node: string | null = null;
  let record: Obj = payload;
  for (const n of RECORD_NODES) {
    const v = payload[n];
    if (isObj(v)) {
      node = n;
      record = v;
      break;
    }
  }
  const fields = Object.entries(record)
    .filter(([, v]) => isScalar(v))
    .map(([key, v]) => ({ key, value: v as Scalar }));
  return {
    record,
    node,
    fields,
    codesInside: codesOf(record.drugtracinfo),
    codesBeside: node ? codesOf(payload.drugtracinfo) : null,
  };
}

const textOf = (v: Scalar): string => (v === null ? '' : String(v));

/** The record's identity at the center and in the till: the service refuses a change to them. */
const IDENTITY_FIELDS = new Set(['memo', 'fixmedins_bchno']);

/** The corrected record: typed text put back into the field's original type. */
export function correctedRecord(shape: RecordShape, texts: Record<string, string>, codesText: string | null): Obj {
  const out: Obj = { ...shape.record };
  for (const f of shape.fields) {
    const t = texts[f.key] ?? textOf(f.value);
    if (t === textOf(f.value)) continue;
    if (typeof f.value === 'number' && t.trim() !== '' && Number.isFinite(Number(t.trim())))
      out[f.key] = Number(t.trim());
    else if (f.value === null && t.trim() === '') out[f.key] = null;
    else out[f.key] = t;
  }
  if (codesText !== null && shape.codesInside !== null) {
    const codes = codesText
      .split(/\s+/)
      .map((c) => c.trim())
      .filter(Boolean);
    out.drugtracinfo = codes.map((c) => ({ drug_trac_codg: c }));
  }
  return out;
}

export function UploadRecordDialog({ id, onClose }: { id: number; onClose: () => void }) {
  const [row, setRow] = useState<UploadRowView | null>(null);
  const [shape, setShape] = useState<RecordShape | null>(null);
  const [payload, setPayload] = useState<unknown>(null);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [codesText, setCodesText] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [showRaw, setShowRaw] = useState(false);

  useEffect(() => {
    let live = true;
    getUpload(id)
      .then((r) => {
        if (!live) return;
        const s = recordShape(r.payload);
        setRow(r.row);
        setPayload(r.payload);
        setShape(s);
        setTexts(Object.fromEntries((s?.fields ?? []).map((f) => [f.key, textOf(f.value)])));
        setCodesText(s?.codesInside ? s.codesInside.join('\n') : null);
      })
      .catch((e: unknown) => {
        if (live) setFailure(toFailure(e));
      });
    return () => {
      live = false;
    };
  }, [id]);

  const editable = row?.state === 'refused' && shape !== null;
  const changed =
    shape !== null &&
    (shape.fields.some((f) => (texts[f.key] ?? '') !== textOf(f.value)) ||
      (codesText !== null && codesText !== (shape.codesInside ?? []).join('\n')));

  async function resend(corrected: boolean, e?: FormEvent) {
    e?.preventDefault();
    if (!row || !shape || busy) return;
    setBusy(true);
    setFailure(null);
    try {
      const fresh = await resendUpload(row.id, corrected ? correctedRecord(shape, texts, codesText) : undefined);
      setRow(fresh);
      if (fresh.state === 'sent') {
        showToast('ok', '已重传，医保中心已接收');
        onClose();
        return;
      }
      if (fresh.state === 'pending') {
        showToast('info', '已排入上传队列，稍后自动上传');
        onClose();
        return;
      }
      // still refused: the center's new words are shown at the top
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  }

  const title = row ? `${infnoText(row.infno)} · 上传记录 #${row.id}` : '上传记录';
  return (
    <Modal title={title} onClose={onClose} drawer testId="upload-record">
      <button
        type="button"
        className="btn btn-small drawer-close"
        onClick={onClose}
        data-autofocus={!editable || undefined}
      >
        关闭（Esc）
      </button>
      {row ? (
        <>
          <dl className="info-list details-list">
            <dt>内容</dt>
            <dd>{row.summary}</dd>
            <dt>状态</dt>
            <dd>
              <UploadStateBadge row={row} /> <span className="muted small">已尝试 {row.attempts} 次</span>
            </dd>
            <dt>生成时间</dt>
            <dd className="mono">{formatDateTime(row.createdAt)}</dd>
            {row.sentAt ? (
              <>
                <dt>上传时间</dt>
                <dd className="mono">
                  {formatDateTime(row.sentAt)} {row.via ? `（${row.via}）` : ''}
                </dd>
              </>
            ) : null}
            {row.bchno ? (
              <>
                <dt>批次流水号</dt>
                <dd className="mono">{row.bchno}</dd>
              </>
            ) : null}
          </dl>
          {row.centerMsg ? (
            <div className="center-msg" role="alert" data-testid="record-center-msg">
              <div className="center-msg-title">医保中心返回信息</div>
              {row.centerMsg}
            </div>
          ) : null}
          {row.lastError && row.lastError !== row.centerMsg ? (
            <p className="cell-err">最近错误：{row.lastError}</p>
          ) : null}
        </>
      ) : failure ? null : (
        <p className="muted">正在读取…</p>
      )}
      {shape && row ? (
        <form className="record-form" onSubmit={(e) => void resend(true, e)}>
          <h3 className="details-heading">
            记录内容{shape.node ? <span className="mono muted small">（{shape.node}）</span> : null}
            {editable ? <span className="muted small"> 按返回信息修改有误的字段，然后“修改后重传”</span> : null}
          </h3>
          <div className="record-fields">
            {shape.fields.map((f, i) => (
              <label
                key={f.key}
                className="record-field"
                data-field={f.key}
                title={IDENTITY_FIELDS.has(f.key) ? '记录标识，不能修改' : undefined}
              >
                <span className="record-key">
                  {RECORD_FIELD_LABELS[f.key] ?? f.key}
                  <span className="mono small muted"> {f.key}</span>
                </span>
                <input
                  value={texts[f.key] ?? ''}
                  readOnly={!editable || IDENTITY_FIELDS.has(f.key)}
                  spellCheck={false}
                  autoComplete="off"
                  className={(texts[f.key] ?? '') !== textOf(f.value) ? 'field-changed' : undefined}
                  onChange={(e) => setTexts((t) => ({ ...t, [f.key]: e.target.value }))}
                  data-autofocus={editable && i === 0 ? true : undefined}
                  data-testid={`record-field-${f.key}`}
                />
              </label>
            ))}
          </div>
          {shape.codesInside !== null ? (
            <label className="record-field record-codes">
              <span className="record-key">
                药品追溯码<span className="mono small muted"> drugtracinfo（每行一个）</span>
              </span>
              <textarea
                className="mono"
                rows={Math.min(8, Math.max(2, (codesText ?? '').split('\n').length))}
                readOnly={!editable}
                value={codesText ?? ''}
                onChange={(e) => setCodesText(e.target.value)}
                data-testid="record-codes"
              />
            </label>
          ) : null}
          {shape.codesBeside && shape.codesBeside.length > 0 ? (
            <div className="record-field">
              <span className="record-key">药品追溯码（随记录上传，不在此修改）</span>
              <pre className="json-block">{shape.codesBeside.join('\n')}</pre>
            </div>
          ) : null}
          <CallErrorMessage failure={failure} />
          {editable ? (
            <div className="modal-actions">
              <button
                type="submit"
                className="btn btn-primary"
                disabled={busy || !changed}
                data-testid="record-resend-corrected"
              >
                {busy ? '正在重传…' : '修改后重传'}
              </button>
              <button
                type="button"
                className="btn"
                disabled={busy}
                onClick={() => void resend(false)}
                data-testid="record-resend"
              >
                按原样重传
              </button>
              <button
                type="button"
                className="btn btn-danger"
                disabled={busy}
                onClick={() => setDeleting(true)}
                data-testid="record-delete"
              >
                删除…
              </button>
            </div>
          ) : row.state === 'sent' ? (
            <div className="modal-actions">
              <button type="button" className="btn" onClick={() => setDeleting(true)} data-testid="record-delete">
                删除…
              </button>
            </div>
          ) : null}
        </form>
      ) : (
        <CallErrorMessage failure={failure} />
      )}
      {payload !== null ? (
        <details className="raw-payload" open={showRaw} onToggle={(e) => setShowRaw(e.currentTarget.open)}>
          <summary>完整报文</summary>
          <pre className="json-block">{prettyJson(payload)}</pre>
        </details>
      ) : null}
      {deleting && row ? (
        <DeleteUploadDialog
          row={row}
          onClose={(deleted) => {
            setDeleting(false);
            if (deleted) onClose();
          }}
        />
      ) : null}
    </Modal>
  );
}

/** 删除 with a reason: a sent record is withdrawn at the center (3507); a refused one only here. */
export function DeleteUploadDialog({ row, onClose }: { row: UploadRowView; onClose: (deleted: boolean) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const sent = row.state === 'sent';

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim().length < 2) {
      setFailure({ code: 'INVALID_INPUT', message: '请说明删除原因（至少 2 个字）', fields: [] });
      return;
    }
    setBusy(true);
    try {
      await deleteUpload(row.id, reason.trim());
      showToast('ok', sent ? '已提交删除，系统将通过 3507 在医保中心删除该记录' : '已撤回该记录');
      onClose(true);
    } catch (err) {
      setFailure(toFailure(err));
      setBusy(false);
    }
  }

  return (
    <Modal title="删除上传记录" onClose={() => onClose(false)} testId="upload-delete-dialog">
      <form onSubmit={(e) => void submit(e)}>
        <div className="confirm-body">
          <p>
            {infnoText(row.infno)}：{row.summary}
          </p>
          {sent ? (
            <p className="text-warn">
              这条记录已上传到医保中心。删除后系统会用“删除（3507）”接口在医保中心删除它；同一批次的其他记录会随后重新上传。
            </p>
          ) : (
            <p>这条记录被医保中心拒收，中心没有保存它。删除只是在本机撤回，不再上传。</p>
          )}
          <p className="muted small">本机的库存和单据不受影响。删除会记入审计日志。</p>
        </div>
        <label className="field-label" htmlFor="upload-delete-reason">
          删除原因
        </label>
        <input
          id="upload-delete-reason"
          value={reason}
          maxLength={200}
          onChange={(e) => setReason(e.target.value)}
          placeholder="如：重复录入、数据有误已另行上报"
          data-autofocus
          data-testid="upload-delete-reason"
        />
        <CallErrorMessage failure={failure} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-danger" disabled={busy} data-testid="upload-delete-confirm">
            {busy ? '正在删除…' : '确认删除'}
          </button>
          <button type="button" className="btn" onClick={() => onClose(false)}>
            取消 Esc
          </button>
        </div>
      </form>
    </Modal>
  );
}
