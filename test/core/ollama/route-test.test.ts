// Settings' "Test": every configured route to the shared Ollama tried once, in order, on the
// simulated cluster: which answers (with Ollama's version), which does not and why, how fast;
// the route in use is left as it is.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import type { Handlers } from '../../../preload/contract/index.ts';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import { makeWorld, until, type World } from './world.ts';

let sim: SimCluster;
let w: World;
beforeAll(async () => {
  sim = await startSimCluster({ quiet: true });
  // Nothing listens on port 9: the explicit URL fails, the service proxy answers.
  w = await makeWorld(sim.kube, { routes: ['explicit', 'service-proxy', 'localhost'], ollamaUrl: 'http://127.0.0.1:9' });
});
afterAll(async () => {
  await w?.close();
  await sim?.close();
});

it('tries each route once, in order, and says which answers, its version and how fast', async () => {
  // The side finds its route in the background at start: let it, then test.
  const before = await until(() => w.route(), (r) => r !== null);
  const r = await dispatch(w.side.handlers as unknown as Handlers, 'testOllamaRoutes', {});
  expect(r.routes.map((t) => t.kind)).toEqual(['explicit', 'service-proxy', 'localhost']);
  const [explicit, proxy] = r.routes;
  expect(explicit).toMatchObject({ ok: false, url: 'http://127.0.0.1:9', version: null });
  expect(explicit!.error).toMatch(/ECONNREFUSED|refused/);
  expect(proxy).toMatchObject({ ok: true, kind: 'service-proxy', error: null });
  expect(proxy!.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(proxy!.url).toContain('/services/ollama-service:11434/proxy');
  for (const t of r.routes) expect(t.ms).toBeGreaterThanOrEqual(0);
  // A test leaves the route in use alone.
  expect(w.route()).toEqual(before);
});
