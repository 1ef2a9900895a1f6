// scaleDeployment and restartDeployment on the simulated API server: the Deployment read
// back has the replicas asked for, or the restartedAt annotation kubectl writes; a missing
// deployment is a 404 naming namespace/name; system namespaces are refused before any call.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESTARTED_AT } from '../../../main/core/cluster/scale.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide } from './harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
let apps: k8s.AppsV1Api;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  side = await clusterSide(sim);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig({ namespace: 'team-a' }));
  apps = kc.makeApiClient(k8s.AppsV1Api);
}, 60_000);
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

describe('scale and restart a deployment by namespace/name', () => {
  it('scales team-a/web to 3 and back to 0, saying what it was', async () => {
    const before = (await apps.readNamespacedDeployment({ namespace: 'team-a', name: 'web' })).spec?.replicas ?? 1;
    const up = await side.handlers.scaleDeployment({ namespace: 'team-a', name: 'web', replicas: 3 });
    expect(up).toMatchObject({ success: true, namespace: 'team-a', name: 'web', replicas: 3, previous_replicas: before });
    expect(up.message).toContain('team-a/web');
    expect((await apps.readNamespacedDeployment({ namespace: 'team-a', name: 'web' })).spec?.replicas).toBe(3);
    await side.handlers.scaleDeployment({ namespace: 'team-a', name: 'web', replicas: 0 });
    expect((await apps.readNamespacedDeployment({ namespace: 'team-a', name: 'web' })).spec?.replicas).toBe(0);
  });

  it('restarts with the pod template annotation kubectl rollout restart writes, changing the template', async () => {
    const before = await apps.readNamespacedDeployment({ namespace: 'team-a', name: 'jupyter' });
    const r = await side.handlers.restartDeployment({ namespace: 'team-a', name: 'jupyter' });
    expect(r).toMatchObject({ success: true, namespace: 'team-a', name: 'jupyter' });
    const after = await apps.readNamespacedDeployment({ namespace: 'team-a', name: 'jupyter' });
    expect(after.spec?.template.metadata?.annotations?.[RESTARTED_AT]).toBe(r.restarted_at);
    expect(Date.parse(r.restarted_at)).toBeGreaterThan(Date.now() - 60_000);
    // The rest of the template stays (a merge patch, not a replace).
    expect(after.spec?.template.spec?.containers.map((c) => c.image)).toEqual(before.spec?.template.spec?.containers.map((c) => c.image));
  });

  it('answers 404 naming namespace/name for a deployment that is not there, and refuses system namespaces', async () => {
    await expect(side.handlers.scaleDeployment({ namespace: 'team-a', name: 'nope', replicas: 1 })).rejects.toMatchObject({ status: 404, message: 'deployment team-a/nope not found' });
    await expect(side.handlers.restartDeployment({ namespace: 'team-b', name: 'nope' })).rejects.toMatchObject({ status: 404, message: 'deployment team-b/nope not found' });
    await expect(side.handlers.scaleDeployment({ namespace: 'kube-system', name: 'coredns', replicas: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(side.handlers.restartDeployment({ namespace: 'kube-system', name: 'coredns' })).rejects.toMatchObject({ status: 400 });
  });
});
