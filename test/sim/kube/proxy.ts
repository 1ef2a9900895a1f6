// The service proxy: /api/v1/namespaces/NS/services/[http:]NAME[:PORT]/proxy/PATH.
// Request and response bodies are piped, not buffered, so NDJSON pull streams arrive
// line by line as the backend writes them.
/* eslint-disable @typescript-eslint/no-explicit-any */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import type { ApiPath } from './paths.ts';
import { errors } from './status.ts';
import { backendFor, readyEndpoints } from './backends.ts';
import { ginLine, pullLogger } from './podlogs.ts';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'authorization', 'host']);

// Go's url.URL.EscapedPath for a path with no RawPath: bytes outside the unreserved set and
// "$&+,/:;=@" are percent-encoded (net/url shouldEscape, encodePath).
function goEscapePath(p: string): string {
  let out = '';
  for (const b of Buffer.from(p, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~$&+,/:;=@]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The backend path: the API server routes on the decoded URL path (Go's url.Path), so "api%2Ftags"
 *  reaches the backend as "api/tags"; it is re-escaped as Go re-escapes a Path (apiserver proxy). */
export function backendPath(rest: string): string {
  return goEscapePath(decodeURIComponent(rest || '/'));
}

export function parseServiceRef(ref: string): { scheme?: string; name: string; port?: string } {
  const parts = ref.split(':');
  if (parts.length === 3) return { scheme: parts[0]!, name: parts[1]!, port: parts[2]! };
  if (parts.length === 2) return { name: parts[0]!, port: parts[1]! };
  return { name: ref };
}

export function serveProxy(ctx: SimContext, p: ApiPath, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const ref = parseServiceRef(p.name!);
  const svcR = p.r;
  const svc = ctx.store.getEntry(svcR, p.namespace, ref.name)?.obj;
  if (!svc) throw errors.notFound(svcR, ref.name);
  const ports: any[] = svc.spec?.ports ?? [];
  const sp = ref.port === undefined || ref.port === ''
    ? ports[0]
    : ports.find((x) => String(x.port) === ref.port || x.name === ref.port);
  if (!sp) throw errors.serviceUnavailable(`no endpoints available for service "${ref.name}"`);
  const endpoints = readyEndpoints(ctx.store, svc);
  if (endpoints.length === 0) throw errors.serviceUnavailable(`no endpoints available for service "${ref.name}"`);
  const pod = endpoints[Math.floor(Math.random() * endpoints.length)]!;
  const targetPort = typeof sp.targetPort === 'number' ? sp.targetPort
    : Number((pod.spec?.containers ?? []).flatMap((c: any) => c.ports ?? []).find((cp: any) => cp.name === sp.targetPort)?.containerPort ?? sp.port);
  const backend = backendFor(pod, targetPort, ctx.ollamaUrl);
  if (!backend)
    throw errors.serviceUnavailable(`error trying to reach service: dial tcp ${pod.status?.podIP}:${targetPort}: connect: connection refused`);

  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !hopByHop.has(k)) headers[k] = v;
  headers.host = `${backend.host}:${backend.port}`;
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  const upstream = http.request({
    host: backend.host, port: backend.port, method: req.method,
    path: backendPath(p.rest) + url.search, headers,
  });
  const t0 = performance.now();
  const pathOnly = backendPath(p.rest);
  upstream.on('response', (up) => {
    // The Ollama in the pod logs each request as gin does; `kubectl logs` shows it.
    const c = (pod.spec?.containers ?? []).find((x: any) => /(^|\/)ollama(:|@|$)/.test(String(x.image ?? '')));
    if (c && ctx.podLogs) ctx.podLogs.ensureStarted(pod, c);
    if (c && ctx.podLogs) up.on('end', () => ctx.podLogs!.append(pod.metadata.namespace!, pod.metadata.name!, c.name,
      ginLine(up.statusCode ?? 0, performance.now() - t0, '10.244.0.1', req.method ?? 'GET', pathOnly)));
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
    res.writeHead(up.statusCode ?? 502, out);
    res.flushHeaders();
    // A pull through the proxy: Ollama logs each blob it starts downloading.
    const pulls = c && ctx.podLogs && /^\/api\/pull\/?$/.test(pathOnly)
      ? pullLogger((line) => ctx.podLogs!.append(pod.metadata.namespace!, pod.metadata.name!, c.name, line)) : undefined;
    up.on('data', (chunk: Buffer) => {
      pulls?.(chunk);
      res.write(chunk);
    });
    up.on('end', () => res.end());
    up.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    if (res.headersSent) return void res.destroy();
    const e = errors.serviceUnavailable(`error trying to reach service: ${err.message}`);
    res.writeHead(e.code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(e.body));
  });
  // A client that goes away cancels the backend request (Ollama cancels a pull then).
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
