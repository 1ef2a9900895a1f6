import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/errors.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;

const deploymentBody = (name: string, namespace = 'team-a') => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'nginx:1.27.3' }] } } },
});
const listed = async (name: string) => (await side.handlers.listDeployments({})).models.some((m) => m.name === name);

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true, readyDelayMs: 50 });
  side = await clusterSide(sim);
  await side.handlers.listDeployments({});
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

describe('caches recover', () => {
  it('after the watches are dropped (network failure)', async () => {
    sim.faults.dropWatches();
    await side.ctx.kube.apps.createNamespacedDeployment({ namespace: 'team-a', body: deploymentBody('after-drop') });
    await until('after-drop in the cache', () => listed('after-drop'));
  });

  it('after the watches are ended gracefully (server-side timeout)', async () => {
    sim.faults.dropWatches({ graceful: true });
    await side.ctx.kube.apps.createNamespacedDeployment({ namespace: 'team-a', body: deploymentBody('after-graceful') });
    await until('after-graceful in the cache', () => listed('after-graceful'));
  });

  it('after 410 Gone: they list again', async () => {
    sim.faults.forceGone = true;
    sim.faults.dropWatches({ graceful: true });
    await side.ctx.kube.apps.createNamespacedDeployment({ namespace: 'team-a', body: deploymentBody('after-gone') });
    await until('after-gone in the cache', () => listed('after-gone'));
    sim.faults.forceGone = false;
    await side.ctx.kube.apps.deleteNamespacedDeployment({ name: 'after-gone', namespace: 'team-a' });
    await until('after-gone removed from the cache', async () => !(await listed('after-gone')));
    expect(side.log.lines.some((l) => l.includes('410 Gone'))).toBe(true);
  });
});

describe('API server stopped', () => {
  it('health turns unhealthy (503 body), reads serve the last cache, and all recovers after start()', async () => {
    expect((await side.handlers.health({})).status).toBe('healthy');
    const changes: string[] = [];
    const off = side.ctx.events.on('healthChanged', (h) => changes.push(h.status));
    await sim.stop();
    // Announced without anyone polling health.
    await until('healthChanged unhealthy', () => changes.includes('unhealthy'));
    const down = await until('unhealthy', async () => {
      const r = await side.handlers.health({});
      return r.status === 'unhealthy' ? r : undefined;
    });
    expect(down).toMatchObject({ status: 'unhealthy', kubernetes: 'disconnected' });
    expect(down.error).toMatch(/unreachable/);
    // Reads never wait on the API server once synced.
    expect((await side.handlers.gpuStatus({})).success).toBe(true);
    expect(await listed('after-drop')).toBe(true);
    // Writes fail with a clear 503.
    const err = await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'while-down', memory: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(503);

    await sim.start();
    await until('healthChanged healthy', () => changes.at(-1) === 'healthy');
    off();
    expect((await side.handlers.health({})).status).toBe('healthy');
    await side.ctx.kube.apps.createNamespacedDeployment({ namespace: 'team-a', body: deploymentBody('after-restart') });
    await until('after-restart in the cache', () => listed('after-restart'));
  });
});

describe('before the first sync', () => {
  it('fails reads with a clear 503 when the API server is unreachable, and health says disconnected', async () => {
    const other = await startKubeSim({ quiet: true });
    await other.stop();
    const cold = await clusterSide(other);
    try {
      const err = await cold.handlers.gpuStatus({}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(503);
      expect((err as AppError).message).toMatch(/Kubernetes API unreachable/);
      expect((await cold.handlers.health({})).status).toBe('unhealthy');
      // Once the server is there, the caches fill without a restart of the app.
      await other.start();
      await until('first sync', async () => (await cold.handlers.listDeployments({})).count > 0);
    } finally {
      await cold.close();
      await other.close();
    }
  });
});

describe('read-only token', () => {
  it('reads, and a deploy answers 403 naming the missing permission', async () => {
    const ro = await clusterSide(sim, { token: sim.readOnlyToken });
    try {
      expect((await ro.handlers.gpuStatus({})).success).toBe(true);
      const err = await ro.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'ro-try', memory: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(403);
      expect((err as AppError).message).toMatch(/cannot create resource "(persistentvolumeclaims|deployments)"/);
      expect((err as AppError).message).toMatch(/RBAC/);
      const del = await ro.handlers.deleteDeployment({ deployment_name: 'ollama' }).catch((e: unknown) => e);
      expect((del as AppError).status).toBe(403);
      expect((del as AppError).message).toMatch(/cannot delete resource "deployments"/);
    } finally {
      await ro.close();
    }
  });
});
