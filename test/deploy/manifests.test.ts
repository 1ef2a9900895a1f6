// deploy/ as kustomize renders it (kubectl kustomize, read with client-node's YAML loader):
// every object the in-cluster server needs, wired together; and the server as the pod runs
// it answers to its Service's DNS names without --allow-host.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadAllYaml } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeOrder } from '../../main/core/ollama/client.ts';
import { weakToken } from '../../main/rest/security.ts';
import { serviceHostNames } from '../../main/rest/service-hosts.ts';
import { defaultSettings } from '../../preload/contract/index.ts';
import { call } from '../rest/helpers.ts';
import { startServe, type ServeProcess } from '../rest/serve-process.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
type Obj = { kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };

describe('deploy/ rendered by kustomize', () => {
  let objects: Obj[];
  beforeAll(async () => {
    const { stdout } = await promisify(execFile)('kubectl', ['kustomize', join(ROOT, 'deploy')]);
    objects = loadAllYaml(stdout) as Obj[];
  });
  const one = (kind: string) => {
    const found = objects.filter((o) => o.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };

  it('holds every object, in the model-hosting namespace', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Namespace', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount']);
    for (const o of objects.filter((o) => !['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))) expect(o.metadata.namespace, o.kind).toBe('model-hosting');
  });

  it('runs two replicas as the service account, probed on /api/health, with the token from the Secret', () => {
    const d = one('Deployment');
    expect(d.spec.replicas).toBe(2);
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe(one('ServiceAccount').metadata.name);
    const c = pod.containers[0];
    expect(c.readinessProbe.httpGet.path).toBe('/api/health');
    expect(c.livenessProbe.httpGet.path).toBe('/api/health');
    expect(c.args).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
    const token = c.env.find((e: { name: string }) => e.name === 'MODEL_MANAGER_TOKEN');
    expect(token.valueFrom.secretKeyRef.name).toBe(one('Secret').metadata.name);
    expect(c.env.find((e: { name: string }) => e.name === 'POD_NAMESPACE').valueFrom.fieldRef.fieldPath).toBe('metadata.namespace');
    expect(one('Service').spec.selector).toEqual(d.spec.template.metadata.labels);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('binds the roles to that service account; the cluster-wide role only reads', () => {
    const sa = one('ServiceAccount').metadata.name;
    for (const [binding, role] of [['RoleBinding', 'Role'], ['ClusterRoleBinding', 'ClusterRole']] as const) {
      const b = one(binding);
      expect(b.roleRef).toMatchObject({ kind: role, name: one(role).metadata.name });
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: 'model-hosting' }]);
    }
    const verbs = new Set((one('ClusterRole').rules as { verbs: string[] }[]).flatMap((r) => r.verbs));
    expect([...verbs].sort()).toEqual(['list', 'watch']);
  });

  it("ships a placeholder token the server refuses, so nobody serves the manifest's own", () => {
    expect(weakToken(one('Secret').stringData.token)).toBe(true);
  });
});

describe('in a pod', () => {
  it("answers to its Service's names (and only with POD_NAMESPACE known, the qualified ones)", () => {
    expect(serviceHostNames({})).toEqual([]);
    expect(serviceHostNames({ KUBERNETES_SERVICE_HOST: '10.0.0.1', POD_NAMESPACE: 'model-hosting' })).toEqual([
      'model-manager', 'model-manager.model-hosting', 'model-manager.model-hosting.svc', 'model-manager.model-hosting.svc.cluster.local',
    ]);
    expect(serviceHostNames({ KUBERNETES_SERVICE_HOST: '10.0.0.1', POD_NAMESPACE: 'x', MODEL_MANAGER_SERVICE_NAME: 'mm', CLUSTER_DOMAIN: 'corp.local' }).at(-1)).toBe('mm.x.svc.corp.local');
  });

  it('reaches Ollama by its in-cluster names first (the default order only)', () => {
    const pod = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
    expect(routeOrder(defaultSettings.ollamaRoutes, pod)).toEqual(['explicit', 'service-dns', 'service-proxy', 'port-forward', 'localhost']);
    expect(routeOrder(defaultSettings.ollamaRoutes, {})).toEqual(defaultSettings.ollamaRoutes);
    // An order the operator chose is kept as it is.
    expect(routeOrder(['port-forward', 'service-proxy'], pod)).toEqual(['port-forward', 'service-proxy']);
  });

  describe('the server started as the pod starts it', () => {
    let sim: SimCluster;
    let dir: string;
    let serve: ServeProcess;
    beforeAll(async () => {
      sim = await startSimCluster({ quiet: true });
      dir = mkdtempSync(join(tmpdir(), 'kmm-pod-'));
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, sim.kube.kubeconfig());
      serve = await startServe(['--host', '0.0.0.0', '--kubeconfig', kubeconfig, '--config-dir', join(dir, 'config')], {
        KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', POD_NAMESPACE: 'model-hosting', MODEL_MANAGER_TOKEN: 'pod-token-8d7f6e5c4b3a29180f1e2d3c',
      });
    });
    afterAll(async () => {
      await serve?.kill();
      await sim?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const port = () => serve.port;

    it('serves the Service names as Host, not others', async () => {
      for (const host of ['model-manager', 'model-manager.model-hosting', 'model-manager.model-hosting.svc:8080', 'model-manager.model-hosting.svc.cluster.local:8080', '10.244.3.7:8080']) {
        expect((await call(port(), { path: '/api/health', headers: { host } })).status, host).not.toBe(403);
      }
      for (const host of ['evil.example', 'model-manager.other-ns.svc', 'model-manager.model-hosting.svc.evil.example']) {
        expect((await call(port(), { path: '/api/health', headers: { host } })).status, host).toBe(403);
      }
    });
  });
});
