import { useEffect, useMemo, useState } from 'react';
import { ChangePasswordDialog } from '../components/ChangePasswordDialog';
import { StatusWarnings } from '../components/Banners';
import { goTo, useNavigationStore } from '../stores/navigation';
import { logout, useSessionStore } from '../stores/session';
import { showToast } from '../stores/toast';
import { errorMessage } from '../api/pos';
import type { SessionOperator } from '../../../app/shared/contract';
import { MODULES } from './modules';
import { PlaceholderScreen } from './PlaceholderScreen';

export function MainLayout({ operator }: { operator: SessionOperator }) {
  const screen = useNavigationStore((s) => s.screen);
  const pharmacyName = useSessionStore((s) => s.status?.pharmacyName ?? '');
  const [changingPassword, setChangingPassword] = useState(false);
  const forcedPasswordChange = operator.mustChangePassword;
  const roles = operator.roles;
  const modules = useMemo(() => MODULES.filter((m) => !m.visibleTo || m.visibleTo(roles)), [roles]);
  const current = modules.find((m) => m.id === screen) ?? modules[0];

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      // A screen that uses the same key for its own work handles it first and calls preventDefault.
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      if (document.querySelector('dialog[open]')) return;
      const target = modules.find((m) => m.key === e.key);
      if (target) {
        e.preventDefault();
        goTo(target.id);
      } else if (e.key === 'F5') {
        // In browser mode a reload is a new session: it would log the cashier out mid-sale.
        e.preventDefault();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [modules]);

  async function onLogout() {
    try {
      await logout();
    } catch (e) {
      showToast('error', errorMessage(e));
    }
  }

  const Content = current?.component;
  return (
    <div className="main-layout">
      <header className="app-header">
        <div className="app-brand">
          <span className="app-name">药店医保收银台</span>
          {pharmacyName ? <span className="app-pharmacy">{pharmacyName}</span> : null}
        </div>
        <div className="header-actions">
          <button
            type="button"
            className="btn"
            onClick={() => setChangingPassword(true)}
            data-testid="change-password-open"
          >
            修改密码
          </button>
          <button type="button" className="btn" onClick={() => void onLogout()} data-testid="logout">
            退出登录
          </button>
        </div>
      </header>
      <div className="app-body">
        <nav className="side-nav" aria-label="功能">
          {modules.map((m) => (
            <button
              key={m.id}
              type="button"
              className={m.id === current?.id ? 'nav-item active' : 'nav-item'}
              aria-current={m.id === current?.id ? 'page' : undefined}
              onClick={() => goTo(m.id)}
              data-testid={`nav-${m.id}`}
            >
              <span className="nav-label">{m.label}</span>
              <kbd className="nav-key">{m.key}</kbd>
            </button>
          ))}
        </nav>
        <main className="content">
          <StatusWarnings />
          {current ? Content ? <Content /> : <PlaceholderScreen module={current} /> : null}
        </main>
      </div>
      {forcedPasswordChange ? (
        <ChangePasswordDialog forced onClose={() => undefined} />
      ) : changingPassword ? (
        <ChangePasswordDialog forced={false} onClose={() => setChangingPassword(false)} />
      ) : null}
    </div>
  );
}
