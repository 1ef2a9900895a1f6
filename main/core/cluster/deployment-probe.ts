// What a model deployment's own Ollama says, read through the API server's service proxy to
// that deployment's Service: while its pod pulls the model, the pull's progress; once the
// model is loaded, its /api/ps (size, size_vram, context_length) beside the estimate.
//
// Ollama has no "pull status" call. A pull of a model that is already downloading joins the
// download (server/download.go shares a blob among the pulls waiting on it) and its stream
// says how far it is; the probe reads until the layer being downloaded is reported, then
// leaves (the pod's own pull goes on). The Service publishes not-ready addresses so that a
// pod still pulling can be reached (manifests.ts).
//
// The listing is polled every few seconds: it never waits for a probe. Each answer shows
// what the last probe found (at most a few seconds old) and starts the next one.
import { request } from 'undici';
import type { DeploymentInfo } from '../../../preload/contract/index.ts';
import type { CoreContext } from '../context.ts';
import type { DeploymentLite } from '../kube/objects.ts';
import { isManaged } from '../kube/labels.ts';
import { ndjson } from '../ollama/ndjson.ts';
import type { OllamaRoute } from '../ollama/route.ts';
import { serviceProxyRoute } from '../ollama/service-proxy.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { bytesToGb, round2 } from '../vram/units.ts';
import { CLAIM_ANNOTATION, CLAIM_CREATED_ANNOTATION, RESIDENT_ANNOTATION } from './manifests.ts';

export interface Measured {
  model: string;
  size_vram_gb: number;
  size_gb: number;
  context_length: number;
}

interface Probe {
  at: number;
  busy: boolean;
  /** /api/ps probes of the running deployment that found nothing loaded (the interval grows with them). */
  idle: number;
  pull?: NonNullable<DeploymentInfo['pull']>;
  measured?: Measured;
}

/** How often one deployment is probed at most: while it pulls, and once running until its model is loaded (each probe goes through the API server). */
const PULL_PROBE_EVERY_MS = 1500;
const LOAD_PROBE_EVERY_MS = 5000;
/** A running model nobody has loaded yet is looked at less and less often, up to once a minute. */
const LOAD_PROBE_MAX_MS = 60_000;
/** Probes in flight at once, over all deployments. */
const MAX_IN_FLIGHT = 8;
/** How long a probe may take. */
const PROBE_TIMEOUT_MS = 4000;

export class DeploymentProbes {
  readonly #ctx: CoreContext;
  readonly #probes = new Map<string, Probe>();
  readonly #routes = new Map<string, Promise<OllamaRoute>>();
  readonly #onMeasured: (m: Measured, d: DeploymentLite) => void;
  #closed = false;
  #inFlight = 0;

  constructor(ctx: CoreContext, onMeasured: (m: Measured, d: DeploymentLite) => void = () => {}) {
    this.#ctx = ctx;
    this.#onMeasured = onMeasured;
  }

