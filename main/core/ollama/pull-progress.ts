// Turns Ollama's pull stream into the seed's progress fields: totals over every layer seen
// (not only the current one), bytes per second over a sliding window, and the time left.
import type { PullProgress } from '../../../preload/contract/index.ts';

const RATE_WINDOW_MS = 5_000;
/** Statuses Ollama sends only after every blob is on disk (server/images.go PullModel). */
const AFTER_DOWNLOADS = new Set(['verifying sha256 digest', 'writing manifest', 'removing unused layers', 'removing any unused layers', 'success']);

export class PullTracker {
  readonly #layers = new Map<string, { total: number; completed: number }>();
  readonly #samples: { at: number; bytes: number }[] = [];
  /** Bytes actually downloaded in this run (a layer already present is not a download). */
  #downloaded = 0;
  progress: PullProgress;

  constructor(model: string, now = Date.now()) {
    this.progress = {
      model,
      status: 'starting',
      progress: 0,
      total: 0,
      completed: 0,
      error: null,
      message: 'starting',
      bytes_per_second: null,
      eta_seconds: null,
      started_at: new Date(now).toISOString(),
      finished_at: null,
    };
  }

  /** Applies one object of the stream; returns true when the status text changed. */
  update(obj: Record<string, unknown>, now = Date.now()): boolean {
    const before = this.progress.status;
    const statusText = typeof obj.status === 'string' ? obj.status : '';
    const digest = typeof obj.digest === 'string' ? obj.digest : null;
    if (digest && typeof obj.total === 'number' && obj.total > 0) {
      const completed = typeof obj.completed === 'number' ? Math.min(obj.completed, obj.total) : 0;
      const layer = this.#layers.get(digest);
      if (layer) {
        if (completed > layer.completed) this.#downloaded += completed - layer.completed;
        layer.completed = Math.max(layer.completed, completed);
        layer.total = obj.total;
      } else {
        // The first sight of a layer may already be complete (present) or partly there (resumed).
        this.#layers.set(digest, { total: obj.total, completed });
      }
      this.#sample(now);
    }
    // Ollama sends no line when a blob finishes (its last one is usually short of the total) and
    // verifies only once every blob is down: from then on, every layer it named is complete.
    if (AFTER_DOWNLOADS.has(statusText)) {
      for (const l of this.#layers.values()) {
        this.#downloaded += l.total - l.completed;
        l.completed = l.total;
      }
    }
    let status: string;
    if (statusText === 'success') status = 'success';
    else if (digest || statusText.startsWith('pulling ') && statusText !== 'pulling manifest') status = 'downloading';
    else status = statusText || this.progress.status;
    this.#refresh(status, now);
    return status !== before;
  }

  #sample(now: number): void {
    this.#samples.push({ at: now, bytes: this.#downloaded });
    while (this.#samples.length > 2 && now - this.#samples[0]!.at > RATE_WINDOW_MS) this.#samples.shift();
  }

  #refresh(status: string, now: number): void {
    let total = 0;
    let completed = 0;
    for (const l of this.#layers.values()) {
      total += l.total;
      completed += l.completed;
    }
    const p = this.progress;
    p.status = status;
    p.total = total;
    p.completed = completed;
    p.progress = status === 'success' ? 100 : total > 0 ? Math.min(100, Math.floor((completed / total) * 100)) : 0;
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (first && last && last.at - first.at >= 200) {
      p.bytes_per_second = Math.round(((last.bytes - first.bytes) / (last.at - first.at)) * 1000);
      p.eta_seconds = p.bytes_per_second > 0 ? Math.ceil((total - completed) / p.bytes_per_second) : null;
    }
    if (status === 'success') p.eta_seconds = 0;
    p.message = status === 'downloading' ? `downloading: ${p.progress}%` : status === 'success' ? 'success: 100%' : status;
    void now;
  }

  fail(message: string, now = Date.now()): void {
    this.#finish('error', now);
    this.progress.error = message;
    this.progress.message = `error: ${message}`;
  }

  /** `why`: said after the percentage (a switch of namespace, the app quitting). */
  cancel(now = Date.now(), why?: string): void {
    this.#finish('cancelled', now);
    this.progress.message = `cancelled at ${this.progress.progress}%${why ? `: ${why}` : ''}`;
  }

  succeed(now = Date.now()): void {
    this.#refresh('success', now);
    this.#finish('success', now);
  }

  #finish(status: string, now: number): void {
    this.progress.status = status;
    this.progress.finished_at = new Date(now).toISOString();
    this.progress.eta_seconds = status === 'success' ? 0 : null;
    if (status !== 'success') this.progress.bytes_per_second = null;
  }

  get finished(): boolean {
    return this.progress.finished_at !== null;
  }
}
