// The Ollama-compatible endpoint: a loopback HTTP server that speaks Ollama's API and its
// OpenAI-compatible /v1 routes by passing each request through to the Ollama its model is
// served by (main/core/ollama-endpoint), streaming the answer back as it comes, and counting
// each completed generate, chat, embed and /v1 call in the usage store with its tokens and
// client. Any Ollama client works unchanged: `OLLAMA_HOST=127.0.0.1:P ollama run ...`, the
// `ollama` and `openai` npm clients, LangChain, Open WebUI.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { request } from 'undici';
import { toAppError } from '../core/errors.ts';
import { silentLogger, type Logger } from '../core/log.ts';
import { clientName, type EndpointCore, type Upstream } from '../core/ollama-endpoint/index.ts';
import { canonical } from '../core/ollama-endpoint/targets.ts';
import { connectionError, describe, neverSent } from '../core/ollama/errors.ts';
import { Meter } from './meter.ts';
import { allowedOrigins, hostAllowed, isLoopbackBind, isLoopbackPeer, originRefusal } from './posture.ts';
import { routeOf, type RouteInfo } from './routes.ts';
import { weakToken } from '../rest/security.ts';

export interface OllamaEndpointOptions {
  /** 127.0.0.1 unless asked otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The live manager's side (null while none is connected): read per request, so rebuilds are followed. */
  getCore: () => EndpointCore | null;
  /** For OLLAMA_ORIGINS. */
  env?: NodeJS.ProcessEnv;
  /** Needed of peers beyond loopback (only reachable when bound elsewhere); without it they are refused. */
  token?: string;
  /** More Host names to answer to while bound to loopback. */
  allowedHosts?: string[];
  log?: Logger;
}

export interface OllamaEndpoint {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** A request body is read whole (to find its model) up to this size; blobs are streamed. */
const MAX_BODY_BYTES = 64 << 20;
/** Loading a large model and answering can take minutes (as the app's own tries allow). */
const UPSTREAM_TIMEOUT_MS = 600_000;
/** Request headers passed on to Ollama; the client's Authorization never is (the route adds its own). */
const FORWARD_HEADERS = ['content-type', 'accept', 'user-agent', 'content-length'];
/** Answer headers not passed back (hop by hop, or describing the route, not the answer). */
const DROP_ANSWER_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'audit-id', 'x-kubernetes-pf-flowschema-uid', 'x-kubernetes-pf-prioritylevel-uid', 'cache-control-k8s', 'access-control-allow-origin', 'vary']);
const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, User-Agent, Accept, X-Requested-With, X-Stainless-Lang, X-Stainless-Package-Version, X-Stainless-Os, X-Stainless-Arch, X-Stainless-Retry-Count, X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Async, X-Stainless-Helper-Method, X-Stainless-Poll-Helper, X-Stainless-Custom-Poll-Interval, X-Stainless-Timeout';

