// The deployments view kept current from the watch caches' changes instead of rebuilt per
// request: a changed deployment, or a changed pod of its namespace, re-describes only the
// deployments of that namespace. Each batch of changes goes out as one `deploymentsChanged`
// delta (whole entries upserted, keys deleted) with an epoch per manager and a seq per batch,
// so a UI keeps its copy current at the cost of the change, not of the whole list.
import { randomUUID } from 'node:crypto';
import type { DeploymentInfo, DeploymentsDelta } from '../../../preload/contract/index.ts';
import type { EventBus } from '../events.ts';
import type { ClusterCaches } from '../kube/caches.ts';
import { isManaged } from '../kube/labels.ts';
import type { CacheChange } from '../kube/list-watch.ts';
import type { DeploymentLite, PodLite } from '../kube/objects.ts';
import type { DeploymentProbes } from './deployment-probe.ts';
import { describeDeployment } from './deployment-list.ts';
import { isSystem } from './system.ts';

/** At most one delta per this long; the first change after a quiet spell goes out at once. */
export const DELTA_EVERY_MS = 250;
/** The probes (pull progress, measured VRAM) change without a watch event: looked at this often. */
const PROBE_TICK_MS = 1_500;

const keyOf = (o: { namespace: string; name: string }) => `${o.namespace}/${o.name}`;

export interface DeploymentsSnapshot {
  /** The same frozen array for as long as the view does not change (answers are encoded once per array). */
  models: readonly DeploymentInfo[];
  epoch: string;
  seq: number;
}

export class LiveDeployments {
  /** Random per manager instance: a client that holds another epoch's copy reads afresh. */
  readonly epoch = randomUUID();
  readonly #caches: ClusterCaches;
  readonly #probes: DeploymentProbes | null;
  readonly #events: EventBus;
  #seq = 0;
  /** Described without the probes' findings, then with them (the same object when unmanaged). */
  readonly #base = new Map<string, DeploymentInfo>();
  readonly #items = new Map<string, DeploymentInfo>();
  readonly #managed = new Set<string>();
  /** Pods and deployment keys per namespace: what a change in a namespace re-describes. */
  readonly #pods = new Map<string, Map<string, PodLite>>();
  readonly #deps = new Map<string, Set<string>>();
  readonly #dirtyKeys = new Set<string>();
  readonly #dirtyNs = new Set<string>();
  #reset = true;
  #primed = false;
  readonly #upserts = new Set<string>();
  readonly #deletes = new Map<string, { namespace: string; name: string }>();
  #sortedKeys: string[] | null = null;
  #snapshot: readonly DeploymentInfo[] | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastEmit = 0;
  readonly #tick: NodeJS.Timeout;
  readonly #offs: (() => void)[];

