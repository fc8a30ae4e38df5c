import { useState, type FormEvent } from 'react';
import { PosError, errorMessage } from '../api/pos';
import { ErrorMessage, Field } from '../components/Field';
import { setupAdmin } from '../stores/session';

type FieldName = 'username' | 'displayName' | 'password' | 'confirm';

export function SetupScreen({ pharmacyName }: { pharmacyName: string }) {
  const [values, setValues] = useState<Record<FieldName, string>>({
    username: '',
    displayName: '',
    password: '',
    confirm: '',
  });
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const bind = (name: FieldName) => ({
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: Partial<Record<FieldName, string>> = {};
    if (!values.username.trim()) local.username = '请填写用户名';
    if (!values.displayName.trim()) local.displayName = '请填写姓名';
    if (!values.password) local.password = '请设置密码';
    else if (values.password !== values.confirm) local.confirm = '两次输入的密码不一致';
    setErrors(local);
    setError(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      await setupAdmin({
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        password: values.password,
      });
    } catch (err) {
      setBusy(false);
      if (err instanceof PosError && err.fields.length > 0) {
        const byField: Partial<Record<FieldName, string>> = {};
        for (const f of err.fields) {
          const name = f.path.split('.').pop() as FieldName;
          if (name in values) byField[name] = f.message;
        }
        setErrors(byField);
      }
      setError(errorMessage(err));
    }
  }

  return (
    <main className="auth-screen">
      <form className="auth-card auth-card-wide" onSubmit={submit} noValidate data-testid="setup-screen">
        <h1 className="auth-title">首次使用</h1>
        <p className="auth-subtitle">
          {pharmacyName ? `${pharmacyName} · ` : ''}请创建系统管理员账户。管理员负责设置药店信息、医保接口和其他操作员。
        </p>
        <Field label="用户名" help="登录时使用，字母、数字、下划线、点或短横线" error={errors.username}>
          {(f) => (
            <input
              id={f.id}
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
              autoComplete="username"
              autoFocus
              data-testid="setup-username"
              {...bind('username')}
            />
          )}
        </Field>
        <Field label="姓名" help="显示在状态栏和审计日志中" error={errors.displayName}>
          {(f) => (
            <input
              id={f.id}
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
              data-testid="setup-display-name"
              {...bind('displayName')}
            />
          )}
        </Field>
        <Field label="密码" error={errors.password}>
          {(f) => (
            <input
              id={f.id}
              type="password"
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
              autoComplete="new-password"
              data-testid="setup-password"
              {...bind('password')}
            />
          )}
        </Field>
        <Field label="确认密码" error={errors.confirm}>
          {(f) => (
            <input
              id={f.id}
              type="password"
              aria-describedby={f.describedBy}
              aria-invalid={f.invalid}
              autoComplete="new-password"
              data-testid="setup-password-confirm"
              {...bind('confirm')}
            />
          )}
        </Field>
        <ErrorMessage text={error} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary btn-large" disabled={busy} data-testid="setup-submit">
            {busy ? '正在创建…' : '创建管理员并登录'}
          </button>
        </div>
      </form>
    </main>
  );
}
