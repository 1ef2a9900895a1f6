import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateFromName, estimateFromOllamaFacts, estimateVram } from '../../../main/core/vram/estimate.ts';
import { fitOnUnit } from '../../../main/core/vram/fit.ts';
import { registryManifests } from '../../../main/core/vram/registry.ts';
import { GIB } from '../../../main/core/vram/units.ts';

// REFERENCE.md's size list (download sizes, 1e9-byte GB; llama3.1 8b/70b/405b as computed
// there from the tensor shapes) with each model's published architecture, for the rule of
// "How much VRAM a model needs" at 4,096 tokens on the newest Ollama: GPU weights (the file
// minus token_embd, which stays in host memory, unless the output is tied to it) + KV cache
// + compute buffer (4 × 512 ubatch × vocab) + llama.cpp's 1 GiB margin.
// [model, GB, layers, KV heads, head size, vocab, embedding, tied, token_embd bytes/element, training context]
const SIZE_LIST: [string, number, number, number, number, number, number, boolean, number, number][] = [
  ['llama3.1:8b', 4.92, 32, 8, 128, 128256, 4096, false, 144 / 256, 131072],
  ['llama3.1:70b', 42.5, 80, 8, 128, 128256, 8192, false, 144 / 256, 131072],
  ['llama3.3:70b', 42.5, 80, 8, 128, 128256, 8192, false, 144 / 256, 131072],
  ['llama3.1:405b', 243, 126, 8, 128, 128256, 16384, false, 144 / 256, 131072],
  ['llama3.2:3b', 2.0, 28, 8, 128, 128256, 3072, true, 0, 131072],
  ['llama3.2:1b', 1.3, 16, 8, 64, 128256, 2048, true, 0, 131072],
  ['phi3:mini', 2.3, 32, 32, 96, 32064, 3072, false, 18 / 32, 131072],
  ['phi3:3.8b', 2.3, 32, 32, 96, 32064, 3072, false, 18 / 32, 131072],
  ['phi3:medium', 7.9, 40, 10, 128, 32064, 5120, false, 18 / 32, 131072],
  ['mistral:7b', 4.1, 32, 8, 128, 32768, 4096, false, 18 / 32, 32768],
  ['gemma3:27b', 17, 62, 16, 128, 262208, 5376, true, 0, 131072],
  ['qwq:32b', 20, 64, 8, 128, 152064, 5120, false, 144 / 256, 40960],
  ['deepseek-r1:7b', 4.7, 28, 4, 128, 152064, 3584, false, 144 / 256, 131072],
  ['codellama:7b', 3.8, 32, 32, 128, 32016, 4096, false, 18 / 32, 16384],
  ['qwen2.5-coder:32b', 20, 64, 8, 128, 152064, 5120, false, 144 / 256, 32768],
];

describe('estimateFromName against the size list', () => {
  for (const [model, gb, layers, kvHeads, headDim, vocab, embedding, tied, embdBytes] of SIZE_LIST) {
    it(`${model} is within 10% of the rule at 4,096 tokens`, () => {
      const weights = gb * 1e9 - (tied ? 0 : vocab * embedding * embdBytes);
      // gemma3:27b's sliding-window layers hold 1024 + 512 cells, not 4096: the rule counts them as such.
      const kvCells = model === 'gemma3:27b' ? 10 * 4096 + 52 * 1536 : layers * 4096;
      const truth = weights + 2 * kvHeads * headDim * 2 * kvCells + 4 * 512 * vocab + GIB;
      const e = estimateFromName(model, { context_length: 4096 });
      expect(Math.abs(e.required_vram_gb * GIB - truth) / truth, model).toBeLessThanOrEqual(0.1);
      expect(e.method).toBe('name');
      expect(e.sources).toEqual({ weights: 'catalogue', kv_cache: 'catalogue', compute: 'catalogue' });
      expect(e.context_length).toBe(4096);
      expect(e.required_vram_gb).toBeCloseTo(e.weights_gb + e.kv_cache_gb + e.overhead_gb, 1);
      expect(e.required_vram_gb).toBeCloseTo(e.resident_vram_gb! + e.margin_gb!, 2);
      expect(e.margin_gb).toBe(1);
      expect(e.assumed).toBe(false);
    });
  }

  it('is far above the seed table for a 70B model (which said 14 GB)', () => {
    expect(estimateFromName('llama3.3:70b').weights_gb).toBeGreaterThan(38);
    expect(estimateFromName('somebody/custom-model:70b').required_vram_gb).toBeGreaterThan(40);
  });
});

