// The models the simulated registry knows, with their architecture numbers.
//
// Sources: download sizes in REFERENCE.md (Ollama's README) where listed; the others are the
// sizes ollama.com's library pages show (rounded there, so the byte tails here are made up).
// Architecture numbers are the published config.json / GGUF metadata of each model.
// Digests are NOT the real registry digests: they are derived deterministically in library.ts.

export type Arch = 'llama' | 'qwen2' | 'gemma2' | 'gemma3' | 'phi3' | 'phi2' | 'nomic-bert';
export type PromptStyle = 'llama3' | 'chatml' | 'gemma' | 'mistral' | 'phi3' | 'llama2' | 'deepseek-r1' | 'deepseek-coder' | 'phi2' | 'zephyr' | 'embedding';
export type Quant = 'Q4_K_M' | 'Q4_0' | 'Q8_0' | 'F16';

export interface ModelSpec {
  name: string; // canonical tag, e.g. "llama3.1:8b"
  aliases?: string[]; // other tags of the same manifest, e.g. "llama3.1:latest"
  arch: Arch;
  family?: string; // details.family when it differs from the architecture name
  params: number; // general.parameter_count
  quant: Quant;
  gb: number; // download size in GB (1e9 bytes)
  exactWeightBytes?: number; // when the real byte count of the weights layer is known
  blocks: number;
  heads: number;
  kvHeads: number;
  embedding: number;
  context: number;
  feedForward: number;
  vocab: number;
  ropeBase: number;
  keyLength?: number; // head dimension when it is not embedding / heads (gemma)
  tied?: boolean; // no output tensor: the output reuses token_embd (tie_word_embeddings)
  slidingWindow?: number; // attention.sliding_window of gemma2/gemma3 (their local-attention layers)
  experts?: [count: number, used: number];
  style: PromptStyle;
  capabilities: string[];
  license: string; // license layer key, shared across a family like the registry does
}

const C = ['completion'];
const CT = ['completion', 'tools'];

