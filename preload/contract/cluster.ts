// Cluster operations: health, GPU VRAM, estimates and model deployments (seed routes).
import { z } from 'zod';
import { op } from './define.ts';
import { dns1123Label, empty, memoryGb, modelName } from './fields.ts';

export type NumberSource = 'label' | 'product-table' | 'default' | 'annotation' | 'ollama-ps' | 'unavailable';

export interface OllamaRouteInfo {
  /** 'explicit' | 'service-proxy' | 'port-forward' | 'service-dns' | 'localhost' */
  kind: string;
  url: string;
}

export interface HealthResult {
  status: 'healthy' | 'unhealthy';
  kubernetes: 'connected' | 'disconnected';
  context?: string;
  namespace?: string;
  error?: string;
  /** The Ollama route in use, null when none answers. */
  ollama?: OllamaRouteInfo | null;
}

/** One schedulable GPU unit kind on a node: a whole GPU, a time-sliced share, a MIG slice or a vGPU profile. */
export interface GpuDeviceGroup {
  resource: string; // e.g. nvidia.com/gpu, nvidia.com/mig-1g.10gb
  product: string;
  sharing: 'none' | 'time-slicing' | 'mps' | 'mig' | 'vgpu';
  /** Schedulable units (allocatable of the resource). */
  units: number;
  /** Physical memory pools behind the units (time-sliced replicas share one). */
  physical_gpus: number;
  vram_per_unit_gb: number;
  total_vram_gb: number;
  allocated_units: number;
  allocated_vram_gb: number;
  free_units: number;
  vram_source: NumberSource;
  /**
   * What a new deployment on a free unit of this group can really use, GiB: the unit itself (a
   * whole GPU, a MIG slice), or under time-slicing the physical GPU's memory less what its other
   * tenants hold or are estimated to hold. 0 when no unit is free.
   */
  usable_gb?: number;
  /** Time-slicing: how the units share one GPU's memory, and what that leaves. */
  sharing_note?: string;
}

export interface GpuNode {
  name: string;
  ready: boolean;
  groups: GpuDeviceGroup[];
  total_vram_gb: number;
  allocated_vram_gb: number;
  available_vram_gb: number;
  /** Largest VRAM a single new GPU request could get on this node. */
  largest_free_unit_gb: number;
}

/** Every `_gb` field of the API is GiB (preload/contract/units.ts), as the seed's were. */
export interface GpuInfo {
  total_vram_gb: number;
  allocated_vram_gb: number;
  available_vram_gb: number;
  /** The seed's name for the allocated share: allocated_vram_gb / total_vram_gb × 100, not GPU compute use (shown as "Allocated share"). */
  utilization_percent: number;
  gpu_count: number;
  /** What Ollama reports loaded (`/api/ps` size_vram), null when Ollama is unreachable. */
  used_vram_gb: number | null;
  used_source: NumberSource;
  /** The test of fit: a deployment asks for one GPU, so it must fit one free unit. */
  largest_free_gpu_gb: number;
  nodes: GpuNode[];
}

/**
 * What an answer built from the watch caches covers: the whole cluster, or only the app's
 * namespace because RBAC forbids the cluster-wide list (an operator limited to a namespace).
 */
export type ListScope = 'cluster' | 'namespace';

export interface GpuStatusResult {
  success: true;
  gpu_info: GpuInfo;
  recommendations: string[];
  /** 'namespace' when nodes or cluster-wide pods may not be listed (always set by the core). */
  scope?: ListScope;
  /** Why capacity or allocation is unknown or partial, naming the missing permission; absent when complete. */
  capacity_note?: string;
  /** Set while the watches are down (an outage): the figures are the last known, as of `stale_since` (ISO time). */
  stale?: true;
  stale_since?: string;
}

/** Where one number of an estimate came from. */
export type EstimateSource = 'ollama-show' | 'registry-manifest' | 'catalogue' | 'name-rule';

