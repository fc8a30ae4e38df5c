import { useSessionStore } from '../stores/session';
import { roleLabels } from '../format';

const SHELL_LABELS = { desktop: '桌面版', browser: '浏览器模式' } as const;

export function StatusBar() {
  const status = useSessionStore((s) => s.status);
  const operator = useSessionStore((s) => s.operator);
  const insurance = status?.insurance;
  return (
    <footer className="status-bar">
      <span className="status-item" data-testid="status-operator">
        {operator ? (
          <>
            操作员：<strong>{operator.displayName}</strong>（{roleLabels(operator.roles)}）
          </>
        ) : (
          '未登录'
        )}
      </span>
      {insurance ? (
        <span
          className={`status-item status-insurance insurance-${insurance.kind}`}
          data-testid="status-insurance"
          title={insurance.kind === 'remote' ? insurance.endpoint : undefined}
        >
          <span className="dot" aria-hidden="true" />
          {/* the label usually names 医保 itself ("未连接医保：…"); don't say it twice */}
          {insurance.label.includes('医保') ? insurance.label : `医保：${insurance.label}`}
        </span>
      ) : null}
      {status?.trainingMode ? <span className="status-item status-training">培训模式</span> : null}
      <span className="status-spacer" />
      {status?.pharmacyName ? <span className="status-item">{status.pharmacyName}</span> : null}
      {status ? (
        <span className="status-item" data-testid="status-shell">
          {SHELL_LABELS[status.shell] ?? status.shell}
        </span>
      ) : null}
      {status ? <span className="status-item status-version">v{status.version}</span> : null}
    </footer>
  );
}
