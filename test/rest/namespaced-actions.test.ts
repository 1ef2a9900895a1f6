// Deploy and delete over REST name their object in full (namespace and name): against the
// real core and the simulated cluster, read back with kubectl, an independent client.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentsResult } from '../../preload/contract/index.ts';
import { ManagerHost } from '../../main/core/host.ts';
import { silentLogger } from '../../main/core/log.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const TOKEN = 'namespaced-actions-token-7d3e';
const MODEL = 'qwen2.5:0.5b';

let sim: SimCluster;
let host: ManagerHost;
let server: RestServer;
let dir: string;
let kubeconfig: string;

async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { timeout: 20_000 });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The object as kubectl reads it, or null when the API server says NotFound. */
async function read(kind: string, namespace: string, name: string): Promise<any> {
  const r = await kubectl('get', kind, name, '-n', namespace, '-o', 'json');
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return null;
    throw new Error(`kubectl get ${kind} ${namespace}/${name}: ${r.stderr}`);
  }
  return JSON.parse(r.stdout);
}

/** Until a Deployment is gone (a background delete may take a moment to finalize). */
async function gone(namespace: string, name: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (!(await read('deployment', namespace, name))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`deployment ${namespace}/${name} is still there`);
}

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function listed(): Promise<DeploymentsResult> {
  const res = await fetch(`${server.url}/api/deployments`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return (await res.json()) as DeploymentsResult;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kmm-ns-actions-'));
  kubeconfig = join(dir, 'kubeconfig');
  sim = await startSimCluster({ quiet: true, kubeconfigPath: kubeconfig });
  const env: NodeJS.ProcessEnv = { ...process.env, MODEL_MANAGER_TOKEN: TOKEN };
  for (const key of ['KUBECONFIG', 'KUBERNETES_SERVICE_HOST', 'POD_NAMESPACE', 'OLLAMA_HOST']) delete env[key];
  host = await ManagerHost.start({ settings: fileSettings(join(dir, 'config')), env, log: silentLogger, stateDir: join(dir, 'state'), kubeconfigYaml: sim.kube.kubeconfig() });
  const live = host;
  server = await startRestServer({ host: '127.0.0.1', port: 0, getHandlers: () => live.handlers, events: live.events, token: TOKEN, log: silentLogger });
}, 30_000);

