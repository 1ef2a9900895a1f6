import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../../preload/contract/index.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

// The seeded cluster (test/sim/kube/seed.ts): an H100 (ollama holds it), a 4-way time-sliced
// H100L-23C vGPU, an A100 in MIG single (7 × 1g.5gb), an A100 80GB in MIG mixed (4 × 1g.10gb
// + 1 × 3g.40gb; finetune holds one 1g.10gb), two T4s without a memory label (jupyter holds one).
const H100 = 81559 / 1024;
const VGPU = 23552 / 1024;
const MIG_SINGLE = (7 * 4864) / 1024;
const MIG_MIXED = (4 * 9728 + 40192) / 1024;
const T4S = 2 * 16;

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
let h: Pick<Handlers, 'gpuStatus' | 'listDeployments' | 'health' | 'estimateVram'>;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  side = await clusterSide(sim);
  h = side.handlers;
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

describe('gpuStatus on the seeded cluster', () => {
  it('sums capacity per GPU kind, counting time-sliced replicas once', async () => {
    side.ollama.loaded = 6 * 1024 ** 3;
    const { success, gpu_info: g, recommendations } = await h.gpuStatus({});
    expect(success).toBe(true);
    expect(g.total_vram_gb).toBeCloseTo(H100 + VGPU + MIG_SINGLE + MIG_MIXED + T4S, 1);
    // ollama holds the whole H100; finetune a 1g.10gb slice; jupyter one T4.
    expect(g.allocated_vram_gb).toBeCloseTo(H100 + 9728 / 1024 + 16, 1);
    expect(g.available_vram_gb).toBeCloseTo(g.total_vram_gb - g.allocated_vram_gb, 1);
    expect(g.utilization_percent).toBeCloseTo((g.allocated_vram_gb / g.total_vram_gb) * 100, 0);
    // The largest free unit is the 3g.40gb MIG slice (the vGPU is 23 GB).
    expect(g.largest_free_gpu_gb).toBeCloseTo(40192 / 1024, 1);
    expect(g.used_vram_gb).toBe(6);
    expect(g.used_source).toBe('ollama-ps');
    // GPU units: 1 H100 + 1 shared vGPU + 7 MIG slices + 5 mixed slices + 2 T4.
    expect(g.gpu_count).toBe(16);
    expect(recommendations.length).toBeGreaterThan(1);
    expect(recommendations.some((r) => r.includes('Largest free GPU: 39.3 GiB'))).toBe(true);
  });

  it('says where each capacity number came from, per node', async () => {
    const { gpu_info: g } = await h.gpuStatus({});
    const node = (name: string) => g.nodes.find((n) => n.name === name)!;
    expect(g.nodes.map((n) => n.name)).not.toContain('cpu-01');
    expect(node('gpu-t4-01').groups[0]).toMatchObject({ vram_source: 'product-table', vram_per_unit_gb: 16, allocated_units: 1, free_units: 1 });
    expect(node('gpu-h100-01').groups[0]).toMatchObject({ vram_source: 'label', allocated_units: 1, free_units: 0 });
    expect(node('gpu-h100-01').largest_free_unit_gb).toBe(0);
    expect(node('gpu-h100l-vgpu-01').groups[0]).toMatchObject({ sharing: 'time-slicing', units: 4, physical_gpus: 1 });
    expect(node('gpu-a100-mig-01').groups[0]).toMatchObject({ sharing: 'mig', units: 7 });
  });

  it('reports used VRAM as unavailable when Ollama does not answer', async () => {
    side.ollama.loaded = null;
    const { gpu_info: g } = await h.gpuStatus({});
    expect(g.used_vram_gb).toBeNull();
    expect(g.used_source).toBe('unavailable');
  });
});

describe('listDeployments', () => {
  it('lists every namespace but the system ones, with the seed fields', async () => {
    const { models, count } = await h.listDeployments({});
    expect(count).toBe(models.length);
    const names = models.map((m) => `${m.namespace}/${m.name}`);
    expect(names).toEqual(expect.arrayContaining(['model-hosting/ollama', 'team-a/web', 'team-a/jupyter', 'research/finetune', 'research/redis']));
    expect(names.some((n) => n.startsWith('kube-system/'))).toBe(false);
    const ollama = models.find((m) => m.name === 'ollama')!;
    expect(ollama).toMatchObject({ namespace: 'model-hosting', image: 'ollama/ollama:0.12.0', status: 'Running', replicas: '1/1', gpu: '1', memory: '64Gi', managed: false });
    expect(ollama.created).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('hides a deployment named model-manager or model-dashboard in any namespace', async () => {
    const body = (name: string) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'team-a' },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx:1.27.3' }] } } },
    });
    await side.ctx.kube.apps.createNamespacedDeployment({ namespace: 'team-a', body: body('model-manager') });
    await side.ctx.kube.apps.createNamespacedDeployment({ namespace: 'team-a', body: body('visible-app') });
    const { models } = await until('visible-app in the cache', async () => {
      const r = await h.listDeployments({});
      return r.models.some((m) => m.name === 'visible-app') ? r : undefined;
    });
    expect(models.some((m) => m.name === 'model-manager')).toBe(false);
  });

  it('shows why a deployment is not running: Unschedulable', async () => {
    await side.ctx.kube.apps.createNamespacedDeployment({
      namespace: 'research',
      body: {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'too-big', namespace: 'research' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'too-big' } }, template: { metadata: { labels: { app: 'too-big' } }, spec: { containers: [{ name: 'x', image: 'nginx:1.27.3', resources: { limits: { 'nvidia.com/gpu': '9' } } }] } } },
      },
    });
    const d = await until('too-big unschedulable', async () => (await h.listDeployments({})).models.find((m) => m.name === 'too-big' && m.reason));
    expect(d.reason).toBe('Unschedulable');
    expect(d.status).toBe('Starting');
    expect(d.replicas).toBe('0/1');
    expect(d.message).toMatch(/nvidia\.com\/gpu/);
  });
});

describe('health', () => {
  it('is healthy and names the Ollama route', async () => {
    const r = await h.health({});
    expect(r).toMatchObject({ status: 'healthy', kubernetes: 'connected', namespace: 'model-hosting' });
    expect(r.ollama?.kind).toBe('service-proxy');
  });
});

describe('clusterChanged', () => {
  it('is emitted, debounced, when the caches change', async () => {
    const seen: string[][] = [];
    const off = side.ctx.events.on('clusterChanged', (e) => seen.push(e.kinds));
    await side.ctx.kube.core.createNamespacedConfigMap({ namespace: 'team-a', body: { metadata: { name: 'unrelated' } } });
    await side.ctx.kube.apps.deleteNamespacedDeployment({ name: 'visible-app', namespace: 'team-a' });
    await until('a deployments change', () => seen.some((k) => k.includes('deployments')));
    off();
    expect(seen.length).toBeLessThan(10);
  });
});
