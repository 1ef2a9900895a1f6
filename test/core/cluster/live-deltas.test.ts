// The deployments view kept from watch events, as a UI sees it: the snapshot, then the
// `deploymentsChanged` deltas folded over it, must equal a fresh listing after any sequence of
// changes made by kubectl and by client-node (a seeded random sequence, several seeds).
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeploymentInfo, DeploymentsDelta, GpuStatusResult } from '../../../preload/contract/index.ts';
import { listDeployments } from '../../../main/core/cluster/deployment-list.ts';
import { computeGpuInfo } from '../../../main/core/vram/index.ts';
import type { GpuView } from '../../../main/core/cluster/gpu.ts';
import { DELTA_EVERY_MS } from '../../../main/core/cluster/live-deployments.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { kubectl } from '../../sim/kube/kubectl.ts';
import { clusterSide, until } from './harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
let kubeconfig: string;
let apps: k8s.AppsV1Api;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true, nodes: 3, namespaces: 4, deployments: 24, pods: 40, readyDelayMs: 30, podTerminationMs: 20, unpullableImages: ['ghcr.io/none/missing:1'] });
  side = await clusterSide(sim);
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'kmm-deltas-')), 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeconfig({ namespace: 'model-hosting' }));
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig({ namespace: 'model-hosting' }));
  apps = kc.makeApiClient(k8s.AppsV1Api);
  core = kc.makeApiClient(k8s.CoreV1Api);
}, 60_000);
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

/** A small deterministic generator (mulberry32): a failing seed can be run again. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const key = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;
const sorted = (xs: DeploymentInfo[]) => [...xs].sort((a, b) => key(a).localeCompare(key(b)));

/** What a UI does: keep the snapshot, fold each delta of its epoch with the next seq, re-read on a gap. */
class Folder {
  items = new Map<string, DeploymentInfo>();
  epoch = '';
  seq = 0;
  gaps = 0;
  applied = 0;
  load(r: { models: DeploymentInfo[]; epoch: string; seq: number }) {
    this.items = new Map(r.models.map((m) => [key(m), m]));
    this.epoch = r.epoch;
    this.seq = r.seq;
  }
  apply(d: DeploymentsDelta): boolean {
    if (d.epoch !== this.epoch) return false;
    if (d.seq <= this.seq) return true;
    if (d.seq !== this.seq + 1) {
      this.gaps++;
      return false;
    }
    for (const m of d.upserts) this.items.set(key(m), m);
    for (const x of d.deletes) this.items.delete(key(x));
    this.seq = d.seq;
    this.applied++;
    return true;
  }
}

