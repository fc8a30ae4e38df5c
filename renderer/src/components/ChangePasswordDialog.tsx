import { useState, type FormEvent } from 'react';
import { call, errorMessage } from '../api/pos';
import { logout, refreshOperator } from '../stores/session';
import { showToast } from '../stores/toast';
import { ErrorMessage, Field } from './Field';
import { Modal } from './Modal';

interface Props {
  /** after login with mustChangePassword: no way around it but logging out */
  forced: boolean;
  onClose: () => void;
}

export function ChangePasswordDialog({ forced, onClose }: Props) {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!oldPassword || !newPassword) {
      setError('请填写原密码和新密码');
      return;
    }
    if (newPassword !== confirm) {
      setError('两次输入的新密码不一致');
      return;
    }
    if (newPassword === oldPassword) {
      setError('新密码不能与原密码相同');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await call('auth.changePassword', { oldPassword, newPassword });
      showToast('ok', '密码已修改');
      await refreshOperator().catch(() => undefined);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Modal
      title={forced ? '请先修改密码' : '修改密码'}
      onClose={onClose}
      dismissable={!forced}
      testId="change-password"
    >
      <form onSubmit={submit} className="form-stack">
        {forced ? <p className="modal-note">您的密码由管理员设置或已重置，继续使用前请设置自己的新密码。</p> : null}
        <Field label="原密码">
          {(f) => (
            <input
              id={f.id}
              type="password"
              autoComplete="current-password"
              data-autofocus
              data-testid="password-old"
              value={oldPassword}
              onChange={(e) => setOld(e.target.value)}
            />
          )}
        </Field>
        <Field label="新密码">
          {(f) => (
            <input
              id={f.id}
              type="password"
              autoComplete="new-password"
              data-testid="password-new"
              value={newPassword}
              onChange={(e) => setNew(e.target.value)}
            />
          )}
        </Field>
        <Field label="确认新密码">
          {(f) => (
            <input
              id={f.id}
              type="password"
              autoComplete="new-password"
              data-testid="password-confirm"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          )}
        </Field>
        <ErrorMessage text={error} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="password-submit">
            {busy ? '正在保存…' : '确认修改'}
          </button>
          {forced ? (
            <button type="button" className="btn" onClick={() => void logout()}>
              退出登录
            </button>
          ) : (
            <button type="button" className="btn" onClick={onClose}>
              取消（Esc）
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}
