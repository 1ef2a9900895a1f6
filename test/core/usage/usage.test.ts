// The usage side against the simulated API server: ConfigMap created (by the first increment) and written with the
// seed's readable counts, ranking, invalid names, API down, idempotent replay, reset across
// instances, the seed's format, and coalescing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/kube/server.ts';
import { dispatch } from '../../../main/core/dispatch.ts';
import { AppError } from '../../../main/core/errors.ts';
import type { Handlers } from '../../../preload/contract/index.ts';
import { createUsageSideWith, type UsageSide } from '../../../main/core/usage/index.ts';
import { CONFIGMAP_NAME } from '../../../main/core/usage/configmap.ts';
import { journalRoot } from '../../../main/core/usage/slot.ts';
import { testContext, tempDir } from './context.ts';

let sim: KubeSim;
const NS = 'model-hosting';

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

function ctxFor(stateDir = tempDir('kmm-usage-')) {
  return testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir });
}

async function readCm(): Promise<Record<string, string> | null> {
  const ctx = ctxFor();
  try {
    const cm = await ctx.kube.core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: NS });
    return cm.data ?? {};
  } catch (err) {
    if ((err as { code?: number }).code === 404) return null;
    throw err;
  }
}
async function counts(): Promise<Record<string, number>> {
  const data = await readCm();
  return data ? (JSON.parse(data['usage.json'] ?? '{}') as Record<string, number>) : {};
}
async function deleteCm(): Promise<void> {
  const ctx = ctxFor();
  await ctx.kube.core.deleteNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: NS }).catch(() => {});
}
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await fn();
  }
  return v;
}
const handlersOf = (u: UsageSide) => u.handlers as unknown as Handlers;

