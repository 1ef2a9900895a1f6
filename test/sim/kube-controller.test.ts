// The simulator's controller: deployments roll out to Running pods on nodes with free
// GPUs, unpullable images wait in ImagePullBackOff, too many GPUs is Unschedulable,
// scaling changes pods, deleting a deployment deletes its pods.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { eventually, raw } from './kube/testing.ts';

let sim: KubeSim;

function deployment(name: string, o: { image?: string; replicas?: number; gpus?: number; gpuResource?: string; nodeSelector?: Record<string, string> } = {}) {
  const res = o.gpus ? { [o.gpuResource ?? 'nvidia.com/gpu']: String(o.gpus) } : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, role: 'model' } },
        spec: {
          ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
          containers: [{ name: 'server', image: o.image ?? 'ollama/ollama:0.12.0',
            resources: res ? { limits: res, requests: { ...res, memory: '4Gi' } } : {} }],
        },
      },
    },
  };
}

const ns = 'model-hosting';
const podsOf = async (app: string) => (await raw(sim, `/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`)).json.items as any[];
const getDeploy = async (name: string) => (await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments/${name}`)).json;

beforeAll(async () => {
  sim = await startKubeSim({ readyDelayMs: 100, unpullableImages: ['registry.example/broken:1'], quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

describe('controller', () => {
  test('a new deployment gets pods that reach Running, and the deployment reaches ready', async () => {
    const created = await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments`, { method: 'POST', body: deployment('llama', { replicas: 2, gpus: 1 }) });
    expect(created.status).toBe(201);
    expect(created.json.metadata.generation).toBe(1);
    expect(created.json.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    const d = await eventually(() => getDeploy('llama'), (x) => x.status?.readyReplicas === 2);
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    expect(d.status.conditions.find((c: any) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(d.status.conditions.find((c: any) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const pods = await podsOf('llama');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^llama-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.labels).toMatchObject({ app: 'llama', role: 'model' });
      expect(p.metadata.labels['pod-template-hash']).toBeTruthy();
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
      expect(p.spec.containers[0].resources.requests).toMatchObject({ 'nvidia.com/gpu': '1', memory: '4Gi' });
      expect(p.status.phase).toBe('Running');
      expect(p.status.containerStatuses[0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
      expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      expect(p.status.podIP).toMatch(/^10\.244\./);
      // The seeded H100 is taken by ollama: a GPU pod must land where a GPU is free.
      expect(p.spec.nodeName).not.toBe('gpu-h100-01');
      expect(p.spec.nodeName).not.toBe('cpu-01');
    }
    const rs = (await raw(sim, `/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dllama`)).json.items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'llama' });
  });

  test('GPU accounting: a node never gets more GPU requests than it has', async () => {
    const product = { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB-MIG-1g.5gb' };
    const node = (await raw(sim, '/api/v1/nodes/gpu-a100-mig-01')).json;
    const onNode = (await raw(sim, '/api/v1/pods?fieldSelector=spec.nodeName%3Dgpu-a100-mig-01')).json.items as any[];
    const used = onNode.reduce((n, p) => n + Number(p.spec.containers[0].resources?.requests?.['nvidia.com/gpu'] ?? 0), 0);
    const free = Number(node.status.allocatable['nvidia.com/gpu']) - used;
    expect(free).toBeGreaterThan(1);
    await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments`, { method: 'POST', body: deployment('pack', { replicas: free - 1, gpus: 1, nodeSelector: product }) });
    await eventually(() => podsOf('pack'), (ps) => ps.length === free - 1 && ps.every((p) => p.status.phase === 'Running'));
    // One slice left: of two more pods, one runs and one cannot be scheduled.
    await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments`, { method: 'POST', body: deployment('overflow', { replicas: 2, gpus: 1, nodeSelector: product }) });
    const ps = await eventually(() => podsOf('overflow'), (p) => p.length === 2 && p.filter((x: any) => x.status.phase === 'Running').length === 1
      && p.some((x: any) => x.status.conditions?.some((c: any) => c.reason === 'Unschedulable')));
    const stuck = ps.find((x: any) => x.status.phase === 'Pending')!;
    expect(stuck.spec.nodeName).toBeUndefined();
    const nodes = (await raw(sim, '/api/v1/nodes')).json.items.length;
    expect(stuck.status.conditions[0].message).toBe(
      `0/${nodes} nodes are available: 1 Insufficient nvidia.com/gpu, ${nodes - 1} node(s) didn't match Pod's node affinity/selector.`);
    // Freeing slices lets the pending pod schedule.
    await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments/pack`, { method: 'DELETE' });
    await eventually(() => podsOf('overflow'), (p) => p.length === 2 && p.every((x: any) => x.status.phase === 'Running'));
    await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments/overflow`, { method: 'DELETE' });
  });

  test('an unpullable image leaves the pod Pending in ImagePullBackOff', async () => {
    await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments`, { method: 'POST', body: deployment('broken', { image: 'registry.example/broken:1' }) });
    await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments`, { method: 'POST', body: deployment('missing', { image: 'ollama/does-not-exist:1' }) });
    for (const app of ['broken', 'missing']) {
      const [pod] = await eventually(() => podsOf(app), (ps) => ps[0]?.status.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
      expect(pod.status.phase).toBe('Pending');
      expect(pod.status.containerStatuses[0].ready).toBe(false);
    }
    await new Promise((r) => setTimeout(r, 250));
    const d = await getDeploy('broken');
    expect(d.status.readyReplicas).toBeUndefined();
    expect(d.status.unavailableReplicas).toBe(1);
    expect(d.status.conditions.find((c: any) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  test('more GPUs than any node has free: Unschedulable with the scheduler message', async () => {
    await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments`, { method: 'POST', body: deployment('huge', { gpus: 16 }) });
    const [pod] = await eventually(() => podsOf('huge'), (ps) => ps[0]?.status.conditions?.[0]?.reason === 'Unschedulable');
    const nodes = (await raw(sim, '/api/v1/nodes')).json.items.length;
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.conditions[0]).toMatchObject({
      type: 'PodScheduled', status: 'False', reason: 'Unschedulable',
      message: `0/${nodes} nodes are available: ${nodes} Insufficient nvidia.com/gpu.`,
    });
  });

  test('scaling changes the pod count; a template change replaces the pods', async () => {
    const base = `/apis/apps/v1/namespaces/${ns}/deployments/llama`;
    const scaled = await raw(sim, base, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { replicas: 3 } } });
    expect(scaled.json.metadata.generation).toBe(2);
    await eventually(() => getDeploy('llama'), (d) => d.status?.readyReplicas === 3 && d.status.observedGeneration === 2);
    const scale = await raw(sim, `${base}/scale`, { method: 'PUT', body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'llama' }, spec: { replicas: 1 } } });
    expect(scale.json).toMatchObject({ kind: 'Scale', spec: { replicas: 1 } });
    await eventually(() => podsOf('llama'), (ps) => ps.length === 1);
    const before = (await podsOf('llama'))[0].metadata.name;
    await raw(sim, base, { method: 'PATCH', contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { metadata: { annotations: { restartedAt: 'now' } } } } } });
    const after = await eventually(() => podsOf('llama'), (ps) => ps.length === 1 && ps[0].metadata.name !== before && ps[0].status.phase === 'Running');
    expect(after[0].metadata.annotations.restartedAt).toBe('now');
    const d = await eventually(() => getDeploy('llama'), (x) => x.status?.readyReplicas === 1 && x.status.updatedReplicas === 1);
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
  });

  test('a deleted pod is replaced; deleting the deployment deletes its pods and replicasets', async () => {
    const [pod] = await podsOf('llama');
    const del = await raw(sim, `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`, { method: 'DELETE' });
    expect(del.json.kind).toBe('Pod');
    await eventually(() => podsOf('llama'), (ps) => ps.length === 1 && ps[0].metadata.name !== pod.metadata.name);
    const res = await raw(sim, `/apis/apps/v1/namespaces/${ns}/deployments/llama`, { method: 'DELETE' });
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'llama', group: 'apps', kind: 'deployments' } });
    await eventually(() => podsOf('llama'), (ps) => ps.length === 0);
    const rs = (await raw(sim, `/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=app%3Dllama`)).json.items;
    expect(rs).toHaveLength(0);
  });

  test('deleting a namespace removes what is in it', async () => {
    await raw(sim, '/api/v1/namespaces', { method: 'POST', body: { metadata: { name: 'tmp-ns' } } });
    await raw(sim, '/apis/apps/v1/namespaces/tmp-ns/deployments', { method: 'POST', body: deployment('web', { image: 'nginx:1.27.3' }) });
    await eventually(async () => (await raw(sim, '/api/v1/namespaces/tmp-ns/pods')).json.items.length, (n) => n === 1);
    const del = await raw(sim, '/api/v1/namespaces/tmp-ns', { method: 'DELETE' });
    expect(del.json.status.phase).toBe('Terminating');
    await eventually(async () => (await raw(sim, '/api/v1/namespaces/tmp-ns')).status, (s) => s === 404);
    expect((await raw(sim, '/api/v1/namespaces/tmp-ns/pods')).json.items).toHaveLength(0);
    expect((await raw(sim, '/api/v1/namespaces/default', { method: 'DELETE' })).status).toBe(403);
  });
});
