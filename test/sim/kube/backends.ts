// Where traffic for a pod goes. Pods running the Ollama image are backed by the Ollama
// simulator on their container port 11434; nothing else listens (connection refused).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import type { Store } from './store.ts';
import { resourceFor } from './resources.ts';
import { matchLabels } from './selectors.ts';
import { podOllamaUrl } from '../pod-ollama.ts';

export const OLLAMA_PORT = 11434;

export function isOllamaPod(pod: KObj): boolean {
  return (pod.spec?.containers ?? []).some((c: any) => /(^|\/)ollama(:|@|$)/.test(String(c.image ?? '')));
}

export function isReadyPod(pod: KObj): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** host:port of the process standing in for this pod's port, if any. */
export function backendFor(pod: KObj, port: number, ollamaUrl: string | undefined): { host: string; port: number } | undefined {
  if (port !== OLLAMA_PORT || !isOllamaPod(pod)) return undefined;
  // A model deployment's pod answers as its own Ollama; others share the Ollama simulator.
  const own = podOllamaUrl(pod);
  if (!own && !ollamaUrl) return undefined;
  const u = new URL(own ?? ollamaUrl!);
  return { host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
}

export function readyEndpoints(store: Store, service: KObj): KObj[] {
  const sel = service.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  return store
    .entries(resourceFor('pods'), service.metadata.namespace)
    .map((e) => e.obj)
    // publishNotReadyAddresses: running pods are endpoints before they are Ready.
    .filter((p) => matchLabels(sel, p.metadata.labels) && (isReadyPod(p) || (service.spec?.publishNotReadyAddresses === true && p.status?.phase === 'Running' && p.status?.podIP)));
}
