// Measured beside estimated, kept in the cluster so every instance of the app sees it: per
// model, what its deployment's own Ollama reported in /api/ps (size_vram) against what this
// app estimated it would hold (resident VRAM), in the ConfigMap model-vram-measurements of
// the app's namespace. Written only when a model's figure is new or changed by more than
// 1 % (a deployment is measured once per load), read at most once a minute.
import type { EstimateAccuracy } from '../../../preload/contract/index.ts';
import type { CoreContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { MANAGED_BY, MANAGER } from '../kube/labels.ts';
import type { DeploymentLite } from '../kube/objects.ts';
import { round2 } from '../vram/units.ts';
import type { Measured } from './deployment-probe.ts';
import { RESIDENT_ANNOTATION } from './manifests.ts';

export const MEASUREMENTS_CONFIGMAP = 'model-vram-measurements';
const KEY = 'measurements.json';
const READ_EVERY_MS = 60_000;

type Measurement = EstimateAccuracy['per_model'][string];

export class VramMeasurements {
  readonly #ctx: CoreContext;
  #data: Record<string, Measurement> = {};
  #readAt = 0;
  #reading: Promise<void> | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(ctx: CoreContext) {
    this.#ctx = ctx;
  }

  /** What the cluster's measurements say of the estimates (null before any). Reads the ConfigMap when the copy is a minute old. */
  async accuracy(): Promise<EstimateAccuracy | null> {
    if (Date.now() - this.#readAt > READ_EVERY_MS) await (this.#reading ??= this.#read().finally(() => (this.#reading = null)));
    const entries = Object.entries(this.#data);
    if (!entries.length) return null;
    const within = Math.max(...entries.map(([, m]) => Math.abs(m.ratio - 1) * 100));
    return { models: entries.length, within_percent: Math.round(within * 10) / 10, configmap: `${this.#ctx.kube.namespace}/${MEASUREMENTS_CONFIGMAP}`, per_model: { ...this.#data } };
  }

  /** A deployment's model was measured: kept when new or changed (queued: one write at a time). */
  record(m: Measured, d: DeploymentLite): void {
    const estimated = Number(d.annotations[RESIDENT_ANNOTATION]);
    // /api/ps `size` is all it allocated (= size_vram when it runs on the GPU alone): a model with
    // part on the CPU is compared whole, not by what happened to fit.
    if (!(estimated > 0) || !(m.size_gb > 0)) return;
    const ratio = Math.round((m.size_gb / estimated) * 1000) / 1000;
    const entry: Measurement = { estimated_gb: round2(estimated), measured_gb: m.size_gb, ratio, context_length: m.context_length, deployment: `${d.namespace}/${d.name}`, at: new Date().toISOString() };
    const old = this.#data[m.model];
    if (old && Math.abs(old.ratio - entry.ratio) <= 0.01 && old.context_length === entry.context_length) return;
    this.#data[m.model] = entry;
    this.#writing = this.#writing.then(() => this.#write(m.model, entry)).catch((err: unknown) => this.#ctx.log.warn('DEPLOY', `could not keep the measurement of ${m.model} in ${MEASUREMENTS_CONFIGMAP}: ${(err as Error).message}`));
  }

  /** Waits for the writes queued so far (tests). */
  flushed(): Promise<void> {
    return this.#writing;
  }

  async #read(): Promise<void> {
    const { kube } = this.#ctx;
    try {
      const cm = await kube.call(`read configmap ${kube.namespace}/${MEASUREMENTS_CONFIGMAP}`, () => kube.core.readNamespacedConfigMap({ name: MEASUREMENTS_CONFIGMAP, namespace: kube.namespace }));
      this.#data = { ...parse(cm.data?.[KEY]), ...this.#data };
    } catch (err) {
      if (!(err instanceof AppError && err.status === 404)) this.#ctx.log.warn('DEPLOY', `could not read ${MEASUREMENTS_CONFIGMAP}: ${(err as Error).message}`);
    }
    this.#readAt = Date.now();
  }

  /** Read-modify-write on the ConfigMap's resourceVersion; a conflict (another instance wrote) is read again and retried. */
  async #write(model: string, entry: Measurement): Promise<void> {
    const { kube } = this.#ctx;
    const namespace = kube.namespace;
    for (let attempt = 1; attempt <= 3; attempt++) {
      let cm;
      try {
        cm = await kube.call(`read configmap ${namespace}/${MEASUREMENTS_CONFIGMAP}`, () => kube.core.readNamespacedConfigMap({ name: MEASUREMENTS_CONFIGMAP, namespace }));
      } catch (err) {
        if (!(err instanceof AppError && err.status === 404)) throw err;
        cm = null;
      }
      const data = { ...parse(cm?.data?.[KEY]), [model]: entry };
      const body = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: MEASUREMENTS_CONFIGMAP, namespace, labels: { [MANAGED_BY]: MANAGER }, ...(cm?.metadata?.resourceVersion ? { resourceVersion: cm.metadata.resourceVersion } : {}) },
        data: { [KEY]: JSON.stringify(data, null, 1) },
      };
      try {
        if (cm) await kube.call(`replace configmap ${namespace}/${MEASUREMENTS_CONFIGMAP}`, () => kube.core.replaceNamespacedConfigMap({ name: MEASUREMENTS_CONFIGMAP, namespace, body }));
        else await kube.call(`create configmap ${namespace}/${MEASUREMENTS_CONFIGMAP}`, () => kube.core.createNamespacedConfigMap({ namespace, body }));
        this.#data = { ...data, ...this.#data };
        this.#ctx.log.info('DEPLOY', `kept the measurement of ${model} in ${namespace}/${MEASUREMENTS_CONFIGMAP}: ${entry.measured_gb} GiB measured, ${entry.estimated_gb} GiB estimated (× ${entry.ratio})`);
        return;
      } catch (err) {
        if (!(err instanceof AppError && err.status === 409) || attempt === 3) throw err;
      }
    }
  }
}

function parse(text: string | undefined): Record<string, Measurement> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: Record<string, Measurement> = {};
    for (const [k, m] of Object.entries(v as Record<string, Measurement>)) if (m && typeof m.ratio === 'number' && Number.isFinite(m.ratio)) out[k] = m;
    return out;
  } catch {
    return {};
  }
}
