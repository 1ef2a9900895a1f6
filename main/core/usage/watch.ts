// Follows the ConfigMap so that another instance's writes and resets reach this one's UI
// (a `usageChanged` event) without waiting for the next ranking request.
import * as k8s from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import { CONFIGMAP_NAME } from './configmap.ts';
import { decodeDoc, emptyDoc, type UsageDoc } from './doc.ts';

const RESTART_MS = 2_000;

export function watchUsage(kube: KubeClient, onDoc: (doc: UsageDoc) => void): { stop(): void } {
  let stopped = false;
  let abort: AbortController | null = null;
  let timer: NodeJS.Timeout | null = null;
  const again = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void start();
    }, RESTART_MS);
    timer.unref();
  };
  async function start(): Promise<void> {
    if (stopped) return;
    try {
      abort = await new k8s.Watch(kube.kc).watch(
        `/api/v1/namespaces/${encodeURIComponent(kube.namespace)}/configmaps`,
        { fieldSelector: `metadata.name=${CONFIGMAP_NAME}` },
        (phase, obj: k8s.V1ConfigMap) => {
          const doc = phase === 'ADDED' || phase === 'MODIFIED' ? decodeDoc(obj?.data) : phase === 'DELETED' ? emptyDoc() : null;
          if (!doc) return;
          if (obj?.metadata?.resourceVersion) doc.rv = obj.metadata.resourceVersion;
          onDoc(doc);
        },
        () => again(), // closed or failed: the server ends watches now and then; follow again
      );
      if (stopped) abort.abort();
    } catch {
      again();
    }
  }
  void start();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      abort?.abort();
    },
  };
}