export const MODEL_SPECS: ModelSpec[] = [
  // Llama 3.x (Meta): 128k context, GQA with 8 KV heads.
  { name: 'llama3.2:1b', arch: 'llama', params: 1_235_814_432, quant: 'Q8_0', gb: 1.3, tied: true, blocks: 16, heads: 32, kvHeads: 8, embedding: 2048, context: 131072, feedForward: 8192, vocab: 128256, ropeBase: 500000, style: 'llama3', capabilities: CT, license: 'llama3.2' },
  { name: 'llama3.2:3b', aliases: ['llama3.2:latest'], arch: 'llama', params: 3_212_749_888, quant: 'Q4_K_M', gb: 2.0, exactWeightBytes: 2_019_377_376, tied: true, blocks: 28, heads: 24, kvHeads: 8, embedding: 3072, context: 131072, feedForward: 8192, vocab: 128256, ropeBase: 500000, style: 'llama3', capabilities: CT, license: 'llama3.2' },
  { name: 'llama3.1:8b', aliases: ['llama3.1:latest'], arch: 'llama', params: 8_030_261_248, quant: 'Q4_K_M', gb: 4.92, blocks: 32, heads: 32, kvHeads: 8, embedding: 4096, context: 131072, feedForward: 14336, vocab: 128256, ropeBase: 500000, style: 'llama3', capabilities: CT, license: 'llama3.1' },
  { name: 'llama3.1:70b', arch: 'llama', params: 70_553_706_496, quant: 'Q4_K_M', gb: 42.5, blocks: 80, heads: 64, kvHeads: 8, embedding: 8192, context: 131072, feedForward: 28672, vocab: 128256, ropeBase: 500000, style: 'llama3', capabilities: CT, license: 'llama3.1' },
  { name: 'llama3.1:405b', arch: 'llama', params: 405_853_388_800, quant: 'Q4_K_M', gb: 243, blocks: 126, heads: 128, kvHeads: 8, embedding: 16384, context: 131072, feedForward: 53248, vocab: 128256, ropeBase: 500000, style: 'llama3', capabilities: CT, license: 'llama3.1' },
  { name: 'llama3.3:70b', aliases: ['llama3.3:latest'], arch: 'llama', params: 70_553_706_496, quant: 'Q4_K_M', gb: 42.5, blocks: 80, heads: 64, kvHeads: 8, embedding: 8192, context: 131072, feedForward: 28672, vocab: 128256, ropeBase: 500000, style: 'llama3', capabilities: CT, license: 'llama3.3' },
  // Older Llama-architecture models: Q4_0 tags, full multi-head attention (KV heads = heads).
  { name: 'llama2:7b', aliases: ['llama2:latest'], arch: 'llama', params: 6_738_415_616, quant: 'Q4_0', gb: 3.8, blocks: 32, heads: 32, kvHeads: 32, embedding: 4096, context: 4096, feedForward: 11008, vocab: 32000, ropeBase: 10000, style: 'llama2', capabilities: C, license: 'llama2' },
  { name: 'codellama:7b', aliases: ['codellama:latest', 'codellama:7b-instruct'], arch: 'llama', params: 6_738_546_688, quant: 'Q4_0', gb: 3.8, blocks: 32, heads: 32, kvHeads: 32, embedding: 4096, context: 16384, feedForward: 11008, vocab: 32016, ropeBase: 1_000_000, style: 'llama2', capabilities: C, license: 'llama2' },
  { name: 'codellama:13b', arch: 'llama', params: 13_016_028_160, quant: 'Q4_0', gb: 7.4, blocks: 40, heads: 40, kvHeads: 40, embedding: 5120, context: 16384, feedForward: 13824, vocab: 32016, ropeBase: 1_000_000, style: 'llama2', capabilities: C, license: 'llama2' },
  { name: 'deepseek-coder:1.3b', arch: 'llama', params: 1_346_471_936, quant: 'Q4_0', gb: 0.776, blocks: 24, heads: 16, kvHeads: 16, embedding: 2048, context: 16384, feedForward: 5504, vocab: 32256, ropeBase: 100000, style: 'deepseek-coder', capabilities: C, license: 'deepseek' },
  { name: 'deepseek-coder:6.7b', arch: 'llama', params: 6_740_512_768, quant: 'Q4_0', gb: 3.8, blocks: 32, heads: 32, kvHeads: 32, embedding: 4096, context: 16384, feedForward: 11008, vocab: 32256, ropeBase: 100000, style: 'deepseek-coder', capabilities: C, license: 'deepseek' },
  { name: 'tinyllama:1.1b', aliases: ['tinyllama:latest'], arch: 'llama', params: 1_100_048_384, quant: 'Q4_0', gb: 0.638, blocks: 22, heads: 32, kvHeads: 4, embedding: 2048, context: 2048, feedForward: 5632, vocab: 32000, ropeBase: 10000, style: 'zephyr', capabilities: C, license: 'apache' },
  { name: 'mistral:7b', aliases: ['mistral:latest'], arch: 'llama', params: 7_248_023_552, quant: 'Q4_0', gb: 4.1, blocks: 32, heads: 32, kvHeads: 8, embedding: 4096, context: 32768, feedForward: 14336, vocab: 32768, ropeBase: 1_000_000, style: 'mistral', capabilities: CT, license: 'apache' },
  { name: 'mixtral:8x7b', aliases: ['mixtral:latest'], arch: 'llama', params: 46_702_792_704, quant: 'Q4_0', gb: 26, blocks: 32, heads: 32, kvHeads: 8, embedding: 4096, context: 32768, feedForward: 14336, vocab: 32000, ropeBase: 1_000_000, experts: [8, 2], style: 'mistral', capabilities: CT, license: 'apache' },
  // Microsoft Phi.
  { name: 'phi:2.7b', aliases: ['phi:latest'], arch: 'phi2', params: 2_779_683_840, quant: 'Q4_0', gb: 1.6, blocks: 32, heads: 32, kvHeads: 32, embedding: 2560, context: 2048, feedForward: 10240, vocab: 51200, ropeBase: 10000, style: 'phi2', capabilities: C, license: 'mit' },
  { name: 'phi3:mini', aliases: ['phi3:latest', 'phi3:3.8b'], arch: 'phi3', params: 3_821_079_552, quant: 'Q4_0', gb: 2.3, blocks: 32, heads: 32, kvHeads: 32, embedding: 3072, context: 131072, feedForward: 8192, vocab: 32064, ropeBase: 10000, style: 'phi3', capabilities: C, license: 'mit' },
  { name: 'phi3:medium', aliases: ['phi3:14b'], arch: 'phi3', params: 13_960_238_080, quant: 'Q4_0', gb: 7.9, blocks: 40, heads: 40, kvHeads: 10, embedding: 5120, context: 131072, feedForward: 17920, vocab: 32064, ropeBase: 10000, style: 'phi3', capabilities: C, license: 'mit' },
  { name: 'phi4:14b', aliases: ['phi4:latest'], arch: 'phi3', params: 14_659_507_200, quant: 'Q4_K_M', gb: 9.1, blocks: 40, heads: 40, kvHeads: 10, embedding: 5120, context: 16384, feedForward: 17920, vocab: 100352, ropeBase: 250000, style: 'chatml', capabilities: C, license: 'mit' },
  // Google Gemma: head dimension is set explicitly (key_length), not embedding / heads.
  { name: 'gemma2:9b', aliases: ['gemma2:latest'], arch: 'gemma2', params: 9_241_705_984, quant: 'Q4_0', gb: 5.5, blocks: 42, heads: 16, kvHeads: 8, embedding: 3584, context: 8192, feedForward: 14336, vocab: 256000, ropeBase: 10000, keyLength: 256, tied: true, slidingWindow: 4096, style: 'gemma', capabilities: C, license: 'gemma' },
  { name: 'gemma3:1b', arch: 'gemma3', params: 999_885_952, quant: 'Q4_K_M', gb: 0.815, blocks: 26, heads: 4, kvHeads: 1, embedding: 1152, context: 32768, feedForward: 6912, vocab: 262144, ropeBase: 1_000_000, keyLength: 256, tied: true, slidingWindow: 512, style: 'gemma', capabilities: C, license: 'gemma' },
  { name: 'gemma3:4b', aliases: ['gemma3:latest'], arch: 'gemma3', params: 4_300_079_472, quant: 'Q4_K_M', gb: 3.3, blocks: 34, heads: 8, kvHeads: 4, embedding: 2560, context: 131072, feedForward: 10240, vocab: 262208, ropeBase: 1_000_000, keyLength: 256, tied: true, slidingWindow: 1024, style: 'gemma', capabilities: ['completion', 'vision'], license: 'gemma' },
  { name: 'gemma3:12b', arch: 'gemma3', params: 12_187_325_040, quant: 'Q4_K_M', gb: 8.1, blocks: 48, heads: 16, kvHeads: 8, embedding: 3840, context: 131072, feedForward: 15360, vocab: 262208, ropeBase: 1_000_000, keyLength: 256, tied: true, slidingWindow: 1024, style: 'gemma', capabilities: ['completion', 'vision'], license: 'gemma' },
  { name: 'gemma3:27b', arch: 'gemma3', params: 27_432_406_640, quant: 'Q4_K_M', gb: 17, blocks: 62, heads: 32, kvHeads: 16, embedding: 5376, context: 131072, feedForward: 21504, vocab: 262208, ropeBase: 1_000_000, keyLength: 128, tied: true, slidingWindow: 1024, style: 'gemma', capabilities: ['completion', 'vision'], license: 'gemma' },
  // Alibaba Qwen 2.5 and models built on it.
  { name: 'qwen2.5:0.5b', arch: 'qwen2', params: 494_032_768, quant: 'Q4_K_M', gb: 0.398, blocks: 24, heads: 14, kvHeads: 2, embedding: 896, context: 32768, feedForward: 4864, vocab: 151936, ropeBase: 1_000_000, tied: true, style: 'chatml', capabilities: CT, license: 'apache' },
  { name: 'qwen2.5:1.5b', arch: 'qwen2', params: 1_543_714_304, quant: 'Q4_K_M', gb: 0.986, blocks: 28, heads: 12, kvHeads: 2, embedding: 1536, context: 32768, feedForward: 8960, vocab: 151936, ropeBase: 1_000_000, tied: true, style: 'chatml', capabilities: CT, license: 'apache' },
  { name: 'qwen2.5:3b', arch: 'qwen2', params: 3_085_938_688, quant: 'Q4_K_M', gb: 1.9, blocks: 36, heads: 16, kvHeads: 2, embedding: 2048, context: 32768, feedForward: 11008, vocab: 151936, ropeBase: 1_000_000, tied: true, style: 'chatml', capabilities: CT, license: 'qwen' },
  { name: 'qwen2.5:7b', aliases: ['qwen2.5:latest'], arch: 'qwen2', params: 7_615_616_512, quant: 'Q4_K_M', gb: 4.7, blocks: 28, heads: 28, kvHeads: 4, embedding: 3584, context: 32768, feedForward: 18944, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: CT, license: 'apache' },
  { name: 'qwen2.5:14b', arch: 'qwen2', params: 14_770_033_664, quant: 'Q4_K_M', gb: 9.0, blocks: 48, heads: 40, kvHeads: 8, embedding: 5120, context: 32768, feedForward: 13824, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: CT, license: 'apache' },
  { name: 'qwen2.5:32b', arch: 'qwen2', params: 32_763_876_352, quant: 'Q4_K_M', gb: 20, blocks: 64, heads: 40, kvHeads: 8, embedding: 5120, context: 32768, feedForward: 27648, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: CT, license: 'apache' },
  { name: 'qwen2.5:72b', arch: 'qwen2', params: 72_706_203_648, quant: 'Q4_K_M', gb: 47, blocks: 80, heads: 64, kvHeads: 8, embedding: 8192, context: 32768, feedForward: 29568, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: CT, license: 'qwen' },
  { name: 'qwen2.5-coder:1.5b', arch: 'qwen2', params: 1_543_714_304, quant: 'Q4_K_M', gb: 0.986, blocks: 28, heads: 12, kvHeads: 2, embedding: 1536, context: 32768, feedForward: 8960, vocab: 151936, ropeBase: 1_000_000, tied: true, style: 'chatml', capabilities: ['completion', 'tools', 'insert'], license: 'apache' },
  { name: 'qwen2.5-coder:7b', aliases: ['qwen2.5-coder:latest'], arch: 'qwen2', params: 7_615_616_512, quant: 'Q4_K_M', gb: 4.7, blocks: 28, heads: 28, kvHeads: 4, embedding: 3584, context: 32768, feedForward: 18944, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: ['completion', 'tools', 'insert'], license: 'apache' },
  { name: 'qwen2.5-coder:14b', arch: 'qwen2', params: 14_770_033_664, quant: 'Q4_K_M', gb: 9.0, blocks: 48, heads: 40, kvHeads: 8, embedding: 5120, context: 32768, feedForward: 13824, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: ['completion', 'tools', 'insert'], license: 'apache' },
  { name: 'qwen2.5-coder:32b', arch: 'qwen2', params: 32_763_876_352, quant: 'Q4_K_M', gb: 20, blocks: 64, heads: 40, kvHeads: 8, embedding: 5120, context: 32768, feedForward: 27648, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: ['completion', 'tools', 'insert'], license: 'apache' },
  { name: 'qwq:32b', aliases: ['qwq:latest'], arch: 'qwen2', params: 32_763_876_352, quant: 'Q4_K_M', gb: 20, blocks: 64, heads: 40, kvHeads: 8, embedding: 5120, context: 40960, feedForward: 27648, vocab: 152064, ropeBase: 1_000_000, style: 'chatml', capabilities: ['completion', 'tools', 'thinking'], license: 'apache' },
  // DeepSeek-R1 distills: Qwen 2.5 bases, and Llama 3.3 for 70b.
  { name: 'deepseek-r1:1.5b', arch: 'qwen2', params: 1_777_088_000, quant: 'Q4_K_M', gb: 1.1, blocks: 28, heads: 12, kvHeads: 2, embedding: 1536, context: 131072, feedForward: 8960, vocab: 151936, ropeBase: 10000, style: 'deepseek-r1', capabilities: ['completion', 'thinking'], license: 'mit' },
  { name: 'deepseek-r1:7b', aliases: ['deepseek-r1:latest'], arch: 'qwen2', params: 7_615_616_512, quant: 'Q4_K_M', gb: 4.7, blocks: 28, heads: 28, kvHeads: 4, embedding: 3584, context: 131072, feedForward: 18944, vocab: 152064, ropeBase: 10000, style: 'deepseek-r1', capabilities: ['completion', 'thinking'], license: 'mit' },
  { name: 'deepseek-r1:8b', arch: 'llama', params: 8_030_261_248, quant: 'Q4_K_M', gb: 4.9, blocks: 32, heads: 32, kvHeads: 8, embedding: 4096, context: 131072, feedForward: 14336, vocab: 128256, ropeBase: 500000, style: 'deepseek-r1', capabilities: ['completion', 'thinking'], license: 'mit' },
  { name: 'deepseek-r1:14b', arch: 'qwen2', params: 14_770_033_664, quant: 'Q4_K_M', gb: 9.0, blocks: 48, heads: 40, kvHeads: 8, embedding: 5120, context: 131072, feedForward: 13824, vocab: 152064, ropeBase: 1_000_000, style: 'deepseek-r1', capabilities: ['completion', 'thinking'], license: 'mit' },
  { name: 'deepseek-r1:32b', arch: 'qwen2', params: 32_763_876_352, quant: 'Q4_K_M', gb: 20, blocks: 64, heads: 40, kvHeads: 8, embedding: 5120, context: 131072, feedForward: 27648, vocab: 152064, ropeBase: 1_000_000, style: 'deepseek-r1', capabilities: ['completion', 'thinking'], license: 'mit' },
  { name: 'deepseek-r1:70b', arch: 'llama', params: 70_553_706_496, quant: 'Q4_K_M', gb: 42.5, blocks: 80, heads: 64, kvHeads: 8, embedding: 8192, context: 131072, feedForward: 28672, vocab: 128256, ropeBase: 500000, style: 'deepseek-r1', capabilities: ['completion', 'thinking'], license: 'mit' },
  // Embedding model: BERT-style encoder, F16, no KV grouping.
  { name: 'nomic-embed-text:latest', aliases: ['nomic-embed-text:v1.5'], arch: 'nomic-bert', params: 136_727_040, quant: 'F16', gb: 0.274, blocks: 12, heads: 12, kvHeads: 12, embedding: 768, context: 2048, feedForward: 3072, vocab: 30522, ropeBase: 1000, style: 'embedding', capabilities: ['embedding'], license: 'apache' },
];
