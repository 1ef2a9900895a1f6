// Each model deployment's pod runs its own simulated Ollama, as a real pod runs its own
// Ollama process: created when the sim's kubelet starts a pod of image ollama/ollama with a
// MODEL variable, with the version its image tag names, the memory of the GPU unit it was
// scheduled to and the environment it was given (OLLAMA_CONTEXT_LENGTH, _NUM_PARALLEL,
// _KV_CACHE_TYPE). It pulls $MODEL at start (the product's start script does), at a
// configurable rate so the progress can be seen, and the pod's readiness (the product's
// probe is an exec of `ollama show $MODEL`) passes once the model is there. The service
// proxy and port-forwards reach the pod's own Ollama (backends.ts asks podOllamaUrl).
// A pod that mounts a PersistentVolumeClaim keeps what it pulled there: the next pod on the
// same claim (a restart, a new revision) starts with those models and does not pull again.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './kube/types.ts';
import { clone, nowIso } from './kube/types.ts';
import type { Store, StoreEvent } from './kube/store.ts';
import { resourceFor } from './kube/resources.ts';
import { startOllamaSim, type OllamaSim } from './ollama/server.ts';
import type { KvType } from './ollama/vram.ts';

const pods = resourceFor('pods');
const nodes = resourceFor('nodes');

/** Pod uid → its Ollama's URL, for every kube sim in this process (uids are unique). */
const urls = new Map<string, string>();

export function podOllamaUrl(pod: KObj): string | undefined {
  const uid = pod.metadata?.uid;
  return uid ? urls.get(uid) : undefined;
}

const OLLAMA_IMAGE = /(^|\/)ollama\/ollama(:|@|$)/;

/** The container that runs a model deployment's Ollama: image ollama/ollama and a MODEL variable. */
function modelContainer(pod: KObj): any {
  return (pod.spec?.containers ?? []).find((c: any) => OLLAMA_IMAGE.test(String(c.image ?? '')) && (c.env ?? []).some((e: any) => e.name === 'MODEL' && e.value));
}

const envOf = (c: any, name: string): string | undefined => (c.env ?? []).find((e: any) => e.name === name)?.value;

/** "ollama/ollama:0.31.1" → "0.31.1"; "latest" when the image pins none (the newest rules). */
function versionOfImage(image: string): string {
  const ref = image.split('@')[0]!;
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const i = last.indexOf(':');
  return i > 0 ? last.slice(i + 1) : 'latest';
}

// GPUs whose GFD labels carry no memory (the seeded T4): what nvidia-smi reports.
const PRODUCT_MIB: Record<string, number> = { 'Tesla-T4': 15360 };

/** Memory (GiB) of the GPU unit(s) the pod got on its node: what its Ollama sees. */
export function unitMemoryGiB(pod: KObj, node: KObj | undefined): number {
  const labels: Record<string, string> = node?.metadata?.labels ?? {};
  let mib = 0;
  for (const c of pod.spec?.containers ?? []) {
    const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
    for (const [k, v] of Object.entries(req)) {
      const n = Number(v);
      if (!k.startsWith('nvidia.com/') || !(n > 0)) continue;
      const mig = /^nvidia\.com\/(mig-[^/]+)$/.exec(k);
      const per = mig ? Number(labels[`nvidia.com/${mig[1]}.memory`]) || Number(/(\d+)gb/.exec(mig[1]!)?.[1] ?? 0) * 1024 : Number(labels['nvidia.com/gpu.memory']) || PRODUCT_MIB[labels['nvidia.com/gpu.product'] ?? ''] || 0;
      // A time-sliced replica sees the whole GPU (no memory isolation): gpu.memory is not divided.
      mib += per * n;
    }
  }
  return mib / 1024;
}

interface PodOllama {
  key: string;
  uid: string;
  sim: OllamaSim;
  model: string;
  pulled: boolean;
  abort: AbortController;
  /** namespace/claim mounted at the models folder, if any. */
  claim: string | null;
}

/** A readiness probe that runs `ollama show` of the model (the product's: `ollama show "$MODEL"`). */
function showsModel(c: any): boolean {
  const cmd: string[] = c.readinessProbe?.exec?.command ?? [];
  return /\bollama\s+show\b/.test(cmd.join(' '));
}

/** The claim mounted at Ollama's models folder (/root/.ollama), as namespace/name. */
function claimOf(pod: KObj, c: any): string | null {
  const mount = (c.volumeMounts ?? []).find((m: any) => m.mountPath === '/root/.ollama' || m.mountPath === '/root/.ollama/models');
  const vol = mount && (pod.spec?.volumes ?? []).find((v: any) => v.name === mount.name);
  const name = vol?.persistentVolumeClaim?.claimName;
  return name ? `${pod.metadata.namespace}/${name}` : null;
}

export interface PodOllamasOptions {
  /** Download speed of each pod's pull, bytes/s (default 2 GB/s). */
  pullBytesPerSecond?: number;
}

export class PodOllamas {
  /** Download speed of pulls started from now on (bytes/s). */
  pullBytesPerSecond: number;
  readonly #store: Store;
  readonly #log: (m: string) => void;
  readonly #byUid = new Map<string, PodOllama>();
  /** namespace/claim → models pulled into it. */
  readonly #claims = new Map<string, Set<string>>();
  #closed = false;

  constructor(store: Store, opts: PodOllamasOptions, log: (m: string) => void) {
    this.#store = store;
    this.pullBytesPerSecond = opts.pullBytesPerSecond ?? 2e9;
    this.#log = log;
  }

