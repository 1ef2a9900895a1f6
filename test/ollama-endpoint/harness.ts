// The world of the Ollama endpoint's tests: the simulated cluster and Ollama, a real
// ModelManager on it, and the endpoint on a free loopback port passing requests to it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../main/core/log.ts';
import { ModelManager } from '../../main/core/manager.ts';
import { fileSettings, type SettingsStore } from '../../main/core/settings.ts';
import { CONFIGMAP_NAME } from '../../main/core/usage/configmap.ts';
import { startOllamaEndpoint, type OllamaEndpoint, type OllamaEndpointOptions } from '../../main/ollama-endpoint/index.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

export interface World {
  sim: SimCluster;
  manager: ModelManager;
  settings: SettingsStore;
  endpoint: OllamaEndpoint;
  log: ReturnType<typeof memoryLogger>;
  close(): Promise<void>;
}

export async function startWorld(opts: { endpoint?: Partial<OllamaEndpointOptions>; tokenIntervalMs?: number } = {}): Promise<World> {
  const sim = await startSimCluster({ quiet: true, ollama: { tokenIntervalMs: opts.tokenIntervalMs ?? 2, installed: ['llama3.2:1b', 'qwen2.5:0.5b', 'nomic-embed-text'] } });
  const dir = mkdtempSync(join(tmpdir(), 'kmm-endpoint-'));
  const settings = fileSettings(join(dir, 'settings'));
  const log = memoryLogger();
  const manager = await ModelManager.create({ kubeconfigYaml: sim.kube.kubeconfig(), settings, stateDir: join(dir, 'state'), log, env: {} });
  const endpoint = await startOllamaEndpoint({ port: 0, getCore: () => manager.endpoint, env: {}, log, ...opts.endpoint });
  return {
    sim,
    manager,
    settings,
    endpoint,
    log,
    async close() {
      await endpoint.close();
      await manager.close();
      await sim.close();
    },
  };
}

export interface StoredUsage {
  counts: Record<string, number>;
  tokens: Record<string, { prompt_tokens: number; completion_tokens: number }>;
  clients: Record<string, { requests: number; prompt_tokens: number; completion_tokens: number }>;
}

/** The usage ConfigMap as the API server holds it, its keys read as JSON. */
export function storedUsage(sim: SimCluster): StoredUsage {
  const cm = sim.kube.store.get('configmaps', 'model-hosting', CONFIGMAP_NAME) as { data?: Record<string, string> } | undefined;
  const data = cm?.data ?? {};
  const read = (k: string) => (data[k] ? JSON.parse(data[k]) : {});
  return { counts: read('usage.json'), tokens: read('tokens.json'), clients: read('clients.json') };
}

export async function until<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
