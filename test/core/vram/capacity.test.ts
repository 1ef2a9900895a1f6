import { describe, expect, it } from 'vitest';
import { trimNode, type NodeLite } from '../../../main/core/kube/objects.ts';
import { nodeGpuGroups } from '../../../main/core/vram/capacity.ts';
import { PRODUCT_RULES, productVram } from '../../../main/core/vram/products.ts';
import { makeNode, profiles } from '../../sim/kube/nodes.ts';

const node = (labels: Record<string, string>, resources: Record<string, string>, ready = true): NodeLite => ({
  kind: 'node', name: 'n', resourceVersion: '1', labels, capacity: resources, allocatable: resources, ready, unschedulable: false,
});
const sim = (p: ReturnType<typeof profiles.h100>) => trimNode(makeNode('n', 0, p));

describe('product table, most specific first', () => {
  const cases: [product: string, gb: number, pattern: string][] = [
    ['NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 5, 'MIG-<g>g.<n>gb'],
    ['NVIDIA-H100L-23C-SHARED', 23, 'H100L-23C'],
    ['NVIDIA-H100L-23C', 23, 'H100L-23C'],
    ['NVIDIA-H100L-15C-SHARED', 15.36, 'H100L-15C'],
    ['NVIDIA-H100L-94C', 96, 'H100L-<n>C'],
    ['NVIDIA-H100L-47C-SHARED', 48, 'H100L-<n>C'],
    ['NVIDIA-A100-40C', 40, '<board>-<n>[CQAB] (vGPU profile)'],
    ['NVIDIA-A100-SXM4-80GB', 80, '<n>GB'],
    ['NVIDIA-H100-80GB-HBM3', 80, '<n>GB'],
    ['NVIDIA-H100-PCIE', 80, 'H100'],
    ['NVIDIA-A100-PCIE', 40, 'A100'],
    ['NVIDIA-A10', 24, 'A10'],
    ['NVIDIA-A10G', 24, 'A10'],
    ['Tesla-V100-SXM2', 16, 'V100'],
    ['Tesla-T4', 16, 'T4'],
    ['NVIDIA-RTX-A6000', 48, 'RTX-A6000'],
    ['NVIDIA-L40S', 48, 'L40S'],
    ['NVIDIA-L4', 24, 'L4'],
  ];
  for (const [product, gb, pattern] of cases) {
    it(`${product} → ${gb} GB by ${pattern}`, () => {
      expect(productVram(product)).toEqual({ gb, pattern });
    });
  }

  it('checks H100L-23C before H100, and A100 before A10', () => {
    const order = PRODUCT_RULES.map((r) => r.pattern);
    expect(order.indexOf('H100L-23C')).toBeLessThan(order.indexOf('H100'));
    expect(order.indexOf('H100L-15C')).toBeLessThan(order.indexOf('H100'));
    expect(order.indexOf('A100')).toBeLessThan(order.indexOf('A10'));
  });

  it('knows nothing of an unknown product, so the default applies', () => {
    expect(productVram('NVIDIA-GeForce-GTX-1080')).toBeNull();
    expect(productVram('NVIDIA-RTX-A4000')).toBeNull();
    const [g] = nodeGpuGroups(node({ 'nvidia.com/gpu.product': 'Mystery-GPU' }, { 'nvidia.com/gpu': '2' }), 23);
    expect(g).toMatchObject({ vram_per_unit_gb: 23, total_vram_gb: 46, vram_source: 'default' });
  });
});

describe('nodeGpuGroups: each GPU kind', () => {
  it('whole GPUs: gpu.memory (MiB) × count, from the label', () => {
    const [g, ...rest] = nodeGpuGroups(sim(profiles.h100x8()), 23);
    expect(rest).toEqual([]);
    expect(g).toMatchObject({ resource: 'nvidia.com/gpu', sharing: 'none', units: 8, physical_gpus: 8, vram_source: 'label' });
    expect(g!.vram_per_unit_gb).toBeCloseTo(81559 / 1024, 3);
    expect(g!.total_vram_gb).toBeCloseTo((8 * 81559) / 1024, 3);
  });

  it('no memory label: the product table (Tesla-T4 × 2 = 32 GB)', () => {
    const [g] = nodeGpuGroups(sim(profiles.t4()), 23);
    expect(g).toMatchObject({ units: 2, vram_per_unit_gb: 16, total_vram_gb: 32, vram_source: 'product-table' });
  });

  it('time-sliced vGPU: four replicas of a 23 GB profile are 23 GB, not 92', () => {
    const [g] = nodeGpuGroups(sim(profiles.h100lVgpu()), 23);
    expect(g).toMatchObject({ sharing: 'time-slicing', units: 4, physical_gpus: 1, total_vram_gb: 23, addressable_gb: 23 });
    expect(g!.vram_per_unit_gb).toBeCloseTo(23 / 4, 5);
  });

  it('time-slicing shown only by -SHARED (no replicas label) still counts the GPU once', () => {
    const [g] = nodeGpuGroups(node({ 'nvidia.com/gpu.product': 'NVIDIA-H100L-23C-SHARED', 'nvidia.com/gpu.count': '1' }, { 'nvidia.com/gpu': '4' }), 23);
    expect(g).toMatchObject({ sharing: 'time-slicing', total_vram_gb: 23, vram_source: 'product-table' });
  });

  it('renamed shared resource nvidia.com/gpu.shared', () => {
    const [g] = nodeGpuGroups(node({ 'nvidia.com/gpu.product': 'Tesla-T4-SHARED', 'nvidia.com/gpu.count': '1', 'nvidia.com/gpu.replicas': '8' }, { 'nvidia.com/gpu.shared': '8' }), 23);
    expect(g).toMatchObject({ resource: 'nvidia.com/gpu.shared', sharing: 'time-slicing', total_vram_gb: 16, physical_gpus: 1 });
  });

  it('MPS: each replica gets its fixed share', () => {
    const [g] = nodeGpuGroups(node({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB', 'nvidia.com/gpu.memory': '40960', 'nvidia.com/gpu.count': '1', 'nvidia.com/gpu.replicas': '4', 'nvidia.com/gpu.sharing-strategy': 'mps' }, { 'nvidia.com/gpu': '4' }), 23);
    expect(g).toMatchObject({ sharing: 'mps', total_vram_gb: 40, vram_per_unit_gb: 10, addressable_gb: 10 });
  });

  it('MIG single: every slice is one unit with its own memory', () => {
    const [g] = nodeGpuGroups(sim(profiles.a100MigSingle()), 23);
    expect(g).toMatchObject({ sharing: 'mig', units: 7, physical_gpus: 7, vram_source: 'label' });
    expect(g!.vram_per_unit_gb).toBeCloseTo(4864 / 1024, 3);
    expect(g!.total_vram_gb).toBeCloseTo((7 * 4864) / 1024, 3);
  });

  it('MIG mixed: one group per profile, from the profile labels', () => {
    const groups = nodeGpuGroups(sim(profiles.a100MigMixed()), 23);
    const small = groups.find((g) => g.resource === 'nvidia.com/mig-1g.10gb');
    const big = groups.find((g) => g.resource === 'nvidia.com/mig-3g.40gb');
    expect(small).toMatchObject({ sharing: 'mig', units: 4, product: 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb', vram_source: 'label' });
    expect(small!.vram_per_unit_gb).toBeCloseTo(9728 / 1024, 3);
    expect(big!.vram_per_unit_gb).toBeCloseTo(40192 / 1024, 3);
    // nvidia.com/gpu is 0 there: no whole GPU counted, no empty group shown.
    expect(groups.map((g) => g.resource)).not.toContain('nvidia.com/gpu');
    const total = groups.reduce((a, g) => a + g.total_vram_gb, 0);
    expect(total).toBeCloseTo((4 * 9728 + 40192) / 1024, 3);
  });

  it('MIG mixed without memory labels: the profile name says the size', () => {
    const groups = nodeGpuGroups(node({ 'nvidia.com/mig.strategy': 'mixed' }, { 'nvidia.com/mig-2g.20gb': '2' }), 23);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ vram_per_unit_gb: 20, total_vram_gb: 40, vram_source: 'product-table' });
  });

  it('vGPU without time-slicing', () => {
    const [g] = nodeGpuGroups(node({ 'nvidia.com/gpu.product': 'NVIDIA-H100L-47C', 'nvidia.com/vgpu.present': 'true', 'nvidia.com/gpu.count': '1' }, { 'nvidia.com/gpu': '1' }), 23);
    expect(g).toMatchObject({ sharing: 'vgpu', total_vram_gb: 48, vram_source: 'product-table' });
  });

  it('a node without NVIDIA resources has no groups', () => {
    expect(nodeGpuGroups(sim(profiles.cpu()), 23)).toEqual([]);
  });
});
