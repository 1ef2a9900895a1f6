// Ollama operations: models, pulls, tries and the catalogue (seed routes plus pull cancel/list).
import { z } from 'zod';
import { op } from './define.ts';
import { dns1123Label, empty, modelName } from './fields.ts';

const targetObject = z.strictObject({ namespace: dns1123Label, name: dns1123Label }, { error: 'must be {namespace, name} of a model deployment' });
/**
 * Which Ollama: a managed model deployment's own (its Service); absent, the shared Ollama.
 * Over a query string (GET) it is written "namespace/name".
 */
export const ollamaTarget = z
  .union([
    targetObject,
    z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
      .transform((s) => {
        const [namespace, name] = s.split('/');
        return { namespace: namespace!, name: name! };
      }),
  ], { error: 'must be {namespace, name} of a model deployment (DNS-1123 labels), or "namespace/name" in a query string' })
  .optional();
export type OllamaTarget = { namespace: string; name: string };
const withTarget = z.object({ target: ollamaTarget });
const modelOn = z.object({ model: modelName, target: ollamaTarget });
import type { FitResult, VramEstimate } from './cluster.ts';

/** A model as /api/tags gives it (every field kept: `model`, `details`, ...), with the app's fields beside. */
export interface OllamaModel {
  /** Ollama's own fields not named below. */
  [ollamaField: string]: unknown;
  name: string;
  model?: string;
  /** As Ollama gives it (newer versions add context_length and embedding_length, and may add more). */
  details?: { [field: string]: unknown; parent_model?: string; format?: string; family?: string; families?: string[] | null; parameter_size?: string; quantization_level?: string; context_length?: number; embedding_length?: number };
  size: number;
  size_gb: number;
  digest: string;
  modified_at: string;
  family: string;
  parameter_size: string;
  quantization_level: string;
  loaded: boolean;
  size_vram: number | null;
  /** Loaded: the bytes it takes in memory (/api/ps size); size_vram of them are on the GPU, the rest on the CPU. */
  loaded_size: number | null;
  /** Loaded: the context length it runs with (/api/ps context_length). */
  loaded_context_length: number | null;
  expires_at: string | null;
}

/** One route to Ollama as "Test" tried it. */
export interface OllamaRouteTest {
  kind: string;
  url: string;
  ok: boolean;
  version: string | null;
  ms: number;
  error: string | null;
}

export interface ModelsResult {
  success: true;
  models: OllamaModel[];
  count: number;
  route: { kind: string; url: string };
}

export interface PullProgress {
  model: string;
  /** The model deployment whose Ollama pulls it ("namespace/name"); absent: the shared Ollama. */
  target?: string;
  /** 'starting' | 'pulling manifest' | 'downloading' | 'verifying sha256 digest' | 'writing manifest' | 'success' | 'error' | 'cancelled' */
  status: string;
  progress: number;
  total: number;
  completed: number;
  error: string | null;
  message: string;
  bytes_per_second: number | null;
  eta_seconds: number | null;
  started_at: string;
  finished_at: string | null;
}

export interface CatalogEntry {
  name: string;
  description: string;
  size_gb: number | null;
  estimate: VramEstimate;
  /** Runs entirely on the free GPU unit it would get (see `fit`). */
  fits: boolean;
  /** The fit check behind `fits`: how much would not fit, and where. */
  fit?: FitResult;
  installed: boolean;
}

export interface CatalogResult {
  success: true;
  source: 'registry' | 'curated';
  models: CatalogEntry[];
  available_vram_gb: number;
  largest_free_gpu_gb: number;
  /** Why `fits` is not confirmed: free VRAM unknown or partial (RBAC, or the cluster did not answer in time). */
  capacity_note?: string;
}

export interface GenerateResult {
  success: true;
  model: string;
  response: string;
  done_reason: string | null;
  metrics: {
    total_duration_ms: number;
    load_duration_ms: number;
    prompt_eval_count: number;
    eval_count: number;
    eval_duration_ms: number;
    tokens_per_second: number | null;
  };
}

const streamId = z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a short id');

const chatTurn = z.object({
  role: z.enum(['user', 'assistant'], { error: 'must be user or assistant' }),
  content: z.string({ error: 'must be a string' }).max(100_000, 'is too long (100,000 characters at most)'),
});

