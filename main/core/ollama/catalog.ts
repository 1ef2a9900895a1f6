// GET /api/ollama/gguf-models: the curated catalogue with VRAM estimates and fit. The
// registry has no list API, so "asking the registry" means reading the manifests of the
// curated names (real download sizes, names that no longer exist dropped) within ~1 s;
// when it does not answer, the curated sizes stand. The whole answer comes within 2 s.
// The model table and the registry client are the cluster side's (main/core/vram).
import type { CatalogEntry, CatalogResult, FitResult, VramEstimate } from '../../../preload/contract/index.ts';
import type { Logger } from '../log.ts';
import { bytesToGib, round2 } from '../../../preload/contract/units.ts';
import type { GpuFacts } from '../ports.ts';
import { within } from '../within.ts';
import { CURATED, type CatalogueModel } from '../vram/catalogue.ts';
import { estimateFromManifest, estimateFromName } from '../vram/estimate.ts';
import { DEFAULT_REGISTRY_URL, registryManifests, type ManifestLookup, type ManifestSource } from '../vram/registry.ts';
import type { OllamaLists } from './models.ts';
import { sameModel } from './models.ts';

const REGISTRY_BUDGET_MS = 1_000;
const STEP_BUDGET_MS = 1_200;

type RegistryView = { ok: boolean; sizes: Map<string, number>; missing: Set<string> };

export class Catalog {
  readonly #lists: OllamaLists;
  readonly #gpu: GpuFacts;
  readonly #log: Logger;
  readonly #registryUrl: string;
  readonly #registry: ManifestSource;
  /** Said once per outage, not on every catalogue. */
  #quiet = false;

  constructor(lists: OllamaLists, gpu: GpuFacts, env: NodeJS.ProcessEnv, log: Logger) {
    this.#lists = lists;
    this.#gpu = gpu;
    this.#log = log;
    this.#registryUrl = env.OLLAMA_REGISTRY_URL || DEFAULT_REGISTRY_URL;
    this.#registry = registryManifests(this.#registryUrl, REGISTRY_BUDGET_MS, { log });
  }

  async get(): Promise<CatalogResult> {
    const models = CURATED;
    const [view, held, free, estimates] = await Promise.all([
      this.#registryView(models),
      within(this.#lists.tags(), STEP_BUDGET_MS, []),
      within(this.#gpu.freeVram(), STEP_BUDGET_MS, null),
      // The same estimator and fit check per free unit as the estimate route and the GPU status' recommendations.
      Promise.all(models.map((m) => within(this.#estimateFit(m.name), STEP_BUDGET_MS, null))),
    ]);
    const largest = free?.largest_free_gpu_gb ?? 0;
    const entries: CatalogEntry[] = [];
    models.forEach((m, i) => {
      if (view.ok && view.missing.has(m.name)) return; // the registry no longer has it
      const registryBytes = view.sizes.get(m.name);
      // GiB like every memory figure; the curated download sizes are in 1e9 bytes.
      const size_gb = round2(bytesToGib(registryBytes ?? m.downloadGb * 1e9));
      const got = estimates[i];
      const estimate = got?.estimate ?? fallbackEstimate(m, registryBytes);
      entries.push({
        name: m.name,
        description: m.description,
        size_gb,
        estimate,
        fits: got?.fit ? got.fit.fits : estimate.required_vram_gb <= largest,
        ...(got?.fit ? { fit: got.fit } : {}),
        installed: held.some((h) => sameModel(h.name ?? h.model ?? '', m.name)),
      });
    });
    const capacity_note = free ? free.capacity_note : 'free VRAM is unknown right now (the cluster did not answer in time): "fits" is not confirmed';
    return {
      success: true,
      source: view.ok ? 'registry' : 'curated',
      models: entries,
      available_vram_gb: free?.available_vram_gb ?? 0,
      largest_free_gpu_gb: largest,
      ...(capacity_note ? { capacity_note } : {}),
    };
  }

  /** The cluster side's estimate and fit; a side without a fit check gives the estimate alone. */
  async #estimateFit(model: string): Promise<{ estimate: VramEstimate; fit?: FitResult }> {
    if (this.#gpu.estimateFit) return this.#gpu.estimateFit(model);
    return { estimate: await this.#gpu.estimate(model) };
  }

  /** Manifests of the curated names (cached, and answered at once while the registry is down). */
  async #registryView(models: readonly CatalogueModel[]): Promise<RegistryView> {
    const unknown: ManifestLookup = { kind: 'unknown' };
    const answers = await Promise.all(models.map((m) => within(this.#registry.lookup(m.name), REGISTRY_BUDGET_MS, unknown)));
    const sizes = new Map<string, number>();
    const missing = new Set<string>();
    answers.forEach((a, i) => {
      const name = models[i]!.name;
      if (a.kind === 'missing') missing.add(name);
      else if (a.kind === 'found' && a.totalBytes > 0) sizes.set(name, a.totalBytes);
    });
    // Names are dropped only on a registry that also gave sizes: a 404 for everything is a wrong URL, not an empty library.
    const ok = sizes.size > 0;
    if (!ok && !this.#quiet) this.#log.info('OLLAMA', `registry ${this.#registryUrl} did not answer within ${REGISTRY_BUDGET_MS} ms; using the curated catalogue`);
    this.#quiet = !ok;
    return { ok, sizes, missing: ok ? missing : new Set<string>() };
  }

  async close(): Promise<void> {}
}

/** When the cluster side cannot estimate in time: the same estimator on the registry's size (else the catalogue row), at 4,096 tokens. */
export function fallbackEstimate(m: Pick<CatalogueModel, 'name'>, registryBytes?: number): VramEstimate {
  const e = registryBytes ? estimateFromManifest(m.name, registryBytes, { context_length: 4096 }) : estimateFromName(m.name, { context_length: 4096 });
  return { ...e, detail: `${e.detail}; the cluster estimate did not answer in time, so the fit on the free units is not checked` };
}
