import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getPosApi, onConnectionChange, onReconnected, onServerError, setScreenProvider } from './api/pos';
import { onCatalogueFinished, onCatalogueProgress } from './stores/catalogue';
import { setConnection } from './stores/connection';
import { screenId } from './stores/navigation';
import { onNhsaChanged, refreshNhsaStatus } from './stores/nhsa';
import { bootstrap, endSession, refreshStatus, setStatus, useSessionStore } from './stores/session';
import { onSettingsChangedElsewhere } from './stores/settings';
import { showToast } from './stores/toast';
import './styles.css';

setScreenProvider(() => {
  const { status, operator } = useSessionStore.getState();
  if (operator) return screenId();
  return status?.firstRun ? 'setup' : 'login';
});

const pos = getPosApi();
onConnectionChange(setConnection);
onServerError((message) => showToast('error', message));
onReconnected(() => {
  // The bridge gives every connection a fresh session: whoever was logged in is logged out now.
  const wasLoggedIn = useSessionStore.getState().operator !== null;
  endSession();
  if (wasLoggedIn) showToast('info', '已重新连接本机服务，请重新登录');
  void bootstrap();
});

const loggedIn = () => useSessionStore.getState().operator !== null;

pos.subscribe('status.changed', (status) => {
  setStatus(status);
  if (loggedIn()) void refreshNhsaStatus();
});
pos.subscribe('nhsa.changed', (shared) => {
  if (loggedIn()) onNhsaChanged(shared);
  // The login screen's status bar shows the insurance state too.
  const status = useSessionStore.getState().status;
  if (status) setStatus({ ...status, insurance: shared.backend });
});
pos.subscribe('session.ended', ({ reason }) => {
  if (!loggedIn()) return;
  endSession();
  showToast('info', reason || '登录已失效，请重新登录');
});
pos.subscribe('settings.changed', () => {
  void onSettingsChangedElsewhere();
  void refreshStatus();
});
// A shell that does not forward these events refuses the subscription: the sync screen then
// follows a running sync by asking for the catalogue states instead.
try {
  pos.subscribe('catalogue.progress', (p) => {
    if (loggedIn()) onCatalogueProgress(p);
  });
  pos.subscribe('catalogue.finished', (run) => {
    if (loggedIn()) onCatalogueFinished(run);
  });
} catch (e) {
  console.warn('目录同步进度事件不可用', e);
}

void bootstrap();

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root');
createRoot(rootElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
