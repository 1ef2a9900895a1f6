// Events as the components' event recorders write them, stored in both forms a client can
// read (core/v1 and events.k8s.io/v1, k8s.io/api events/v1 types.go). The kubelet and the
// controllers use the legacy recorder (client-go tools/record: source, first/lastTimestamp,
// count folded by its correlator, eventTime null); the scheduler the events.k8s.io one
// (client-go tools/events: eventTime, action, reportingController, series; in core/v1 form
// source {} and no timestamps). A legacy event read as events.k8s.io/v1 has eventTime null,
// as on a real server (the Python client's EventsV1Event model rejects that). Writes are
// deferred to the next turn, so they never land inside another write's listeners.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { randomBytes } from 'node:crypto';
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import type { Store } from './store.ts';
import type { ResourceInfo } from './resources.ts';
import { apiVersionOf, findResource } from './resources.ts';

const coreEvents = findResource('', 'events')!;
const newEvents = findResource('events.k8s.io', 'events')!;

export interface EventSource {
  component: string;
  host?: string;
  /** Set for components that record through events.k8s.io/v1 (the scheduler): the action and instance. */
  action?: string;
  instance?: string;
}

function microTime(): string {
  return new Date().toISOString().replace(/Z$/, '000Z');
}

export class EventRecorder {
  private store: Store;
  private queue: (() => void)[] = [];
  private seen = new Map<string, string>(); // correlation key -> event name
  private order: { ns: string; name: string; t: number }[] = [];
  /** Events live an hour on a real API server (--event-ttl); here also at most this many. */
  ttlMs = 3600_000;
  maxEvents = 5000;
  private closed = false;

  constructor(store: Store) {
    this.store = store;
  }

  /** Records that `reason` happened to `obj` (of resource r). fieldPath names a container: spec.containers{name}. */
  record(r: ResourceInfo, obj: KObj, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource, fieldPath?: string): void {
    if (this.closed) return;
    const involved: any = {
      kind: r.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid,
      apiVersion: apiVersionOf(r), resourceVersion: obj.metadata.resourceVersion,
    };
    if (fieldPath) involved.fieldPath = fieldPath;
    if (this.queue.length === 0) setImmediate(() => this.flush());
    this.queue.push(() => this.write(involved, type, reason, message, source));
  }

  private flush(): void {
    const q = this.queue;
    this.queue = [];
    if (!this.closed) for (const f of q) f();
  }

  private write(involved: any, type: string, reason: string, message: string, source: EventSource): void {
    const ns = involved.namespace ?? 'default';
    const key = [involved.uid, involved.fieldPath ?? '', type, reason, message, source.component].join('|');
    const now = nowIso();
    const existing = this.seen.get(key);
    const prev = existing ? this.store.getEntry(coreEvents, ns, existing)?.obj : undefined;
    if (prev) {
      const e = clone(prev);
      const n = this.store.getEntry(newEvents, ns, existing!)?.obj;
      const x = n ? clone(n) : undefined;
      if (source.action) {
        const series = { count: (e.series?.count ?? 1) + 1, lastObservedTime: microTime() };
        e.series = series;
        if (x) x.series = series;
      } else {
        e.count = (e.count ?? 1) + 1;
        e.lastTimestamp = now;
        if (x) {
          x.deprecatedCount = e.count;
          x.deprecatedLastTimestamp = now;
        }
      }
      this.store.update(coreEvents, e);
      if (x) this.store.update(newEvents, x);
      return;
    }
    // <object name>.<16 hex digits>, as client-go names events.
    const name = `${involved.name}.${randomBytes(8).toString('hex')}`;
    this.seen.set(key, name);
    const legacy = { component: source.component, ...(source.host ? { host: source.host } : {}) };
    let core: KObj;
    let ev: KObj;
    if (source.action) {
      const t = microTime();
      const instance = source.instance ?? source.component;
      core = { metadata: { name, namespace: ns }, involvedObject: involved, reason, message, source: {},
        firstTimestamp: null, lastTimestamp: null, type, eventTime: t, action: source.action,
        reportingComponent: source.component, reportingInstance: instance };
      ev = { metadata: { name, namespace: ns }, eventTime: t, reportingController: source.component, reportingInstance: instance,
        action: source.action, reason, regarding: { ...involved }, note: message, type };
    } else {
      core = { metadata: { name, namespace: ns }, involvedObject: involved, reason, message, source: legacy,
        firstTimestamp: now, lastTimestamp: now, count: 1, type, eventTime: null,
        reportingComponent: source.component, reportingInstance: source.host ?? '' };
      ev = { metadata: { name, namespace: ns }, eventTime: null, reportingController: source.component, reportingInstance: source.host ?? '',
        reason, regarding: { ...involved }, note: message, type,
        deprecatedSource: legacy, deprecatedFirstTimestamp: now, deprecatedLastTimestamp: now, deprecatedCount: 1 };
    }
    const created = this.store.create(coreEvents, core);
    // One object in etcd on a real server: same uid and creation time in both forms.
    ev.metadata.uid = created.metadata.uid;
    ev.metadata.creationTimestamp = created.metadata.creationTimestamp;
    this.store.create(newEvents, ev);
    this.order.push({ ns, name, t: Date.now() });
    this.expire();
  }

  private expire(): void {
    const now = Date.now();
    while (this.order.length && (this.order.length > this.maxEvents || now - this.order[0]!.t > this.ttlMs)) {
      const { ns, name } = this.order.shift()!;
      this.store.remove(coreEvents, ns, name);
      this.store.remove(newEvents, ns, name);
      for (const [k, v] of this.seen) if (v === name) this.seen.delete(k);
    }
  }

  close(): void {
    this.closed = true;
    this.queue = [];
  }
}
