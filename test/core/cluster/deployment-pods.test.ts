// deploymentPods from the watch caches of the simulated cluster: the seeded shared Ollama's
// pod on the H100 node with its GPU and product; a scale shows the new pods; 404 names namespace/name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  side = await clusterSide(sim);
}, 60_000);
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

describe('the pods of a deployment', () => {
  it('lists model-hosting/ollama: its node, GPU unit and product, phase and restarts', async () => {
    const r = await side.handlers.deploymentPods({ namespace: 'model-hosting', name: 'ollama' });
    expect(r.pods).toHaveLength(1);
    expect(r.pods[0]).toMatchObject({ node: 'gpu-h100-01', phase: 'Running', ready: true, restarts: 0, gpu_resource: 'nvidia.com/gpu', gpu_units: 1, gpu_product: 'NVIDIA-H100-80GB-HBM3' });
    expect(r.pods[0]!.name).toMatch(/^ollama-/);
  });

  it('follows a scale of team-a/web to 3 pods without a GPU', async () => {
    await side.handlers.scaleDeployment({ namespace: 'team-a', name: 'web', replicas: 3 });
    await expect.poll(async () => (await side.handlers.deploymentPods({ namespace: 'team-a', name: 'web' })).pods.length, { timeout: 10_000 }).toBe(3);
    const r = await side.handlers.deploymentPods({ namespace: 'team-a', name: 'web' });
    expect(r.pods.every((p) => p.gpu_resource === null && p.gpu_units === 0)).toBe(true);
  });

  it('answers 404 naming namespace/name', async () => {
    await expect(side.handlers.deploymentPods({ namespace: 'team-a', name: 'nope' })).rejects.toMatchObject({ status: 404, message: 'deployment team-a/nope not found' });
  });

  it('says which pods and deployments hold GPU units on which node', async () => {
    const r = await side.handlers.gpuHolders({});
    const h100 = r.holders.filter((h) => h.node === 'gpu-h100-01');
    expect(h100).toHaveLength(1);
    expect(h100[0]).toMatchObject({ resource: 'nvidia.com/gpu', units: 1, namespace: 'model-hosting', deployment: 'model-hosting/ollama' });
    // Every GPU the figures count as allocated has a holder: the sums agree per node and resource.
    const gpu = await side.handlers.gpuStatus({});
    for (const node of gpu.gpu_info.nodes)
      for (const g of node.groups) expect(r.holders.filter((h) => h.node === node.name && h.resource === g.resource).reduce((n, h) => n + h.units, 0), `${node.name} ${g.resource}`).toBe(g.allocated_units);
  });

  it('lists the events of team-a/web, its ReplicaSets and pods, newest first; 404 for a missing one', async () => {
    await side.handlers.restartDeployment({ namespace: 'team-a', name: 'web' });
    const r = await until('events of the rollout', async () => {
      const e = await side.handlers.deploymentEvents({ namespace: 'team-a', name: 'web' });
      return e.events.some((x) => x.object.startsWith('Pod/web-') && x.reason === 'Scheduled') ? e : undefined;
    });
    expect(r.events.every((e) => /^(Deployment\/web|ReplicaSet\/web-|Pod\/web-)/.test(e.object))).toBe(true);
    expect([...r.events].sort((a, b) => b.last_seen.localeCompare(a.last_seen))).toEqual(r.events);
    expect(r.events.find((e) => e.reason === 'Scheduled')!.message).toMatch(/^Successfully assigned team-a\/web-/);
    await expect(side.handlers.deploymentEvents({ namespace: 'team-a', name: 'nope' })).rejects.toMatchObject({ status: 404, message: 'deployment team-a/nope not found' });
  });

  it('reads the end of a pod log with the kubelet timestamps, and only what came after a given line', async () => {
    const pod = (await side.handlers.deploymentPods({ namespace: 'model-hosting', name: 'ollama' })).pods[0]!.name;
    const all = await side.handlers.podLogs({ namespace: 'model-hosting', pod });
    expect(all.lines.length).toBeGreaterThan(1);
    expect(all.lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(l.time))).toBe(true);
    const one = await side.handlers.podLogs({ namespace: 'model-hosting', pod, tail_lines: 1 });
    expect(one.lines).toEqual(all.lines.slice(-1));
    // From the last line's time on (inclusive, as the API server is): that line and any after it, none before.
    const last = all.lines.at(-1)!;
    const from = await side.handlers.podLogs({ namespace: 'model-hosting', pod, since_time: last.time });
    expect(from.lines.length).toBeGreaterThan(0);
    expect(from.lines.every((l) => l.time >= last.time)).toBe(true);
    expect(from.lines.at(-1)).toEqual(last);
    await expect(side.handlers.podLogs({ namespace: 'model-hosting', pod: 'nope' })).rejects.toMatchObject({ status: 404, message: 'pod model-hosting/nope not found' });
  });
});
