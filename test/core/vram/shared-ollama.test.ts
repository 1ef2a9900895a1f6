// The estimate route on the whole app against the simulated cluster and Ollama: a new
// deployment is estimated by the Ollama version its image pins and the free unit it would
// get; the shared Ollama by the version its /api/version reports and the GPU its pod holds
// (the seeded ollama pod holds an 81559 MiB H100), and then by the context it loaded with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import { memoryLogger } from '../../../main/core/log.ts';
import { ModelManager } from '../../../main/core/manager.ts';
import { fileSettings, type SettingsStore } from '../../../main/core/settings.ts';
import { GIB } from '../../../main/core/vram/units.ts';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import { tempDir } from '../usage/context.ts';

const H100_GIB = 81559 / 1024;
let sim: SimCluster;
let mm: ModelManager;
let settings: SettingsStore;

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, ollama: { installed: ['llama3.1:8b'], version: '0.15.5', gpuMemoryGiB: H100_GIB } });
  const dir = tempDir('kmm-vram-');
  settings = fileSettings(dir);
  settings.update({ ollamaRoutes: ['service-proxy'] });
  mm = await ModelManager.create({ settings, kubeconfigYaml: sim.kube.kubeconfig(), stateDir: dir, log: memoryLogger(), env: { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' } });
});
afterAll(async () => {
  await mm?.close();
  await sim?.close();
});

describe('estimateVram on the simulated cluster', () => {
  it("estimates the shared Ollama by its own version and GPU, and agrees with its /api/ps once loaded", async () => {
    const before = await dispatch(mm.handlers, 'estimateVram', { model: 'llama3.1:8b' });
    const shared = before.shared_ollama!;
    expect(shared).toMatchObject({ ollama_version: '0.15.5', version_source: 'ollama-api-version', pod: expect.stringMatching(/^model-hosting\/ollama-/) });
    expect(shared.gpu_memory_gb).toBeCloseTo(H100_GIB, 1);
    // 0.15.5 on 79.6 GiB: 262144, capped at Llama 3.1's training context 131072; facts from Ollama's /api/show.
    expect(shared.estimate.context_length).toBe(131072);
    expect(shared.estimate.sources).toEqual({ weights: 'ollama-show', kv_cache: 'ollama-show', compute: 'ollama-show' });

    await dispatch(mm.handlers, 'generate', { model: 'llama3.1:8b', prompt: 'hi' });
    const ps = (await (await fetch(`${sim.ollama.url}/api/ps`)).json()) as { models: { name: string; size: number; size_vram: number; context_length: number }[] };
    const loaded = ps.models.find((m) => m.name === 'llama3.1:8b')!;
    expect(loaded.context_length).toBe(131072);
    expect(Math.abs(shared.estimate.resident_vram_gb! - loaded.size / GIB) / (loaded.size / GIB)).toBeLessThanOrEqual(0.1);

    // Once loaded, the context it runs with is the one estimated.
    await new Promise((r) => setTimeout(r, 2100)); // the /api/ps list is kept 2 s
    const after = await dispatch(mm.handlers, 'estimateVram', { model: 'llama3.1:8b' });
    expect(after.shared_ollama!.estimate.context_note).toMatch(/runs it with now/);
  });

  it('estimates a new deployment by the version its image pins and the smallest free unit it runs on entirely', async () => {
    // ollama/ollama:latest: the newest rules. The smallest free unit that holds llama3.1:8b is the 9.5 GiB 1g.10gb slice (4096 tokens there: 6.05 GiB).
    const latest = await dispatch(mm.handlers, 'estimateVram', { model: 'llama3.1:8b' });
    // The default deploy image pins Ollama 0.31.1 (Settings), whose rules apply.
    expect(latest.estimate.ollama_version).toBe('0.31.1');
    expect(latest.fits).toBe(true);
    expect(latest.fit.unit).toMatchObject({ resource: 'nvidia.com/mig-1g.10gb', free_gb: 9.5 });
    expect(latest.estimate.context_length).toBe(4096);
    expect(latest.estimate.required_vram_gb).toBeCloseTo(6.05, 1);

    settings.update({ deployImage: 'ollama/ollama:0.12.6' });
    const old = await dispatch(mm.handlers, 'estimateVram', { model: 'llama3.1:8b', context_length: 8192 });
    expect(old.estimate.ollama_version).toBe('0.12.6');
    expect(old.estimate.margin_gb).toBe(0);
    expect(old.estimate.reserve_gb).toBeGreaterThan(0.44);
    settings.update({ deployImage: 'ollama/ollama:0.31.1' });

    // A 70B model fits no free unit at any context: the closest is the 39.25 GiB 3g.40gb slice, and it says by how much.
    const big = await dispatch(mm.handlers, 'estimateVram', { model: 'llama3.1:70b', context_length: 4096 });
    expect(big.fits).toBe(false);
    expect(big.fit.unit?.resource).toBe('nvidia.com/mig-3g.40gb');
    expect(big.fit.shortfall_gb).toBeCloseTo(41.52 - 39.25, 1);
    expect(big.fit.message).toMatch(/would not fit/);
  });
});
