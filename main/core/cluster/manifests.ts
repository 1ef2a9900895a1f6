// The Deployment and Service of a model deployment. The model name reaches the container
// only as an environment variable: never interpolated into the shell script.
import type * as k8s from '@kubernetes/client-node';
import type { KvCacheType, VramEstimate } from '../../../preload/contract/index.ts';
import { ESTIMATE_ANNOTATION } from '../vram/index.ts';
import { MANAGED_BY, MANAGER } from '../kube/labels.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { ESTIMATE_METHOD_ANNOTATION, MODEL_ID_ANNOTATION, MODEL_LABEL, NAME_LABEL } from './system.ts';

// Serve, wait until the server answers, pull "$MODEL", keep serving.
export const START_SCRIPT = 'ollama serve & until ollama list >/dev/null 2>&1; do sleep 1; done; ollama pull "$MODEL"; wait';
export const READY_SCRIPT = 'ollama show "$MODEL" >/dev/null 2>&1';

/** A label value for a model name: "llama3.1:8b" → "llama3.1-8b" (≤ 63 chars, alphanumeric ends). */
export function labelSafe(value: string): string {
  const s = value.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return s || 'model';
}

/** "8" → "8Gi", 7.5 → "7.5Gi" (never exponent form). */
export const memoryQuantity = (gb: number): string => `${Number(gb.toFixed(3))}Gi`;

/** What decides the memory an Ollama allocates: pinned in its environment so it runs as estimated. */
export interface OllamaTuning {
  context_length: number;
  parallel: number;
  kv_cache_type: KvCacheType;
  flash_attention: boolean;
  keep_alive: string;
}

/** A node label and the value the checked GPU kind has: the Deployment may only land there. */
export interface GpuPin {
  label: string;
  value: string;
}

export interface ModelDeploymentSpec {
  name: string;
  namespace: string;
  model: string;
  memoryGb: number;
  image: string;
  gpuResource: string;
  estimate: VramEstimate;
  tuning: OllamaTuning;
  pin: GpuPin | null;
  /** The claim mounted at /root/.ollama (models survive restarts); null: an emptyDir-less pod that pulls again. */
  claim: string | null;
  claimCreated: boolean;
}

export const GPU_RESOURCE_ANNOTATION = 'model-manager/gpu-resource';
/** What the estimate says its Ollama's /api/ps will show (size_vram, GiB): compared with the measurement. */
export const RESIDENT_ANNOTATION = 'model-manager/estimated-resident-gb';
export const GPU_PIN_ANNOTATION = 'model-manager/gpu-pin';
export const CLAIM_ANNOTATION = 'model-manager/claim';
/** "true" when the app created the claim (delete removes it then, unless asked to keep it). */
export const CLAIM_CREATED_ANNOTATION = 'model-manager/claim-created';
/** Where Ollama keeps its models in the official image (HOME=/root). */
export const MODELS_PATH = '/root/.ollama';

/** The container environment that pins the tuning (Ollama's own variable names). */
export function tuningEnv(t: OllamaTuning): { name: string; value: string }[] {
  return [
    { name: 'OLLAMA_CONTEXT_LENGTH', value: String(t.context_length) },
    { name: 'OLLAMA_NUM_PARALLEL', value: String(t.parallel) },
    { name: 'OLLAMA_KV_CACHE_TYPE', value: t.kv_cache_type },
    { name: 'OLLAMA_FLASH_ATTENTION', value: t.flash_attention ? '1' : '0' },
    { name: 'OLLAMA_KEEP_ALIVE', value: t.keep_alive },
  ];
}

/** Required node affinity on the pin: the scheduler cannot put the pod on another GPU kind. */
function affinityOf(pin: GpuPin | null): k8s.V1Affinity | undefined {
  if (!pin) return undefined;
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: pin.label, operator: 'In', values: [pin.value] }] }] } } };
}

export function selectorOf(name: string): Record<string, string> {
  return { [NAME_LABEL]: name, [MANAGED_BY]: MANAGER };
}

