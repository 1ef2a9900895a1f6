import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateFromName, estimateFromOllamaFacts, estimateVram } from '../../../main/core/vram/estimate.ts';
import { registryManifests } from '../../../main/core/vram/registry.ts';
import { GIB } from '../../../main/core/vram/units.ts';

// REFERENCE.md's size list (Ollama's README download sizes, 1e9-byte GB) with each model's
// published architecture (layers, KV heads, head size), for the KV cache at 4,096 tokens.
const SIZE_LIST: [model: string, gb: number, layers: number, kvHeads: number, headDim: number][] = [
  ['llama3.1:8b', 4.7, 32, 8, 128],
  ['llama3.1:70b', 40, 80, 8, 128],
  ['llama3.3:70b', 43, 80, 8, 128],
  ['llama3.1:405b', 231, 126, 8, 128],
  ['llama3.2:3b', 2.0, 28, 8, 128],
  ['llama3.2:1b', 1.3, 16, 8, 64],
  ['phi3:mini', 2.3, 32, 32, 96],
  ['phi3:3.8b', 2.3, 32, 32, 96],
  ['phi3:medium', 7.9, 40, 10, 128],
  ['phi3:14b', 7.9, 40, 10, 128],
  ['mistral:7b', 4.1, 32, 8, 128],
  ['gemma2:9b', 5.5, 42, 8, 256],
  ['gemma3:27b', 17, 62, 16, 128],
  ['qwq:32b', 20, 64, 8, 128],
  ['deepseek-r1:7b', 4.7, 28, 4, 128],
  ['codellama:7b', 3.8, 32, 32, 128],
  // Unverified in REFERENCE.md, held to the same bar.
  ['qwen2.5-coder:32b', 20, 64, 8, 128],
  ['tinyllama', 0.638, 22, 4, 64],
];

describe('estimateFromName against the size list', () => {
  for (const [model, gb, layers, kvHeads, headDim] of SIZE_LIST) {
    it(`${model} is within 15% of its weights plus the KV cache at 4,096 tokens`, () => {
      const truth = gb * 1e9 + 2 * layers * kvHeads * headDim * 4096 * 2;
      const e = estimateFromName(model);
      const estimated = e.required_vram_gb * GIB;
      expect(Math.abs(estimated - truth) / truth).toBeLessThanOrEqual(0.15);
      expect(e.method).toBe('name');
      expect(e.context_length).toBe(4096);
      expect(e.required_vram_gb).toBeCloseTo(e.weights_gb + e.kv_cache_gb + e.overhead_gb, 1);
    });
  }

  it('is far above the seed table for a 70B model (which said 14 GB)', () => {
    expect(estimateFromName('llama3.3:70b').weights_gb).toBeGreaterThan(38);
    expect(estimateFromName('somebody/custom-model:70b').required_vram_gb).toBeGreaterThan(40);
  });
});

describe('estimateFromName from the tag', () => {
  it('multiplies the parameter count by the bits of the quantization in the tag', () => {
    const q4 = estimateFromName('unknown-model:13b');
    const q8 = estimateFromName('unknown-model:13b-q8_0');
    const f16 = estimateFromName('unknown-model:13b-fp16');
    expect(q4.weights_gb).toBeCloseTo((13e9 * 4.85) / 8 / GIB, 1);
    expect(q8.weights_gb).toBeCloseTo((13e9 * 8.5) / 8 / GIB, 1);
    expect(f16.weights_gb).toBeCloseTo((13e9 * 16) / 8 / GIB, 1);
    expect(q4.detail).toContain('Q4_K_M');
    expect(q8.detail).toContain('Q8_0');
  });

  it('reads 1.5b, 500m and 8x7b', () => {
    expect(estimateFromName('x:1.5b').weights_gb).toBeCloseTo((1.5e9 * 4.85) / 8 / GIB, 2);
    expect(estimateFromName('x:500m').weights_gb).toBeCloseTo((0.5e9 * 4.85) / 8 / GIB, 2);
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
    expect(q2.weights_gb).toBeCloseTo((base.weights_gb * 3.35) / 4.85, 1);
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
    expect(e.weights_gb).toBeCloseTo(4_920_753_328 / GIB, 2);
    expect(e.overhead_gb).toBeCloseTo(457 / 1024, 2);
  });

  it('uses the context length in use and the explicit head size (gemma key_length)', () => {
    const info = { 'general.architecture': 'gemma2', 'gemma2.block_count': 42, 'gemma2.attention.head_count': 16, 'gemma2.attention.head_count_kv': 8, 'gemma2.embedding_length': 3584, 'gemma2.attention.key_length': 256 };
    const at8k = estimateFromOllamaFacts('gemma2:9b', { sizeBytes: 5.5e9, modelInfo: info, contextLength: 8192 });
    expect(at8k.kv_cache_gb).toBeCloseTo((2 * 42 * 8 * 256 * 8192 * 2) / GIB, 2);
    expect(at8k.context_length).toBe(8192);
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
    expect(e.weights_gb).toBeCloseTo(2e9 / GIB, 2);
  });

  it('then the registry manifest weights layer', async () => {
    const ollama = { modelFacts: async () => null };
    const e = await estimateVram('llama3.1:8b', { ollama, registry: registryManifests(base) });
    expect(e.method).toBe('registry-manifest');
    expect(e.weights_gb).toBeCloseTo(4_920_753_328 / GIB, 2);
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
