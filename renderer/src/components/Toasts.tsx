import { dismissToast, useToastStore } from '../stores/toast';

const ALERT_KINDS = new Set(['error', 'refused', 'not-sent', 'unknown']);

export function Toasts() {
  const toasts = useToastStore((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast toast-${t.kind}`}
          role={ALERT_KINDS.has(t.kind) ? 'alert' : 'status'}
          data-testid="toast"
          data-kind={t.kind}
        >
          <span>
            {t.title ? <strong className="toast-title">{t.title}</strong> : null}
            {t.text}
          </span>
          <button type="button" className="toast-close" aria-label="关闭提示" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
