// A list-then-watch cache of one resource kind: lists in pages (limit/continue, so 20,000
// pods arrive in bounded pieces), then watches from the list's resourceVersion; re-lists
// on 410 Gone; after an error restarts with backoff. Reads never wait on the API server
// once the first list has arrived. An operator whose RBAC stops at one namespace gets a
// 403 on the all-namespaces list: the cache then falls back to that namespace, and says so.
import * as k8s from '@kubernetes/client-node';
import { AppError } from '../errors.ts';
import { kubeMessage, type KubeClient } from './client.ts';

export const PAGE_SIZE = 500;
const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 5_000;
/** A forbidden list is retried this rarely (RBAC changes are rare) and logged once per reason. */
const FORBIDDEN_RETRY_MS = 60_000;
/** A watch with no traffic for this long is assumed dead and reopened. */
const WATCH_IDLE_MS = 90_000;
/**
 * A watch asks for bookmarks, which the API server sends at a steady pace (about a minute;
 * whatever this server does is learned from the gaps between them). A watch silent for
 * SILENCE_FACTOR gaps is dead though its connection looks open, and is reopened then rather
 * than after client-node's idle timeout.
 */
const SILENCE_FACTOR = 1.5;
const SILENCE_MIN_MS = 1_000;

export interface ListPage {
  items: unknown[];
  metadata?: { resourceVersion?: string; _continue?: string };
}

export interface ListWatchSpec<T> {
  /** Plural, for logs and events: "nodes", "pods", "deployments". */
  kind: string;
  /** Watch path, e.g. /api/v1/pods. */
  path: string;
  list(page: { limit: number; _continue?: string }): Promise<ListPage>;
  trim(raw: unknown): T;
  key(item: T): string;
  /** The same kind in one namespace, used when the all-namespaces list is forbidden (403). */
  namespaced?: { namespace: string; path: string; list(page: { limit: number; _continue?: string }): Promise<ListPage> };
}

/**
 * One change of a cache: an item set or deleted by the watch, or `reset` after a (re)list swapped
 * every item at once (an incremental reader then rebuilds from values()).
 */
export type CacheChange<T> = { type: 'set'; key: string; item: T; previous: T | undefined } | { type: 'delete'; key: string; previous: T | undefined } | { type: 'reset' };

/** What the cache covers: the whole cluster, or one namespace after a 403 on the cluster-wide list. */
export type CacheScope = 'cluster' | 'namespace';

type WatchEnd = { kind: 'gone'; short: boolean } | { kind: 'closed'; rv: string; short: boolean } | { kind: 'error'; error: unknown; rv: string };

export class ListWatchCache<T> {
  readonly spec: ListWatchSpec<T>;
  readonly #kube: KubeClient;
  #items = new Map<string, T>();
  #synced = false;
  #watching = false;
  #stopped = true;
  #lastError: AppError | null = null;
  #failures = 0;
  #abort: AbortController | null = null;
  #wake: (() => void) | null = null;
  #listeners = new Set<(change: CacheChange<T>) => void>();
  #healthListeners = new Set<(failed: boolean) => void>();
  #syncWaiters = new Set<() => void>();
  #run: Promise<void> | null = null;
  #openedAt = 0;
  #progressAt = 0;
  #scope: CacheScope = 'cluster';
  #lastLogged = '';

