// What the simulated Ollama allocates when it loads a model, layer by layer, as REFERENCE.md
// ("How much VRAM a model needs") says Ollama and llama.cpp do. Written on its own, not with
// the app's estimator, so that comparing the two checks something.
//
// The GGUF is split into its tensors: token_embd (host memory; a tied output gets a copy on
// the GPU), one weight group per block, output + output_norm. Each block has its KV cache:
// ctx × parallel cells, or for a sliding-window layer (gemma2 every even layer, gemma3 five
// of six) the window × parallel plus a ubatch, padded to 256. Then:
// - v0.12.11 and later: llama-server's fit. Everything goes on the GPU unless free − total
//   < 1 GiB; then the output layer and then the first blocks move to the CPU, one by one.
//   The compute buffer (flash attention) is 4 × n_ubatch × vocab on the GPU.
// - before v0.12.11: Ollama's llm/memory.go. A 457 MiB minimum, one spare layer and the
//   compute graph (GraphSize, batch 512), then blocks and the output layer while they fit.
// /api/ps `size` is everything allocated, `size_vram` the GPU part.
import { weightsBytes, type LibraryModel } from './library.ts';

export type KvType = 'f16' | 'q8_0' | 'q4_0';

/** What the simulated Ollama process was started with (its version, GPU and environment). */
export interface SimRuntime {
  /** What /api/version says, and whose rules it follows. */
  version: string;
  /** Total memory of the GPU(s) it sees, GiB (0: no GPU). */
  gpuMemoryGiB: number;
  /** OLLAMA_CONTEXT_LENGTH, when set. */
  contextLength?: number;
  /** OLLAMA_NUM_PARALLEL. */
  parallel: number;
  /** OLLAMA_KV_CACHE_TYPE. */
  kvCacheType: KvType;
}

export const DEFAULT_RUNTIME: SimRuntime = { version: '0.12.6', gpuMemoryGiB: 24, parallel: 1, kvCacheType: 'f16' };

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Context Ollama gives a model when nothing sets num_ctx, for versions before v0.15.5 (since v0.6.7). */
export const DEFAULT_NUM_CTX = 4096;