// The proof: worked examples from REFERENCE's rules, computed by hand (newest Ollama,
// f16 KV, parallel 1; GiB = 2^30 bytes). Each line: GPU weights + KV + compute + 1 GiB margin.
//   llama3.1:8b  : 4.92e9 − 128256·4096·0.5625 (Q4_K token_embd) = 4.307 GiB; KV 32·2·8·128·2 = 128 KiB/token
//                  → 0.5 GiB at 4096, 4 GiB at 32768; compute 4·512·128256 = 0.245 GiB (ubatch 1024: 0.489)
//                  → 6.05 GiB at 4096 (REFERENCE: "about 6.1") and 9.80 GiB at 32768 (REFERENCE: "about 9.8").
//   llama3.1:70b : 42.5e9 − 128256·8192·0.5625 = 39.03 GiB; KV 320 KiB/token → 1.25 / 10 GiB; compute as 8b
//                  → 41.52 GiB at 4096 (more than a 39.25 GiB MIG slice), 50.52 at 32768.
//   qwen2.5:32b  : 20e9 − 152064·5120·0.5625 = 18.22 GiB; KV 64·2·8·128·2 = 256 KiB/token → 1 / 8 GiB;
//                  compute 4·512·152064 = 0.29 (0.58) → 20.51 at 4096, 27.80 at 32768.
//   gemma2:9b    : tied output, so the whole 5.5e9 file is on the GPU = 5.122 GiB; KV 2·8·256·2 = 8 KiB per cell
//                  per layer. At 4096 every layer has 4096 cells (window 4096 + 512 ≥ 4096): 1.3125 GiB;
//                  compute 4·512·256000 = 0.488 → 7.92. 32768 is capped at its training context 8192:
//                  21 global layers × 8192 + 21 sliding layers × (4096 + 1024) cells = 2.133 GiB,
//                  compute 4·1024·256000 = 0.977 → 9.23.
//   mixtral:8x7b : 26e9 − 32000·4096·0.5625 (Q4_0) = 24.146 GiB; KV 128 KiB/token → 0.5 / 4 GiB;
//                  compute 4·512·32000 = 0.061 (0.122) → 25.71 at 4096, 29.27 at 32768.
//   tinyllama    : training context 2048 caps both: 0.638e9 − 32000·2048·0.5625 = 0.560 GiB; KV 22·2·4·64·2
//                  = 22 KiB/token → 0.043 GiB; compute 0.061 → 1.66 at both.
const WORKED: [model: string, ctx: number, usedCtx: number, requiredGiB: number][] = [
  ['llama3.1:8b', 4096, 4096, 6.05], ['llama3.1:8b', 32768, 32768, 9.8],
  ['llama3.1:70b', 4096, 4096, 41.52], ['llama3.1:70b', 32768, 32768, 50.52],
  ['qwen2.5:32b', 4096, 4096, 20.51], ['qwen2.5:32b', 32768, 32768, 27.8],
  ['gemma2:9b', 4096, 4096, 7.92], ['gemma2:9b', 32768, 8192, 9.23],
  ['mixtral:8x7b', 4096, 4096, 25.71], ['mixtral:8x7b', 32768, 32768, 29.27],
  ['tinyllama', 4096, 2048, 1.66], ['tinyllama', 32768, 2048, 1.66],
];

