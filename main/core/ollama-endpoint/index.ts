// The core side of the Ollama endpoint: where each model's requests go (the shared Ollama's
// route, or a model deployment's Service through the API server's proxy), and counting a
// completed use with its tokens and client in the usage store. The HTTP server that speaks
// Ollama's API is main/ollama-endpoint/; it reaches the live manager's side through the host.
import type { DeploymentInfo, EndpointRoute, Handlers } from '../../../preload/contract/index.ts';
import type { CoreContext } from '../context.ts';
import type { OllamaClient } from '../ollama/client.ts';
import type { OllamaRoute } from '../ollama/route.ts';
import { serviceProxyRoute } from '../ollama/service-proxy.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import type { UseDetails } from '../usage/doc.ts';
import { request } from 'undici';
import { canonical, SHARED, targetFor, targetName, type Target } from './targets.ts';

export { clientName } from '../usage/doc.ts';
export type { UseDetails } from '../usage/doc.ts';

/** Where one request goes, and what to do when that way turns out dead. */
export interface Upstream {
  target: string;
  route: OllamaRoute;
  /** A connection failure: the next request finds (or builds) the route again. */
  failed(reason: string): void;
}

export interface EndpointCore {
  /** The upstream for a request naming `model` (null: no model, the shared Ollama). */
  upstream(model: string | null): Promise<Upstream>;
  /** Counts one completed use; a failure to count is logged, never thrown. */
  count(model: string, use: UseDetails): Promise<void>;
  /**
   * The entries of a list route (/api/tags `models`, /v1/models `data`) that deployments' own
   * Ollamas hold for models mapped to them: a client listing models sees what it can use.
   */
  deploymentModels(path: '/api/tags' | '/v1/models'): Promise<Record<string, unknown>[]>;
}

/** A deployment that does not answer its list in this long is left out of it. */
const LIST_TIMEOUT_MS = 3_000;

export interface EndpointSide {
  core: EndpointCore;
  handlers: Pick<Handlers, 'ollamaEndpointRoutes'>;
  close(): Promise<void>;
}

/** Deployments are looked up at most this often per request burst (the list comes from a watch cache anyway). */
const DEPLOYMENTS_CACHE_MS = 1_000;

