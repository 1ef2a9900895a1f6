// The embedded REST server (node:http only): the contract's routes under /api/, server-sent
// events at /api/events, the built renderer at /. The headless `npm run serve` and the
// Electron shell both start it; it dispatches to whatever handlers `getHandlers` returns now.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Handlers } from '../../preload/contract/index.ts';
import { dispatch } from '../core/dispatch.ts';
import { AppError, toAppError } from '../core/errors.ts';
import { silentLogger, type Logger } from '../core/log.ts';
import { readInput } from './input.ts';
import { bindRoutes, matchRoute } from './routes.ts';
import { allowedOrigin, exposeTo, isPreflight, PREFLIGHT_HEADERS } from './cors.ts';
import { encodeAnswer } from './encode.ts';
import { FailureLimiter } from './rate-limit.ts';
import { COMMON_HEADERS, hostAllowed, isLoopbackHost, originAllowed, samePathOnly, TokenCheck, weakToken } from './security.ts';
import { streamEvents, type EventSource } from './sse.ts';
import { serveStatic } from './static.ts';
import { buildOpenApi, OPENAPI_PATH } from './openapi.ts';

export interface RestServerOptions {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Called per request, so a rebuilt ModelManager is used at once. */
  getHandlers: () => Handlers;
  events: EventSource;
  /** Every /api/ route but GET /api/health needs it (bearer or the cookie a login sets); a function is read per request, so a rotated token applies at once. */
  token: string | (() => string);
  /** The built renderer (out/renderer); null or missing: a page that says to build it. */
  staticDir?: string | null;
  /** More Host names to answer to, besides loopback names and the bound host. */
  allowedHosts?: string[];
  /** Origins of pages allowed to call the API (normalised, e.g. https://dash.example.com); read per request. */
  allowedOrigins?: () => readonly string[];
  /** Tighter bounds (tests); the defaults are LIMITS. */
  limits?: Partial<typeof LIMITS>;
  log?: Logger;
}

export interface RestServer {
  /** Base URL without the token, e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  host: string;
  /** A URL a person opens once: its one-time code logs the browser in (the token never enters the address bar or history). */
  loginUrl(): string;
  /** Open event streams (for tests and health). */
  readonly eventClients: number;
  close(): Promise<void>;
}

