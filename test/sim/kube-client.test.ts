// The Kubernetes simulator driven by @kubernetes/client-node through a generated kubeconfig:
// lists, informer, create/replace/patch/delete, Status errors, pagination, auth, port-forward.
import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { eventually, raw } from './kube/testing.ts';

let sim: KubeSim;
let backend: Server; // a stand-in for the Ollama simulator: answers /api/version
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

function statusOf(e: unknown): { code: number; body: any } {
  const err = e as { code?: number; body?: string };
  return { code: err.code ?? -1, body: typeof err.body === 'string' ? JSON.parse(err.body) : err.body };
}

async function rejects(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (e) {
    return statusOf(e);
  }
  throw new Error('expected the call to fail');
}

function deployment(name: string, image = 'nginx:1.27.3', replicas = 1): k8s.V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
    },
  };
}

beforeAll(async () => {
  backend = createServer((req, res) => {
    if (req.url === '/api/version') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"version":"0.12.0"}');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as { port: number }).port;
  sim = await startKubeSim({ ollamaUrl: `http://127.0.0.1:${port}`, readyDelayMs: 50, quiet: true });
  kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});

afterAll(async () => {
  await sim?.close();
  backend?.close();
});

describe('client-node against the simulator', () => {
  test('kubeconfig: context sim, namespace model-hosting, inline CA', () => {
    expect(kc.getCurrentContext()).toBe('sim');
    expect(kc.getContextObject('sim')?.namespace).toBe('model-hosting');
    expect(kc.getCurrentCluster()?.caData).toBe(Buffer.from(sim.caPem).toString('base64'));
  });

  test('nodes carry GPU Feature Discovery labels and GPU capacity', async () => {
    const nodes = await core.listNode();
    expect(nodes.kind).toBe('NodeList');
    expect(nodes.metadata?.resourceVersion).toMatch(/^\d+$/);
    const byName = new Map(nodes.items.map((n) => [n.metadata!.name!, n]));
    const h100 = byName.get('gpu-h100-01')!;
    expect(h100.metadata!.labels!['nvidia.com/gpu.product']).toBe('NVIDIA-H100-80GB-HBM3');
    expect(h100.metadata!.labels!['nvidia.com/gpu.memory']).toBe('81559');
    expect(h100.status!.allocatable!['nvidia.com/gpu']).toBe('1');
    const vgpu = byName.get('gpu-h100l-vgpu-01')!;
    expect(vgpu.metadata!.labels!['nvidia.com/vgpu.present']).toBe('true');
    expect(vgpu.metadata!.labels!['nvidia.com/gpu.sharing-strategy']).toBe('time-slicing');
    expect(Number(vgpu.status!.capacity!['nvidia.com/gpu'])).toBe(
      Number(vgpu.metadata!.labels!['nvidia.com/gpu.count']) * Number(vgpu.metadata!.labels!['nvidia.com/gpu.replicas']));
    expect(byName.get('gpu-a100-mig-01')!.metadata!.labels!['nvidia.com/mig.strategy']).toBe('single');
    expect(byName.get('gpu-a100-mixed-01')!.status!.capacity!['nvidia.com/mig-1g.10gb']).toBe('4');
    const t4 = byName.get('gpu-t4-01')!;
    expect(t4.metadata!.labels!['nvidia.com/gpu.product']).toBe('Tesla-T4');
    expect(t4.metadata!.labels!['nvidia.com/gpu.memory']).toBeUndefined();
    expect(byName.get('cpu-01')!.status!.capacity!['nvidia.com/gpu']).toBeUndefined();
    expect(h100.status!.conditions!.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(h100.status!.nodeInfo!.kubeletVersion).toMatch(/^v1\./);
  });

  test('the seeded ollama deployment is ready, its pod runs on the H100 with one GPU', async () => {
    const d = await apps.readNamespacedDeployment({ name: 'ollama', namespace: 'model-hosting' });
    expect(d.status?.readyReplicas).toBe(1);
    expect(d.metadata?.generation).toBe(1);
    const pods = await core.listNamespacedPod({ namespace: 'model-hosting', labelSelector: 'app=ollama' });
    expect(pods.items).toHaveLength(1);
    const pod = pods.items[0]!;
    expect(pod.metadata!.name).toMatch(/^ollama-[a-z0-9]+-[a-z0-9]{5}$/);
    expect(pod.status!.phase).toBe('Running');
    expect(pod.spec!.nodeName).toBe('gpu-h100-01');
    expect(pod.spec!.containers[0]!.resources!.requests!['nvidia.com/gpu']).toBe('1');
    expect(pod.metadata!.ownerReferences![0]!.kind).toBe('ReplicaSet');
    const svc = await core.readNamespacedService({ name: 'ollama-service', namespace: 'model-hosting' });
    expect(svc.spec!.ports![0]!.port).toBe(11434);
    expect(svc.spec!.selector).toEqual({ app: 'ollama' });
  });

  test('deployments across namespaces and in one; label and field selectors', async () => {
    const all = await apps.listDeploymentForAllNamespaces();
    expect(all.kind).toBe('DeploymentList');
    const namespaces = new Set(all.items.map((d) => d.metadata!.namespace));
    expect(namespaces).toEqual(new Set(['kube-system', 'model-hosting', 'team-a', 'research']));
    const teamA = await apps.listNamespacedDeployment({ namespace: 'team-a' });
    expect(teamA.items.map((d) => d.metadata!.name).sort()).toEqual(['jupyter', 'web']);
    const notWeb = await core.listPodForAllNamespaces({ labelSelector: 'app in (web,redis),app!=redis' });
    expect(notWeb.items.every((p) => p.metadata!.labels!.app === 'web')).toBe(true);
    expect(notWeb.items).toHaveLength(2);
    const onH100 = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=gpu-h100-01,status.phase=Running' });
    expect(onH100.items.map((p) => p.metadata!.labels!.app)).toEqual(['ollama']);
    const byName = await core.listNamespace({ fieldSelector: 'metadata.name=model-hosting' });
    expect(byName.items).toHaveLength(1);
    const bad = await rejects(core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' }));
    expect(bad.code).toBe(400);
  });

  test('create, read, conflict on a stale replace, merge patch, delete; Status bodies', async () => {
    const ns = 'model-hosting';
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'usage' }, data: { a: '1' } } });
    expect(created.metadata!.uid).toBeTruthy();
    expect(created.metadata!.creationTimestamp).toBeTruthy();
    const rv1 = Number(created.metadata!.resourceVersion);
    const again = await rejects(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'usage' } } }));
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', code: 409,
      message: 'configmaps "usage" already exists', details: { name: 'usage', kind: 'configmaps' } });

    const updated = await core.replaceNamespacedConfigMap({ name: 'usage', namespace: ns, body: { ...created, data: { a: '2' } } });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(rv1);
    const stale = await rejects(core.replaceNamespacedConfigMap({ name: 'usage', namespace: ns, body: { ...created, data: { a: '3' } } }));
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409,
      message: 'Operation cannot be fulfilled on configmaps "usage": the object has been modified; please apply your changes to the latest version and try again' });

    const patched = await core.patchNamespacedConfigMap(
      { name: 'usage', namespace: ns, body: { data: { b: 'x', a: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ b: 'x' });

    await core.deleteNamespacedConfigMap({ name: 'usage', namespace: ns });
    const gone = await rejects(core.readNamespacedConfigMap({ name: 'usage', namespace: ns }));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404,
      message: 'configmaps "usage" not found', details: { name: 'usage', kind: 'configmaps' } });
    const dep404 = await rejects(apps.readNamespacedDeployment({ name: 'nope', namespace: ns }));
    expect(dep404.body.message).toBe('deployments.apps "nope" not found');
    expect(dep404.body.details).toEqual({ name: 'nope', group: 'apps', kind: 'deployments' });
  });

  test('invalid names are 422 Invalid; a missing namespace is 404', async () => {
    const bad = await rejects(apps.createNamespacedDeployment({ namespace: 'team-a', body: deployment('Bad_Name') }));
    expect(bad.code).toBe(422);
    expect(bad.body.reason).toBe('Invalid');
    expect(bad.body.message).toMatch(/^Deployment\.apps "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const badNs = await rejects(core.createNamespace({ body: { metadata: { name: 'has.dot' } } }));
    expect(badNs.code).toBe(422);
    const noNs = await rejects(apps.createNamespacedDeployment({ namespace: 'nowhere', body: deployment('x') }));
    expect(noNs.code).toBe(404);
    expect(noNs.body.message).toBe('namespaces "nowhere" not found');
    const created = await core.createNamespace({ body: { metadata: { name: 'scratch' } } });
    expect(created.status?.phase).toBe('Active');
    expect((await core.readNamespace({ name: 'scratch' })).metadata!.labels!['kubernetes.io/metadata.name']).toBe('scratch');
  });

  test('pagination with limit and continue across several pages', async () => {
    for (let i = 0; i < 12; i++) {
      await core.createNamespacedConfigMap({ namespace: 'research', body: { metadata: { name: `page-${String(i).padStart(2, '0')}`, labels: { paged: 'yes' } } } });
    }
    const names: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    do {
      const page = await core.listConfigMapForAllNamespaces({ limit: 5, _continue: cont, labelSelector: 'paged=yes' });
      expect(page.items.length).toBeLessThanOrEqual(5);
      names.push(...page.items.map((c) => c.metadata!.name!));
      cont = page.metadata?._continue;
      pages++;
    } while (cont);
    expect(pages).toBe(3);
    expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
    const first = await core.listConfigMapForAllNamespaces({ limit: 2 });
    expect(first.metadata?.remainingItemCount).toBeGreaterThan(0);
  });

  test('an informer receives add, update and delete', async () => {
    const ns = 'team-a';
    const informer = k8s.makeInformer(kc, `/apis/apps/v1/namespaces/${ns}/deployments`,
      () => apps.listNamespacedDeployment({ namespace: ns }));
    const seen: string[] = [];
    informer.on('add', (d) => seen.push(`add ${d.metadata!.name}`));
    informer.on('update', (d) => seen.push(`update ${d.metadata!.name} ${d.spec!.replicas}`));
    informer.on('delete', (d) => seen.push(`delete ${d.metadata!.name}`));
    await informer.start();
    try {
      await eventually(() => seen.filter((s) => s.startsWith('add')).length, (n) => n === 2);
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment('watched') });
      await eventually(() => seen, (s) => s.includes('add watched'));
      await apps.patchNamespacedDeployment(
        { name: 'watched', namespace: ns, body: { spec: { replicas: 2 } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually(() => seen, (s) => s.includes('update watched 2'));
      await apps.deleteNamespacedDeployment({ name: 'watched', namespace: ns });
      await eventually(() => seen, (s) => s.includes('delete watched'));
    } finally {
      await informer.stop();
    }
  });

  test('401 without a valid token, 403 for writes with the read-only token', async () => {
    const bad = new k8s.KubeConfig();
    bad.loadFromString(sim.kubeconfig({ token: 'wrong' }));
    const e401 = await rejects(bad.makeApiClient(k8s.CoreV1Api).listNode());
    expect(e401.code).toBe(401);
    // client-node drops 401 bodies; read the Status raw.
    const rawBad = await raw(sim, '/api/v1/nodes', { token: 'wrong' });
    expect(rawBad.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await raw(sim, '/api/v1/nodes', { token: null })).status).toBe(401);
    expect((await raw(sim, '/version', { token: null })).status).toBe(200);

    const ro = new k8s.KubeConfig();
    ro.loadFromString(sim.kubeconfig({ token: sim.readOnlyToken }));
    const roApps = ro.makeApiClient(k8s.AppsV1Api);
    expect((await roApps.listNamespacedDeployment({ namespace: 'model-hosting' })).items.length).toBe(1);
    const e403 = await rejects(roApps.createNamespacedDeployment({ namespace: 'model-hosting', body: deployment('nope') }));
    expect(e403.code).toBe(403);
    expect(e403.body.reason).toBe('Forbidden');
    expect(e403.body.message).toBe(
      'deployments.apps is forbidden: User "system:serviceaccount:model-hosting:viewer" cannot create resource "deployments" in API group "apps" in the namespace "model-hosting"');
    const del = await rejects(roApps.deleteNamespacedDeployment({ name: 'ollama', namespace: 'model-hosting' }));
    expect(del.code).toBe(403);
    expect(del.body.message).toContain('deployments.apps "ollama" is forbidden');
  });

  test('PortForward to the ollama pod reaches the backend', async () => {
    const pods = await core.listNamespacedPod({ namespace: 'model-hosting', labelSelector: 'app=ollama' });
    const pod = pods.items[0]!.metadata!.name!;
    const pf = new k8s.PortForward(kc);
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let received = '';
    output.on('data', (d: Buffer) => (received += d.toString()));
    let errText = '';
    errors.on('data', (d: Buffer) => (errText += d.toString()));
    const ws = (await pf.portForward('model-hosting', pod, [11434], output, errors, input)) as { close(): void; protocol: string };
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    input.write('GET /api/version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await eventually(() => received, (r) => r.includes('"version"'));
    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(received).toContain('{"version":"0.12.0"}');
    expect(errText).toBe('');
    ws.close();
  });

  test('PortForward to a pod with nothing listening reports on the error channel', async () => {
    const pods = await core.listNamespacedPod({ namespace: 'team-a', labelSelector: 'app=web' });
    const pf = new k8s.PortForward(kc);
    const errors = new PassThrough();
    let errText = '';
    errors.on('data', (d: Buffer) => (errText += d.toString()));
    await pf.portForward('team-a', pods.items[0]!.metadata!.name!, [80], new PassThrough(), errors, new PassThrough());
    await eventually(() => errText, (t) => t.includes('connection refused'));
  });
});
