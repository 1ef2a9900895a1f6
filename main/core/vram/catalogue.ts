// Known Ollama library models: download size of the default quantization (Ollama's README
// and ollama.com library pages, 1e9-byte GB) and the architecture numbers that size the
// KV cache (published config.json / GGUF metadata). Shared with the Ollama side's model list.

export interface CatalogueModel {
  /** Canonical tag, e.g. "llama3.1:8b". */
  name: string;
  /** Other tags of the same weights. */
  aliases?: string[];
  params: number;
  quant: string;
  /** Download size in GB (1e9 bytes): the weights layer is almost all of it. */
  downloadGb: number;
  blocks: number;
  kvHeads: number;
  headDim: number;
  coding?: boolean;
}

export const CATALOGUE: readonly CatalogueModel[] = [
  { name: 'llama3.2:1b', params: 1_235_814_432, quant: 'Q4_K_M', downloadGb: 1.3, blocks: 16, kvHeads: 8, headDim: 64 },
  { name: 'llama3.2:3b', aliases: ['llama3.2:latest'], params: 3_212_749_888, quant: 'Q4_K_M', downloadGb: 2, blocks: 28, kvHeads: 8, headDim: 128 },
  { name: 'llama3.1:8b', aliases: ['llama3.1:latest'], params: 8_030_261_248, quant: 'Q4_K_M', downloadGb: 4.7, blocks: 32, kvHeads: 8, headDim: 128 },
  { name: 'llama3.1:70b', params: 70_553_706_496, quant: 'Q4_K_M', downloadGb: 40, blocks: 80, kvHeads: 8, headDim: 128 },
  { name: 'llama3.1:405b', params: 405_853_388_800, quant: 'Q4_K_M', downloadGb: 231, blocks: 126, kvHeads: 8, headDim: 128 },
  { name: 'llama3.3:70b', aliases: ['llama3.3:latest'], params: 70_553_706_496, quant: 'Q4_K_M', downloadGb: 43, blocks: 80, kvHeads: 8, headDim: 128 },
  { name: 'llama2:7b', aliases: ['llama2:latest'], params: 6_738_415_616, quant: 'Q4_0', downloadGb: 3.8, blocks: 32, kvHeads: 32, headDim: 128 },
  { name: 'codellama:7b', aliases: ['codellama:latest', 'codellama:7b-instruct'], params: 6_738_546_688, quant: 'Q4_0', downloadGb: 3.8, blocks: 32, kvHeads: 32, headDim: 128, coding: true },
  { name: 'deepseek-coder:6.7b', params: 6_740_512_768, quant: 'Q4_0', downloadGb: 3.8, blocks: 32, kvHeads: 32, headDim: 128, coding: true },
  { name: 'tinyllama:1.1b', aliases: ['tinyllama:latest'], params: 1_100_048_384, quant: 'Q4_0', downloadGb: 0.638, blocks: 22, kvHeads: 4, headDim: 64 },
  { name: 'mistral:7b', aliases: ['mistral:latest'], params: 7_248_023_552, quant: 'Q4_0', downloadGb: 4.1, blocks: 32, kvHeads: 8, headDim: 128 },
  { name: 'mixtral:8x7b', aliases: ['mixtral:latest'], params: 46_702_792_704, quant: 'Q4_0', downloadGb: 26, blocks: 32, kvHeads: 8, headDim: 128 },
  { name: 'phi:2.7b', aliases: ['phi:latest'], params: 2_779_683_840, quant: 'Q4_0', downloadGb: 1.6, blocks: 32, kvHeads: 32, headDim: 80 },
  { name: 'phi3:mini', aliases: ['phi3:latest', 'phi3:3.8b'], params: 3_821_079_552, quant: 'Q4_0', downloadGb: 2.3, blocks: 32, kvHeads: 32, headDim: 96 },
  { name: 'phi3:medium', aliases: ['phi3:14b'], params: 13_960_238_080, quant: 'Q4_0', downloadGb: 7.9, blocks: 40, kvHeads: 10, headDim: 128 },
  { name: 'gemma2:9b', aliases: ['gemma2:latest'], params: 9_241_705_984, quant: 'Q4_0', downloadGb: 5.5, blocks: 42, kvHeads: 8, headDim: 256 },
  { name: 'gemma3:4b', aliases: ['gemma3:latest'], params: 4_300_079_472, quant: 'Q4_K_M', downloadGb: 3.3, blocks: 34, kvHeads: 4, headDim: 256 },
  { name: 'gemma3:12b', params: 12_187_325_040, quant: 'Q4_K_M', downloadGb: 8.1, blocks: 48, kvHeads: 8, headDim: 256 },
  { name: 'gemma3:27b', params: 27_432_406_640, quant: 'Q4_K_M', downloadGb: 17, blocks: 62, kvHeads: 16, headDim: 128 },
  { name: 'qwen2.5:0.5b', params: 494_032_768, quant: 'Q4_K_M', downloadGb: 0.398, blocks: 24, kvHeads: 2, headDim: 64 },
  { name: 'qwen2.5:7b', aliases: ['qwen2.5:latest'], params: 7_615_616_512, quant: 'Q4_K_M', downloadGb: 4.7, blocks: 28, kvHeads: 4, headDim: 128 },
  { name: 'qwen2.5:14b', params: 14_770_033_664, quant: 'Q4_K_M', downloadGb: 9, blocks: 48, kvHeads: 8, headDim: 128 },
  { name: 'qwen2.5:32b', params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128 },
  { name: 'qwen2.5:72b', params: 72_706_203_648, quant: 'Q4_K_M', downloadGb: 47, blocks: 80, kvHeads: 8, headDim: 128 },
  { name: 'qwen2.5-coder:7b', aliases: ['qwen2.5-coder:latest'], params: 7_615_616_512, quant: 'Q4_K_M', downloadGb: 4.7, blocks: 28, kvHeads: 4, headDim: 128, coding: true },
  { name: 'qwen2.5-coder:14b', params: 14_770_033_664, quant: 'Q4_K_M', downloadGb: 9, blocks: 48, kvHeads: 8, headDim: 128, coding: true },
  { name: 'qwen2.5-coder:32b', params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128, coding: true },
  { name: 'qwq:32b', aliases: ['qwq:latest'], params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128 },
  { name: 'deepseek-r1:7b', aliases: ['deepseek-r1:latest'], params: 7_615_616_512, quant: 'Q4_K_M', downloadGb: 4.7, blocks: 28, kvHeads: 4, headDim: 128 },
  { name: 'deepseek-r1:14b', params: 14_770_033_664, quant: 'Q4_K_M', downloadGb: 9, blocks: 48, kvHeads: 8, headDim: 128 },
  { name: 'deepseek-r1:32b', params: 32_763_876_352, quant: 'Q4_K_M', downloadGb: 20, blocks: 64, kvHeads: 8, headDim: 128 },
  { name: 'deepseek-r1:70b', params: 70_553_706_496, quant: 'Q4_K_M', downloadGb: 43, blocks: 80, kvHeads: 8, headDim: 128 },
  { name: 'nomic-embed-text:latest', aliases: ['nomic-embed-text:v1.5'], params: 136_727_040, quant: 'F16', downloadGb: 0.274, blocks: 12, kvHeads: 12, headDim: 64 },
];

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
