// A typed event bus between the core and its transports (IPC, server-sent events).
import { EventEmitter } from 'node:events';
import type { EventName, Events } from '../../preload/contract/index.ts';

export class EventBus {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(100);
  }

  emit<E extends EventName>(name: E, payload: Events[E]): void {
    this.#emitter.emit(name, payload);
  }

  /** Returns the function that unsubscribes. */
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }
}