describe('the estimate against worked examples (REFERENCE rules, by hand)', () => {
  for (const [model, ctx, used, gib] of WORKED) {
    it(`${model} at ${ctx} tokens: ${gib} GiB`, () => {
      const e = estimateFromName(model, { context_length: ctx });
      expect(e.context_length).toBe(used);
      expect(Math.abs(e.required_vram_gb - gib) / gib).toBeLessThanOrEqual(0.1);
    });
  }

  it('takes the default context from the Ollama version and the GPU memory', () => {
    const at = (gpuMemoryGiB: number | null, ollamaVersion: string) => estimateFromName('llama3.1:8b', { gpuMemoryGiB, ollamaVersion });
    expect(at(16, '0.15.5').context_length).toBe(4096);
    expect(at(40, '0.15.5').context_length).toBe(32768);
    expect(at(40, '0.15.5').required_vram_gb).toBeCloseTo(9.8, 1);
    expect(at(80, 'latest').context_length).toBe(131072); // 262144, capped at the training context
    expect(at(40, '0.13.5').context_length).toBe(4096);
    expect(at(40, '0.6.5').context_length).toBe(2048);
    expect(at(null, 'latest').context_note).toMatch(/not known/);
    expect(at(40, '0.15.5').context_note).toMatch(/40 GiB/);
    // Before v0.12.11 Ollama laid the model out itself: its 457 MiB reserve and a spare layer, no 1 GiB margin.
    const old = at(40, '0.12.6');
    expect(old.margin_gb).toBe(0);
    expect(old.reserve_gb).toBeCloseTo(457 / 1024 + (old.weights_gb + old.kv_cache_gb) / 32, 2);
    expect(old.required_vram_gb).toBe(old.resident_vram_gb);
  });

  it('multiplies the KV cache by parallel and shrinks it by the KV cache type', () => {
    const f16 = estimateFromName('llama3.1:8b', { context_length: 8192 });
    expect(estimateFromName('llama3.1:8b', { context_length: 8192, parallel: 4 }).kv_cache_gb).toBeCloseTo(4 * f16.kv_cache_gb, 2);
    expect(estimateFromName('llama3.1:8b', { context_length: 8192, kv_cache_type: 'q8_0' }).kv_cache_gb).toBeCloseTo((f16.kv_cache_gb * 34) / 64, 2);
    expect(estimateFromName('llama3.1:8b', { context_length: 8192, kv_cache_type: 'q4_0' }).kv_cache_gb).toBeCloseTo((f16.kv_cache_gb * 18) / 64, 2);
  });
});

describe('fitOnUnit', () => {
  it('says how much would not fit and that Ollama would run it on the CPU', () => {
    const e = estimateFromName('llama3.1:70b', { context_length: 4096 });
    const slice = fitOnUnit(e, 39.25);
    expect(slice.fits).toBe(false);
    expect(slice.shortfall_gb).toBeCloseTo(41.52 - 39.25, 1);
    expect(slice.message).toMatch(/2\.\d+ GiB would not fit/);
    expect(slice.message).toMatch(/on the CPU, slowly/);
    expect(fitOnUnit(e, 48)).toMatchObject({ fits: true, shortfall_gb: 0 });
  });

  it('never gives an unknown name a plain fit: it says what it assumed', () => {
    const e = estimateFromName('mystery');
    expect(e.assumed).toBe(true);
    expect(e.assumption).toMatch(/7B/);
    const fit = fitOnUnit(e, 80);
    expect(fit.fits).toBe(false);
    expect(fit.message).toMatch(/^Not confirmed: .*7B/);
  });
});

