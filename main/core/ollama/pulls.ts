// Background pulls: any number at once, one per model (a second request joins the running
// one), cancel by aborting the stream (Ollama resumes on a later pull), finished entries
// kept for a while, progress pushed as throttled `pullProgress` events.
import type { PullProgress } from '../../../preload/contract/index.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../log.ts';
import { responseText, type OllamaClient } from './client.ts';
import { describe, errorMessage } from './errors.ts';
import { ndjson } from './ndjson.ts';
import { PullTracker } from './pull-progress.ts';
import { canonicalModelName } from '../vram/model-name.ts';

export interface PullOptions {
  /** How long a finished pull stays readable (default 10 minutes). */
  keepFinishedMs: number;
  /** Least gap between two progress events of one pull (default 250 ms). */
  eventIntervalMs: number;
  /** Longest silence in a pull stream before it counts as lost (default 120 s). */
  idleTimeoutMs: number;
  /**
   * How long a pull that has started keeps reconnecting, with backoff, after its connection
   * dropped (an API server outage, a port-forward to a restarted pod) without progress before
   * it counts as failed (default 5 minutes). Ollama keeps the bytes, so each retry resumes.
   */
  reconnectForMs: number;
}

/** Backoff between reconnects: 0.5 s, 1 s, 2 s ... up to 15 s. */
const backoffMs = (attempt: number) => Math.min(15_000, 500 * 2 ** Math.max(0, attempt - 1));

/** An answer from the way to Ollama (API server, proxy) rather than from Ollama: worth retrying. */
function transientAnswer(status: number, text: string): boolean {
  if (status === 502 || status === 503 || status === 504) return true;
  try {
    return (JSON.parse(text) as { kind?: unknown }).kind === 'Status';
  } catch {
    return false;
  }
}

interface Pull {
  key: string;
  tracker: PullTracker;
  abort: AbortController;
  done: Promise<void>;
  lastEvent: number;
}

/** "llama3.2" and "llama3.2:latest" are one pull; case does not matter (Ollama compares names case-insensitively). */
export const pullKey = canonicalModelName;

export class PullManager {
  readonly #client: OllamaClient;
  readonly #events: EventBus;
  readonly #log: Logger;
  readonly #opts: PullOptions;
  readonly #pulls = new Map<string, Pull>();
  readonly #sweeper: NodeJS.Timeout;
  /** The model deployment whose Ollama this is ("namespace/name"); null: the shared Ollama. */
  readonly #target: string | null;

