// Models, deletion, tries and the catalogue against the simulated Ollama (through the
// service proxy, as from a workstation), with every error path.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import type { Handlers } from '../../../preload/contract/index.ts';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import { fakeGpu, makeWorld, type World } from './world.ts';
import { CURATED } from '../../../main/core/vram/catalogue.ts';

// Every `_gb` field is GiB; the curated download sizes are in 1e9 bytes.
const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 100) / 100;
const curatedGib = (name: string) => gib(CURATED.find((m) => m.name === name)!.downloadGb * 1e9);

let sim: SimCluster;
let w: World;
const h = () => w.side.handlers as unknown as Handlers;

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, ollama: { installed: ['llama3.2:1b', 'qwen2.5:0.5b', 'mistral:7b'], loaded: ['llama3.2:1b'] } });
  w = await makeWorld(sim.kube, { routes: ['service-proxy'] });
});
afterAll(async () => {
  await w?.close();
  await sim?.close();
});

describe('models', () => {
  it('lists what Ollama holds with size, family, parameters, quantization, and what is loaded with its VRAM', async () => {
    const r = await dispatch(h(), 'listModels', {});
    expect(r.success).toBe(true);
    expect(r.count).toBe(3);
    const llama = r.models.find((m) => m.name === 'llama3.2:1b')!;
    expect(llama).toMatchObject({ family: 'llama', loaded: true, quantization_level: expect.any(String), parameter_size: expect.stringMatching(/B$/) });
    expect(llama.size).toBeGreaterThan(1e9);
    expect(llama.size_gb).toBe(gib(llama.size));
    expect(llama.size_vram).toBeGreaterThan(0);
    expect(llama.expires_at).toBeTruthy();
    const qwen = r.models.find((m) => m.name === 'qwen2.5:0.5b')!;
    expect(qwen).toMatchObject({ family: 'qwen2', loaded: false, size_vram: null, expires_at: null });
  });

  it("keeps every field Ollama's /api/tags returns, as Ollama returns it (scripts of the seed read details and model)", async () => {
    // Ollama's own answer, read directly from the simulator (an independent HTTP client).
    const direct = (await (await fetch(`${sim.ollama.url}/api/tags`)).json()) as { models: Record<string, unknown>[] };
    const r = await dispatch(h(), 'listModels', {});
    expect(direct.models.length).toBe(r.models.length);
    for (const own of direct.models) {
      const ours = r.models.find((m) => m.name === own.name) as Record<string, unknown> | undefined;
      expect(ours, String(own.name)).toBeDefined();
      for (const [key, value] of Object.entries(own)) expect(ours![key], `${String(own.name)}.${key}`).toEqual(value);
    }
    expect(r.models[0]!.details).toMatchObject({ format: 'gguf', family: expect.any(String) });
  });

  it('gives the cluster side loaded VRAM and model facts', async () => {
    const bytes = await w.side.facts.loadedVramBytes();
    expect(bytes).toBeGreaterThan(0);
    const facts = await w.side.facts.modelFacts('llama3.2:1b');
    expect(facts?.sizeBytes).toBeGreaterThan(1e9);
    expect(facts?.modelInfo['general.architecture']).toBe('llama');
    expect(facts?.contextLength).toBeGreaterThan(0); // loaded: the context it runs with
    expect(await w.side.facts.modelFacts('gemma3:27b')).toBeNull(); // not held
  });

  it('deletes a model (200), answers 404 with Ollama\'s message when it has none, 400 for an invalid name', async () => {
    const ok = await dispatch(h(), 'deleteModel', { model: 'mistral:7b' });
    expect(ok).toMatchObject({ success: true, model: 'mistral:7b' });
    expect(sim.ollama.state.installed()).not.toContain('mistral:7b');
    await expect(dispatch(h(), 'deleteModel', { model: 'mistral:7b' })).rejects.toMatchObject({ status: 404, message: "model 'mistral:7b' not found" });
    await expect(dispatch(h(), 'deleteModel', { model: 'no spaces allowed' })).rejects.toMatchObject({ status: 400 });
    await expect(dispatch(h(), 'deleteModel', {})).rejects.toMatchObject({ status: 400 });
  });

  it('retries what is safe to repeat (3 tries on 5xx), never a generate', async () => {
    // A scripted Ollama: tags fails `failures` times with 503 then answers; generate always 500.
    let failures = 2;
    const hits = { tags: 0, generate: 0 };
    const flaky = createServer((req, res) => {
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/api/version') return send(200, { version: '0.12.6' });
      if (req.url === '/api/ps') return send(200, { models: [] });
      if (req.url === '/api/tags') {
        hits.tags++;
        return failures-- > 0 ? send(503, { error: 'busy' }) : send(200, { models: [] });
      }
      if (req.url === '/api/generate') {
        hits.generate++;
        return send(500, { error: 'llama runner process has terminated' });
      }
      send(404, { error: 'not found' });
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', () => r()));
    const w2 = await makeWorld(sim.kube, { routes: ['explicit'], ollamaUrl: `http://127.0.0.1:${(flaky.address() as { port: number }).port}` });
    try {
      expect((await w2.side.handlers.listModels({})).count).toBe(0);
      expect(hits.tags).toBe(3);
      failures = 3;
      hits.tags = 0;
      await expect(w2.side.handlers.listModels({})).rejects.toMatchObject({ status: 503 });
      expect(hits.tags).toBe(3);
      await expect(w2.side.handlers.generate({ model: 'qwen2.5:0.5b', prompt: 'hi' })).rejects.toMatchObject({
        status: 502,
        message: expect.stringContaining('llama runner process has terminated'),
      });
      expect(hits.generate).toBe(1);
      expect(w2.tracked).toEqual([]);
    } finally {
      await w2.close();
      flaky.close();
    }
  });
});

describe('generate', () => {
  it('answers with the metrics and counts the use', async () => {
    const before = w.tracked.length;
    const r = await dispatch(h(), 'generate', { model: 'qwen2.5:0.5b', prompt: 'Hello! Please introduce yourself.' });
    expect(r.success).toBe(true);
    expect(r.response.length).toBeGreaterThan(0);
    expect(r.metrics.eval_count).toBeGreaterThan(0);
    expect(r.metrics.eval_duration_ms).toBeGreaterThan(0);
    const expected = r.metrics.eval_count / (r.metrics.eval_duration_ms / 1000);
    expect(r.metrics.tokens_per_second).toBeCloseTo(expected, -1);
    expect(w.tracked.slice(before)).toEqual(['qwen2.5:0.5b']);
  });

  it("answers 404 with Ollama's message for a model it does not have, and counts nothing", async () => {
    const before = w.tracked.length;
    await expect(dispatch(h(), 'generate', { model: 'gemma3:27b', prompt: 'hi' })).rejects.toMatchObject({
      status: 404,
      message: "model 'gemma3:27b' not found",
    });
    await expect(dispatch(h(), 'generate', { model: 'bad name', prompt: 'hi' })).rejects.toMatchObject({ status: 400 });
    await expect(dispatch(h(), 'generate', { model: 'qwen2.5:0.5b', prompt: 42 })).rejects.toMatchObject({ status: 400 });
    expect(w.tracked.length).toBe(before);
  });

  it('without a prompt loads the model, as Ollama does, and counts no use', async () => {
    const before = w.tracked.length;
    // Unloaded first, the way Ollama's own clients do it (keep_alive 0), straight at the simulator.
    await fetch(`${sim.ollama.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'qwen2.5:0.5b', keep_alive: 0 }) });
    expect(sim.ollama.state.loaded()).not.toContain('qwen2.5:0.5b');
    const r = await dispatch(h(), 'generate', { model: 'qwen2.5:0.5b' });
    expect(r).toMatchObject({ success: true, response: '', done_reason: 'load' });
    expect(sim.ollama.state.loaded()).toContain('qwen2.5:0.5b');
    const empty = await dispatch(h(), 'generate', { model: 'qwen2.5:0.5b', prompt: '' });
    expect(empty.done_reason).toBe('load');
    expect(w.tracked.length).toBe(before);
    // The list of loaded models is asked afresh: it shows the model just loaded.
    const listed = await dispatch(h(), 'listModels', {});
    expect(listed.models.find((m) => m.name === 'qwen2.5:0.5b')?.loaded).toBe(true);
  });

  it('answers 503 when Ollama\'s queue is full, without repeating the request', async () => {
    sim.ollama.faults.queueFull = true;
    const before = sim.ollama.state.generateCounts.get('qwen2.5:0.5b') ?? 0;
    try {
      await expect(dispatch(h(), 'generate', { model: 'qwen2.5:0.5b', prompt: 'hi' })).rejects.toMatchObject({ status: 503 });
    } finally {
      sim.ollama.faults.queueFull = false;
    }
    expect(sim.ollama.state.generateCounts.get('qwen2.5:0.5b') ?? 0).toBe(before);
  });

  it('streams chunks as generateChunk events with the stream id, then the metrics', async () => {
    const chunks: { stream_id: string; text: string; done: boolean }[] = [];
    const off = w.ctx.events.on('generateChunk', (c) => chunks.push(c));
    const before = w.tracked.length;
    try {
      const r = await dispatch(h(), 'generateStream', { model: 'llama3.2:1b', prompt: 'Tell me a story', stream_id: 'abc-1' });
      expect(chunks.length).toBeGreaterThan(2);
      expect(chunks.every((c) => c.stream_id === 'abc-1')).toBe(true);
      expect(chunks.at(-1)!.done).toBe(true);
      expect(chunks.map((c) => c.text).join('')).toBe(r.response);
      expect(r.metrics.tokens_per_second).toBeGreaterThan(0);
      expect(w.tracked.slice(before)).toEqual(['llama3.2:1b']);
      await expect(dispatch(h(), 'generateStream', { model: 'llama3.2:1b', prompt: 'x', stream_id: 'bad id!' })).rejects.toMatchObject({ status: 400 });
    } finally {
      off();
    }
  });

  it('keeps the answer when counting the use fails', async () => {
    const w2 = await makeWorld(sim.kube, { routes: ['service-proxy'], trackFails: true });
    try {
      const r = await w2.side.handlers.generate({ model: 'qwen2.5:0.5b', prompt: 'hi' });
      expect(r.success).toBe(true);
      expect(w2.ctx.lines.some((l) => l.startsWith('[USAGE] could not count use of qwen2.5:0.5b'))).toBe(true);
    } finally {
      await w2.close();
    }
  });
});

describe('catalogue', () => {
  it('answers within 2 s from the curated list when the registry does not answer', async () => {
    // A registry that accepts connections and never answers: the worst case.
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer(() => {});
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const gpu = fakeGpu(10, 30);
    const w2 = await makeWorld(sim.kube, { routes: ['service-proxy'], env: { OLLAMA_REGISTRY_URL: `http://127.0.0.1:${port}` }, gpu });
    try {
      const started = Date.now();
      const r = await dispatch(w2.side.handlers as unknown as Handlers, 'catalog', {});
      expect(Date.now() - started).toBeLessThan(2000);
      expect(r.source).toBe('curated');
      const names = r.models.map((m) => m.name);
      for (const n of ['llama3.1:8b', 'llama3.2:3b', 'llama3.3:70b', 'qwen2.5-coder:7b', 'deepseek-r1:7b', 'gemma3:4b', 'mistral:7b', 'phi4:14b', 'codellama:7b', 'deepseek-coder:6.7b', 'tinyllama:1.1b']) {
        expect(names).toContain(n);
      }
      // Download sizes from the one model table (REFERENCE.md's list where it has them), in GiB.
      expect(r.models.find((m) => m.name === 'llama3.1:8b')?.size_gb).toBe(curatedGib('llama3.1:8b'));
      expect(r.models.find((m) => m.name === 'llama3.1:70b')?.size_gb).toBe(curatedGib('llama3.1:70b'));
      expect(r.largest_free_gpu_gb).toBe(10);
      expect(r.available_vram_gb).toBe(30);
      for (const m of r.models) {
        expect(m.estimate.model).toBe(m.name);
        expect(m.fits).toBe(m.estimate.required_vram_gb <= 10);
      }
      expect(r.models.find((m) => m.name === 'llama3.2:1b')?.fits).toBe(true);
      expect(r.models.find((m) => m.name === 'llama3.3:70b')?.fits).toBe(false);
      expect(r.models.find((m) => m.name === 'llama3.2:1b')?.installed).toBe(true);
      expect(r.models.find((m) => m.name === 'phi4:14b')?.installed).toBe(false);
      expect(gpu.asked).toContain('llama3.1:8b');
    } finally {
      await w2.close();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('takes download sizes from registry manifests when the registry answers, and drops names it no longer has', async () => {
    const registry = createServer((req, res) => {
      const m = /^\/v2\/library\/([^/]+)\/manifests\/(.+)$/.exec(req.url ?? '');
      if (!m || m[1] === 'llama2') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN' }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
      res.end(JSON.stringify({ schemaVersion: 2, layers: [{ mediaType: 'application/vnd.ollama.image.model', size: 1_234_000_000 }, { mediaType: 'application/vnd.ollama.image.template', size: 1_000_000 }] }));
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', () => r()));
    const port = (registry.address() as { port: number }).port;
    const w2 = await makeWorld(sim.kube, { routes: ['service-proxy'], env: { OLLAMA_REGISTRY_URL: `http://127.0.0.1:${port}` } });
    try {
      const r = await w2.side.handlers.catalog({});
      expect(r.source).toBe('registry');
      expect(r.models.find((m) => m.name === 'mistral:7b')?.size_gb).toBe(gib(1_234_000_000 + 1_000_000));
      expect(r.models.some((m) => m.name === 'llama2:7b')).toBe(false);
    } finally {
      await w2.close();
      registry.close();
    }
  });

  it('still answers when the cluster side cannot estimate, with an estimate from the download size', async () => {
    const gpu = { freeVram: async () => ({ available_vram_gb: 8, largest_free_gpu_gb: 8 }), estimate: async () => { throw new Error('cluster down'); } };
    const w2 = await makeWorld(sim.kube, { routes: ['service-proxy'], env: { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' }, gpu });
    try {
      const r = await w2.side.handlers.catalog({});
      const e = r.models.find((m) => m.name === 'llama3.1:8b')!;
      expect(e.estimate.required_vram_gb).toBeGreaterThan(e.size_gb!);
      expect(e.fits).toBe(e.estimate.required_vram_gb <= 8);
    } finally {
      await w2.close();
    }
  });
});
