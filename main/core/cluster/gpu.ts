// GPU status from the caches and Ollama's /api/ps; free VRAM and estimates for the Ollama side.
// An operator limited to a namespace may not list nodes (capacity unknown) or pods in every
// namespace (allocation counts only theirs): the answer says so instead of failing.
import type { GpuInfo, GpuStatusResult, ListScope, SharedOllamaEstimate, VramEstimate } from '../../../preload/contract/index.ts';
import type { EstimateOptions } from '../vram/estimate.ts';
import { fitAcrossUnits, freeUnits, type UnitFit } from '../vram/fit.ts';
import { versionOfImage } from '../vram/ollama-rules.ts';
import { AppError } from '../errors.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import type { PodLite } from '../kube/objects.ts';
import { kubeMessage } from '../kube/client.ts';
import type { CoreContext } from '../context.ts';
import type { GpuFacts, OllamaFacts } from '../ports.ts';
import { computeGpuInfo, modelFacts, nodeGpuGroups, recommendations, type ManifestSource } from '../vram/index.ts';
import { estimate } from '../vram/estimate.ts';
import { factsFromShow, type ModelFacts } from '../vram/model-facts.ts';
import { round2 } from '../vram/units.ts';
import { within } from '../within.ts';
import { liveGpuOf } from './live-gpu.ts';

/** GPU facts with what they cover. `nodesForbidden`: capacity is unknown (0), not absent. */
export interface GpuSnapshot {
  info: GpuInfo;
  scope: ListScope;
  nodesForbidden: AppError | null;
  note: string | null;
}

export function nodesForbiddenNote(err: AppError): string {
  return (
    `GPU capacity is unknown: this user may not list nodes (${kubeMessage(err)}). ` +
    'A ClusterRole granting "get", "list" and "watch" on "nodes" (API group "") bound to this user would show it; meanwhile deployments are not checked against free VRAM.'
  );
}

