// During an outage the caches still answer (the last known state), and say so: stale, and
// since when. Once the watches are back, the mark goes.
import { recordFigure } from '../../reliability/figures.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  side = await clusterSide(sim);
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

it('marks answers served from the caches during an outage as stale since the watches closed, and unmarks them after', async () => {
  const live = await side.handlers.listDeployments({});
  expect(live.stale).toBeUndefined();
  expect((await side.handlers.gpuStatus({})).stale).toBeUndefined();

  const before = Date.now();
  await sim.stop();
  recordFigure('faults injected', 1);
  const down = await until('stale deployments', async () => {
    const r = await side.handlers.listDeployments({});
    return r.stale ? r : undefined;
  });
  expect(down.models.length).toBe(live.models.length); // the last known list, not an error
  // The last moment the data was known current: the watch closing at the stop, or a list
  // whose watch had not reopened yet (a reopen is routine), so shortly before the stop.
  const since = Date.parse(down.stale_since!);
  expect(since).toBeGreaterThan(before - 3_000);
  expect(since).toBeLessThanOrEqual(Date.now());
  const gpu = await side.handlers.gpuStatus({});
  expect(gpu).toMatchObject({ success: true, stale: true, stale_since: expect.any(String) });

  await sim.start();
  side.ctx.kube.markConnected();
  await until('live again', async () => !(await side.handlers.listDeployments({})).stale && !(await side.handlers.gpuStatus({})).stale, 15_000);
});
