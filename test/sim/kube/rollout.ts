// How many pods each ReplicaSet of a Deployment should have, step by step, as the deployment
// controller decides (pkg/controller/deployment/rolling.go, recreate.go and
// util/deployment_util.go): RollingUpdate scales the new ReplicaSet up to at most
// replicas + maxSurge pods in all and the old ones down while at least replicas - maxUnavailable
// are available (25% / 25% by default; surge rounds up, unavailable down, and both 0 means 1
// unavailable); Recreate scales the old ones to 0 and starts the new one once no old pod is left.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';

function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return Number(v) || 0;
  const x = (total * Number(m[1])) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** maxSurge and maxUnavailable resolved against the desired replicas (ResolveFenceposts). */
export function fenceposts(d: KObj, desired: number): { surge: number; unavailable: number } {
  if (d.spec?.strategy?.type === 'Recreate') return { surge: 0, unavailable: 0 };
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const surge = scaled(ru.maxSurge ?? '25%', desired, true);
  let unavailable = scaled(ru.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** How many pods may be unavailable for the Deployment to count as Available (deploymentutil.MaxUnavailable). */
export function maxUnavailable(d: KObj, desired: number): number {
  if (d.spec?.strategy?.type === 'Recreate' || desired === 0) return 0;
  return Math.min(fenceposts(d, desired).unavailable, desired);
}

const spec = (rs: KObj | undefined): number => rs?.spec?.replicas ?? 0;
const available = (rs: KObj | undefined): number => rs?.status?.availableReplicas ?? 0;

export interface RolloutStep {
  /** Replicas for the new ReplicaSet; undefined: do not create it yet (Recreate waiting for old pods). */
  newReplicas: number | undefined;
  /** Replicas per old ReplicaSet name. */
  old: Map<string, number>;
}

/**
 * One reconcile step. `current` is the new ReplicaSet if it exists; `olds` are oldest first;
 * `oldPodsLeft` counts old pods still present (Terminating included), which Recreate waits for.
 */
export function rolloutStep(d: KObj, desired: number, current: KObj | undefined, olds: KObj[], oldPodsLeft: number): RolloutStep {
  const old = new Map(olds.map((rs) => [rs.metadata.name!, spec(rs)]));
  if (d.spec?.strategy?.type === 'Recreate') {
    for (const k of old.keys()) old.set(k, 0);
    if (oldPodsLeft > 0 && !current) return { newReplicas: undefined, old };
    return { newReplicas: oldPodsLeft > 0 ? spec(current) : desired, old };
  }
  const { surge, unavailable } = fenceposts(d, desired);
  const sumOld = () => [...old.values()].reduce((a, b) => a + b, 0);
  // reconcileNewReplicaSet
  let n = spec(current);
  if (n > desired) n = desired;
  else if (n < desired) {
    const room = desired + surge - (sumOld() + n);
    if (room > 0) n += Math.min(room, desired - n);
  }
  // reconcileOldReplicaSets
  if (sumOld() > 0) {
    const minAvailable = desired - unavailable;
    const newUnavailable = n - available(current);
    let maxScaledDown = sumOld() + n - minAvailable - newUnavailable;
    if (maxScaledDown > 0) {
      // cleanupUnhealthyReplicas: pods that are not available go first.
      for (const rs of olds) {
        if (maxScaledDown <= 0) break;
        const cur = old.get(rs.metadata.name!)!;
        const unhealthy = Math.max(0, cur - available(rs));
        const down = Math.min(maxScaledDown, unhealthy);
        if (down > 0) {
          old.set(rs.metadata.name!, cur - down);
          maxScaledDown -= down;
        }
      }
      // scaleDownOldReplicaSetsForRollingUpdate: keep minAvailable available pods.
      const availableNow = olds.reduce((a, rs) => a + Math.min(available(rs), old.get(rs.metadata.name!)!), 0) + available(current);
      let total = availableNow - minAvailable;
      for (const rs of olds) {
        if (total <= 0) break;
        const cur = old.get(rs.metadata.name!)!;
        const down = Math.min(cur, total);
        old.set(rs.metadata.name!, cur - down);
        total -= down;
      }
    }
  }
  return { newReplicas: n, old };
}
