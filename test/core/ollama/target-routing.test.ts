// Ollama operations on a model deployment's own Ollama (`target`): a pull, a generate, the
// list, unload and keep-loaded reach that deployment's pod (its own simulated Ollama, through
// the API server's service proxy), not the shared Ollama; a deployment that is not a model
// deployment of this app is a 404 naming it; a bad target is a 400 naming the field.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger, silentLogger } from '../../../main/core/log.ts';
import { ModelManager } from '../../../main/core/manager.ts';
import { fileSettings } from '../../../main/core/settings.ts';
import { startRestServer, type RestServer } from '../../../main/rest/server.ts';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import type { OllamaSim } from '../../sim/ollama/server.ts';
import { until } from './world.ts';

const NS = 'model-hosting';
const TOKEN = 'target-routing-token';
let sim: SimCluster;
let manager: ModelManager;
let rest: RestServer;
let own: OllamaSim;
const log = memoryLogger();

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, readyDelayMs: 100 });
  sim.kube.podOllamas.pullBytesPerSecond = 2e10;
  const dir = mkdtempSync(join(tmpdir(), 'kmm-target-'));
  const settings = fileSettings(join(dir, 'settings'));
  settings.update({ ollamaRoutes: ['service-proxy'] });
  manager = await ModelManager.create({ kubeconfigYaml: sim.kube.kubeconfig(), settings, stateDir: join(dir, 'state'), log, env: {} });
  rest = await startRestServer({ host: '127.0.0.1', port: 0, getHandlers: () => manager.handlers, events: manager.ctx.events, token: TOKEN, log: silentLogger });
  await manager.handlers.deploy({ model_id: 'llama3.2:1b', deployment_name: 'small', memory: 8 } as never);
  const pod = await until(
    async () => (await manager.ctx.kube.core.listNamespacedPod({ namespace: NS, labelSelector: 'app.kubernetes.io/name=small' })).items[0]?.metadata?.name,
    (n) => !!n,
    10_000,
  );
  own = (await until(async () => sim.kube.podOllamas.of(NS, pod!), (o) => !!o, 10_000))!;
  await until(async () => (await manager.handlers.listDeployments({})).models.find((d) => d.name === 'small')?.status, (s) => s === 'Running', 15_000);
}, 40_000);
afterAll(async () => {
  await rest?.close();
  await manager?.close();
  await sim?.close();
});

