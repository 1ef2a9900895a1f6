// How much VRAM a model needs, and how the number was made: from what Ollama holds
// (/api/tags size + /api/show model_info), from the registry manifest, or from the name.
import type { VramEstimate } from '../../../preload/contract/index.ts';
import type { OllamaFacts } from '../ports.ts';
import { familyMembers, findCatalogueModel, kvBytesPerToken, type CatalogueModel } from './catalogue.ts';
import { paramsFromName, parseModelName } from './model-name.ts';
import { bitsOf, DEFAULT_QUANT, quantFromTag } from './quantization.ts';
import { within } from '../within.ts';
import type { ManifestSource } from './registry.ts';
import { bytesToGb, MIB, round2 } from './units.ts';

/** Ollama's per-GPU reserve (llm/memory.go). */
export const OLLAMA_RESERVE_BYTES = 457 * MIB;
/** Ollama's default context below 24 GiB of VRAM; the size list is compared at it. */
export const DEFAULT_CONTEXT = 4096;
/** A name without a parameter count is sized as a 7B model, and says so. */
const ASSUMED_PARAMS = 7e9;
/** KV bytes per token of a Llama-3-8B-like model (GQA, 8 KV heads, 32 layers): the generic allowance. */
const GENERIC_KV_PER_TOKEN_8B = 131_072;

function build(model: string, method: VramEstimate['method'], weights: number, kv: number, overhead: number, ctx: number, detail: string): VramEstimate {
  const w = round2(bytesToGb(weights));
  const k = round2(bytesToGb(kv));
  const o = round2(bytesToGb(overhead));
  return { model, required_vram_gb: round2(w + k + o), weights_gb: w, kv_cache_gb: k, overhead_gb: o, context_length: ctx, method, detail };
}

/** The catalogue entry of a tag, also when the tag adds a variant or quantization ("8b-instruct-q8_0"). */
function catalogueEntry(family: string, tag: string): CatalogueModel | undefined {
  const parts = tag.split('-');
  for (let n = parts.length; n > 0; n--) {
    const hit = findCatalogueModel(family, parts.slice(0, n).join('-'));
    if (hit) return hit;
  }
  return undefined;
}

/** KV bytes per token: the model's own architecture, else its family's scaled by size, else a generic allowance. */
function kvPerToken(family: string, params: number, entry?: CatalogueModel): { bytes: number; from: string } {
  if (entry) return { bytes: kvBytesPerToken(entry), from: `${entry.name} architecture` };
  const members = familyMembers(family);
  if (members.length) {
    const nearest = members.reduce((a, b) => (Math.abs(Math.log(b.params / params)) < Math.abs(Math.log(a.params / params)) ? b : a));
    return { bytes: kvBytesPerToken(nearest) * Math.sqrt(params / nearest.params), from: `scaled from ${nearest.name}` };
  }
  return { bytes: GENERIC_KV_PER_TOKEN_8B * Math.sqrt(params / 8e9), from: 'generic allowance' };
}

/** Reserve allowance for a name estimate: Ollama's reserve, but at most a tenth of the model so tiny models are not overstated. */
const reserveAllowance = (bytes: number) => Math.min(OLLAMA_RESERVE_BYTES, 0.1 * bytes);

/** KV cache of a model the name describes, for estimates that know the weights but not the architecture. */
export function kvFromName(model: string, ctx = DEFAULT_CONTEXT): { bytes: number; from: string } {
  const { family, tag } = parseModelName(model);
  const entry = catalogueEntry(family, tag);
  const params = entry?.params ?? paramsFromName(family, tag) ?? ASSUMED_PARAMS;
  const per = kvPerToken(family, params, entry);
  return { bytes: per.bytes * ctx, from: per.from };
}

/**
 * From the name alone: the catalogue's measured size when it knows the tag, otherwise the
 * parameter count in the tag × bits per weight of the quantization in the tag (default the
 * family's, else Q4_K_M), plus the KV cache at 4,096 tokens and a reserve allowance.
 */
