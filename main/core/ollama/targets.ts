// The Ollama of one managed model deployment (its Service, through the API server's service
// proxy), as a client with its own lists and pulls: one per deployment, made on first use and
// closed when the deployment goes (or the side closes).
import type { DeploymentInfo, OllamaTarget } from '../../../preload/contract/index.ts';
import type { CoreContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { OLLAMA_PORT } from '../ollama-port.ts';
import { OllamaClient } from './client.ts';
import { OllamaLists } from './models.ts';
import { PullManager, type PullOptions } from './pulls.ts';
import { serviceProxyRoute } from './service-proxy.ts';

export interface TargetOllama {
  /** "namespace/name". */
  key: string;
  deployment: DeploymentInfo;
  client: OllamaClient;
  lists: OllamaLists;
  pulls: PullManager;
}

const LIST_CACHE_MS = 1_000;

export const targetKey = (t: OllamaTarget): string => `${t.namespace}/${t.name}`;

export class TargetOllamas {
  readonly #ctx: CoreContext;
  readonly #deployments: () => Promise<DeploymentInfo[]>;
  readonly #pullOpts: PullOptions;
  readonly #open = new Map<string, TargetOllama>();
  readonly #off: () => void;
  #known: { at: number; list: Promise<DeploymentInfo[]> } | null = null;

  constructor(ctx: CoreContext, deployments: () => Promise<DeploymentInfo[]>, pullOpts: PullOptions) {
    this.#ctx = ctx;
    this.#deployments = deployments;
    this.#pullOpts = pullOpts;
    // A deleted deployment's Ollama is gone with it: its client, and its pulls (ended as cancelled).
    this.#off = ctx.events.on('deploymentsChanged', (delta) => {
      for (const d of delta.deletes) void this.#drop(targetKey(d), `the deployment ${targetKey(d)} was deleted`);
    });
  }

  /** The deployment's Ollama; 404 naming it when it is not a model deployment of this app. */
  async get(t: OllamaTarget): Promise<TargetOllama> {
    const key = targetKey(t);
    // The listing is built from a watch cache, but at thousands of deployments it is not free: shared for a second.
    if (!this.#known || Date.now() - this.#known.at > LIST_CACHE_MS) this.#known = { at: Date.now(), list: this.#deployments() };
    const known = this.#known;
    const list = await known.list.catch((err: unknown) => {
      if (this.#known === known) this.#known = null;
      throw err;
    });
    const deployment = list.find((d) => d.namespace === t.namespace && d.name === t.name && d.managed && !!d.model_id);
    if (!deployment) {
      await this.#drop(key, `${key} is no longer a model deployment`);
      throw notFound(`${key} is not a model deployment of this app`, { field: 'target', namespace: t.namespace, name: t.name });
    }
    let open = this.#open.get(key);
    if (!open) {
      const client = new OllamaClient(this.#ctx, {
        label: `deployment ${key}`,
        // The app names a deployment's Service after it, on Ollama's port (cluster/manifests.ts).
        make: () => serviceProxyRoute(this.#ctx.kube, { namespace: t.namespace, service: t.name, port: OLLAMA_PORT }),
      });
      const pulls = new PullManager(client, this.#ctx.events, this.#ctx.log, this.#pullOpts, key);
      open = { key, deployment, client, lists: new OllamaLists(client), pulls };
      this.#open.set(key, open);
    }
    open.deployment = deployment;
    return open;
  }

  /** The ones open now (for the list of every pull). */
  all(): TargetOllama[] {
    return [...this.#open.values()];
  }

  async #drop(key: string, why: string): Promise<void> {
    const open = this.#open.get(key);
    if (!open) return;
    this.#open.delete(key);
    this.#ctx.log.info('OLLAMA', `closing the client of ${key}: ${why}`);
    await open.pulls.close(`${why}; its Ollama is gone`);
    await open.client.close();
  }

  async close(): Promise<void> {
    this.#off();
    await Promise.all([...this.#open.keys()].map((k) => this.#drop(k, 'the app closed')));
  }
}