export function createEndpointSide(
  ctx: CoreContext,
  client: OllamaClient,
  usage: { track(model: string, use?: UseDetails): Promise<unknown> },
  listDeployments: () => Promise<DeploymentInfo[]>,
): EndpointSide {
  const { log, settings, kube } = ctx;
  const proxies = new Map<string, Promise<OllamaRoute>>();
  let known: { at: number; list: Promise<DeploymentInfo[]> } | null = null;
  let closed = false;

  const deployments = (): Promise<DeploymentInfo[]> => {
    if (!known || Date.now() - known.at > DEPLOYMENTS_CACHE_MS) {
      // Without the deployments (API server down) every model goes to the shared Ollama.
      known = { at: Date.now(), list: listDeployments().catch(() => []) };
    }
    return known.list;
  };

  const resolveTarget = async (model: string | null): Promise<Target> => {
    if (model === null || !model.trim()) return SHARED;
    return targetFor(model, settings.get().ollamaEndpointTargets, await deployments()).target;
  };

  const proxyTo = (t: Extract<Target, { kind: 'deployment' }>): Promise<OllamaRoute> => {
    const key = targetName(t);
    let p = proxies.get(key);
    if (!p) {
      // The app names a deployment's Service after it, on Ollama's port (cluster/manifests.ts).
      p = serviceProxyRoute(kube, { namespace: t.namespace, service: t.name, port: OLLAMA_PORT });
      proxies.set(key, p);
      p.catch(() => proxies.delete(key));
    }
    return p;
  };

  const core: EndpointCore = {
    async upstream(model) {
      const t = await resolveTarget(model);
      if (t.kind === 'shared') {
        const route = await client.resolve();
        return { target: 'shared', route, failed: (reason) => client.reset(reason) };
      }
      const key = targetName(t);
      const route = await proxyTo(t);
      return {
        target: key,
        route,
        failed(reason) {
          log.warn('OLLAMA', `endpoint route to deployment ${key} failed: ${reason}`);
          if (proxies.get(key) && !closed) {
            proxies.delete(key);
            void route.close().catch(() => {});
          }
        },
      };
    },
    async deploymentModels(path) {
      const overrides = settings.get().ollamaEndpointTargets;
      const list = await deployments();
      const targets = new Map<string, Extract<Target, { kind: 'deployment' }>>();
      for (const d of list) if (d.managed && d.model_id) targets.set(`${d.namespace}/${d.name}`, { kind: 'deployment', namespace: d.namespace, name: d.name });
      for (const t of Object.values(overrides)) {
        if (t === 'shared') continue;
        const [namespace, name] = t.split('/');
        targets.set(t, { kind: 'deployment', namespace: namespace!, name: name! });
      }
      const field = path === '/api/tags' ? 'models' : 'data';
      const answers = await Promise.all(
        [...targets.entries()].map(async ([key, t]) => {
          try {
            const route = await proxyTo(t);
            const res = await request(route.base + path, { dispatcher: route.dispatcher, headers: await route.headers(), signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
            const text = await res.body.text();
            if (res.statusCode !== 200) return [];
            const entries = (JSON.parse(text) as Record<string, unknown>)[field];
            if (!Array.isArray(entries)) return [];
            // Only the models that go there: the list says where a request for each would be answered.
            return (entries as Record<string, unknown>[]).filter((e) => {
              const name = typeof e.name === 'string' ? e.name : typeof e.id === 'string' ? e.id : '';
              return !!name && targetName(targetFor(name, overrides, list).target) === key;
            });
          } catch {
            return [];
          }
        }),
      );
      return answers.flat();
    },
    async count(model, use) {
      try {
        await usage.track(model, use);
      } catch (err) {
        log.warn('USAGE', `could not count use of ${model} through the Ollama endpoint: ${(err as Error).message}`);
      }
    },
  };

  const handlers: EndpointSide['handlers'] = {
    async ollamaEndpointRoutes() {
      const s = settings.get();
      const list = await deployments();
      const names = new Map<string, string>();
      const add = (name: string) => {
        const key = canonical(name);
        if (key && !names.has(key)) names.set(key, key);
      };
      const tags = await client
        .json<{ models?: { name?: unknown }[] }>({ method: 'GET', path: '/api/tags', safe: true, what: 'list models' })
        .catch(() => ({ models: [] }));
      for (const m of tags.models ?? []) if (typeof m.name === 'string') add(m.name);
      for (const d of list) if (d.managed && d.model_id) add(d.model_id);
      for (const k of Object.keys(s.ollamaEndpointTargets)) add(k);
      const sharedUrl = client.route()?.url ?? '(the shared Ollama: no route answers now)';
      const routes: EndpointRoute[] = [...names.keys()].sort().map((model) => {
        const { target, source } = targetFor(model, s.ollamaEndpointTargets, list);
        const url =
          target.kind === 'shared'
            ? sharedUrl
            : `${(kube.server ?? '').replace(/\/+$/, '')}/api/v1/namespaces/${target.namespace}/services/${target.name}:${OLLAMA_PORT}/proxy`;
        return { model, target: targetName(target), url, source };
      });
      return { success: true, enabled: s.ollamaEndpointEnabled, port: s.ollamaEndpointPort, routes, default_target: 'shared' };
    },
  };

  return {
    core,
    handlers,
    async close() {
      closed = true;
      const all = [...proxies.values()];
      proxies.clear();
      await Promise.all(all.map((p) => p.then((r) => r.close()).catch(() => {})));
    },
  };
}