const generateInput = z.object({
  model: modelName,
  target: ollamaTarget,
  /** Without one (or empty, or only spaces), Ollama only loads the model: not a use, so not counted. */
  prompt: z.string({ error: 'must be a string' }).max(100_000, 'is too long (100,000 characters at most)').default(''),
  /** A chat: the system prompt and the turns before this prompt (Ollama's /api/chat is used then). */
  system: z.string({ error: 'must be a string' }).max(20_000, 'is too long (20,000 characters at most)').optional(),
  history: z.array(chatTurn, { error: 'must be a list of {role, content}' }).max(200, 'is too long (200 turns at most)').optional(),
  /** Ollama's options.temperature and options.num_ctx. */
  temperature: z.number({ error: 'must be a number' }).min(0, 'must be 0 or more').max(2, 'must be at most 2').optional(),
  context_length: z.number({ error: 'must be a whole number of tokens' }).int('must be a whole number of tokens').min(256, 'must be at least 256 tokens').max(1_048_576, 'must be at most 1048576 tokens').optional(),
});

export const ollamaOperations = {
  listModels: op<ModelsResult>()({
    input: withTarget,
    rest: { method: 'GET', path: '/api/ollama/models' },
    summary: 'Models Ollama holds, with what is loaded and its VRAM',
  }),
  deleteModel: op<{ success: true; message: string; model: string }>()({
    input: modelOn,
    rest: { method: 'POST', path: '/api/ollama/delete' },
    summary: "Delete a model from Ollama's storage",
  }),
  catalog: op<CatalogResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/ollama/gguf-models' },
    summary: 'Curated models with their VRAM estimate and whether each fits now',
  }),
  pullModel: op<{ success: true; message: string; model: string; progress: PullProgress; /** A pull of it was already running: this request joined it. */ joined: boolean }>()({
    input: modelOn,
    rest: { method: 'POST', path: '/api/ollama/pull', status: 202 },
    summary: 'Start (or join) a background pull',
  }),
  pullProgress: op<PullProgress>()({
    input: modelOn,
    rest: { method: 'GET', path: '/api/ollama/pull/progress/{model}' },
    summary: 'Progress of a pull started in this run',
  }),
  cancelPull: op<{ success: true; message: string; model: string }>()({
    input: modelOn,
    rest: { method: 'DELETE', path: '/api/ollama/pull/{model}' },
    summary: 'Stop a running pull (Ollama resumes it on a later pull)',
  }),
  unloadModel: op<{ success: true; message: string; model: string }>()({
    input: modelOn,
    rest: { method: 'POST', path: '/api/ollama/unload' },
    summary: "Unload a model from memory now (Ollama's keep_alive 0); it stays on disk",
  }),
  keepModelLoaded: op<{ success: true; message: string; model: string }>()({
    input: modelOn,
    rest: { method: 'POST', path: '/api/ollama/keep-loaded' },
    summary: "Load a model and keep it loaded until unloaded (Ollama's keep_alive -1)",
  }),
  /** Each configured route to the shared Ollama tried once, in order: which answers and how fast (Settings' "Test"). */
  testOllamaRoutes: op<{ success: true; routes: OllamaRouteTest[] }>()({
    input: empty,
    rest: { method: 'POST', path: '/api/ollama/routes/test' },
    summary: 'Try every configured route to the shared Ollama once: which answers, its version, how fast',
  }),
  listPulls: op<{ success: true; pulls: PullProgress[] }>()({
    input: empty,
    rest: { method: 'GET', path: '/api/ollama/pulls' },
    summary: 'Running and recently finished pulls',
  }),
  generate: op<GenerateResult>()({
    input: generateInput,
    rest: { method: 'POST', path: '/api/ollama/generate' },
    summary: 'Try a model: its answer with tokens per second; counts usage on success. Without a prompt it loads the model (not counted)',
  }),
  generateStream: op<GenerateResult>()({
    input: generateInput.extend({ stream_id: streamId }),
    /** The text arrives as `generateChunk` events (IPC, or GET /api/events); the answer is the whole, at the end. */
    rest: { method: 'POST', path: '/api/ollama/generate/stream' },
    summary: 'Like generate, with `generateChunk` events carrying stream_id as the text arrives',
  }),
  cancelGenerate: op<{ success: true; message: string; stream_id: string }>()({
    input: z.object({ stream_id: streamId }),
    rest: { method: 'POST', path: '/api/ollama/generate/cancel' },
    summary: 'Stop a generateStream by its stream_id (Ollama stops generating)',
  }),
};