export const kvCacheTypes = ['f16', 'q8_0', 'q4_0'] as const;
export type KvCacheType = (typeof kvCacheTypes)[number];

/**
 * What an Ollama will allocate for a model (GiB). `resident_vram_gb` is what its /api/ps
 * will show: weights on the GPU + KV cache + compute buffer (+ `reserve_gb` for Ollama
 * before v0.12.11, which sized loads itself). `required_vram_gb` adds llama.cpp's 1 GiB free
 * margin (`margin_gb`): the test of fit. `overhead_gb` = compute + margin + reserve.
 */
export interface VramEstimate {
  model: string;
  required_vram_gb: number;
  weights_gb: number;
  kv_cache_gb: number;
  overhead_gb: number;
  context_length: number;
  /** How the estimate was made: the source of the weights (the catalogue and the name rule are both 'name'). */
  method: 'ollama-show' | 'registry-manifest' | 'name';
  detail: string;
  resident_vram_gb?: number;
  compute_gb?: number;
  margin_gb?: number;
  reserve_gb?: number;
  /** Why this context: asked for, or the Ollama version's default for the GPU's memory (capped at the training context). */
  context_note?: string;
  parallel?: number;
  kv_cache_type?: KvCacheType;
  /** The Ollama version whose rules were applied ("latest" = the newest rules). */
  ollama_version?: string;
  /** Memory of the GPU unit the default context was picked for; null when not known. */
  gpu_memory_gb?: number | null;
  /** Transformer layers: what moves to the CPU, whole, when the GPU is too small. */
  layers?: number;
  sources?: { weights: EstimateSource; kv_cache: EstimateSource; compute: EstimateSource };
  /** True when nothing knows the model and its size was assumed (`assumption` says how): never a plain "fits". */
  assumed?: boolean;
  assumption?: string;
}

/** The model on the shared Ollama that already runs: by its own version's rules and GPU. */
export interface SharedOllamaEstimate {
  /** What its /api/version said. */
  ollama_version: string;
  version_source: 'ollama-api-version';
  /** Memory of the GPU its pod holds; null when no such pod is seen (then the default context says so). */
  gpu_memory_gb: number | null;
  /** namespace/name of the pod whose GPU that is. */
  pod?: string;
  estimate: VramEstimate;
}

/** How close this app's estimates came to what the deployments' own Ollamas measured (/api/ps size: all they allocated, on the GPU and off it), kept in a ConfigMap. */
export interface EstimateAccuracy {
  /** Models measured on this cluster. */
  models: number;
  /** The largest |measured − estimated| / estimated over them, %. */
  within_percent: number;
  /** namespace/name of the ConfigMap that keeps them. */
  configmap: string;
  per_model: Record<string, { estimated_gb: number; measured_gb: number; ratio: number; context_length: number; deployment: string; at: string }>;
}

/** Whether an estimate runs entirely on one GPU unit, and what would not fit. */
export interface FitResult {
  fits: boolean;
  /** GiB beyond the unit's free memory: the part Ollama would run on the CPU. 0 when it fits. */
  shortfall_gb: number;
  message: string;
  /** The unit checked (the smallest free one it fits on, else the closest). */
  unit?: { node: string; resource: string; product: string; memory_gb: number; free_gb: number };
}

