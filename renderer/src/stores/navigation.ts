import { create } from 'zustand';

export type ModuleId = 'sale' | 'inventory' | 'catalog' | 'reconcile' | 'settings';
export type SettingsTab =
  'general' | 'operators' | 'audit' | 'backup' | 'system' | 'nhsa-journal' | 'nhsa-reversals' | 'practitioners';

interface NavigationState {
  screen: ModuleId;
  settingsTab: SettingsTab;
}

const initial: NavigationState = { screen: 'sale', settingsTab: 'general' };

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

/** The identifier written to the audit log with every call, e.g. "settings/operators". */
export function screenId(): string {
  const { screen, settingsTab } = useNavigationStore.getState();
  return screen === 'settings' ? `settings/${settingsTab}` : screen;
}
