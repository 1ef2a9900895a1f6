// GPU status from the caches and Ollama's /api/ps; free VRAM and estimates for the Ollama side.
import type { GpuInfo, GpuStatusResult, VramEstimate } from '../../../preload/contract/index.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import type { CoreContext } from '../manager.ts';
import type { GpuFacts, OllamaFacts } from '../ports.ts';
import { computeGpuInfo, estimateVram, recommendations, type ManifestSource } from '../vram/index.ts';

export class GpuView implements GpuFacts {
  readonly #ctx: CoreContext;
  readonly #caches: ClusterCaches;
  readonly #ollama: OllamaFacts;
  readonly #registry: ManifestSource;
  #lastLine = '';

  constructor(ctx: CoreContext, caches: ClusterCaches, ollama: OllamaFacts, registry: ManifestSource) {
    this.#ctx = ctx;
    this.#caches = caches;
    this.#ollama = ollama;
    this.#registry = registry;
  }

  /** Capacity and allocation from the caches (no API call once synced); `used` only when asked. */
  async info(withUsed: boolean): Promise<GpuInfo> {
    await this.#caches.ready(['nodes', 'pods']);
    const loaded = withUsed ? await this.#ollama.loadedVramBytes().catch(() => null) : null;
    return computeGpuInfo({
      nodes: this.#caches.nodes.values(),
      pods: this.#caches.pods.values(),
      defaultVramGb: this.#ctx.settings.get().defaultVramGb,
      loadedVramBytes: loaded,
    });
  }

  async status(): Promise<GpuStatusResult> {
    const info = await this.info(true);
    const line = `total ${info.total_vram_gb} GB, allocated ${info.allocated_vram_gb} GB, available ${info.available_vram_gb} GB, largest free GPU ${info.largest_free_gpu_gb} GB, used ${info.used_vram_gb ?? 'unknown'}`;
    // Polled every few seconds by the UI and the tray: log only what changed.
    if (line !== this.#lastLine) this.#ctx.log.info('GPU', line);
    this.#lastLine = line;
    return { success: true, gpu_info: info, recommendations: recommendations(info.largest_free_gpu_gb, info.available_vram_gb, info.gpu_count) };
  }

  async freeVram(): Promise<{ available_vram_gb: number; largest_free_gpu_gb: number }> {
    const info = await this.info(false);
    return { available_vram_gb: info.available_vram_gb, largest_free_gpu_gb: info.largest_free_gpu_gb };
  }

  estimate(model: string): Promise<VramEstimate> {
    return estimateVram(model, { ollama: this.#ollama, registry: this.#registry });
  }
}
