// The desktop app's start-up: the core (a ManagerHost) may fail to start (no kubeconfig, a
// kubeconfig that does not parse, a context that is gone). The app must still open its
// window and say what is wrong and what to do, so the shell talks to this instead: while
// the core is not up every operation answers 503 with the reason, `startupStatus` says why
// and `retryStartup` tries again (with another kubeconfig if the operator picks one).
// Stable `handlers` and `events` outlive the retries, as ManagerHost's do. No electron here.
import { eventNames, operationNames, type Handlers, type StartupResult } from '../../preload/contract/index.ts';
import { AppError, toAppError } from './errors.ts';
import { EventBus } from './events.ts';
import type { Logger } from './log.ts';

/** What Startup needs of a started core. */
export interface StartedCore {
  readonly handlers: Handlers;
  readonly events: Pick<EventBus, 'on'>;
  close(): Promise<void>;
}

export interface StartupOptions {
  /** Starts the core with the environment as it is now (KUBECONFIG included). */
  start(): Promise<StartedCore>;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Asks the operator for a kubeconfig file (a file dialog); null when they cancel. */
  pickKubeconfig?: () => Promise<string | null>;
}

export class Startup {
  readonly events = new EventBus();
  readonly handlers: Handlers;
  readonly #options: StartupOptions;
  readonly #env: NodeJS.ProcessEnv;
  #core: StartedCore | null = null;
  #error: AppError | null = null;
  #unforward: () => void = () => {};
  #attempt: Promise<void> | null = null;
  #closed = false;
  readonly #readyListeners: ((core: StartedCore) => void)[] = [];

  constructor(options: StartupOptions) {
    this.#options = options;
    this.#env = options.env ?? process.env;
    const out: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const name of operationNames) {
      out[name] = async (input) => {
        // A call made while an attempt is under way waits for it rather than fail with "still starting".
        if (!this.#core && this.#attempt) await this.#attempt;
        const core = this.#core;
        if (!core) throw new AppError(503, `not connected to a cluster: ${this.#error?.message ?? 'still starting'}`, { startup: 'failed' });
        return (core.handlers[name] as (i: unknown) => Promise<unknown>)(input);
      };
    }
    out.startupStatus = async () => (this.#core ? this.#core.handlers.startupStatus({}) : this.status());
    out.retryStartup = async (input) => {
      if (this.#core) return this.#core.handlers.startupStatus({});
      const { kubeconfig, pick } = input as { kubeconfig?: string; pick?: boolean };
      let file = kubeconfig;
      if (pick) {
        if (!this.#options.pickKubeconfig) throw new AppError(400, 'no file dialog here: give the kubeconfig path', { field: 'pick' });
        const picked = await this.#options.pickKubeconfig();
        if (!picked) return this.status(); // cancelled: nothing changes
        file = picked;
      }
      if (file) {
        this.#env.KUBECONFIG = file;
        this.#options.log.info('APP', `kubeconfig set to ${file}`);
      }
      await this.run();
      return this.#statusNow();
    };
    this.handlers = out as Handlers;
  }

  #statusNow(): Promise<StartupResult> {
    const core = this.#core as StartedCore | null;
    return core ? core.handlers.startupStatus({}) : Promise.resolve(this.status());
  }

  get core(): StartedCore | null {
    return this.#core;
  }

  get error(): AppError | null {
    return this.#error;
  }

  /** Called once the core is up (at once if it is). */
  onReady(listener: (core: StartedCore) => void): void {
    this.#readyListeners.push(listener);
    if (this.#core) listener(this.#core);
  }

  /** One attempt at a time; resolves true when the core is up. */
  async run(): Promise<boolean> {
    this.#attempt ??= this.#tryStart().finally(() => (this.#attempt = null));
    await this.#attempt;
    return this.#core !== null;
  }

  async #tryStart(): Promise<void> {
    if (this.#core || this.#closed) return;
    try {
      const core = await this.#options.start();
      if (this.#closed) {
        await core.close();
        return;
      }
      this.#core = core;
      this.#error = null;
      const offs = eventNames.map((name) => core.events.on(name, (payload) => this.events.emit(name, payload as never)));
      this.#unforward = () => offs.forEach((off) => off());
      this.#options.log.info('APP', 'core started');
      for (const listener of this.#readyListeners) listener(core);
      // Whoever showed the failure reads everything again.
      this.events.emit('clusterChanged', { kinds: ['nodes', 'pods', 'deployments'] });
    } catch (err) {
      this.#error = toAppError(err);
      this.#options.log.error('APP', `cannot start: ${this.#error.message}`);
    }
  }

  status(): StartupResult {
    if (this.#core) return { success: true, state: 'ready', error: null, hints: [], kubeconfig: this.#env.KUBECONFIG ?? null };
    const message = this.#error?.message ?? 'still starting';
    return { success: true, state: 'failed', error: message, hints: hintsFor(message, this.#env), kubeconfig: this.#env.KUBECONFIG ?? null };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#attempt;
    this.#unforward();
    await this.#core?.close();
  }
}

/** What the operator can do, from what failed. */
export function hintsFor(message: string, env: NodeJS.ProcessEnv): string[] {
  const hints: string[] = [];
  if (/no kubeconfig/i.test(message)) {
    hints.push(`Pick a kubeconfig file, or set KUBECONFIG before starting the app (looked for: ${env.KUBECONFIG || '~/.kube/config'}).`);
  } else if (/context/i.test(message)) {
    hints.push('Pick another kubeconfig, or fix its current-context (kubectl config use-context NAME), then retry.');
  } else {
    hints.push('Check the kubeconfig (kubectl --kubeconfig FILE get nodes says whether it works), pick another one, or retry.');
  }
  hints.push('No cluster at hand? "npm run demo" starts the app against a simulated GPU cluster.');
  return hints;
}