  constructor(caches: ClusterCaches, events: EventBus, probes: DeploymentProbes | null = null) {
    this.#caches = caches;
    this.#events = events;
    this.#probes = probes;
    this.#offs = [caches.deployments.onChange((c) => this.#onDeployment(c)), caches.pods.onChange((c) => this.#onPod(c))];
    this.#tick = setInterval(() => {
      if (this.#managed.size) {
        this.#apply();
        this.#schedule();
      }
    }, PROBE_TICK_MS);
    this.#tick.unref();
  }

  get seq(): number {
    return this.#seq;
  }

  /** The view now (sorted by namespace, name), with the seq of the last delta sent. */
  snapshot(): DeploymentsSnapshot {
    this.#apply();
    this.#schedule();
    if (!this.#snapshot) {
      this.#sortedKeys ??= [...this.#items.keys()].sort(compareKeys(this.#items));
      this.#snapshot = Object.freeze(this.#sortedKeys.map((k) => this.#items.get(k)!));
    }
    // Changes not yet sent are in it already: the next delta repeats them, which is harmless (whole entries).
    return { models: this.#snapshot, epoch: this.epoch, seq: this.#seq };
  }

  close(): void {
    for (const off of this.#offs) off();
    clearInterval(this.#tick);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #onDeployment(c: CacheChange<DeploymentLite>): void {
    if (c.type === 'reset') this.#reset = true;
    else {
      const d = c.type === 'set' ? c.item : c.previous;
      if (!d) return;
      if (c.type === 'set') this.#nsSet(this.#deps, d.namespace).add(c.key);
      else this.#deps.get(d.namespace)?.delete(c.key);
      this.#dirtyKeys.add(c.key);
    }
    this.#schedule();
  }

  #onPod(c: CacheChange<PodLite>): void {
    if (c.type === 'reset') this.#reset = true;
    else if (c.type === 'set') {
      if (c.previous && c.previous.namespace !== c.item.namespace) this.#pods.get(c.previous.namespace)?.delete(c.key);
      this.#nsMap(c.item.namespace).set(c.key, c.item);
      this.#dirtyNs.add(c.item.namespace);
    } else if (c.previous) {
      this.#pods.get(c.previous.namespace)?.delete(c.key);
      this.#dirtyNs.add(c.previous.namespace);
    }
    this.#schedule();
  }

  #nsMap(ns: string): Map<string, PodLite> {
    let m = this.#pods.get(ns);
    if (!m) this.#pods.set(ns, (m = new Map()));
    return m;
  }

  #nsSet(index: Map<string, Set<string>>, ns: string): Set<string> {
    let s = index.get(ns);
    if (!s) index.set(ns, (s = new Set()));
    return s;
  }

  /** Brings the view up to the caches: what changed is re-described and queued for the next delta. */
  #apply(): void {
    const caches = this.#caches;
    let keys: Iterable<string>;
    if (this.#reset) {
      // A (re)list swapped a whole cache: rebuild the indexes, re-describe all, keep only what differs.
      this.#reset = false;
      this.#pods.clear();
      this.#deps.clear();
      for (const p of caches.pods.values()) this.#nsMap(p.namespace).set(keyOf(p), p);
      for (const d of caches.deployments.values()) this.#nsSet(this.#deps, d.namespace).add(keyOf(d));
      keys = new Set([...this.#items.keys(), ...[...this.#deps.values()].flatMap((s) => [...s])]);
    } else {
      const set = new Set(this.#dirtyKeys);
      for (const ns of this.#dirtyNs) for (const k of this.#deps.get(ns) ?? []) set.add(k);
      keys = set;
    }
    this.#dirtyKeys.clear();
    this.#dirtyNs.clear();
    const podArrays = new Map<string, PodLite[]>();
    const podsOf = (ns: string) => {
      let a = podArrays.get(ns);
      if (!a) podArrays.set(ns, (a = [...(this.#pods.get(ns)?.values() ?? [])]));
      return a;
    };
    for (const key of keys) {
      const d = caches.deployments.get(key);
      if (!d || isSystem(d.namespace, d.name)) {
        this.#remove(key);
        continue;
      }
      this.#base.set(key, describeDeployment(d, podsOf(d.namespace)));
      if (isManaged(d.labels)) this.#managed.add(key);
      else {
        this.#managed.delete(key);
        this.#put(key, this.#base.get(key)!);
      }
    }
    // The app's own deployments carry what their probes found: looked at on every pass (they are few).
    if (this.#managed.size) {
      const keysM = [...this.#managed];
      const copies = keysM.map((k) => ({ ...this.#base.get(k)! }));
      const lites = keysM.map((k) => caches.deployments.get(k)).filter((d): d is DeploymentLite => Boolean(d));
      // annotate() starts a probe where one is due (at most one per deployment per 1.5 s).
      const annotated = this.#probes ? this.#probes.annotate(copies, lites) : copies;
      keysM.forEach((k, i) => this.#put(k, annotated[i]!));
    }
    // The first full view is what the first snapshot answers: nothing to send as a delta.
    if (!this.#primed && caches.deployments.synced && caches.pods.synced) {
      this.#primed = true;
      this.#upserts.clear();
      this.#deletes.clear();
    }
  }

  #put(key: string, info: DeploymentInfo): void {
    const old = this.#items.get(key);
    if (old && sameInfo(old, info)) return;
    if (!old) this.#sortedKeys = null;
    this.#items.set(key, info);
    this.#snapshot = null;
    this.#deletes.delete(key);
    this.#upserts.add(key);
  }

  #remove(key: string): void {
    this.#base.delete(key);
    this.#managed.delete(key);
    const old = this.#items.get(key);
    if (!old) return;
    this.#items.delete(key);
    this.#sortedKeys = null;
    this.#snapshot = null;
    this.#upserts.delete(key);
    this.#deletes.set(key, { namespace: old.namespace, name: old.name });
  }

  #pendingChanges(): boolean {
    return this.#reset || this.#dirtyKeys.size > 0 || this.#dirtyNs.size > 0 || this.#upserts.size > 0 || this.#deletes.size > 0;
  }

  /** A delta at once after a quiet spell, else when DELTA_EVERY_MS have passed since the last. */
  #schedule(): void {
    if (this.#timer || !this.#pendingChanges()) return;
    // Before the first lists there is nothing to send a delta against.
    if (!this.#caches.deployments.synced || !this.#caches.pods.synced) return;
    const wait = Math.max(0, this.#lastEmit + DELTA_EVERY_MS - Date.now());
    // setTimeout(0) still gathers the events of one watch chunk into one delta.
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flush();
    }, wait);
  }

  #flush(): void {
    this.#apply();
    if (!this.#upserts.size && !this.#deletes.size) return;
    const delta: DeploymentsDelta = {
      epoch: this.epoch,
      seq: ++this.#seq,
      upserts: [...this.#upserts].map((k) => this.#items.get(k)!),
      deletes: [...this.#deletes.values()],
    };
    this.#upserts.clear();
    this.#deletes.clear();
    this.#lastEmit = Date.now();
    this.#events.emit('deploymentsChanged', delta);
  }
}

function compareKeys(items: Map<string, DeploymentInfo>) {
  return (a: string, b: string) => {
    const x = items.get(a)!;
    const y = items.get(b)!;
    return x.namespace.localeCompare(y.namespace) || x.name.localeCompare(y.name);
  };
}

/** Entries are flat but for `pull`: compared field by field (no serialisation on the hot path). */
export function sameInfo(a: DeploymentInfo, b: DeploymentInfo): boolean {
  const ka = Object.keys(a) as (keyof DeploymentInfo)[];
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (typeof x === 'object' && x && typeof y === 'object' && y && JSON.stringify(x) === JSON.stringify(y)) continue;
    return false;
  }
  return true;
}