describe('usage side', () => {
  it('creates the ConfigMap on the first increment (never by reading), counts tracks and ranks them like the seed', async () => {
    await deleteCm();
    const ctx = ctxFor();
    const usage = await createUsageSideWith(ctx, { minIntervalMs: 50 });
    try {
      // Starting and looking (ranking, history) answer empty counts and write nothing.
      const rvStart = sim.store.resourceVersion;
      expect((await dispatch(handlersOf(usage), 'usageRanking', {})).total_requests).toBe(0);
      expect((await dispatch(handlersOf(usage), 'usageHistory', { bucket: 'day' })).series).toEqual([]);
      await new Promise((r) => setTimeout(r, 300));
      expect(await readCm()).toBeNull();
      expect(sim.store.resourceVersion).toBe(rvStart);
      const events: number[] = [];
      ctx.events.on('usageChanged', (e) => events.push(e.total_requests));
      for (const m of ['llama3.1:8b', 'llama3.1:8b', 'llama3.1:8b', 'mistral:7b', 'qwen2.5:0.5b', 'mistral:7b']) {
        await dispatch(handlersOf(usage), 'trackUsage', { model: m });
      }
      const c = await until(counts, (x) => Object.values(x).reduce((a, b) => a + b, 0) === 6);
      expect(c).toEqual({ 'llama3.1:8b': 3, 'mistral:7b': 2, 'qwen2.5:0.5b': 1 });
      await new Promise((r) => setTimeout(r, 600)); // past the ranking cache
      const r = await dispatch(handlersOf(usage), 'usageRanking', {});
      expect(r.total_requests).toBe(6);
      expect(r.pending).toBe(0);
      expect(r.models).toEqual([
        { rank: 1, model: 'llama3.1:8b', count: 3, usage_percent: 50 },
        { rank: 2, model: 'mistral:7b', count: 2, usage_percent: 33.3 },
        { rank: 3, model: 'qwen2.5:0.5b', count: 1, usage_percent: 16.7 },
      ]);
      expect(events.at(-1)).toBe(6);
    } finally {
      await usage.close();
    }
  });

  it('refuses a name that is not printable text, or too long, with 400 and writes nothing', async () => {
    await deleteCm();
    const usage = await createUsageSideWith(ctxFor(), { minIntervalMs: 50 });
    try {
      for (const model of ['bad\nname', 'tab\there', 'nul\u0000', 'zero\u200bwidth', 'x'.repeat(254), '   ']) {
        await expect(dispatch(handlersOf(usage), 'trackUsage', { model })).rejects.toMatchObject({ status: 400 });
      }
      await expect(dispatch(handlersOf(usage), 'trackUsage', {})).rejects.toMatchObject({ status: 400 });
      const err = await usage.track('line\rbreak').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).message).toMatch(/^model /);
      await new Promise((r) => setTimeout(r, 200));
      expect(await counts()).toEqual({});
    } finally {
      await usage.close();
    }
  });

  it('counts external names as given and Ollama names as one model, and answers the new count', async () => {
    await deleteCm();
    const usage = await createUsageSideWith(ctxFor(), { minIntervalMs: 50 });
    try {
      const long = `Vendor Model ${'m'.repeat(240)}`; // 253 characters, not an Ollama name
      const answers: [string, number][] = [];
      for (const model of ['Llama 2 7B', 'claude-3.5-sonnet@20240620', long, 'Llama 2 7B', 'Llama3.2:1B', 'library/llama3.2:1b', ' llama3.2:1b ']) {
        const r = await dispatch(handlersOf(usage), 'trackUsage', { model });
        answers.push([r.model, r.count]);
      }
      expect(answers).toEqual([
        ['Llama 2 7B', 1],
        ['claude-3.5-sonnet@20240620', 1],
        [long, 1],
        ['Llama 2 7B', 2],
        ['llama3.2:1b', 1],
        ['llama3.2:1b', 2],
        ['llama3.2:1b', 3],
      ]);
      expect(await until(counts, (c) => Object.keys(c).length === 4 && c['llama3.2:1b'] === 3)).toEqual({ 'Llama 2 7B': 2, 'claude-3.5-sonnet@20240620': 1, [long]: 1, 'llama3.2:1b': 3 });
    } finally {
      await usage.close();
    }
  });

  it("counts names that are Object's own keys (__proto__, constructor) kept in the ConfigMap", async () => {
    await deleteCm();
    const ctx = ctxFor();
    // A ConfigMap of the seed's form, written by another tool: names are whatever it counted.
    await ctx.kube.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: CONFIGMAP_NAME }, data: { usage_stats: '{"__proto__": 3, "constructor": 2, "hasOwnProperty": 1}' } },
    });
    const usage = await createUsageSideWith(ctx, { minIntervalMs: 50 });
    try {
      const r = await handlersOf(usage).usageRanking({});
      expect(r.models.map((m) => [m.model, m.count])).toEqual([['__proto__', 3], ['constructor', 2], ['hasOwnProperty', 1]]);
      await usage.track('mistral:7b');
      const data = await until(readCm, (d) => !!d && 'usage.json' in d);
      // JSON.parse keeps "__proto__" as an own key: compare entries so it cannot hide.
      expect(Object.entries(JSON.parse(data!['usage.json']!) as object).sort()).toEqual([['__proto__', 3], ['constructor', 2], ['hasOwnProperty', 1], ['mistral:7b', 1]]);
      expect(r.total_requests).toBe(6);
    } finally {
      await usage.close();
    }
  });

  it('keeps increments while the API server is down and writes them once when it is back', async () => {
    await deleteCm();
    const ctx = ctxFor();
    const usage = await createUsageSideWith(ctx, { minIntervalMs: 50, retryMs: 100 });
    try {
      await usage.track('gemma3:4b');
      await until(counts, (c) => c['gemma3:4b'] === 1);
      await new Promise((r) => setTimeout(r, 600));
      await handlersOf(usage).usageRanking({});
      await sim.stop();
      for (let i = 0; i < 5; i++) await usage.track('gemma3:4b');
      const during = await handlersOf(usage).usageRanking({});
      expect(during.pending).toBe(5);
      expect(during.models[0]).toMatchObject({ model: 'gemma3:4b', count: 6 });
      await new Promise((r) => setTimeout(r, 300));
      await sim.start();
      const c = await until(counts, (x) => x['gemma3:4b'] === 6);
      expect(c['gemma3:4b']).toBe(6);
      await new Promise((r) => setTimeout(r, 400));
      expect((await counts())['gemma3:4b']).toBe(6); // not twice
    } finally {
      await usage.close();
    }
  });

  it('replays the journal after a crash without counting what the ConfigMap already has', async () => {
    await deleteCm();
    const stateDir = tempDir('kmm-replay-');
    const dir = journalRoot(stateDir, sim.url, NS);
    mkdirSync(dir, { recursive: true });
    const id = 'test-instance-0001';
    writeFileSync(path.join(dir, 'instance-id'), id + '\n');
    const lines = [1, 2, 3, 4, 5].map((seq) => JSON.stringify({ seq, model: 'phi4:14b', t: Date.now() })).join('\n') + '\n';
    // A torn last line, as SIGKILL in the middle of a write leaves it.
    writeFileSync(path.join(dir, 'journal.ndjson'), lines + '{"seq":6,"mod');
    // The ConfigMap already holds seqs 1-3 of this instance (the process died before dropping them).
    const ctx = ctxFor();
    await ctx.kube.core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { name: CONFIGMAP_NAME },
        data: { 'usage.json': JSON.stringify({ 'phi4:14b': 3 }), 'applied.json': JSON.stringify({ [id]: 3 }), reset_at: '0' },
      },
    });
    const usage = await createUsageSideWith(testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir }), { minIntervalMs: 50 });
    try {
      const c = await until(counts, (x) => x['phi4:14b'] === 5);
      expect(c['phi4:14b']).toBe(5);
      const data = await readCm();
      expect(JSON.parse(data!['applied.json']!)[id]).toBe(5);
      await usage.track('phi4:14b'); // new seqs continue after the journal's, not from 1
      expect((await until(counts, (x) => x['phi4:14b'] === 6))['phi4:14b']).toBe(6);
    } finally {
      await usage.close();
    }
    // Started again on the same folder: nothing left to replay, nothing counted twice.
    const again = await createUsageSideWith(testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir }), { minIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 300));
    await again.close();
    expect((await counts())['phi4:14b']).toBe(6);
  });

  it('reads the seed format and rewrites it readable', async () => {
    await deleteCm();
    const ctx = ctxFor();
    await ctx.kube.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: CONFIGMAP_NAME }, data: { usage_stats: JSON.stringify({ 'llama2:7b': 5, 'codellama:7b': 2 }) } },
    });
    const usage = await createUsageSideWith(ctx, { minIntervalMs: 50 });
    try {
      const r = await handlersOf(usage).usageRanking({});
      expect(r.models.map((m) => [m.model, m.count])).toEqual([
        ['llama2:7b', 5],
        ['codellama:7b', 2],
      ]);
      await usage.track('llama2:7b');
      const data = await until(readCm, (d) => !!d && 'usage.json' in d);
      expect(JSON.parse(data!['usage.json']!)).toEqual({ 'codellama:7b': 2, 'llama2:7b': 6 });
      expect(data).not.toHaveProperty('usage_stats');
    } finally {
      await usage.close();
    }
  });

  it('reset clears the counts for every instance and drops increments accepted before it', async () => {
    await deleteCm();
    const a = await createUsageSideWith(ctxFor(), { minIntervalMs: 50, cacheMs: 200 });
    // b writes at most every 1.5 s, so an increment right after its first write stays pending.
    const ctxB = ctxFor();
    const b = await createUsageSideWith(ctxB, { minIntervalMs: 1500, cacheMs: 200 });
    try {
      await a.track('mistral:7b');
      await b.track('mistral:7b'); // b's first write goes at once
      await until(counts, (c) => c['mistral:7b'] === 2);
      await b.track('mistral:7b'); // accepted before the reset, still pending in b's journal
      expect((await handlersOf(b).usageRanking({})).pending).toBe(1);
      await new Promise((r) => setTimeout(r, 5));
      const res = await handlersOf(a).resetUsage({});
      expect(res.success).toBe(true);
      expect(await counts()).toEqual({});
      // b's next write finds the reset: the pending increment is dropped, not counted.
      await until(async () => ctxB.lines, (l) => l.some((x) => x.includes('dropped 1 accepted before a reset')), 4000);
      expect(ctxB.lines.some((x) => x.includes('dropped 1 accepted before a reset'))).toBe(true);
      expect(await counts()).toEqual({});
      await new Promise((r) => setTimeout(r, 250));
      const rb = await handlersOf(b).usageRanking({});
      expect(rb).toMatchObject({ total_requests: 0, pending: 0, models: [] });
      await b.track('qwen2.5:7b'); // after the reset: counted
      await a.track('qwen2.5:7b');
      expect(await until(counts, (c) => c['qwen2.5:7b'] === 2, 4000)).toEqual({ 'qwen2.5:7b': 2 });
      await new Promise((r) => setTimeout(r, 250));
      expect((await handlersOf(a).usageRanking({})).total_requests).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("tells this instance's UI when another instance changed the counts", async () => {
    await deleteCm();
    const ctxB = ctxFor();
    const a = await createUsageSideWith(ctxFor(), { minIntervalMs: 50 });
    const b = await createUsageSideWith(ctxB, { minIntervalMs: 50 });
    const seen: number[] = [];
    ctxB.events.on('usageChanged', (e) => seen.push(e.total_requests));
    try {
      await new Promise((r) => setTimeout(r, 300)); // b's watch is open
      await a.track('gemma3:12b');
      await a.track('gemma3:12b');
      expect((await until(async () => seen, (s) => s.includes(2))).includes(2)).toBe(true);
      await a.handlers.resetUsage({});
      expect((await until(async () => seen, (s) => s.at(-1) === 0)).at(-1)).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('gives two live processes on one state folder a journal each', async () => {
    await deleteCm();
    const stateDir = tempDir('kmm-shared-');
    const a = await createUsageSideWith(ctxFor(stateDir), { minIntervalMs: 50 });
    const b = await createUsageSideWith(ctxFor(stateDir), { minIntervalMs: 50 });
    try {
      await Promise.all([a.track('mistral:7b'), b.track('mistral:7b'), a.track('llama3.2:1b'), b.track('llama3.2:1b')]);
      const c = await until(counts, (x) => x['mistral:7b'] === 2 && x['llama3.2:1b'] === 2);
      expect(c).toEqual({ 'llama3.2:1b': 2, 'mistral:7b': 2 });
      const applied = JSON.parse((await readCm())!['applied.json']!) as Record<string, number>;
      expect(Object.keys(applied)).toHaveLength(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('coalesces a burst of increments into a handful of writes', async () => {
    await deleteCm();
    const ctx = ctxFor();
    const usage = await createUsageSideWith(ctx, { minIntervalMs: 250 });
    try {
      const rvBefore = sim.store.resourceVersion;
      const started = Date.now();
      await Promise.all(Array.from({ length: 300 }, (_, i) => usage.track(i % 2 ? 'llama3.2:1b' : 'llama3.2:3b')));
      const c = await until(counts, (x) => (x['llama3.2:1b'] ?? 0) + (x['llama3.2:3b'] ?? 0) === 300);
      expect(c).toEqual({ 'llama3.2:1b': 150, 'llama3.2:3b': 150 });
      const seconds = Math.max(1, (Date.now() - started) / 1000);
      const writes = sim.store.resourceVersion - rvBefore;
      expect(writes).toBeGreaterThan(0);
      expect(writes / seconds).toBeLessThanOrEqual(5);
    } finally {
      await usage.close();
    }
  });
});
