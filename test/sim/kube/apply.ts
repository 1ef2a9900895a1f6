// Server-side apply (application/apply-patch+yaml), as structured-merge-diff and apiserver
// pkg/endpoints/handlers/fieldmanager do it, for the fields of the kinds served: the applied
// configuration's fields are its manager's (metadata.managedFields, FieldsV1 "f:" / "k:"
// keys, lists keyed by their merge key); a field another manager owns with a different value
// is a 409 conflict unless force=true moves it; fields the manager applied before and no
// longer applies are removed unless someone else owns them. Writes by other means to an
// applied object make their fieldManager the owner of what they changed (operation Update).
// Objects never applied carry no managedFields here (a real server tracks every write).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import { nowIso } from './types.ts';
import type { ResourceInfo } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import { ApiError, errors } from './status.ts';
import { childType, knownKind, listKey, strategicMergePatch } from './strategic.ts';

type Seg = string; // 'f:name' or 'k:{"name":"x"}'
const untracked = new Set(['apiVersion', 'kind', 'status']);
const untrackedMeta = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']);

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
const keyOfPath = (p: Seg[]) => JSON.stringify(p);

/** Leaf paths of an object (and keyed list items themselves), with their values. */
export function fieldSet(obj: any, kind: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (v: any, type: string | undefined, path: Seg[], top: boolean) => {
    for (const [k, x] of Object.entries(v)) {
      if (top && untracked.has(k)) continue;
      if (path.length === 1 && path[0] === 'f:metadata' && untrackedMeta.has(k)) continue;
      const p = [...path, `f:${k}`];
      const lk = listKey(type, k);
      if (Array.isArray(x) && lk?.key) {
        for (const item of x) {
          if (!isMap(item) || item[lk.key] === undefined) continue;
          const ip = [...p, `k:${JSON.stringify({ [lk.key]: item[lk.key] })}`];
          out.set(keyOfPath(ip), item);
          walk(item, lk.item, ip, false);
        }
      } else if (isMap(x) && Object.keys(x).length) walk(x, childType(type, k), p, false);
      else out.set(keyOfPath(p), x);
    }
  };
  walk(obj, knownKind(kind), [], true);
  return out;
}

function get(obj: any, path: Seg[]): unknown {
  let v = obj;
  for (const s of path) {
    if (v === undefined || v === null) return undefined;
    if (s.startsWith('f:')) v = v[s.slice(2)];
    else {
      const [k, want] = Object.entries(JSON.parse(s.slice(2)))[0]!;
      v = Array.isArray(v) ? v.find((i) => isMap(i) && i[k] === want) : undefined;
    }
  }
  return v;
}

