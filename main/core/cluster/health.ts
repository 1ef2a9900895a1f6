// GET /api/health: connected when the caches' watches are open, or when the API server
// answers a cheap call now. Returns the unhealthy body (REST answers it with 503).
import type { HealthResult } from '../../../preload/contract/index.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import type { CoreContext } from '../context.ts';
import type { OllamaFacts } from '../ports.ts';

export function healthCheck(ctx: CoreContext, caches: ClusterCaches, ollama: OllamaFacts) {
  let last: string | null = null;
  let inflight: Promise<HealthResult> | null = null;
  // Callers at the same moment (tray, UI, cache events) share one check.
  return function health(): Promise<HealthResult> {
    inflight ??= check().finally(() => (inflight = null));
    return inflight;
  };

  async function check(): Promise<HealthResult> {
    let connected = caches.healthy;
    let error: string | undefined;
    if (!connected) {
      try {
        await ctx.kube.call('read the API server root', () => ctx.kube.core.getAPIResources());
        connected = true;
        caches.kick();
      } catch (err) {
        error = (err as Error).message;
        // An HTTP answer (403, 500...) still proves the server is there.
        connected = ctx.kube.connected;
      }
    }
    const result: HealthResult = connected
      ? { status: 'healthy', kubernetes: 'connected' }
      : { status: 'unhealthy', kubernetes: 'disconnected' };
    result.context = ctx.kube.context;
    result.namespace = ctx.kube.namespace;
    result.ollama = ollama.route();
    if (!connected && error) result.error = error;
    if (last !== result.status) {
      if (last !== null) ctx.log[connected ? 'info' : 'warn']('K8S', `health: ${result.status} (kubernetes ${result.kubernetes})`);
      last = result.status;
      ctx.events.emit('healthChanged', result);
    }
    return result;
  }
}
