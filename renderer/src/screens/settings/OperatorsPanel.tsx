import { useEffect, useState, type FormEvent } from 'react';
import type { OperatorSummary } from '../../../../app/shared/contract';
import { ROLES, ROLE_LABELS, type Role } from '../../../../app/shared/roles';
import { canUse } from '../../access';
import { PosError, errorMessage } from '../../api/pos';
import { ErrorMessage, Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { formatDateTime, isFuture, roleLabels } from '../../format';
import {
  createOperator,
  loadOperators,
  resetOperatorPassword,
  unlockOperator,
  updateOperator,
  useOperatorsStore,
} from '../../stores/operators';
import { useSessionStore } from '../../stores/session';
import { showToast } from '../../stores/toast';

type DialogState =
  | { kind: 'none' }
  | { kind: 'create' }
  | { kind: 'edit'; operator: OperatorSummary }
  | { kind: 'reset'; operator: OperatorSummary };

export function OperatorsPanel() {
  const list = useOperatorsStore((s) => s.list);
  const loaded = useOperatorsStore((s) => s.loaded);
  const error = useOperatorsStore((s) => s.error);
  const roles = useSessionStore((s) => s.operator?.roles);
  const selfId = useSessionStore((s) => s.operator?.id);
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });

  useEffect(() => {
    void loadOperators();
  }, []);

  const can = {
    create: canUse('operators.create', roles),
    update: canUse('operators.update', roles),
    reset: canUse('operators.resetPassword', roles),
    unlock: canUse('operators.unlock', roles),
  };
  const close = () => setDialog({ kind: 'none' });

  async function unlock(o: OperatorSummary) {
    try {
      await unlockOperator(o.id);
      showToast('ok', `已解锁 ${o.displayName}`);
    } catch (e) {
      showToast('error', errorMessage(e));
    }
  }

  return (
    <div className="panel">
      <div className="panel-toolbar">
        <h2>操作员</h2>
        {can.create ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setDialog({ kind: 'create' })}
            data-testid="operator-create"
          >
            新建操作员
          </button>
        ) : (
          <span className="muted">只有管理员可以新建或修改操作员</span>
        )}
      </div>
      <ErrorMessage text={error} />
      <table className="table" data-testid="operators-table">
        <thead>
          <tr>
            <th>用户名</th>
            <th>姓名</th>
            <th>角色</th>
            <th>状态</th>
            <th>锁定至</th>
            <th>最近登录</th>
            {can.update || can.reset || can.unlock ? <th>操作</th> : null}
          </tr>
        </thead>
        <tbody>
          {list.map((o) => {
            const locked = isFuture(o.lockedUntil);
            return (
              <tr key={o.id} data-testid="operator-row" className={o.active ? undefined : 'row-inactive'}>
                <td className="mono">{o.username}</td>
                <td>
                  {o.displayName}
                  {o.id === selfId ? <span className="badge badge-muted">本人</span> : null}
                </td>
                <td>{roleLabels(o.roles)}</td>
                <td>
                  {o.active ? (
                    <span className="badge badge-ok">启用</span>
                  ) : (
                    <span className="badge badge-muted">停用</span>
                  )}
                  {o.mustChangePassword ? <span className="badge badge-warn">须改密码</span> : null}
                </td>
                <td>{locked ? <span className="text-danger">{formatDateTime(o.lockedUntil)}</span> : '—'}</td>
                <td>{formatDateTime(o.lastLoginAt)}</td>
                {can.update || can.reset || can.unlock ? (
                  <td className="row-actions">
                    {can.update ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setDialog({ kind: 'edit', operator: o })}
                      >
                        编辑
                      </button>
                    ) : null}
                    {can.reset ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setDialog({ kind: 'reset', operator: o })}
                      >
                        重置密码
                      </button>
                    ) : null}
                    {can.unlock && locked ? (
                      <button type="button" className="btn btn-small" onClick={() => void unlock(o)}>
                        解锁
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
          {loaded && list.length === 0 ? (
            <tr>
              <td colSpan={7} className="muted">
                还没有操作员
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {dialog.kind === 'create' ? <OperatorDialog onClose={close} /> : null}
      {dialog.kind === 'edit' ? <OperatorDialog operator={dialog.operator} onClose={close} /> : null}
      {dialog.kind === 'reset' ? <ResetPasswordDialog operator={dialog.operator} onClose={close} /> : null}
    </div>
  );
}

type FormErrors = Partial<Record<'username' | 'displayName' | 'roles' | 'password' | 'confirm', string>>;

function fieldErrorsOf(e: unknown): FormErrors {
  const out: FormErrors = {};
  if (e instanceof PosError) {
    for (const f of e.fields) {
      const name = f.path.split('.')[0] as keyof FormErrors;
      if (['username', 'displayName', 'roles', 'password'].includes(name)) out[name] = f.message;
    }
  }
  return out;
}

function OperatorDialog({ operator, onClose }: { operator?: OperatorSummary; onClose: () => void }) {
  const editing = Boolean(operator);
  const [username, setUsername] = useState(operator?.username ?? '');
  const [displayName, setDisplayName] = useState(operator?.displayName ?? '');
  const [roles, setRoles] = useState<Role[]>(operator?.roles ?? ['cashier']);
  const [active, setActive] = useState(operator?.active ?? true);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FormErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function toggleRole(role: Role, on: boolean) {
    setRoles((rs) => (on ? ROLES.filter((r) => r === role || rs.includes(r)) : rs.filter((r) => r !== role)));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: FormErrors = {};
    if (!editing && !username.trim()) local.username = '请填写用户名';
    if (!displayName.trim()) local.displayName = '请填写姓名';
    if (roles.length === 0) local.roles = '至少选择一个角色';
    if (!editing && !password) local.password = '请设置初始密码';
    else if (!editing && password !== confirm) local.confirm = '两次输入的密码不一致';
    setErrors(local);
    setError(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      if (operator) {
        await updateOperator({ id: operator.id, displayName: displayName.trim(), roles, active });
        showToast('ok', `已保存 ${displayName.trim()}`);
      } else {
        await createOperator({ username: username.trim(), displayName: displayName.trim(), roles, password });
        showToast('ok', `已新建操作员 ${displayName.trim()}`);
      }
      onClose();
    } catch (err) {
      setBusy(false);
      setErrors(fieldErrorsOf(err));
      setError(errorMessage(err));
    }
  }

  return (
    <Modal
      title={editing ? `编辑操作员：${operator?.username}` : '新建操作员'}
      onClose={onClose}
      testId="operator-dialog"
    >
      <form className="form-stack" onSubmit={submit} noValidate>
        {!editing ? (
          <Field label="用户名" error={errors.username}>
            {(f) => (
              <input
                id={f.id}
                data-autofocus
                autoComplete="off"
                aria-describedby={f.describedBy}
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                data-testid="operator-username"
              />
            )}
          </Field>
        ) : null}
        <Field label="姓名" error={errors.displayName}>
          {(f) => (
            <input
              id={f.id}
              data-autofocus={editing ? true : undefined}
              aria-describedby={f.describedBy}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              data-testid="operator-display-name"
            />
          )}
        </Field>
        <fieldset className={errors.roles ? 'role-set field-invalid' : 'role-set'}>
          <legend>角色（可多选）</legend>
          {ROLES.map((r) => (
            <label key={r} className="checkbox">
              <input
                type="checkbox"
                checked={roles.includes(r)}
                onChange={(e) => toggleRole(r, e.target.checked)}
                data-testid={`operator-role-${r}`}
              />
              {ROLE_LABELS[r]}
            </label>
          ))}
          {errors.roles ? <div className="field-error">{errors.roles}</div> : null}
        </fieldset>
        {editing ? (
          <label className="checkbox">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
            启用（停用后该操作员不能登录，已登录的会被退出）
          </label>
        ) : (
          <>
            <Field label="初始密码" help="请当面告知操作员，并提醒其登录后修改" error={errors.password}>
              {(f) => (
                <input
                  id={f.id}
                  type="password"
                  autoComplete="new-password"
                  aria-describedby={f.describedBy}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  data-testid="operator-password"
                />
              )}
            </Field>
            <Field label="确认密码" error={errors.confirm}>
              {(f) => (
                <input
                  id={f.id}
                  type="password"
                  autoComplete="new-password"
                  aria-describedby={f.describedBy}
                  value={confirm}
                  onChange={(e) => setConfirm(e.target.value)}
                  data-testid="operator-password-confirm"
                />
              )}
            </Field>
          </>
        )}
        <ErrorMessage text={error} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="operator-submit">
            {busy ? '正在保存…' : editing ? '保存' : '新建'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消（Esc）
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ResetPasswordDialog({ operator, onClose }: { operator: OperatorSummary; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!password) return setError('请输入新密码');
    if (password !== confirm) return setError('两次输入的密码不一致');
    setBusy(true);
    setError(null);
    try {
      await resetOperatorPassword(operator.id, password);
      showToast('ok', `已重置 ${operator.displayName} 的密码`);
      onClose();
    } catch (err) {
      setBusy(false);
      setError(errorMessage(err));
    }
  }

  return (
    <Modal title={`重置密码：${operator.displayName}（${operator.username}）`} onClose={onClose} testId="reset-dialog">
      <form className="form-stack" onSubmit={submit} noValidate>
        <p className="modal-note">请把新密码当面告知该操作员，并提醒其登录后改成自己的密码。</p>
        <Field label="新密码">
          {(f) => (
            <input
              id={f.id}
              type="password"
              data-autofocus
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="reset-password"
            />
          )}
        </Field>
        <Field label="确认新密码">
          {(f) => (
            <input
              id={f.id}
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              data-testid="reset-password-confirm"
            />
          )}
        </Field>
        <ErrorMessage text={error} />
        <div className="modal-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="reset-submit">
            {busy ? '正在重置…' : '重置密码'}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            取消（Esc）
          </button>
        </div>
      </form>
    </Modal>
  );
}