export interface DeploymentInfo {
  name: string;
  namespace: string;
  /**
   * The model it serves: this app's annotation, else what its server is given ($MODEL, MODEL_ID,
   * --model, -m); '' for a plain Ollama (it serves whatever is pulled into it); the name for other workloads.
   */
  model_id: string;
  image: string;
  status: 'Running' | 'Starting' | 'Failed';
  replicas: string;
  gpu: string;
  memory: string;
  created: string;
  /** Why it is not running: the pod's waiting reason or the scheduling failure. */
  reason?: string;
  message?: string;
  managed: boolean;
  /** Recognisably a model server (made by this app, an Ollama image, a MODEL variable, a known inference server): what the UI shows by default. */
  model_server: boolean;
  /** The inference server it runs, when recognised ('ollama', 'vllm', 'text-generation-inference', 'llama.cpp'). */
  server?: string;
  estimated_vram_gb?: number;
  /** What the estimate says its /api/ps will show (estimated_vram_gb less llama.cpp's free margin): the figure measured_vram_gb compares with. */
  estimated_resident_gb?: number;
  /** While its pod pulls the model: the pull's progress, read from that deployment's own Ollama. */
  pull?: { status: string; completed_gb: number; total_gb: number; percent: number };
  /** Once loaded, from its own /api/ps: size_vram (GiB), size (GiB) and the context it runs. */
  measured_vram_gb?: number;
  measured_size_gb?: number;
  measured_context_length?: number;
  /** The claim this app made for its models folder (namespace/name): deleted with it unless kept. */
  claim?: string;
}

export interface DeploymentsResult {
  success: true;
  models: DeploymentInfo[];
  count: number;
  /** This manager instance (random per start) and the view's version: `deploymentsChanged` events with the same epoch and a higher seq apply on top. */
  epoch: string;
  seq: number;
  /** 'namespace': only the app's namespace is shown, the cluster-wide list being forbidden (always set by the core). */
  scope?: ListScope;
  /** With scope 'namespace': which namespace, and the permission that would show every one. */
  scope_note?: string;
  /** Set while the watches are down (an outage): the list is the last known, as of `stale_since` (ISO time). */
  stale?: true;
  stale_since?: string;
}

export interface DeployResult {
  success: true;
  message: string;
  deployment_name: string;
  namespace: string;
  model_id: string;
  service: string;
  vram_allocation: {
    required_vram_gb: number;
    requested_memory_gb: number;
    available_vram_gb: number;
    largest_free_gpu_gb: number;
    /** The GPU resource the Deployment asks one of (nvidia.com/gpu, or a MIG profile that fits). */
    gpu_resource: string;
    estimate: VramEstimate;
    /** False when RBAC forbids listing nodes: the free-VRAM check could not be made (see `warning`). */
    vram_checked?: boolean;
    /** The fit on the unit checked; `shortfall_gb` > 0 only when the request accepted partial offload. */
    fit?: FitResult;
    /** What the Deployment is pinned to: the node label and value of the GPU kind checked. */
    pinned_to?: { label: string; value: string } | null;
  };
  /** The Ollama settings the Deployment pins (its environment), and its image. */
  ollama?: { image: string; context_length: number; parallel: number; kv_cache_type: KvCacheType; flash_attention: boolean; keep_alive: string };
  /** The claim for Ollama's models folder (namespace/name), and whether this deploy created it; null: none. */
  claim?: { name: string; created: boolean; size: string; storage_class: string | null } | null;
  /** Set when the deployment was made without the free-VRAM check. */
  warning?: string;
}

export interface DeleteDeploymentResult {
  success: true;
  message: string;
  deployment_name: string;
  namespace: string;
  /** The claim deleted with it (namespace/name), or kept when asked. */
  claim_deleted?: string;
  claim_kept?: string;
}

/** One pod of a deployment, from the watch cache. */
export interface DeploymentPod {
  name: string;
  /** null while it is not scheduled. */
  node: string | null;
  phase: string;
  ready: boolean;
  restarts: number;
  /** The GPU resource it holds (nvidia.com/gpu, a MIG slice...) and how many units; null when none. */
  gpu_resource: string | null;
  gpu_units: number;
  /** The product of that GPU on its node (node label), when known. */
  gpu_product?: string;
  /** Why it is not running: a container's waiting reason or the scheduler's message. */
  reason?: string;
  message?: string;
  created: string;
}

export interface DeploymentPodsResult {
  success: true;
  namespace: string;
  name: string;
  pods: DeploymentPod[];
  stale?: true;
  stale_since?: string;
}

