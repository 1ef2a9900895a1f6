// Tokens and clients in the usage store: they travel in the same journal entries as the
// counts, so a crash replay counts them exactly once too; documents without them (the seed's,
// the previous version's) read and rank as before; a reset clears them.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/kube/server.ts';
import { applyUse, clientName, decodeDoc, emptyDoc, encodeDoc, MAX_CLIENTS, OTHER_CLIENTS } from '../../../main/core/usage/doc.ts';
import { parseJournal } from '../../../main/core/usage/journal.ts';
import { createUsageSideWith } from '../../../main/core/usage/index.ts';
import { CONFIGMAP_NAME } from '../../../main/core/usage/configmap.ts';
import { journalRoot } from '../../../main/core/usage/slot.ts';
import { testContext, tempDir } from './context.ts';

const NS = 'model-hosting';
let sim: KubeSim;
beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

const data = () => (sim.store.get('configmaps', NS, CONFIGMAP_NAME) as { data?: Record<string, string> } | undefined)?.data ?? {};
async function until<T>(fn: () => T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    v = fn();
  }
  return v;
}

describe('the document', () => {
  it('adds tokens.json and clients.json only once they hold something; older documents read as before', () => {
    const doc = emptyDoc();
    applyUse(doc, 'a');
    expect(encodeDoc(doc)).toEqual({ 'usage.json': '{"a":1}', 'applied.json': '{}', reset_at: '0' });
    applyUse(doc, 'a', { prompt_tokens: 10, completion_tokens: 20, client: 'curl/8.5.0' });
    applyUse(doc, 'b', { prompt_tokens: 5, client: 'curl/8.5.0' });
    const enc = encodeDoc(doc);
    expect(JSON.parse(enc['usage.json']!)).toEqual({ a: 2, b: 1 });
    expect(JSON.parse(enc['tokens.json']!)).toEqual({ a: { prompt_tokens: 10, completion_tokens: 20 }, b: { prompt_tokens: 5, completion_tokens: 0 } });
    expect(JSON.parse(enc['clients.json']!)).toEqual({ 'curl/8.5.0': { requests: 2, prompt_tokens: 15, completion_tokens: 20 } });
    expect(decodeDoc(enc)).toEqual(doc);
    // The seed's map under any key is still counts, and our new keys are never read as counts.
    expect(decodeDoc({ usage_stats: '{"llama2:7b":3}', 'tokens.json': '{"x":{"prompt_tokens":1}}' }).counts).toEqual({ 'llama2:7b': 3 });
  });

  it('keeps user agents printable and bounded, and at most MAX_CLIENTS of them', () => {
    expect(clientName(undefined)).toBe('(no user agent)');
    expect(clientName('  ollama-js/0.6.4\u0000\n (x64)  ')).toBe('ollama-js/0.6.4 (x64)');
    expect(clientName('x'.repeat(1000))).toHaveLength(200);
    const doc = emptyDoc();
    for (let i = 0; i < MAX_CLIENTS + 5; i++) applyUse(doc, 'm', { client: `client-${i}` });
    expect(Object.keys(doc.clients!)).toHaveLength(MAX_CLIENTS + 1);
    expect(doc.clients![OTHER_CLIENTS]!.requests).toBe(5);
  });

  it('journal entries carry tokens and client, and old entries read as they were written', () => {
    const j = parseJournal('{"seq":1,"model":"a","t":1}\n{"seq":2,"model":"a","t":1,"pt":3,"ct":4,"c":"ua"}\n');
    expect(j.entries).toEqual([
      { seq: 1, model: 'a', t: 1 },
      { seq: 2, model: 'a', t: 1, pt: 3, ct: 4, c: 'ua' },
    ]);
  });
});

describe('the usage side', () => {
  it('replays journalled tokens after a crash exactly once, and ranks tokens and clients', async () => {
    sim.store.delete('configmaps', NS, CONFIGMAP_NAME);
    const stateDir = tempDir('kmm-tokens-');
    const dir = journalRoot(stateDir, sim.url, NS);
    mkdirSync(dir, { recursive: true });
    const id = 'test-instance-tokens';
    writeFileSync(path.join(dir, 'instance-id'), id + '\n');
    const t = Date.now();
    const entries = [1, 2, 3, 4].map((seq) => ({ seq, model: 'phi4:14b', t, pt: 10, ct: 100, c: 'OpenAI/JS 7.59.0' }));
    writeFileSync(path.join(dir, 'journal.ndjson'), entries.map((e) => JSON.stringify(e) + '\n').join(''));
    // The ConfigMap already has seqs 1-2 (the process died after writing them, before dropping them).
    const ctx = testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir });
    await ctx.kube.core.createNamespacedConfigMap({
      namespace: NS,
      body: {
        metadata: { name: CONFIGMAP_NAME },
        data: {
          'usage.json': '{"phi4:14b":2}',
          'applied.json': JSON.stringify({ [id]: 2 }),
          reset_at: '0',
          'tokens.json': '{"phi4:14b":{"prompt_tokens":20,"completion_tokens":200}}',
          'clients.json': '{"OpenAI/JS 7.59.0":{"requests":2,"prompt_tokens":20,"completion_tokens":200}}',
        },
      },
    });
    const usage = await createUsageSideWith(ctx, { minIntervalMs: 50 });
    try {
      await until(data, (d) => d['usage.json'] === '{"phi4:14b":4}');
      expect(JSON.parse(data()['tokens.json']!)).toEqual({ 'phi4:14b': { prompt_tokens: 40, completion_tokens: 400 } });
      expect(JSON.parse(data()['clients.json']!)).toEqual({ 'OpenAI/JS 7.59.0': { requests: 4, prompt_tokens: 40, completion_tokens: 400 } });
      await usage.track('phi4:14b', { prompt_tokens: 1, completion_tokens: 2, client: 'curl/8' });
      await usage.track('phi4:14b'); // an in-app try: no tokens, no client
      const r = await usage.handlers.usageRanking({});
      expect(r.models).toEqual([{ rank: 1, model: 'phi4:14b', count: 6, usage_percent: 100, prompt_tokens: 41, completion_tokens: 402 }]);
      expect(r.clients).toEqual([
        { client: 'OpenAI/JS 7.59.0', requests: 4, prompt_tokens: 40, completion_tokens: 400 },
        { client: 'curl/8', requests: 1, prompt_tokens: 1, completion_tokens: 2 },
      ]);
      await until(data, (d) => d['usage.json'] === '{"phi4:14b":6}');
    } finally {
      await usage.close();
    }
    const again = await createUsageSideWith(testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir }), { minIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 300));
    await again.close();
    expect(JSON.parse(data()['tokens.json']!)).toEqual({ 'phi4:14b': { prompt_tokens: 41, completion_tokens: 402 } });
  });

  it('a reset clears tokens and clients with the counts', async () => {
    sim.store.delete('configmaps', NS, CONFIGMAP_NAME);
    const usage = await createUsageSideWith(testContext({ kubeconfigYaml: sim.kubeconfig(), stateDir: tempDir('kmm-tokens-') }), { minIntervalMs: 20 });
    try {
      await usage.track('a:1b', { prompt_tokens: 1, completion_tokens: 1, client: 'x' });
      await until(data, (d) => 'tokens.json' in d);
      await usage.handlers.resetUsage({});
      expect(data()).not.toHaveProperty('tokens.json');
      expect(data()).not.toHaveProperty('clients.json');
      const r = await usage.handlers.usageRanking({});
      expect(r).toMatchObject({ total_requests: 0, models: [], clients: [] });
    } finally {
      await usage.close();
    }
  });
});
