// How much VRAM an Ollama will allocate for a model (REFERENCE.md, "How much VRAM a model
// needs"): `estimate(facts, options)` is the one arithmetic, used for the estimate route,
// the fit check per GPU unit, the recommendations and the catalogue. The facts come from
// Ollama (/api/show), the registry manifest, the catalogue or the name (model-facts.ts).
import type { KvCacheType, VramEstimate } from '../../../preload/contract/index.ts';
import type { OllamaFacts } from '../ports.ts';
import { factsFromName, factsFromShow, type ModelFacts } from './model-facts.ts';
import { defaultContext, LLAMA_FIT_MARGIN_BYTES, OLLAMA_RESERVE_BYTES, ubatchFor, usesLlamaFit } from './ollama-rules.ts';
import { within } from '../within.ts';
import type { ManifestSource } from './registry.ts';
import { bytesToGb, round2 } from './units.ts';

export { OLLAMA_RESERVE_BYTES } from './ollama-rules.ts';
/** The context the size list is compared at, and the default where the GPU is not known. */
export const DEFAULT_CONTEXT = 4096;

export interface EstimateOptions {
  /** num_ctx (OLLAMA_CONTEXT_LENGTH); default: the version's rule for `gpuMemoryGiB`. */
  context_length?: number;
  /** OLLAMA_NUM_PARALLEL: llama-server gets context × parallel cells. Default 1. */
  parallel?: number;
  /** OLLAMA_KV_CACHE_TYPE. Default f16. */
  kv_cache_type?: KvCacheType;
  /** Memory of the GPU unit Ollama will see (its default context depends on it); null = not known. */
  gpuMemoryGiB?: number | null;
  /** The Ollama version whose rules apply; "latest" (default) = the newest rules. */
  ollamaVersion?: string;
}

/** Bytes per KV element of each cache type (f16 2, q8_0 34/32, q4_0 18/32). */
export const KV_BYTES: Readonly<Record<KvCacheType, number>> = { f16: 2, q8_0: 34 / 32, q4_0: 18 / 32 };

const pad256 = (n: number) => Math.ceil(n / 256) * 256;

/** llm/memory.go's GraphSize (full offload, batch 512) for Ollama before v0.12.11: it grows with the context. */
function oldGraphBytes(f: ModelFacts, cells: number): number {
  const b = 512;
  const E = f.embedding;
  const H = f.heads;
  if (f.slidingWindow) return Math.max(4 * b * (E + f.vocab), 4 * b * (2 + cells + cells * H + 2 * E + 2 * f.headDim * H));
  return Math.max(4 * b * (1 + 4 * E + cells * (1 + H)), 4 * b * (E + f.vocab));
}

