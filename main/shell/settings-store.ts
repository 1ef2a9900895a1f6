// Settings in the desktop app: electron-store (a JSON file in userData) behind SettingsStore.
import Store from 'electron-store';
import { SettingsStore, type KeyValueStore } from '../core/settings.ts';

export function desktopSettings(): SettingsStore {
  const store = new Store<Record<string, unknown>>({ name: 'settings' });
  return new SettingsStore(store as unknown as KeyValueStore);
}
