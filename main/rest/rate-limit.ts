// Failed token attempts, per client address: after `limit` failures within `windowMs` the
// address gets 429 until the window has passed, so a token cannot be guessed at line rate.
// Only presented credentials that are wrong count (a bearer token, a login code or token),
// not requests without any: a page that is not signed in yet must still be able to log in.
export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(limit = 10, windowMs = 60_000, now: () => number = Date.now) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Seconds until `address` may try again, or 0. */
  retryAfter(address: string): number {
    const recent = this.#recent(address);
    if (recent.length < this.#limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.#windowMs - this.#now()) / 1000));
  }

  fail(address: string): void {
    const recent = this.#recent(address);
    recent.push(this.#now());
    this.#failures.set(address, recent.slice(-this.#limit));
    // Bounded: addresses whose failures are all old are forgotten.
    if (this.#failures.size > 10_000) for (const key of this.#failures.keys()) if (!this.#recent(key).length) this.#failures.delete(key);
  }

  #recent(address: string): number[] {
    const since = this.#now() - this.#windowMs;
    return (this.#failures.get(address) ?? []).filter((t) => t > since);
  }
}