  constructor(kube: KubeClient, spec: ListWatchSpec<T>) {
    this.#kube = kube;
    this.spec = spec;
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** Listed and the watch is open. */
  get healthy(): boolean {
    return this.#synced && this.#watching && !this.#stopped;
  }

  get lastError(): AppError | null {
    return this.#lastError;
  }

  get scope(): CacheScope {
    return this.#scope;
  }

  /** The namespace watched after the fallback, null while the whole cluster is. */
  get namespace(): string | null {
    return this.#scope === 'namespace' ? (this.spec.namespaced?.namespace ?? null) : null;
  }

  /** Never listed because RBAC forbids it (403): reads cannot wait for it, health does not count it. */
  get forbidden(): boolean {
    return !this.#synced && this.#lastError?.status === 403;
  }

  get size(): number {
    return this.#items.size;
  }

  values(): IterableIterator<T> {
    return this.#items.values();
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  /** Called when the watch opens or closes (false), and after each failed attempt (true). */
  onHealth(listener: (failed: boolean) => void): () => void {
    this.#healthListeners.add(listener);
    return () => this.#healthListeners.delete(listener);
  }

  /** Since when the items are not kept current: the watch closed, or has not opened since the list (null while it is open). */
  #brokenAt: number | null = null;

  /** Since when the items may be out of date (the watch is not open), null while it is. */
  get brokenSince(): number | null {
    return this.#brokenAt;
  }

  #setWatching(on: boolean): void {
    if (this.#watching === on) return;
    this.#watching = on;
    if (on) this.#brokenAt = null;
    else if (this.#synced && !this.#stopped) this.#brokenAt ??= Date.now();
    for (const l of this.#healthListeners) l(false);
  }

  /** Called after every change, with what changed (see CacheChange). */
  onChange(listener: (change: CacheChange<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#run = this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#run;
    this.#run = null;
  }

  /** Retry now instead of at the end of the backoff (the API server answered again). */
  kick(): void {
    this.#wake?.();
  }

  /**
   * Resolves once the first list has arrived. Before that, rejects with the reason of the
   * first failed attempt (unreachable → 503, forbidden → 403) or after `timeoutMs`.
   */
  async ready(timeoutMs: number): Promise<void> {
    if (this.#synced) return;
    const failuresBefore = this.#failures;
    await new Promise<void>((resolve, reject) => {
      // The timeout counts from the last page that arrived: a big cluster's list is slow, not stuck.
      const check = () => {
        const idle = Date.now() - this.#progressAt;
        if (this.#progressAt && idle < timeoutMs && !this.#synced) timer = setTimeout(check, timeoutMs - idle);
        else finish();
      };
      let timer = setTimeout(check, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#syncWaiters.delete(finish);
        if (this.#synced) resolve();
        else reject(this.#lastError ?? new AppError(503, `Kubernetes API server did not answer the ${this.spec.kind} list within ${timeoutMs / 1000} s`));
      };
      this.#syncWaiters.add(finish);
      // A failure already seen before this call counts only if nothing has been listed yet.
      if (failuresBefore > 0 && this.#lastError) finish();
    });
  }

  #changed(change: CacheChange<T>): void {
    for (const l of this.#listeners) l(change);
  }

  #settle(): void {
    for (const w of [...this.#syncWaiters]) w();
  }

  async #loop(): Promise<void> {
    let backoff = BACKOFF_START_MS;
    while (!this.#stopped) {
      try {
        let rv = await this.#relist();
        while (!this.#stopped) {
          const end = await this.#watchOnce(rv);
          if (end.kind === 'gone') {
            this.#kube.log.info('CACHE', `${this.spec.kind}: watch expired (410 Gone), listing again`);
            // Gone again right after a fresh list: back off rather than list in a tight loop.
            if (end.short) {
              await this.#sleep(backoff);
              backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
            }
            break;
          }
          rv = end.rv;
          if (end.kind === 'error') throw end.error;
          // A watch the server closes at once, again and again, must not spin.
          if (end.short) {
            await this.#sleep(backoff);
            backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
          } else backoff = BACKOFF_START_MS;
        }
      } catch (err) {
        this.#setWatching(false);
        if (this.#stopped) break;
        // A failure after a long healthy stretch starts the backoff afresh.
        if (this.#openedAt && Date.now() - this.#openedAt > 10_000) backoff = BACKOFF_START_MS;
        this.#openedAt = 0;
        this.#failures++;
        this.#lastError = err instanceof AppError ? err : watchError(this.spec.kind, err);
        if (this.#lastError.status === 503) this.#kube.markDisconnected(this.#lastError.message);
        // Forbidden does not pass by itself: asked again rarely, and said once rather than every attempt.
        const forbidden = this.#lastError.status === 403;
        const wait = forbidden ? FORBIDDEN_RETRY_MS : backoff;
        if (!forbidden || this.#lastLogged !== this.#lastError.message)
          this.#kube.log.warn('CACHE', `${this.spec.kind}: ${this.#lastError.message}; retrying in ${wait} ms`);
        this.#lastLogged = this.#lastError.message;
        this.#settle();
        for (const l of this.#healthListeners) l(true);
        await this.#sleep(wait);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
    this.#setWatching(false);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = null;
        done();
      };
    });
  }

  /** Every page, then the whole map swapped at once; returns the list's resourceVersion. */
  async #relist(): Promise<string> {
    const next = new Map<string, T>();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.#listPage(cont);
      this.#progressAt = Date.now();
      for (const raw of page.items) {
        const item = this.spec.trim(raw);
        next.set(this.spec.key(item), item);
      }
      // The raw page must not outlive this turn: alive across the next page's wait it would be
      // promoted to the old generation (megabytes per page) and stay resident after the sync.
      page.items.length = 0;
      cont = page.metadata?._continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont && !this.#stopped);
    const first = !this.#synced;
    this.#items = next;
    this.#synced = true;
    // Current as of now; kept current once the watch opens (if it never does, stale from here).
    this.#brokenAt = Date.now();
    this.#lastError = null;
    if (first) this.#kube.log.info('CACHE', `${this.spec.kind}: ${next.size} listed`);
    this.#settle();
    this.#changed({ type: 'reset' });
    return rv;
  }

  /** One page, in the cache's scope; a 403 on the cluster-wide list switches to the namespace once. */
  async #listPage(cont: string | undefined): Promise<ListPage> {
    const page = { limit: PAGE_SIZE, ...(cont ? { _continue: cont } : {}) };
    const ns = this.spec.namespaced;
    if (this.#scope === 'namespace' && ns) return this.#kube.call(`list ${this.spec.kind} in namespace ${ns.namespace}`, () => ns.list(page));
    try {
      return await this.#kube.call(`list ${this.spec.kind}${ns ? ' in all namespaces' : ''}`, () => this.spec.list(page));
    } catch (err) {
      if (!ns || !(err instanceof AppError) || err.status !== 403 || cont) throw err;
      this.#scope = 'namespace';
      this.#kube.log.warn('CACHE', `${this.spec.kind}: listing them in all namespaces is forbidden (${kubeMessage(err)}); watching namespace ${ns.namespace} only`);
      return this.#kube.call(`list ${this.spec.kind} in namespace ${ns.namespace}`, () => ns.list({ limit: PAGE_SIZE }));
    }
  }

  /** The longest recent gap between two bookmarks (null until two were seen). */
  #bookmarkGapMs: number | null = null;

  /** How long a watch may stay silent before it counts as dead. */
  get silenceLimitMs(): number {
    return this.#bookmarkGapMs === null ? WATCH_IDLE_MS : Math.min(WATCH_IDLE_MS, Math.max(SILENCE_MIN_MS, this.#bookmarkGapMs * SILENCE_FACTOR));
  }

  #watchOnce(fromRv: string): Promise<WatchEnd> {
    let rv = fromRv;
    const opened = Date.now();
    let events = 0;
    let lastHeard = opened;
    let lastBookmark: number | null = null;
    return new Promise<WatchEnd>((resolve) => {
      let ended = false;
      let gone = false;
      let silent = false;
      let failure: unknown = null;
      // Re-armed after each check and each bookmark, so a limit learned meanwhile applies at once.
      let watchdog: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(check, Math.max(250, Math.min(5_000, this.silenceLimitMs / 4)));
        watchdog.unref();
      };
      const check = () => {
        const quiet = Date.now() - lastHeard;
        if (quiet <= this.silenceLimitMs) return arm();
        silent = true;
        this.#kube.log.warn('CACHE', `${this.spec.kind}: watch silent for ${Math.round(quiet / 100) / 10} s (no event, no bookmark); reopening it`);
        this.#abort?.abort();
      };
      arm();
      const end = (result: WatchEnd) => {
        if (ended) return;
        ended = true;
        clearTimeout(watchdog);
        this.#setWatching(false);
        resolve(result);
      };
      const watch = new k8s.Watch(this.#kube.kc);
      // Private in the typings, but the inactivity timeout is the only way to notice a silent dead stream.
      (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = WATCH_IDLE_MS;
      const onEvent = (type: string, obj: unknown) => {
        const o = obj as { code?: number; message?: string; metadata?: { resourceVersion?: string } };
        if (type === 'ERROR') {
          if (o?.code === 410) gone = true;
          else failure = new AppError(502, `Kubernetes watch of ${this.spec.kind} failed: ${o?.message ?? 'error event'}`);
          this.#abort?.abort();
          return;
        }
        events++;
        lastHeard = Date.now();
        if (o?.metadata?.resourceVersion) rv = o.metadata.resourceVersion;
        if (type === 'BOOKMARK') {
          // Learned per watch session and kept: the pace is the server's, not the session's.
          if (lastBookmark !== null) this.#bookmarkGapMs = Math.max(lastHeard - lastBookmark, (this.#bookmarkGapMs ?? 0) * 0.9);
          lastBookmark = lastHeard;
          if (!ended) arm();
          return;
        }
        const item = this.spec.trim(obj);
        const key = this.spec.key(item);
        const previous = this.#items.get(key);
        if (type === 'DELETED') {
          this.#items.delete(key);
          this.#changed({ type: 'delete', key, previous });
        } else {
          this.#items.set(key, item);
          this.#changed({ type: 'set', key, item, previous });
        }
      };
      const onDone = (err: unknown) => {
        const e = err as { statusCode?: number; name?: string } | null;
        const short = events === 0 && Date.now() - opened < 1000;
        if (gone || e?.statusCode === 410) return end({ kind: 'gone', short });
        if (failure) return end({ kind: 'error', error: failure, rv });
        // The idle timer or the silence watchdog fired: reopen from where we were; a dead server shows on the reopen.
        if (!err || silent || e?.name === 'TimeoutError' || this.#stopped) return end({ kind: 'closed', rv, short });
        end({ kind: 'error', error: err, rv });
      };
      watch
        .watch(this.#scope === 'namespace' && this.spec.namespaced ? this.spec.namespaced.path : this.spec.path, { resourceVersion: fromRv, allowWatchBookmarks: true }, onEvent, onDone)
        .then((controller) => {
          this.#abort = controller;
          if (ended) return;
          if (this.#stopped) controller.abort();
          this.#setWatching(true);
          this.#openedAt ||= Date.now();
          this.#kube.markConnected();
        })
        .catch((err) => end({ kind: 'error', error: err, rv }));
    });
  }
}

/** A watch failure as an AppError: an HTTP answer (403 names the permission) or an unreachable server (503). */
function watchError(kind: string, err: unknown): AppError {
  const code = (err as { statusCode?: number })?.statusCode;
  if (code === 403) return new AppError(403, `Kubernetes forbids it (watch ${kind}): HTTP 403. Ask for the "watch ${kind}" permission in RBAC.`, { k8s_code: 403 });
  if (code === 401) return new AppError(502, `Kubernetes refused the credentials while trying to watch ${kind}`, { k8s_code: 401 });
  if (code) return new AppError(502, `Kubernetes watch of ${kind} failed: ${describe(err)}`, { k8s_code: code });
  return new AppError(503, `Kubernetes API unreachable while watching ${kind}: ${describe(err)}`);
}

function describe(err: unknown): string {
  const e = err as { statusCode?: number; message?: string; cause?: { code?: string; message?: string }; code?: string };
  if (e?.statusCode) return `HTTP ${e.statusCode} ${e.message ?? ''}`.trim();
  return e?.cause?.code || e?.code || e?.cause?.message || e?.message || String(err);
}
