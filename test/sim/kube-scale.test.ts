// Scale: 500 extra nodes, 200 namespaces, 5,000 deployments and 20,000 pods start in a
// few seconds and list page by page with client-node.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from './kube/server.ts';

let sim: KubeSim;
let startMs = 0;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

beforeAll(async () => {
  const t0 = performance.now();
  sim = await startKubeSim({ nodes: 500, namespaces: 200, deployments: 5000, pods: 20000, quiet: true });
  startMs = performance.now() - t0;
  console.log(`[SIM] scale start: ${Math.round(startMs)} ms`);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
}, 60_000);
afterAll(async () => {
  await sim?.close();
});

describe('scale', () => {
  test('starts in a few seconds', () => {
    // Measured about 2 s on a shared 2-core machine; the bound leaves room for a busy one.
    expect(startMs).toBeLessThan(15_000);
  });

  test('20,000+ pods list in pages of 500', async () => {
    const t0 = performance.now();
    const names = new Set<string>();
    let cont: string | undefined;
    let pages = 0;
    let rv: string | undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 500, _continue: cont });
      rv ??= page.metadata?.resourceVersion;
      expect(page.items.length).toBeLessThanOrEqual(500);
      for (const p of page.items) names.add(`${p.metadata!.namespace}/${p.metadata!.name}`);
      cont = page.metadata?._continue;
      pages++;
    } while (cont);
    const ms = performance.now() - t0;
    console.log(`[SIM] listed ${names.size} pods in ${pages} pages in ${Math.round(ms)} ms`);
    expect(names.size).toBeGreaterThanOrEqual(20_000);
    expect(pages).toBe(Math.ceil(names.size / 500));
    expect(ms).toBeLessThan(30_000);
  }, 60_000);

  test('nodes, namespaces and deployments are all there; a namespace lists alone', async () => {
    expect((await core.listNode()).items.length).toBe(506);
    expect((await core.listNamespace({ limit: 1000 })).items.length).toBe(207);
    const first = await apps.listDeploymentForAllNamespaces({ limit: 500 });
    expect(first.items).toHaveLength(500);
    expect(first.metadata?.remainingItemCount).toBe(5006 - 500);
    const one = await core.listNamespacedPod({ namespace: 'ns-0001' });
    expect(one.items.length).toBe(100);
    expect(one.items.every((p) => p.metadata!.namespace === 'ns-0001' && p.status!.phase === 'Running')).toBe(true);
  });
});
