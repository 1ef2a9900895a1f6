// What the estimator needs to know of a model, and where each fact came from: Ollama's
// /api/show (model_info, tensors) with its /api/tags size, the registry manifest's weights
// layer, the catalogue row, or the name rule (parameters in the tag × bits of the quant).
import type { EstimateSource } from '../../../preload/contract/index.ts';
import { familyMembers, findCatalogueModel, type CatalogueModel } from './catalogue.ts';
import { paramsFromName, parseModelName } from './model-name.ts';
import { bitsOf, DEFAULT_QUANT, quantFromTag } from './quantization.ts';
import { round2 } from './units.ts';

export interface ModelFacts {
  model: string;
  /** Bytes of the GGUF file (the weights layer). */
  fileBytes: number;
  /** Bytes of token_embd: llama.cpp keeps it in host memory (a tied output puts a copy on the GPU). */
  embeddingTableBytes: number;
  tied: boolean;
  blocks: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  embedding: number;
  vocab: number;
  /** `<arch>.context_length`; null when unknown (no cap). */
  trainContext: number | null;
  /** Sliding-window layers and their window (gemma2: every other layer, gemma3: five of six). */
  slidingLayers: number;
  slidingWindow: number;
  weightsSource: EstimateSource;
  archSource: EstimateSource;
  weightsHow: string;
  archHow: string;
  /** What was assumed because nothing knows the model; null when the facts are the model's own. */
  assumed: string | null;
}

/** llama.cpp's block sizes (bytes per element) of the GGML types a GGUF tensor may have. */
const GGML_TYPE_BYTES: Readonly<Record<string, number>> = {
  F32: 4, F16: 2, BF16: 2, Q4_0: 18 / 32, Q4_1: 20 / 32, Q5_0: 22 / 32, Q5_1: 24 / 32, Q8_0: 34 / 32,
  Q2_K: 84 / 256, Q3_K: 110 / 256, Q4_K: 144 / 256, Q5_K: 176 / 256, Q6_K: 210 / 256, Q8_K: 292 / 256,
  IQ4_NL: 18 / 32, IQ4_XS: 136 / 256, IQ3_S: 110 / 256, IQ2_XS: 74 / 256,
};

/** `general.file_type` numbers (llama.cpp's llama_ftype) of the quantizations a tag can carry. */
const FILE_TYPES: Readonly<Record<number, string>> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L',
  14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 32: 'BF16',
};

/**
 * Bytes per element of token_embd in a file of this quantization (llama.cpp's quantize):
 * an untied table takes the base type of the mix (Q4_K in Q4_K_M); a tied one serves as the
 * output and gets its type (Q6_K, except Q8_0 and float files).
 */
export function embeddingBytesPerElement(quant: string, tied: boolean): number {
  const q = quant.toUpperCase();
  if (q === 'F32') return 4;
  if (q === 'F16' || q === 'BF16') return 2;
  if (q === 'Q8_0') return 34 / 32;
  if (tied) return 210 / 256;
  const base = /^(Q\d)_K/.exec(q)?.[1];
  if (base) return GGML_TYPE_BYTES[`${base}_K`] ?? bitsOf(q) / 8;
  return GGML_TYPE_BYTES[q] ?? bitsOf(q) / 8;
}

/** Sliding-window layers of an architecture llama.cpp runs with a window (set_swa_pattern). */
export function slidingLayerCount(arch: string, blocks: number): number {
  if (arch === 'gemma2') return Math.ceil(blocks / 2);
  if (arch === 'gemma3') return blocks - Math.floor(blocks / 6);
  return 0;
}

const archOfEntry = (m: CatalogueModel): string => (m.name.startsWith('gemma2') ? 'gemma2' : m.name.startsWith('gemma3') ? 'gemma3' : 'llama');

/** The catalogue entry of a tag, also when the tag adds a variant or quantization ("8b-instruct-q8_0"). */
export function catalogueEntry(model: string): CatalogueModel | undefined {
  const { host, family, tag } = parseModelName(model);
  if (host) return undefined;
  const parts = tag.split('-');
  for (let n = parts.length; n > 0; n--) {
    const hit = findCatalogueModel(family, parts.slice(0, n).join('-'));
    if (hit) return hit;
  }
  return undefined;
}

