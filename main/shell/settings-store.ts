// Settings in the desktop app: electron-store (a JSON file in userData) behind SettingsStore,
// owner-only on disk, with the REST token sealed by the OS keychain (safeStorage) where there is one.
import { safeStorage } from 'electron';
import Store from 'electron-store';
import { sealedTokenStore } from '../core/sealed-token.ts';
import { ownerOnly, SECRET_FILE_MODE, SettingsStore, type KeyValueStore } from '../core/settings.ts';

export function desktopSettings(): SettingsStore {
  const store = new Store<Record<string, unknown>>({ name: 'settings', configFileMode: SECRET_FILE_MODE });
  ownerOnly(store.path);
  const cipher = {
    available: () => safeStorage.isEncryptionAvailable(),
    seal: (text: string) => safeStorage.encryptString(text).toString('base64'),
    open: (sealed: string) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  };
  return new SettingsStore(sealedTokenStore(store as unknown as KeyValueStore & { delete(key: string): void }, cipher));
}
