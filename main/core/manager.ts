// ModelManager: the one object that does everything. It loads the cluster access, builds
// the cluster side and the Ollama side, wires them through the ports, and offers the
// handlers of every contract operation. No electron here: it runs in plain Node.
import type { Handlers } from '../../preload/contract/index.ts';
import { EventBus } from './events.ts';
import { KubeClient, loadKubeConfig, resolveNamespace, type KubeTarget } from './kube/client.ts';
import { createAppHandlers } from './app-handlers.ts';
import { createClusterSide } from './cluster/index.ts';
import type { CoreContext } from './context.ts';
import { consoleLogger, type Logger } from './log.ts';
import { createOllamaSide } from './ollama/index.ts';
import { createEndpointSide, type EndpointCore } from './ollama-endpoint/index.ts';
import type { GpuFacts, OllamaFacts } from './ports.ts';
import { createUsageSide } from './usage/index.ts';
import type { SettingsStore } from './settings.ts';

export interface ManagerOptions extends KubeTarget {
  settings: SettingsStore;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Folder for local state (the usage journal); default the settings folder. */
  stateDir: string;
}

export class ModelManager {
  readonly ctx: CoreContext;
  readonly handlers: Handlers;
  /** What the Ollama endpoint (main/ollama-endpoint) passes requests through and counts with. */
  readonly endpoint: EndpointCore;
  readonly #closers: (() => Promise<void> | void)[];

  private constructor(ctx: CoreContext, built: { handlers: Handlers; endpoint: EndpointCore }, closers: (() => Promise<void> | void)[]) {
    this.ctx = ctx;
    this.handlers = built.handlers;
    this.endpoint = built.endpoint;
    this.#closers = closers;
  }

  static async create(options: ManagerOptions): Promise<ModelManager> {
    const log = options.log ?? consoleLogger;
    const env = options.env ?? process.env;
    const saved = options.settings.get();
    const { kc, source } = loadKubeConfig(options, env);
    // A context saved in the settings may have left the kubeconfig since: say so and use the
    // kubeconfig's current one rather than refuse to start. One asked for explicitly must exist.
    if (!options.context && saved.context && saved.context !== kc.getCurrentContext()) {
      if (kc.getContextObject(saved.context)) kc.setCurrentContext(saved.context);
      else log.warn('K8S', `saved context "${saved.context}" is not in ${source}; using "${kc.getCurrentContext()}"`);
    }
    const namespace = resolveNamespace(kc, options.namespace ?? saved.namespace, env);
    const kube = new KubeClient(kc, namespace, source, log);
    log.info('K8S', `using ${source}, context ${kube.context}, namespace ${namespace}`);
    const ctx: CoreContext = { kube, settings: options.settings, events: new EventBus(), log, env, stateDir: options.stateDir };
    const closers: (() => Promise<void> | void)[] = [];
    const built = await buildHandlers(ctx, closers);
    return new ModelManager(ctx, built, closers);
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) await close();
  }
}

/**
 * The cluster side needs Ollama's facts (VRAM in use, model metadata) and the Ollama side
 * needs the cluster's (free VRAM, estimates): each gets the other through a port that is
 * bound once both exist.
 */
async function buildHandlers(ctx: CoreContext, closers: (() => Promise<void> | void)[]): Promise<{ handlers: Handlers; endpoint: EndpointCore }> {
  let ollamaFacts: OllamaFacts | undefined;
  let gpuFacts: GpuFacts | undefined;
  const late = <T>(get: () => T | undefined, name: string): T => {
    const value = get();
    if (!value) throw new Error(`${name} used before it was built`);
    return value;
  };
  const ollamaPort: OllamaFacts = {
    loadedVramBytes: () => late(() => ollamaFacts, 'Ollama side').loadedVramBytes(),
    modelFacts: (model) => late(() => ollamaFacts, 'Ollama side').modelFacts(model),
    route: () => ollamaFacts?.route() ?? null,
    version: async () => (await ollamaFacts?.version?.()) ?? null,
  };
  const gpuPort: GpuFacts = {
    freeVram: () => late(() => gpuFacts, 'cluster side').freeVram(),
    estimate: (model) => late(() => gpuFacts, 'cluster side').estimate(model),
    // The catalogue's `fits` from the same fit check per free unit as the estimate route.
    estimateFit: (model) => {
      const gpu = late(() => gpuFacts, 'cluster side');
      return gpu.estimateFit ? gpu.estimateFit(model) : gpu.estimate(model).then((estimate) => ({ estimate, fit: { fits: false, shortfall_gb: 0, message: 'fit not checked' } }));
    },
  };

  const usage = await createUsageSide(ctx);
  closers.push(() => usage.close());
  const cluster = await createClusterSide(ctx, ollamaPort);
  closers.push(() => cluster.close());
  gpuFacts = cluster.gpu;
  const ollama = await createOllamaSide(ctx, gpuPort, usage, async () => (await cluster.handlers.listDeployments({})).models);
  closers.push(() => ollama.close());
  ollamaFacts = ollama.facts;
  const endpoint = createEndpointSide(ctx, ollama.client, usage, async () => (await cluster.handlers.listDeployments({})).models);
  closers.push(() => endpoint.close());

  return {
    handlers: { ...cluster.handlers, ...ollama.handlers, ...usage.handlers, ...endpoint.handlers, ...createAppHandlers(ctx) },
    endpoint: endpoint.core,
  };
}
