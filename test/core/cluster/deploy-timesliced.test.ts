// Issue 14's time-sliced units: the simulated H100L 23C vGPU is time-sliced 4 ways. Its units
// used to say 5.75 GiB each while the node said 23 GiB free at once; now one figure says what a
// new deployment there can really use (the GPU's memory less what its tenants hold or are
// estimated to hold), with the sharing explained, and deploy checks against that figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
beforeAll(async () => {
  sim = await startKubeSim({ quiet: true, readyDelayMs: 100 });
  side = await clusterSide(sim);
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

const vgpu = async () => (await side.handlers.gpuStatus({})).gpu_info.nodes.find((n) => n.name === 'gpu-h100l-vgpu-01')!;

describe('time-sliced GPU units', () => {
  it('show what a new deployment can use: the whole GPU less its tenants, explained', async () => {
    const before = await vgpu();
    const g = before.groups[0]!;
    expect(g).toMatchObject({ sharing: 'time-slicing', units: 4, free_units: 4, usable_gb: 23 });
    expect(g.usable_gb).toBe(before.largest_free_unit_gb);
    expect(g.sharing_note).toBe('4 time-sliced units of one NVIDIA-H100L-23C-SHARED GPU (23 GiB each): no memory isolation, every tenant sees the whole 23 GiB; no tenant holds any of it yet, so a new deployment there can use 23 GiB');

    // gemma3:27b at Ollama 0.31.1's default for a 23 GiB GPU (32768 tokens): the smallest unit that holds it.
    const est = await side.handlers.estimateVram({ model: 'gemma3:27b' });
    expect(est.fit.unit).toMatchObject({ node: 'gpu-h100l-vgpu-01', free_gb: g.usable_gb });
    const r = await side.handlers.deploy({ model_id: 'gemma3:27b', deployment_name: 'gemma-shared', memory: 32 } as never);
    const need = r.vram_allocation.required_vram_gb;
    const after = await until('its pod holds a unit', async () => {
      const n = await vgpu();
      return n.groups[0]!.allocated_units === 1 ? n : undefined;
    });
    const left = Math.round((23 - need) * 100) / 100;
    expect(after.groups[0]).toMatchObject({ free_units: 3, allocated_vram_gb: need, usable_gb: left });
    expect(after.largest_free_unit_gb).toBe(left);
    expect(after.groups[0]!.sharing_note).toBe(`4 time-sliced units of one NVIDIA-H100L-23C-SHARED GPU (23 GiB each): no memory isolation, every tenant sees the whole 23 GiB; its 1 tenant holds ${need} GiB (this app's pods by their estimate, other pods 5.75 GiB each, an even share), so a new deployment there can use ${left} GiB`);

    // Three units are free there, but not the memory: a second one goes to a unit that holds it.
    const second = await side.handlers.deploy({ model_id: 'gemma3:27b', deployment_name: 'gemma-two', memory: 32 } as never);
    expect(second.vram_allocation.fit?.unit?.node).not.toBe('gpu-h100l-vgpu-01');
    expect(second.vram_allocation.fit?.fits).toBe(true);
  });
});
