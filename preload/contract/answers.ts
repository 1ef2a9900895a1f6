// The answers of the REST routes as zod schemas, for the OpenAPI document (GET /api/openapi.json)
// and its test, which checks real answers against them. The TypeScript types beside each
// operation stay what the core and the UI are typed by; `SameType` below makes every schema
// here equal to its type, field by field (optional or not), so neither can change alone:
// typecheck fails first. Answers are not re-validated at run time.
import { z } from 'zod';
import type { ErrorBody } from './define.ts';
import type { OperationName, Output } from './index.ts';
import { kvCacheTypes } from './cluster.ts';
import { settingsSchema } from './app.ts';

const int = () => z.number().int();
const success = z.literal(true);
const listScope = z.enum(['cluster', 'namespace']);
const numberSource = z.enum(['label', 'product-table', 'default', 'annotation', 'ollama-ps', 'unavailable']);
const estimateSource = z.enum(['ollama-show', 'registry-manifest', 'catalogue', 'name-rule']);

export const ollamaRouteInfoSchema = z.object({ kind: z.string(), url: z.string() });

export const healthResultSchema = z.object({
  status: z.enum(['healthy', 'unhealthy']),
  kubernetes: z.enum(['connected', 'disconnected']),
  context: z.string().optional(),
  namespace: z.string().optional(),
  error: z.string().optional(),
  ollama: ollamaRouteInfoSchema.nullable().optional(),
});

const gpuDeviceGroup = z.object({
  resource: z.string(),
  product: z.string(),
  sharing: z.enum(['none', 'time-slicing', 'mps', 'mig', 'vgpu']),
  units: int(),
  physical_gpus: int(),
  vram_per_unit_gb: z.number(),
  total_vram_gb: z.number(),
  allocated_units: int(),
  allocated_vram_gb: z.number(),
  free_units: int(),
  vram_source: numberSource,
  usable_gb: z.number().optional(),
  sharing_note: z.string().optional(),
});

const gpuNode = z.object({
  name: z.string(),
  ready: z.boolean(),
  groups: z.array(gpuDeviceGroup),
  total_vram_gb: z.number(),
  allocated_vram_gb: z.number(),
  available_vram_gb: z.number(),
  largest_free_unit_gb: z.number(),
});

const stale = { stale: z.literal(true).optional(), stale_since: z.string().optional() };

const gpuStatusResult = z.object({
  success,
  gpu_info: z.object({
    total_vram_gb: z.number(),
    allocated_vram_gb: z.number(),
    available_vram_gb: z.number(),
    utilization_percent: z.number(),
    gpu_count: int(),
    used_vram_gb: z.number().nullable(),
    used_source: numberSource,
    largest_free_gpu_gb: z.number(),
    nodes: z.array(gpuNode),
  }),
  recommendations: z.array(z.string()),
  scope: listScope.optional(),
  capacity_note: z.string().optional(),
  ...stale,
});

const vramEstimate = z.object({
  model: z.string(),
  required_vram_gb: z.number(),
  weights_gb: z.number(),
  kv_cache_gb: z.number(),
  overhead_gb: z.number(),
  context_length: int(),
  method: z.enum(['ollama-show', 'registry-manifest', 'name']),
  detail: z.string(),
  resident_vram_gb: z.number().optional(),
  compute_gb: z.number().optional(),
  margin_gb: z.number().optional(),
  reserve_gb: z.number().optional(),
  context_note: z.string().optional(),
  parallel: int().optional(),
  kv_cache_type: z.enum(kvCacheTypes).optional(),
  ollama_version: z.string().optional(),
  gpu_memory_gb: z.number().nullable().optional(),
  layers: int().optional(),
  sources: z.object({ weights: estimateSource, kv_cache: estimateSource, compute: estimateSource }).optional(),
  assumed: z.boolean().optional(),
  assumption: z.string().optional(),
});

const fitResult = z.object({
  fits: z.boolean(),
  shortfall_gb: z.number(),
  message: z.string(),
  unit: z.object({ node: z.string(), resource: z.string(), product: z.string(), memory_gb: z.number(), free_gb: z.number() }).optional(),
});

