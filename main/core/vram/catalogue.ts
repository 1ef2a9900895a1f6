// The one model table of the app: every model the catalogue offers (curated: true, with a
// description) and a few more the estimator knows. Download size of the default
// quantization (Ollama's README per REFERENCE.md where listed, else ollama.com's library
// pages; GB of 1e9 bytes; llama3.1 8b/70b/405b and the 70B Llama 3.3 bases computed from
// their tensor shapes and llama.cpp's Q4_K_M mix, per REFERENCE.md) and the architecture
// numbers that size the KV cache, the compute buffer and the GPU weights (published
// config.json / GGUF metadata: block_count, head_count(_kv), head size, embedding, vocab,
// training context, tied embeddings, sliding window).

export interface CatalogueModel {
  /** Canonical tag, e.g. "llama3.1:8b". */
  name: string;
  /** Other tags of the same weights. */
  aliases?: string[];
  /** Shown in the catalogue (GET /api/ollama/gguf-models). */
  curated?: boolean;
  description: string;
  params: number;
  quant: string;
  /** Download size in GB (1e9 bytes): the weights layer is almost all of it. */
  downloadGb: number;
  blocks: number;
  kvHeads: number;
  headDim: number;
  heads: number;
  embedding: number;
  vocab: number;
  /** Training context (`<arch>.context_length`): Ollama caps num_ctx at it. */
  context: number;
  /** No output tensor: the output reuses token_embd, and llama.cpp puts a copy of it on the GPU. */
  tied?: boolean;
  /** `attention.sliding_window` of gemma2/gemma3: their local layers keep only about the window. */
  slidingWindow?: number;
  coding?: boolean;
}

