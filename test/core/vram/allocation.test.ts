import { describe, expect, it } from 'vitest';
import { trimNode, type PodLite } from '../../../main/core/kube/objects.ts';
import { computeGpuInfo, ESTIMATE_ANNOTATION } from '../../../main/core/vram/allocation.ts';
import type { GpuInfo } from '../../../preload/contract/index.ts';
import { CATALOGUE } from '../../../main/core/vram/catalogue.ts';
import { fitOnUnit } from '../../../main/core/vram/fit.ts';
import { catalogueFits, recommendations, suggestionsFor } from '../../../main/core/vram/recommend.ts';
import { estimateFromName } from '../../../main/core/vram/estimate.ts';
import { makeNode, profiles } from '../../sim/kube/nodes.ts';

const pod = (nodeName: string | null, phase: string, gpu: Record<string, number>, annotations: Record<string, string> = {}): PodLite => ({
  kind: 'pod', namespace: 'ns', name: `p-${Math.random()}`, resourceVersion: '1', labels: {}, annotations, ownerNames: [], nodeName, phase,
  terminating: false, gpuRequests: gpu, waiting: null, unschedulable: null, ready: phase === 'Running',
});

const h100 = trimNode(makeNode('h100', 0, profiles.h100()));
const vgpu = trimNode(makeNode('vgpu', 1, profiles.h100lVgpu()));
const mixed = trimNode(makeNode('mixed', 2, profiles.a100MigMixed()));
const H100_GB = 81559 / 1024;

describe('computeGpuInfo', () => {
  it('an idle cluster: all free, the largest free GPU is the biggest unit', () => {
    const info = computeGpuInfo({ nodes: [h100, vgpu], pods: [], defaultVramGb: 23, loadedVramBytes: null });
    expect(info.total_vram_gb).toBeCloseTo(H100_GB + 23, 1);
    expect(info.allocated_vram_gb).toBe(0);
    expect(info.available_vram_gb).toBeCloseTo(info.total_vram_gb, 2);
    expect(info.largest_free_gpu_gb).toBeCloseTo(H100_GB, 1);
    expect(info.gpu_count).toBe(2);
    expect(info.used_vram_gb).toBeNull();
    expect(info.used_source).toBe('unavailable');
  });

  it('a running pod holds its whole GPU (the seed rule); a pending pod with a node holds it too', () => {
    const running = computeGpuInfo({ nodes: [h100], pods: [pod('h100', 'Running', { 'nvidia.com/gpu': 1 })], defaultVramGb: 23, loadedVramBytes: 0 });
    expect(running.allocated_vram_gb).toBeCloseTo(H100_GB, 1);
    expect(running.largest_free_gpu_gb).toBe(0);
    expect(running.utilization_percent).toBe(100);
    expect(running.used_vram_gb).toBe(0);
    expect(running.used_source).toBe('ollama-ps');
    const pendingBound = computeGpuInfo({ nodes: [h100], pods: [pod('h100', 'Pending', { 'nvidia.com/gpu': 1 })], defaultVramGb: 23, loadedVramBytes: null });
    expect(pendingBound.allocated_vram_gb).toBeCloseTo(H100_GB, 1);
  });

  it('unscheduled, finished and failed pods hold nothing', () => {
    const pods = [pod(null, 'Pending', { 'nvidia.com/gpu': 1 }), pod('h100', 'Succeeded', { 'nvidia.com/gpu': 1 }), pod('h100', 'Failed', { 'nvidia.com/gpu': 1 })];
    const info = computeGpuInfo({ nodes: [h100], pods, defaultVramGb: 23, loadedVramBytes: null });
    expect(info.allocated_vram_gb).toBe(0);
    expect(info.largest_free_gpu_gb).toBeCloseTo(H100_GB, 1);
  });

  it("the app's own pods count their estimate annotation", () => {
    const info = computeGpuInfo({ nodes: [h100], pods: [pod('h100', 'Running', { 'nvidia.com/gpu': 1 }, { [ESTIMATE_ANNOTATION]: '5.33' })], defaultVramGb: 23, loadedVramBytes: null });
    expect(info.allocated_vram_gb).toBeCloseTo(5.33, 2);
    // The GPU itself is taken: one model deployment per GPU.
    expect(info.largest_free_gpu_gb).toBe(0);
  });

  it('time-sliced replicas share one GPU: what is left of it is what a new replica can use', () => {
    const pods = [pod('vgpu', 'Running', { 'nvidia.com/gpu': 1 }, { [ESTIMATE_ANNOTATION]: '8' }), pod('vgpu', 'Running', { 'nvidia.com/gpu': 1 })];
    const info = computeGpuInfo({ nodes: [vgpu], pods, defaultVramGb: 23, loadedVramBytes: null });
    const g = info.nodes[0]!.groups[0]!;
    expect(g).toMatchObject({ allocated_units: 2, free_units: 2 });
    expect(g.allocated_vram_gb).toBeCloseTo(8 + 23 / 4, 2);
    expect(info.largest_free_gpu_gb).toBeCloseTo(23 - 8 - 23 / 4, 2);
  });

  it('MIG mixed: pods take slices of their profile; the largest free slice decides', () => {
    const info = computeGpuInfo({ nodes: [mixed], pods: [pod('mixed', 'Running', { 'nvidia.com/mig-3g.40gb': 1 })], defaultVramGb: 23, loadedVramBytes: null });
    expect(info.largest_free_gpu_gb).toBeCloseTo(9728 / 1024, 2);
    const big = info.nodes[0]!.groups.find((g) => g.resource === 'nvidia.com/mig-3g.40gb')!;
    expect(big).toMatchObject({ allocated_units: 1, free_units: 0 });
  });

  it('a node that is not ready offers no free unit, but its capacity is still counted', () => {
    const down = { ...h100, ready: false };
    const info = computeGpuInfo({ nodes: [down], pods: [], defaultVramGb: 23, loadedVramBytes: null });
    expect(info.total_vram_gb).toBeCloseTo(H100_GB, 1);
    expect(info.largest_free_gpu_gb).toBe(0);
  });

  it('reports what Ollama has loaded, in GB', () => {
    const info = computeGpuInfo({ nodes: [h100], pods: [], defaultVramGb: 23, loadedVramBytes: 5 * 1024 ** 3 });
    expect(info.used_vram_gb).toBe(5);
  });
});

