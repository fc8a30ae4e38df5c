import { useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../api/pos';
import { ErrorMessage } from '../components/Field';
import { login } from '../stores/session';

export function LoginScreen({ pharmacyName }: { pharmacyName: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!username.trim()) {
      setError('请输入用户名');
      usernameRef.current?.focus();
      return;
    }
    if (!password) {
      setError('请输入密码');
      passwordRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(errorMessage(err));
      setPassword('');
      setBusy(false);
      // The cashier retypes the password straight away without reaching for the mouse.
      requestAnimationFrame(() => passwordRef.current?.focus());
    }
  }

  return (
    <main className="auth-screen">
      <form className="auth-card" onSubmit={submit} noValidate data-testid="login-screen">
        <h1 className="auth-title">药店医保收银台</h1>
        {pharmacyName ? <p className="auth-subtitle">{pharmacyName}</p> : null}
        <div className="field">
          <label htmlFor="login-username" className="field-label">
            用户名
          </label>
          <input
            id="login-username"
            ref={usernameRef}
            autoComplete="username"
            autoFocus
            data-testid="login-username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password" className="field-label">
            密码
          </label>
          <input
            id="login-password"
            ref={passwordRef}
            type="password"
            autoComplete="current-password"
            data-testid="login-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <ErrorMessage text={error} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary btn-large" disabled={busy} data-testid="login-submit">
            {busy ? '正在登录…' : '登录（Enter）'}
          </button>
        </div>
      </form>
    </main>
  );
}