describe('estimateFromName from the tag', () => {
  it('multiplies the parameter count by the bits of the quantization in the tag', () => {
    const q4 = estimateFromName('unknown-model:13b');
    const q8 = estimateFromName('unknown-model:13b-q8_0');
    const f16 = estimateFromName('unknown-model:13b-fp16');
    // The file is parameters × bits; on the GPU goes all of it but the embedding table (a few percent).
    const near = (gb: number, file: number) => gb <= file / GIB && gb >= (0.9 * file) / GIB;
    expect(near(q4.weights_gb, (13e9 * 4.85) / 8)).toBe(true);
    expect(near(q8.weights_gb, (13e9 * 8.5) / 8)).toBe(true);
    expect(near(f16.weights_gb, (13e9 * 16) / 8)).toBe(true);
    expect(q4.detail).toContain('Q4_K_M');
    expect(q8.detail).toContain('Q8_0');
  });

  it('reads 1.5b, 500m and 8x7b', () => {
    for (const [tag, params] of [['1.5b', 1.5e9], ['500m', 0.5e9]] as const) {
      const w = estimateFromName(`x:${tag}`).weights_gb * GIB;
      const file = (params * 4.85) / 8;
      // Small models lose more to the embedding table, which stays in host memory.
      expect(w).toBeLessThanOrEqual(file);
      expect(w).toBeGreaterThan(0.7 * file);
    }
    const moe = estimateFromName('x:8x7b');
    expect(moe.weights_gb).toBeGreaterThan(estimateFromName('x:40b').weights_gb);
    expect(moe.weights_gb).toBeLessThan(estimateFromName('x:56b').weights_gb);
  });

  it('lowers the estimate for the seed quantization words (GPTQ, AWQ, int4, int8) against full precision', () => {
    const full = estimateFromName('x:7b-fp16').weights_gb;
    for (const word of ['gptq', 'awq', 'int4', 'int8']) {
      const w = estimateFromName(`x:7b-${word}`).weights_gb;
      expect(w / full).toBeGreaterThan(0.25);
      expect(w / full).toBeLessThan(0.75);
    }
    expect(estimateFromName('x:7b-int4').weights_gb).toBeLessThan(estimateFromName('x:7b-int8').weights_gb);
  });

  it('scales a catalogue size to the quantization of the tag', () => {
    const base = estimateFromName('llama3.1:70b');
    const q2 = estimateFromName('llama3.1:70b-instruct-q2_K');
    expect(Math.abs(q2.weights_gb / ((base.weights_gb * 3.35) / 4.85) - 1)).toBeLessThan(0.01);
  });

  it('says when it had to assume the parameter count', () => {
    expect(estimateFromName('mystery').detail).toMatch(/assumed 7B/);
  });
});

describe('estimateFromOllamaFacts', () => {
  it('counts the KV cache from model_info: llama3.1:8b needs 512 MiB at 4k (REFERENCE.md)', () => {
    const e = estimateFromOllamaFacts('llama3.1:8b', {
      sizeBytes: 4_920_753_328,
      modelInfo: { 'general.architecture': 'llama', 'llama.block_count': 32, 'llama.attention.head_count': 32, 'llama.attention.head_count_kv': 8, 'llama.embedding_length': 4096 },
      contextLength: 4096,
    });
    expect(e.method).toBe('ollama-show');
    expect(e.kv_cache_gb).toBeCloseTo(0.5, 2);
    // The file minus token_embd (128256 × 4096 at Q4_K, 144 bytes per 256), which llama.cpp keeps in host memory.
    expect(e.weights_gb).toBeCloseTo((4_920_753_328 - 128256 * 4096 * (144 / 256)) / GIB, 2);
    expect(e.compute_gb).toBeCloseTo((4 * 512 * 128256) / GIB, 2);
    expect(e.margin_gb).toBe(1);
    expect(e.sources).toEqual({ weights: 'ollama-show', kv_cache: 'ollama-show', compute: 'ollama-show' });
  });

  it('uses the context length in use and the explicit head size (gemma key_length)', () => {
    const info = { 'general.architecture': 'gemma2', 'gemma2.block_count': 42, 'gemma2.attention.head_count': 16, 'gemma2.attention.head_count_kv': 8, 'gemma2.embedding_length': 3584, 'gemma2.attention.key_length': 256 };
    const at8k = estimateFromOllamaFacts('gemma2:9b', { sizeBytes: 5.5e9, modelInfo: info, contextLength: 8192 });
    expect(at8k.kv_cache_gb).toBeCloseTo((2 * 42 * 8 * 256 * 8192 * 2) / GIB, 2);
    expect(at8k.context_length).toBe(8192);
  });
});