const estimateResult = z.object({
  success,
  estimate: vramEstimate,
  fits: z.boolean(),
  fit: fitResult,
  largest_free_gpu_gb: z.number(),
  shared_ollama: z
    .object({
      ollama_version: z.string(),
      version_source: z.literal('ollama-api-version'),
      gpu_memory_gb: z.number().nullable(),
      pod: z.string().optional(),
      estimate: vramEstimate,
    })
    .optional(),
  capacity_note: z.string().optional(),
  accuracy: z
    .object({
      models: int(),
      within_percent: z.number(),
      configmap: z.string(),
      per_model: z.record(z.string(), z.object({ estimated_gb: z.number(), measured_gb: z.number(), ratio: z.number(), context_length: int(), deployment: z.string(), at: z.string() })),
    })
    .optional(),
});

const deploymentInfo = z.object({
  name: z.string(),
  namespace: z.string(),
  model_id: z.string(),
  image: z.string(),
  status: z.enum(['Running', 'Starting', 'Failed']),
  replicas: z.string(),
  gpu: z.string(),
  memory: z.string(),
  created: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  managed: z.boolean(),
  model_server: z.boolean(),
  server: z.string().optional(),
  estimated_vram_gb: z.number().optional(),
  estimated_resident_gb: z.number().optional(),
  pull: z.object({ status: z.string(), completed_gb: z.number(), total_gb: z.number(), percent: z.number() }).optional(),
  measured_vram_gb: z.number().optional(),
  measured_size_gb: z.number().optional(),
  measured_context_length: int().optional(),
  claim: z.string().optional(),
});

const deploymentsResult = z.object({
  success,
  models: z.array(deploymentInfo),
  count: int(),
  epoch: z.string(),
  seq: int(),
  scope: listScope.optional(),
  scope_note: z.string().optional(),
  ...stale,
});

const deployResult = z.object({
  success,
  message: z.string(),
  deployment_name: z.string(),
  namespace: z.string(),
  model_id: z.string(),
  service: z.string(),
  vram_allocation: z.object({
    required_vram_gb: z.number(),
    requested_memory_gb: z.number(),
    available_vram_gb: z.number(),
    largest_free_gpu_gb: z.number(),
    gpu_resource: z.string(),
    estimate: vramEstimate,
    vram_checked: z.boolean().optional(),
    fit: fitResult.optional(),
    pinned_to: z.object({ label: z.string(), value: z.string() }).nullable().optional(),
  }),
  ollama: z
    .object({ image: z.string(), context_length: int(), parallel: int(), kv_cache_type: z.enum(kvCacheTypes), flash_attention: z.boolean(), keep_alive: z.string() })
    .optional(),
  claim: z.object({ name: z.string(), created: z.boolean(), size: z.string(), storage_class: z.string().nullable() }).nullable().optional(),
  warning: z.string().optional(),
});

const deleteDeploymentResult = z.object({
  success,
  message: z.string(),
  deployment_name: z.string(),
  namespace: z.string(),
  claim_deleted: z.string().optional(),
  claim_kept: z.string().optional(),
});

const podLogsResult = z.object({
  success,
  namespace: z.string(),
  pod: z.string(),
  container: z.string().nullable(),
  lines: z.array(z.object({ time: z.string(), text: z.string() })),
});
const deploymentEventsResult = z.object({
  success,
  namespace: z.string(),
  name: z.string(),
  events: z.array(z.object({ type: z.string(), reason: z.string(), message: z.string(), object: z.string(), count: int(), last_seen: z.string() })),
});
const gpuHoldersResult = z.object({
  success,
  holders: z.array(z.object({ node: z.string(), resource: z.string(), units: z.number(), pod: z.string(), namespace: z.string(), deployment: z.string().optional() })),
  stale: z.literal(true).optional(),
  stale_since: z.string().optional(),
});
const deploymentPodsResult = z.object({
  success,
  namespace: z.string(),
  name: z.string(),
  pods: z.array(
    z.object({
      name: z.string(),
      node: z.string().nullable(),
      phase: z.string(),
      ready: z.boolean(),
      restarts: int(),
      gpu_resource: z.string().nullable(),
      gpu_units: z.number(),
      gpu_product: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      created: z.string(),
    }),
  ),
  stale: z.literal(true).optional(),
  stale_since: z.string().optional(),
});
const scaleDeploymentResult = z.object({ success, message: z.string(), namespace: z.string(), name: z.string(), replicas: int(), previous_replicas: int() });
const restartDeploymentResult = z.object({ success, message: z.string(), namespace: z.string(), name: z.string(), restarted_at: z.string() });

