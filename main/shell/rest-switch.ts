// Turns the embedded REST server on and off as the settings say, one change at a time.
// No electron here: `start` is injected (startRestServer in the app, a stub-free real
// server in tests).
import { toAppError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';

export interface RunningServer {
  url: string;
  loginUrl(): string;
  close(): Promise<void>;
}

export class RestSwitch {
  readonly #start: (port: number) => Promise<RunningServer>;
  readonly #log: Logger;
  #server: RunningServer | null = null;
  #port: number | null = null;
  #queue: Promise<void> = Promise.resolve();
  #lastError: string | null = null;

  constructor(start: (port: number) => Promise<RunningServer>, log: Logger) {
    this.#start = start;
    this.#log = log;
  }

  get server(): RunningServer | null {
    return this.#server;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  /** Brings the server to the wanted state; changes queue so that two clicks never race. */
  set(enabled: boolean, port: number): Promise<void> {
    this.#queue = this.#queue.then(() => this.#apply(enabled, port));
    return this.#queue;
  }

  close(): Promise<void> {
    return this.set(false, this.#port ?? 0);
  }

  async #apply(enabled: boolean, port: number): Promise<void> {
    if (this.#server && (!enabled || port !== this.#port)) {
      const old = this.#server;
      this.#server = null;
      this.#port = null;
      await old.close().catch((err) => this.#log.warn('REST', `stopping the REST API: ${toAppError(err).message}`));
      this.#log.info('REST', 'REST API stopped');
    }
    if (enabled && !this.#server) {
      try {
        this.#server = await this.#start(port);
        this.#port = port;
        this.#lastError = null;
        this.#log.info('REST', `REST API on ${this.#server.url}`);
      } catch (err) {
        this.#lastError = toAppError(err).message;
        this.#log.error('REST', `cannot start the REST API on port ${port}: ${this.#lastError}`);
      }
    }
  }
}
