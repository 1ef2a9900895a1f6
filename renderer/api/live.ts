// A live list: one snapshot, then deltas applied in batches, keyed by namespace/name.
// The server's `listDeployments` answer carries `epoch` and `seq`; `deploymentsChanged`
// events carry the next `seq` with upserts and deletes. A new epoch (the server restarted
// its caches) or a gap in seq means deltas were missed: fetch the snapshot again. Until the
// server sends deltas, a `clusterChanged` ping re-fetches the snapshot (debounced).
// No Vue here: the store turns `onChange` into reactive state.
import type { DeploymentInfo, DeploymentsResult } from '../../preload/contract/index.ts';

export interface DeploymentsDelta {
  epoch: string | number;
  seq: number;
  upserts: DeploymentInfo[];
  deletes: { namespace: string; name: string }[];
}

/** The answer as the UI reads it: epoch and seq absent from a server that sends no deltas. */
export type Snapshot = Omit<DeploymentsResult, 'epoch' | 'seq'> & { epoch?: string | number; seq?: number };

export const rowKey = (d: { namespace: string; name: string }): string => `${d.namespace}/${d.name}`;

export interface LiveDeploymentsOptions {
  fetch: () => Promise<Snapshot>;
  /** Subscribes to an event by name; returns the unsubscribe. Unknown events never fire. */
  on: (event: string, listener: (payload: unknown) => void) => () => void;
  /** Called after each applied snapshot or batch, with the map (same object, updated in place). */
  onChange: (rows: Map<string, DeploymentInfo>, meta: Omit<Snapshot, 'models'>) => void;
  onError: (err: unknown) => void;
  /** How long deltas queue before one apply (the UI guide: 250–1,000 ms). */
  batchMs?: number;
  /** Debounce of the clusterChanged fallback. */
  pingMs?: number;
}

export interface LiveDeployments {
  refresh(): Promise<void>;
  /** Applies one known change at once (a delete the UI just made). */
  remove(namespace: string, name: string): void;
  stop(): void;
  /** Whether the server sends deltas (its answers carry seq, or deltas arrived): then pings no longer trigger a snapshot. */
  readonly deltas: boolean;
}

export function liveDeployments(opts: LiveDeploymentsOptions): LiveDeployments {
  const rows = new Map<string, DeploymentInfo>();
  let meta: Omit<Snapshot, 'models'> = { success: true, count: 0 };
  let epoch: string | number | undefined;
  let seq: number | undefined;
  let queue: DeploymentsDelta[] = [];
  let batchTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setTimeout> | null = null;
  let fetching: Promise<void> | null = null;
  let again = false;
  let sawDeltas = false;
  let stopped = false;

  async function snapshot(): Promise<void> {
    if (fetching) {
      again = true;
      return fetching;
    }
    fetching = (async () => {
      do {
        again = false;
        try {
          const result = await opts.fetch();
          if (stopped) return;
          const { models, ...rest } = result;
          rows.clear();
          for (const d of models) rows.set(rowKey(d), Object.freeze(d));
          meta = rest;
          epoch = result.epoch;
          seq = result.seq;
          // A server that numbers its answers sends deltas: its clusterChanged pings are not needed.
          if (typeof seq === 'number') sawDeltas = true;
          // Deltas queued during the fetch that the snapshot already holds are dropped.
          queue = queue.filter((q) => q.epoch === epoch && seq !== undefined && q.seq > seq);
          opts.onChange(rows, meta);
        } catch (err) {
          opts.onError(err);
        }
      } while (again && !stopped);
    })().finally(() => (fetching = null));
    return fetching;
  }

  function flush() {
    batchTimer = null;
    if (stopped || fetching) return;
    const batch = queue.sort((a, b) => a.seq - b.seq);
    queue = [];
    for (const d of batch) {
      if (d.epoch !== epoch || seq === undefined) return void snapshot();
      if (d.seq <= seq) continue;
      if (d.seq !== seq + 1) return void snapshot();
      for (const x of d.deletes) rows.delete(rowKey(x));
      for (const u of d.upserts) rows.set(rowKey(u), Object.freeze(u));
      seq = d.seq;
    }
    meta = { ...meta, count: rows.size, ...(seq !== undefined ? { seq } : {}), ...(epoch !== undefined ? { epoch } : {}) };
    // A delta means the watches are up again: the list is no longer stale.
    delete meta.stale;
    delete meta.stale_since;
    if (batch.length) opts.onChange(rows, meta);
  }

  const stops = [
    opts.on('deploymentsChanged', (payload) => {
      const d = payload as DeploymentsDelta;
      if (!d || typeof d.seq !== 'number') return;
      sawDeltas = true;
      queue.push(d);
      batchTimer ??= setTimeout(flush, opts.batchMs ?? 250);
    }),
    opts.on('clusterChanged', (payload) => {
      const kinds = (payload as { kinds?: string[] })?.kinds ?? [];
      if (sawDeltas || (kinds.length && !kinds.includes('deployments') && !kinds.includes('pods'))) return;
      if (pingTimer) clearTimeout(pingTimer);
      pingTimer = setTimeout(() => void snapshot(), opts.pingMs ?? 300);
    }),
  ];

  void snapshot();
  return {
    refresh: snapshot,
    remove(namespace, name) {
      if (rows.delete(rowKey({ namespace, name }))) opts.onChange(rows, { ...meta, count: rows.size });
    },
    stop() {
      stopped = true;
      for (const s of stops) s();
      if (batchTimer) clearTimeout(batchTimer);
      if (pingTimer) clearTimeout(pingTimer);
    },
    get deltas() {
      return sawDeltas;
    },
  };
}