/** Facts of a catalogue row, with the file size it states (or `fileBytes` from a better source). */
export function factsFromCatalogue(model: string, m: CatalogueModel, file?: { bytes: number; source: EstimateSource; how: string }): ModelFacts {
  const tagged = quantFromTag(parseModelName(model).tag);
  const scale = !file && tagged && tagged.quant !== m.quant.toUpperCase() ? tagged.bits / bitsOf(m.quant) : 1;
  const quant = tagged && !file ? tagged.quant : m.quant;
  const tied = m.tied ?? false;
  const sliding = m.slidingWindow ? slidingLayerCount(archOfEntry(m), m.blocks) : 0;
  return {
    model,
    fileBytes: file?.bytes ?? m.downloadGb * 1e9 * scale,
    embeddingTableBytes: m.vocab * m.embedding * embeddingBytesPerElement(quant, tied),
    tied,
    blocks: m.blocks,
    heads: m.heads,
    kvHeads: m.kvHeads,
    headDim: m.headDim,
    embedding: m.embedding,
    vocab: m.vocab,
    trainContext: m.context,
    slidingLayers: sliding,
    slidingWindow: m.slidingWindow ?? 0,
    weightsSource: file?.source ?? 'catalogue',
    archSource: 'catalogue',
    weightsHow: file?.how ?? (scale === 1 ? `catalogue size of ${m.name} (${m.quant}, ${m.downloadGb} GB)` : `catalogue size of ${m.name} scaled from ${m.quant} to ${quant}`),
    archHow: `${m.name} architecture from the catalogue (${m.blocks} layers × ${m.kvHeads} KV heads × ${m.headDim} head size, vocab ${m.vocab})`,
    assumed: null,
  };
}

/** A name without a parameter count is sized as a 7B model, and says so. */
const ASSUMED_PARAMS = 7e9;
/** The architecture a name the catalogue does not know is given: llama3.1:8b's, scaled. */
const GENERIC = { blocks: 32, heads: 32, kvHeads: 8, headDim: 128, embedding: 4096, vocab: 128256, params: 8e9 };

/** From the name alone: parameters stated in it (else 7B) × bits of its quantization, with a family member's (or a generic) architecture. */
export function factsFromName(model: string, file?: { bytes: number; source: EstimateSource; how: string }): ModelFacts {
  const entry = catalogueEntry(model);
  if (entry) return factsFromCatalogue(model, entry, file);
  const { family, tag } = parseModelName(model);
  const tagged = quantFromTag(tag);
  const members = familyMembers(family);
  const quant = tagged?.quant ?? members[0]?.quant ?? DEFAULT_QUANT;
  const bits = tagged?.bits ?? bitsOf(quant);
  const stated = paramsFromName(family, tag);
  const params = stated ?? ASSUMED_PARAMS;
  const nearest = members.length ? members.reduce((a, b) => (Math.abs(Math.log(b.params / params)) < Math.abs(Math.log(a.params / params)) ? b : a)) : null;
  const base = nearest ?? GENERIC;
  // KV cache and embedding width grow about with the square root of the size across a family.
  const s = Math.sqrt(params / base.params);
  const pText = stated ? `${round2(params / 1e9)}B parameters from the name` : `parameter count not in the name, assumed ${ASSUMED_PARAMS / 1e9}B`;
  const qText = `${bits} bits per weight (${quant}${tagged ? ', from the tag' : nearest ? `, ${family}'s default` : ', Ollama default'})`;
  const tied = nearest?.tied ?? false;
  return {
    model,
    fileBytes: file?.bytes ?? (params * bits) / 8,
    embeddingTableBytes: base.vocab * base.embedding * s * embeddingBytesPerElement(quant, tied),
    tied,
    blocks: base.blocks,
    heads: base.heads,
    kvHeads: base.kvHeads * s,
    headDim: base.headDim,
    embedding: base.embedding * s,
    vocab: base.vocab,
    trainContext: nearest?.context ?? null,
    slidingLayers: nearest?.slidingWindow ? slidingLayerCount(archOfEntry(nearest), nearest.blocks) : 0,
    slidingWindow: nearest?.slidingWindow ?? 0,
    weightsSource: file?.source ?? 'name-rule',
    archSource: 'name-rule',
    weightsHow: file?.how ?? `${pText} × ${qText}`,
    archHow: nearest ? `architecture scaled from ${nearest.name}` : 'architecture of a Llama-3-8B-like model scaled to the size (no model of this family is known)',
    assumed: file ? `the architecture of ${model} (${nearest ? `scaled from ${nearest.name}` : 'a generic Llama-like one'})` : `${model} is not known to Ollama, the registry or the catalogue: sized as ${round2(params / 1e9)}B parameters at ${quant}${stated ? '' : ' (no size in the name)'}`,
  };
}

