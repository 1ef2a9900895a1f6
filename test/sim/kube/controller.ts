// The deployment and replicaset controllers and the garbage collector, small:
// a Deployment owns one ReplicaSet per pod template (named <deploy>-<pod-template-hash>),
// rolled from the old ones to the new one by the strategy (rollout.ts: RollingUpdate with
// maxSurge/maxUnavailable, or Recreate), pods are <rs>-<5 chars>, and statuses
// roll up pod readiness. A ReplicaSet no Deployment owns (orphaned) keeps its pods by itself.
// Pods are deleted gracefully (deletion.ts); dependents of deleted owners are gc.ts's work.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import type { Store, StoreEvent } from './store.ts';
import { keyOf } from './store.ts';
import { resourceFor } from './resources.ts';
import { randomSuffix, templateHash } from './names.ts';
import type { Kubelet } from './kubelet.ts';
import { deleteObj } from './deletion.ts';
import { fenceposts, maxUnavailable, rolloutStep } from './rollout.ts';
import type { EventRecorder } from './events.ts';

const deployments = resourceFor('deployments');
const replicasets = resourceFor('replicasets');
const pods = resourceFor('pods');

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  // A null field is the Go zero value, as absent (kubectl sends metadata.creationTimestamp: null).
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== null && o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function isReady(pod: KObj): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

function ownerOf(o: KObj, kind: string): string | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.kind === kind && r.controller)?.name;
}

/** Keeps lastTransitionTime when a condition's status did not change. */
function mergeConditions(old: any[] | undefined, next: any[]): any[] {
  return next.map((c) => {
    const o = (old ?? []).find((x) => x.type === c.type);
    if (!o) return c;
    if (o.status === c.status && o.reason === c.reason && o.message === c.message) return o;
    return { ...c, lastTransitionTime: o.status === c.status ? o.lastTransitionTime : c.lastTransitionTime };
  });
}

export class DeploymentController {
  private store: Store;
  private kubelet: Kubelet;
  private log: (m: string) => void;
  private queue = new Set<string>();
  private flushing = false;
  /** Where ScalingReplicaSet, SuccessfulCreate and SuccessfulDelete events go (deployment and replicaset controllers). */
  events: EventRecorder | undefined;
  /** While seeding, reconciles are called directly and events are ignored. */
  paused = false;
  private closed = false;

  constructor(store: Store, kubelet: Kubelet, log: (m: string) => void) {
    this.store = store;
    this.kubelet = kubelet;
    this.log = log;
  }

  onEvent(e: StoreEvent): void {
    if (this.paused || this.closed) return;
    const ns = e.obj.metadata.namespace;
    if (e.r === deployments) {
      if (e.type !== 'DELETED') this.queue.add(keyOf(ns, e.obj.metadata.name!));
    } else if (e.r === replicasets) {
      const d = ownerOf(e.obj, 'Deployment');
      if (d) this.queue.add(keyOf(ns, d));
      else if (e.type !== 'DELETED') this.queue.add(`rs:${keyOf(ns, e.obj.metadata.name!)}`);
    } else if (e.r === pods) {
      const rs = ownerOf(e.obj, 'ReplicaSet');
      const rsObj = rs ? this.store.getEntry(replicasets, ns, rs)?.obj : undefined;
      const d = rsObj ? ownerOf(rsObj, 'Deployment') : undefined;
      if (d) this.queue.add(keyOf(ns, d));
      else if (rsObj) this.queue.add(`rs:${keyOf(ns, rs!)}`);
    }
    this.kick();
  }

  private kick(): void {
    if (this.flushing || this.queue.size === 0) return;
    this.flushing = true;
    // Writes happen after the event that caused them has reached every listener,
    // so watch streams see events in resourceVersion order.
    setImmediate(() => {
      this.flushing = false;
      if (this.closed) return;
      const keys = [...this.queue];
      this.queue.clear();
      for (const k of keys) {
        const [ns, name] = k.replace(/^rs:/, '').split('/') as [string, string];
        try {
          if (k.startsWith('rs:')) this.syncOrphanReplicaSet(ns, name);
          else this.reconcile(ns, name);
        } catch (err) {
          this.log(`[SIM] reconcile ${k} failed: ${(err as Error).message}`);
        }
      }
      this.kick();
    });
  }

  private syncOrphanReplicaSet(ns: string, name: string): void {
    const rs = this.store.getEntry(replicasets, ns, name)?.obj;
    if (rs && !ownerOf(rs, 'Deployment')) this.syncReplicaSet(rs, false);
  }

