// The one way to talk to Ollama: picks the first route (in the configured order) that
// answers /api/version, keeps it while it works, drops it on a connection failure and
// probes again; retries requests that are safe to repeat with the seed's policy
// (3 tries, short backoff, on 429/500/502/503/504 and connection errors).
import { request, type Dispatcher } from 'undici';
import { defaultSettings, type OllamaRouteInfo, type OllamaRouteTest, type ollamaRouteKinds } from '../../../preload/contract/index.ts';

type OllamaRouteKind = (typeof ollamaRouteKinds)[number];
import { AppError } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import { connectionError, describe, neverSent, ollamaHttpError } from './errors.ts';
import { portForwardRoute } from './port-forward.ts';
import { directRoute, LOCALHOST_URL, normaliseOllamaHost, SERVICE_DNS_URLS, type OllamaRoute } from './route.ts';
import { serviceProxyRoute } from './service-proxy.ts';

export interface OllamaRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Safe to repeat (GET, show, tags, ps): retried on 429/5xx and connection errors. */
  safe: boolean;
  /** What it does, for messages ("list models"). */
  what: string;
  signal?: AbortSignal;
  headersTimeoutMs?: number;
  /** Longest silence between body bytes (a pull may run for hours while bytes come). */
  bodyTimeoutMs?: number;
}

export interface OllamaResponse {
  status: number;
  body: Dispatcher.ResponseData['body'];
  /** The body already read (an error answer looked at on the way). */
  text?: string;
  route: OllamaRouteInfo;
}