export const CATALOGUE: readonly CatalogueModel[] = [
  { name: 'llama3.2:1b', curated: true, description: 'Meta Llama 3.2 1B: small, fast general model', params: 1_235_814_432, quant: 'Q8_0', downloadGb: 1.3, blocks: 16, kvHeads: 8, headDim: 64, heads: 32, embedding: 2048, vocab: 128256, context: 131072, tied: true },
  { name: 'llama3.2:3b', aliases: ['llama3.2:latest'], curated: true, description: 'Meta Llama 3.2 3B: small general model', params: 3_212_749_888, quant: 'Q4_K_M', downloadGb: 2, blocks: 28, kvHeads: 8, headDim: 128, heads: 24, embedding: 3072, vocab: 128256, context: 131072, tied: true },
  { name: 'llama3.1:8b', aliases: ['llama3.1:latest'], curated: true, description: 'Meta Llama 3.1 8B: general model, 128k context', params: 8_030_261_248, quant: 'Q4_K_M', downloadGb: 4.92, blocks: 32, kvHeads: 8, headDim: 128, heads: 32, embedding: 4096, vocab: 128256, context: 131072 },
  { name: 'llama3.1:70b', curated: true, description: 'Meta Llama 3.1 70B: large general model', params: 70_553_706_496, quant: 'Q4_K_M', downloadGb: 42.5, blocks: 80, kvHeads: 8, headDim: 128, heads: 64, embedding: 8192, vocab: 128256, context: 131072 },
  { name: 'llama3.3:70b', aliases: ['llama3.3:latest'], curated: true, description: 'Meta Llama 3.3 70B: large general model', params: 70_553_706_496, quant: 'Q4_K_M', downloadGb: 42.5, blocks: 80, kvHeads: 8, headDim: 128, heads: 64, embedding: 8192, vocab: 128256, context: 131072 },
  { name: 'qwen2.5:0.5b', curated: true, description: 'Qwen 2.5 0.5B: tiny multilingual model', params: 494_032_768, quant: 'Q4_K_M', downloadGb: 0.398, blocks: 24, kvHeads: 2, headDim: 64, heads: 14, embedding: 896, vocab: 151936, context: 32768, tied: true },
  { name: 'qwen2.5:1.5b', curated: true, description: 'Qwen 2.5 1.5B: small multilingual model', params: 1_543_714_304, quant: 'Q4_K_M', downloadGb: 0.986, blocks: 28, kvHeads: 2, headDim: 128, heads: 12, embedding: 1536, vocab: 151936, context: 32768, tied: true },
  { name: 'qwen2.5:3b', curated: true, description: 'Qwen 2.5 3B: small multilingual model', params: 3_085_938_688, quant: 'Q4_K_M', downloadGb: 1.9, blocks: 36, kvHeads: 2, headDim: 128, heads: 16, embedding: 2048, vocab: 151936, context: 32768, tied: true },
  { name: 'qwen2.5:7b', aliases: ['qwen2.5:latest'], curated: true, description: 'Qwen 2.5 7B: multilingual general model', params: 7_615_616_512, quant: 'Q4_K_M', downloadGb: 4.7, blocks: 28, kvHeads: 4, headDim: 128, heads: 28, embedding: 3584, vocab: 152064, context: 32768 },
  { name: 'qwen2.5:14b', curated: true, description: 'Qwen 2.5 14B: multilingual general model', params: 14_770_033_664, quant: 'Q4_K_M', downloadGb: 9, blocks: 48, kvHeads: 8, headDim: 128, heads: 40, embedding: 5120, vocab: 152064, context: 32768 },
  { name: 'qwen2.5:32b', curated: true, description: 'Qwen 2.5 32B: multilingual general model', params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128, heads: 40, embedding: 5120, vocab: 152064, context: 32768 },
  { name: 'qwen2.5:72b', curated: true, description: 'Qwen 2.5 72B: large multilingual model', params: 72_706_203_648, quant: 'Q4_K_M', downloadGb: 47, blocks: 80, kvHeads: 8, headDim: 128, heads: 64, embedding: 8192, vocab: 152064, context: 32768 },
  { name: 'qwen2.5-coder:1.5b', curated: true, description: 'Qwen 2.5 Coder 1.5B: code completion', params: 1_543_714_304, quant: 'Q4_K_M', downloadGb: 0.986, blocks: 28, kvHeads: 2, headDim: 128, heads: 12, embedding: 1536, vocab: 151936, context: 32768, tied: true, coding: true },
  { name: 'qwen2.5-coder:7b', aliases: ['qwen2.5-coder:latest'], curated: true, description: 'Qwen 2.5 Coder 7B: code generation and repair', params: 7_615_616_512, quant: 'Q4_K_M', downloadGb: 4.7, blocks: 28, kvHeads: 4, headDim: 128, heads: 28, embedding: 3584, vocab: 152064, context: 32768, coding: true },
  { name: 'qwen2.5-coder:14b', curated: true, description: 'Qwen 2.5 Coder 14B: code generation and repair', params: 14_770_033_664, quant: 'Q4_K_M', downloadGb: 9, blocks: 48, kvHeads: 8, headDim: 128, heads: 40, embedding: 5120, vocab: 152064, context: 32768, coding: true },
  { name: 'qwen2.5-coder:32b', curated: true, description: 'Qwen 2.5 Coder 32B: strongest open Qwen coder', params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128, heads: 40, embedding: 5120, vocab: 152064, context: 32768, coding: true },
  // DeepSeek-R1 distills: 1.5b/7b/14b/32b are Qwen 2.5 (1.5b from Qwen2.5-Math-1.5B), 8b/70b Llama 3.x.
  { name: 'deepseek-r1:1.5b', curated: true, description: 'DeepSeek-R1 distilled 1.5B: reasoning', params: 1_777_088_000, quant: 'Q4_K_M', downloadGb: 1.1, blocks: 28, kvHeads: 2, headDim: 128, heads: 12, embedding: 1536, vocab: 151936, context: 131072 },
  { name: 'deepseek-r1:7b', aliases: ['deepseek-r1:latest'], curated: true, description: 'DeepSeek-R1 distilled 7B (Qwen): reasoning', params: 7_615_616_512, quant: 'Q4_K_M', downloadGb: 4.7, blocks: 28, kvHeads: 4, headDim: 128, heads: 28, embedding: 3584, vocab: 152064, context: 131072 },
  { name: 'deepseek-r1:8b', curated: true, description: 'DeepSeek-R1 distilled 8B (Llama): reasoning', params: 8_030_261_248, quant: 'Q4_K_M', downloadGb: 4.9, blocks: 32, kvHeads: 8, headDim: 128, heads: 32, embedding: 4096, vocab: 128256, context: 131072 },
  { name: 'deepseek-r1:14b', curated: true, description: 'DeepSeek-R1 distilled 14B: reasoning', params: 14_770_033_664, quant: 'Q4_K_M', downloadGb: 9, blocks: 48, kvHeads: 8, headDim: 128, heads: 40, embedding: 5120, vocab: 152064, context: 131072 },
  { name: 'deepseek-r1:32b', curated: true, description: 'DeepSeek-R1 distilled 32B: reasoning', params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128, heads: 40, embedding: 5120, vocab: 152064, context: 131072 },
  { name: 'deepseek-r1:70b', curated: true, description: 'DeepSeek-R1 distilled 70B: reasoning', params: 70_553_706_496, quant: 'Q4_K_M', downloadGb: 42.5, blocks: 80, kvHeads: 8, headDim: 128, heads: 64, embedding: 8192, vocab: 128256, context: 131072 },
  { name: 'gemma3:1b', curated: true, description: 'Google Gemma 3 1B: small text model', params: 999_885_952, quant: 'Q4_K_M', downloadGb: 0.815, blocks: 26, kvHeads: 1, headDim: 256, heads: 4, embedding: 1152, vocab: 262144, context: 32768, tied: true, slidingWindow: 512 },
  { name: 'gemma3:4b', aliases: ['gemma3:latest'], curated: true, description: 'Google Gemma 3 4B: text and images', params: 4_300_079_472, quant: 'Q4_K_M', downloadGb: 3.3, blocks: 34, kvHeads: 4, headDim: 256, heads: 8, embedding: 2560, vocab: 262208, context: 131072, tied: true, slidingWindow: 1024 },
  { name: 'gemma3:12b', curated: true, description: 'Google Gemma 3 12B: text and images', params: 12_187_325_040, quant: 'Q4_K_M', downloadGb: 8.1, blocks: 48, kvHeads: 8, headDim: 256, heads: 16, embedding: 3840, vocab: 262208, context: 131072, tied: true, slidingWindow: 1024 },
  { name: 'gemma3:27b', curated: true, description: 'Google Gemma 3 27B: text and images', params: 27_432_406_640, quant: 'Q4_K_M', downloadGb: 17, blocks: 62, kvHeads: 16, headDim: 128, heads: 32, embedding: 5376, vocab: 262208, context: 131072, tied: true, slidingWindow: 1024 },
  { name: 'gemma2:9b', aliases: ['gemma2:latest'], curated: true, description: 'Google Gemma 2 9B', params: 9_241_705_984, quant: 'Q4_0', downloadGb: 5.5, blocks: 42, kvHeads: 8, headDim: 256, heads: 16, embedding: 3584, vocab: 256000, context: 8192, tied: true, slidingWindow: 4096 },
  { name: 'mistral:7b', aliases: ['mistral:latest'], curated: true, description: 'Mistral 7B: general model', params: 7_248_023_552, quant: 'Q4_0', downloadGb: 4.1, blocks: 32, kvHeads: 8, headDim: 128, heads: 32, embedding: 4096, vocab: 32768, context: 32768 },
  { name: 'phi3:mini', aliases: ['phi3:latest', 'phi3:3.8b'], curated: true, description: 'Microsoft Phi-3 Mini 3.8B', params: 3_821_079_552, quant: 'Q4_0', downloadGb: 2.3, blocks: 32, kvHeads: 32, headDim: 96, heads: 32, embedding: 3072, vocab: 32064, context: 131072 },
  { name: 'phi3:medium', aliases: ['phi3:14b'], curated: true, description: 'Microsoft Phi-3 Medium 14B', params: 13_960_238_080, quant: 'Q4_0', downloadGb: 7.9, blocks: 40, kvHeads: 10, headDim: 128, heads: 40, embedding: 5120, vocab: 32064, context: 131072 },
  { name: 'phi4:14b', aliases: ['phi4:latest'], curated: true, description: 'Microsoft Phi-4 14B: reasoning and code', params: 14_659_507_200, quant: 'Q4_K_M', downloadGb: 9.1, blocks: 40, kvHeads: 10, headDim: 128, heads: 40, embedding: 5120, vocab: 100352, context: 16384 },
  { name: 'qwq:32b', aliases: ['qwq:latest'], curated: true, description: 'QwQ 32B: reasoning', params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128, heads: 40, embedding: 5120, vocab: 152064, context: 40960 },
  { name: 'codellama:7b', aliases: ['codellama:latest'], curated: true, description: 'Code Llama 7B: code generation', params: 6_738_546_688, quant: 'Q4_0', downloadGb: 3.8, blocks: 32, kvHeads: 32, headDim: 128, heads: 32, embedding: 4096, vocab: 32016, context: 16384, coding: true },
  // The same weights as codellama:7b, listed on its own because the catalogue offers both names.
  { name: 'codellama:7b-instruct', curated: true, description: 'Code Llama 7B Instruct: code chat', params: 6_738_546_688, quant: 'Q4_0', downloadGb: 3.8, blocks: 32, kvHeads: 32, headDim: 128, heads: 32, embedding: 4096, vocab: 32016, context: 16384, coding: true },
  { name: 'codellama:13b', curated: true, description: 'Code Llama 13B: code generation', params: 13_016_028_160, quant: 'Q4_0', downloadGb: 7.4, blocks: 40, kvHeads: 40, headDim: 128, heads: 40, embedding: 5120, vocab: 32016, context: 16384, coding: true },
  { name: 'deepseek-coder:1.3b', curated: true, description: 'DeepSeek Coder 1.3B: code completion', params: 1_346_471_936, quant: 'Q4_0', downloadGb: 0.776, blocks: 24, kvHeads: 16, headDim: 128, heads: 16, embedding: 2048, vocab: 32256, context: 16384, coding: true },
  { name: 'deepseek-coder:6.7b', curated: true, description: 'DeepSeek Coder 6.7B: code generation', params: 6_740_512_768, quant: 'Q4_0', downloadGb: 3.8, blocks: 32, kvHeads: 32, headDim: 128, heads: 32, embedding: 4096, vocab: 32256, context: 16384, coding: true },
  { name: 'llama2:7b', aliases: ['llama2:latest'], curated: true, description: "Meta Llama 2 7B (the seed's default)", params: 6_738_415_616, quant: 'Q4_0', downloadGb: 3.8, blocks: 32, kvHeads: 32, headDim: 128, heads: 32, embedding: 4096, vocab: 32000, context: 4096 },
  { name: 'phi:2.7b', aliases: ['phi:latest'], curated: true, description: 'Microsoft Phi-2 2.7B: small model', params: 2_779_683_840, quant: 'Q4_0', downloadGb: 1.6, blocks: 32, kvHeads: 32, headDim: 80, heads: 32, embedding: 2560, vocab: 51200, context: 2048 },
  { name: 'tinyllama:1.1b', aliases: ['tinyllama:latest'], curated: true, description: 'TinyLlama 1.1B: the smallest chat model', params: 1_100_048_384, quant: 'Q4_0', downloadGb: 0.638, blocks: 22, kvHeads: 4, headDim: 64, heads: 32, embedding: 2048, vocab: 32000, context: 2048 },
  // Known to the estimator, not offered in the catalogue.
  { name: 'llama3.1:405b', description: 'Meta Llama 3.1 405B: largest open Llama', params: 405_853_388_800, quant: 'Q4_K_M', downloadGb: 243, blocks: 126, kvHeads: 8, headDim: 128, heads: 128, embedding: 16384, vocab: 128256, context: 131072 },
  { name: 'mixtral:8x7b', aliases: ['mixtral:latest'], description: 'Mistral Mixtral 8x7B: mixture of experts', params: 46_702_792_704, quant: 'Q4_0', downloadGb: 26, blocks: 32, kvHeads: 8, headDim: 128, heads: 32, embedding: 4096, vocab: 32000, context: 32768 },
  { name: 'nomic-embed-text:latest', aliases: ['nomic-embed-text:v1.5'], description: 'Nomic Embed Text v1.5: embeddings', params: 136_727_040, quant: 'F16', downloadGb: 0.274, blocks: 12, kvHeads: 12, headDim: 64, heads: 12, embedding: 768, vocab: 30522, context: 2048 },
];

/** The models the catalogue offers, in the order it shows them. */
export const CURATED: readonly CatalogueModel[] = CATALOGUE.filter((m) => m.curated);

const byTag = new Map<string, CatalogueModel>();
for (const m of CATALOGUE) for (const tag of [m.name, ...(m.aliases ?? [])]) byTag.set(tag, m);

/** The catalogue entry of a tag ("llama3.1:8b", "phi3:mini", "mistral" = mistral:latest). */
export function findCatalogueModel(family: string, tag: string): CatalogueModel | undefined {
  return byTag.get(`${family}:${tag}`);
}

/** Entries of one family ("qwen2.5"), for a tag the catalogue does not hold. */
export function familyMembers(family: string): CatalogueModel[] {
  return CATALOGUE.filter((m) => m.name.slice(0, m.name.indexOf(':')) === family);
}

/** KV cache bytes per token of context at f16 (2 bytes): 2 (K and V) · layers · KV heads · head size · 2. */
export const kvBytesPerToken = (m: Pick<CatalogueModel, 'blocks' | 'kvHeads' | 'headDim'>): number => 2 * m.blocks * m.kvHeads * m.headDim * 2;
