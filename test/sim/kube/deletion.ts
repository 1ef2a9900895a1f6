// Deleting an object as the API server does (apiserver pkg/registry/generic/registry/store.go
// Delete, pkg/registry/rest/delete.go BeforeDelete, and pkg/registry/core/pod/strategy.go
// CheckGracefulDelete): propagationPolicy (or the older orphanDependents) becomes the
// "orphan" or "foregroundDeletion" finalizer; an object with finalizers only gets a
// deletionTimestamp and waits for them (the garbage collector, gc.ts, removes them); a pod
// bound to a node is deleted gracefully (deletionTimestamp = now + grace, Terminating, the
// kubelet removes it). Everything else is removed at once, dependents later (Background).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import type { Store } from './store.ts';
import type { ResourceInfo } from './resources.ts';
import { errors } from './status.ts';

export type Propagation = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: Propagation;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export const ORPHAN = 'orphan';
export const FOREGROUND = 'foregroundDeletion';

function isoIn(seconds: number): string {
  return seconds <= 0 ? nowIso() : new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** DeleteOptions from the query string and the body (the body wins, as the handler decodes it last); invalid ones are a 422. */
export function deleteOptions(q: URLSearchParams, body: any): DeleteOptions {
  const o: DeleteOptions = {};
  if (q.get('gracePeriodSeconds') !== null) o.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
  if (q.get('propagationPolicy') !== null) o.propagationPolicy = q.get('propagationPolicy') as Propagation;
  if (q.get('orphanDependents') !== null) o.orphanDependents = !['0', 'false'].includes(q.get('orphanDependents')!.toLowerCase());
  if (body && typeof body === 'object') {
    if (typeof body.gracePeriodSeconds === 'number') o.gracePeriodSeconds = body.gracePeriodSeconds;
    if (typeof body.propagationPolicy === 'string') o.propagationPolicy = body.propagationPolicy;
    if (typeof body.orphanDependents === 'boolean') o.orphanDependents = body.orphanDependents;
    if (body.preconditions && typeof body.preconditions === 'object') o.preconditions = body.preconditions;
  }
  const bad = (field: string, message: string) =>
    errors.invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' } as ResourceInfo, '', [{ reason: 'FieldValueInvalid', field, message }]);
  if (o.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(o.propagationPolicy))
    throw bad('propagationPolicy', `Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  if (o.propagationPolicy !== undefined && o.orphanDependents !== undefined)
    throw bad('propagationPolicy', `Invalid value: "${o.propagationPolicy}": orphanDependents and deletionPropagation cannot be both set`);
  if (o.gracePeriodSeconds !== undefined && !Number.isInteger(o.gracePeriodSeconds))
    throw errors.badRequest(`strconv.ParseInt: parsing "${q.get('gracePeriodSeconds') ?? body?.gracePeriodSeconds}": invalid syntax`);
  return o;
}

function policyOf(o: DeleteOptions): Propagation | undefined {
  if (o.propagationPolicy) return o.propagationPolicy;
  if (o.orphanDependents !== undefined) return o.orphanDependents ? 'Orphan' : 'Background';
  return undefined;
}

/** Removes an object whose deletion is pending once nothing holds it (no finalizers, no grace period left); otherwise stores it. */
export function storeOrFinish(store: Store, r: ResourceInfo, o: KObj): { obj: KObj; gone: boolean } {
  const m = o.metadata;
  if (m.deletionTimestamp && (m.finalizers ?? []).length === 0 && !(m.deletionGracePeriodSeconds > 0)) {
    if (!store.getEntry(r, m.namespace, m.name!)) return { obj: o, gone: true };
    store.update(r, o);
    return { obj: store.remove(r, m.namespace, m.name!) ?? o, gone: true };
  }
  return { obj: store.update(r, o), gone: false };
}

/** Deletes (or starts deleting) an object; `gone` says whether it was removed now. */
export function deleteObj(store: Store, r: ResourceInfo, old: KObj, opts: DeleteOptions, dry = false): { obj: KObj; gone: boolean } {
  const name = old.metadata.name!;
  const pre = opts.preconditions;
  if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) throw errors.conflict(r, name);
  if (pre?.uid && pre.uid !== old.metadata.uid) throw errors.conflict(r, name);
  const o = clone(old);
  const m = o.metadata;
  let grace = 0;
  if (r.plural === 'pods') {
    grace = opts.gracePeriodSeconds ?? o.spec?.terminationGracePeriodSeconds ?? 30;
    if (!o.spec?.nodeName || o.status?.phase === 'Succeeded' || o.status?.phase === 'Failed') grace = 0;
    if (grace < 0) grace = 1;
  }
  // Already being deleted: a pod's grace period may only get shorter; the policy may change the finalizers.
  if (m.deletionTimestamp && m.deletionGracePeriodSeconds !== undefined && grace >= m.deletionGracePeriodSeconds) grace = m.deletionGracePeriodSeconds;
  let finalizers: string[] = [...(m.finalizers ?? [])];
  const policy = policyOf(opts);
  if (policy === 'Orphan') finalizers = [...finalizers.filter((f) => f !== FOREGROUND && f !== ORPHAN), ORPHAN];
  else if (policy === 'Foreground') finalizers = [...finalizers.filter((f) => f !== FOREGROUND && f !== ORPHAN), FOREGROUND];
  else if (policy === 'Background') finalizers = finalizers.filter((f) => f !== FOREGROUND && f !== ORPHAN);
  if (finalizers.length) m.finalizers = finalizers;
  else delete m.finalizers;
  const pending = grace > 0 || finalizers.length > 0;
  if (!m.deletionTimestamp || grace < (m.deletionGracePeriodSeconds ?? Infinity)) {
    m.deletionTimestamp = isoIn(grace);
    m.deletionGracePeriodSeconds = grace;
  }
  if (dry) return { obj: o, gone: !pending };
  if (pending) return { obj: store.update(r, o), gone: false };
  store.remove(r, m.namespace, name);
  return { obj: o, gone: true };
}
