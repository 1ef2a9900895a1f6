// Usage over time against the simulated API server: history.json in the ConfigMap, bucketed
// by when each increment was accepted (its journal time, not the write's), windows of 14 days
// of hours and 180 days of days, pending increments in the answer, the bound on models kept,
// a reset that clears it, and bad input refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/kube/server.ts';
import { dispatch } from '../../../main/core/dispatch.ts';
import { AppError } from '../../../main/core/errors.ts';
import type { Handlers } from '../../../preload/contract/index.ts';
import { createUsageSideWith, type UsageSide } from '../../../main/core/usage/index.ts';
import { CONFIGMAP_NAME } from '../../../main/core/usage/configmap.ts';
import { dayKey, hourKey, MAX_HISTORY_MODELS, OTHER_MODELS, type ModelHistory } from '../../../main/core/usage/doc.ts';
import { journalRoot } from '../../../main/core/usage/slot.ts';
import { testContext, tempDir } from './context.ts';

let sim: KubeSim;
const NS = 'model-hosting';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

const ctxFor = (stateDir = tempDir('kmm-hist-')) => testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir });
const handlersOf = (u: UsageSide) => u.handlers as unknown as Handlers;

async function readCm(): Promise<Record<string, string> | null> {
  try {
    return (await ctxFor().kube.core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: NS })).data ?? {};
  } catch (err) {
    if ((err as { code?: number }).code === 404) return null;
    throw err;
  }
}
const historyOf = (data: Record<string, string> | null) => JSON.parse(data?.['history.json'] ?? '{}') as Record<string, ModelHistory>;
const sum = (m: Record<string, number> | undefined) => Object.values(m ?? {}).reduce((a, b) => a + b, 0);
async function deleteCm(): Promise<void> {
  await ctxFor().kube.core.deleteNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: NS }).catch(() => {});
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

