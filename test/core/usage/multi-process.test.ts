// Three tracker processes count the same models into one ConfigMap at once; one is killed
// with SIGKILL at a random moment and started again on its state folder. The ConfigMap
// must end with exactly the increments answered with success (plus, at most, the one the
// killed process had made durable but had not yet answered, which its journal shows).
import { recordFigure } from '../../reliability/figures.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/kube/server.ts';
import { CONFIGMAP_NAME } from '../../../main/core/usage/configmap.ts';
import { parseJournal } from '../../../main/core/usage/journal.ts';
import { journalRoot } from '../../../main/core/usage/slot.ts';
import { testContext, tempDir } from './context.ts';
import { durableSeqs, sendFor, startTracker, total } from './trackers.ts';

let sim: KubeSim;
let kubeconfig: string;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  kubeconfig = path.join(tempDir('kmm-mp-'), 'kubeconfig');
  sim.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await sim?.close();
});

it('three processes, one killed with SIGKILL and restarted: the ConfigMap has exactly the answered increments', async () => {
  const dirs = [tempDir('kmm-p0-'), tempDir('kmm-p1-'), tempDir('kmm-p2-')];
  const trackers = dirs.map((d) => startTracker(kubeconfig, d));
  await Promise.all(trackers.map((t) => t.ready));

  // Kill one at a random moment of the run.
  const victim = Math.floor(Math.random() * 3);
  const killAfter = 300 + Math.random() * 1500;
  await sendFor(trackers, killAfter);
  const old = trackers[victim]!;
  old.child.kill('SIGKILL');
  await old.exited;
  // The one it was working on may have become durable without an answer; the journal says.
  const unanswered = old.inFlight.slice();
  const durableBefore = durableSeqs(old.stateDir, sim.url);
  const ackedBefore = total(old.acked);
  const extra = durableBefore - ackedBefore;
  expect(extra === 0 || extra === 1).toBe(true);
  const extraModel = extra === 1 ? unanswered[0]! : null;

  trackers[victim] = startTracker(kubeconfig, old.stateDir, old.acked);
  await trackers[victim]!.ready;
  await sendFor(trackers, 1000);

  // Let the work finish: stdin's end makes each tracker answer what it has, flush and exit.
  for (const t of trackers) t.child.stdin!.end();
  const codes = await Promise.all(trackers.map((t) => t.exited));
  expect(codes).toEqual([0, 0, 0]);
  for (const t of trackers) expect(t.inFlight).toEqual([]);
  for (const t of trackers) expect(t.problem).toBeNull();

  const expected = new Map<string, number>();
  for (const t of trackers) for (const [m, n] of t.acked) expected.set(m, (expected.get(m) ?? 0) + n);
  if (extraModel) expected.set(extraModel, (expected.get(extraModel) ?? 0) + 1);
  const answered = [...expected.values()].reduce((a, b) => a + b, 0);
  expect(answered).toBeGreaterThan(100);

  const ctx = testContext({ kubeconfig });
  const cm = await ctx.kube.core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: ctx.kube.namespace });
  const counts = JSON.parse(cm.data?.['usage.json'] ?? '{}') as Record<string, number>;
  recordFigure('usage increments acknowledged', answered);
  recordFigure('usage increments found in the ConfigMap', Object.values(counts).reduce((a, b) => a + b, 0));
  recordFigure('usage processes killed with SIGKILL', 1);
  expect(counts).toEqual(Object.fromEntries(expected));
  // Tokens and clients travel in the same journal entries: exactly as many as the counts.
  const tokens = JSON.parse(cm.data?.['tokens.json'] ?? '{}') as Record<string, { prompt_tokens: number; completion_tokens: number }>;
  expect(tokens).toEqual(Object.fromEntries([...expected].map(([m, n]) => [m, { prompt_tokens: 3 * n, completion_tokens: 7 * n }])));
  expect(JSON.parse(cm.data?.['clients.json'] ?? '{}')).toEqual({ 'tracker/1.0': { requests: answered, prompt_tokens: 3 * answered, completion_tokens: 7 * answered } });
  // Every journal is empty: all of it is in the ConfigMap.
  for (const d of dirs) expect(parseJournal(readFileSync(path.join(journalRoot(d, sim.url, 'model-hosting'), 'journal.ndjson'), 'utf8')).entries).toEqual([]);
}, 30_000);
