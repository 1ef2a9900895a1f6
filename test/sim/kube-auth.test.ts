// The simulator's other ways in: client certificates signed by its CA (CN = user, O = groups),
// an exec credential plugin, and a token confined to one namespace; through client-node
// and, where it is installed, kubectl.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { makeSimPki } from './kube/pki.ts';
import { resourceFor } from './kube/resources.ts';
import type { KubeconfigOptions } from './kube/kubeconfig.ts';

let sim: KubeSim;
const dir = mkdtempSync(join(tmpdir(), 'kube-auth-'));

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

function apis(o: KubeconfigOptions) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig(o));
  return { kc, core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
}

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code ?? -1, message: (body as { message?: string })?.message ?? '' };
  }
  throw new Error('expected the call to fail');
}

const cm = (name: string) => ({ metadata: { name }, data: { a: '1' } });

describe('client certificates', () => {
  test('the kubeconfig carries client-certificate-data and client-key-data, no token', () => {
    const yaml = sim.kubeconfig({ auth: 'client-cert' });
    expect(yaml).toContain('client-certificate-data:');
    expect(yaml).toContain('client-key-data:');
    expect(yaml).not.toContain('token:');
    const kc = new k8s.KubeConfig();
    kc.loadFromString(yaml);
    expect(Buffer.from(kc.getCurrentUser()!.certData!, 'base64').toString()).toBe(sim.clientCerts.admin.certPem);
  });

  test('the admin certificate (O=system:masters) lists nodes and creates', async () => {
    const { core } = apis({ auth: 'client-cert' });
    expect((await core.listNode()).items.length).toBeGreaterThan(0);
    await core.createNamespacedConfigMap({ namespace: 'model-hosting', body: cm('by-cert') });
    expect((await core.readNamespacedConfigMap({ name: 'by-cert', namespace: 'model-hosting' })).data).toEqual({ a: '1' });
  });

  test('a viewer certificate reads but may not write, named by its CN', async () => {
    const { core } = apis({ auth: 'client-cert', clientCert: sim.clientCerts.viewer });
    expect((await core.listNamespacedPod({ namespace: 'model-hosting' })).items.length).toBeGreaterThan(0);
    const f = await failure(core.createNamespacedConfigMap({ namespace: 'model-hosting', body: cm('by-viewer') }));
    expect(f.code).toBe(403);
    expect(f.message).toBe('configmaps is forbidden: User "sim-viewer" cannot create resource "configmaps" in API group "" in the namespace "model-hosting"');
  });

  test('a certificate another CA signed is refused with 401', async () => {
    const other = await makeSimPki();
    const { core } = apis({ auth: 'client-cert', clientCert: await other.issueClient('intruder', ['system:masters']) });
    expect((await failure(core.listNode())).code).toBe(401);
  });
});

describe('exec plugin', () => {
  test('the kubeconfig has a client.authentication.k8s.io/v1 exec stanza running node on the script', () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig({ auth: 'exec' }));
    const exec = kc.getCurrentUser()!.exec as { apiVersion: string; command: string; args: string[] };
    expect(exec.apiVersion).toBe('client.authentication.k8s.io/v1');
    expect(exec.command).toBe('node');
    expect(exec.args).toEqual([sim.execScript]);
    expect(kc.getCurrentUser()!.token).toBeUndefined();
  });

  test('client-node runs the plugin and its token has full access; the count file sees the runs', async () => {
    const count = join(dir, 'exec-count');
    writeFileSync(count, '');
    const { core } = apis({ auth: 'exec', execCommand: process.execPath, execCountFile: count });
    expect((await core.listNode()).items.length).toBeGreaterThan(0);
    await core.createNamespacedConfigMap({ namespace: 'model-hosting', body: cm('by-exec') });
    expect(readFileSync(count, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(1);
  });

  test('a plugin that prints a wrong token gets 401', async () => {
    const { core } = apis({ auth: 'exec', execCommand: process.execPath, token: 'not-a-token' });
    expect((await failure(core.listNode())).code).toBe(401);
  });
});

describe('a token confined to model-hosting', () => {
  test('may do everything in model-hosting', async () => {
    const { core, apps } = apis({ token: sim.namespacedToken });
    expect((await apps.listNamespacedDeployment({ namespace: 'model-hosting' })).items.length).toBeGreaterThan(0);
    await core.createNamespacedConfigMap({ namespace: 'model-hosting', body: cm('by-operator') });
    await core.deleteNamespacedConfigMap({ name: 'by-operator', namespace: 'model-hosting' });
  });

  test('may not list nodes, nor pods or deployments across namespaces, nor touch another namespace', async () => {
    const { core, apps } = apis({ token: sim.namespacedToken });
    const user = 'system:serviceaccount:model-hosting:operator';
    expect(await failure(core.listNode())).toEqual({ code: 403, message: `nodes is forbidden: User "${user}" cannot list resource "nodes" in API group "" at the cluster scope` });
    expect(await failure(core.listPodForAllNamespaces())).toEqual({ code: 403, message: `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" at the cluster scope` });
    expect(await failure(apps.listDeploymentForAllNamespaces())).toEqual({
      code: 403,
      message: `deployments.apps is forbidden: User "${user}" cannot list resource "deployments" in API group "apps" at the cluster scope`,
    });
    expect((await failure(core.listNamespacedPod({ namespace: 'default' }))).code).toBe(403);
  });
});

function findKubectl(): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) {
    try {
      accessSync(join(d, 'kubectl'), constants.X_OK);
      return join(d, 'kubectl');
    } catch {
      // not here
    }
  }
  return undefined;
}
const kubectl = findKubectl();

describe.skipIf(!kubectl)('kubectl, an independent client', () => {
  const run = promisify(execFile);
  test('accepts the client-certificate kubeconfig and the exec one', async () => {
    for (const [name, o] of [['cert', { auth: 'client-cert' }], ['exec', { auth: 'exec', execCommand: process.execPath }]] as const) {
      const path = join(dir, `kubeconfig-${name}`);
      sim.writeKubeconfig(path, o);
      const { stdout } = await run(kubectl!, ['--kubeconfig', path, 'get', 'nodes', '-o', 'name']);
      expect(stdout.trim().split('\n').every((l) => l.startsWith('node/'))).toBe(true);
      expect(stdout.trim().split('\n').length).toBe(sim.store.count(resourceFor('nodes')));
    }
  });
});
