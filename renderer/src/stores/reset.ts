import { resetAudit } from './audit';
import { resetCatalogue } from './catalogue';
import { resetMapping } from './mapping';
import { catalogueSearch } from './productSearch';
import { resetProducts } from './products';
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
  resetCatalogue();
  resetProducts();
  resetMapping();
  catalogueSearch.reset();
  // Notices about the last operator's work are not for the next person at the counter.
  useToastStore.setState({ toasts: [] });
}