describe('facts from /api/show', () => {
  const info = { 'general.architecture': 'llama', 'general.file_type': 15, 'llama.block_count': 16, 'llama.attention.head_count': 32, 'llama.attention.head_count_kv': 8, 'llama.embedding_length': 2048, 'llama.vocab_size': 128256, 'llama.context_length': 131072 };

  it('reads token_embd and a tied output from the tensors when Ollama lists them', () => {
    const tensors = [{ name: 'token_embd.weight', type: 'Q6_K', shape: [2048, 128256] }, { name: 'blk.0.attn_q.weight', type: 'Q4_K', shape: [2048, 2048] }];
    const tied = estimateFromOllamaFacts('x:1b', { sizeBytes: 1e9, modelInfo: info, tensors }, { context_length: 4096 });
    // No output.weight: the output reuses token_embd, and a copy goes on the GPU: the whole file is there.
    expect(tied.weights_gb).toBeCloseTo(1e9 / GIB, 2);
    const untied = estimateFromOllamaFacts('x:1b', { sizeBytes: 1e9, modelInfo: info, tensors: [...tensors, { name: 'output.weight', type: 'Q6_K', shape: [2048, 128256] }] }, { context_length: 4096 });
    expect(untied.weights_gb).toBeCloseTo((1e9 - 2048 * 128256 * (210 / 256)) / GIB, 2);
    expect(untied.detail).toContain('token_embd from /api/show tensors');
  });

  it('counts sliding-window layers as such (gemma3: five of six layers keep the window plus a batch)', () => {
    const g3 = { 'general.architecture': 'gemma3', 'gemma3.block_count': 62, 'gemma3.attention.head_count': 32, 'gemma3.attention.head_count_kv': 16, 'gemma3.attention.key_length': 128, 'gemma3.embedding_length': 5376, 'gemma3.vocab_size': 262208, 'gemma3.context_length': 131072, 'gemma3.attention.sliding_window': 1024 };
    const e = estimateFromOllamaFacts('gemma3:27b', { sizeBytes: 17e9, modelInfo: g3 }, { context_length: 32768 });
    // 10 global layers × 32768 cells + 52 sliding layers × (1024 + 1024 ubatch) cells, 2 × 16 × 128 × 2 bytes each.
    expect(e.kv_cache_gb).toBeCloseTo(((10 * 32768 + 52 * 2048) * 2 * 16 * 128 * 2) / GIB, 2);
    expect(e.detail).toMatch(/52 of 62 layers sliding-window: 2048 cells/);
  });
});

describe('estimateVram sources', () => {
  let server: Server;
  let base = '';
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/v2/library/llama3.1/manifests/8b') {
        res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
        res.end(JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.model', size: 4_920_753_328 }, { mediaType: 'application/vnd.ollama.image.license', size: 12_000 }] }));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('prefers what Ollama holds', async () => {
    const ollama = { modelFacts: async () => ({ sizeBytes: 2e9, modelInfo: {} }) };
    const e = await estimateVram('llama3.1:8b', { ollama, registry: registryManifests(base) });
    expect(e.method).toBe('ollama-show');
    // model_info empty: the architecture (and so token_embd) from the catalogue row.
    expect(e.weights_gb).toBeCloseTo((2e9 - 128256 * 4096 * (144 / 256)) / GIB, 2);
    expect(e.sources).toEqual({ weights: 'ollama-show', kv_cache: 'catalogue', compute: 'catalogue' });
  });

  it('then the registry manifest weights layer', async () => {
    const ollama = { modelFacts: async () => null };
    const e = await estimateVram('llama3.1:8b', { ollama, registry: registryManifests(base) });
    expect(e.method).toBe('registry-manifest');
    expect(e.weights_gb).toBeCloseTo((4_920_753_328 - 128256 * 4096 * (144 / 256)) / GIB, 2);
    expect(e.sources?.weights).toBe('registry-manifest');
    expect(seen).toContain('/v2/library/llama3.1/manifests/8b');
  });

  it('then the name, when the registry does not know the model', async () => {
    const e = await estimateVram('mistral:7b', { ollama: { modelFacts: async () => { throw new Error('down'); } }, registry: registryManifests(base) });
    expect(e.method).toBe('name');
  });

  it('goes on without Ollama when it does not answer in time', async () => {
    const ollama = { modelFacts: () => new Promise<null>(() => {}) };
    const e = await estimateVram('mistral:7b', { ollama, ollamaTimeoutMs: 50 });
    expect(e.method).toBe('name');
  });

  it('falls back fast when the registry is unreachable', async () => {
    const started = Date.now();
    // A port nothing listens on, and an address that never answers.
    const refused = await estimateVram('llama3.1:8b', { registry: registryManifests('http://127.0.0.1:1', 500) });
    const silent = await estimateVram('llama3.1:8b', { registry: registryManifests('http://10.255.255.1:9', 500) });
    expect(refused.method).toBe('name');
    expect(silent.method).toBe('name');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
