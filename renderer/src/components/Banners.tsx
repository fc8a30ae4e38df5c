import { useConnectionStore } from '../stores/connection';
import { useSessionStore } from '../stores/session';

export function TrainingBanner() {
  const training = useSessionStore((s) => s.status?.trainingMode === true);
  if (!training) return null;
  return (
    <div className="training-banner" role="status" data-testid="training-banner">
      培训模式 — 使用沙箱医保中心，所有结算均为演练，不产生真实医保费用
    </div>
  );
}

export function ConnectionBanner() {
  const state = useConnectionStore((s) => s.state);
  const attempts = useConnectionStore((s) => s.attempts);
  if (state !== 'lost') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <strong>与本机服务的连接已断开</strong>，正在重新连接{attempts > 1 ? `（第 ${attempts} 次）` : ''}…
      连接恢复后需要重新登录。
      {attempts >= 4 ? ' 如果一直无法连接，请确认收银程序仍在运行，并用启动时显示的地址重新打开本页。' : ''}
    </div>
  );
}

export function StatusWarnings() {
  const warnings = useSessionStore((s) => s.status?.warnings);
  if (!warnings || warnings.length === 0) return null;
  return (
    <ul className="status-warnings" aria-label="系统提醒">
      {warnings.map((w, i) => (
        <li key={i}>{w}</li>
      ))}
    </ul>
  );
}