  private dependentsOf(owner: KObj, plural: string): KObj[] {
    const out: KObj[] = [];
    for (const [p, ns, name] of this.store.dependents(owner.metadata.uid!)) {
      if (p !== plural) continue;
      const e = this.store.getEntry(resourceFor(p), ns, name);
      if (e) out.push(e.obj);
    }
    return out;
  }

  reconcile(ns: string, name: string, instant = false): void {
    const d = this.store.getEntry(deployments, ns, name)?.obj;
    if (!d || d.metadata.deletionTimestamp) return;
    const template = d.spec?.template ?? {};
    // Over the template's fields in a fixed order (the controller hashes the Go struct), so the same
    // template in another key order (kubectl rollout undo's copy) is the same ReplicaSet.
    const hash = templateHash(stableJson(template));
    const rsName = `${name}-${hash}`;
    const desired: number = d.spec?.replicas ?? 1;
    const all = this.dependentsOf(d, 'replicasets');
    let current = all.find((rs) => rs.metadata.name === rsName);
    const olds = all.filter((rs) => rs !== current && !rs.metadata.deletionTimestamp)
      .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
    const revOf = (rs: KObj) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
    // The new ReplicaSet's revision is one above the old ones' (also when an old template comes back).
    const revision = Math.max(0, ...olds.map(revOf)) + 1;
    const { surge } = fenceposts(d, desired);
    const oldPodsLeft = olds.reduce((n, rs) => n + this.dependentsOf(rs, 'pods').length, 0);
    const step = rolloutStep(d, desired, current, olds, oldPodsLeft);
    if (!d.spec?.paused && !current?.metadata.deletionTimestamp) {
      if (!current && step.newReplicas !== undefined) {
        const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
        const rs: KObj = {
          metadata: {
            name: rsName, namespace: ns, labels,
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(desired),
              'deployment.kubernetes.io/max-replicas': String(desired + surge),
              'deployment.kubernetes.io/revision': String(revision),
            },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
            // Seeded objects look as old as their deployment.
            ...(instant ? { creationTimestamp: d.metadata.creationTimestamp } : {}),
          },
          spec: {
            replicas: step.newReplicas,
            minReadySeconds: d.spec?.minReadySeconds ?? 0,
            selector: { matchLabels: { ...(d.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
            template: { metadata: { ...clone(template.metadata ?? {}), labels }, spec: clone(template.spec ?? {}) },
          },
          status: { replicas: 0 },
        };
        current = this.store.create(replicasets, rs);
        this.scaledEvent(d, rsName, 0, step.newReplicas);
        if (!instant) this.log(`[SIM] deployment ${ns}/${name}: new replicaset ${rsName} (revision ${revision})`);
      } else if (current && step.newReplicas !== undefined && (current.spec.replicas !== step.newReplicas || revOf(current) !== revision ||
          current.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'] !== String(desired))) {
        const rs = clone(current);
        this.scaledEvent(d, rsName, rs.spec.replicas ?? 0, step.newReplicas);
        rs.spec.replicas = step.newReplicas;
        rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}),
          'deployment.kubernetes.io/desired-replicas': String(desired),
          'deployment.kubernetes.io/max-replicas': String(desired + surge),
          'deployment.kubernetes.io/revision': String(revision) };
        current = this.store.update(replicasets, rs);
      }
      for (const old of olds) {
        const want = step.old.get(old.metadata.name!) ?? 0;
        if (old.spec?.replicas === want) continue;
        const rs = clone(old);
        this.scaledEvent(d, old.metadata.name!, rs.spec.replicas ?? 0, want);
        rs.spec.replicas = want;
        this.store.update(replicasets, rs);
        this.log(`[SIM] deployment ${ns}/${name}: scaled old replicaset ${old.metadata.name} to ${want}`);
      }
    }
    const sets = this.dependentsOf(d, 'replicasets');
    let total = 0;
    let updated = 0;
    let ready = 0;
    for (const rs of sets) {
      const ps = this.syncReplicaSet(rs, instant);
      total += ps.length;
      const r = ps.filter(isReady).length;
      ready += r;
      if (rs.metadata.name === rsName) updated = ps.length;
    }
    this.writeDeploymentStatus(d, { total, updated, ready, desired, rsName, revision });
  }

