// The estimate against what the simulated Ollama's /api/ps reports once it has loaded the
// model. The simulator lays models out layer by layer (test/sim/ollama/vram.ts), written
// apart from the estimator: agreement within 10 % checks both against REFERENCE's rules.
// The estimate is made as the app makes it for a running Ollama: facts from its /api/tags
// and /api/show, rules of the version its /api/version reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../../../main/core/vram/estimate.ts';
import { fitOnUnit } from '../../../main/core/vram/fit.ts';
import { factsFromShow } from '../../../main/core/vram/model-facts.ts';
import { GIB } from '../../../main/core/vram/units.ts';
import { startOllamaSim, type OllamaSim } from '../../sim/ollama/server.ts';

// As /api/tags lists them ("tinyllama" is stored as tinyllama:latest).
const MODELS = ['llama3.1:8b', 'llama3.1:70b', 'qwen2.5:32b', 'gemma2:9b', 'mixtral:8x7b', 'tinyllama:latest'];

let sim: OllamaSim;
beforeAll(async () => {
  sim = await startOllamaSim({ installed: MODELS, version: '0.15.5', gpuMemoryGiB: 80 });
});
afterAll(() => sim?.close());

const post = async (path: string, body: unknown) => (await fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) })).json();
const get = async (path: string) => (await fetch(`${sim.url}${path}`)).json();

interface Ps {
  name: string;
  size: number;
  size_vram: number;
  context_length: number;
}

/** Loads `model` (with num_ctx when given) and returns its /api/ps entry. */
async function load(model: string, numCtx?: number): Promise<Ps> {
  await post('/api/generate', { model, ...(numCtx ? { options: { num_ctx: numCtx } } : {}) });
  const ps = (await get('/api/ps')) as { models: Ps[] };
  return ps.models.find((m) => m.name === model)!;
}

/** The app's facts for a model the simulated Ollama holds. */
async function facts(model: string) {
  const tags = (await get('/api/tags')) as { models: { name: string; size: number; details: { quantization_level: string } }[] };
  const t = tags.models.find((m) => m.name === model)!;
  const show = (await post('/api/show', { model })) as { model_info: Record<string, unknown> };
  return factsFromShow(model, { sizeBytes: t.size, modelInfo: show.model_info, quantization: t.details.quantization_level });
}

const version = async () => ((await get('/api/version')) as { version: string }).version;
const gib = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;
const rows: string[] = [];
afterAll(() => console.log(`[VRAM] model, context: estimate resident GiB vs simulator /api/ps size GiB\n${rows.join('\n')}`));

describe('the estimate matches what the simulated Ollama allocates (within 10 %)', () => {
  for (const model of MODELS) {
    for (const ctx of [4096, 32768]) {
      it(`${model} at ${ctx} tokens on Ollama 0.15.5 with an 80 GiB GPU`, async () => {
        const ps = await load(model, ctx);
        const e = estimate(await facts(model), { context_length: ctx, gpuMemoryGiB: 80, ollamaVersion: await version() });
        rows.push(`${model}, ${ctx} (used ${e.context_length}): ${e.resident_vram_gb} vs ${gib(ps.size)} (size_vram ${gib(ps.size_vram)}), required ${e.required_vram_gb}`);
        expect(ps.context_length).toBe(e.context_length);
        expect(ps.size_vram).toBe(ps.size); // 80 GiB holds each of them
        expect(Math.abs(e.resident_vram_gb! - ps.size / GIB) / (ps.size / GIB)).toBeLessThanOrEqual(0.1);
        expect(e.sources).toEqual({ weights: 'ollama-show', kv_cache: 'ollama-show', compute: 'ollama-show' });
      });
    }
  }

  it('picks the same default context as the simulated Ollama, by its version and GPU memory', async () => {
    for (const [v, gpu, expected] of [['0.15.5', 40, 32768], ['0.15.5', 16, 4096], ['0.15.5', 80, 131072], ['0.12.6', 40, 4096]] as const) {
      sim.setRuntime({ version: v, gpuMemoryGiB: gpu });
      const ps = await load('llama3.1:8b');
      const e = estimate(await facts('llama3.1:8b'), { gpuMemoryGiB: gpu, ollamaVersion: await version() });
      rows.push(`llama3.1:8b, default on ${v} with ${gpu} GiB (${e.context_length}): ${e.resident_vram_gb} vs ${gib(ps.size)}`);
      expect(ps.context_length).toBe(expected);
      expect(e.context_length).toBe(expected);
      expect(Math.abs(e.resident_vram_gb! - ps.size / GIB) / (ps.size / GIB)).toBeLessThanOrEqual(0.1);
    }
  });

  it("an older Ollama's own layout (0.12.6: reserve, spare layer, GraphSize) agrees too", async () => {
    sim.setRuntime({ version: '0.12.6', gpuMemoryGiB: 80 });
    for (const model of MODELS) {
      const ps = await load(model, 4096);
      const e = estimate(await facts(model), { context_length: 4096, gpuMemoryGiB: 80, ollamaVersion: await version() });
      rows.push(`${model}, 4096 on 0.12.6: ${e.resident_vram_gb} vs ${gib(ps.size)}`);
      expect(Math.abs(e.resident_vram_gb! - ps.size / GIB) / (ps.size / GIB), model).toBeLessThanOrEqual(0.1);
    }
  });

  it('a GPU too small: the estimate says how much would not fit, the simulator runs that part on the CPU (size_vram < size)', async () => {
    sim.setRuntime({ version: '0.15.5', gpuMemoryGiB: 39.25 });
    const ps = await load('llama3.1:70b', 4096);
    const e = estimate(await facts('llama3.1:70b'), { context_length: 4096, gpuMemoryGiB: 39.25, ollamaVersion: await version() });
    const fit = fitOnUnit(e, 39.25);
    const onCpu = (ps.size - ps.size_vram) / GIB;
    rows.push(`llama3.1:70b, 4096 on a 39.25 GiB slice: shortfall ${fit.shortfall_gb} GiB estimated, ${gib(ps.size - ps.size_vram)} GiB on the CPU in the simulator`);
    expect(fit.fits).toBe(false);
    expect(ps.size_vram).toBeLessThan(ps.size);
    // llama.cpp moves whole layers (the output layer first): at least the shortfall, at most it plus the output layer and one block.
    expect(onCpu).toBeGreaterThanOrEqual(fit.shortfall_gb - 0.01);
    expect(onCpu).toBeLessThan(fit.shortfall_gb + 1.6);
    expect(ps.size_vram / GIB).toBeLessThanOrEqual(39.25 - 1);
  });
});
