// Fit decisions one at a time, against what deploys in flight already took. A Deployment
// holds its GPU in the caches only once its pod is bound to a node; until then two deploys
// would both see the last unit free. So:
// - in this process, decisions run under one mutex, and each accepted deploy holds its unit
//   until the watch cache shows its Deployment;
// - across instances (and after that), a Deployment of this app whose pods are not yet
//   bound holds the unit its annotations name (resource, GPU kind pin, estimate).
import type { GpuInfo } from '../../../preload/contract/index.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import { isManaged, selects } from '../kube/labels.ts';
import { ESTIMATE_ANNOTATION, holdsGpu } from '../vram/allocation.ts';
import { round2 } from '../vram/units.ts';
import { GPU_PIN_ANNOTATION, GPU_RESOURCE_ANNOTATION, type GpuPin } from './manifests.ts';

/** A unit taken by a deploy whose pod does not hold it yet. */
export interface Hold {
  /** namespace/name of the Deployment. */
  deployment: string;
  resource: string;
  pin: GpuPin | null;
  gb: number;
}

/** How long an in-process hold waits for the cache to show its Deployment. */
const HOLD_MS = 120_000;
/** How long a deploy counts as "just now" for telling a 409 from a 400. */
const RECENT_MS = 60_000;

export class FitLock {
  #tail: Promise<unknown> = Promise.resolve();
  readonly #held = new Map<string, { hold: Hold; until: number }>();
  readonly #recent = new Map<string, number>();

  /** Runs `fn` after every decision queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(fn, fn);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  hold(h: Hold): void {
    this.#held.set(h.deployment, { hold: h, until: Date.now() + HOLD_MS });
    this.#recent.set(h.deployment, Date.now());
  }

  /**
   * Deployments of this app that took a GPU within RECENT_MS: by this process, or (from the
   * caches) by another instance. A unit one of them took while another deploy was deciding is
   * a 409 (the state changed), not a 400.
   */
  recent(caches: ClusterCaches): Set<string> {
    const now = Date.now();
    const out = new Set<string>();
    for (const [k, at] of this.#recent) {
      if (now - at > RECENT_MS) this.#recent.delete(k);
      else out.add(k);
    }
    for (const d of caches.deployments.values()) {
      const created = Date.parse(d.created);
      if (isManaged(d.labels) && d.annotations[GPU_RESOURCE_ANNOTATION] && Number.isFinite(created) && now - created < RECENT_MS) out.add(`${d.namespace}/${d.name}`);
    }
    return out;
  }

  release(deployment: string): void {
    this.#held.delete(deployment);
  }

  /** What deploys in flight hold: this process's holds the cache does not show yet, and the cluster's unscheduled Deployments. */
  holds(caches: ClusterCaches): Hold[] {
    const now = Date.now();
    const out: Hold[] = [];
    const inCache = new Set<string>();
    const pods = [...caches.pods.values()];
    for (const d of caches.deployments.values()) {
      const key = `${d.namespace}/${d.name}`;
      inCache.add(key);
      const resource = d.annotations[GPU_RESOURCE_ANNOTATION];
      if (!resource || !isManaged(d.labels) || d.desired <= 0) continue;
      const own = pods.filter((p) => p.namespace === d.namespace && !p.terminating && selects(d.selector, p.labels));
      if (own.some((p) => holdsGpu(p) && Object.keys(p.gpuRequests).length > 0)) continue;
      // The scheduler said its pod fits nowhere: it takes no unit (the listing shows why).
      if (own.some((p) => !p.nodeName && p.unschedulable)) continue;
      const pin = parsePin(d.annotations[GPU_PIN_ANNOTATION]);
      out.push({ deployment: key, resource, pin, gb: Number(d.annotations[ESTIMATE_ANNOTATION]) || 0 });
    }
    for (const [key, { hold, until }] of this.#held) {
      if (until < now || inCache.has(key)) this.#held.delete(key);
      else out.push(hold);
    }
    return out;
  }
}

function parsePin(v: string | undefined): GpuPin | null {
  const i = v ? v.indexOf('=') : -1;
  return v && i > 0 ? { label: v.slice(0, i), value: v.slice(i + 1) } : null;
}

/**
 * The GPU status with the holds taken off: each takes one free unit of its resource on a node
 * of its GPU kind (the one with the most free units, as the scheduler spreads), and its
 * estimate of a time-sliced GPU's memory.
 */
export function withHolds(info: GpuInfo, holds: Hold[], nodeLabels: (node: string) => Record<string, string>): GpuInfo {
  if (!holds.length) return info;
  const copy: GpuInfo = structuredClone(info);
  for (const h of holds) {
    let best: { g: GpuInfo['nodes'][number]['groups'][number]; n: GpuInfo['nodes'][number] } | null = null;
    for (const n of copy.nodes) {
      if (n.largest_free_unit_gb <= 0) continue;
      if (h.pin && nodeLabels(n.name)[h.pin.label] !== h.pin.value) continue;
      for (const g of n.groups) if (g.resource === h.resource && g.free_units > 0 && (!best || g.free_units > best.g.free_units)) best = { g, n };
    }
    if (!best) continue;
    best.g.free_units -= 1;
    best.g.allocated_units += 1;
    const gb = h.gb > 0 ? h.gb : best.g.vram_per_unit_gb;
    best.g.allocated_vram_gb = round2(Math.min(best.g.total_vram_gb, best.g.allocated_vram_gb + gb));
    best.n.allocated_vram_gb = round2(best.n.allocated_vram_gb + gb);
    best.n.available_vram_gb = round2(Math.max(0, best.n.total_vram_gb - best.n.allocated_vram_gb));
    if (best.n.groups.every((g) => g.free_units <= 0)) best.n.largest_free_unit_gb = 0;
  }
  copy.allocated_vram_gb = round2(copy.nodes.reduce((a, n) => a + n.allocated_vram_gb, 0));
  copy.available_vram_gb = round2(Math.max(0, copy.total_vram_gb - copy.allocated_vram_gb));
  return copy;
}