export async function startOllamaEndpoint(options: OllamaEndpointOptions): Promise<OllamaEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? silentLogger;
  const env = options.env ?? process.env;
  const loopbackBind = isLoopbackBind(host);
  // As the REST server: beyond loopback the token is all that stands between the LAN and the cluster's Ollama.
  if (!loopbackBind && (!options.token || weakToken(options.token))) {
    throw new Error(`refusing to serve the Ollama endpoint on ${host} without a strong token (24 characters or more, 10 different ones): peers there must bring it as a bearer`);
  }
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const e = toAppError(err);
      log.warn('OLLAMA', `endpoint: ${req.method} ${req.url}: ${e.message}`);
      if (!res.headersSent) refuse(res, e.status >= 400 ? e.status : 500, e.message, false);
      else res.destroy();
    });
  });
  // Slow headers are cut off; a request body (a blob upload) and an answer (a long generation) may take as long as they take.
  server.headersTimeout = 30_000;
  server.requestTimeout = 0;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://endpoint');
    // The path goes on under the API server's /proxy/: nothing in it may climb out (an encoded "/" or "..").
    const path = safePath(url.pathname);
    if (path === null) return refuse(res, 400, `path ${url.pathname.slice(0, 200)} is not an Ollama path (letters, digits and . _ ~ : @ + - between slashes only)`, url.pathname.startsWith('/v1/'));
    url.pathname = path;
    const method = req.method ?? 'GET';
    const route = routeOf(method === 'OPTIONS' ? 'GET' : method, url.pathname);
    const openai = !!route.openai;

    // Posture first: nothing from a refused caller reaches Ollama.
    if (!isLoopbackPeer(req.socket.remoteAddress)) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!options.token || !bearer || !same(bearer, options.token)) {
        return refuse(res, 403, `requests from ${req.socket.remoteAddress} need Authorization: Bearer <the manager's REST token>; loopback clients need none`, openai);
      }
    }
    if (loopbackBind && !hostAllowed(req.headers.host, options.allowedHosts)) {
      return refuse(res, 403, `host ${req.headers.host} is not allowed: this Ollama endpoint answers local names only (localhost, 127.0.0.1, this machine's names), as Ollama does`, openai);
    }
    const origin = req.headers.origin;
    const why = originRefusal(origin, req.headers.host, allowedOrigins(env));
    if (why) return refuse(res, 403, why, openai);
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
        'Access-Control-Max-Age': '43200',
      });
      return void res.end();
    }
    await passThrough(req, res, url, method, route);
  }

  async function passThrough(req: IncomingMessage, res: ServerResponse, url: URL, method: string, route: RouteInfo & { pathModel?: string }): Promise<void> {
    const openai = !!route.openai;
    const streamed = url.pathname.startsWith('/api/blobs/');
    let body: Buffer | IncomingMessage | undefined;
    let model: string | null = route.pathModel ?? null;
    let stripUsage = false;
    if (streamed) body = req;
    else if (method !== 'GET' && method !== 'HEAD') {
      const raw = await readBody(req);
      if (raw === null) return refuse(res, 413, `request body larger than ${MAX_BODY_BYTES >> 20} MiB`, openai);
      body = raw;
      const json = route.bodyModel ? parseObject(raw) : null;
      if (json) {
        const m = typeof json.model === 'string' && json.model ? json.model : typeof json.name === 'string' ? json.name : null;
        model = m;
        // A /v1 stream reports its tokens only when asked to: ask, and take the answer out again.
        if ((route.meter === 'v1-chat' || route.meter === 'v1-completion') && json.stream === true) {
          const so = json.stream_options && typeof json.stream_options === 'object' ? (json.stream_options as Record<string, unknown>) : null;
          if (so?.include_usage !== true) {
            json.stream_options = { ...(so ?? {}), include_usage: true };
            body = Buffer.from(JSON.stringify(json));
            stripUsage = true;
          }
        }
      }
    }

    const core = options.getCore();
    if (!core) return refuse(res, 503, 'the model manager is not connected to a cluster yet; try again once it is', openai);

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client went away'));
    });

    const headers: Record<string, string> = {};
    for (const h of FORWARD_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);

    let upstream: Upstream;
    let answer: Awaited<ReturnType<typeof request>>;
    for (let attempt = 1; ; attempt++) {
      try {
        upstream = await core.upstream(model);
      } catch (err) {
        const e = toAppError(err);
        return refuse(res, e.status >= 500 ? 502 : e.status, `no Ollama to pass this to: ${e.message}`, openai);
      }
      try {
        answer = await request(upstream.route.base + url.pathname + url.search, {
          method: method as 'GET',
          dispatcher: upstream.route.dispatcher,
          headers: { ...headers, ...(await upstream.route.headers()) },
          ...(body !== undefined ? { body } : {}),
          signal: abort.signal,
          headersTimeout: UPSTREAM_TIMEOUT_MS,
          bodyTimeout: UPSTREAM_TIMEOUT_MS,
        });
        break;
      } catch (err) {
        if (abort.signal.aborted) return;
        if (connectionError(err)) upstream.failed(describe(err));
        // Only a request that never left may go again (a generate must not run twice).
        if (attempt < 2 && neverSent(err) && !streamed) continue;
        return refuse(res, 502, `Ollama (${upstream.target}) did not answer: ${describe(err)}`, openai);
      }
    }

    const contentType = headerText(answer.headers['content-type']);
    if (method === 'GET' && (url.pathname === '/api/tags' || url.pathname === '/v1/models') && answer.statusCode === 200 && upstream.target === 'shared') {
      return sendMergedList(res, url.pathname, answer, upstream.target, await core.deploymentModels(url.pathname).catch(() => []));
    }
    if (answer.statusCode >= 400 && /json/i.test(contentType ?? '')) {
      // The API server's own refusal (no such Service, no ready pod, RBAC) is a Kubernetes Status:
      // said in the client's error shape, naming the way it was tried.
      const text = await answer.body.text();
      const status = kubeStatus(text);
      if (status) {
        if (answer.statusCode === 502 || answer.statusCode === 503) upstream.failed(status);
        return refuse(res, answer.statusCode, `the Kubernetes API server answered for Ollama (${upstream.target}): ${status}`, openai, upstream.target);
      }
      res.writeHead(answer.statusCode, { 'content-type': contentType!, 'content-length': Buffer.byteLength(text), 'x-model-manager-target': upstream.target });
      return void res.end(text);
    }
    const meter = route.meter && answer.statusCode === 200 ? new Meter(route.meter, contentType, { stripUsage }) : null;
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(answer.headers)) {
      if (v === undefined || DROP_ANSWER_HEADERS.has(k)) continue;
      if (k === 'content-length' && stripUsage) continue;
      out[k] = v;
    }
    // Which Ollama answered, for the operator and for clients that want to know.
    out['x-model-manager-target'] = upstream.target;
    res.writeHead(answer.statusCode, out);
    res.flushHeaders();
    try {
      for await (const chunk of answer.body) {
        const piece = meter ? meter.pass(chunk as Buffer) : (chunk as Buffer);
        if (piece.length && !res.write(piece)) await drained(res);
        if (res.destroyed) break;
      }
    } catch (err) {
      if (!abort.signal.aborted) log.warn('OLLAMA', `endpoint: answer from ${upstream.target} broke off: ${describe(err)}`);
      res.destroy();
      return;
    }
    if (res.destroyed) {
      answer.body.destroy();
      return;
    }
    const rest = meter?.rest();
    await new Promise<void>((resolve) => res.end(rest?.length ? rest : undefined, () => resolve()));
    if (!meter || !model || !res.writableFinished) return;
    const use = meter.finish();
    if (!use) return;
    const client = clientName(headerText(req.headers['user-agent']));
    log.info('OLLAMA', `endpoint: ${method} ${url.pathname} ${model} via ${upstream.target}: counted for ${client} (${use.prompt_tokens ?? '?'} prompt + ${use.completion_tokens ?? '?'} completion tokens)`);
    await core.count(model, { ...use, client });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}`;
  log.info('OLLAMA', `endpoint: serving Ollama's API at ${url} (OLLAMA_HOST=${shown}:${port})`);
  return {
    url,
    host,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      log.info('OLLAMA', `endpoint: stopped serving at ${url}`);
    },
  };
}