  constructor(client: OllamaClient, events: EventBus, log: Logger, opts: PullOptions, target: string | null = null) {
    this.#target = target;
    this.#client = client;
    this.#events = events;
    this.#log = log;
    this.#opts = opts;
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(60_000, Math.max(1_000, opts.keepFinishedMs / 2)));
    this.#sweeper.unref();
  }

  /** Starts a pull, or joins the one running for that model. */
  start(model: string): { progress: PullProgress; joined: boolean } {
    this.#sweep();
    const key = pullKey(model);
    const running = this.#pulls.get(key);
    if (running && !running.tracker.finished) return { progress: { ...running.tracker.progress }, joined: true };
    const pull: Pull = { key, tracker: new PullTracker(model), abort: new AbortController(), done: Promise.resolve(), lastEvent: 0 };
    if (this.#target) pull.tracker.progress.target = this.#target;
    this.#pulls.set(key, pull);
    this.#log.info('PULL', `starting pull of ${model}${this.#target ? ` on ${this.#target}'s Ollama` : ''}`);
    pull.done = this.#run(pull, model);
    this.#emit(pull, true);
    return { progress: { ...pull.tracker.progress }, joined: false };
  }

  get(model: string): PullProgress | null {
    this.#sweep();
    const p = this.#pulls.get(pullKey(model));
    return p ? { ...p.tracker.progress } : null;
  }

  list(): PullProgress[] {
    this.#sweep();
    return [...this.#pulls.values()].map((p) => ({ ...p.tracker.progress }));
  }

  /** 'cancelled', 'finished' (nothing to stop) or 'unknown'. */
  async cancel(model: string): Promise<'cancelled' | 'finished' | 'unknown'> {
    const p = this.#pulls.get(pullKey(model));
    if (!p) return 'unknown';
    if (p.tracker.finished) return 'finished';
    p.abort.abort(new Error('cancelled'));
    await p.done;
    return 'cancelled';
  }

  async #run(pull: Pull, model: string): Promise<void> {
    const t = pull.tracker;
    // Once Ollama has begun the pull, a lost connection is retried; before, it is an error at once.
    let started = false;
    let lastProgressAt = Date.now();
    let attempt = 0;
    for (;;) {
      try {
        const res = await this.#client.request({
          method: 'POST',
          path: '/api/pull',
          body: { model, stream: true },
          safe: false,
          what: `pull ${model}`,
          signal: pull.abort.signal,
          headersTimeoutMs: 60_000,
          bodyTimeoutMs: this.#opts.idleTimeoutMs,
        });
        if (res.status >= 400) {
          const text = await responseText(res).catch(() => '');
          if (started && transientAnswer(res.status, text)) throw Object.assign(new Error(errorMessage(text, res.status)), { code: 'ECONNRESET' });
          return this.#fail(pull, errorMessage(text, res.status));
        }
        for await (const obj of ndjson(res.body)) {
          if (typeof obj.error === 'string') return this.#fail(pull, obj.error);
          const changed = t.update(obj);
          started = true;
          lastProgressAt = Date.now();
          attempt = 0;
          this.#emit(pull, changed);
          if (t.progress.status === 'success') {
            t.succeed();
            this.#log.info('PULL', `pulled ${model} (${t.progress.total} bytes)`);
            this.#emit(pull, true);
            return;
          }
        }
        throw Object.assign(new Error('the pull stream ended before success'), { code: 'ECONNRESET' });
      } catch (err) {
        if (pull.abort.signal.aborted) {
          const reason = pull.abort.signal.reason as Error | undefined;
          t.cancel(Date.now(), reason?.message === 'cancelled' ? undefined : reason?.message);
          this.#log.info('PULL', `cancelled pull of ${model} at ${t.progress.progress}%`);
          this.#emit(pull, true);
          return;
        }
        // The connection dropped mid-pull: Ollama keeps the bytes, so asking again resumes,
        // for as long as the way to Ollama may come back.
        if (started && Date.now() - lastProgressAt < this.#opts.reconnectForMs) {
          attempt++;
          const wait = backoffMs(attempt);
          this.#log.warn('PULL', `pull of ${model} lost its connection (${describe(err)}); retrying in ${wait} ms (attempt ${attempt})`);
          t.progress.message = `connection lost (${describe(err)}); retrying in ${Math.ceil(wait / 1000)} s, Ollama keeps what was downloaded`;
          this.#emit(pull, true);
          await sleepUnless(wait, pull.abort.signal);
          continue;
        }
        return this.#fail(pull, err instanceof Error && 'status' in err ? err.message : `connection to Ollama lost: ${describe(err)}`);
      }
    }
  }

  #fail(pull: Pull, message: string): void {
    pull.tracker.fail(message);
    this.#log.warn('PULL', `pull of ${pull.tracker.progress.model} failed: ${message}`);
    this.#emit(pull, true);
  }

  #emit(pull: Pull, force: boolean): void {
    const now = Date.now();
    if (!force && now - pull.lastEvent < this.#opts.eventIntervalMs) return;
    pull.lastEvent = now;
    this.#events.emit('pullProgress', { ...pull.tracker.progress });
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, p] of this.#pulls) {
      const end = p.tracker.progress.finished_at;
      if (end && now - Date.parse(end) > this.#opts.keepFinishedMs) this.#pulls.delete(key);
    }
  }

  /** Ends every running pull as cancelled, saying `why` (its progress event says so to the UI). */
  async close(why = 'the app closed its connection to this Ollama; Ollama keeps what was downloaded, so pulling again resumes'): Promise<void> {
    clearInterval(this.#sweeper);
    for (const p of this.#pulls.values()) if (!p.tracker.finished) p.abort.abort(new Error(why));
    await Promise.all([...this.#pulls.values()].map((p) => p.done.catch(() => {})));
  }
}

/** Waits `ms`, or less when `signal` aborts (the loop then sees the abort). */
function sleepUnless(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