describe('usage history', () => {
  it('writes hour and day buckets with the counts, in the same update', async () => {
    await deleteCm();
    const usage = await createUsageSideWith(ctxFor(), { minIntervalMs: 50, watch: false });
    try {
      const before = Date.now();
      for (const m of ['llama3.1:8b', 'llama3.1:8b', 'mistral:7b']) await usage.track(m);
      const data = await until(readCm, (d) => sum(JSON.parse(d?.['usage.json'] ?? '{}')) === 3);
      const h = historyOf(data);
      const hour = hourKey(before);
      const day = dayKey(before);
      // (an hour boundary crossed during the test would split the buckets: allow either side)
      expect(sum(h['llama3.1:8b']?.h)).toBe(2);
      expect(Object.keys(h['llama3.1:8b']!.h).every((k) => k === hour || k === hourKey(Date.now()))).toBe(true);
      expect(Object.keys(h['llama3.1:8b']!.d).every((k) => k === day || k === dayKey(Date.now()))).toBe(true);
      expect(sum(h['llama3.1:8b']?.d)).toBe(2);
      expect(sum(h['mistral:7b']?.d)).toBe(1);

      await new Promise((r) => setTimeout(r, 600)); // past the read cache
      const r = await dispatch(handlersOf(usage), 'usageHistory', { bucket: 'hour' });
      expect(r.bucket).toBe('hour');
      expect(r.times).toHaveLength(14 * 24);
      expect(r.times.at(-1)).toBe(new Date(Math.floor(Date.now() / HOUR) * HOUR).toISOString());
      expect(r.series.map((s) => [s.model, s.total])).toEqual([['llama3.1:8b', 2], ['mistral:7b', 1]]);
      expect(r.series[0]!.counts).toHaveLength(14 * 24);
      const d = await dispatch(handlersOf(usage), 'usageHistory', { bucket: 'day', model: 'mistral:7b' });
      expect(d.times).toHaveLength(180);
      expect(d.series).toHaveLength(1);
      expect(d.series[0]!.counts.at(-1)).toBe(1);
    } finally {
      await usage.close();
    }
  });

  it('buckets each increment by the time it was accepted; drops buckets past the windows; counts stay', async () => {
    await deleteCm();
    const stateDir = tempDir('kmm-hist-replay-');
    const dir = journalRoot(stateDir, sim.url, NS);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'instance-id'), 'test-instance-hist-01\n');
    const now = Date.now();
    // Journalled during an outage long ago and replayed now: 3 days, 20 days and 200 days old.
    const ts = [now - 3 * DAY, now - 3 * DAY, now - 20 * DAY, now - 200 * DAY];
    writeFileSync(path.join(dir, 'journal.ndjson'), ts.map((t, i) => JSON.stringify({ seq: i + 1, model: 'phi4:14b', t })).join('\n') + '\n');
    const usage = await createUsageSideWith(testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir }), { minIntervalMs: 50, watch: false });
    try {
      const data = await until(readCm, (d) => !!d && 'history.json' in d);
      expect(JSON.parse(data!['usage.json']!)).toEqual({ 'phi4:14b': 4 });
      const h = historyOf(data)['phi4:14b']!;
      // Hours: only the 3-day-old ones are within 14 days. Days: all but the 200-day-old one.
      expect(h.h).toEqual({ [hourKey(now - 3 * DAY)]: 2 });
      expect(h.d).toEqual({ [dayKey(now - 3 * DAY)]: 2, [dayKey(now - 20 * DAY)]: 1 });
      const r = await dispatch(handlersOf(usage), 'usageHistory', { bucket: 'day' });
      const i = r.times.indexOf(new Date(Math.floor((now - 3 * DAY) / DAY) * DAY).toISOString());
      expect(i).toBeGreaterThan(0);
      expect(r.series[0]!.counts[i]).toBe(2);
      expect(r.series[0]!.total).toBe(3);
    } finally {
      await usage.close();
    }
  });

  it('answers this instance\'s pending increments, with the API server down', async () => {
    await deleteCm();
    const usage = await createUsageSideWith(ctxFor(), { minIntervalMs: 50, retryMs: 200, watch: false, cacheMs: 0 });
    try {
      await usage.track('qwen2.5:0.5b');
      await until(readCm, (d) => !!d && 'history.json' in d);
      await dispatch(handlersOf(usage), 'usageHistory', {}); // a good view to fall back on
      await sim.stop();
      try {
        await usage.track('qwen2.5:0.5b');
        await usage.track('gemma3:1b');
        const r = await dispatch(handlersOf(usage), 'usageHistory', {});
        expect(r.pending).toBe(2);
        expect(r.series.map((s) => [s.model, s.total])).toEqual([['qwen2.5:0.5b', 2], ['gemma3:1b', 1]]);
      } finally {
        await sim.start();
      }
      const data = await until(readCm, (d) => sum(historyOf(d)['qwen2.5:0.5b']?.d) === 2, 8000);
      expect(sum(historyOf(data)['gemma3:1b']?.h)).toBe(1);
    } finally {
      await usage.close();
    }
  });

  it(`keeps ${MAX_HISTORY_MODELS} models of their own, the rest summed under "${OTHER_MODELS}", totals kept`, async () => {
    await deleteCm();
    const usage = await createUsageSideWith(ctxFor(), { minIntervalMs: 50, watch: false });
    try {
      const models = Array.from({ length: MAX_HISTORY_MODELS + 10 }, (_, i) => `model-${String(i).padStart(2, '0')}:1b`);
      // model-00 is used most (3), model-01..29 twice, the last ten once.
      const uses = models.flatMap((m, i) => Array.from({ length: i === 0 ? 3 : i < MAX_HISTORY_MODELS ? 2 : 1 }, () => m));
      await Promise.all(uses.map((m) => usage.track(m)));
      const data = await until(readCm, (d) => sum(JSON.parse(d?.['usage.json'] ?? '{}')) === uses.length);
      const h = historyOf(data);
      expect(Object.keys(h)).toHaveLength(MAX_HISTORY_MODELS + 1);
      expect(sum(h[OTHER_MODELS]?.d)).toBe(10);
      expect(h['model-39:1b']).toBeUndefined();
      expect(sum(h['model-00:1b']?.d)).toBe(3);
      expect(Object.values(h).reduce((a, m) => a + sum(m.d), 0)).toBe(uses.length);
      expect(Object.values(h).reduce((a, m) => a + sum(m.h), 0)).toBe(uses.length);
      await new Promise((r) => setTimeout(r, 600));
      const r = await dispatch(handlersOf(usage), 'usageHistory', { bucket: 'hour' });
      expect(r.series.at(-1)!.model).toBe(OTHER_MODELS);
      expect(r.series[0]!.model).toBe('model-00:1b');
      expect(data!['history.json']!.length).toBeLessThan(64 * 1024);
    } finally {
      await usage.close();
    }
  });

  it('a reset clears the history too', async () => {
    await deleteCm();
    const usage = await createUsageSideWith(ctxFor(), { minIntervalMs: 50, watch: false });
    try {
      await usage.track('llama3.2:1b');
      await until(readCm, (d) => !!d && 'history.json' in d);
      await dispatch(handlersOf(usage), 'resetUsage', {});
      const data = await readCm();
      expect(data).not.toHaveProperty('history.json');
      expect((await dispatch(handlersOf(usage), 'usageHistory', {})).series).toEqual([]);
      await usage.track('llama3.2:3b');
      const after = await until(readCm, (d) => !!d && 'history.json' in d);
      expect(Object.keys(historyOf(after))).toEqual(['llama3.2:3b']);
    } finally {
      await usage.close();
    }
  });

  it('refuses a bucket other than hour or day, and a bad model name, naming the field', async () => {
    const usage = await createUsageSideWith(ctxFor(), { minIntervalMs: 50, watch: false });
    try {
      for (const [input, field] of [[{ bucket: 'week' }, 'bucket'], [{ model: '' }, 'model'], [{ model: 'a\u0000b' }, 'model']] as const) {
        const err = await dispatch(handlersOf(usage), 'usageHistory', input as never).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(400);
        expect((err as AppError).message).toContain(field);
      }
    } finally {
      await usage.close();
    }
  });
});
