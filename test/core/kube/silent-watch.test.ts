// A watch whose connection stays open but carries nothing more (no event, no bookmark: a
// proxy that stopped forwarding) is noticed from the server's own bookmark pace and reopened,
// so a change made meanwhile still reaches the cache within a few bookmark intervals.
import { recordFigure } from '../../reliability/figures.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from '../cluster/harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  sim.faults.bookmarkIntervalMs = 200;
  side = await clusterSide(sim);
  await side.handlers.listDeployments({});
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

it('reopens a silent watch within a few bookmark intervals, not after 90 s', async () => {
  // Let the caches see a few bookmarks, so they know the pace.
  await new Promise((r) => setTimeout(r, 1000));
  sim.faults.silenceWatches();
  recordFigure('faults injected', 1);
  const started = Date.now();
  await side.ctx.kube.apps.createNamespacedDeployment({
    namespace: 'team-a',
    body: { metadata: { name: 'after-silence' }, spec: { selector: { matchLabels: { app: 'after-silence' } }, template: { metadata: { labels: { app: 'after-silence' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27.3' }] } } } },
  });
  await until('after-silence in the cache', async () => (await side.handlers.listDeployments({})).models.some((m) => m.name === 'after-silence'), 5_000);
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(side.log.lines.some((l) => /^\[CACHE\] deployments: watch silent for [\d.]+ s/.test(l))).toBe(true);
});