function remove(obj: any, path: Seg[]): void {
  const parent = get(obj, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (!parent || typeof parent !== 'object') return;
  if (last.startsWith('f:')) delete (parent as any)[last.slice(2)];
  else if (Array.isArray(parent)) {
    const [k, want] = Object.entries(JSON.parse(last.slice(2)))[0]!;
    const i = parent.findIndex((x) => isMap(x) && x[k] === want);
    if (i >= 0) parent.splice(i, 1);
  }
}

/** "f:spec.f:replicas" paths as the conflict message prints them: .spec.replicas, .spec.containers[name="x"].image. */
function printable(path: Seg[]): string {
  return path.map((s) => (s.startsWith('f:') ? `.${s.slice(2)}` : `[${Object.entries(JSON.parse(s.slice(2))).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`)).join('');
}

export function toFieldsV1(paths: Iterable<string>, items: Set<string>): any {
  const root: any = {};
  for (const k of paths) {
    const segs: Seg[] = JSON.parse(k);
    let n = root;
    for (const s of segs) n = n[s] ??= {};
    if (items.has(k)) n['.'] = {};
  }
  return root;
}

export function fromFieldsV1(f: any): Set<string> {
  const out = new Set<string>();
  const walk = (n: any, path: Seg[]) => {
    for (const [k, v] of Object.entries(n ?? {})) {
      if (k === '.') continue;
      const p = [...path, k];
      const kids = Object.keys(v as object).filter((x) => x !== '.');
      if ((v as any)['.'] !== undefined || kids.length === 0) out.add(keyOfPath(p));
      if (kids.length) walk(v, p);
    }
  };
  walk(f, []);
  return out;
}

interface Managed { manager: string; operation: string; apiVersion: string; time: string; fieldsType: 'FieldsV1'; fieldsV1: any; subresource?: string }

function entries(o: KObj): Managed[] {
  return Array.isArray(o.metadata.managedFields) ? o.metadata.managedFields : [];
}

function write(list: Managed[], manager: string, operation: string, apiVersion: string, owned: Set<string>, itemKeys: Set<string>): Managed[] {
  const rest = list.filter((m) => !(m.manager === manager && m.operation === operation));
  if (owned.size === 0) return rest;
  return [...rest, { manager, operation, apiVersion, time: nowIso(), fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(owned, itemKeys) }];
}

function itemKeysOf(paths: Iterable<string>): Set<string> {
  return new Set([...paths].filter((k) => (JSON.parse(k) as Seg[]).at(-1)!.startsWith('k:')));
}

/** The object an apply makes of `live` (undefined: it does not exist yet), with its managedFields. */
export function serverSideApply(r: ResourceInfo, live: KObj | undefined, applied: any, manager: string, force: boolean): KObj {
  const kind = r.kind;
  const av = apiVersionOf(r);
  const mine = fieldSet(applied, kind);
  const managed = live ? entries(live) : [];
  const conflicts: { manager: string; apiVersion: string; path: Seg[] }[] = [];
  const others = managed.filter((m) => !(m.manager === manager && m.operation === 'Apply'));
  const otherSets = others.map((m) => ({ m, set: fromFieldsV1(m.fieldsV1) }));
  for (const [k, v] of mine) {
    if (!live) break;
    const path: Seg[] = JSON.parse(k);
    const liveV = get(live, path);
    if ((JSON.parse(k) as Seg[]).at(-1)!.startsWith('k:')) continue; // an item's identity is its key: no conflict on the item itself
    for (const { m, set } of otherSets) {
      if (set.has(k) && JSON.stringify(liveV) !== JSON.stringify(v)) conflicts.push({ manager: m.manager, apiVersion: m.apiVersion, path });
    }
  }
  if (conflicts.length && !force) {
    const byMgr = new Map<string, string[]>();
    for (const c of conflicts) byMgr.set(`"${c.manager}" using ${c.apiVersion}`, [...(byMgr.get(`"${c.manager}" using ${c.apiVersion}`) ?? []), printable(c.path)]);
    const n = conflicts.length;
    const parts = [...byMgr].map(([who, ps]) => (ps.length === 1 ? `conflict with ${who}: ${ps[0]}` : `conflicts with ${who}:\n${ps.map((p) => `- ${p}`).join('\n')}`));
    const e = new ApiError(409, 'Conflict', `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`, {
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: printable(c.path) })),
    });
    throw e;
  }
  // Merge, then drop what this manager applied before and no longer applies (unless shared).
  const base: any = live ? structuredClone(live) : { apiVersion: av, kind, metadata: {} };
  const mergeable = structuredClone(applied);
  delete mergeable.status;
  const out = strategicMergePatch(base, mergeable, kind);
  const before = managed.find((m) => m.manager === manager && m.operation === 'Apply');
  const prev = before ? fromFieldsV1(before.fieldsV1) : new Set<string>();
  const ownedByOthers = new Set<string>();
  for (const { set } of otherSets) for (const k of set) ownedByOthers.add(k);
  // Shortest first: a list item goes whole before its fields (its key among them) are looked at.
  const gone = [...prev].filter((k) => !mine.has(k) && !ownedByOthers.has(k)).sort((a, b) => a.length - b.length);
  for (const k of gone) remove(out, JSON.parse(k));
  // Forced: the fields move to this manager.
  let list: Managed[] = managed;
  for (const { m, set } of otherSets) {
    const lost = conflicts.filter((c) => c.manager === m.manager).map((c) => keyOfPath(c.path));
    if (lost.length === 0) continue;
    for (const k of lost) set.delete(k);
    list = write(list, m.manager, m.operation, m.apiVersion, set, itemKeysOf(set));
  }
  list = write(list, manager, 'Apply', av, new Set(mine.keys()), itemKeysOf(mine.keys()));
  out.metadata.managedFields = list;
  return out as KObj;
}

/** A write other than apply to an object that has managedFields: its manager now owns what it changed. */
export function trackUpdate(r: ResourceInfo, old: KObj, next: KObj, manager: string): Managed[] | undefined {
  const managed = entries(old);
  if (managed.length === 0) return undefined;
  const a = fieldSet(old, r.kind);
  const b = fieldSet(next, r.kind);
  const changed = new Set([...b].filter(([k, v]) => JSON.stringify(a.get(k)) !== JSON.stringify(v) && !(JSON.parse(k) as Seg[]).at(-1)!.startsWith('k:')).map(([k]) => k));
  const removed = new Set([...a.keys()].filter((k) => !b.has(k)));
  if (changed.size === 0 && removed.size === 0) return managed;
  let list: Managed[] = [];
  for (const m of managed) {
    const set = fromFieldsV1(m.fieldsV1);
    for (const k of [...changed, ...removed]) set.delete(k);
    if (set.size) list.push({ ...m, fieldsV1: toFieldsV1(set, itemKeysOf(set)) });
  }
  const prev = managed.find((m) => m.manager === manager && m.operation === 'Update');
  const mineSet = prev ? fromFieldsV1(prev.fieldsV1) : new Set<string>();
  for (const k of removed) mineSet.delete(k);
  for (const k of changed) mineSet.add(k);
  list = write(list, manager, 'Update', apiVersionOf(r), mineSet, itemKeysOf(mineSet));
  return list;
}

/** The manager of a write: ?fieldManager=, else the User-Agent's product name (as the apiserver defaults it). */
export function managerOf(q: URLSearchParams, userAgent: string | undefined): string {
  return q.get('fieldManager') ?? (userAgent ?? 'unknown').split('/')[0]!;
}

/** The apply body: JSON, or YAML (parsed with the yaml package when present). */
export async function parseApplyBody(text: string): Promise<any> {
  try {
    return JSON.parse(text);
  } catch {
    // not JSON
  }
  try {
    const yaml = await import('yaml');
    return yaml.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
}
