// The REST token at rest, sealed by the OS keychain where there is one (Electron's safeStorage
// in the desktop app: Keychain, DPAPI, libsecret): the settings file then holds only the
// sealed form, so reading the file is not enough to get the token. Without a keychain the
// token stays in the (0600) file as before. Electron-free: the shell passes the cipher.
import type { KeyValueStore } from './settings.ts';

export interface TokenCipher {
  available(): boolean;
  /** Base64 of the sealed bytes. */
  seal(text: string): string;
  open(sealed: string): string;
}

const PLAIN = 'restToken';
const SEALED = 'restTokenSealed';

/** `kv` with its restToken kept sealed when `cipher` is available (a plain one is sealed on first read). */
export function sealedTokenStore(kv: KeyValueStore & { delete(key: string): void }, cipher: TokenCipher): KeyValueStore {
  return {
    get store() {
      return kv.store;
    },
    get(key: string): unknown {
      if (key !== PLAIN || !cipher.available()) return kv.get(key);
      const sealed = kv.get(SEALED);
      if (typeof sealed === 'string') return cipher.open(sealed);
      const plain = kv.get(PLAIN);
      if (typeof plain === 'string' && plain) {
        kv.set(SEALED, cipher.seal(plain));
        kv.delete(PLAIN);
      }
      return plain;
    },
    set(key: string, value: unknown): void {
      if (key !== PLAIN || !cipher.available() || typeof value !== 'string') return kv.set(key, value);
      kv.set(SEALED, cipher.seal(value));
      kv.delete(PLAIN);
    },
  };
}