/** The shared Ollama's model list with the deployments' models it lacks (by name) added. */
async function sendMergedList(res: ServerResponse, path: '/api/tags' | '/v1/models', answer: Awaited<ReturnType<typeof request>>, target: string, extra: Record<string, unknown>[]): Promise<void> {
  const text = await answer.body.text();
  const field = path === '/api/tags' ? 'models' : 'data';
  let body = text;
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    const own = Array.isArray(doc[field]) ? (doc[field] as Record<string, unknown>[]) : [];
    const key = (e: Record<string, unknown>) => canonical(String(e.name ?? e.id ?? ''));
    const seen = new Set(own.map(key));
    const added = extra.filter((e) => !seen.has(key(e)) && seen.add(key(e)));
    if (added.length) body = JSON.stringify({ ...doc, [field]: [...own, ...added] });
  } catch {
    // Not JSON: passed on as it came.
  }
  res.writeHead(200, { 'content-type': headerText(answer.headers['content-type']) ?? 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-model-manager-target': target });
  res.end(body);
}

const SEGMENT = /^[A-Za-z0-9._~:@+-]*$/;

/** The path with each segment decoded and checked; null when a segment is "..", "." or holds anything else. */
export function safePath(pathname: string): string | null {
  const out: string[] = [];
  for (const raw of pathname.split('/').slice(1)) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '.' || seg === '..' || !SEGMENT.test(seg)) return null;
    out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** A refusal Ollama's clients show as it is: {"error": msg} for /api, OpenAI's error object for /v1. */
function refuse(res: ServerResponse, status: number, message: string, openai: boolean, target?: string): void {
  const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : status === 403 ? 'permission_error' : 'api_error';
  const body = JSON.stringify(openai ? { error: { message, type, param: null, code: null } } : { error: message });
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...(target ? { 'x-model-manager-target': target } : {}) });
  res.end(body);
}

/** The message of a Kubernetes Status body; null when the body is Ollama's own. */
function kubeStatus(text: string): string | null {
  try {
    const o = JSON.parse(text) as { kind?: unknown; message?: unknown };
    return o.kind === 'Status' ? (typeof o.message === 'string' && o.message ? o.message : 'no message') : null;
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseObject(raw: Buffer): Record<string, unknown> | null {
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null; // Ollama answers it with its own 400
  }
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

