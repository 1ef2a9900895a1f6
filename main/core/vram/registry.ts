// The one client of the Ollama registry's manifests (no list API exists, but manifests do):
// weights bytes for estimates, total bytes and "missing" for the catalogue. Fails fast: the
// registry is often unreachable (air-gapped clusters, firewalled workstations), so after a
// connect or timeout failure the host counts as down for a minute and every lookup answers
// at once; then one request probes it again. State is per registry URL and shared by every
// client of that URL in the process (the cluster side's estimates and the catalogue).
import { request } from 'undici';
import type { Logger } from '../log.ts';
import { parseModelName } from './model-name.ts';

export const DEFAULT_REGISTRY_URL = 'https://registry.ollama.ai';
const WEIGHTS_MEDIA_TYPE = 'application/vnd.ollama.image.model';
const MANIFEST_ACCEPT = 'application/vnd.docker.distribution.manifest.v2+json';
/** A manifest or a 404 holds for an hour; another answer (5xx, bad body) is asked again after a minute. */
const ANSWER_TTL_MS = 60 * 60_000;
const ODD_ANSWER_TTL_MS = 60_000;
export const DEFAULT_DOWN_FOR_MS = 60_000;

/** found: the manifest's sizes; missing: the registry says 404; unknown: no answer (down, too slow, another registry). */
export type ManifestLookup = { kind: 'found'; totalBytes: number; weightsBytes: number | null } | { kind: 'missing' } | { kind: 'unknown' };

export interface ManifestSource {
  /** Bytes of the weights layer; null when the registry does not know the model or does not answer. */
  weightsBytes(model: string): Promise<number | null>;
  /** What the registry says of a model's default manifest. */
  lookup(model: string): Promise<ManifestLookup>;
  /** True while the host counts as down: lookups answer "unknown" without asking. */
  isDown(): boolean;
}

export interface RegistryOptions {
  /** How long the host counts as down after a connect or timeout failure. */
  downForMs?: number;
  log?: Logger;
}

interface Manifest {
  layers?: { mediaType?: string; size?: number }[];
  config?: { size?: number };
}

/** Closed: requests go out. Open: none until `until`; then one probe, whose result closes or re-opens it. */
class HostBreaker {
  #until = 0;
  #probing = false;

  isOpen(): boolean {
    return this.#until > 0 && (Date.now() < this.#until || this.#probing);
  }

  /** May a request go out now? In the half-open state only the first caller may. */
  allow(): boolean {
    if (this.#until === 0) return true;
    if (Date.now() < this.#until || this.#probing) return false;
    this.#probing = true;
    return true;
  }

  /** The host answered (any HTTP status). */
  succeeded(): void {
    this.#until = 0;
    this.#probing = false;
  }

  /** Connect failure or timeout; true when this opens a closed breaker. */
  failed(downForMs: number): boolean {
    const wasClosed = this.#until === 0;
    this.#until = Date.now() + downForMs;
    this.#probing = false;
    return wasClosed;
  }
}

interface HostState {
  breaker: HostBreaker;
  cache: Map<string, { value: ManifestLookup; until: number }>;
  inflight: Map<string, Promise<ManifestLookup>>;
}

const hosts = new Map<string, HostState>();
const hostState = (base: string): HostState => {
  let s = hosts.get(base);
  if (!s) hosts.set(base, (s = { breaker: new HostBreaker(), cache: new Map(), inflight: new Map() }));
  return s;
};

const UNKNOWN: ManifestLookup = { kind: 'unknown' };

export function registryManifests(baseUrl = DEFAULT_REGISTRY_URL, timeoutMs = 1000, opts: RegistryOptions = {}): ManifestSource {
  const base = baseUrl.replace(/\/+$/, '');
  const state = hostState(base);
  const downForMs = opts.downForMs ?? DEFAULT_DOWN_FOR_MS;

  async function fetchManifest(path: string): Promise<{ value: ManifestLookup; ttl: number }> {
    let res;
    try {
      res = await request(base + path, {
        headers: { accept: MANIFEST_ACCEPT },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if (state.breaker.failed(downForMs)) {
        opts.log?.info('OLLAMA', `registry ${base} did not answer (${(err as Error).message}); counting it down for ${Math.round(downForMs / 1000)} s`);
      }
      return { value: UNKNOWN, ttl: 0 };
    }
    state.breaker.succeeded();
    try {
      if (res.statusCode === 404) {
        await res.body.dump();
        return { value: { kind: 'missing' }, ttl: ANSWER_TTL_MS };
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        return { value: UNKNOWN, ttl: ODD_ANSWER_TTL_MS };
      }
      const body = (await res.body.json()) as Manifest;
      const layers = Array.isArray(body.layers) ? body.layers : [];
      const size = (l: { size?: number }) => (typeof l.size === 'number' && l.size > 0 ? l.size : 0);
      const weights = layers.filter((l) => l.mediaType === WEIGHTS_MEDIA_TYPE).map(size);
      const totalBytes = layers.reduce((s, l) => s + size(l), 0);
      return {
        value: { kind: 'found', totalBytes, weightsBytes: weights.length && weights.some((b) => b > 0) ? weights.reduce((a, b) => a + b, 0) : null },
        ttl: ANSWER_TTL_MS,
      };
    } catch {
      // The headers came but the body did not, or was not JSON: ask again later.
      return { value: UNKNOWN, ttl: ODD_ANSWER_TTL_MS };
    }
  }

  async function lookup(model: string): Promise<ManifestLookup> {
    const { host, namespace, family, tag } = parseModelName(model);
    // Names on another registry are not looked up here.
    if (host || !family) return UNKNOWN;
    const key = `${namespace ?? 'library'}/${family}:${tag}`;
    const hit = state.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const running = state.inflight.get(key);
    if (running) return running;
    if (!state.breaker.allow()) return UNKNOWN;
    const path = `/v2/${encodeURIComponent(namespace ?? 'library')}/${encodeURIComponent(family)}/manifests/${encodeURIComponent(tag)}`;
    const p = fetchManifest(path).then(({ value, ttl }) => {
      if (ttl > 0) state.cache.set(key, { value, until: Date.now() + ttl });
      return value;
    });
    state.inflight.set(key, p);
    try {
      return await p;
    } finally {
      state.inflight.delete(key);
    }
  }

  return {
    lookup,
    async weightsBytes(model) {
      const r = await lookup(model);
      return r.kind === 'found' ? r.weightsBytes : null;
    },
    isDown: () => state.breaker.isOpen(),
  };
}
