// The ConfigMap's read-modify-write when it loses a race, made deterministic: the simulated
// API server lets another writer update model-usage-stats just before this instance's write
// (fault switch raceNextUpdates), so the write carries a stale resourceVersion and gets 409
// Conflict. The write must be redone on a fresh read at once, keeping the other writer's counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/kube/server.ts';
import type { KObj } from '../../sim/kube/types.ts';
import { CONFIGMAP_NAME, UsageConfigMap } from '../../../main/core/usage/configmap.ts';
import { bump, decodeDoc, encodeDoc } from '../../../main/core/usage/doc.ts';
import { createUsageSideWith } from '../../../main/core/usage/index.ts';
import { testContext, tempDir } from './context.ts';

const NS = 'model-hosting';
const TARGET = { resource: 'configmaps', namespace: NS, name: CONFIGMAP_NAME };
let sim: KubeSim;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

/** What another instance writes in between: one use of `model`, in the ConfigMap's own format. */
const otherInstanceCounts = (model: string) => (o: KObj) => {
  const doc = decodeDoc((o as KObj & { data?: Record<string, string> }).data);
  bump(doc.counts, model);
  (o as KObj & { data?: Record<string, string> }).data = encodeDoc(doc);
};
const storedCounts = () => decodeDoc((sim.store.get('configmaps', NS, CONFIGMAP_NAME) as (KObj & { data?: Record<string, string> }) | undefined)?.data).counts;

describe('usage ConfigMap writes that lose a race (409 Conflict)', () => {
  it('are redone on a fresh read, three lost races in a row, keeping what the other writer wrote', async () => {
    sim.store.delete('configmaps', NS, CONFIGMAP_NAME);
    const ctx = testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir: tempDir('kmm-conflict-') });
    const cm = new UsageConfigMap(ctx.kube);
    await cm.update(() => true); // creates it
    sim.faults.raceNextUpdates(TARGET, { count: 3, change: otherInstanceCounts('mistral:7b') });
    let tries = 0;
    const written = await cm.update((doc) => {
      tries++;
      bump(doc.counts, 'llama3.1:8b');
      return true;
    });
    expect(tries).toBe(4);
    expect(sim.faults.races).toEqual([]);
    expect(written.counts).toEqual({ 'mistral:7b': 3, 'llama3.1:8b': 1 });
    expect(storedCounts()).toEqual({ 'mistral:7b': 3, 'llama3.1:8b': 1 });
  });

  it('the usage side writes a tracked use at once, not a retry interval later', async () => {
    sim.store.delete('configmaps', NS, CONFIGMAP_NAME);
    const ctx = testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir: tempDir('kmm-conflict-') });
    // A minute between retries after a failure: only the 409 retry can write within the wait below.
    // The ConfigMap exists (the side creates it only on a first write), so the write is an update that can lose a race.
    await new UsageConfigMap(ctx.kube).update(() => true);
    const usage = await createUsageSideWith(ctx, { minIntervalMs: 0, retryMs: 60_000, watch: false });
    try {
      const end = Date.now() + 5_000;
      sim.faults.raceNextUpdates(TARGET, { change: otherInstanceCounts('mistral:7b') });
      await usage.track('llama3.1:8b');
      while (storedCounts()['llama3.1:8b'] !== 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(sim.faults.races).toEqual([]); // the race did happen
      expect(storedCounts()).toEqual({ 'mistral:7b': 1, 'llama3.1:8b': 1 });
      expect(ctx.lines.filter((l) => l.includes('could not write usage counts'))).toEqual([]);
    } finally {
      await usage.close();
    }
  });
});