export function podsNamespaceNote(namespace: string): string {
  return (
    `Allocated VRAM counts only the pods of namespace ${namespace}: this user may not list pods in all namespaces, ` +
    'so GPUs that other namespaces use look free. A ClusterRole granting "list" and "watch" on "pods" would count them all.'
  );
}

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
  async view(withUsed: boolean): Promise<GpuSnapshot> {
    const [nodesForbidden] = await Promise.all([this.#nodesReady(), this.#caches.ready(['pods'])]);
    const loaded = withUsed ? await this.#ollama.loadedVramBytes().catch(() => null) : null;
    const defaultVramGb = this.#ctx.settings.get().defaultVramGb;
    // Kept current from the watch events (live-gpu.ts); without nodes there is nothing to keep.
    const info = nodesForbidden
      ? computeGpuInfo({ nodes: [], pods: this.#caches.pods.values(), defaultVramGb, loadedVramBytes: loaded })
      : liveGpuOf(this.#caches).info(defaultVramGb, loaded);
    const podsScoped = this.#caches.pods.scope === 'namespace';
    const scope: ListScope = nodesForbidden || podsScoped ? 'namespace' : 'cluster';
    const note = nodesForbidden ? nodesForbiddenNote(nodesForbidden) : podsScoped ? podsNamespaceNote(this.#ctx.kube.namespace) : null;
    return { info, scope, nodesForbidden, note };
  }

  /** Null once nodes are listed; the 403 when RBAC forbids listing them; other failures throw. */
  async #nodesReady(): Promise<AppError | null> {
    try {
      await this.#caches.ready(['nodes']);
      return null;
    } catch (err) {
      if (err instanceof AppError && err.status === 403) return err;
      throw err;
    }
  }

  async info(withUsed: boolean): Promise<GpuInfo> {
    return (await this.view(withUsed)).info;
  }

  async status(): Promise<GpuStatusResult> {
    const { info, scope, note, nodesForbidden } = await this.view(true);
    // The figures come from live-gpu.ts, the same object while nothing changed: so is the answer (frozen, encoded once).
    const version = this.deployVersion();
    const memo = this.#lastStatus;
    if (memo && memo.info === info && memo.note === note && memo.scope === scope && memo.version === version) return memo.result;
    const line = nodesForbidden
      ? `capacity unknown (nodes forbidden), allocated in ${this.#ctx.kube.namespace} ${info.allocated_vram_gb} GiB, used ${info.used_vram_gb ?? 'unknown'}`
      : `total ${info.total_vram_gb} GiB, allocated ${info.allocated_vram_gb} GiB, available ${info.available_vram_gb} GiB, largest free GPU ${info.largest_free_gpu_gb} GiB, used ${info.used_vram_gb ?? 'unknown'}${scope === 'namespace' ? ` (pods of ${this.#ctx.kube.namespace} only)` : ''}`;
    // Polled every few seconds by the UI and the tray: log only what changed.
    if (line !== this.#lastLine) this.#ctx.log.info('GPU', line);
    this.#lastLine = line;
    // With nodes unknown, "no GPU nodes found" would be false: the note is the recommendation.
    const recs = nodesForbidden ? [note!] : recommendations(info, version);
    if (note && !nodesForbidden) recs.push(note);
    const result: GpuStatusResult = { success: true, gpu_info: info, recommendations: recs, scope };
    if (note) result.capacity_note = note;
    Object.freeze(result);
    this.#lastStatus = { info, note, scope, version, result };
    return result;
  }

  #lastStatus: { info: GpuInfo; note: string | null; scope: ListScope; version: string; result: GpuStatusResult } | null = null;

  async freeVram(): Promise<{ available_vram_gb: number; largest_free_gpu_gb: number; capacity_note?: string }> {
    const { info, note } = await this.view(false);
    return { available_vram_gb: info.available_vram_gb, largest_free_gpu_gb: info.largest_free_gpu_gb, ...(note ? { capacity_note: note } : {}) };
  }

  /** The Ollama version a new deployment runs: the one its image pins ("latest" = the newest rules). */
  deployVersion(): string {
    return versionOfImage(this.#ctx.settings.get().deployImage);
  }

  /**
   * A new deployment of `model`: its estimate on each free unit (by the deploy image's Ollama
   * version and that unit's memory) and whether it runs entirely on the unit it would get.
   */
  async estimateFit(
    model: string,
    o: Omit<EstimateOptions, 'gpuMemoryGiB' | 'ollamaVersion'> = {},
    /** Takes what deploys in flight hold off the free units (see deploy's reservations). */
    adjust?: (info: GpuInfo) => GpuInfo,
  ): Promise<UnitFit & { info: GpuInfo; nodesForbidden: boolean; nodesError: AppError | null; note: string | null; facts: ModelFacts }> {
    const [facts, view] = await Promise.all([modelFacts(model, { ollama: this.#ollama, registry: this.#registry }), this.view(false)]);
    const info = adjust && !view.nodesForbidden ? adjust(view.info) : view.info;
    const r = fitAcrossUnits(facts, view.nodesForbidden ? [] : freeUnits(info), { ...o, ollamaVersion: this.deployVersion() });
    return { ...r, info, nodesForbidden: Boolean(view.nodesForbidden), nodesError: view.nodesForbidden, note: view.note, facts };
  }

  /**
   * The fit as it was before some pods took their GPUs (deploys that just happened): tells a
   * 409 (taken meanwhile) from a 400 (never fitted).
   */
  async estimateFitWithout(model: string, o: Omit<EstimateOptions, 'gpuMemoryGiB' | 'ollamaVersion'>, without: (pod: PodLite) => boolean): Promise<UnitFit> {
    const facts = await modelFacts(model, { ollama: this.#ollama, registry: this.#registry });
    const info = computeGpuInfo({ nodes: this.#caches.nodes.values(), pods: [...this.#caches.pods.values()].filter((p) => !without(p)), defaultVramGb: this.#ctx.settings.get().defaultVramGb, loadedVramBytes: null });
    return fitAcrossUnits(facts, freeUnits(info), { ...o, ollamaVersion: this.deployVersion() });
  }

  /** The node label that names a unit's GPU kind, and the value the checked node has (null when the node says nothing). */
  pinFor(unit: { node: string; resource: string }): { label: string; value: string } | null {
    const node = [...this.#caches.nodes.values()].find((n) => n.name === unit.node);
    const mig = /^nvidia\.com\/(mig-[^/]+)$/.exec(unit.resource);
    const label = mig ? `nvidia.com/${mig[1]}.product` : 'nvidia.com/gpu.product';
    const value = node?.labels[label];
    return value ? { label, value } : null;
  }

  /** The caches, for what deploy counts as held by deployments not yet scheduled. */
  get caches(): ClusterCaches {
    return this.#caches;
  }

  /**
   * The same model on the shared Ollama: by the rules of the version its /api/version reports,
   * at the context it runs the model with when loaded, else that version's default for the
   * GPU its pod holds. Null when it does not answer.
   */
  async sharedEstimate(model: string, o: Omit<EstimateOptions, 'gpuMemoryGiB' | 'ollamaVersion'> = {}): Promise<SharedOllamaEstimate | null> {
    const version = await within(this.#ollama.version?.(), 2000, null);
    if (!version) return null;
    const raw = await within(this.#ollama.modelFacts(model), 3000, null);
    const facts = raw && raw.sizeBytes > 0 ? factsFromShow(model, raw) : await modelFacts(model, { registry: this.#registry });
    const gpu = this.#sharedOllamaGpu();
    const loaded = raw?.contextLength;
    const e = estimate(facts, { ...(loaded ? { context_length: loaded } : {}), ...o, gpuMemoryGiB: gpu?.gb ?? null, ollamaVersion: version });
    if (loaded && o.context_length === undefined) e.context_note = `${loaded} tokens: the context the shared Ollama runs it with now (its /api/ps)`;
    return { ollama_version: version, version_source: 'ollama-api-version', gpu_memory_gb: gpu ? round2(gpu.gb) : null, ...(gpu ? { pod: gpu.pod } : {}), estimate: e };
  }

  /** Memory of the GPU unit(s) the shared Ollama's pod holds (pods labelled app=ollama in the app's namespace). */
  #sharedOllamaGpu(): { gb: number; pod: string } | null {
    const ns = this.#ctx.kube.namespace;
    for (const pod of this.#caches.pods.values()) {
      if (pod.namespace !== ns || !pod.nodeName || pod.phase !== 'Running') continue;
      if (pod.labels.app !== 'ollama' && pod.labels['app.kubernetes.io/name'] !== 'ollama') continue;
      const node = [...this.#caches.nodes.values()].find((n) => n.name === pod.nodeName);
      if (!node) continue;
      for (const g of nodeGpuGroups(node, this.#ctx.settings.get().defaultVramGb)) {
        const n = pod.gpuRequests[g.resource] ?? 0;
        if (n > 0) return { gb: n * g.addressable_gb, pod: `${pod.namespace}/${pod.name}` };
      }
    }
    return null;
  }

  /** The estimate on the unit a new deployment would get (see estimateFit). */
  async estimate(model: string): Promise<VramEstimate> {
    return (await this.estimateFit(model)).estimate;
  }
}