  /** Adds the pull's progress or the measured VRAM to the app's model deployments (what the last probe found). */
  annotate(models: DeploymentInfo[], deployments: Iterable<DeploymentLite>): DeploymentInfo[] {
    const byKey = new Map<string, DeploymentLite>();
    for (const d of deployments) byKey.set(`${d.namespace}/${d.name}`, d);
    const seen = new Set<string>();
    for (const m of models) {
      const key = `${m.namespace}/${m.name}`;
      const d = byKey.get(key);
      if (!d || !isManaged(d.labels) || !m.model_id) continue;
      // Only the claim this app made for it: delete removes that one (an existing claim is never deleted).
      const claim = d.annotations[CLAIM_ANNOTATION];
      if (claim && d.annotations[CLAIM_CREATED_ANNOTATION] === 'true') m.claim = `${d.namespace}/${claim}`;
      const resident = Number(d.annotations[RESIDENT_ANNOTATION]);
      if (resident > 0) m.estimated_resident_gb = resident;
      seen.add(key);
      const p = this.#probes.get(key) ?? { at: 0, busy: false, idle: 0 };
      this.#probes.set(key, p);
      if (m.status !== 'Running') {
        delete p.measured;
        p.idle = 0;
      }
      if (m.status === 'Starting' && !m.reason && p.pull) m.pull = p.pull;
      if (m.status === 'Running' && p.measured && p.measured.model === m.model_id) {
        m.measured_vram_gb = p.measured.size_vram_gb;
        m.measured_size_gb = p.measured.size_gb;
        m.measured_context_length = p.measured.context_length;
      }
      // A deployment whose model is measured is not probed again (the model stays loaded: keep-alive).
      const settled = m.status === 'Running' && m.measured_vram_gb !== undefined;
      const every = m.status === 'Running' ? Math.min(LOAD_PROBE_MAX_MS, LOAD_PROBE_EVERY_MS * 1.5 ** p.idle) : PULL_PROBE_EVERY_MS;
      if (!settled && !p.busy && this.#inFlight < MAX_IN_FLIGHT && Date.now() - p.at > every && (m.status === 'Running' || (m.status === 'Starting' && !m.reason))) {
        p.busy = true;
        this.#inFlight++;
        void this.#probe(d, m, p).finally(() => {
          this.#inFlight--;
          p.busy = false;
          p.at = Date.now();
          if (m.status === 'Running' && !p.measured) p.idle++;
        });
      }
    }
    for (const key of this.#probes.keys()) if (!seen.has(key)) this.#forget(key);
    return models;
  }

  async #probe(d: DeploymentLite, m: DeploymentInfo, p: Probe): Promise<void> {
    if (this.#closed) return;
    const key = `${d.namespace}/${d.name}`;
    const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
    try {
      const route = await this.#route(key, d.namespace, d.name);
      const headers = await route.headers();
      // Loaded? (the model, its size on the GPU and the context it runs)
      const ps = await request(`${route.base}/api/ps`, { dispatcher: route.dispatcher, headers, signal });
      if (ps.statusCode === 200) {
        const body = (await ps.body.json()) as { models?: { name?: string; model?: string; size?: number; size_vram?: number; context_length?: number }[] };
        const loaded = (body.models ?? []).find((x) => sameModel(x.name ?? x.model ?? '', m.model_id));
        if (loaded && typeof loaded.size_vram === 'number') {
          const measured: Measured = { model: m.model_id, size_vram_gb: round2(bytesToGb(loaded.size_vram)), size_gb: round2(bytesToGb(loaded.size ?? loaded.size_vram)), context_length: loaded.context_length ?? 0 };
          if (!p.measured) this.#ctx.log.info('DEPLOY', `${key}: ${m.model_id} loaded, its /api/ps: ${measured.size_vram_gb} GiB VRAM of ${measured.size_gb} GiB at ${measured.context_length} tokens`);
          p.measured = measured;
          delete p.pull;
          this.#onMeasured(measured, d);
          return;
        }
      } else await ps.body.dump();
      if (m.status !== 'Starting') return;
      p.pull = (await this.#pullProgress(route, headers, m.model_id, signal)) ?? p.pull;
    } catch (err) {
      if (!this.#closed) this.#ctx.log.warn('DEPLOY', `${key}: its Ollama did not answer through the service proxy: ${(err as Error).message}`);
    }
  }

  /** Joins the pod's pull of `model` and reports the layer being downloaded (or that it is done). */
  async #pullProgress(route: OllamaRoute, headers: Record<string, string>, model: string, signal: AbortSignal): Promise<NonNullable<DeploymentInfo['pull']> | null> {
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await request(`${route.base}/api/pull`, {
        method: 'POST',
        dispatcher: route.dispatcher,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true }),
        signal: ac.signal,
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        return null;
      }
      let last: NonNullable<DeploymentInfo['pull']> | null = null;
      for await (const line of ndjson(res.body)) {
        const total = Number(line.total ?? 0);
        const completed = Number(line.completed ?? 0);
        if (typeof line.error === 'string') return { status: `pull failed: ${line.error}`, completed_gb: 0, total_gb: 0, percent: 0 };
        if (total > 0) {
          last = { status: String(line.status ?? 'pulling'), completed_gb: round2(bytesToGb(completed)), total_gb: round2(bytesToGb(total)), percent: Math.floor((completed / total) * 100) };
          // The layer still downloading: that is the progress.
          if (completed < total) return last;
        } else if (line.status === 'success') return { status: 'pulled, loading', completed_gb: last?.total_gb ?? 0, total_gb: last?.total_gb ?? 0, percent: 100 };
      }
      return last;
    } finally {
      signal.removeEventListener('abort', onAbort);
      ac.abort();
    }
  }

  #route(key: string, namespace: string, service: string): Promise<OllamaRoute> {
    let r = this.#routes.get(key);
    if (!r) {
      r = serviceProxyRoute(this.#ctx.kube, { namespace, service, port: OLLAMA_PORT });
      this.#routes.set(key, r);
      r.catch(() => this.#routes.delete(key));
    }
    return r;
  }

  #forget(key: string): void {
    this.#probes.delete(key);
    const r = this.#routes.get(key);
    this.#routes.delete(key);
    void r?.then((x) => x.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#routes.values()].map((r) => r.then((x) => x.close()).catch(() => undefined)));
    this.#routes.clear();
  }
}

/** "llama3.1:8b" is "llama3.1:8b"; "tinyllama" is "tinyllama:latest" (Ollama's /api/ps names carry the tag). */
export function sameModel(a: string, b: string): boolean {
  const norm = (s: string) => (s.includes(':') ? s : `${s}:latest`).toLowerCase();
  return norm(a) === norm(b);
}
