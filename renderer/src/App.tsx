import { ConnectionBanner, TrainingBanner } from './components/Banners';
import { StatusBar } from './components/StatusBar';
import { Toasts } from './components/Toasts';
import { BootScreen, FatalScreen } from './screens/FatalScreen';
import { LoginScreen } from './screens/LoginScreen';
import { MainLayout } from './screens/MainLayout';
import { SetupScreen } from './screens/SetupScreen';
import { bootstrap, useSessionStore } from './stores/session';

export function App() {
  const status = useSessionStore((s) => s.status);
  const operator = useSessionStore((s) => s.operator);
  const loading = useSessionStore((s) => s.loading);
  const bootError = useSessionStore((s) => s.bootError);

  // A broken installation shows its reason and nothing that could be mistaken for a working till.
  if (status?.fatal) return <FatalScreen fatal={status.fatal} />;

  let body;
  if (!status || (loading && !operator)) {
    body = <BootScreen error={loading ? null : bootError} onRetry={() => void bootstrap()} />;
  } else if (operator) {
    body = <MainLayout key={operator.id} operator={operator} />;
  } else if (status.firstRun) {
    body = <SetupScreen pharmacyName={status.pharmacyName} />;
  } else {
    body = <LoginScreen pharmacyName={status.pharmacyName} />;
  }

  return (
    <div className="app">
      <TrainingBanner />
      <ConnectionBanner />
      <div className="app-main">{body}</div>
      <StatusBar />
      <Toasts />
    </div>
  );
}
