// Browser sessions of the embedded server. A session is a fresh random value made at login,
// known only to this server process (a restart signs every browser out) and valid for a
// limited time; the token itself never becomes the cookie. Login URLs carry a one-time code
// rather than the token, so the address that stays in the browser's history opens nothing.
import { randomBytes } from 'node:crypto';

const SESSION_TTL_MS = 12 * 3600_000;
const CODE_TTL_MS = 24 * 3600_000;
/** Bounds memory against a flood of logins; the oldest go first. */
const MAX_SESSIONS = 1000;
const MAX_CODES = 100;

const newSecret = () => randomBytes(24).toString('base64url');

class Expiring {
  readonly #until = new Map<string, number>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  add(value: string, ttlMs: number, now: number): void {
    if (this.#until.size >= this.#max) this.#until.delete(this.#until.keys().next().value!);
    this.#until.set(value, now + ttlMs);
  }
  valid(value: string, now: number): boolean {
    const until = this.#until.get(value);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#until.delete(value);
    return false;
  }
  delete(value: string): boolean {
    return this.#until.delete(value);
  }
}

export class Sessions {
  readonly #sessions = new Expiring(MAX_SESSIONS);
  readonly #codes = new Expiring(MAX_CODES);
  readonly #now: () => number;
  /** Seconds, for the cookie's Max-Age. */
  readonly maxAgeSeconds = SESSION_TTL_MS / 1000;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A new session (after a valid token or code). */
  open(): string {
    const id = newSecret();
    this.#sessions.add(id, SESSION_TTL_MS, this.#now());
    return id;
  }

  valid(id: string | undefined): boolean {
    return id !== undefined && this.#sessions.valid(id, this.#now());
  }

  /** A code for one login URL: spent by its first use. */
  newCode(): string {
    const code = newSecret();
    this.#codes.add(code, CODE_TTL_MS, this.#now());
    return code;
  }

  spendCode(code: string): boolean {
    const ok = this.#codes.valid(code, this.#now());
    this.#codes.delete(code);
    return ok;
  }
}
