// The Ollama and usage sides wired into the ModelManager with the real cluster side: health
// shows the route, the catalogue gets the cluster's estimates in time, a try is counted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import { memoryLogger } from '../../../main/core/log.ts';
import { ModelManager } from '../../../main/core/manager.ts';
import { fileSettings } from '../../../main/core/settings.ts';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import { tempDir } from '../usage/context.ts';
import { until } from './world.ts';

let sim: SimCluster;
let mm: ModelManager;

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, ollama: { installed: ['qwen2.5:0.5b'] } });
  const dir = tempDir('kmm-mm-');
  const settings = fileSettings(dir);
  settings.update({ ollamaRoutes: ['service-proxy', 'port-forward'] });
  mm = await ModelManager.create({ settings, kubeconfigYaml: sim.kube.kubeconfig(), stateDir: dir, log: memoryLogger(), env: { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' } });
});
afterAll(async () => {
  await mm?.close();
  await sim?.close();
});

it('shows the Ollama route in health, answers the catalogue in time and counts a try', async () => {
  const health = await until(() => dispatch(mm.handlers, 'health', {}), (h) => !!h.ollama);
  expect(health.ollama?.kind).toBe('service-proxy');

  const started = Date.now();
  const cat = await dispatch(mm.handlers, 'catalog', {});
  expect(Date.now() - started).toBeLessThan(2000);
  expect(cat.models.length).toBeGreaterThan(20);
  expect(cat.models.find((m) => m.name === 'qwen2.5:0.5b')?.installed).toBe(true);
  // The cluster side's estimates, not the fallback (which says it did not answer in time).
  expect(cat.models.filter((m) => m.estimate.detail.includes('did not answer in time'))).toEqual([]);
  for (const m of cat.models) expect(m.fits).toBe(m.estimate.required_vram_gb <= cat.largest_free_gpu_gb);

  await dispatch(mm.handlers, 'generate', { model: 'qwen2.5:0.5b', prompt: 'hi' });
  const ranking = await until(() => dispatch(mm.handlers, 'usageRanking', {}), (r) => r.total_requests >= 1);
  expect(ranking.models[0]).toMatchObject({ rank: 1, model: 'qwen2.5:0.5b', count: 1, usage_percent: 100 });
});