  /** The Ollama of a pod (by namespace/name), for tests. */
  of(namespace: string, name: string): OllamaSim | undefined {
    for (const p of this.#byUid.values()) if (p.key === `${namespace}/${name}`) return p.sim;
    return undefined;
  }

  /**
   * Called by the kubelet as it brings a pod to Running (before it is stored). A model pod is
   * not Ready yet: its readiness probe (`ollama show $MODEL`) fails until its Ollama has the model.
   */
  onStart(pod: KObj): void {
    const c = modelContainer(pod);
    if (!c || this.#closed || pod.status?.phase !== 'Running') return;
    void this.#start(pod, c);
    // The readiness probe decides readiness: an exec of `ollama show $MODEL` passes once the model is pulled; without one the kubelet says Ready at once.
    if (!showsModel(c)) return;
    const names = (pod.spec.containers ?? []).map((x: any) => x.name).join(' ');
    for (const cond of pod.status.conditions ?? []) {
      if (cond.type === 'Ready' || cond.type === 'ContainersReady') Object.assign(cond, { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` });
    }
    for (const s of pod.status.containerStatuses ?? []) if (s.name === c.name) s.ready = false;
  }

  onEvent(e: StoreEvent): void {
    // A deleted claim takes its models with it.
    if (e.r.plural === 'persistentvolumeclaims' && e.type === 'DELETED') this.#claims.delete(`${e.obj.metadata.namespace}/${e.obj.metadata.name}`);
    if (e.r.plural !== 'pods' || e.type !== 'DELETED') return;
    const p = this.#byUid.get(String(e.obj.metadata.uid));
    if (p) void this.#stop(p);
  }

  async #start(pod: KObj, c: any): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const uid = String(pod.metadata.uid);
    const node = this.#store.getEntry(nodes, undefined, pod.spec.nodeName)?.obj;
    const ctxLen = Number(envOf(c, 'OLLAMA_CONTEXT_LENGTH'));
    const parallel = Number(envOf(c, 'OLLAMA_NUM_PARALLEL'));
    const kv = envOf(c, 'OLLAMA_KV_CACHE_TYPE') as KvType | undefined;
    const model = envOf(c, 'MODEL')!;
    const rate = this.pullBytesPerSecond;
    const claim = claimOf(pod, c);
    const kept = claim ? [...(this.#claims.get(claim) ?? [])] : [];
    const sim = await startOllamaSim({
      installed: kept,
      version: versionOfImage(String(c.image)),
      gpuMemoryGiB: unitMemoryGiB(pod, node),
      ...(ctxLen > 0 ? { contextLength: ctxLen } : {}),
      ...(parallel > 0 ? { numParallel: parallel } : {}),
      ...(kv === 'f16' || kv === 'q8_0' || kv === 'q4_0' ? { kvCacheType: kv } : {}),
      pullBytesPerSecond: rate,
    });
    const p: PodOllama = { key, uid, sim, model, pulled: false, abort: new AbortController(), claim };
    if (this.#closed || !this.#store.getEntry(pods, pod.metadata.namespace, String(pod.metadata.name))) return void sim.close();
    this.#byUid.set(uid, p);
    urls.set(uid, sim.url);
    this.#log(`[SIM] pod ${key}: its own Ollama ${sim.runtime.version} on ${sim.url} (GPU unit ${Math.round(sim.runtime.gpuMemoryGiB * 100) / 100} GiB), ${kept.includes(model) ? `${model} already in claim ${claim}` : `pulling ${model} at ${Math.round(rate / 1e6)} MB/s`}`);
    // The start script's `ollama pull "$MODEL"`.
    try {
      const res = await fetch(`${sim.url}/api/pull`, { method: 'POST', body: JSON.stringify({ model, stream: false }), signal: p.abort.signal });
      const body = (await res.json()) as { status?: string; error?: string };
      if (body.status !== 'success') throw new Error(body.error ?? `pull answered ${res.status}`);
    } catch (err) {
      if (!p.abort.signal.aborted) this.#log(`[SIM] pod ${key}: pull of ${model} failed: ${(err as Error).message}`);
      return;
    }
    p.pulled = true;
    if (p.claim) {
      const set = this.#claims.get(p.claim) ?? new Set<string>();
      set.add(model);
      this.#claims.set(p.claim, set);
    }
    if (showsModel(c)) this.#markReady(p);
  }

  /** The readiness probe passes: the pod (if it is still the same one) becomes Ready. */
  #markReady(p: PodOllama): void {
    const [ns, name] = p.key.split('/') as [string, string];
    const e = this.#store.getEntry(pods, ns, name);
    if (!e || e.obj.metadata.uid !== p.uid || e.obj.status?.phase !== 'Running') return;
    const pod = clone(e.obj);
    for (const cond of pod.status.conditions ?? []) {
      if (cond.type === 'Ready' || cond.type === 'ContainersReady') {
        cond.status = 'True';
        delete cond.reason;
        delete cond.message;
        cond.lastTransitionTime = nowIso();
      }
    }
    for (const s of pod.status.containerStatuses ?? []) s.ready = true;
    this.#store.update(pods, pod);
    this.#log(`[SIM] pod ${p.key}: ${p.model} pulled, ready`);
  }

  async #stop(p: PodOllama): Promise<void> {
    this.#byUid.delete(p.uid);
    urls.delete(p.uid);
    p.abort.abort();
    await p.sim.close();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#byUid.values()].map((p) => this.#stop(p)));
  }
}
