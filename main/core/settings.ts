// Settings behind an interface: `conf` (a JSON file) in the headless server and tests,
// electron-store (which extends conf) in the desktop shell. Secrets never leave through
// getSettings.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Conf from 'conf';
import { defaultSettings, settingsSchema, type Settings } from '../../preload/contract/index.ts';

interface Stored extends Settings {
  restToken?: string;
}

/** The part of conf (and electron-store) this app uses. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  readonly store: Record<string, unknown>;
}

export class SettingsStore {
  readonly #kv: KeyValueStore;
  #token: string | undefined;
  readonly #listeners = new Set<(next: Settings, changed: (keyof Settings)[]) => void>();

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  get(): Settings {
    // Whatever is on disk is checked again, key by key: a bad hand-edited value falls back to
    // its default alone, and every other setting stays as saved.
    const stored = this.#kv.store;
    const out: Record<string, unknown> = { ...defaultSettings };
    for (const key of Object.keys(defaultSettings) as (keyof Settings)[]) {
      if (!(key in stored)) continue;
      const parsed = settingsSchema.shape[key].safeParse(stored[key]);
      if (parsed.success) out[key] = parsed.data;
    }
    // Each key is valid on its own; a rule across keys (none today) would still have the last word.
    const whole = settingsSchema.safeParse(out);
    return whole.success ? whole.data : defaultSettings;
  }

  update(patch: Partial<Settings>): Settings {
    const before = this.get();
    const next = settingsSchema.parse({ ...before, ...patch });
    const changed = (Object.keys(patch) as (keyof Settings)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
    for (const key of changed) this.#kv.set(key, next[key]);
    if (changed.length) for (const listener of this.#listeners) listener(next, changed);
    return next;
  }

  onChange(listener: (next: Settings, changed: (keyof Settings)[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The REST token: MODEL_MANAGER_TOKEN, else one generated once and kept (read once: servers ask per request). */
  restToken(env: NodeJS.ProcessEnv = process.env): string {
    if (env.MODEL_MANAGER_TOKEN) return env.MODEL_MANAGER_TOKEN;
    this.#token ??= (this.#kv.get('restToken') as Stored['restToken']) || this.rotateRestToken();
    return this.#token;
  }

  /** A new random token replaces the kept one; servers reading restToken() per request take it at once. */
  rotateRestToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.#kv.set('restToken', token);
    this.#token = token;
    return token;
  }
}

/** Owner only: the settings file holds the REST token. */
export const SECRET_FILE_MODE = 0o600;
export const SECRET_DIR_MODE = 0o700;

/** A settings file for the headless server and tests (`dir` overrides the per-user config folder). */
export function fileSettings(dir?: string): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({ projectName: 'kubernetes-model-manager', configFileMode: SECRET_FILE_MODE, ...(dir ? { cwd: dir } : {}) });
  ownerOnly(conf.path);
  return new SettingsStore(conf);
}

/** The folder of a settings file made (or tightened to) 0700, the file itself 0600 when it exists. */
export function ownerOnly(file: string): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true, mode: SECRET_DIR_MODE });
  chmodSync(folder, SECRET_DIR_MODE);
  if (existsSync(file)) chmodSync(file, SECRET_FILE_MODE);
}