async function randomChange(next: () => number, n: number, made: string[]): Promise<string> {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const deps = (await apps.listDeploymentForAllNamespaces()).items.filter((d) => d.metadata!.namespace!.startsWith('ns-') || made.includes(key(d.metadata as never)));
  const d = pick(deps);
  const ns = d.metadata!.namespace!;
  const name = d.metadata!.name!;
  switch (Math.floor(next() * 8)) {
    case 0: {
      const r = String(Math.floor(next() * 4));
      await kubectl(kubeconfig, ['scale', `deployment/${name}`, '-n', ns, `--replicas=${r}`]);
      return `kubectl scale ${ns}/${name} to ${r}`;
    }
    case 1: {
      const pods = (await core.listNamespacedPod({ namespace: ns })).items;
      if (!pods.length) return 'no pod to delete';
      const p = pick(pods);
      await kubectl(kubeconfig, ['delete', 'pod', p.metadata!.name!, '-n', ns, '--wait=false']);
      return `kubectl delete pod ${ns}/${p.metadata!.name}`;
    }
    case 2: {
      const image = pick(['ghcr.io/none/missing:1', 'ollama/ollama:0.12.0', 'nginx:1.27.4']);
      await kubectl(kubeconfig, ['set', 'image', `deployment/${name}`, '-n', ns, `*=${image}`]);
      return `kubectl set image ${ns}/${name} ${image}`;
    }
    case 3: {
      const v = String(Math.floor(next() * 50) + 1);
      await kubectl(kubeconfig, ['annotate', '--overwrite', `deployment/${name}`, '-n', ns, `model-manager/estimated-vram-gb=${v}`]);
      return `kubectl annotate ${ns}/${name} estimate ${v}`;
    }
    case 4: {
      const fresh = `fresh-${n}`;
      const target = pick(['ns-0001', 'ns-0002', 'ns-0003']);
      await apps.createNamespacedDeployment({
        namespace: target,
        body: {
          metadata: { name: fresh, labels: { app: fresh } },
          // Every other one takes a GPU: the GPU figures kept from events must follow too.
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: fresh } },
            template: {
              metadata: { labels: { app: fresh } },
              spec: { containers: [{ name: 'c', image: 'vllm/vllm-openai:v0.6.4', env: [{ name: 'MODEL', value: 'qwen2.5:7b' }], ...(n % 2 ? { resources: { limits: { 'nvidia.com/gpu': '1' } } } : {}) }] },
            },
          },
        },
      });
      made.push(`${target}/${fresh}`);
      return `client-node create ${target}/${fresh}`;
    }
    case 5: {
      await apps.deleteNamespacedDeployment({ name, namespace: ns });
      return `client-node delete ${ns}/${name}`;
    }
    case 6: {
      const r = Math.floor(next() * 3) + 1;
      await apps.patchNamespacedDeployment({ name, namespace: ns, body: { spec: { replicas: r } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      return `client-node patch ${ns}/${name} replicas ${r}`;
    }
    default: {
      // A pod relabelled out of its deployment's selector: the deployment makes a new one.
      const pods = (await core.listNamespacedPod({ namespace: ns })).items;
      if (!pods.length) return 'no pod to relabel';
      const p = pick(pods);
      await core.patchNamespacedPod({ name: p.metadata!.name!, namespace: ns, body: { metadata: { labels: { app: `orphan-${n}` } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      return `client-node relabel pod ${ns}/${p.metadata!.name}`;
    }
  }
}

it('a snapshot plus the deltas folded over it equals a fresh listing after random kubectl and client-node changes', async () => {
  const folder = new Folder();
  const deltas: DeploymentsDelta[] = [];
  const off = side.ctx.events.on('deploymentsChanged', (d) => {
    deltas.push(d);
    if (!folder.apply(d)) throw new Error(`delta ${d.seq} does not follow ${folder.seq} (epoch ${d.epoch} vs ${folder.epoch})`);
  });
  try {
    folder.load(await side.handlers.listDeployments({}));
    const made: string[] = [];
    const log: string[] = [];
    let n = 0;
    for (const seed of [1, 2, 3]) {
      const next = rng(seed);
      // Each round also takes a GPU (on the T4 or the H100) and, from the second on, frees the previous round's.
      const gpuName = `gpu-round-${seed}`;
      await apps.createNamespacedDeployment({
        namespace: 'ns-0004',
        body: {
          metadata: { name: gpuName },
          spec: { replicas: 1, selector: { matchLabels: { app: gpuName } }, template: { metadata: { labels: { app: gpuName } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27.3', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } } },
        },
      });
      log.push(`client-node create ${gpuName} (1 GPU)`);
      if (seed > 1) {
        await apps.deleteNamespacedDeployment({ name: `gpu-round-${seed - 1}`, namespace: 'ns-0004' });
        log.push(`client-node delete gpu-round-${seed - 1}`);
      }
      for (let i = 0; i < 12; i++) log.push(await randomChange(next, n++, made));
      // Settled: the cluster stops changing, then the folded copy must equal a fresh listing.
      await until(`folded view equals a fresh listing (seed ${seed}: ${log.join('; ')})`, async () => {
        const fresh = await side.handlers.listDeployments({});
        const fromScratch = listDeployments((side.gpu as GpuView).caches.deployments.values(), (side.gpu as GpuView).caches.pods.values());
        const folded = sorted([...folder.items.values()]);
        const same = JSON.stringify(folded) === JSON.stringify(sorted(fresh.models)) && JSON.stringify(folded) === JSON.stringify(sorted(fromScratch));
        // GPU figures kept from events equal those computed from scratch over the caches.
        const caches = (side.gpu as GpuView).caches;
        const gpuNow = (await side.handlers.gpuStatus({})).gpu_info;
        const gpuScratch = computeGpuInfo({ nodes: caches.nodes.values(), pods: caches.pods.values(), defaultVramGb: side.ctx.settings.get().defaultVramGb, loadedVramBytes: side.ollama.loaded });
        const sameGpu = JSON.stringify(gpuNow) === JSON.stringify(gpuScratch);
        return same && sameGpu && fresh.seq === folder.seq;
      }, 20_000);
    }
    console.log(`[TEST] ${log.length} changes (${log.filter((l) => l.startsWith("kubectl")).length} by kubectl), ${folder.applied} deltas folded: ${log.slice(0, 8).join("; ")}`);
    expect(folder.gaps).toBe(0);
    expect(folder.applied).toBeGreaterThan(5);
    // Deltas carry the change, not the list.
    const total = (await side.handlers.listDeployments({})).count;
    const sizes = deltas.map((d) => d.upserts.length + d.deletes.length);
    expect(Math.max(...sizes)).toBeLessThan(total);
  } finally {
    off();
  }
}, 120_000);

it('a change of a pod alone (its deployment unchanged) re-describes that deployment in the next delta', async () => {
  const seen: DeploymentsDelta[] = [];
  const off = side.ctx.events.on('deploymentsChanged', (d) => seen.push(d));
  const body = (name: string) => ({
    metadata: { name, labels: { app: name } },
    spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27.3' }] } } },
  });
  const upserted = (reason: string) => () => seen.flatMap((d) => d.upserts).find((m) => m.namespace === 'ns-0002' && m.name === 'quiet' && m.reason === reason);
  try {
    await apps.createNamespacedDeployment({ namespace: 'ns-0002', body: body('quiet') });
    await until('quiet is scaled to zero', upserted('ScaledToZero'));
    // A bare pod its selector matches (no ReplicaSet adopts it: no pod-template-hash) that cannot pull its image.
    await core.createNamespacedPod({ namespace: 'ns-0002', body: { metadata: { name: 'quiet-stray', labels: { app: 'quiet' } }, spec: { containers: [{ name: 'c', image: 'ghcr.io/none/missing:1' }] } } });
    const m = await until('the stray pod\'s reason on quiet', upserted('ImagePullBackOff'));
    expect(m.status).toBe('Failed');
    seen.length = 0;
    await core.deleteNamespacedPod({ name: 'quiet-stray', namespace: 'ns-0002', gracePeriodSeconds: 0 });
    await until('quiet back to ScaledToZero', upserted('ScaledToZero'));
  } finally {
    off();
    await apps.deleteNamespacedDeployment({ name: 'quiet', namespace: 'ns-0002' }).catch(() => undefined);
  }
}, 30_000);

it('seq grows by one per delta, deltas are at least DELTA_EVERY_MS apart, and a burst is batched', async () => {
  const seen: DeploymentsDelta[] = [];
  const at: number[] = [];
  const off = side.ctx.events.on('deploymentsChanged', (d) => {
    seen.push(d);
    at.push(Date.now());
  });
  try {
    const start = await side.handlers.listDeployments({});
    const names = start.models.filter((m) => m.namespace === 'ns-0004').map((m) => m.name);
    // A burst of scale changes at once: far fewer deltas than changes.
    await Promise.all(names.map((name, i) => apps.patchNamespacedDeployment({ name, namespace: 'ns-0004', body: { spec: { replicas: (i % 3) + 1 } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch))));
    await until('the burst folded', async () => {
      const now = await side.handlers.listDeployments({});
      const scaled = now.models.filter((m) => m.namespace === 'ns-0004').every((m) => m.replicas.endsWith(`/${(names.indexOf(m.name) % 3) + 1}`));
      return scaled && seen.length > 0 && now.seq === seen.at(-1)!.seq;
    });
    expect(seen.every((d) => d.epoch === start.epoch)).toBe(true);
    expect(seen.map((d) => d.seq)).toEqual(seen.map((_, i) => start.seq + 1 + i));
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(DELTA_EVERY_MS - 5);
    expect(seen.length).toBeLessThan(names.length);
  } finally {
    off();
  }
}, 60_000);

it('listDeployments hands out one frozen answer while the view is unchanged, and a new one after a change', async () => {
  await until('quiet', async () => {
    const a = await side.handlers.listDeployments({});
    await new Promise((r) => setTimeout(r, 400));
    return (await side.handlers.listDeployments({})) === a;
  });
  const a = await side.handlers.listDeployments({});
  expect(Object.isFrozen(a)).toBe(true);
  expect(await side.handlers.listDeployments({})).toBe(a);
  await apps.patchNamespacedDeployment({ name: a.models.find((m) => m.namespace === 'ns-0003')!.name, namespace: 'ns-0003', body: { spec: { replicas: 7 } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  const b = await until('a new answer', async () => {
    const r = await side.handlers.listDeployments({});
    return r !== a && r.models.some((m) => m.replicas.endsWith('/7')) ? r : undefined;
  });
  expect(b.seq).toBeGreaterThanOrEqual(a.seq);
  const g = await side.handlers.gpuStatus({});
  expect(await side.handlers.gpuStatus({})).toBe(g);
});

it('a new manager has another epoch; its seq starts again', async () => {
  const a = await side.handlers.listDeployments({});
  const other = await clusterSide(sim);
  try {
    const b = await other.handlers.listDeployments({});
    expect(b.epoch).not.toBe(a.epoch);
    expect(b.epoch).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.seq).toBe(0);
    expect(JSON.stringify(sorted(b.models))).toBe(JSON.stringify(sorted((await side.handlers.listDeployments({})).models)));
  } finally {
    await other.close();
  }
});

it('gpuStatusChanged pushes the new GPU status after a pod holding a GPU and a node change', async () => {
  const pushed: GpuStatusResult[] = [];
  const off = side.ctx.events.on('gpuStatusChanged', (g) => pushed.push(g));
  try {
    const before = await side.handlers.gpuStatus({});
    // A pod that takes a whole GPU on the T4 node.
    await core.createNamespacedPod({
      namespace: 'ns-0001',
      body: { metadata: { name: 'gpu-taker' }, spec: { nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' }, containers: [{ name: 'c', image: 'nginx:1.27.3', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } },
    });
    const afterPod = await until('a pushed status with more allocated', () => pushed.find((g) => g.gpu_info.allocated_vram_gb > before.gpu_info.allocated_vram_gb));
    expect(afterPod.gpu_info).toEqual((await side.handlers.gpuStatus({})).gpu_info);
    // The node cordoned: its free GPU is no longer the largest free unit anywhere.
    const count = pushed.length;
    await core.patchNode({ name: 'gpu-h100-01', body: { spec: { unschedulable: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const afterNode = await until('a status pushed after the cordon', () => pushed.slice(count).find((g) => g.gpu_info.nodes.find((x) => x.name === 'gpu-h100-01')?.largest_free_unit_gb === 0));
    expect(afterNode.gpu_info.largest_free_gpu_gb).toBe((await side.handlers.gpuStatus({})).gpu_info.largest_free_gpu_gb);
  } finally {
    off();
    await core.patchNode({ name: 'gpu-h100-01', body: { spec: { unschedulable: false } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)).catch(() => undefined);
    await core.deleteNamespacedPod({ name: 'gpu-taker', namespace: 'ns-0001' }).catch(() => undefined);
  }
}, 30_000);
