import { create } from 'zustand';

export type ModuleId = 'sale' | 'inventory' | 'catalog' | 'reconcile' | 'settings';
export type SettingsTab =
  'general' | 'operators' | 'audit' | 'backup' | 'system' | 'nhsa-journal' | 'nhsa-reversals' | 'practitioners';
export type CatalogTab = 'search' | 'products' | 'mapping' | 'sync';

interface NavigationState {
  screen: ModuleId;
  settingsTab: SettingsTab;
  catalogTab: CatalogTab;
}

const initial: NavigationState = { screen: 'sale', settingsTab: 'general', catalogTab: 'search' };

export const useNavigationStore = create<NavigationState>()(() => initial);

export function goTo(screen: ModuleId): void {
  useNavigationStore.setState({ screen });
}

export function setSettingsTab(settingsTab: SettingsTab): void {
  useNavigationStore.setState({ settingsTab });
}

/** Straight to one settings tab from anywhere (the status bar's 待冲正 item). */
export function openSettingsTab(settingsTab: SettingsTab): void {
  useNavigationStore.setState({ screen: 'settings', settingsTab });
}

export function resetNavigation(): void {
  useNavigationStore.setState(initial);
}

export function setCatalogTab(catalogTab: CatalogTab): void {
  useNavigationStore.setState({ catalogTab });
}

/** Straight to one 目录 tab from anywhere (e.g. from a product's details to its mapping). */
export function openCatalogTab(catalogTab: CatalogTab): void {
  useNavigationStore.setState({ screen: 'catalog', catalogTab });
}

/** The identifier written to the audit log with every call, e.g. "settings/operators". */
export function screenId(): string {
  const { screen, settingsTab, catalogTab } = useNavigationStore.getState();
  if (screen === 'settings') return `settings/${settingsTab}`;
  if (screen === 'catalog') return `catalog/${catalogTab}`;
  return screen;
}