/** The whole body as text (for error answers and non-streamed requests). */
export async function responseText(res: OllamaResponse): Promise<string> {
  return res.text ?? (await res.body.text());
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const TRIES = 3;
const BACKOFF_MS = 100;
const PROBE_TIMEOUT_MS = 1_500;
const NONE_ANSWER_CACHE_MS = 1_000;

export type Candidate = { label: string; make: () => Promise<OllamaRoute> };

export class OllamaClient {
  readonly #ctx: CoreContext;
  #route: OllamaRoute | null = null;
  #resolving: Promise<OllamaRoute> | null = null;
  #lastFailure: { at: number; error: AppError } | null = null;
  #closed = false;
  #unsubscribe: () => void;
  readonly #fixed: Candidate | null;

  /** `fixed`: the one way to this Ollama (a model deployment's Service), instead of the configured routes. */
  constructor(ctx: CoreContext, fixed?: Candidate) {
    this.#ctx = ctx;
    this.#fixed = fixed ?? null;
    this.#unsubscribe = fixed
      ? () => {}
      : ctx.settings.onChange((_next, changed) => {
          if (changed.includes('ollamaUrl') || changed.includes('ollamaRoutes')) this.reset('settings changed');
        });
  }

  route(): OllamaRouteInfo | null {
    return this.#route?.info() ?? null;
  }

  /** Forgets the route in use; the next request probes again. */
  reset(reason: string): void {
    const r = this.#route;
    if (!r) return;
    this.#route = null;
    this.#ctx.log.warn('OLLAMA', `dropping route ${r.kind} (${r.info().url}): ${reason}`);
    void r.close().catch(() => {});
  }

  /** The route in use, or the first in order that answers /api/version. */
  async resolve(): Promise<OllamaRoute> {
    if (this.#route) return this.#route;
    if (this.#closed) throw new AppError(503, 'Ollama client is closed');
    if (this.#lastFailure && Date.now() - this.#lastFailure.at < NONE_ANSWER_CACHE_MS) throw this.#lastFailure.error;
    this.#resolving ??= this.#probeAll().finally(() => (this.#resolving = null));
    return this.#resolving;
  }

  async #probeAll(): Promise<OllamaRoute> {
    const tried: string[] = [];
    for (const c of this.#candidates()) {
      let route: OllamaRoute | null = null;
      try {
        route = await c.make();
        const version = await probe(route);
        if (this.#closed) {
          await route.close();
          break;
        }
        this.#route = route;
        this.#lastFailure = null;
        this.#ctx.log.info('OLLAMA', `using route ${route.kind}: ${route.info().url} (Ollama ${version})`);
        return route;
      } catch (err) {
        tried.push(`${c.label}: ${describe(err)}`);
        if (route) await route.close().catch(() => {});
      }
    }
    const error = new AppError(503, `Ollama is unreachable; tried ${tried.join('; ') || 'no route (none configured)'}`, { tried });
    this.#lastFailure = { at: Date.now(), error };
    this.#ctx.log.warn('OLLAMA', error.message);
    throw error;
  }

  /** Every configured route tried once, in order, each on a connection of its own: which answers, and how fast (Settings' "Test"). */
  async testRoutes(): Promise<OllamaRouteTest[]> {
    const out: OllamaRouteTest[] = [];
    for (const c of this.#candidates()) {
      const started = performance.now();
      let route: OllamaRoute | null = null;
      try {
        route = await c.make();
        const version = await probe(route);
        out.push({ ...route.info(), ok: true, version, ms: Math.round(performance.now() - started), error: null });
      } catch (err) {
        out.push({ kind: route?.kind ?? c.label.split(' ')[0]!, url: route?.info().url ?? c.label, ok: false, version: null, ms: Math.round(performance.now() - started), error: describe(err) });
      } finally {
        await route?.close().catch(() => {});
      }
    }
    return out;
  }

  #candidates(): Candidate[] {
    if (this.#fixed) return [this.#fixed];
    const { settings, env, kube, log } = this.#ctx;
    const s = settings.get();
    const out: Candidate[] = [];
    for (const kind of routeOrder(s.ollamaRoutes, env)) {
      if (kind === 'explicit') {
        const urls = [s.ollamaUrl, env.OLLAMA_HOST].map((u) => (u ? normaliseOllamaHost(u) : null)).filter((u): u is string => !!u);
        for (const url of [...new Set(urls)]) out.push({ label: `explicit ${url}`, make: async () => directRoute('explicit', url) });
      } else if (kind === 'service-proxy') {
        out.push({ label: 'service-proxy', make: () => serviceProxyRoute(kube) });
      } else if (kind === 'port-forward') {
        out.push({ label: 'port-forward', make: () => portForwardRoute(kube, log) });
      } else if (kind === 'service-dns') {
        for (const url of SERVICE_DNS_URLS(kube.namespace)) out.push({ label: url, make: async () => directRoute('service-dns', url) });
      } else if (kind === 'localhost') {
        out.push({ label: LOCALHOST_URL, make: async () => directRoute('localhost', LOCALHOST_URL) });
      }
    }
    return out;
  }

  /**
   * Sends one request. A connection failure drops the route and, when the request is safe
   * or never reached Ollama, goes on with the next route that answers.
   */
  async request(req: OllamaRequest): Promise<OllamaResponse> {
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      if (attempt > 1) await sleep(BACKOFF_MS * 2 ** (attempt - 2), req.signal);
      const route = await this.resolve();
      try {
        const res = await request(route.base + req.path, {
          method: req.method,
          dispatcher: route.dispatcher,
          headers: { ...(await route.headers()), ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
          signal: req.signal,
          headersTimeout: req.headersTimeoutMs ?? 30_000,
          bodyTimeout: req.bodyTimeoutMs ?? 60_000,
        });
        if (route.kind === 'service-proxy' && (res.statusCode === 502 || res.statusCode === 503)) {
          const text = await res.body.text().catch(() => '');
          if (!isOllamaError(text)) {
            // The API server could not reach the service: the route is dead, not Ollama busy.
            this.reset(`service proxy answered ${res.statusCode}: ${text.slice(0, 120)}`);
            lastError = new AppError(503, `Ollama unreachable through the service proxy (${req.what}): ${text.slice(0, 200)}`);
            continue;
          }
          if (req.safe && attempt < TRIES) {
            lastError = ollamaHttpError(res.statusCode, text, req.what);
            continue;
          }
          return { status: res.statusCode, body: res.body, text, route: route.info() };
        }
        if (req.safe && RETRY_STATUSES.has(res.statusCode) && attempt < TRIES) {
          await res.body.dump().catch(() => {});
          lastError = new AppError(502, `HTTP ${res.statusCode}`);
          continue;
        }
        return { status: res.statusCode, body: res.body, route: route.info() };
      } catch (err) {
        if (req.signal?.aborted) throw err;
        if (!connectionError(err)) throw err;
        lastError = err;
        if (this.#route === route) this.reset(describe(err));
        if (!req.safe && !neverSent(err)) break;
      }
    }
    if (lastError instanceof AppError) throw lastError;
    throw new AppError(503, `Ollama did not answer (${req.what}): ${describe(lastError)}`);
  }

  /** A request whose answer is JSON; Ollama's error answers become AppErrors. */
  async json<T>(req: OllamaRequest): Promise<T> {
    const res = await this.request(req);
    const text = await responseText(res);
    if (res.status >= 400) throw ollamaHttpError(res.status, text, req.what);
    if (!text.trim()) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new AppError(502, `Ollama answered ${req.what} with something that is not JSON`);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    await this.#resolving?.catch(() => {});
    const r = this.#route;
    this.#route = null;
    await r?.close().catch(() => {});
  }
}

async function probe(route: OllamaRoute): Promise<string> {
  const res = await request(route.base + '/api/version', {
    dispatcher: route.dispatcher,
    headers: await route.headers(),
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    headersTimeout: PROBE_TIMEOUT_MS,
    bodyTimeout: PROBE_TIMEOUT_MS,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`/api/version answered HTTP ${res.statusCode}`);
  let version: unknown;
  try {
    version = (JSON.parse(text) as { version?: unknown }).version;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string') throw new Error('/api/version did not answer like Ollama');
  return version;
}

function isOllamaError(text: string): boolean {
  // Ollama's own errors (queue full) are {"error": ...}; the API server's are a Status or text.
  try {
    const o = JSON.parse(text) as { error?: unknown; kind?: unknown };
    return typeof o.error === 'string' && o.kind !== 'Status';
  } catch {
    return false;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * The routes in the order tried. In a pod with the default order, the Service's own DNS
 * names come before the API server's proxy: same Ollama, one hop less, no proxy permission used.
 */
export function routeOrder(routes: readonly OllamaRouteKind[], env: NodeJS.ProcessEnv): OllamaRouteKind[] {
  const isDefault = routes.length === defaultSettings.ollamaRoutes.length && routes.every((r, i) => r === defaultSettings.ollamaRoutes[i]);
  if (!env.KUBERNETES_SERVICE_HOST || !isDefault) return [...routes];
  return ['explicit', 'service-dns', ...routes.filter((r) => r !== 'explicit' && r !== 'service-dns')];
}

