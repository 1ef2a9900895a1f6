// Many rounds of trouble for three tracker processes counting into one ConfigMap: each round
// one process is killed with SIGKILL at a random moment and started again on its state, and
// the API server goes away for a while and comes back, as increments keep coming. At the end
// the ConfigMap holds exactly the answered increments (plus, per kill, at most the one that
// was durable but unanswered, which that process's journal shows), and its hour and day
// buckets (history.json) sum to exactly the same per model.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONFIGMAP_NAME } from '../../../main/core/usage/configmap.ts';
import { recordFigure } from '../../reliability/figures.ts';
import { startKubeSim, type KubeSim } from '../../sim/kube/server.ts';
import { testContext, tempDir } from './context.ts';
import { durableSeqs, pendingInJournal, sendFor, startTracker, total, type Tracker } from './trackers.ts';

const ROUNDS = 4;
let sim: KubeSim;
let kubeconfig: string;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  kubeconfig = path.join(tempDir('kmm-rounds-'), 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await sim?.close();
});

it(`${ROUNDS} rounds of SIGKILL and API outages: the ConfigMap has exactly the answered increments`, async () => {
  const dirs = [tempDir('kmm-r0-'), tempDir('kmm-r1-'), tempDir('kmm-r2-')];
  const trackers: Tracker[] = dirs.map((d) => startTracker(kubeconfig, d));
  await Promise.all(trackers.map((t) => t.ready));
  // Per state folder: increments made durable but never answered (the one in hand at a kill).
  const unansweredDurable = new Map<string, Map<string, number>>(dirs.map((d) => [d, new Map()]));
  let kills = 0;
  let outages = 0;

  for (let round = 0; round < ROUNDS; round++) {
    await sendFor(trackers, 100 + Math.random() * 400);
    // The API server goes; increments are still answered (journalled), written once it is back.
    await sim.stop();
    outages++;
    await sendFor(trackers, 200 + Math.random() * 500);
    const victim = Math.floor(Math.random() * trackers.length);
    const old = trackers[victim]!;
    old.child.kill('SIGKILL');
    await old.exited;
    kills++;
    const extras = unansweredDurable.get(old.stateDir)!;
    const extra = durableSeqs(old.stateDir, sim.url) - total(old.acked) - total(extras);
    expect(extra === 0 || extra === 1, `round ${round}: ${extra} durable but unanswered`).toBe(true);
    if (extra === 1) extras.set(old.inFlight[0]!, (extras.get(old.inFlight[0]!) ?? 0) + 1);
    await sim.start();
    trackers[victim] = startTracker(kubeconfig, old.stateDir, old.acked);
    await trackers[victim]!.ready;
  }
  await sendFor(trackers, 300);

  for (const t of trackers) t.child.stdin!.end();
  expect(await Promise.all(trackers.map((t) => t.exited))).toEqual([0, 0, 0]);
  for (const t of trackers) expect(t.problem).toBeNull();

  const expected = new Map<string, number>();
  const add = (m: Map<string, number>) => m.forEach((n, model) => expected.set(model, (expected.get(model) ?? 0) + n));
  for (const t of trackers) add(t.acked);
  for (const m of unansweredDurable.values()) add(m);
  const ctx = testContext({ kubeconfig });
  const cm = await ctx.kube.core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: ctx.kube.namespace });
  const counts = JSON.parse(cm.data?.['usage.json'] ?? '{}') as Record<string, number>;
  recordFigure('usage increments acknowledged', total(expected));
  recordFigure('usage increments found in the ConfigMap', Object.values(counts).reduce((a, b) => a + b, 0));
  recordFigure('usage processes killed with SIGKILL', kills);
  recordFigure('faults injected', outages);
  expect(total(expected)).toBeGreaterThan(200);
  expect(counts).toEqual(Object.fromEntries(expected));
  // The time buckets are written in the same update as the counts: exactly as many, per model,
  // by hour and by day (all these uses are within both windows).
  const history = JSON.parse(cm.data?.['history.json'] ?? '{}') as Record<string, { h: Record<string, number>; d: Record<string, number> }>;
  const perModel = (key: 'h' | 'd') => Object.fromEntries(Object.entries(history).map(([m, b]) => [m, Object.values(b[key]).reduce((a, n) => a + n, 0)]));
  expect(perModel('h')).toEqual(Object.fromEntries(expected));
  expect(perModel('d')).toEqual(Object.fromEntries(expected));
  for (const d of dirs) expect(pendingInJournal(d, sim.url)).toBe(0);
}, 60_000);