  private syncReplicaSet(rsIn: KObj, instant: boolean): KObj[] {
    const rs = rsIn;
    let owned = this.dependentsOf(rs, 'pods').filter((p) => !p.metadata.deletionTimestamp);
    const want: number = rs.spec?.replicas ?? 0;
    if (rs.metadata.deletionTimestamp) {
      // Being deleted: the replicaset controller no longer manages its pods.
    } else if (owned.length < want) {
      for (let i = owned.length; i < want; i++) {
        const pod = this.createPod(rs, instant);
        owned.push(pod);
        this.events?.record(replicasets, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, { component: 'replicaset-controller' });
      }
    } else if (owned.length > want) {
      // Like the replicaset controller: unscheduled first, then not ready, then newest.
      const rank = (p: KObj) => (!p.spec?.nodeName ? 0 : !isReady(p) ? 1 : 2);
      const victims = [...owned].sort((a, b) => rank(a) - rank(b) ||
        String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp))).slice(0, owned.length - want);
      for (const v of victims) {
        deleteObj(this.store, pods, v, {});
        this.events?.record(replicasets, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${v.metadata.name}`, { component: 'replicaset-controller' });
      }
      owned = owned.filter((p) => !victims.includes(p));
    }
    const ready = owned.filter(isReady).length;
    const status: any = { replicas: owned.length, observedGeneration: rs.metadata.generation };
    if (owned.length) status.fullyLabeledReplicas = owned.length;
    if (ready) {
      status.readyReplicas = ready;
      status.availableReplicas = ready;
    }
    const latest = this.store.getEntry(replicasets, rs.metadata.namespace, rs.metadata.name!)?.obj;
    if (latest && JSON.stringify(latest.status) !== JSON.stringify(status)) {
      const next = clone(latest);
      next.status = status;
      this.store.update(replicasets, next);
    }
    return owned;
  }

  private createPod(rs: KObj, instant: boolean): KObj {
    const ns = rs.metadata.namespace!;
    let name = `${rs.metadata.name}-${randomSuffix()}`;
    while (this.store.getEntry(pods, ns, name)) name = `${rs.metadata.name}-${randomSuffix()}`;
    const t = rs.spec.template ?? {};
    // Shallow copies: stored objects are frozen, so pods may share the template's parts.
    let pod: KObj = {
      metadata: {
        name, generateName: `${rs.metadata.name}-`, namespace: ns,
        labels: t.metadata?.labels ?? {},
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: { ...(t.spec ?? {}) },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    };
    if (t.metadata?.annotations) pod.metadata.annotations = t.metadata.annotations;
    pod.spec.serviceAccountName ??= 'default';
    pod.spec.serviceAccount ??= pod.spec.serviceAccountName;
    pod.spec.enableServiceLinks ??= true;
    pod.spec.preemptionPolicy ??= 'PreemptLowerPriority';
    pod.spec.priority ??= 0;
    pod.spec.tolerations ??= [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ];
    if (instant) {
      pod.metadata.creationTimestamp = rs.metadata.creationTimestamp;
      pod = this.kubelet.materialize(pod);
      if (pod.status.startTime) pod.status.startTime = rs.metadata.creationTimestamp;
    }
    return this.store.create(pods, pod);
  }

  private writeDeploymentStatus(d: KObj, s: { total: number; updated: number; ready: number; desired: number; rsName: string; revision: number }): void {
    const latest = this.store.getEntry(deployments, d.metadata.namespace, d.metadata.name!)?.obj;
    if (!latest) return;
    const now = nowIso();
    const minAvailable = s.desired - maxUnavailable(latest, s.desired);
    const available = s.ready >= minAvailable;
    const complete = s.updated === s.desired && s.total === s.desired && s.ready === s.desired;
    const c = (type: string, status: boolean, reason: string, message: string) =>
      ({ type, status: status ? 'True' : 'False', lastUpdateTime: now, lastTransitionTime: now, reason, message });
    const status: any = { observedGeneration: latest.metadata.generation };
    if (s.total) status.replicas = s.total;
    if (s.updated) status.updatedReplicas = s.updated;
    if (s.ready) status.readyReplicas = s.ready;
    if (s.ready) status.availableReplicas = s.ready;
    if (s.desired - s.ready > 0) status.unavailableReplicas = s.desired - s.ready;
    status.conditions = mergeConditions(latest.status?.conditions, [
      available
        ? c('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : c('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
      complete
        ? c('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${s.rsName}" has successfully progressed.`)
        : c('Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${s.rsName}" is progressing.`),
    ]);
    const rev = String(s.revision);
    if (JSON.stringify(latest.status) === JSON.stringify(status) && latest.metadata.annotations?.['deployment.kubernetes.io/revision'] === rev) return;
    const next = clone(latest);
    next.status = status;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': rev };
    this.store.update(deployments, next);
  }

  /** pkg/controller/deployment/sync.go scaleReplicaSet: "Scaled up|down replica set X from A to B". */
  private scaledEvent(d: KObj, rs: string, from: number, to: number): void {
    if (from === to) return;
    this.events?.record(deployments, d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs} from ${from} to ${to}`, { component: 'deployment-controller' });
  }

  close(): void {
    this.closed = true;
  }
}