afterAll(async () => {
  await server?.close();
  await host?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(KUBECTL))('namespace and name over REST', { timeout: 30_000 }, () => {
  it('deletes only the chosen one of two same-named deployments; without a namespace, the app namespace', async () => {
    // The seed has team-a/jupyter (someone's notebook); a second jupyter in the app's namespace.
    const manifest = join(dir, 'jupyter.json');
    const labels = { app: 'jupyter' };
    writeFileSync(manifest, JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'jupyter', namespace: 'model-hosting', labels },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'nb', image: 'quay.io/jupyter/base-notebook:2024-12-09' }] } } },
    }));
    const made = await kubectl('create', '--validate=false', '-f', manifest);
    expect(made.code, made.stderr).toBe(0);
    expect(await read('deployment', 'team-a', 'jupyter')).not.toBeNull();

    const del = await post('/api/delete', { deployment_name: 'jupyter', namespace: 'team-a' });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body).toMatchObject({ success: true, deployment_name: 'jupyter', namespace: 'team-a' });
    expect(del.body.message).toContain('team-a/jupyter');
    await gone('team-a', 'jupyter');
    expect(await read('deployment', 'model-hosting', 'jupyter')).not.toBeNull();

    // The same name again in team-a: now missing there, 404 naming namespace/name, and model-hosting's stays.
    const again = await post('/api/delete', { deployment_name: 'jupyter', namespace: 'team-a' });
    expect(again.status).toBe(404);
    expect(again.body.error).toContain('team-a/jupyter');
    expect(again.body.field).toBe('deployment_name');
    expect(await read('deployment', 'model-hosting', 'jupyter')).not.toBeNull();

    // No namespace: the seed's meaning, the app's namespace.
    const seedStyle = await post('/api/delete', { deployment_name: 'jupyter' });
    expect(seedStyle.status, JSON.stringify(seedStyle.body)).toBe(200);
    expect(seedStyle.body.namespace).toBe('model-hosting');
    await gone('model-hosting', 'jupyter');
  });

  it('refuses system namespaces with a 400 naming the field, and leaves them alone', async () => {
    const del = await post('/api/delete', { deployment_name: 'coredns', namespace: 'kube-system' });
    expect(del.status).toBe(400);
    expect(del.body.field).toBe('namespace');
    expect(del.body.error).toMatch(/^namespace kube-system/);
    expect(await read('deployment', 'kube-system', 'coredns')).not.toBeNull();

    const dep = await post('/api/deploy', { model_id: MODEL, deployment_name: 'sneaky', memory: 4, namespace: 'kube-system' });
    expect(dep.status).toBe(400);
    expect(dep.body.field).toBe('namespace');
    expect(await read('deployment', 'kube-system', 'sneaky')).toBeNull();

    // The app's own deployments' names are refused too (the listing hides them, delete refuses them).
    const own = await post('/api/deploy', { model_id: MODEL, deployment_name: 'model-manager', memory: 4, namespace: 'team-a' });
    expect(own.status).toBe(400);
    expect(own.body.field).toBe('deployment_name');
    expect(own.body.error).toContain('team-a/model-manager');
    expect(await read('deployment', 'team-a', 'model-manager')).toBeNull();

    const bad = await post('/api/deploy', { model_id: MODEL, deployment_name: 'bad-ns', memory: 4, namespace: 'Team_A' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^namespace /);
  });

  it('deploys into another namespace: the Deployment and Service land there, are listed there and deleted there', async () => {
    const dep = await post('/api/deploy', { model_id: MODEL, deployment_name: 'qwen-tiny', memory: 4, namespace: 'team-a' });
    expect(dep.status, JSON.stringify(dep.body)).toBe(200);
    expect(dep.body).toMatchObject({ success: true, deployment_name: 'qwen-tiny', namespace: 'team-a', service: 'qwen-tiny.team-a.svc:11434' });
    expect(dep.body.message).toContain('team-a/qwen-tiny');

    const d = await read('deployment', 'team-a', 'qwen-tiny');
    expect(d?.metadata.labels['app.kubernetes.io/managed-by']).toBe('kubernetes-model-manager');
    const svc = await read('service', 'team-a', 'qwen-tiny');
    expect(svc?.spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(await read('deployment', 'model-hosting', 'qwen-tiny')).toBeNull();
    expect(await read('service', 'model-hosting', 'qwen-tiny')).toBeNull();

    // The same name in the app's namespace is a different object: allowed.
    const twin = await post('/api/deploy', { model_id: MODEL, deployment_name: 'qwen-tiny', memory: 4 });
    expect(twin.status, JSON.stringify(twin.body)).toBe(200);
    expect(twin.body.namespace).toBe('model-hosting');

    const end = Date.now() + 10_000;
    let rows: DeploymentsResult['models'] = [];
    while (Date.now() < end) {
      rows = (await listed()).models.filter((m) => m.name === 'qwen-tiny');
      if (rows.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows.map((m) => `${m.namespace}/${m.name}:${m.managed}`).sort()).toEqual(['model-hosting/qwen-tiny:true', 'team-a/qwen-tiny:true']);

    const del = await post('/api/delete', { deployment_name: 'qwen-tiny', namespace: 'team-a' });
    expect(del.status).toBe(200);
    await gone('team-a', 'qwen-tiny');
    expect(await read('service', 'team-a', 'qwen-tiny')).toBeNull();
    expect(await read('deployment', 'model-hosting', 'qwen-tiny')).not.toBeNull();
    expect(await read('service', 'model-hosting', 'qwen-tiny')).not.toBeNull();
  });

  it('refuses a namespace that does not exist with a message naming it, creating nothing', async () => {
    const dep = await post('/api/deploy', { model_id: MODEL, deployment_name: 'nowhere', memory: 4, namespace: 'no-such-ns' });
    expect(dep.status).toBe(400);
    expect(dep.body.field).toBe('namespace');
    expect(dep.body.error).toContain('no-such-ns');
  });

  it('still lists every non-system workload over REST, saying which are model servers', async () => {
    const all = await listed();
    const names = all.models.map((m) => `${m.namespace}/${m.name}`);
    expect(names).toEqual(expect.arrayContaining(['model-hosting/ollama', 'team-a/web', 'research/redis', 'research/finetune']));
    expect(names).not.toContain('kube-system/coredns');
    const by = (n: string) => all.models.find((m) => `${m.namespace}/${m.name}` === n);
    expect(by('model-hosting/ollama')?.model_server).toBe(true);
    expect(by('model-hosting/qwen-tiny')?.model_server).toBe(true);
    expect(by('team-a/web')?.model_server).toBe(false);
    expect(by('research/redis')?.model_server).toBe(false);
  });
});
