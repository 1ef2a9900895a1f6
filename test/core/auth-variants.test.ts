// A real ModelManager on the kubeconfig users real clusters have: a client certificate
// (kind, kubeadm, k3s, minikube) and an exec plugin (EKS, GKE, AKS). Every part of the app
// that talks HTTP to the API server must work with them, not only with bearer tokens: the
// watch caches (health, GPUs, deployments), the usage ConfigMap, and Ollama through the
// service proxy and through a port-forward.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { dispatch } from '../../main/core/dispatch.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { ModelManager } from '../../main/core/manager.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { CONFIGMAP_NAME } from '../../main/core/usage/configmap.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import type { KubeconfigOptions } from '../sim/kube/kubeconfig.ts';
import { tempDir } from './usage/context.ts';
import { until } from './ollama/world.ts';

let sim: SimCluster;
beforeAll(async () => {
  sim = await startSimCluster({ quiet: true, ollama: { installed: ['qwen2.5:0.5b'] } });
});
afterAll(async () => {
  await sim?.close();
});

async function managerFor(kubeconfig: KubeconfigOptions, route: 'service-proxy' | 'port-forward') {
  const dir = tempDir('kmm-auth-');
  const settings = fileSettings(dir);
  settings.update({ ollamaRoutes: [route] });
  const log = memoryLogger();
  const mm = await ModelManager.create({
    settings,
    kubeconfigYaml: sim.kube.kubeconfig(kubeconfig),
    stateDir: dir,
    log,
    env: { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' },
  });
  return { mm, log };
}

/** The usage ConfigMap as the admin reads it. */
async function usageCounts(): Promise<Record<string, number>> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kube.kubeconfig());
  const cm = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: 'model-hosting' });
  return JSON.parse(cm.data?.['usage.json'] ?? '{}') as Record<string, number>;
}

const variants: [string, () => KubeconfigOptions][] = [
  ['client certificate', () => ({ auth: 'client-cert' })],
  // `node` as a real kubeconfig names its plugin (aws, gke-gcloud-auth-plugin, kubelogin): found on PATH.
  ['exec plugin', () => ({ auth: 'exec' })],
];

describe.each(variants)('a kubeconfig with a %s', (_name, kubeconfig) => {
  describe.each(['service-proxy', 'port-forward'] as const)('and Ollama via %s', (route) => {
    let mm: ModelManager;
    let log: ReturnType<typeof memoryLogger>;
    beforeAll(async () => {
      ({ mm, log } = await managerFor(kubeconfig(), route));
    });
    afterAll(async () => {
      await mm?.close();
    });

    it('is connected and answers GPUs and deployments from the cluster-wide caches', async () => {
      const health = await until(() => dispatch(mm.handlers, 'health', {}), (h) => h.kubernetes === 'connected' && !!h.ollama);
      expect(health).toMatchObject({ status: 'healthy', kubernetes: 'connected', namespace: 'model-hosting' });
      expect(health.ollama?.kind).toBe(route);

      const gpu = await dispatch(mm.handlers, 'gpuStatus', {});
      expect(gpu.gpu_info.gpu_count).toBeGreaterThan(0);
      expect(gpu.gpu_info.total_vram_gb).toBeGreaterThan(0);
      expect(gpu.scope).toBe('cluster');
      expect(gpu.capacity_note).toBeUndefined();
      // Ollama answered /api/ps through the route: a number, not "unknown".
      expect(gpu.gpu_info.used_vram_gb).not.toBeNull();

      const deps = await dispatch(mm.handlers, 'listDeployments', {});
      expect(deps.scope).toBe('cluster');
      expect(deps.count).toBeGreaterThan(0);
      expect(new Set(deps.models.map((m) => m.namespace)).size).toBeGreaterThan(1);
      expect(log.lines.filter((l) => l.includes('forbid'))).toEqual([]);
    });

    it('counts usage in the ConfigMap', async () => {
      const model = `probe-${route}:${kubeconfig().auth}`;
      await dispatch(mm.handlers, 'trackUsage', { model });
      const ranking = await until(() => dispatch(mm.handlers, 'usageRanking', {}), (r) => r.models.some((m) => m.model === model && m.count >= 1) && r.pending === 0);
      expect(ranking.models.find((m) => m.model === model)?.count).toBe(1);
      const counts = await until(usageCounts, (c) => c[model] === 1);
      expect(counts[model]).toBe(1);
    });

    it('lists Ollama models and generates through the route', async () => {
      const models = await dispatch(mm.handlers, 'listModels', {});
      expect(models.models.map((m) => m.name)).toContain('qwen2.5:0.5b');
      const out = await dispatch(mm.handlers, 'generate', { model: 'qwen2.5:0.5b', prompt: 'hello' });
      expect(out.response.length).toBeGreaterThan(0);
      expect((await dispatch(mm.handlers, 'health', {})).ollama?.kind).toBe(route);
    });
  });
});

describe('an exec credential that expires', () => {
  it('is asked for again through client-node once it has expired, and the service proxy keeps working', async () => {
    const count = join(tempDir('kmm-exec-'), 'runs');
    writeFileSync(count, '');
    const { mm } = await managerFor({ auth: 'exec', execTtlSeconds: 1, execCountFile: count }, 'service-proxy');
    try {
      await until(() => dispatch(mm.handlers, 'health', {}), (h) => h.ollama?.kind === 'service-proxy');
      const runs = () => readFileSync(count, 'utf8').trim().split('\n').filter(Boolean).length;
      const before = runs();
      expect(before).toBeGreaterThanOrEqual(1);
      // Concurrent first requests (caches, usage, route) shared one run of the plugin.
      expect(before).toBe(1);
      await new Promise((r) => setTimeout(r, 1200));
      // A generate is never answered from a cache: it goes through the service proxy now.
      const out = await dispatch(mm.handlers, 'generate', { model: 'qwen2.5:0.5b', prompt: 'again' });
      expect(out.response.length).toBeGreaterThan(0);
      expect(runs()).toBeGreaterThan(before);
    } finally {
      await mm.close();
    }
  });
});

describe('an exec plugin that cannot give a credential', () => {
  it.each([
    ['is missing from PATH', { auth: 'exec', execCommand: 'kube-sim-no-such-plugin' }, /exec credential plugin \(kube-sim-no-such-plugin\) failed: "kube-sim-no-such-plugin" was not found on PATH/],
    // Its exit code, never its output (plugins print tokens and refresh URLs there).
    ['exits with an error', { auth: 'exec', token: '' }, /exec credential plugin \(node\) failed: it exited with code 1 \(its output is in the app's log\)$/],
  ] as [string, KubeconfigOptions, RegExp][])('%s: health names the plugin and why, not an unreachable server', async (_what, kubeconfig, expected) => {
    const { mm } = await managerFor(kubeconfig, 'service-proxy');
    try {
      const health = await until(() => dispatch(mm.handlers, 'health', {}), (h) => !!h.error);
      expect(health.kubernetes).toBe('disconnected');
      expect(health.error).toMatch(expected);
      expect(health.error).not.toMatch(/unreachable/);
    } finally {
      await mm.close();
    }
  });
});
