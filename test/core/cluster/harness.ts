// A cluster side against the simulated Kubernetes API server, with an Ollama port whose
// answers the test sets (the Ollama side is tested on its own against the Ollama simulator).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterSide } from '../../../main/core/cluster/index.ts';
import { EventBus } from '../../../main/core/events.ts';
import { KubeClient, loadKubeConfig } from '../../../main/core/kube/client.ts';
import { memoryLogger } from '../../../main/core/log.ts';
import type { CoreContext } from '../../../main/core/context.ts';
import type { OllamaFacts } from '../../../main/core/ports.ts';
import { SettingsStore, type KeyValueStore } from '../../../main/core/settings.ts';
import type { KubeSim } from '../../sim/index.ts';

export function memoryKv(): KeyValueStore {
  const store: Record<string, unknown> = {};
  return { store, get: (k) => store[k], set: (k, v) => void (store[k] = v) };
}

export interface FakeOllama extends OllamaFacts {
  loaded: number | null;
}

export function fakeOllama(): FakeOllama {
  const o: FakeOllama = {
    loaded: null,
    loadedVramBytes: async () => o.loaded,
    modelFacts: async () => null,
    route: () => ({ kind: 'service-proxy', url: 'https://example/api/v1/namespaces/model-hosting/services/ollama-service:11434/proxy' }),
  };
  return o;
}

export async function clusterSide(kube: KubeSim, opts: { token?: string; namespace?: string } = {}) {
  const yaml = kube.kubeconfig({ ...(opts.token ? { token: opts.token } : {}), namespace: opts.namespace ?? 'model-hosting' });
  const { kc } = loadKubeConfig({ kubeconfigYaml: yaml });
  const log = memoryLogger();
  const ctx: CoreContext = {
    kube: new KubeClient(kc, opts.namespace ?? 'model-hosting', 'test kubeconfig', log),
    settings: new SettingsStore(memoryKv()),
    events: new EventBus(),
    log,
    // Nothing listens on port 1: the registry fails at once and estimates come from the name.
    env: { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:1' },
    stateDir: mkdtempSync(join(tmpdir(), 'kmm-cluster-')),
  };
  const ollama = fakeOllama();
  const side = await createClusterSide(ctx, ollama);
  return { ctx, ollama, log, ...side };
}

/** Polls until `check` returns a value (not undefined/false), or fails with the last value seen. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}
