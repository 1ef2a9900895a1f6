// The manager host: owns the live ModelManager and builds a new one when the context or the
// namespace setting changes, so that every transport (REST, IPC) always reaches the live one
// through `handlers` and hears its events through `events`, which both outlive rebuilds.
import { eventNames, operationNames, type Handlers, type Settings } from '../../preload/contract/index.ts';
import { AppError, toAppError } from './errors.ts';
import { EventBus } from './events.ts';
import { startNotices } from './notices.ts';
import { consoleLogger, type Logger } from './log.ts';
import type { ManagerOptions } from './manager.ts';
import type { EndpointCore } from './ollama-endpoint/index.ts';

/** What the host needs of a ModelManager (tests pass lighter ones). */
export interface HostedManager {
  readonly ctx: { readonly events: Pick<EventBus, 'on'> };
  readonly handlers: Handlers;
  /** The Ollama endpoint's way to Ollama and the usage store (absent in light test managers). */
  readonly endpoint?: EndpointCore;
  close(): Promise<void>;
}

export interface ManagerHostOptions extends ManagerOptions {
  /** Builds a manager; default ModelManager.create. */
  create?: (options: ManagerOptions) => Promise<HostedManager>;
}

const RECONNECT_KEYS: (keyof Settings)[] = ['context', 'namespace'];

export class ManagerHost {
  /** Stable across rebuilds: forwards the live manager's events. */
  readonly events = new EventBus();
  /** Stable across rebuilds: each call goes to the live manager. */
  readonly handlers: Handlers;
  readonly #options: ManagerHostOptions;
  readonly #log: Logger;
  #manager: HostedManager;
  #unforward: () => void = () => {};
  /** Rebuilds run one after another; updateSettings waits for the one it caused. */
  #rebuild: Promise<void> = Promise.resolve();
  #rebuildError: AppError | null = null;
  /** Context and namespace the live manager was built with (flags first, then settings). */
  #applied: { context: string | null; namespace: string | null };
  /** The settings as last seen, to put back what a failed switch changed. */
  #lastSettings: Settings;
  #reverting = false;
  #closed = false;
  readonly #offSettings: () => void;
  readonly #offNotices: () => void;

  private constructor(options: ManagerHostOptions, manager: HostedManager) {
    this.#options = { ...options };
    this.#log = options.log ?? consoleLogger;
    this.#manager = manager;
    const saved = options.settings.get();
    this.#lastSettings = saved;
    this.#applied = { context: options.context ?? saved.context, namespace: options.namespace ?? saved.namespace };
    this.#forward(manager);
    this.#offNotices = startNotices(this.events);
    this.handlers = this.#delegates();
    this.#offSettings = options.settings.onChange((next, changed) => {
      const before = this.#lastSettings;
      this.#lastSettings = next;
      if (this.#reverting || this.#closed || !changed.some((k) => RECONNECT_KEYS.includes(k))) return;
      this.#rebuild = this.#rebuild.then(() => this.#swap(next, changed, before));
    });
  }

  static async start(options: ManagerHostOptions): Promise<ManagerHost> {
    const create = options.create ?? defaultCreate;
    return new ManagerHost(options, await create(options));
  }

  get manager(): HostedManager {
    return this.#manager;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#offSettings();
    this.#offNotices();
    await this.#rebuild;
    this.#unforward();
    await this.#manager.close();
  }

  #delegates(): Handlers {
    const out: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const name of operationNames) {
      out[name] = (input) => (this.#manager.handlers[name] as (i: unknown) => Promise<unknown>)(input);
    }
    // A change of context or namespace answers once the new manager is live (or failed).
    out.updateSettings = async (input) => {
      const result = await (this.#manager.handlers.updateSettings as (i: unknown) => Promise<unknown>)(input);
      await this.#rebuild;
      const failure = this.#rebuildError;
      this.#rebuildError = null;
      if (failure) throw failure;
      return result;
    };
    return out as Handlers;
  }

  async #swap(next: Settings, changed: (keyof Settings)[], before: Settings): Promise<void> {
    if (this.#closed) return;
    const previous = this.#applied;
    // Only what changed replaces what is in use: a new namespace keeps a --context given on the command line.
    const wanted = {
      context: changed.includes('context') ? next.context : previous.context,
      namespace: changed.includes('namespace') ? next.namespace : previous.namespace,
    };
    this.#log.info('APP', `reconnecting: context ${wanted.context ?? '(kubeconfig current)'}, namespace ${wanted.namespace ?? '(default)'}`);
    let fresh: HostedManager;
    try {
      fresh = await (this.#options.create ?? defaultCreate)({ ...this.#options, ...wanted });
    } catch (err) {
      const reason = toAppError(err);
      this.#log.error('APP', `reconnect failed, keeping the previous connection: ${reason.message}`);
      // The settings go back to what the live manager uses, so they never describe a connection that is not there.
      this.#reverting = true;
      try {
        const undo: Partial<Settings> = {};
        for (const key of changed) if (RECONNECT_KEYS.includes(key)) Object.assign(undo, { [key]: before[key] });
        this.#lastSettings = this.#options.settings.update(undo);
      } finally {
        this.#reverting = false;
      }
      this.#rebuildError = new AppError(reason.status < 500 ? reason.status : 400, `cannot switch: ${reason.message}`, { field: 'context' });
      return;
    }
    const old = this.#manager;
    this.#unforward();
    this.#manager = fresh;
    this.#applied = wanted;
    this.#forward(fresh);
    this.events.emit('clusterChanged', { kinds: ['nodes', 'pods', 'deployments'] });
    // The old manager's pulls end as it closes: their last progress (cancelled, and why) still
    // reaches the UI, so nothing disappears without a word.
    const offPulls = old.ctx.events.on('pullProgress', (p) => this.events.emit('pullProgress', p));
    await old.close().catch((err) => this.#log.warn('APP', `closing the previous manager: ${toAppError(err).message}`));
    offPulls();
  }

  #forward(manager: HostedManager): void {
    const offs = eventNames.map((name) => manager.ctx.events.on(name, (payload) => this.events.emit(name, payload as never)));
    this.#unforward = () => offs.forEach((off) => off());
  }
}

// Loaded on first use, so that the host (and the REST server's tests) load without every side of the core.
async function defaultCreate(options: ManagerOptions): Promise<HostedManager> {
  const { ModelManager } = await import('./manager.ts');
  return ModelManager.create(options);
}
