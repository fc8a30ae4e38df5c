import { useEffect } from 'react';
import { ErrorMessage } from '../../components/Field';
import { loadSystemInfo, useSystemStore } from '../../stores/system';

export function SystemInfoPanel() {
  const info = useSystemStore((s) => s.info);
  const error = useSystemStore((s) => s.infoError);

  useEffect(() => {
    void loadSystemInfo();
  }, []);

  return (
    <div className="panel">
      <h2>系统信息</h2>
      <ErrorMessage text={error} />
      {info ? (
        <dl className="info-list" data-testid="system-info">
          <dt>程序版本</dt>
          <dd>{info.version}</dd>
          <dt>数据目录</dt>
          <dd className="mono">{info.dataDir}</dd>
          <dt>数据库文件</dt>
          <dd className="mono">{info.dbPath}</dd>
          <dt>数据库结构版本</dt>
          <dd>{info.schemaVersion}</dd>
          <dt>日志目录</dt>
          <dd className="mono">{info.logDir}</dd>
          <dt>备份目录</dt>
          <dd className="mono">{info.backupDir}</dd>
          <dt>密钥保存方式</dt>
          <dd>{info.secretStorage.label}</dd>
        </dl>
      ) : null}
    </div>
  );
}
