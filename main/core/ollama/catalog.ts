// GET /api/ollama/gguf-models: the curated catalogue with VRAM estimates and fit. The
// registry has no list API, so "asking the registry" means reading the manifests of the
// curated names (real download sizes, names that no longer exist dropped) within ~1 s;
// when it does not answer, the curated sizes stand. The whole answer comes within 2 s.
import { Agent, request } from 'undici';
import type { CatalogEntry, CatalogResult, VramEstimate } from '../../../preload/contract/index.ts';
import type { Logger } from '../log.ts';
import type { GpuFacts } from '../ports.ts';
import { CURATED_MODELS, type CuratedModel } from './catalog-data.ts';
import type { OllamaClient } from './client.ts';
import { sameModel, tags } from './models.ts';

const REGISTRY_BUDGET_MS = 1_000;
const STEP_BUDGET_MS = 1_200;
const REGISTRY_OK_TTL_MS = 60 * 60_000;
const REGISTRY_FAIL_TTL_MS = 60_000;
const MANIFEST_ACCEPT = 'application/vnd.docker.distribution.manifest.v2+json';

type RegistryView = { ok: boolean; sizes: Map<string, number>; missing: Set<string>; at: number };

export class Catalog {
  readonly #client: OllamaClient;
  readonly #gpu: GpuFacts;
  readonly #log: Logger;
  readonly #registry: string;
  readonly #agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: REGISTRY_BUDGET_MS } });
  #view: RegistryView | null = null;
  #checking: Promise<RegistryView> | null = null;

  constructor(client: OllamaClient, gpu: GpuFacts, env: NodeJS.ProcessEnv, log: Logger) {
    this.#client = client;
    this.#gpu = gpu;
    this.#log = log;
    this.#registry = (env.OLLAMA_REGISTRY_URL || 'https://registry.ollama.ai').replace(/\/+$/, '');
  }

  async get(): Promise<CatalogResult> {
    const models = CURATED_MODELS;
    const [view, held, free, estimates] = await Promise.all([
      this.#registryView(models),
      within(tags(this.#client, STEP_BUDGET_MS), STEP_BUDGET_MS, []),
      within(this.#gpu.freeVram(), STEP_BUDGET_MS, null),
      Promise.all(models.map((m) => within(this.#gpu.estimate(m.name), STEP_BUDGET_MS, null))),
    ]);
    const largest = free?.largest_free_gpu_gb ?? 0;
    const entries: CatalogEntry[] = [];
    models.forEach((m, i) => {
      if (view.ok && view.missing.has(m.name)) return; // the registry no longer has it
      const registryBytes = view.sizes.get(m.name);
      const size_gb = registryBytes ? Math.round((registryBytes / 1e9) * 100) / 100 : m.size_gb;
      const estimate = estimates[i] ?? fallbackEstimate(m, size_gb);
      entries.push({
        name: m.name,
        description: m.description,
        size_gb,
        estimate,
        fits: estimate.required_vram_gb <= largest,
        installed: held.some((h) => sameModel(h.name ?? h.model ?? '', m.name)),
      });
    });
    return {
      success: true,
      source: view.ok ? 'registry' : 'curated',
      models: entries,
      available_vram_gb: free?.available_vram_gb ?? 0,
      largest_free_gpu_gb: largest,
    };
  }

  async #registryView(models: CuratedModel[]): Promise<RegistryView> {
    const v = this.#view;
    if (v && Date.now() - v.at < (v.ok ? REGISTRY_OK_TTL_MS : REGISTRY_FAIL_TTL_MS)) return v;
    this.#checking ??= this.#check(models).finally(() => (this.#checking = null));
    return this.#checking;
  }

  async #check(models: CuratedModel[]): Promise<RegistryView> {
    const signal = AbortSignal.timeout(REGISTRY_BUDGET_MS);
    const sizes = new Map<string, number>();
    const missing = new Set<string>();
    let answered = 0;
    await Promise.all(
      models.map(async (m) => {
        const [repo, tag = 'latest'] = m.name.split(':');
        try {
          const res = await request(`${this.#registry}/v2/library/${repo}/manifests/${tag}`, {
            dispatcher: this.#agent,
            headers: { accept: MANIFEST_ACCEPT },
            signal,
          });
          const text = await res.body.text();
          if (res.statusCode === 404) {
            answered++;
            missing.add(m.name);
            return;
          }
          if (res.statusCode !== 200) return;
          const manifest = JSON.parse(text) as { layers?: { size?: number }[]; config?: { size?: number } };
          const bytes = (manifest.layers ?? []).reduce((s, l) => s + (typeof l.size === 'number' ? l.size : 0), 0);
          answered++;
          if (bytes > 0) sizes.set(m.name, bytes);
        } catch {
          // unreachable or too slow: the curated size stands
        }
      }),
    );
    const ok = answered > 0 && sizes.size > 0;
    if (!ok) this.#log.info('OLLAMA', `registry ${this.#registry} did not answer within ${REGISTRY_BUDGET_MS} ms; using the curated catalogue`);
    const view = { ok, sizes, missing: ok ? missing : new Set<string>(), at: Date.now() };
    this.#view = view;
    return view;
  }

  async close(): Promise<void> {
    await this.#agent.close().catch(() => {});
  }
}

/** When the cluster side cannot estimate in time: weights from the download size, a 4k-context KV cache and runtime overhead. */
export function fallbackEstimate(m: CuratedModel, sizeGb: number): VramEstimate {
  const kv = 0.5;
  const overhead = 0.5;
  return {
    model: m.name,
    required_vram_gb: Math.round((sizeGb + kv + overhead) * 10) / 10,
    weights_gb: sizeGb,
    kv_cache_gb: kv,
    overhead_gb: overhead,
    context_length: 4096,
    method: 'name',
    detail: 'download size plus about 0.5 GB of KV cache (4k context) and 0.5 GB of runtime overhead; the cluster estimate did not answer in time',
  };
}

/** The value of `p`, or `fallback` when it fails or takes longer than `ms`. */
function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(fallback), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      () => {
        clearTimeout(t);
        resolve(fallback);
      },
    );
  });
}