/** The end of a pod's log, line by line, as its kubelet keeps it. */
export interface PodLogsResult {
  success: true;
  namespace: string;
  pod: string;
  container: string | null;
  /** Oldest first; `time` is the kubelet's timestamp (RFC 3339). */
  lines: { time: string; text: string }[];
}

/** One Kubernetes event about a deployment, its ReplicaSets or its pods (as kubectl describe shows them). */
export interface DeploymentEvent {
  type: string;
  reason: string;
  message: string;
  /** Kind/name of what it is about: Deployment/web, ReplicaSet/web-5d8f, Pod/web-5d8f-abcde. */
  object: string;
  count: number;
  /** When it last happened (ISO). */
  last_seen: string;
}

export interface DeploymentEventsResult {
  success: true;
  namespace: string;
  name: string;
  /** Newest first, at most 50. */
  events: DeploymentEvent[];
}

/** A pod holding GPU units, and the deployment it belongs to (when one selects it). */
export interface GpuHolder {
  node: string;
  resource: string;
  units: number;
  pod: string;
  namespace: string;
  /** namespace/name of the deployment whose selector matches the pod; absent for a bare pod or a job. */
  deployment?: string;
}

export interface GpuHoldersResult {
  success: true;
  holders: GpuHolder[];
  stale?: true;
  stale_since?: string;
}

export interface ScaleDeploymentResult {
  success: true;
  message: string;
  namespace: string;
  name: string;
  replicas: number;
  /** What spec.replicas was before. */
  previous_replicas: number;
}

export interface RestartDeploymentResult {
  success: true;
  message: string;
  namespace: string;
  name: string;
  /** The kubectl.kubernetes.io/restartedAt value written (ISO time). */
  restarted_at: string;
}

/** A new deployment's name: also its Service's, which must start with a letter (DNS-1035). */
export const deploymentName = dns1123Label.regex(/^[a-z]/, 'must start with a letter (the Service of the same name must be a DNS-1035 label)');

const contextLength = z.number({ error: 'must be a whole number of tokens' }).int('must be a whole number of tokens').min(256, 'must be at least 256 tokens').max(1_048_576, 'must be at most 1048576 tokens');
const parallelSeqs = z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(64, 'must be at most 64');

