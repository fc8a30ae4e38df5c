import type { InsuranceBackendState } from '../../../app/shared/contract';
import { canUse } from '../access';
import { roleLabels } from '../format';
import { openSettingsTab } from '../stores/navigation';
import { signInNhsa, useNhsaStore } from '../stores/nhsa';
import { useSessionStore } from '../stores/session';
import { showToast } from '../stores/toast';
import { toastFailure } from './CallError';
import { UploadBacklog } from '../screens/reconcile/UploadBacklog';

const SHELL_LABELS = { desktop: '桌面版', browser: '浏览器模式' } as const;

function insuranceTitle(insurance: InsuranceBackendState, lastError: string | null | undefined): string {
  const parts = [insurance.label];
  if (insurance.kind === 'remote') parts.push(`接口地址：${insurance.endpoint}`);
  if (lastError && !insurance.label.includes(lastError)) parts.push(`最近一次错误：${lastError}`);
  return parts.join('\n');
}

async function onSignIn() {
  try {
    await signInNhsa();
    showToast('ok', '已在医保中心签到');
  } catch (e) {
    toastFailure(e);
  }
}

export function StatusBar() {
  const status = useSessionStore((s) => s.status);
  const operator = useSessionStore((s) => s.operator);
  const nhsa = useNhsaStore((s) => s.status);
  const signingIn = useNhsaStore((s) => s.signingIn);
  // Logged in, the operator's own nhsa.status is the fresher word; before that, app.status.
  const insurance = (operator ? nhsa?.backend : undefined) ?? status?.insurance;
  const unhealthy = insurance !== undefined && insurance.kind !== 'none' && !insurance.healthy;
  const showNhsa = operator !== null && nhsa !== null && nhsa.backend.kind !== 'none';
  const pending = operator && nhsa ? nhsa.pendingReversals : 0;
  const canOpenReversals = canUse('nhsa.reversals', operator?.roles);

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
          className={`status-item status-insurance insurance-${insurance.kind}${unhealthy ? ' insurance-unhealthy' : ''}`}
          data-testid="status-insurance"
          data-healthy={insurance.kind === 'none' ? undefined : String(insurance.healthy)}
          title={insuranceTitle(insurance, nhsa?.lastCall?.error)}
        >
          <span className="dot" aria-hidden="true" />
          {/* the label usually names 医保 itself ("未连接医保：…"); don't say it twice */}
          {insurance.label.includes('医保') || insurance.label.includes('培训模式')
            ? insurance.label
            : `医保：${insurance.label}`}
        </span>
      ) : null}
      {status?.trainingMode ? <span className="status-item status-training">培训模式</span> : null}
      {showNhsa ? (
        <span
          className={`status-item status-signin ${nhsa.signedIn ? 'signin-yes' : 'signin-no'}`}
          data-testid="status-signin"
          data-signed-in={String(nhsa.signedIn)}
        >
          {nhsa.signedIn ? (
            <>
              <span aria-hidden="true">✓ </span>医保已签到
            </>
          ) : (
            <>
              医保未签到
              <button
                type="button"
                className="status-button"
                disabled={signingIn}
                onClick={() => void onSignIn()}
                data-testid="status-signin-button"
              >
                {signingIn ? '正在签到…' : '签到'}
              </button>
            </>
          )}
        </span>
      ) : null}
      {pending > 0 ? (
        canOpenReversals ? (
          <button
            type="button"
            className="status-item status-reversals"
            onClick={() => openSettingsTab('nhsa-reversals')}
            data-testid="status-reversals"
            title="打开 设置 › 冲正队列"
          >
            <span aria-hidden="true">⚠ </span>医保结算待冲正 {pending} 笔
          </button>
        ) : (
          <span
            className="status-item status-reversals"
            data-testid="status-reversals"
            title="系统正在自动冲正，如长时间未完成请联系店长或管理员"
          >
            <span aria-hidden="true">⚠ </span>医保结算待冲正 {pending} 笔
          </span>
        )
      ) : null}
      <UploadBacklog />
      <span className="status-spacer" />
      {status?.pharmacyName ? <span className="status-item status-pharmacy">{status.pharmacyName}</span> : null}
      {status ? (
        <span className="status-item" data-testid="status-shell">
          {SHELL_LABELS[status.shell] ?? status.shell}
        </span>
      ) : null}
      {status ? <span className="status-item status-version">v{status.version}</span> : null}
    </footer>
  );
}
