// The garbage collector, as kube-controller-manager's (pkg/controller/garbagecollector/
// garbagecollector.go) behaves for what the simulator holds: when an owner is gone its
// dependents are deleted (Background) or lose the dangling reference if another owner
// remains; an owner with the "orphan" finalizer has its dependents' references to it removed,
// then the finalizer; an owner with "foregroundDeletion" has its dependents deleted
// (Foreground for those that own objects themselves) and keeps the finalizer until no
// dependent with blockOwnerDeletion is left.
import type { KObj } from './types.ts';
import { clone } from './types.ts';
import type { Store, StoreEvent } from './store.ts';
import { resourceFor } from './resources.ts';
import type { ResourceInfo } from './resources.ts';
import { deleteObj, FOREGROUND, ORPHAN, storeOrFinish } from './deletion.ts';

interface Ref { r: ResourceInfo; ns: string | undefined; name: string }

export class GarbageCollector {
  private store: Store;
  private log: (m: string) => void;
  private byUid = new Map<string, Ref>();
  private gone = new Set<string>();
  private check = new Set<string>();
  private pending = false;
  private closed = false;

  constructor(store: Store, log: (m: string) => void) {
    this.store = store;
    this.log = log;
  }

  /** Seeded objects were written while listeners were quiet: index them. */
  indexAll(kinds: string[]): void {
    for (const k of kinds) {
      const r = resourceFor(k);
      for (const e of this.store.entries(r)) this.byUid.set(e.obj.metadata.uid!, { r, ns: e.obj.metadata.namespace, name: e.obj.metadata.name! });
    }
  }

  onEvent(e: StoreEvent): void {
    if (this.closed) return;
    const m = e.obj.metadata;
    if (!m.uid) return;
    if (e.type === 'DELETED') {
      this.byUid.delete(m.uid);
      this.gone.add(m.uid);
      for (const o of m.ownerReferences ?? []) this.check.add(o.uid);
    } else {
      this.byUid.set(m.uid, { r: e.r, ns: m.namespace, name: m.name! });
      if (m.deletionTimestamp && (m.finalizers ?? []).some((f: string) => f === ORPHAN || f === FOREGROUND)) this.check.add(m.uid);
      // A dependent that dropped its reference may have been the last one blocking its owner.
      for (const o of e.prev?.metadata.ownerReferences ?? []) if (!(m.ownerReferences ?? []).some((x) => x.uid === o.uid)) this.check.add(o.uid);
    }
    this.kick();
  }

  private kick(): void {
    if (this.pending || (this.gone.size === 0 && this.check.size === 0)) return;
    this.pending = true;
    // After the event that caused it has reached every listener, so watches see order kept.
    setImmediate(() => {
      this.pending = false;
      if (this.closed) return;
      const gone = [...this.gone];
      this.gone.clear();
      const check = [...this.check];
      this.check.clear();
      for (const uid of gone) this.collect(uid);
      for (const uid of check) this.finalize(uid);
      this.kick();
    });
  }

  private get(ref: Ref): KObj | undefined {
    return this.store.getEntry(ref.r, ref.ns, ref.name)?.obj;
  }

  private dependents(uid: string): { r: ResourceInfo; obj: KObj }[] {
    const out: { r: ResourceInfo; obj: KObj }[] = [];
    for (const [plural, ns, name] of this.store.dependents(uid)) {
      const r = resourceFor(plural);
      const obj = this.store.getEntry(r, ns || undefined, name)?.obj;
      if (obj && (obj.metadata.ownerReferences ?? []).some((o) => o.uid === uid)) out.push({ r, obj });
    }
    return out;
  }

  private dropRef(r: ResourceInfo, obj: KObj, uid: string): void {
    const o = clone(obj);
    const refs = (o.metadata.ownerReferences ?? []).filter((x) => x.uid !== uid);
    if (refs.length) o.metadata.ownerReferences = refs;
    else delete o.metadata.ownerReferences;
    this.store.update(r, o);
  }

  /** The owner `uid` is gone: delete its dependents, or just drop the reference where another owner lives. */
  private collect(uid: string): void {
    for (const { r, obj } of this.dependents(uid)) {
      const others = (obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid && this.byUid.has(o.uid));
      if (others.length) this.dropRef(r, obj, uid);
      else if (!obj.metadata.deletionTimestamp) {
        deleteObj(this.store, r, obj, {});
        this.log(`[SIM] garbage collector deleted ${r.plural} ${obj.metadata.namespace}/${obj.metadata.name} (owner gone)`);
      }
    }
  }

  private finalize(uid: string): void {
    const ref = this.byUid.get(uid);
    const owner = ref && this.get(ref);
    if (!ref || !owner?.metadata.deletionTimestamp) return;
    const fins = owner.metadata.finalizers ?? [];
    if (fins.includes(ORPHAN)) {
      for (const { r, obj } of this.dependents(uid)) this.dropRef(r, obj, uid);
      this.removeFinalizer(ref, ORPHAN);
      this.log(`[SIM] garbage collector orphaned the dependents of ${ref.r.plural} ${ref.ns}/${ref.name}`);
      return;
    }
    if (!fins.includes(FOREGROUND)) return;
    for (const { r, obj } of this.dependents(uid)) {
      if (obj.metadata.deletionTimestamp) continue;
      const ownsOthers = this.store.dependents(obj.metadata.uid!).length > 0;
      deleteObj(this.store, r, obj, ownsOthers ? { propagationPolicy: 'Foreground' } : {});
    }
    const blocking = this.dependents(uid).filter(({ obj }) => (obj.metadata.ownerReferences ?? []).some((o) => o.uid === uid && o.blockOwnerDeletion));
    if (blocking.length === 0) this.removeFinalizer(ref, FOREGROUND);
  }

  private removeFinalizer(ref: Ref, f: string): void {
    const latest = this.get(ref);
    if (!latest) return;
    const o = clone(latest);
    const rest = (o.metadata.finalizers ?? []).filter((x: string) => x !== f);
    if (rest.length) o.metadata.finalizers = rest;
    else delete o.metadata.finalizers;
    storeOrFinish(this.store, ref.r, o);
  }

  close(): void {
    this.closed = true;
  }
}