const target = { namespace: NS, name: 'small' };
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(rest.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('Ollama operations on a deployment\'s Ollama', { timeout: 30_000 }, () => {
  it('pulls onto the deployment\'s own Ollama, not the shared one, and lists it there', async () => {
    expect(own.state.installed()).not.toContain('tinyllama:latest');
    const r = await call('POST', '/api/ollama/pull', { model: 'tinyllama', target });
    expect(r.status).toBe(202);
    expect(r.body.progress).toMatchObject({ target: `${NS}/small` });
    const p = await until(
      () => call('GET', `/api/ollama/pull/progress/tinyllama?target=${NS}/small`),
      (x) => x.body.status === 'success' || x.body.status === 'error',
      15_000,
    );
    expect(p.body).toMatchObject({ status: 'success', target: `${NS}/small` });
    expect(own.state.installed()).toContain('tinyllama:latest');
    expect(sim.ollama.state.installed()).not.toContain('tinyllama:latest');
    expect(sim.ollama.state.pullCounts.get('tinyllama:latest') ?? 0).toBe(0);
    // The shared Ollama has no such pull; the list of every pull names where each runs.
    expect((await call('GET', '/api/ollama/pull/progress/tinyllama')).status).toBe(404);
    const all = await call('GET', '/api/ollama/pulls');
    expect((all.body.pulls as { model: string; target?: string }[]).find((x) => x.model === 'tinyllama')?.target).toBe(`${NS}/small`);
    const listed = await call('GET', `/api/ollama/models?target=${NS}/small`);
    expect(listed.status).toBe(200);
    expect((listed.body.models as { name: string }[]).map((m) => m.name)).toContain('tinyllama:latest');
    expect((listed.body.route as { url: string }).url).toContain(`/namespaces/${NS}/services/small:11434/proxy`);
    const shared = await call('GET', '/api/ollama/models');
    expect((shared.body.models as { name: string }[]).map((m) => m.name)).not.toContain('tinyllama:latest');
  });

  it('generates on the deployment\'s Ollama, and unloads and keeps models loaded there', async () => {
    const sharedBefore = sim.ollama.state.generateCounts.get('llama3.2:1b') ?? 0;
    const ownBefore = own.state.generateCounts.get('llama3.2:1b') ?? 0;
    const r = await call('POST', '/api/ollama/generate', { model: 'llama3.2:1b', prompt: 'Hello', target });
    expect(r.status).toBe(200);
    expect(String(r.body.response).length).toBeGreaterThan(0);
    expect(own.state.generateCounts.get('llama3.2:1b')).toBe(ownBefore + 1);
    expect(sim.ollama.state.generateCounts.get('llama3.2:1b') ?? 0).toBe(sharedBefore);
    expect(own.state.loaded()).toContain('llama3.2:1b');

    const u = await call('POST', '/api/ollama/unload', { model: 'llama3.2:1b', target });
    expect(u).toMatchObject({ status: 200, body: { success: true, model: 'llama3.2:1b' } });
    expect(own.state.loaded()).not.toContain('llama3.2:1b');

    const k = await call('POST', '/api/ollama/keep-loaded', { model: 'llama3.2:1b', target });
    expect(k.status).toBe(200);
    expect(own.state.loaded()).toContain('llama3.2:1b');
    const ps = await call('GET', `/api/ollama/models?target=${NS}/small`);
    const m = (ps.body.models as { name: string; loaded: boolean; expires_at: string | null }[]).find((x) => x.name === 'llama3.2:1b')!;
    expect(m.loaded).toBe(true);
    // keep_alive -1: Ollama says it expires far in the future.
    expect(Date.parse(m.expires_at!) - Date.now()).toBeGreaterThan(365 * 24 * 3600_000);
    expect(sim.ollama.state.loaded()).not.toContain('tinyllama:latest');
  });

  it('answers 404 naming namespace/name for a deployment that is not a model deployment of this app', async () => {
    await manager.ctx.kube.apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
      },
    });
    const r = await call('POST', '/api/ollama/generate', { model: 'llama3.2:1b', prompt: 'Hi', target: { namespace: NS, name: 'web' } });
    expect(r.status).toBe(404);
    expect(r.body.error).toContain(`${NS}/web`);
    const none = await call('GET', `/api/ollama/models?target=${NS}/nothing-here`);
    expect(none.status).toBe(404);
    expect(none.body.error).toContain(`${NS}/nothing-here`);
  });

  it('refuses a bad target with a 400 naming the field, before asking Kubernetes or Ollama', async () => {
    for (const bad of [{ namespace: 'Bad_NS', name: 'small' }, { namespace: NS }, 'no-slash', { namespace: NS, name: 'small', extra: 1 }]) {
      const r = await call('POST', '/api/ollama/pull', { model: 'tinyllama', target: bad });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(String(r.body.error)).toMatch(/target/);
    }
    const q = await call('GET', '/api/ollama/models?target=..%2Fetc');
    expect(q.status).toBe(400);
    expect(String(q.body.error)).toMatch(/target/);
  });

  it("cancels a pull on the deployment's Ollama by target and model; the shared Ollama has no such pull", async () => {
    const started = await call('POST', '/api/ollama/pull', { model: 'llama3.3:70b', target });
    expect(started.status).toBe(202);
    expect((await call('DELETE', '/api/ollama/pull/llama3.3:70b')).status).toBe(404);
    const c = await call('DELETE', '/api/ollama/pull/llama3.3:70b', { target });
    expect(c).toMatchObject({ status: 200, body: { success: true } });
    expect(String(c.body.message)).toContain(`${NS}/small`);
    const p = await call('GET', `/api/ollama/pull/progress/llama3.3:70b?target=${NS}/small`);
    expect(p.body).toMatchObject({ status: 'cancelled', target: `${NS}/small` });
  });

  it("closes the deployment's Ollama client when the deployment goes, and then answers 404 for it", async () => {
    // A pull running there when it goes ends as cancelled, saying why.
    const started = await call('POST', '/api/ollama/pull', { model: 'llama3.1:70b', target });
    expect(started.status).toBe(202);
    expect(started.body.progress).toMatchObject({ finished_at: null });
    await manager.handlers.deleteDeployment({ namespace: NS, deployment_name: 'small' });
    await until(async () => log.lines.some((l) => l.includes(`[OLLAMA] closing the client of ${NS}/small`)), (x) => x, 10_000);
    expect(log.lines.find((l) => l.includes(`[OLLAMA] closing the client of ${NS}/small`))).toContain('was deleted');
    const pulls = await call('GET', '/api/ollama/pulls');
    expect((pulls.body.pulls as { target?: string }[]).some((p) => p.target === `${NS}/small`)).toBe(false);
    const gone = await until(() => call('GET', `/api/ollama/models?target=${NS}/small`), (r) => r.status === 404, 10_000);
    expect(gone.body.error).toContain(`${NS}/small is not a model deployment`);
  });
});
