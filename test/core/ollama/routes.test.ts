// Reaching Ollama: explicit URL, the API server's service proxy, a port-forward to a ready
// pod (re-established through the new pod when that pod is deleted and its tunnels close),
// a dead route followed by the next one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, startOllamaSim, type SimCluster } from '../../sim/index.ts';
import type { OllamaSim } from '../../sim/ollama/server.ts';
import { makeWorld, until } from './world.ts';

let sim: SimCluster;
let other: OllamaSim; // a second Ollama, reached only by the explicit URL

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, ollama: { installed: ['llama3.2:1b', 'qwen2.5:0.5b'] } });
  other = await startOllamaSim({ installed: ['tinyllama:1.1b'] });
});
afterAll(async () => {
  await other?.close();
  await sim?.close();
});

const names = (r: { models: { name: string }[] }) => r.models.map((m) => m.name).sort();

describe('routes to Ollama', () => {
  it('uses the explicit URL first (settings or OLLAMA_HOST)', async () => {
    const w = await makeWorld(sim.kube, { routes: ['explicit', 'service-proxy'], env: { OLLAMA_HOST: other.url.replace('http://', '') } });
    try {
      const r = await w.side.handlers.listModels({});
      expect(names(r)).toEqual(['tinyllama:1.1b']);
      expect(r.route).toEqual({ kind: 'explicit', url: other.url });
      expect(w.route()).toEqual({ kind: 'explicit', url: other.url });
    } finally {
      await w.close();
    }
  });

  it('reaches Ollama through the service proxy with the kubeconfig credentials', async () => {
    const w = await makeWorld(sim.kube, { routes: ['service-proxy'] });
    try {
      const r = await w.side.handlers.listModels({});
      expect(names(r)).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
      expect(r.route.kind).toBe('service-proxy');
      expect(r.route.url).toBe(`${sim.kube.url}/api/v1/namespaces/model-hosting/services/ollama-service:11434/proxy`);
      expect(JSON.stringify(r.route)).not.toContain(sim.kube.token);
    } finally {
      await w.close();
    }
  });

  it('refuses the service proxy with a token that is not valid (no route, 503 naming each try)', async () => {
    const yaml = sim.kube.kubeconfig({ token: 'not-a-token' });
    const { createOllamaSide } = await import('../../../main/core/ollama/index.ts');
    const { testContext } = await import('../usage/context.ts');
    const ctx = testContext({ kubeconfigYaml: yaml });
    ctx.settings.update({ ollamaRoutes: ['service-proxy'] });
    const side = await createOllamaSide(ctx, { freeVram: async () => ({ available_vram_gb: 0, largest_free_gpu_gb: 0 }), estimate: async () => { throw new Error('x'); } }, { track: async () => {} });
    try {
      const err = await side.handlers.listModels({}).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 503 });
      expect((err as Error).message).toMatch(/service-proxy: \/api\/version answered HTTP 401/);
      expect(side.facts.route()).toBeNull();
    } finally {
      await side.close();
    }
  });

  it('drops a dead route and takes the next one', async () => {
    // The explicit URL refuses connections: the service proxy is next.
    const w = await makeWorld(sim.kube, { routes: ['explicit', 'service-proxy'], ollamaUrl: 'http://127.0.0.1:9' });
    try {
      const r = await w.side.handlers.listModels({});
      expect(r.route.kind).toBe('service-proxy');
      expect(names(r)).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
    } finally {
      await w.close();
    }
  });

  it('moves to the next route when the one in use dies mid-session', async () => {
    const extra = await startOllamaSim({ installed: ['phi3:mini'] });
    const w = await makeWorld(sim.kube, { routes: ['explicit', 'service-proxy'], ollamaUrl: extra.url });
    try {
      expect(names(await w.side.handlers.listModels({}))).toEqual(['phi3:mini']);
      expect(w.route()?.kind).toBe('explicit');
      await extra.stop();
      const r = await w.side.handlers.listModels({});
      expect(r.route.kind).toBe('service-proxy');
      expect(names(r)).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
      expect(w.ctx.lines.some((l) => l.startsWith('[OLLAMA] dropping route explicit'))).toBe(true);
    } finally {
      await w.close();
      await extra.close();
    }
  });

  it('probes again when the operator changes the Ollama URL or the route order', async () => {
    const w = await makeWorld(sim.kube, { routes: ['explicit', 'service-proxy'], ollamaUrl: other.url });
    try {
      expect((await w.side.handlers.listModels({})).route.kind).toBe('explicit');
      w.ctx.settings.update({ ollamaUrl: null });
      expect((await w.side.handlers.listModels({})).route.kind).toBe('service-proxy');
      w.ctx.settings.update({ ollamaRoutes: ['port-forward'] });
      expect((await w.side.handlers.listModels({})).route.kind).toBe('port-forward');
    } finally {
      await w.close();
    }
  });

  it('says which routes it tried when none answers', async () => {
    const w = await makeWorld(sim.kube, { routes: ['explicit', 'localhost'], ollamaUrl: 'http://127.0.0.1:9' });
    try {
      const err = await w.side.handlers.listModels({}).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 503 });
      expect((err as Error).message).toContain('explicit http://127.0.0.1:9');
      expect((err as Error).message).toContain('http://localhost:11434');
      expect(w.route()).toBeNull();
    } finally {
      await w.close();
    }
  });

  it('reaches Ollama through a port-forward and re-establishes it when the pod goes away', async () => {
    const w = await makeWorld(sim.kube, { routes: ['port-forward'] });
    try {
      const r = await w.side.handlers.listModels({});
      expect(r.route.kind).toBe('port-forward');
      expect(r.route.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+ \(pod model-hosting\/ollama-/);
      expect(names(r)).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
      // A streamed request through the tunnel too.
      const g = await w.side.handlers.generate({ model: 'qwen2.5:0.5b', prompt: 'hi' });
      expect(g.response.length).toBeGreaterThan(0);

      const oldPod = /pod model-hosting\/(\S+)\)/.exec(r.route.url)![1]!;
      const core = w.ctx.kube.core;
      const oldUid = (await core.readNamespacedPod({ name: oldPod, namespace: 'model-hosting' })).metadata!.uid!;
      const pf = sim.kube.portForwards;
      expect(pf.records.some((x) => x.uid === oldUid)).toBe(true);
      const before = pf.records.length;
      // The Ollama simulator keeps running: only the pod goes, and the API server ends its
      // tunnels as a kubelet does. The deployment controller makes a new pod.
      await core.deleteNamespacedPod({ name: oldPod, namespace: 'model-hosting', gracePeriodSeconds: 0 });
      expect(pf.openFor(oldUid)).toBe(0);
      expect(pf.records.filter((x) => x.uid === oldUid && x.closedBy === 'pod-gone').length).toBeGreaterThan(0);
      const after = await until(
        () => w.side.handlers.listModels({}).catch(() => null),
        (x) => !!x && !x.route.url.includes(oldPod),
        8000,
      );
      expect(after).not.toBeNull();
      expect(after!.route.kind).toBe('port-forward');
      expect(after!.route.url).not.toContain(oldPod);
      expect(names(after!)).toEqual(['llama3.2:1b', 'qwen2.5:0.5b']);
      const newPod = /pod model-hosting\/(\S+)\)/.exec(after!.route.url)![1]!;
      const fresh = await core.readNamespacedPod({ name: newPod, namespace: 'model-hosting' });
      expect(fresh.metadata!.uid).not.toBe(oldUid);
      // Every tunnel opened since the deletion went to the new pod, none to the old one.
      const since = pf.records.slice(before);
      expect(since.length).toBeGreaterThan(0);
      expect(since.every((x) => x.pod === newPod && x.uid === fresh.metadata!.uid)).toBe(true);
      // A streamed request through the new tunnel too.
      const g2 = await w.side.handlers.generate({ model: 'qwen2.5:0.5b', prompt: 'hi again' });
      expect(g2.response.length).toBeGreaterThan(0);
      expect(pf.records.slice(before).every((x) => x.pod === newPod)).toBe(true);
    } finally {
      await w.close();
    }
  });
});
