import { resetAudit } from './audit';
import { resetNhsa } from './nhsa';
import { resetNhsaJournal } from './nhsaJournal';
import { resetReversals } from './reversals';
import { resetOperators } from './operators';
import { resetPractitioners } from './practitioners';
import { resetSettings } from './settings';
import { resetSystem } from './system';
import { useToastStore } from './toast';

export function resetDomainStores(): void {
  resetSettings();
  resetOperators();
  resetAudit();
  resetSystem();
  resetNhsa();
  resetNhsaJournal();
  resetReversals();
  resetPractitioners();
  // Notices about the last operator's work are not for the next person at the counter.
  useToastStore.setState({ toasts: [] });
}