/** A GPU status with one free unit of `gb` GiB (a whole GPU), or none. */
function oneUnit(gb: number, gpus = 1): GpuInfo {
  const group = { resource: 'nvidia.com/gpu', product: 'TEST', sharing: 'none' as const, units: gpus, physical_gpus: gpus, vram_per_unit_gb: gb, total_vram_gb: gb * gpus, allocated_units: 0, allocated_vram_gb: 0, free_units: gpus, vram_source: 'label' as const };
  const nodes = gpus ? [{ name: 'n', ready: true, groups: [group], total_vram_gb: gb * gpus, allocated_vram_gb: 0, available_vram_gb: gb * gpus, largest_free_unit_gb: gb }] : [];
  return { total_vram_gb: gb * gpus, allocated_vram_gb: 0, available_vram_gb: gb * gpus, utilization_percent: 0, gpu_count: gpus, used_vram_gb: null, used_source: 'unavailable', largest_free_gpu_gb: gpus ? gb : 0, nodes };
}

describe('recommendations', () => {
  it('names the largest catalogue model that runs entirely on one free GPU at its default context, and only true tiers', () => {
    // Newest rules: 23 GiB gets 32768 tokens; qwen2.5:32b then needs ~27.8 GiB, a 14B ~15 GiB.
    const at23 = recommendations(oneUnit(23));
    expect(at23[0]).toBe('Can deploy medium models (7B-13B)');
    const largest = at23.find((r) => r.startsWith('Largest model that fits'))!;
    const name = /fits: (\S+)/.exec(largest)![1]!;
    expect(estimateFromName(name, { gpuMemoryGiB: 23 }).required_vram_gb).toBeLessThanOrEqual(23);
    expect(at23.join(' ')).not.toContain('70b');
    expect(at23.join(' ')).not.toContain('qwen2.5:32b');
    // 80 GiB: the default context is the training one (131072 for Llama 3.1): llama3.1:70b needs 40 GiB of KV cache more than its weights and does not fit; qwen2.5:72b (32768 tokens) does.
    const at80 = recommendations(oneUnit(80));
    expect(at80[0]).toBe('Can deploy large models (7B-70B)');
    expect(catalogueFits(oneUnit(80), 'latest').map((m) => m.model)).not.toContain('llama3.1:70b');
    expect(catalogueFits(oneUnit(80), 'latest').map((m) => m.model)).toContain('qwen2.5:72b');
    // An Ollama before 0.15.5 runs 4096 tokens: there llama3.1:70b fits 48 GiB but not a 39.25 GiB MIG slice (41.5 GiB needed).
    expect(catalogueFits(oneUnit(48), '0.13.5').map((m) => m.model)).toContain('llama3.1:70b');
    expect(catalogueFits(oneUnit(39.25), '0.13.5').map((m) => m.model)).not.toContain('llama3.1:70b');
    expect(recommendations(oneUnit(6))[0]).toBe('Can deploy small models (1B-7B)');
    expect(recommendations(oneUnit(3))[0]).toBe('Quantized models only (below 7B)');
    expect(recommendations(oneUnit(0.3))[0]).toBe('Insufficient VRAM for new deployments');
    expect(recommendations(oneUnit(0, 0))[0]).toMatch(/No GPU nodes/);
  });

  it('agrees with the fit of each catalogue row: a model is listed exactly when fitOnUnit says it fits', () => {
    for (const gb of [6, 16, 23, 39.25, 48, 80]) {
      const listed = new Set(catalogueFits(oneUnit(gb), '0.15.5').map((m) => m.model));
      for (const m of CATALOGUE.filter((c) => c.name !== 'nomic-embed-text:latest')) {
        const fit = fitOnUnit(estimateFromName(m.name, { gpuMemoryGiB: gb, ollamaVersion: '0.15.5' }), gb);
        expect(listed.has(m.name), `${m.name} on ${gb} GiB`).toBe(fit.fits);
      }
    }
  });
});

describe('suggestionsFor', () => {
  it('offers smaller tags of the same family first, all fitting the limit', () => {
    const s = suggestionsFor('qwen2.5:72b', 23);
    expect(s.length).toBeGreaterThan(0);
    expect(s[0]!.model.startsWith('qwen2.5:')).toBe(true);
    for (const x of s) expect(x.required_vram_gb).toBeLessThanOrEqual(23);
  });

  it('offers more quantized forms of the same size when they fit', () => {
    const s = suggestionsFor('llama3.1:70b', 30);
    expect(s.some((x) => x.model.startsWith('llama3.1:70b-instruct-q') && x.why === 'more-quantized')).toBe(true);
  });
});
