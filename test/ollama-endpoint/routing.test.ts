// Where a model's requests go: a model served by a managed deployment goes to that
// deployment's Service through the API server's service proxy, every other to the shared
// Ollama; the operator sees the mapping (ollamaEndpointRoutes) and overrides it in settings.
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/dispatch.ts';
import { startWorld, storedUsage, until, type World } from './harness.ts';

let w: World;
beforeAll(async () => {
  w = await startWorld();
  await w.manager.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'qwen-small', memory: 4 });
  await until(
    async () => (await w.manager.handlers.listDeployments({})).models.find((d) => d.name === 'qwen-small')?.status,
    (s) => s === 'Running',
    15_000,
  );
}, 30_000);
afterAll(async () => {
  await w?.close();
});

async function generateVia(model: string): Promise<{ status: number; target: string | null; body: string }> {
  const res = await fetch(`${w.endpoint.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model, prompt: 'where do I go?', stream: false }) });
  return { status: res.status, target: res.headers.get('x-model-manager-target'), body: await res.text() };
}

describe('the endpoint mapping', () => {
  it('sends a model a managed deployment serves to its Service, the rest to the shared Ollama', async () => {
    const routes = await w.manager.handlers.ollamaEndpointRoutes({});
    expect(routes).toMatchObject({ success: true, enabled: false, port: 11435, default_target: 'shared' });
    expect(routes.routes.find((r) => r.model === 'qwen2.5:0.5b')).toMatchObject({
      target: 'model-hosting/qwen-small',
      source: 'deployment',
      url: expect.stringMatching(/\/api\/v1\/namespaces\/model-hosting\/services\/qwen-small:\d+\/proxy$/),
    });
    expect(routes.routes.find((r) => r.model === 'llama3.2:1b')).toMatchObject({ target: 'shared', source: 'default', url: expect.stringContaining('ollama-service') });

    const q = await generateVia('qwen2.5:0.5b');
    expect(q).toMatchObject({ status: 200, target: 'model-hosting/qwen-small' });
    expect(JSON.parse(q.body).done).toBe(true);
    const l = await generateVia('llama3.2:1b');
    expect(l).toMatchObject({ status: 200, target: 'shared' });
    // The ollama client, unchanged, reaches the deployment the same way; its use counts the same.
    const ollama = new Ollama({ host: w.endpoint.url });
    await ollama.chat({ model: 'qwen2.5:0.5b', messages: [{ role: 'user', content: 'hi' }] });
    const stored = await until(() => storedUsage(w.sim), (s) => s.counts['qwen2.5:0.5b'] === 2);
    expect(stored.counts['qwen2.5:0.5b']).toBe(2);
  });

  it('follows the operator\'s setting over the default, both ways', async () => {
    w.settings.update({ ollamaEndpointTargets: { 'qwen2.5:0.5b': 'shared', 'llama3.2:1b': 'model-hosting/missing-one' } });
    try {
      const routes = await w.manager.handlers.ollamaEndpointRoutes({});
      expect(routes.routes.find((r) => r.model === 'qwen2.5:0.5b')).toMatchObject({ target: 'shared', source: 'setting' });
      expect(routes.routes.find((r) => r.model === 'llama3.2:1b')).toMatchObject({ target: 'model-hosting/missing-one', source: 'setting' });
      expect(await generateVia('qwen2.5:0.5b')).toMatchObject({ status: 200, target: 'shared' });
      // There is no such Service: the API server's answer comes back as it is, and nothing is counted.
      const before = storedUsage(w.sim).counts['llama3.2:1b'] ?? 0;
      const miss = await generateVia('llama3.2:1b');
      expect(miss.target).toBe('model-hosting/missing-one');
      expect(miss.status).toBe(404);
      expect(JSON.parse(miss.body)).toEqual({ error: expect.stringMatching(/^the Kubernetes API server answered for Ollama \(model-hosting\/missing-one\): .*missing-one/) });
      await generateVia('qwen2.5:0.5b');
      await until(() => storedUsage(w.sim), (s) => s.counts['qwen2.5:0.5b'] === 4);
      expect(storedUsage(w.sim).counts['llama3.2:1b'] ?? 0).toBe(before);
    } finally {
      w.settings.update({ ollamaEndpointTargets: {} });
    }
  });

  it("lists the models deployments' own Ollamas serve beside the shared Ollama's", async (t) => {
    await w.manager.handlers.deploy({ model_id: 'tinyllama:1.1b', deployment_name: 'tiny', memory: 4 });
    await until(async () => (await w.manager.handlers.listDeployments({})).models.find((d) => d.name === 'tiny')?.status, (s) => s === 'Running', 20_000);
    expect(w.sim.ollama.state.installed()).not.toContain('tinyllama:1.1b');
    const probe = await generateVia('tinyllama:1.1b');
    expect(probe.target).toBe('model-hosting/tiny');
    // Only where each pod runs an Ollama of its own (the simulator's per-pod Ollama) is there something to add.
    if (probe.status === 404) return t.skip();
    expect(probe.status).toBe(200);
    const ollama = new Ollama({ host: w.endpoint.url });
    const names = (await ollama.list()).models.map((m) => m.name);
    expect(names).toContain('tinyllama:1.1b');
    expect(names.filter((n) => n === 'qwen2.5:0.5b')).toHaveLength(1); // in both: listed once
    const v1 = (await (await fetch(`${w.endpoint.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(v1.data.map((m) => m.id)).toContain('tinyllama:1.1b');
  });

  it('refuses a setting that names no deployment in the right form, naming the field', async () => {
    const err = await dispatch(w.manager.handlers, 'updateSettings', { ollamaEndpointTargets: { 'llama3.2:1b': 'Not A/Target' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, message: expect.stringContaining('ollamaEndpointTargets') });
    expect(w.settings.get().ollamaEndpointTargets).toEqual({});
  });
});