/** What the Ollama of `o.ollamaVersion` allocates for the model of `f`. Pure. */
export function estimate(f: ModelFacts, o: EstimateOptions = {}): VramEstimate {
  const version = o.ollamaVersion || 'latest';
  const gpu = o.gpuMemoryGiB ?? null;
  const parallel = Math.max(1, Math.floor(o.parallel ?? 1));
  const kvType = o.kv_cache_type ?? 'f16';
  const asked = o.context_length;
  const def = asked ? null : defaultContext(version, gpu);
  const wanted = asked ?? def!.context;
  const ctx = f.trainContext ? Math.min(wanted, f.trainContext) : wanted;
  const capped = ctx < wanted ? `, capped at the model's training context ${f.trainContext}` : '';
  const contextNote = (asked ? `${asked} tokens as asked` : def!.why) + capped;
  const cells = ctx * parallel;
  const llamaFit = usesLlamaFit(version);

  // KV cache: each full-attention layer holds every cell, a sliding-window layer about the window plus a batch.
  const perCell = 2 * f.kvHeads * f.headDim * KV_BYTES[kvType];
  const ubatch = llamaFit ? ubatchFor(cells) : 512;
  const swaCells = llamaFit && f.slidingLayers ? Math.min(cells, pad256(f.slidingWindow * parallel + ubatch)) : cells;
  const fullLayers = f.blocks - (llamaFit ? f.slidingLayers : 0);
  const slidingLayers = llamaFit ? f.slidingLayers : 0;
  const kv = perCell * (fullLayers * cells + slidingLayers * swaCells);

  // Weights on the GPU: the file minus token_embd (host memory), unless the output is tied to it.
  const weights = f.tied ? f.fileBytes : Math.max(0, f.fileBytes - f.embeddingTableBytes);
  // Compute buffer: with flash attention the logits, 4 × n_ubatch × vocab; before v0.12.11 Ollama's GraphSize.
  const compute = llamaFit ? 4 * ubatch * f.vocab : oldGraphBytes(f, cells);
  // Before v0.12.11 Ollama kept 457 MiB per GPU and one spare layer, and /api/ps counted them.
  const reserve = llamaFit ? 0 : OLLAMA_RESERVE_BYTES + (weights + kv) / f.blocks;
  const margin = llamaFit ? LLAMA_FIT_MARGIN_BYTES : 0;

  const w = round2(bytesToGb(weights));
  const k = round2(bytesToGb(kv));
  const c = round2(bytesToGb(compute));
  const r = round2(bytesToGb(reserve));
  const m = round2(bytesToGb(margin));
  const resident = round2(w + k + c + r);
  const swaText = slidingLayers ? ` (${slidingLayers} of ${f.blocks} layers sliding-window: ${swaCells} cells)` : '';
  const kvText = `KV cache ${kvType} at ${ctx} tokens${parallel > 1 ? ` × ${parallel} parallel` : ''}${swaText}`;
  const computeText = llamaFit ? `compute buffer 4 × ${ubatch} ubatch × ${f.vocab} vocab` : `compute graph (Ollama ${version}'s GraphSize at batch 512)`;
  const tail = llamaFit ? "llama.cpp's 1 GiB free margin" : `Ollama ${version}'s 457 MiB reserve and one spare layer (it sized loads itself before v0.12.11)`;
  const detail = [`weights on the GPU: ${f.weightsHow}`, `${kvText}; ${f.archHow}`, computeText, tail, `context: ${contextNote}`].join('; ');
  const method: VramEstimate['method'] = f.weightsSource === 'ollama-show' ? 'ollama-show' : f.weightsSource === 'registry-manifest' ? 'registry-manifest' : 'name';
  return {
    model: f.model,
    required_vram_gb: round2(resident + m),
    resident_vram_gb: resident,
    weights_gb: w,
    kv_cache_gb: k,
    compute_gb: c,
    margin_gb: m,
    reserve_gb: r,
    overhead_gb: round2(c + m + r),
    context_length: ctx,
    context_note: contextNote,
    parallel,
    kv_cache_type: kvType,
    ollama_version: version,
    gpu_memory_gb: gpu === null ? null : round2(gpu),
    layers: f.blocks,
    method,
    sources: { weights: f.weightsSource, kv_cache: f.archSource, compute: f.archSource },
    assumed: f.assumed !== null,
    ...(f.assumed ? { assumption: f.assumed } : {}),
    detail: f.assumed ? `assumed: ${f.assumed}; ${detail}` : detail,
  };
}

/** From the name alone (catalogue row, else the name rule). */
export function estimateFromName(model: string, o: EstimateOptions = {}): VramEstimate {
  return estimate(factsFromName(model), o);
}

/** For a model Ollama holds: /api/tags size, /api/show model_info (and tensors). */
export function estimateFromOllamaFacts(model: string, facts: Parameters<typeof factsFromShow>[1] & { contextLength?: number }, o: EstimateOptions = {}): VramEstimate {
  return estimate(factsFromShow(model, facts), { ...(facts.contextLength ? { context_length: facts.contextLength } : {}), ...o });
}

/** From the registry manifest's weights layer, the architecture from the catalogue or the name. */
export function estimateFromManifest(model: string, weightsBytes: number, o: EstimateOptions = {}): VramEstimate {
  return estimate(factsFromName(model, { bytes: weightsBytes, source: 'registry-manifest', how: `weights layer of the registry manifest (${round2(weightsBytes / 1e9)} GB)` }), o);
}

export interface EstimateSources {
  ollama?: Pick<OllamaFacts, 'modelFacts'>;
  registry?: ManifestSource;
  /** How long to wait for Ollama's facts before going on without them. */
  ollamaTimeoutMs?: number;
}

/** The best facts available: what Ollama holds, else the registry manifest, else the catalogue or the name. */
export async function modelFacts(model: string, sources: EstimateSources = {}): Promise<ModelFacts> {
  const facts = await within(sources.ollama?.modelFacts(model), sources.ollamaTimeoutMs ?? 3000, null);
  if (facts && facts.sizeBytes > 0) return factsFromShow(model, facts);
  const weights = await sources.registry?.weightsBytes(model).catch(() => null);
  if (weights && weights > 0) return factsFromName(model, { bytes: weights, source: 'registry-manifest', how: `weights layer of the registry manifest (${round2(weights / 1e9)} GB)` });
  return factsFromName(model);
}

/** The best estimate available, with the options (context, parallel, KV type, GPU memory, version). */
export async function estimateVram(model: string, sources: EstimateSources = {}, o: EstimateOptions = {}): Promise<VramEstimate> {
  return estimate(await modelFacts(model, sources), o);
}