// The OpenAPI document carries no secret (the cookie's name holds only the port).
const OPEN_ROUTES = new Set(['GET /api/health', `GET ${OPENAPI_PATH}`]);
/** Bounds on what clients may hold: connections, event streams, slow headers and bodies. */
export const LIMITS = {
  maxConnections: 256,
  maxEventClients: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  /** An event-stream client that stops reading is dropped once this much waits for it. */
  maxEventBacklogBytes: 1 << 20,
};

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? silentLogger;
  const routes = bindRoutes();
  const streams = new Set<() => void>();
  const failures = new FailureLimiter();
  const limits = { ...LIMITS, ...options.limits };
  let port = options.port;
  let tokens: TokenCheck;
  let openApi: Record<string, unknown> | null = null;
  const currentToken = typeof options.token === 'function' ? options.token : () => options.token as string;
  if (!isLoopbackHost(host) && weakToken(currentToken())) {
    throw new Error(`refusing to serve on ${host} with a weak token (fewer than 24 characters or 10 different ones): anyone who can reach this machine could guess it; unset MODEL_MANAGER_TOKEN to get a generated one`);
  }

  const timeouts = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node checks those timeouts only this often (30 s by default).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 2),
  };
  const server = createServer(timeouts, (req, res) => {
    const started = performance.now();
    // Path only: the query may hold the token.
    const path = safePath(req.url);
    res.once('close', () => {
      log.info('REQUEST', `${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    handle(req, res).catch((err) => {
      const appErr = toAppError(err);
      if (appErr.status >= 500) log.error('REST', `${req.method} ${path} failed: ${appErr.message}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, appErr.status, appErr.toBody(), appErr.status === 413 ? { Connection: 'close' } : {});
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new AppError(400, 'the request URL is not valid');
    }
    tokens.useToken(currentToken());
    if (!hostAllowed(req.headers.host, { boundHost: host, allowedHosts: options.allowedHosts })) {
      throw new AppError(403, 'this server answers only to its own host name (Host header refused)');
    }
    const corsOrigin = allowedOrigin(req, options.allowedOrigins?.() ?? []);
    if (isPreflight(req)) return preflight(res, corsOrigin, String(req.headers.origin));
    if (corsOrigin) exposeTo(res, corsOrigin);
    else if (!originAllowed(req)) throw new AppError(403, 'cross-origin requests that change state are refused (Origin header); allow the page\'s origin with --allow-origin or in Settings');

    const pathname = url.pathname;
    if (pathname === '/api' || pathname.startsWith('/api/')) return handleApi(req, res, method, url);

    if (method !== 'GET' && method !== 'HEAD') throw new AppError(405, `${method} is not allowed here`, { allow: ['GET', 'HEAD'] });
    if (url.searchParams.has('token') || url.searchParams.has('code')) return login(req, res, url);
    const result = await serveStatic(options.staticDir ?? null, pathname, res, method === 'HEAD');
    if (result.error) throw new AppError(result.status, result.error);
  }

  /** Refuses an address that has presented too many wrong credentials lately. */
  function throttle(req: IncomingMessage): void {
    const wait = failures.retryAfter(req.socket.remoteAddress ?? '');
    if (wait) throw new AppError(429, `too many wrong tokens from this address; try again in ${wait} s`, { retry_after: wait });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<void> {
    const key = `${method} ${url.pathname}`;
    if (req.headers.authorization) throttle(req);
    const credentials = tokens.check(req);
    if (credentials === 'wrong') failures.fail(req.socket.remoteAddress ?? '');
    if (!OPEN_ROUTES.has(key) && credentials !== 'ok') {
      throw new AppError(401, 'a valid token is required: Authorization: Bearer TOKEN, or open the login URL the server printed');
    }
    if (url.pathname === OPENAPI_PATH) {
      if (method !== 'GET') throw new AppError(405, `${method} is not allowed on ${OPENAPI_PATH}`, { allow: ['GET'] });
      // Built once, on first use: the contract does not change while the server runs.
      return sendJson(res, 200, (openApi ??= buildOpenApi({ cookieName: tokens.cookieName, openRoutes: OPEN_ROUTES })), {}, req);
    }
    if (url.pathname === '/api/events') {
      if (method !== 'GET') throw new AppError(405, `${method} is not allowed on /api/events`, { allow: ['GET'] });
      if (streams.size >= limits.maxEventClients) throw new AppError(503, `too many open event streams (${limits.maxEventClients}); close another window`);
      const end = streamEvents(res, options.events, limits.maxEventBacklogBytes);
      streams.add(end);
      res.once('close', () => streams.delete(end));
      return;
    }
    const match = matchRoute(routes, method, url.pathname);
    if (match.kind === 'none') throw new AppError(404, `no route ${method} ${url.pathname}`);
    if (match.kind === 'wrong-method') {
      throw new AppError(405, `${method} is not allowed on ${url.pathname}; use ${match.allow.join(' or ')}`, { allow: match.allow });
    }
    const { route, captures } = match;
    const input = await readInput(req, url, route.name, captures);
    let handlers: Handlers;
    try {
      handlers = options.getHandlers();
    } catch (err) {
      throw new AppError(503, `the model manager is not ready: ${toAppError(err).message}`);
    }
    let result: unknown = await dispatch(handlers, route.name, input);
    // The seed's health answers 503 when Kubernetes is not connected (liveness probes read the status).
    const unhealthy = route.name === 'health' && (result as { status?: string }).status === 'unhealthy';
    // Without the token, health says the seed's two fields and nothing else (no context, server or error text).
    if (route.name === 'health' && credentials !== 'ok') {
      const { status, kubernetes } = result as { status: string; kubernetes: string };
      result = { status, kubernetes };
    }
    sendJson(res, unhealthy ? 503 : route.status, result, {}, req);
  }

  /** A browser asking whether a page on `origin` may call: yes (no token needed) only for allowed origins. */
  function preflight(res: ServerResponse, corsOrigin: string | null, origin: string): void {
    if (!corsOrigin) {
      throw new AppError(403, `cross-origin requests from ${origin.slice(0, 200)} are not allowed; allow the origin with --allow-origin or in Settings`, { field: 'Origin' });
    }
    exposeTo(res, corsOrigin);
    res.writeHead(204, { ...COMMON_HEADERS, ...PREFLIGHT_HEADERS, 'Content-Length': '0' });
    res.end();
  }

  /** `/?code=` (the printed login URL, spent by its first use) or `/?token=`: a session cookie, then the same page without them. */
  function login(req: IncomingMessage, res: ServerResponse, url: URL): void {
    throttle(req);
    const code = url.searchParams.get('code');
    const ok = code !== null ? tokens.sessions.spendCode(code) : tokens.tokenMatches(url.searchParams.get('token'));
    if (!ok) {
      failures.fail(req.socket.remoteAddress ?? '');
      throw new AppError(401, code !== null ? 'this login link was used already or has expired: ask the server for a new one' : 'the token in the URL is not valid');
    }
    url.searchParams.delete('token');
    url.searchParams.delete('code');
    const rest = url.searchParams.toString();
    res.writeHead(302, {
      ...COMMON_HEADERS,
      'Set-Cookie': tokens.sessionCookie(),
      Location: samePathOnly(url.pathname) + (rest ? `?${rest}` : ''),
      'Cache-Control': 'no-store',
      'Content-Length': '0',
    });
    res.end();
  }

  server.maxConnections = limits.maxConnections;
  // Node's own answers to malformed requests, in this API's JSON form.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const [status, message] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'request headers too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'the request took too long to arrive']
      : [400, 'malformed HTTP request'];
    const body = JSON.stringify({ success: false, error: message, status });
    socket.end(`HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  tokens = new TokenCheck(currentToken(), port);
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  log.info('REST', `listening on ${url}`);
  if (!isLoopbackHost(host)) {
    const where = host === '0.0.0.0' || host === '::' ? reachableAddresses().map((a) => `http://${a}:${port}`).join(', ') || `${host}:${port}` : `${url}`;
    log.warn('REST', `serving plain HTTP beyond this machine, at ${where}: the token and every answer cross the network unencrypted; put TLS in front (an ingress or a tunnel) and keep the token secret`);
  }

  return {
    url,
    port,
    host,
    loginUrl: () => `${url}/?code=${tokens.sessions.newCode()}`,
    get eventClients() {
      return streams.size;
    },
    close: async () => {
      for (const end of streams) end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Requests still running get a moment; then their sockets go too.
      const timer = setTimeout(() => server.closeAllConnections(), 1_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** `req` given: reads get an ETag (304 when the client has it) and answers are compressed when accepted. */
export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string | string[]> = {}, req?: IncomingMessage): void {
  const allow = (body as { allow?: unknown })?.allow;
  const out = encodeAnswer(req, status, body);
  res.writeHead(out.status, {
    ...COMMON_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(out.body.length),
    'Cache-Control': 'no-store',
    ...(status === 405 && Array.isArray(allow) ? { Allow: allow.join(', ') } : {}),
    ...out.headers,
    ...extra,
  });
  res.end(req?.method === 'HEAD' ? undefined : out.body);
}

function safePath(raw: string | undefined): string {
  const path = (raw ?? '/').split('?')[0]!;
  return path.length > 300 ? `${path.slice(0, 300)}...` : path;
}

/** The machine's addresses a wildcard bind is reachable at (IPv4 and IPv6, not loopback). */
function reachableAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => !!a && !a.internal)
    .map((a) => (a!.family === 'IPv6' ? `[${a!.address}]` : a!.address));
}
