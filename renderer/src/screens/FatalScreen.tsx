export function FatalScreen({ fatal }: { fatal: { code: string; message: string } }) {
  return (
    <main className="fatal-screen" role="alert" data-testid="fatal-screen">
      <div className="fatal-card">
        <h1>收银台无法启动</h1>
        <p className="fatal-message">{fatal.message}</p>
        <p className="fatal-hint">
          请不要继续收银。请联系店长或实施工程师处理，并告知下面的错误代码；处理完成后重新打开本程序。
        </p>
        <p className="fatal-code">错误代码：{fatal.code}</p>
      </div>
    </main>
  );
}

export function BootScreen({ error, onRetry }: { error: string | null; onRetry: () => void }) {
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <h1 className="auth-title">药店医保收银台</h1>
        {error ? (
          <>
            <div className="error-message" role="alert" data-testid="error-message">
              {error}
            </div>
            <div className="form-actions">
              <button type="button" className="btn btn-primary" onClick={onRetry} autoFocus>
                重试
              </button>
            </div>
          </>
        ) : (
          <p className="muted">正在启动…</p>
        )}
      </div>
    </main>
  );
}