export function deploymentManifest(s: ModelDeploymentSpec): k8s.V1Deployment {
  const labels = { ...selectorOf(s.name), [MODEL_LABEL]: labelSafe(s.model) };
  const annotations = {
    [MODEL_ID_ANNOTATION]: s.model,
    [ESTIMATE_ANNOTATION]: String(s.estimate.required_vram_gb),
    [ESTIMATE_METHOD_ANNOTATION]: s.estimate.method,
    [GPU_RESOURCE_ANNOTATION]: s.gpuResource,
    [RESIDENT_ANNOTATION]: String(s.estimate.resident_vram_gb ?? s.estimate.required_vram_gb),
    ...(s.pin ? { [GPU_PIN_ANNOTATION]: `${s.pin.label}=${s.pin.value}` } : {}),
    ...(s.claim ? { [CLAIM_ANNOTATION]: s.claim, [CLAIM_CREATED_ANNOTATION]: String(s.claimCreated) } : {}),
  };
  const affinity = affinityOf(s.pin);
  const resources = { memory: memoryQuantity(s.memoryGb), [s.gpuResource]: '1' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, namespace: s.namespace, labels, annotations },
    spec: {
      replicas: 1,
      // One GPU each: a rolling update would need a second free GPU.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selectorOf(s.name) },
      template: {
        // Pods carry the estimate too, so GPU allocation counts it.
        metadata: { labels, annotations },
        spec: {
          ...(affinity ? { affinity } : {}),
          ...(s.claim ? { volumes: [{ name: 'models', persistentVolumeClaim: { claimName: s.claim } }] } : {}),
          containers: [
            {
              name: 'ollama',
              image: s.image,
              command: ['/bin/sh', '-c', START_SCRIPT],
              env: [
                { name: 'MODEL', value: s.model },
                { name: 'OLLAMA_HOST', value: `0.0.0.0:${OLLAMA_PORT}` },
                ...tuningEnv(s.tuning),
              ],
              ...(s.claim ? { volumeMounts: [{ name: 'models', mountPath: MODELS_PATH }] } : {}),
              ports: [{ name: 'http', containerPort: OLLAMA_PORT, protocol: 'TCP' }],
              resources: { requests: { ...resources }, limits: { ...resources } },
              // Ready means the model is there to answer, not just that Ollama started:
              // until the pull ends the deployment shows as Starting.
              readinessProbe: {
                exec: { command: ['/bin/sh', '-c', READY_SCRIPT] },
                initialDelaySeconds: 5,
                periodSeconds: 10,
              },
              livenessProbe: {
                httpGet: { path: '/api/version', port: OLLAMA_PORT },
                initialDelaySeconds: 30,
                periodSeconds: 20,
                failureThreshold: 6,
              },
            },
          ],
        },
      },
    },
  };
}

export function serviceManifest(name: string, namespace: string, model: string): k8s.V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels: { ...selectorOf(name), [MODEL_LABEL]: labelSafe(model) } },
    spec: {
      type: 'ClusterIP',
      // The app reads a pulling pod's own Ollama (its pull's progress) through this Service
      // before the pod is Ready; the Deployment's readiness still says when the model is there.
      publishNotReadyAddresses: true,
      selector: selectorOf(name),
      ports: [{ name: 'http', port: OLLAMA_PORT, targetPort: OLLAMA_PORT, protocol: 'TCP' }],
    },
  };
}

/** The claim for Ollama's models folder: sized from the model's download with room to spare. */
export function claimManifest(name: string, namespace: string, model: string, sizeGi: number, storageClass: string | null): k8s.V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace, labels: { ...selectorOf(name), [MODEL_LABEL]: labelSafe(model) }, annotations: { [MODEL_ID_ANNOTATION]: model } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: `${sizeGi}Gi` } },
    },
  };
}

/** Download size (GB, 1e9 bytes) + 25 % + 2 GiB (a re-pull of a new tag, Ollama's manifests), rounded up to whole GiB. */
export function claimSizeGi(downloadBytes: number): number {
  return Math.max(5, Math.ceil((downloadBytes * 1.25) / 1024 ** 3 + 2));
}

/** The claim of a model deployment: the deployment's name with "-models". */
export const claimNameOf = (deployment: string): string => `${deployment.slice(0, 63 - 7)}-models`;
