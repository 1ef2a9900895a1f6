// What was written two or three times now has one definition each (the timeout helper, the
// Ollama port, the managed-by label, the selector matcher), and each does what its users need:
// tested here once, and against the simulated cluster where the label meets Kubernetes.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isManaged, MANAGED_BY, MANAGER, selects } from '../../main/core/kube/labels.ts';
import { UsageConfigMap } from '../../main/core/usage/configmap.ts';
import { within } from '../../main/core/within.ts';
import { startKubeSim, type KubeSim } from '../sim/index.ts';
import { clusterSide, until } from './cluster/harness.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [{ path: relative(ROOT, join(dir, e.name)), text: readFileSync(join(dir, e.name), 'utf8') }] : [],
  );
}
const app = [...sources(join(ROOT, 'main')), ...sources(join(ROOT, 'preload'))];
const filesWith = (pattern: RegExp) => app.filter((f) => pattern.test(f.text)).map((f) => f.path);

describe('one definition each', () => {
  it('the Ollama port is written once, in main/core/ollama-port.ts', () => {
    expect(filesWith(/\b11434\b/)).toEqual(['main/core/ollama-port.ts']);
  });
  it('the managed-by label is written once, in main/core/kube/labels.ts', () => {
    expect(filesWith(/app\.kubernetes\.io\/managed-by/)).toEqual(['main/core/kube/labels.ts']);
  });
  it('the timeout helper is defined once, in main/core/within.ts', () => {
    expect(filesWith(/function (within|withTimeout)\b/)).toEqual(['main/core/within.ts']);
  });
});

describe('within', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('answers the value when it comes in time, and leaves no timer behind', async () => {
    const before = timers();
    expect(await within(Promise.resolve(7), 60_000, 'late')).toBe(7);
    expect(timers()).toBe(before);
  });
  it('answers the fallback when the promise fails, or is late, or is not there', async () => {
    const before = timers();
    expect(await within(Promise.reject(new Error('no')), 60_000, 'fallback')).toBe('fallback');
    expect(timers()).toBe(before);
    const started = Date.now();
    expect(await within(new Promise(() => {}), 30, null)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(await within(undefined, 60_000, 'none')).toBe('none');
    expect(timers()).toBe(before);
  });
});

describe('labels', () => {
  it('selects: every key of a non-empty selector, nothing for an empty one', () => {
    expect(selects({ app: 'a' }, { app: 'a', tier: 'x' })).toBe(true);
    expect(selects({ app: 'a', tier: 'y' }, { app: 'a', tier: 'x' })).toBe(false);
    expect(selects({}, { app: 'a' })).toBe(false);
    expect(selects(undefined, { app: 'a' })).toBe(false);
    expect(selects({ app: 'a' }, undefined)).toBe(false);
  });
  it('isManaged: the value this app writes and the former one, nothing else', () => {
    expect(isManaged({ [MANAGED_BY]: MANAGER })).toBe(true);
    expect(isManaged({ [MANAGED_BY]: 'model-manager' })).toBe(true);
    expect(isManaged({ [MANAGED_BY]: 'helm' })).toBe(false);
    expect(isManaged({})).toBe(false);
  });
});

describe('the managed-by label in the cluster', () => {
  let sim: KubeSim;
  let side: Awaited<ReturnType<typeof clusterSide>>;
  beforeAll(async () => {
    sim = await startKubeSim({ quiet: true, readyDelayMs: 50 });
    side = await clusterSide(sim);
  });
  afterAll(async () => {
    await side?.close();
    await sim?.close();
  });

  it('the usage ConfigMap carries the value the deployments carry', async () => {
    const cm = new UsageConfigMap(side.ctx.kube);
    await cm.update(() => true);
    const read = await side.ctx.kube.core.listNamespacedConfigMap({ namespace: side.ctx.kube.namespace });
    const made = read.items.filter((c) => c.metadata?.labels?.[MANAGED_BY]);
    expect(made.length).toBeGreaterThan(0);
    for (const c of made) expect(c.metadata?.labels?.[MANAGED_BY]).toBe(MANAGER);
  });

  it('a deployment labelled with either value lists as managed; one labelled by another tool does not', async () => {
    const make = (name: string, by: string) =>
      side.ctx.kube.apps.createNamespacedDeployment({
        namespace: 'model-hosting',
        body: {
          metadata: { name, labels: { [MANAGED_BY]: by } },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'ollama', image: 'ollama/ollama:latest' }] } },
          },
        },
      });
    await make('by-former', 'model-manager');
    await make('by-current', MANAGER);
    await make('by-helm', 'Helm');
    const listed = await until('all three listed', async () => {
      const models = (await side.handlers.listDeployments({})).models;
      const three = ['by-former', 'by-current', 'by-helm'].map((n) => models.find((m) => m.name === n && m.namespace === 'model-hosting'));
      return three.every(Boolean) ? three : undefined;
    });
    expect(listed.map((m) => m!.managed)).toEqual([true, true, false]);
  });
});