function versionTuple(v: string): number[] | null {
  const m = /^v?(\d+)\.(\d+)\.?(\d+)?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** v >= min; a version that is not a number ("latest", a dev build) is the newest. */
function since(v: string, min: string): boolean {
  const a = versionTuple(v);
  if (!a) return true;
  const b = versionTuple(min)!;
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}

/** num_ctx when the request sets none: OLLAMA_CONTEXT_LENGTH, else the version's default, never above the training context. */
export function defaultNumCtx(m: LibraryModel, rt: SimRuntime): number {
  let ctx: number;
  if (rt.contextLength) ctx = rt.contextLength;
  else if (since(rt.version, '0.15.5')) ctx = rt.gpuMemoryGiB >= 47 ? 262144 : rt.gpuMemoryGiB >= 23 ? 32768 : 4096;
  else if (since(rt.version, '0.6.7')) ctx = DEFAULT_NUM_CTX;
  else ctx = 2048;
  return Math.min(ctx, m.spec.context);
}

export function headDim(m: LibraryModel): number {
  // Gemma sets the head size explicitly; elsewhere it is embedding / heads.
  return m.spec.keyLength ?? m.spec.embedding / m.spec.heads;
}

/** KV cache of a plain f16 cache with every layer at `numCtx`: 2 (K, V) × blocks × KV heads × head size × ctx × 2 bytes. */
export function kvCacheBytes(m: LibraryModel, numCtx: number): number {
  return 2 * m.spec.blocks * m.spec.kvHeads * headDim(m) * numCtx * 2;
}

// GGML block sizes: bytes per element.
const TYPE_BYTES = { F32: 4, F16: 2, Q8_0: 34 / 32, Q6_K: 210 / 256, Q4_K: 144 / 256, Q4_0: 18 / 32 } as const;
type TensorType = keyof typeof TYPE_BYTES;

/** The tensor types llama.cpp's quantize gives token_embd and output in a file of this type. */
function tableTypes(m: LibraryModel): { embd: TensorType; output: TensorType } {
  switch (m.spec.quant) {
    case 'F16':
      return { embd: 'F16', output: 'F16' };
    case 'Q8_0':
      return { embd: 'Q8_0', output: 'Q8_0' };
    case 'Q4_0':
      // A tied table is the output too, and gets the output's type.
      return { embd: m.spec.tied ? 'Q6_K' : 'Q4_0', output: 'Q6_K' };
    default:
      return { embd: m.spec.tied ? 'Q6_K' : 'Q4_K', output: 'Q6_K' };
  }
}

interface Tensors {
  embd: number;
  /** The output layer as placed on a device: output + output_norm, or token_embd's copy + output_norm when tied. */
  output: number;
  /** Weights of each block. */
  blocks: number[];
}

function tensors(m: LibraryModel): Tensors {
  const s = m.spec;
  const types = tableTypes(m);
  const table = s.vocab * s.embedding;
  const embd = table * TYPE_BYTES[types.embd];
  const norm = s.embedding * TYPE_BYTES.F32;
  const output = (s.tied ? 0 : table * TYPE_BYTES[types.output]) + norm;
  const rest = Math.max(0, weightsBytes(m) - embd - output);
  return { embd, output: s.tied ? embd + norm : output, blocks: Array.from({ length: s.blocks }, () => rest / s.blocks) };
}

function isSlidingLayer(m: LibraryModel, i: number): boolean {
  if (!m.spec.slidingWindow) return false;
  if (m.spec.arch === 'gemma2') return i % 2 === 0;
  if (m.spec.arch === 'gemma3') return i % 6 !== 5;
  return false;
}

function ubatch(cells: number): number {
  return cells > 32768 ? 2048 : cells > 4096 ? 1024 : 512;
}

const KV_ELEMENT: Record<KvType, number> = { f16: 2, q8_0: 34 / 32, q4_0: 18 / 32 };

export interface Allocation {
  numCtx: number;
  size: number;
  sizeVram: number;
  gpuLayers: number;
}

/** Ollama's GraphSize before v0.12.11 (llm/ggml.go), full offload, batch 512. */
function graphSize(m: LibraryModel, ctx: number): number {
  const s = m.spec;
  const batch = 512;
  if (s.arch === 'gemma2' || s.arch === 'gemma3') {
    return Math.max(4 * batch * (s.embedding + s.vocab), 4 * batch * (2 + ctx + ctx * s.heads + 2 * s.embedding + 2 * headDim(m) * s.heads));
  }
  return Math.max(4 * batch * (1 + 4 * s.embedding + ctx * (1 + s.heads)), 4 * batch * (s.embedding + s.vocab));
}

/** What loading `m` at `numCtx` allocates on a runtime's GPU and host. */
export function allocate(m: LibraryModel, numCtx: number, rt: SimRuntime): Allocation {
  const t = tensors(m);
  const parallel = Math.max(1, rt.parallel);
  const cells = numCtx * parallel;
  const perCell = 2 * m.spec.kvHeads * headDim(m) * KV_ELEMENT[rt.kvCacheType];
  const gpuBytes = rt.gpuMemoryGiB * GiB;
  const n = t.blocks.length;

  if (since(rt.version, '0.12.11')) {
    const ub = ubatch(cells);
    const windowCells = Math.min(cells, Math.ceil(((m.spec.slidingWindow ?? 0) * parallel + ub) / 256) * 256);
    const kv = t.blocks.map((_, i) => perCell * (isSlidingLayer(m, i) ? windowCells : cells));
    const layer = t.blocks.map((w, i) => w + kv[i]!);
    const compute = 4 * ub * m.spec.vocab;
    const total = layer.reduce((a, b) => a + b, 0) + t.output + compute;
    // n_gpu_layers from all blocks + output down, until 1 GiB stays free (llama.cpp's fit).
    for (let ngl = n + 1; ngl >= 0; ngl--) {
      const onGpu = layer.slice(n - Math.min(ngl, n)).reduce((a, b) => a + b, 0) + (ngl > n ? t.output : 0) + (ngl > 0 ? compute : 0);
      if (gpuBytes - onGpu >= GiB || ngl === 0) {
        return { numCtx, size: total, sizeVram: gpuBytes > 0 ? onGpu : 0, gpuLayers: Math.min(ngl, n) };
      }
    }
  }

  // llm/memory.go: every layer's KV at full context (it knew no sliding window).
  const layer = t.blocks.map((w) => w + perCell * cells);
  const graph = graphSize(m, cells);
  const reserve = 457 * MiB + Math.max(...layer);
  const total = reserve + graph + layer.reduce((a, b) => a + b, 0) + t.output;
  if (gpuBytes <= 0) return { numCtx, size: total, sizeVram: 0, gpuLayers: 0 };
  let used = reserve + graph;
  let placed = 0;
  for (const l of layer) {
    if (used + l > gpuBytes) break;
    used += l;
    placed++;
  }
  if (placed === n && used + t.output <= gpuBytes) used += t.output;
  return { numCtx, size: total, sizeVram: placed === 0 ? 0 : used, gpuLayers: placed };
}

/** Applies a runtime change (from a test or POST /_sim/runtime); an error message for a bad value. */
export function updateRuntime(rt: SimRuntime, change: unknown): string | null {
  if (typeof change !== 'object' || change === null) return 'runtime must be an object';
  const c = change as Record<string, unknown>;
  const next: SimRuntime = { ...rt };
  for (const [k, v] of Object.entries(c)) {
    if (k === 'version' && typeof v === 'string' && v !== '') next.version = v;
    else if (k === 'gpuMemoryGiB' && typeof v === 'number' && v >= 0) next.gpuMemoryGiB = v;
    else if (k === 'contextLength' && (v === null || (typeof v === 'number' && Number.isInteger(v) && v > 0))) {
      if (v === null) delete next.contextLength;
      else next.contextLength = v;
    } else if (k === 'parallel' && typeof v === 'number' && Number.isInteger(v) && v >= 1) next.parallel = v;
    else if (k === 'kvCacheType' && (v === 'f16' || v === 'q8_0' || v === 'q4_0')) next.kvCacheType = v;
    else return `bad runtime field ${k}: ${JSON.stringify(v)}`;
  }
  Object.assign(rt, next);
  if (!('contextLength' in next)) delete rt.contextLength;
  return null;
}
