// Weights size from the Ollama registry's manifest (no list API exists, but manifests do).
// Fails fast: the registry is often unreachable (air-gapped clusters, this build machine).
import { request } from 'undici';
import { parseModelName } from './model-name.ts';

export const DEFAULT_REGISTRY_URL = 'https://registry.ollama.ai';
const WEIGHTS_MEDIA_TYPE = 'application/vnd.ollama.image.model';

export interface ManifestSource {
  /** Bytes of the weights layer; null when the registry does not know the model or does not answer. */
  weightsBytes(model: string): Promise<number | null>;
}

interface Manifest {
  layers?: { mediaType?: string; size?: number }[];
}

export function registryManifests(baseUrl = DEFAULT_REGISTRY_URL, timeoutMs = 1500): ManifestSource {
  const cache = new Map<string, { value: number | null; until: number }>();
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async weightsBytes(model) {
      const { host, namespace, family, tag } = parseModelName(model);
      // Names on another registry are not looked up here.
      if (host) return null;
      const hit = cache.get(`${namespace}/${family}:${tag}`);
      if (hit && hit.until > Date.now()) return hit.value;
      let value: number | null = null;
      let ttl = 60_000; // unreachable: try again in a minute
      try {
        const path = `/v2/${encodeURIComponent(namespace ?? 'library')}/${encodeURIComponent(family)}/manifests/${encodeURIComponent(tag)}`;
        const res = await request(base + path, {
          headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.statusCode === 200) {
          const body = (await res.body.json()) as Manifest;
          const sizes = (body.layers ?? []).filter((l) => l.mediaType === WEIGHTS_MEDIA_TYPE).map((l) => Number(l.size) || 0);
          value = sizes.length ? sizes.reduce((a, b) => a + b, 0) : null;
          ttl = 3_600_000;
        } else {
          await res.body.dump();
          if (res.statusCode === 404) ttl = 3_600_000;
        }
      } catch {
        value = null;
      }
      cache.set(`${namespace}/${family}:${tag}`, { value, until: Date.now() + ttl });
      return value;
    },
  };
}
