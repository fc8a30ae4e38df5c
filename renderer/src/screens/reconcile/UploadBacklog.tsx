import { useEffect } from 'react';
import { getPosApi } from '../../api/pos';
import { canUse } from '../../access';
import { formatDateTime } from '../../format';
import { useSessionStore } from '../../stores/session';
import { onUploadsChanged, openUploads, refreshUploadSummary, useUploadsStore } from '../../stores/uploads';

/**
 * The status bar's word on the insurance stock-ledger uploads: 上传积压 n (amber) and 拒收 n (red), nothing
 * when all is sent. A manager clicks it to open 对账 › 上传队列.
 */
export function UploadBacklog() {
  const operatorId = useSessionStore((s) => s.operator?.id ?? null);
  const roles = useSessionStore((s) => s.operator?.roles);
  const summary = useUploadsStore((s) => s.summary);

  useEffect(() => {
    if (operatorId === null) return;
    void refreshUploadSummary();
    try {
      return getPosApi().subscribe('uploads.changed', (s) => onUploadsChanged(s));
    } catch {
      return undefined; // a shell without the event: the summary is read again when the queue screen opens
    }
  }, [operatorId]);

  if (operatorId === null || !summary) return null;
  const waiting = summary.pending;
  const refused = summary.refused;
  if (waiting === 0 && refused === 0) return null;
  const canOpen = canUse('uploads.list', roles);
  const title = [
    waiting > 0 ? `${waiting} 条进销存记录待上传医保（最早 ${formatDateTime(summary.oldestPendingAt)}）` : null,
    summary.inDoubt > 0 ? `${summary.inDoubt} 条待核实` : null,
    refused > 0 ? `${refused} 条被医保中心拒收，需要修改后重传` : null,
    summary.lastError ? `最近错误：${summary.lastError}` : null,
    canOpen ? '点击打开 对账 › 上传队列' : '请联系店长处理',
  ]
    .filter(Boolean)
    .join('\n');
  const parts = (
    <>
      {waiting > 0 ? (
        <span className="backlog-pending" data-testid="status-upload-pending">
          上传积压 {waiting}
        </span>
      ) : null}
      {refused > 0 ? (
        <span className="backlog-refused" data-testid="status-upload-refused">
          拒收 {refused}
        </span>
      ) : null}
    </>
  );
  if (!canOpen) {
    return (
      <span className="status-item status-uploads" title={title} data-testid="status-uploads">
        {parts}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="status-item status-uploads"
      title={title}
      onClick={() => openUploads(refused > 0 ? 'problem' : 'pending')}
      data-testid="status-uploads"
    >
      {parts}
    </button>
  );
}
