// In-memory object store: one table per resource, objects kept as frozen JSON values
// with their serialized form (lists are joined strings, so big lists are cheap), one
// resourceVersion counter for everything, and a bounded event history for watches.
import { randomUUID } from 'node:crypto';
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import type { ResourceInfo } from './resources.ts';
import { apiVersionOf, resourceFor } from './resources.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: EventType;
  r: ResourceInfo;
  namespace: string;
  obj: KObj;
  json: string;
  prev?: KObj; // the object before a MODIFIED, so selector watches can turn it into ADDED/DELETED
}

export interface Entry {
  obj: KObj; // never mutated: writers replace the entry
  json: string;
}

class Table {
  entries = new Map<string, Entry>();
  sorted: string[] | null = null;
}

export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function lowerBound(a: string[], s: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Store {
  private rv = 0;
  private tables = new Map<string, Table>();
  private history: StoreEvent[] = [];
  private listeners = new Set<(e: StoreEvent) => void>();
  // uid of an owner -> `plural|namespace|name` of objects naming it in ownerReferences
  private dependentsByOwner = new Map<string, Set<string>>();
  /** Events with rv <= compactedRv are gone; a watch from before it gets 410. */
  compactedRv = 0;
  historyLimit: number;
  /** While true, listeners are not called (bulk seeding); history is still kept. */
  quiet = false;

  constructor(historyLimit = 10_000) {
    this.historyLimit = historyLimit;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  private table(r: ResourceInfo): Table {
    // By group and plural: events and events.k8s.io events are two tables.
    const key = r.group ? `${r.group}/${r.plural}` : r.plural;
    let t = this.tables.get(key);
    if (!t) this.tables.set(key, (t = new Table()));
    return t;
  }

  getEntry(r: ResourceInfo, namespace: string | undefined, name: string): Entry | undefined {
    return this.table(r).entries.get(keyOf(r.namespaced ? namespace : undefined, name));
  }

  count(r: ResourceInfo): number {
    return this.table(r).entries.size;
  }

  /** Entries in key order (namespace/name, as etcd orders them), optionally one namespace, starting after a key. */
  entries(r: ResourceInfo, namespace?: string, afterKey?: string): Entry[] {
    const out: Entry[] = [];
    this.scan(r, namespace, afterKey, (e) => {
      out.push(e);
      return true;
    });
    return out;
  }

  /** Visits entries in key order until `visit` returns false; returns how many keys remained unvisited. */
  scan(r: ResourceInfo, namespace: string | undefined, afterKey: string | undefined, visit: (e: Entry) => boolean): number {
    const t = this.table(r);
    if (!t.sorted) t.sorted = [...t.entries.keys()].sort();
    const keys = t.sorted;
    const prefix = r.namespaced && namespace ? `${namespace}/` : '';
    let i = lowerBound(keys, prefix);
    if (afterKey !== undefined && afterKey >= prefix) {
      i = lowerBound(keys, afterKey);
      if (keys[i] === afterKey) i++;
    }
    let end = keys.length;
    if (prefix) end = lowerBound(keys, prefix.slice(0, -1) + '0'); // '0' follows '/'
    for (; i < end; i++) {
      if (!visit(t.entries.get(keys[i]!)!)) return end - i - 1;
    }
    return 0;
  }

  /** Key of an entry, for continue tokens. */
  keyFor(obj: KObj, r: ResourceInfo): string {
    return keyOf(r.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name!);
  }

  private write(r: ResourceInfo, type: EventType, obj: KObj, prev?: KObj): KObj {
    const t = this.table(r);
    const key = this.keyFor(obj, r);
    const json = JSON.stringify(obj);
    if (type === 'DELETED') {
      t.entries.delete(key);
      t.sorted = null;
    } else {
      if (!t.entries.has(key)) t.sorted = null;
      t.entries.set(key, { obj, json });
    }
    this.indexOwners(r, obj, prev, type);
    const ev: StoreEvent = { rv: this.rv, type, r, namespace: obj.metadata.namespace ?? '', obj, json };
    if (prev) ev.prev = prev;
    this.history.push(ev);
    if (this.history.length > this.historyLimit * 1.25) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    if (!this.quiet) for (const l of this.listeners) l(ev);
    return obj;
  }

  private indexOwners(r: ResourceInfo, obj: KObj, prev: KObj | undefined, type: EventType): void {
    const ref = `${r.plural}|${obj.metadata.namespace ?? ''}|${obj.metadata.name}`;
    for (const o of prev?.metadata.ownerReferences ?? []) this.dependentsByOwner.get(o.uid)?.delete(ref);
    if (type === 'DELETED') {
      for (const o of obj.metadata.ownerReferences ?? []) this.dependentsByOwner.get(o.uid)?.delete(ref);
      return;
    }
    for (const o of obj.metadata.ownerReferences ?? []) {
      let s = this.dependentsByOwner.get(o.uid);
      if (!s) this.dependentsByOwner.set(o.uid, (s = new Set()));
      s.add(ref);
    }
  }

  /** Objects whose ownerReferences name this uid: [plural, namespace, name]. */
  dependents(uid: string): [string, string, string][] {
    return [...(this.dependentsByOwner.get(uid) ?? [])].map((s) => s.split('|') as [string, string, string]);
  }

  /** Stores a new object, filling uid, creationTimestamp, resourceVersion (and generation where the kind has one). */
  create(r: ResourceInfo, input: KObj): KObj {
    const obj = input;
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    const m = obj.metadata;
    if (!r.namespaced) delete m.namespace;
    m.uid ??= randomUUID();
    m.creationTimestamp ??= nowIso();
    m.resourceVersion = String(++this.rv);
    if (r.plural === 'deployments' || r.plural === 'replicasets') m.generation ??= 1;
    return this.write(r, 'ADDED', deepFreeze(obj));
  }

  /** Replaces an existing object; the caller has already kept uid/creationTimestamp. */
  update(r: ResourceInfo, input: KObj): KObj {
    const obj = input;
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    const prev = this.getEntry(r, obj.metadata.namespace, obj.metadata.name!);
    obj.metadata.resourceVersion = String(++this.rv);
    return this.write(r, 'MODIFIED', deepFreeze(obj), prev?.obj);
  }

  remove(r: ResourceInfo, namespace: string | undefined, name: string): KObj | undefined {
    const e = this.getEntry(r, namespace, name);
    if (!e) return undefined;
    const obj = clone(e.obj);
    obj.metadata.resourceVersion = String(++this.rv);
    return this.write(r, 'DELETED', deepFreeze(obj));
  }

  /** Events after `rv` in order, or 'gone' when history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | 'gone' {
    if (rv < this.compactedRv) return 'gone';
    const h = this.history;
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return h.slice(lo);
  }

  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  // ---- convenience API for tests and setup (kinds by name, clones in and out) ----

  get(kind: string, namespace: string | undefined, name: string): KObj | undefined {
    const e = this.getEntry(resourceFor(kind), namespace, name);
    return e ? clone(e.obj) : undefined;
  }

  list(kind: string, namespace?: string): KObj[] {
    return this.entries(resourceFor(kind), namespace).map((e) => clone(e.obj));
  }

  /** Creates or replaces (unconditionally) an object, keeping uid and creationTimestamp of an existing one. */
  put(kind: string, obj: KObj): KObj {
    const r = resourceFor(kind);
    const o = clone(obj);
    const old = this.getEntry(r, o.metadata.namespace, o.metadata.name!);
    if (!old) return clone(this.create(r, o));
    o.metadata.uid = old.obj.metadata.uid;
    o.metadata.creationTimestamp = old.obj.metadata.creationTimestamp;
    if (old.obj.metadata.generation !== undefined) {
      const changed = JSON.stringify(old.obj.spec) !== JSON.stringify(o.spec);
      o.metadata.generation = old.obj.metadata.generation + (changed ? 1 : 0);
    }
    return clone(this.update(r, o));
  }

  delete(kind: string, namespace: string | undefined, name: string): KObj | undefined {
    const o = this.remove(resourceFor(kind), namespace, name);
    return o ? clone(o) : undefined;
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