export const clusterOperations = {
  health: op<HealthResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/health' },
    summary: 'Whether the Kubernetes API answers, and the Ollama route in use',
  }),
  gpuStatus: op<GpuStatusResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/gpu/status' },
    summary: 'GPU VRAM capacity, allocation and use, per node, with recommendations',
  }),
  /** `capacity_note`: free VRAM is unknown or partial (RBAC), so `fits` is not confirmed. */
  /** `estimate`/`fit`: a new deployment (its image's Ollama version, the free unit it would get); `shared_ollama`: the same model on the shared Ollama. */
  estimateVram: op<{ success: true; estimate: VramEstimate; fits: boolean; fit: FitResult; largest_free_gpu_gb: number; shared_ollama?: SharedOllamaEstimate; capacity_note?: string; accuracy?: EstimateAccuracy }>()({
    input: z.object({
      model: modelName,
      context_length: contextLength.optional(),
      parallel: parallelSeqs.optional(),
      kv_cache_type: z.enum(kvCacheTypes, { error: 'must be one of f16, q8_0, q4_0' }).optional(),
    }),
    rest: { method: 'GET', path: '/api/vram/estimate' },
    summary: 'How much VRAM a model needs, and how the number was made',
  }),
  listDeployments: op<DeploymentsResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/deployments' },
    summary: 'Model deployments in every non-system namespace',
  }),
  deploy: op<DeployResult>()({
    /** `namespace`: where the Deployment and Service go; absent, the app's namespace (the seed's behaviour). */
    /**
     * `memory`: the pod's RAM (request and limit), default the Settings' deployMemoryGb. `context_length`,
     * `parallel`, `kv_cache_type`: pinned in the Deployment (defaults from Settings). `allow_partial_offload`:
     * deploy even when part of the model would run on the CPU. `storage`: a new claim for Ollama's models
     * (default), an `existing` one (`claim_name`), or `none`.
     */
    input: z
      .object({
        model_id: modelName,
        deployment_name: deploymentName,
        memory: memoryGb.optional(),
        namespace: dns1123Label.optional(),
        context_length: contextLength.optional(),
        parallel: parallelSeqs.optional(),
        kv_cache_type: z.enum(kvCacheTypes, { error: 'must be one of f16, q8_0, q4_0' }).optional(),
        allow_partial_offload: z.boolean({ error: 'must be true or false' }).optional(),
        storage: z.enum(['new', 'existing', 'none'], { error: 'must be one of new, existing, none' }).optional(),
        claim_name: dns1123Label.optional(),
      })
      .refine((v) => v.storage !== 'existing' || v.claim_name, { path: ['claim_name'], message: 'is required with storage "existing"' }),
    rest: { method: 'POST', path: '/api/deploy' },
    summary: 'Deploy an Ollama model with one GPU, after checking VRAM',
  }),
  deleteDeployment: op<DeleteDeploymentResult>()({
    /** `namespace`: a deployment outside the app's namespace (the listing shows every namespace). */
    /** `keep_claim`: keep the claim with the pulled models (default: it is deleted with the deployment). */
    input: z.object({ deployment_name: dns1123Label, namespace: dns1123Label.optional(), keep_claim: z.boolean({ error: 'must be true or false' }).optional() }),
    rest: { method: 'POST', path: '/api/delete' },
    summary: 'Delete a model deployment and its Service',
  }),
  podLogs: op<PodLogsResult>()({
    /** `tail_lines`: how many of the last lines (default 200); `since_time`: only lines from it on (inclusive, ISO), to follow a log by polling. */
    input: z.object({
      namespace: dns1123Label,
      pod: dns1123Label,
      container: dns1123Label.optional(),
      tail_lines: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(5000, 'must be at most 5000').optional(),
      since_time: z
        .string({ error: 'must be an ISO time such as 2026-01-01T00:00:00Z' })
        .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/, 'must be an ISO time such as 2026-01-01T00:00:00Z')
        .optional(),
    }),
    rest: { method: 'GET', path: '/api/pods/logs' },
    summary: 'The last lines of a pod\'s log (namespace/pod), optionally only those from a time on',
  }),
  deploymentEvents: op<DeploymentEventsResult>()({
    input: z.object({ namespace: dns1123Label, name: dns1123Label }),
    rest: { method: 'GET', path: '/api/deployments/events' },
    summary: 'Recent events of a deployment (namespace/name), its ReplicaSets and pods',
  }),
  gpuHolders: op<GpuHoldersResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/gpu/holders' },
    summary: 'Which pods (and deployments) hold GPU units on which node',
  }),
  deploymentPods: op<DeploymentPodsResult>()({
    input: z.object({ namespace: dns1123Label, name: dns1123Label }),
    rest: { method: 'GET', path: '/api/deployments/pods' },
    summary: 'The pods of a deployment (namespace/name): node, GPU unit, phase, restarts',
  }),
  scaleDeployment: op<ScaleDeploymentResult>()({
    /** `replicas`: the Deployment's spec.replicas (0 stops its pods and frees their GPUs). */
    input: z.object({ namespace: dns1123Label, name: dns1123Label, replicas: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').max(100, 'must be at most 100') }),
    rest: { method: 'POST', path: '/api/deployments/scale' },
    summary: 'Set the replicas of a deployment (namespace/name)',
  }),
  restartDeployment: op<RestartDeploymentResult>()({
    /** As `kubectl rollout restart`: the pod template's restartedAt annotation, so new pods replace the old. */
    input: z.object({ namespace: dns1123Label, name: dns1123Label }),
    rest: { method: 'POST', path: '/api/deployments/restart' },
    summary: 'Restart the pods of a deployment (namespace/name) by a rollout',
  }),
};
