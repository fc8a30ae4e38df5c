import { useEffect } from 'react';
import { canUse } from '../../access';
import { errorMessage } from '../../api/pos';
import { ErrorMessage } from '../../components/Field';
import { formatBytes, formatDateTime } from '../../format';
import { useSessionStore } from '../../stores/session';
import { backupNow, loadBackups, useSystemStore } from '../../stores/system';
import { showToast } from '../../stores/toast';

export function BackupPanel() {
  const backups = useSystemStore((s) => s.backups);
  const loaded = useSystemStore((s) => s.backupsLoaded);
  const error = useSystemStore((s) => s.backupsError);
  const backingUp = useSystemStore((s) => s.backingUp);
  const roles = useSessionStore((s) => s.operator?.roles);

  useEffect(() => {
    void loadBackups();
  }, []);

  async function onBackup() {
    try {
      const info = await backupNow();
      showToast('ok', `备份完成：${info.file}`);
    } catch (e) {
      showToast('error', errorMessage(e));
    }
  }

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>数据备份</h2>
        {canUse('system.backupNow', roles) ? (
          <button
            type="button"
            className="btn btn-primary"
            disabled={backingUp}
            onClick={() => void onBackup()}
            data-testid="backup-now"
          >
            {backingUp ? '正在备份…' : '立即备份'}
          </button>
        ) : null}
      </div>
      <p className="muted">系统每天自动备份一次；更换电脑或重装系统前请先立即备份，并把备份文件复制到其他位置。</p>
      <ErrorMessage text={error} />
      <table className="table" data-testid="backups-table">
        <thead>
          <tr>
            <th>备份时间</th>
            <th>文件</th>
            <th className="num">大小</th>
          </tr>
        </thead>
        <tbody>
          {backups.map((b) => (
            <tr key={b.path} data-testid="backup-row">
              <td className="mono nowrap">{formatDateTime(b.createdAt)}</td>
              <td className="mono" title={b.path}>
                {b.file}
              </td>
              <td className="num">{formatBytes(b.bytes)}</td>
            </tr>
          ))}
          {loaded && backups.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                还没有备份
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
