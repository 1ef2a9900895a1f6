// The endpoints and endpointslice controllers, small: for each Service with a selector, the
// matching pods with an IP become its Endpoints (Ready ones as addresses, others as
// notReadyAddresses, Terminating ones left out: pkg/controller/endpoint/endpoints_controller.go)
// and one EndpointSlice (every pod with its ready/serving/terminating conditions, owned by the
// Service: pkg/controller/endpointslice, k8s.io/endpointslice reconciler). Target ports are
// resolved per pod (named container ports). Writes happen on the next turn, after the event.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import type { Store, StoreEvent } from './store.ts';
import { findResource, resourceFor } from './resources.ts';
import { matchLabels } from './selectors.ts';
import { randomSuffix } from './names.ts';

const services = resourceFor('services');
const podsR = resourceFor('pods');
const endpointsR = resourceFor('endpoints');
const slicesR = findResource('discovery.k8s.io', 'endpointslices')!;
const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';

function ready(p: KObj): boolean {
  return (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

function targetPort(sp: any, pod: KObj): number | undefined {
  if (typeof sp.targetPort === 'number') return sp.targetPort;
  if (sp.targetPort === undefined) return sp.port;
  const cp = (pod.spec?.containers ?? []).flatMap((c: any) => c.ports ?? []).find((x: any) => x.name === sp.targetPort);
  return cp?.containerPort;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class EndpointsController {
  private store: Store;
  private queue = new Set<string>();
  private pending = false;
  private closed = false;

  constructor(store: Store) {
    this.store = store;
  }

  /** Syncs every Service (after seeding). */
  syncAll(): void {
    for (const e of this.store.entries(services)) this.sync(e.obj.metadata.namespace!, e.obj.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (this.closed) return;
    const ns = e.obj.metadata.namespace!;
    if (e.r === services) this.queue.add(`${ns}/${e.obj.metadata.name}`);
    else if (e.r === podsR) {
      for (const s of this.store.entries(services, ns)) {
        const sel = s.obj.spec?.selector;
        if (sel && Object.keys(sel).length && (matchLabels(sel, e.obj.metadata.labels) || (e.prev && matchLabels(sel, e.prev.metadata.labels))))
          this.queue.add(`${ns}/${s.obj.metadata.name}`);
      }
    } else return;
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (this.closed) return;
      const keys = [...this.queue];
      this.queue.clear();
      for (const k of keys) {
        const [ns, name] = k.split('/') as [string, string];
        this.sync(ns, name);
      }
    });
  }

  private sync(ns: string, name: string): void {
    const svc = this.store.getEntry(services, ns, name)?.obj;
    const ep = this.store.getEntry(endpointsR, ns, name)?.obj;
    if (!svc) {
      // The Service is gone: its Endpoints go with it (its slices go by the garbage collector).
      if (ep) this.store.remove(endpointsR, ns, name);
      return;
    }
    const sel = svc.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) return; // endpoints managed by someone else
    const pods = this.store.entries(podsR, ns).map((e) => e.obj).filter((p) => matchLabels(sel, p.metadata.labels) && p.status?.podIP
      && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const ports: any[] = svc.spec?.ports ?? [];
    const ref = (p: KObj) => ({ kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid });
    // Endpoints: pods grouped by their resolved port list (one subset per distinct list).
    const subsets = new Map<string, any>();
    for (const p of pods) {
      if (p.metadata.deletionTimestamp && !svc.spec?.publishNotReadyAddresses) continue;
      const eps = ports.map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), port: targetPort(sp, p), protocol: sp.protocol ?? 'TCP' }))
        .filter((x) => x.port !== undefined);
      const key = JSON.stringify(eps);
      let s = subsets.get(key);
      if (!s) subsets.set(key, (s = { addresses: [], notReadyAddresses: [], ports: eps }));
      const addr = { ip: p.status.podIP, nodeName: p.spec?.nodeName, targetRef: ref(p) };
      (ready(p) || svc.spec?.publishNotReadyAddresses ? s.addresses : s.notReadyAddresses).push(addr);
    }
    const list = [...subsets.values()].map((s) => {
      const o: any = { ports: s.ports };
      if (s.addresses.length) o.addresses = s.addresses;
      if (s.notReadyAddresses.length) o.notReadyAddresses = s.notReadyAddresses;
      return o;
    });
    const labels = { ...(svc.metadata.labels ?? {}) };
    const annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': nowIso() };
    if (!ep) {
      const o: KObj = { metadata: { name, namespace: ns, labels, annotations } };
      if (list.length) o.subsets = list;
      this.store.create(endpointsR, o);
    } else if (!same(ep.subsets ?? [], list) || !same(ep.metadata.labels ?? {}, labels)) {
      const o = clone(ep);
      o.metadata.labels = labels;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), ...annotations };
      if (list.length) o.subsets = list;
      else delete o.subsets;
      this.store.update(endpointsR, o);
    }
    // One EndpointSlice per Service (enough below the 100 endpoints a slice holds).
    const endpoints = pods.map((p) => {
      const terminating = Boolean(p.metadata.deletionTimestamp);
      const r = ready(p);
      return { addresses: [p.status.podIP], conditions: { ready: r && !terminating, serving: r, terminating }, nodeName: p.spec?.nodeName, targetRef: ref(p) };
    });
    const slicePorts = ports.map((sp) => ({ ...(sp.name !== undefined ? { name: sp.name } : { name: '' }), port: pods.length ? targetPort(sp, pods[0]!) : undefined, protocol: sp.protocol ?? 'TCP' }))
      .map((x) => (x.port === undefined ? { name: x.name, protocol: x.protocol } : x));
    const existing = this.store.entries(slicesR, ns).map((e) => e.obj).find((s) => s.metadata.labels?.[SERVICE_NAME] === name);
    const sliceLabels = { ...labels, [SERVICE_NAME]: name, [MANAGED_BY]: 'endpointslice-controller.k8s.io' };
    if (!existing) {
      this.store.create(slicesR, {
        metadata: {
          name: `${name}-${randomSuffix()}`, generateName: `${name}-`, namespace: ns, labels: sliceLabels, annotations,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4', endpoints, ports: slicePorts,
      });
    } else if (!same(existing.endpoints ?? [], endpoints) || !same(existing.ports ?? [], slicePorts)) {
      const o = clone(existing);
      o.endpoints = endpoints;
      o.ports = slicePorts;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), ...annotations };
      this.store.update(slicesR, o);
    }
  }

  close(): void {
    this.closed = true;
  }
}
