// The three caches the cluster side reads: nodes, deployments and pods of every namespace
// (or of the app's namespace alone when RBAC forbids the cluster-wide lists).
// Changes are announced as one debounced `clusterChanged` event.
import type { EventBus } from '../events.ts';
import type { KubeClient } from './client.ts';
import { ListWatchCache, type CacheScope } from './list-watch.ts';
import { releaseListGarbage } from './list-garbage.ts';
import { rawLister, type RawLister } from './raw-list.ts';
import { trimDeployment, trimNode, trimPod, type DeploymentLite, type NodeLite, type PodLite } from './objects.ts';

export type CacheKind = 'nodes' | 'pods' | 'deployments';
const DEBOUNCE_MS = 150;
/** How long a read waits for the first list before it fails. */
export const FIRST_SYNC_TIMEOUT_MS = 6_000;

export class ClusterCaches {
  readonly nodes: ListWatchCache<NodeLite>;
  readonly pods: ListWatchCache<PodLite>;
  readonly deployments: ListWatchCache<DeploymentLite>;
  readonly #pending = new Set<CacheKind>();
  #timer: NodeJS.Timeout | null = null;
  readonly #raw: RawLister;

  constructor(kube: KubeClient, events: EventBus) {
    const nsKey = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;
    const namespace = kube.namespace;
    const nsPath = encodeURIComponent(namespace);
    // Lists as plain JSON into the trims (raw-list.ts): no typed model objects to throw away.
    const raw = (this.#raw = rawLister(kube));
    this.nodes = new ListWatchCache<NodeLite>(kube, {
      kind: 'nodes',
      path: '/api/v1/nodes',
      list: (page) => raw.list('/api/v1/nodes', page),
      trim: trimNode,
      key: (n) => n.name,
    });
    this.pods = new ListWatchCache<PodLite>(kube, {
      kind: 'pods',
      path: '/api/v1/pods',
      list: (page) => raw.list('/api/v1/pods', page),
      trim: trimPod,
      key: nsKey,
      namespaced: { namespace, path: `/api/v1/namespaces/${nsPath}/pods`, list: (page) => raw.list(`/api/v1/namespaces/${nsPath}/pods`, page) },
    });
    this.deployments = new ListWatchCache<DeploymentLite>(kube, {
      kind: 'deployments',
      path: '/apis/apps/v1/deployments',
      list: (page) => raw.list('/apis/apps/v1/deployments', page),
      trim: trimDeployment,
      key: nsKey,
      namespaced: {
        namespace,
        path: `/apis/apps/v1/namespaces/${nsPath}/deployments`,
        list: (page) => raw.list(`/apis/apps/v1/namespaces/${nsPath}/deployments`, page),
      },
    });
    for (const [kind, cache] of this.#all()) {
      cache.onChange((change) => {
        if (change.type === 'reset') releaseListGarbage();
        this.#pending.add(kind);
        this.#timer ??= setTimeout(() => {
          this.#timer = null;
          const kinds = [...this.#pending];
          this.#pending.clear();
          events.emit('clusterChanged', { kinds });
        }, DEBOUNCE_MS);
      });
    }
  }

  #all(): [CacheKind, ListWatchCache<unknown>][] {
    return [
      ['nodes', this.nodes as ListWatchCache<unknown>],
      ['pods', this.pods as ListWatchCache<unknown>],
      ['deployments', this.deployments as ListWatchCache<unknown>],
    ];
  }

  start(): void {
    for (const [, c] of this.#all()) c.start();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.all(this.#all().map(([, c]) => c.stop()));
    await this.#raw.close();
  }

  /** Every watch RBAC allows is open (the API server is there); a forbidden one is not a lost server. */
  get healthy(): boolean {
    const all = this.#all();
    return all.some(([, c]) => c.healthy) && all.every(([, c]) => c.healthy || c.forbidden);
  }

  /**
   * Since when answers from these caches may be out of date (a watch is closed, e.g. during an
   * outage), as ISO time; null when they are live. A reopen of a few hundred ms (the watch's own
   * timeouts) does not count.
   */
  staleSince(kinds: CacheKind[], graceMs = 2_000): string | null {
    const broken = kinds.map((k) => this[k].brokenSince).filter((t): t is number => t !== null && Date.now() - t > graceMs);
    return broken.length ? new Date(Math.min(...broken)).toISOString() : null;
  }

  /** 'namespace' when any of the given caches covers only the app's namespace. */
  scope(kinds: CacheKind[]): CacheScope {
    return kinds.some((k) => this[k].scope === 'namespace') ? 'namespace' : 'cluster';
  }

  /** Called when the caches as a whole turn healthy or unhealthy, and after every failed attempt. */
  onHealthChange(listener: (healthy: boolean) => void): () => void {
    let last = this.healthy;
    const check = (failed: boolean) => {
      const now = this.healthy;
      if (failed || now !== last) listener((last = now));
    };
    const offs = this.#all().map(([, c]) => c.onHealth(check));
    return () => offs.forEach((off) => off());
  }

  kick(): void {
    // A forbidden cache waits for its slow retry: health checks must not hammer RBAC.
    for (const [, c] of this.#all()) if (!c.healthy && !c.forbidden) c.kick();
  }

  /** Wait for the first list of the given caches; a clear 503 (or 403) when it cannot come. */
  async ready(kinds: CacheKind[], timeoutMs = FIRST_SYNC_TIMEOUT_MS): Promise<void> {
    await Promise.all(kinds.map((k) => this[k].ready(timeoutMs)));
  }
}