/** Ollama's /api/tags entry, every field of it kept (hence loose), with the app's fields beside. */
const ollamaModel = z.looseObject({
  name: z.string(),
  model: z.string().optional(),
  // Loose too: Ollama adds fields to details over versions (context_length, embedding_length...).
  details: z
    .looseObject({
      parent_model: z.string().optional(),
      format: z.string().optional(),
      family: z.string().optional(),
      families: z.array(z.string()).nullable().optional(),
      parameter_size: z.string().optional(),
      quantization_level: z.string().optional(),
      context_length: int().optional(),
      embedding_length: int().optional(),
    })
    .optional(),
  size: int(),
  size_gb: z.number(),
  digest: z.string(),
  modified_at: z.string(),
  family: z.string(),
  parameter_size: z.string(),
  quantization_level: z.string(),
  loaded: z.boolean(),
  size_vram: int().nullable(),
  loaded_size: int().nullable(),
  loaded_context_length: int().nullable(),
  expires_at: z.string().nullable(),
});

const modelsResult = z.object({ success, models: z.array(ollamaModel), count: int(), route: ollamaRouteInfoSchema });

const pullProgress = z.object({
  model: z.string(),
  target: z.string().optional(),
  status: z.string(),
  progress: z.number(),
  total: int(),
  completed: int(),
  error: z.string().nullable(),
  message: z.string(),
  bytes_per_second: z.number().nullable(),
  eta_seconds: z.number().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});

const modelMessage = z.object({ success, message: z.string(), model: z.string() });

const catalogResult = z.object({
  success,
  source: z.enum(['registry', 'curated']),
  models: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      size_gb: z.number().nullable(),
      estimate: vramEstimate,
      fits: z.boolean(),
      fit: fitResult.optional(),
      installed: z.boolean(),
    }),
  ),
  available_vram_gb: z.number(),
  largest_free_gpu_gb: z.number(),
  capacity_note: z.string().optional(),
});

const generateResult = z.object({
  success,
  model: z.string(),
  response: z.string(),
  done_reason: z.string().nullable(),
  metrics: z.object({
    total_duration_ms: z.number(),
    load_duration_ms: z.number(),
    prompt_eval_count: int(),
    eval_count: int(),
    eval_duration_ms: z.number(),
    tokens_per_second: z.number().nullable(),
  }),
});

const rankingResult = z.object({
  success,
  total_requests: int(),
  models: z.array(
    z.object({
      rank: int(),
      model: z.string(),
      count: int(),
      usage_percent: z.number(),
      prompt_tokens: int().optional(),
      completion_tokens: int().optional(),
    }),
  ),
  pending: int(),
  clients: z.array(z.object({ client: z.string(), requests: int(), prompt_tokens: int(), completion_tokens: int() })).optional(),
});

const endpointRoutesResult = z.object({
  success,
  enabled: z.boolean(),
  port: int(),
  routes: z.array(z.object({ model: z.string(), target: z.string(), url: z.string(), source: z.enum(['setting', 'deployment', 'default']) })),
  default_target: z.literal('shared'),
});

const settingsResult = z.object({ success, settings: settingsSchema });

const contextsResult = z.object({
  success,
  current: z.string().nullable(),
  contexts: z.array(z.object({ name: z.string(), cluster: z.string(), namespace: z.string().nullable() })),
});

