// GPU capacity and allocation kept current from the watch caches' changes: a node's figures
// are recomputed only when that node or a pod holding GPUs on it changes, and the cluster's
// totals are summed from the per-node figures. A read of GPU status then costs a lookup, not
// a pass over 20,000 pods; `gpuStatusChanged` pushes the answer when it changes.
import type { GpuInfo, GpuNode, GpuStatusResult } from '../../../preload/contract/index.ts';
import type { EventBus } from '../events.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import type { CacheChange } from '../kube/list-watch.ts';
import type { NodeLite, PodLite } from '../kube/objects.ts';
import { computeGpuInfo, holdsGpu, summarizeNodes } from '../vram/allocation.ts';

/** At most one gpuStatusChanged per this long. */
export const GPU_PUSH_EVERY_MS = 1_000;

const holdsAny = (p: PodLite) => holdsGpu(p) && Object.keys(p.gpuRequests).length > 0;

export class LiveGpu {
  readonly #caches: ClusterCaches;
  /** Pods holding GPUs, per node name. */
  readonly #holders = new Map<string, Map<string, PodLite>>();
  /** Per-node figures (null: the node has no GPU), and the nodes to recompute. */
  readonly #perNode = new Map<string, GpuNode | null>();
  readonly #dirty = new Set<string>();
  #reset = true;
  #defaultVramGb = NaN;
  #sortedNodes: GpuNode[] | null = null;
  #info: GpuInfo | null = null;
  #infoLoaded: number | null | undefined = undefined;
  #version = 0;
  readonly #listeners = new Set<() => void>();
  readonly #offs: (() => void)[];

  constructor(caches: ClusterCaches) {
    this.#caches = caches;
    this.#offs = [caches.nodes.onChange((c) => this.#onNode(c)), caches.pods.onChange((c) => this.#onPod(c))];
  }

  /** Grows with every change of nodes or GPU-holding pods (an answer built at one version is current while it stays). */
  get version(): number {
    return this.#version;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    for (const off of this.#offs) off();
    this.#listeners.clear();
  }

  #changed(): void {
    this.#version++;
    this.#info = null;
    for (const l of this.#listeners) l();
  }

  #onNode(c: CacheChange<NodeLite>): void {
    if (c.type === 'reset') this.#reset = true;
    else this.#dirty.add(c.key);
    this.#changed();
  }

  #onPod(c: CacheChange<PodLite>): void {
    if (c.type === 'reset') {
      this.#reset = true;
      return this.#changed();
    }
    const before = c.previous && holdsAny(c.previous) ? c.previous.nodeName : null;
    const after = c.type === 'set' && holdsAny(c.item) ? c.item.nodeName : null;
    // Most pod changes (a pod without GPUs, a status update) touch no GPU figure.
    if (!before && !after) return;
    if (before) {
      this.#holders.get(before)?.delete(c.key);
      this.#dirty.add(before);
    }
    if (after && c.type === 'set') {
      let m = this.#holders.get(after);
      if (!m) this.#holders.set(after, (m = new Map()));
      m.set(c.key, c.item);
      this.#dirty.add(after);
    }
    this.#changed();
  }

  /** GPU figures now. `loadedVramBytes`: Ollama's /api/ps sum (null: unknown). The answer is shared: do not change it. */
  info(defaultVramGb: number, loadedVramBytes: number | null): GpuInfo {
    if (this.#info && this.#infoLoaded === loadedVramBytes && this.#defaultVramGb === defaultVramGb && !this.#reset && !this.#dirty.size) return this.#info;
    this.#update(defaultVramGb);
    const nodes = (this.#sortedNodes ??= [...this.#perNode.values()].filter((n): n is GpuNode => n !== null).sort((a, b) => a.name.localeCompare(b.name)));
    // The same summary as computeGpuInfo (allocation.ts): the same figures.
    this.#info = summarizeNodes(nodes, loadedVramBytes);
    this.#infoLoaded = loadedVramBytes;
    return this.#info;
  }

  #update(defaultVramGb: number): void {
    const caches = this.#caches;
    if (this.#reset || defaultVramGb !== this.#defaultVramGb) {
      this.#reset = false;
      this.#defaultVramGb = defaultVramGb;
      this.#holders.clear();
      this.#perNode.clear();
      this.#dirty.clear();
      for (const p of caches.pods.values()) {
        if (!holdsAny(p)) continue;
        let m = this.#holders.get(p.nodeName!);
        if (!m) this.#holders.set(p.nodeName!, (m = new Map()));
        m.set(`${p.namespace}/${p.name}`, p);
      }
      for (const n of caches.nodes.values()) this.#dirty.add(n.name);
    }
    if (!this.#dirty.size) return;
    for (const name of this.#dirty) {
      const node = caches.nodes.get(name);
      if (!node) {
        this.#perNode.delete(name);
        continue;
      }
      const pods = this.#holders.get(name)?.values() ?? [];
      this.#perNode.set(name, computeGpuInfo({ nodes: [node], pods, defaultVramGb, loadedVramBytes: null }).nodes[0] ?? null);
    }
    this.#dirty.clear();
    this.#sortedNodes = null;
  }
}

/**
 * Sends `gpuStatusChanged` after nodes or GPU-holding pods changed: at once after a quiet
 * spell, then at most once per GPU_PUSH_EVERY_MS; only when the answer differs from the last sent.
 */
export function pushGpuStatus(live: LiveGpu, ready: () => boolean, status: () => Promise<GpuStatusResult>, events: EventBus, log: (msg: string) => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  let lastText = '';
  let again = false;
  let busy = false;
  const send = async () => {
    timer = null;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    last = Date.now();
    try {
      const answer = await status();
      const text = JSON.stringify(answer);
      if (text !== lastText) {
        lastText = text;
        events.emit('gpuStatusChanged', answer);
      }
    } catch (err) {
      log(`GPU status not pushed: ${(err as Error).message}`);
    } finally {
      busy = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer || !ready()) return;
    timer = setTimeout(() => void send(), Math.max(0, last + GPU_PUSH_EVERY_MS - Date.now()));
  };
  const off = live.onChange(schedule);
  return () => {
    off();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}


const byCaches = new WeakMap<ClusterCaches, LiveGpu>();

/** The one LiveGpu of a set of caches (made on first use, so that GpuView and the pusher share it). */
export function liveGpuOf(caches: ClusterCaches): LiveGpu {
  let live = byCaches.get(caches);
  if (!live) byCaches.set(caches, (live = new LiveGpu(caches)));
  return live;
}
