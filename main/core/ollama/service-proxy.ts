// Ollama through the API server's service proxy: the kubeconfig's CA, client certificate
// and bearer token on one undici Agent.
import type { RequestOptions } from 'node:https';
import type { KubeClient } from '../kube/client.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { keepAliveAgent, type OllamaRoute } from './route.ts';
import { authHeaders } from '../kube/auth-headers.ts';

export const OLLAMA_SERVICE = 'ollama-service';

/** A Service to reach through the proxy; default the shared ollama-service in the app's namespace. */
export interface ProxyTarget {
  namespace: string;
  service: string;
  port: number;
}

export async function serviceProxyRoute(kube: KubeClient, target?: ProxyTarget): Promise<OllamaRoute> {
  const t = target ?? { namespace: kube.namespace, service: OLLAMA_SERVICE, port: OLLAMA_PORT };
  const server = kube.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  const opts = await httpsOptions(kube);
  const dispatcher = keepAliveAgent({
    ...(opts.ca ? { ca: opts.ca as string } : {}),
    ...(opts.cert ? { cert: opts.cert as string } : {}),
    ...(opts.key ? { key: opts.key as string } : {}),
    ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  });
  const base = `${server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(t.namespace)}/services/${encodeURIComponent(t.service)}:${t.port}/proxy`;
  return {
    kind: 'service-proxy',
    base,
    dispatcher,
    // Exec plugin and OIDC tokens expire: the header is taken from client-node at every
    // request. That is cheap, since client-node caches the credential until its
    // expirationTimestamp and runs the plugin again only then (a fixed TTL of ours would
    // send an expired EKS/GKE token for up to that long).
    headers: async () => authHeaders(await httpsOptions(kube)),
    info: () => ({ kind: 'service-proxy', url: base }),
    close: () => dispatcher.close(),
  };
}

async function httpsOptions(kube: KubeClient): Promise<RequestOptions> {
  const opts: RequestOptions = {};
  await kube.kc.applyToHTTPSOptions(opts);
  return opts;
}

