// The renderer's live list (renderer/api/live.ts) fed by the real core: one snapshot, then
// the core's deploymentsChanged deltas applied in batches; a lost delta (a gap in seq) or
// another epoch (the core restarted) makes it read the snapshot again; what it holds always
// ends equal to the core's own answer. The simulated API server is the cluster.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentInfo, DeploymentsResult } from '../../preload/contract/index.ts';
import { liveDeployments, rowKey, type LiveDeployments } from '../../renderer/api/live.ts';
import { startKubeSim, type KubeSim } from '../sim/index.ts';
import { clusterSide } from '../core/cluster/harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
let apps: k8s.AppsV1Api;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  side = await clusterSide(sim);
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  apps = kc.makeApiClient(k8s.AppsV1Api);
}, 60_000);
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

const web = (name: string) => ({ metadata: { name }, spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } });
const keys = (m: Map<string, DeploymentInfo>) => [...m.keys()].sort();
const coreKeys = async () => (await side.handlers.listDeployments({})).models.map(rowKey).sort();

function follow(opts: { drop?: (seq: number) => boolean } = {}) {
  let fetches = 0;
  let rows = new Map<string, DeploymentInfo>();
  const live: LiveDeployments = liveDeployments({
    fetch: async () => {
      fetches++;
      return (await side.handlers.listDeployments({})) as DeploymentsResult;
    },
    // The core's own event bus; `drop` loses chosen deltas on the way, as a broken stream would.
    on: (event, listener) =>
      side.ctx.events.on(event as 'deploymentsChanged', (payload) => {
        if (event === 'deploymentsChanged' && opts.drop?.((payload as { seq: number }).seq)) return;
        listener(payload);
      }),
    onChange: (r) => (rows = r),
    onError: (err) => {
      throw err;
    },
    batchMs: 50,
  });
  return { live, rows: () => rows, fetches: () => fetches };
}

describe('the renderer live list on the real core', () => {
  it('applies deltas without reading the list again', async () => {
    const f = follow();
    try {
      await expect.poll(() => f.rows().size).toBeGreaterThan(0);
      expect(f.fetches()).toBe(1);
      await apps.createNamespacedDeployment({ namespace: 'team-a', body: web('live-a') });
      await expect.poll(() => f.rows().has('team-a/live-a'), { timeout: 5_000 }).toBe(true);
      await apps.deleteNamespacedDeployment({ namespace: 'team-a', name: 'live-a' });
      await expect.poll(() => f.rows().has('team-a/live-a'), { timeout: 5_000 }).toBe(false);
      expect(f.fetches()).toBe(1);
      expect(keys(f.rows())).toEqual(await coreKeys());
    } finally {
      f.live.stop();
    }
  });

  it('reads the snapshot again after a lost delta (a gap in seq), and ends equal to the core', async () => {
    let dropped = 0;
    // Lose the first delta after the snapshot.
    const f = follow({ drop: () => dropped++ === 0 });
    try {
      await expect.poll(() => f.rows().size).toBeGreaterThan(0);
      await apps.createNamespacedDeployment({ namespace: 'team-a', body: web('live-b') });
      await new Promise((r) => setTimeout(r, 600));
      await apps.createNamespacedDeployment({ namespace: 'team-a', body: web('live-c') });
      await expect.poll(() => f.rows().has('team-a/live-c'), { timeout: 5_000 }).toBe(true);
      expect(dropped).toBeGreaterThan(1);
      // The lost delta held live-b: only a new snapshot can have brought it.
      expect(f.rows().has('team-a/live-b')).toBe(true);
      expect(f.fetches()).toBe(2);
      expect(keys(f.rows())).toEqual(await coreKeys());
    } finally {
      f.live.stop();
    }
  });

  it('reads the snapshot again when a delta comes from another epoch (the core restarted)', async () => {
    const f = follow();
    try {
      await expect.poll(() => f.rows().size).toBeGreaterThan(0);
      const snap = await side.handlers.listDeployments({});
      side.ctx.events.emit('deploymentsChanged', { epoch: 'another-manager', seq: 1, upserts: [], deletes: [] });
      await expect.poll(() => f.fetches(), { timeout: 5_000 }).toBe(2);
      expect(keys(f.rows())).toEqual(snap.models.map(rowKey).sort());
    } finally {
      f.live.stop();
    }
  });
});
