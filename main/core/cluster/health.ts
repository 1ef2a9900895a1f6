// GET /api/health: connected when the caches' watches are open, or when the API server
// answers a cheap call now. Returns the unhealthy body (REST answers it with 503).
import type { HealthResult } from '../../../preload/contract/index.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import type { CoreContext } from '../context.ts';
import type { AppError } from '../errors.ts';
import type { OllamaFacts } from '../ports.ts';

/** A health answer without a successful API call for this long makes one. */
const RECHECK_MS = 10_000;

export function healthCheck(ctx: CoreContext, caches: ClusterCaches, ollama: OllamaFacts) {
  let last: string | null = null;
  let inflight: Promise<HealthResult> | null = null;
  // Callers at the same moment (tray, UI, cache events) share one check.
  return function health(): Promise<HealthResult> {
    inflight ??= check().finally(() => (inflight = null));
    return inflight;
  };

  async function check(): Promise<HealthResult> {
    // Open watches are not enough: a revoked token or a failing server (every call 401, 5xx or
    // 429) leaves them open for a while. So the last real call must have worked too, and
    // recently: answers come from the caches, so without a call for a while, make one.
    let connected = caches.healthy && !ctx.kube.failing && ctx.kube.sinceLastOkMs < RECHECK_MS;
    let error: string | undefined;
    if (!connected) {
      try {
        await ctx.kube.call('read the API server root', () => ctx.kube.core.getAPIResources());
        connected = true;
        caches.kick();
      } catch (err) {
        const appErr = err as AppError;
        // Forbidden to read discovery still means the server answers and knows this user.
        connected = Number(appErr.details?.k8s_code) === 403;
        if (!connected) error = appErr.message;
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