/** Every failure, over REST and IPC: `field` names the input at fault, `fields` every one; other details may follow. */
export const errorBodySchema = z.looseObject({
  success: z.literal(false),
  error: z.string(),
  status: int().min(400).max(599),
  field: z.string().optional(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  allow: z.array(z.string()).optional(),
  retry_after: z.number().optional(),
});

/** The answer of each REST operation (success status); every operation with a route has one. */
export const answers = {
  health: healthResultSchema,
  gpuStatus: gpuStatusResult,
  estimateVram: estimateResult,
  listDeployments: deploymentsResult,
  deploy: deployResult,
  deleteDeployment: deleteDeploymentResult,
  podLogs: podLogsResult,
  deploymentEvents: deploymentEventsResult,
  gpuHolders: gpuHoldersResult,
  deploymentPods: deploymentPodsResult,
  scaleDeployment: scaleDeploymentResult,
  restartDeployment: restartDeploymentResult,
  listModels: modelsResult,
  deleteModel: modelMessage,
  catalog: catalogResult,
  pullModel: modelMessage.extend({ progress: pullProgress, joined: z.boolean() }),
  pullProgress,
  cancelPull: modelMessage,
  listPulls: z.object({ success, pulls: z.array(pullProgress) }),
  testOllamaRoutes: z.object({
    success,
    routes: z.array(z.object({ kind: z.string(), url: z.string(), ok: z.boolean(), version: z.string().nullable(), ms: int(), error: z.string().nullable() })),
  }),
  unloadModel: modelMessage,
  keepModelLoaded: modelMessage,
  generate: generateResult,
  generateStream: generateResult,
  cancelGenerate: z.object({ success, message: z.string(), stream_id: z.string() }),
  usageRanking: rankingResult,
  usageHistory: z.object({
    success,
    bucket: z.enum(['hour', 'day']),
    times: z.array(z.string()),
    series: z.array(z.object({ model: z.string(), counts: z.array(int()), total: int() })),
    pending: int(),
    other_models: z.string(),
  }),
  trackUsage: z.object({ success, model: z.string(), count: int(), message: z.string() }),
  resetUsage: z.object({ success, message: z.string() }),
  getSettings: settingsResult,
  updateSettings: settingsResult,
  rotateRestToken: z.object({ success, token: z.string(), message: z.string() }),
  listContexts: contextsResult,
  ollamaEndpointRoutes: endpointRoutesResult,
} satisfies { [N in OperationName]?: z.ZodType };

// Each schema's type is its operation's Output, exactly (the same keys, the same optionality);
// a field added to one side only fails here.
type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Flat<T> = T extends readonly (infer E)[] ? Flat<E>[] : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Check<N extends keyof typeof answers & OperationName> = SameType<Flat<z.output<(typeof answers)[N]>>, Flat<Output<N>>>;
type AllSame = { [N in keyof typeof answers & OperationName]: Check<N> };
const answersMatchTheContract: { [N in keyof AllSame]: true } = {} as AllSame;
type ErrorCore<T> = Pick<T, Extract<'success' | 'error' | 'status', keyof T>>;
const errorBodyMatches: SameType<Flat<ErrorCore<z.output<typeof errorBodySchema>>>, Flat<ErrorCore<ErrorBody>>> = true;
const errorBodyIsOne: ErrorBody = {} as z.output<typeof errorBodySchema>;
void errorBodyIsOne;
void answersMatchTheContract;
void errorBodyMatches;

/**
 * Failures a handler itself gives, besides those of the transport (bad input, token, Host,
 * body size or type, rate limit, not ready) that every route may answer: for the document.
 */
export const handlerFailures: { [N in OperationName]?: number[] } = {
  deploy: [409],
  deleteDeployment: [404],
  deploymentPods: [404],
  deploymentEvents: [404],
  podLogs: [404],
  scaleDeployment: [404],
  restartDeployment: [404],
  deleteModel: [404, 502],
  pullModel: [404, 502],
  pullProgress: [404],
  cancelPull: [404, 409],
  generate: [404, 502],
  generateStream: [404, 502],
  cancelGenerate: [404],
  listModels: [404, 502],
  unloadModel: [404, 502],
  keepModelLoaded: [404, 502],
};
