import { resetAudit } from './audit';
import { resetOperators } from './operators';
import { resetSettings } from './settings';
import { resetSystem } from './system';
import { useToastStore } from './toast';

export function resetDomainStores(): void {
  resetSettings();
  resetOperators();
  resetAudit();
  resetSystem();
  // Notices about the last operator's work are not for the next person at the counter.
  useToastStore.setState({ toasts: [] });
}
