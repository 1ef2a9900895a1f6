// An operator whose RBAC stops at the app's namespace (model-hosting): no nodes, no pods or
// deployments across namespaces. The app falls back to watching that namespace, says so,
// answers GPUs with capacity unknown and the missing permission named, deploys without the
// free-VRAM check (with a warning), counts usage and reaches Ollama through the service proxy.
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { dispatch } from '../../main/core/dispatch.ts';
import { AppError } from '../../main/core/errors.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { ModelManager } from '../../main/core/manager.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { CONFIGMAP_NAME } from '../../main/core/usage/configmap.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { tempDir } from './usage/context.ts';
import { until } from './ollama/world.ts';

const NS = 'model-hosting';
let sim: SimCluster;
let mm: ModelManager;
let log: ReturnType<typeof memoryLogger>;
let admin: { core: k8s.CoreV1Api; apps: k8s.AppsV1Api };

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, readyDelayMs: 50, ollama: { installed: ['qwen2.5:0.5b'] } });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kube.kubeconfig());
  admin = { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
  const dir = tempDir('kmm-nsop-');
  const settings = fileSettings(dir);
  settings.update({ ollamaRoutes: ['service-proxy'] });
  log = memoryLogger();
  mm = await ModelManager.create({
    settings,
    kubeconfigYaml: sim.kube.kubeconfig({ token: sim.kube.namespacedToken }),
    stateDir: dir,
    log,
    env: { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' },
  });
});
afterAll(async () => {
  await mm?.close();
  await sim?.close();
});

it('stays connected, and lists only model-hosting deployments with scope namespace, saying so once', async () => {
  const health = await until(() => dispatch(mm.handlers, 'health', {}), (h) => h.kubernetes === 'connected' && !!h.ollama);
  expect(health.status).toBe('healthy');

  const deps = await dispatch(mm.handlers, 'listDeployments', {});
  expect(deps.scope).toBe('namespace');
  expect(deps.scope_note).toContain(`namespace ${NS}`);
  const mine = (await admin.apps.listNamespacedDeployment({ namespace: NS })).items.map((d) => d.metadata!.name!).filter((n) => !['model-manager', 'model-dashboard'].includes(n));
  expect(deps.models.map((m) => m.name).sort()).toEqual(mine.sort());
  expect(new Set(deps.models.map((m) => m.namespace))).toEqual(new Set([NS]));
  // The admin sees more namespaces: the fallback really narrowed the view.
  const all = (await admin.apps.listDeploymentForAllNamespaces()).items;
  expect(new Set(all.map((d) => d.metadata!.namespace)).size).toBeGreaterThan(1);

  for (const kind of ['pods', 'deployments']) {
    const lines = log.lines.filter((l) => l.startsWith(`[CACHE] ${kind}: listing them in all namespaces is forbidden`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`watching namespace ${NS} only`);
  }
  // The health check succeeded again: still connected with the nodes cache forbidden.
  expect((await dispatch(mm.handlers, 'health', {})).kubernetes).toBe('connected');
  // The forbidden nodes list is reported once, not at every retry.
  expect(log.lines.filter((l) => l.startsWith('[CACHE] nodes:') && l.includes('forbid')).length).toBe(1);
});

it('answers GPU status with capacity unknown and the missing permission named', async () => {
  const gpu = await dispatch(mm.handlers, 'gpuStatus', {});
  expect(gpu.success).toBe(true);
  expect(gpu.scope).toBe('namespace');
  expect(gpu.gpu_info.total_vram_gb).toBe(0);
  expect(gpu.gpu_info.gpu_count).toBe(0);
  expect(gpu.capacity_note).toMatch(/GPU capacity is unknown: this user may not list nodes/);
  expect(gpu.capacity_note).toContain('cannot list resource "nodes"');
  expect(gpu.capacity_note).toContain('"list" and "watch" on "nodes"');
  expect(gpu.recommendations).toEqual([gpu.capacity_note]);
  expect(gpu.recommendations.join(' ')).not.toMatch(/No GPU nodes found/);

  const est = await dispatch(mm.handlers, 'estimateVram', { model: 'qwen2.5:0.5b' });
  expect(est.estimate.required_vram_gb).toBeGreaterThan(0);
  expect(est.fits).toBe(false);
  expect(est.capacity_note).toBe(gpu.capacity_note);

  // The catalogue says why nothing shows as fitting, instead of a silent column of "no".
  const catalog = await dispatch(mm.handlers, 'catalog', {});
  expect(catalog.capacity_note).toBe(gpu.capacity_note);
});

it('deploys without the free-VRAM check, with a warning, and still refuses too little memory', async () => {
  const out = await dispatch(mm.handlers, 'deploy', { model_id: 'qwen2.5:0.5b', deployment_name: 'tenant-qwen', memory: 4 });
  expect(out.namespace).toBe(NS);
  expect(out.vram_allocation.vram_checked).toBe(false);
  expect(out.vram_allocation.gpu_resource).toBe('nvidia.com/gpu');
  expect(out.warning).toMatch(/free-VRAM check was skipped: this user may not list nodes/);
  expect(out.message).not.toMatch(/not enough free VRAM/);
  const created = await admin.apps.readNamespacedDeployment({ name: 'tenant-qwen', namespace: NS });
  expect(created.spec?.template.spec?.containers[0]?.resources?.limits?.['nvidia.com/gpu']).toBe('1');
  const listed = await until(() => dispatch(mm.handlers, 'listDeployments', {}), (r) => r.models.some((m) => m.name === 'tenant-qwen'));
  expect(listed.models.find((m) => m.name === 'tenant-qwen')?.managed).toBe(true);

  const err = await dispatch(mm.handlers, 'deploy', { model_id: 'llama3.1:8b', deployment_name: 'too-little', memory: 2 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(400);
  expect((err as AppError).message).toMatch(/memory 2 GiB is below/);

  await dispatch(mm.handlers, 'deleteDeployment', { deployment_name: 'tenant-qwen' });
  await expect(admin.apps.readNamespacedDeployment({ name: 'tenant-qwen', namespace: NS })).rejects.toMatchObject({ code: 404 });
});

it('counts usage in the ConfigMap and reaches Ollama through the service proxy', async () => {
  await dispatch(mm.handlers, 'trackUsage', { model: 'tenant-probe:1b' });
  const ranking = await until(() => dispatch(mm.handlers, 'usageRanking', {}), (r) => r.pending === 0 && r.models.some((m) => m.model === 'tenant-probe:1b'));
  expect(ranking.models.find((m) => m.model === 'tenant-probe:1b')?.count).toBe(1);
  const cm = await admin.core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: NS });
  expect(JSON.parse(cm.data?.['usage.json'] ?? '{}')['tenant-probe:1b']).toBe(1);

  expect((await dispatch(mm.handlers, 'health', {})).ollama?.kind).toBe('service-proxy');
  const models = await dispatch(mm.handlers, 'listModels', {});
  expect(models.models.map((m) => m.name)).toContain('qwen2.5:0.5b');
  const out = await dispatch(mm.handlers, 'generate', { model: 'qwen2.5:0.5b', prompt: 'hi' });
  expect(out.response.length).toBeGreaterThan(0);
});
