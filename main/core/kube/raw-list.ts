// Pages of a list read as plain JSON, straight into the caches' trim functions. client-node's
// typed lists build a model object (with Dates) of every item and then the trim copies what it
// needs: at 20,000 pods that doubles the garbage of a full sync, and the heap the process grows
// to then stays as resident memory. Same credentials (kubeconfig TLS, token, exec plugin),
// same timeout, same errors (an ApiException for an HTTP failure, as client-node throws).
import type { RequestOptions } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { CALL_TIMEOUT_MS, type KubeClient } from './client.ts';
import { afterListPage } from './list-garbage.ts';
import type { ListPage } from './list-watch.ts';
import { authHeaders } from './auth-headers.ts';

export interface RawLister {
  list(path: string, page: { limit: number; _continue?: string }): Promise<ListPage>;
  close(): Promise<void>;
}

export function rawLister(kube: KubeClient): RawLister {
  let agent: Promise<Agent> | null = null;
  const agentFor = (opts: RequestOptions) =>
    new Agent({
      keepAliveTimeout: 30_000,
      connections: 4,
      connect: {
        ...(opts.ca ? { ca: opts.ca as string } : {}),
        ...(opts.cert ? { cert: opts.cert as string } : {}),
        ...(opts.key ? { key: opts.key as string } : {}),
        ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      },
    });
  // One page in flight at a time across the caches: three lists at once (nodes, deployments,
  // pods) triple the garbage alive together, and the heap it grows to stays resident.
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    list: (path, page) => oneAtATime(() => listPage(path, page)),
    async close() {
      const a = agent;
      agent = null;
      if (a) await (await a).close();
    },
  };

  async function listPage(path: string, page: { limit: number; _continue?: string }): Promise<ListPage> {
    afterListPage();
    const server = kube.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    // The credential is asked for at every page: exec plugins and OIDC tokens expire (client-node caches them until then).
    const opts: RequestOptions = {};
    await kube.kc.applyToHTTPSOptions(opts);
    agent ??= Promise.resolve(agentFor(opts));
    const query = new URLSearchParams({ limit: String(page.limit), ...(page._continue ? { continue: page._continue } : {}) });
    const res = await request(`${server.replace(/\/+$/, '')}${path}?${query}`, {
      dispatcher: await agent,
      headers: { accept: 'application/json', ...authHeaders(opts) },
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new k8s.ApiException(res.statusCode, `HTTP ${res.statusCode}`, text, flatHeaders(res.headers));
    const body = JSON.parse(text) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
    return { items: body.items ?? [], metadata: { resourceVersion: body.metadata?.resourceVersion ?? '', _continue: body.metadata?.continue ?? '' } };
  }
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
