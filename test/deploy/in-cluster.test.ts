// The manager in the cluster, as deploy/ installs it: `kubectl apply -k deploy/` creates every
// object on the simulated cluster (validation on); the server started as the pod would be
// (the service account's token, CA and namespace at their fixed path, KUBERNETES_SERVICE_HOST
// and PORT, no kubeconfig) works with exactly the Role's and ClusterRole's permissions, and
// only those (RBAC enforced by the simulator as the API server's authorizer decides); two
// replicas count usage exactly once through the ConfigMap.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../rest/helpers.ts';
import { startServe, type ServeProcess } from '../rest/serve-process.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = 'in-cluster-token-1f2e3d4c5b6a79887766';
const NS = 'model-hosting';
const run = promisify(execFile);

let sim: SimCluster;
let dir: string;
let kubeconfig: string;
let saToken: string;
const replicas: ServeProcess[] = [];

async function startReplica(i: number): Promise<ServeProcess> {
  const p = await startServe(
    ['--host', '0.0.0.0', '--config-dir', join(dir, `replica-${i}`)],
    { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(sim.kube.port), POD_NAMESPACE: NS, MODEL_MANAGER_TOKEN: TOKEN, OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' },
    { serviceAccountDir: join(dir, 'serviceaccount') },
  );
  replicas.push(p);
  return p;
}
const api = (p: ServeProcess, path: string, method = 'GET', body?: unknown) =>
  call(p.port, { method, path, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'kmm-incluster-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sim.kube.kubeconfig());
  // As the operator installs it (kubectl validates against the server's OpenAPI).
  await run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-k', join(ROOT, 'deploy')]);
  // What the kubelet mounts in the pod: a token the API server issues for its service account.
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kube.kubeconfig());
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const req = await core.createNamespacedServiceAccountToken({ name: 'model-manager', namespace: NS, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const sa = join(dir, 'serviceaccount');
  await run('mkdir', ['-p', sa]);
  saToken = req.status!.token ?? '';
  writeFileSync(join(sa, 'token'), saToken);
  writeFileSync(join(sa, 'ca.crt'), sim.kube.caPem);
  writeFileSync(join(sa, 'namespace'), NS);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.kill()));
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the manager installed by deploy/', { timeout: 90_000 }, () => {
  it('kubectl apply -k deploy/ created every object', async () => {
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'serviceaccount/model-manager', 'role/model-manager', 'rolebinding/model-manager', 'secret/model-manager-token', 'deployment/model-manager', 'service/model-manager', '-n', NS, '-o', 'name']);
    expect(stdout.trim().split('\n').sort()).toEqual(['deployment.apps/model-manager', 'role.rbac.authorization.k8s.io/model-manager', 'rolebinding.rbac.authorization.k8s.io/model-manager', 'secret/model-manager-token', 'service/model-manager', 'serviceaccount/model-manager']);
    const cluster = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'clusterrole/model-manager-read', 'clusterrolebinding/model-manager-read', '-o', 'name']);
    expect(cluster.stdout.trim().split('\n')).toHaveLength(2);
    // The simulator's authorizer agrees with what the manifests grant.
    const asPod = join(dir, 'kubeconfig-sa');
    writeFileSync(asPod, sim.kube.kubeconfig({ token: saToken }));
    const can = async (...args: string[]) => (await run('kubectl', ['--kubeconfig', asPod, 'auth', 'can-i', ...args]).catch((e: { stdout: string }) => e)).stdout.trim();
    expect(await can('list', 'nodes')).toBe('yes');
    expect(await can('create', 'deployments', '-n', NS)).toBe('yes');
    expect(await can('create', 'deployments', '-n', 'team-a')).toBe('no');
    expect(await can('delete', 'nodes')).toBe('no');
  });

  it('runs as the pod runs, on the service account, and every feature works with exactly those permissions', async () => {
    const p = await startReplica(0);
    expect(p.output()).toMatch(/in-cluster service account/);
    let health = await api(p, '/api/health');
    for (let i = 0; i < 50 && health.json?.kubernetes !== 'connected'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await api(p, '/api/health');
    }
    expect(health.json).toMatchObject({ status: 'healthy', kubernetes: 'connected', namespace: NS });
    const gpu = await api(p, '/api/gpu/status');
    expect(gpu.status).toBe(200);
    expect(gpu.json.capacity_note).toBeUndefined(); // nodes may be listed: capacity is known
    expect(gpu.json.gpu_info.gpu_count).toBeGreaterThan(0);
    const list = await api(p, '/api/deployments');
    expect(list.json.scope).toBe('cluster');
    expect(list.json.models.map((m: { namespace: string }) => m.namespace)).toEqual(expect.arrayContaining(['team-a', NS]));
    expect((await api(p, '/api/ollama/models')).status).toBe(200);
    const deployed = await api(p, '/api/deploy', 'POST', { model_id: 'qwen2.5:0.5b', deployment_name: 'rbac-qwen', memory: 4 });
    expect(deployed.status, JSON.stringify(deployed.json)).toBe(200);
    expect((await api(p, '/api/deployments/scale', 'POST', { namespace: NS, name: 'rbac-qwen', replicas: 0 })).status).toBe(200);
    expect((await api(p, '/api/usage/track', 'POST', { model: 'qwen2.5:0.5b' })).status).toBe(200);
    expect((await api(p, '/api/usage/ranking')).status).toBe(200);
    const deleted = await api(p, '/api/delete', 'POST', { deployment_name: 'rbac-qwen' });
    expect(deleted.status, JSON.stringify(deleted.json)).toBe(200);
    // ... and nothing beyond them: another namespace is not its to change.
    const elsewhere = await api(p, '/api/deploy', 'POST', { model_id: 'qwen2.5:0.5b', deployment_name: 'not-mine', memory: 4, namespace: 'team-a' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json.error).toMatch(/forbid/i);
  });

  it('two replicas count usage exactly once through the ConfigMap', async () => {
    const [a, b] = [replicas[0] ?? (await startReplica(0)), await startReplica(1)];
    const before = await api(a!, '/api/usage/ranking');
    const start = (before.json.models as { model: string; count: number }[]).find((m) => m.model === 'phi3:mini')?.count ?? 0;
    const sends = Array.from({ length: 60 }, (_, i) => api(i % 2 ? a! : b!, '/api/usage/track', 'POST', { model: 'phi3:mini' }));
    const answers = await Promise.all(sends);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kube.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const end = Date.now() + 10_000;
    let count = -1;
    while (Date.now() < end) {
      const cm = await core.readNamespacedConfigMap({ name: 'model-usage-stats', namespace: NS });
      count = (JSON.parse(cm.data?.['usage.json'] ?? '{}') as Record<string, number>)['phi3:mini'] ?? 0;
      if (count === start + 60) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(start + 60);
  });
});
