// Moves journal entries into the ConfigMap, coalesced: at most one write per interval
// however many increments arrive. Each write records this instance's last applied seq in
// the same update as the counts, so replaying the journal after a crash counts nothing twice.
import type { Logger } from '../log.ts';
import type { UsageConfigMap } from './configmap.ts';
import { applyUse, type UsageDoc } from './doc.ts';
import { useOf, type UsageJournal } from './journal.ts';

export interface FlusherOptions {
  /** Shortest gap between two ConfigMap writes (coalescing window). */
  minIntervalMs: number;
  /** Wait before trying again after a failure (API down). */
  retryMs: number;
}

export class UsageFlusher {
  readonly #journal: UsageJournal;
  readonly #cm: UsageConfigMap;
  readonly #log: Logger;
  readonly #opts: FlusherOptions;
  readonly #onWritten: (doc: UsageDoc) => void;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #lastRun = 0;
  #failing = false;
  #closed = false;

  constructor(journal: UsageJournal, cm: UsageConfigMap, log: Logger, opts: FlusherOptions, onWritten: (doc: UsageDoc) => void) {
    this.#journal = journal;
    this.#cm = cm;
    this.#log = log;
    this.#opts = opts;
    this.#onWritten = onWritten;
  }

  /** Asks for a flush soon; many calls within the window make one write. */
  schedule(delayMs?: number): void {
    if (this.#closed || this.#timer) return;
    const wait = delayMs ?? Math.max(0, this.#lastRun + this.#opts.minIntervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush().catch(() => {});
    }, wait);
  }

  /** Runs one flush now (or waits for the running one and runs again if more arrived). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running.catch(() => {});
    const run = this.#flushOnce();
    this.#running = run;
    try {
      await run;
    } finally {
      this.#running = null;
    }
  }

  async #flushOnce(): Promise<void> {
    this.#lastRun = Date.now();
    const entries = this.#journal.pending();
    if (!entries.length) return;
    const id = this.#journal.instanceId;
    const maxSeq = entries[entries.length - 1]!.seq;
    let counted = 0;
    let dropped = 0;
    try {
      const doc = await this.#cm.update((doc) => {
        counted = 0;
        dropped = 0;
        const applied = doc.applied[id] ?? 0;
        const fresh = entries.filter((e) => e.seq > applied);
        if (!fresh.length) return false; // written before a crash: only the local drop is left
        for (const e of fresh) {
          if (e.t <= doc.resetAt) dropped++;
          else {
            // Bucketed by when the increment was accepted, not by this write: a replay after an
            // outage lands in the hours the uses happened.
            applyUse(doc, e.model, useOf(e), e.t);
            counted++;
          }
        }
        doc.applied[id] = Math.max(applied, maxSeq);
        return true;
      });
      await this.#journal.markApplied(maxSeq);
      if (this.#failing) this.#log.info('USAGE', 'configmap reachable again; pending increments written');
      this.#failing = false;
      if (counted || dropped) {
        this.#log.info('USAGE', `wrote ${counted} increment(s) to the configmap${dropped ? `, dropped ${dropped} accepted before a reset` : ''}`);
      }
      this.#onWritten(doc);
    } catch (err) {
      if (!this.#failing) this.#log.warn('USAGE', `could not write usage counts (kept in the journal, will retry): ${(err as Error).message}`);
      this.#failing = true;
      this.schedule(this.#opts.retryMs);
      throw err;
    }
    // More may have arrived while this write was in flight.
    if (this.#journal.pending().length) this.schedule();
  }

  get failing(): boolean {
    return this.#failing;
  }

  /** Stops the timer and makes one last attempt (bounded by the caller). */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      await this.flush();
    } catch {
      // Left in the journal: the next start replays it.
    }
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