export function estimateFromName(model: string): VramEstimate {
  const { host, family, tag } = parseModelName(model);
  const entry = host ? undefined : catalogueEntry(family, tag);
  const tagged = quantFromTag(tag);
  const familyQuant = familyMembers(family)[0]?.quant;
  const quant = tagged?.quant ?? entry?.quant ?? familyQuant ?? DEFAULT_QUANT;
  const bits = tagged?.bits ?? bitsOf(quant);
  const stated = paramsFromName(family, tag);
  const params = entry?.params ?? stated ?? ASSUMED_PARAMS;
  let weights: number;
  let how: string;
  if (entry) {
    const scale = tagged && tagged.quant !== entry.quant ? bits / bitsOf(entry.quant) : 1;
    weights = entry.downloadGb * 1e9 * scale;
    how = scale === 1 ? `catalogue size of ${entry.name} (${entry.quant})` : `catalogue size of ${entry.name} scaled from ${entry.quant} to ${quant}`;
  } else {
    weights = (params * bits) / 8;
    const p = stated ? `${round2(params / 1e9)}B parameters from the name` : `parameter count not in the name, assumed ${ASSUMED_PARAMS / 1e9}B`;
    how = `${p} × ${bits} bits (${quant}${tagged ? ', from the tag' : familyQuant ? `, ${family}'s default` : ', default'})`;
  }
  const per = kvPerToken(family, params, entry);
  const kv = per.bytes * DEFAULT_CONTEXT;
  const overhead = reserveAllowance(weights + kv);
  return build(model, 'name', weights, kv, overhead, DEFAULT_CONTEXT, `${how}; KV cache at ${DEFAULT_CONTEXT} tokens (${per.from}); reserve allowance`);
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/** For a model Ollama holds: weights from /api/tags, KV from /api/show model_info at the context in use, plus Ollama's reserve. */
export function estimateFromOllamaFacts(model: string, facts: { sizeBytes: number; modelInfo: Record<string, unknown>; contextLength?: number }): VramEstimate {
  const info = facts.modelInfo;
  const arch = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : '';
  const blocks = num(info[`${arch}.block_count`]);
  const heads = num(info[`${arch}.attention.head_count`]);
  const kvHeads = num(info[`${arch}.attention.head_count_kv`]) ?? heads;
  const embedding = num(info[`${arch}.embedding_length`]);
  const headDim = num(info[`${arch}.attention.key_length`]) ?? (embedding && heads ? embedding / heads : null);
  const ctx = num(facts.contextLength) ?? DEFAULT_CONTEXT;
  let kv: number;
  let kvHow: string;
  if (blocks && kvHeads && headDim) {
    kv = kvBytesPerToken({ blocks, kvHeads, headDim }) * ctx;
    kvHow = `${blocks} layers × ${kvHeads} KV heads × ${headDim} head size`;
  } else {
    const guess = kvFromName(model, ctx);
    kv = guess.bytes;
    kvHow = `model_info incomplete, ${guess.from}`;
  }
  return build(model, 'ollama-show', facts.sizeBytes, kv, OLLAMA_RESERVE_BYTES, ctx, `weights from Ollama's /api/tags size; KV cache at ${ctx} tokens (${kvHow}); Ollama's per-GPU reserve`);
}

/** From the registry manifest's weights layer, with the KV cache from the name. */
export function estimateFromManifest(model: string, weightsBytes: number): VramEstimate {
  const kv = kvFromName(model);
  return build(model, 'registry-manifest', weightsBytes, kv.bytes, OLLAMA_RESERVE_BYTES, DEFAULT_CONTEXT, `weights layer of the registry manifest; KV cache at ${DEFAULT_CONTEXT} tokens (${kv.from}); Ollama's per-GPU reserve`);
}

export interface EstimateSources {
  ollama?: Pick<OllamaFacts, 'modelFacts'>;
  registry?: ManifestSource;
  /** How long to wait for Ollama's facts before going on without them. */
  ollamaTimeoutMs?: number;
}

/** The best estimate available: what Ollama holds, else the registry manifest, else the name. */
export async function estimateVram(model: string, sources: EstimateSources = {}): Promise<VramEstimate> {
  const facts = await within(sources.ollama?.modelFacts(model), sources.ollamaTimeoutMs ?? 3000, null);
  if (facts && facts.sizeBytes > 0) return estimateFromOllamaFacts(model, facts);
  const weights = await sources.registry?.weightsBytes(model).catch(() => null);
  if (weights && weights > 0) return estimateFromManifest(model, weights);
  return estimateFromName(model);
}