const num = (v: unknown): number | null => {
  if (Array.isArray(v)) {
    const ns = v.filter((x): x is number => typeof x === 'number' && x > 0);
    return ns.length ? ns.reduce((a, b) => a + b, 0) / ns.length : null;
  }
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
};

export interface ShowTensor {
  name?: string;
  type?: string;
  shape?: number[];
}

export interface OllamaShowFacts {
  sizeBytes: number;
  modelInfo: Record<string, unknown>;
  tensors?: ShowTensor[];
  quantization?: string;
}

const tensorBytes = (t: ShowTensor): number | null => {
  const per = GGML_TYPE_BYTES[(t.type ?? '').toUpperCase()];
  return per && Array.isArray(t.shape) && t.shape.length ? t.shape.reduce((a, b) => a * b, 1) * per : null;
};

/** From what Ollama holds: /api/tags size, /api/show model_info (and tensors when given); gaps filled from the catalogue, then the name. */
export function factsFromShow(model: string, show: OllamaShowFacts): ModelFacts {
  const info = show.modelInfo;
  const arch = typeof info['general.architecture'] === 'string' ? info['general.architecture'] : '';
  const k = (key: string) => num(info[`${arch}.${key}`]);
  const fallback = factsFromName(model, { bytes: show.sizeBytes, source: 'ollama-show', how: '' });
  const blocks = k('block_count');
  const heads = k('attention.head_count');
  const kvHeads = k('attention.head_count_kv') ?? heads;
  const embedding = k('embedding_length');
  const headDim = k('attention.key_length') ?? (embedding && heads ? embedding / heads : null);
  const tokens = info['tokenizer.ggml.tokens'];
  const vocab = k('vocab_size') ?? (Array.isArray(tokens) && tokens.length ? tokens.length : null);
  const window = k('attention.sliding_window');
  const own = Boolean(blocks && kvHeads && headDim && embedding);
  const tensors = Array.isArray(show.tensors) && show.tensors.length ? show.tensors : null;
  const embdTensor = tensors?.find((t) => t.name === 'token_embd.weight');
  const tied = tensors ? !tensors.some((t) => t.name === 'output.weight') : arch.startsWith('gemma') ? true : fallback.tied;
  const fileType = FILE_TYPES[num(info['general.file_type']) ?? -1];
  const quant = show.quantization || fileType || DEFAULT_QUANT;
  const embdFromTensor = embdTensor ? tensorBytes(embdTensor) : null;
  const gaps: string[] = [];
  if (!own) gaps.push('layers/heads');
  if (!vocab) gaps.push('vocab size');
  const v = vocab ?? fallback.vocab;
  const e = embedding ?? fallback.embedding;
  const b = own ? blocks! : fallback.blocks;
  return {
    model,
    fileBytes: show.sizeBytes,
    embeddingTableBytes: embdFromTensor ?? v * e * embeddingBytesPerElement(quant, tied),
    tied,
    blocks: b,
    heads: heads ?? fallback.heads,
    kvHeads: own ? kvHeads! : fallback.kvHeads,
    headDim: own ? headDim! : fallback.headDim,
    embedding: e,
    vocab: v,
    trainContext: k('context_length') ?? fallback.trainContext,
    slidingLayers: window ? slidingLayerCount(arch, b) : 0,
    slidingWindow: window ?? 0,
    weightsSource: 'ollama-show',
    archSource: own ? 'ollama-show' : fallback.archSource,
    weightsHow: `Ollama's /api/tags size (${round2(show.sizeBytes / 1e9)} GB), token_embd ${embdFromTensor ? 'from /api/show tensors' : `${v} × ${round2(e)} at ${quant}`}${tied ? ' (tied output: a copy on the GPU)' : ' (kept in host memory)'}`,
    archHow: own
      ? `/api/show model_info: ${b} layers × ${kvHeads} KV heads × ${headDim} head size${gaps.length ? `; ${gaps.join(', ')} from ${fallback.archSource}` : ''}`
      : `model_info incomplete: ${fallback.archHow}`,
    assumed: own ? null : fallback.assumed,
  };
}
