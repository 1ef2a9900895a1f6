// Picks a node for a pod the way kube-scheduler's defaults do for what matters here:
// node selector and required node affinity, taints, and resource fit against
// allocatable minus the requests of pods already there (nvidia.com/gpu included:
// allocatable GPUs are a total, not a free count). Among fitting nodes the least
// allocated wins, and pods that ask for no GPU keep off GPU nodes while other nodes
// fit (what GPU taints and tolerations achieve on real clusters). An unfit pod gets
// the scheduler's "0/N nodes are available" message.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import type { Store, StoreEvent } from './store.ts';
import { keyOf } from './store.ts';
import { resourceFor } from './resources.ts';
import { parseQuantity } from './quantity.ts';

export type Requests = Record<string, number>;

export function podRequests(pod: KObj): Requests {
  const out: Requests = {};
  for (const c of pod.spec?.containers ?? []) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    for (const [k, v] of Object.entries(req)) {
      const n = parseQuantity(v as string);
      if (Number.isFinite(n) && n > 0) out[k] = (out[k] ?? 0) + n;
    }
  }
  return out;
}

function matchExpr(labels: Record<string, string>, e: any): boolean {
  const v = labels[e.key];
  switch (e.operator) {
    case 'In': return v !== undefined && (e.values ?? []).includes(v);
    case 'NotIn': return v === undefined || !(e.values ?? []).includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt': return v !== undefined && Number(v) > Number(e.values?.[0]);
    case 'Lt': return v !== undefined && Number(v) < Number(e.values?.[0]);
    default: return false;
  }
}

function selectorMatches(pod: KObj, node: KObj): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (Array.isArray(terms) && terms.length > 0) {
    return terms.some((t: any) => (t.matchExpressions ?? []).every((e: any) => matchExpr(labels, e)));
  }
  return true;
}

function untoleratedTaint(pod: KObj, node: KObj): any {
  const tolerations: any[] = pod.spec?.tolerations ?? [];
  for (const t of node.spec?.taints ?? []) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    const ok = tolerations.some((tol) =>
      (tol.operator === 'Exists' ? !tol.key || tol.key === t.key : tol.key === t.key && (tol.value ?? '') === (t.value ?? '')) &&
      (!tol.effect || tol.effect === t.effect));
    if (!ok) return t;
  }
  return undefined;
}

const gpuNodes = new WeakMap<KObj, boolean>();

function hasGpu(node: KObj): boolean {
  let v = gpuNodes.get(node);
  if (v === undefined) {
    v = Object.entries(node.status?.allocatable ?? {}).some(([k, q]) => k.startsWith('nvidia.com/') && parseQuantity(q as string) > 0);
    gpuNodes.set(node, v);
  }
  return v;
}

function nodeReady(node: KObj): boolean {
  return (node.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

export type ScheduleResult = { node: KObj } | { message: string };

export class Scheduler {
  private store: Store;
  private used = new Map<string, Requests>();
  private placed = new Map<string, { node: string; req: Requests }>();
  private rr = 0;
  private nodes: KObj[] | undefined; // cached node list, dropped on node events

  constructor(store: Store) {
    this.store = store;
  }

  /** Keeps per-node usage in step with pod events (called from a store listener). */
  track(e: StoreEvent): void {
    if (e.r.plural === 'nodes') this.nodes = undefined;
    if (e.r.plural !== 'pods') return;
    const key = keyOf(e.obj.metadata.namespace, e.obj.metadata.name!);
    const prev = this.placed.get(key);
    if (prev) {
      const u = this.used.get(prev.node)!;
      for (const [k, v] of Object.entries(prev.req)) u[k] = (u[k] ?? 0) - v;
      this.placed.delete(key);
    }
    const phase = e.obj.status?.phase;
    if (e.type !== 'DELETED' && e.obj.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed') {
      const req = podRequests(e.obj);
      const node = e.obj.spec.nodeName as string;
      let u = this.used.get(node);
      if (!u) this.used.set(node, (u = {}));
      for (const [k, v] of Object.entries(req)) u[k] = (u[k] ?? 0) + v;
      this.placed.set(key, { node, req });
    }
  }

  /** Requests of the pods on a node, by resource. */
  usage(nodeName: string): Requests {
    return { ...(this.used.get(nodeName) ?? {}) };
  }

  schedule(pod: KObj): ScheduleResult {
    const nodes = (this.nodes ??= this.store.entries(resourceFor('nodes')).map((e) => e.obj));
    const req = podRequests(pod);
    const resKeys = Object.keys(req);
    const wantsGpu = resKeys.some((k) => k.startsWith('nvidia.com/'));
    const reasons = new Map<string, number>();
    const bump = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    let best: KObj | undefined;
    let bestScore = -Infinity;
    const start = nodes.length ? this.rr++ % nodes.length : 0;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[(start + n) % nodes.length]!;
      if (node.spec?.unschedulable) { bump("node(s) were unschedulable"); continue; }
      if (!nodeReady(node)) { bump("node(s) had untolerated taint {node.kubernetes.io/not-ready: }"); continue; }
      if (!selectorMatches(pod, node)) { bump("node(s) didn't match Pod's node affinity/selector"); continue; }
      const taint = untoleratedTaint(pod, node);
      if (taint) { bump(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`); continue; }
      const used = this.used.get(node.metadata.name!) ?? {};
      let fits = true;
      let score = 0;
      for (const k of resKeys) {
        const alloc = parseQuantity(node.status?.allocatable?.[k] ?? '0') || 0;
        const free = alloc - (used[k] ?? 0);
        if (req[k]! > free) { bump(`Insufficient ${k}`); fits = false; continue; }
        score += alloc > 0 ? (free - req[k]!) / alloc : 0;
      }
      if (!fits) continue;
      const offside = !wantsGpu && hasGpu(node);
      if (resKeys.length === 0 && !offside) return { node }; // nothing to weigh: round robin
      if (offside) score -= 10;
      if (score > bestScore) { best = node; bestScore = score; }
    }
    if (best) return { node: best };
    const parts = [...reasons].map(([r, c]) => `${c} ${r}`).sort();
    return { message: `0/${nodes.length} nodes are available: ${parts.join(', ')}.` };
  }
}
