// Strategic merge patch (application/strategic-merge-patch+json), following apimachinery
// pkg/util/strategicpatch/patch.go: maps merge key by key (null deletes), lists whose Go
// field carries patchStrategy:"merge" merge item by item on their patchMergeKey (or, for
// lists of scalars, as a union), every other list is replaced. Directives: $patch
// (replace, delete, merge), $retainKeys, $setElementOrder/<field>, $deleteFromPrimitiveList/<field>.
// The merge keys are those of k8s.io/api core/v1, apps/v1 and meta/v1 types.go for the kinds served.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { errors } from './status.ts';

interface ListField { key?: string; item?: string } // key absent: a merged list of scalars
interface TypeInfo { lists?: Record<string, ListField>; maps?: Record<string, string> }

const T: Record<string, TypeInfo> = {
  ObjectMeta: { lists: { ownerReferences: { key: 'uid' }, finalizers: {} } },
  Deployment: { maps: { metadata: 'ObjectMeta', spec: 'DeploymentSpec', status: 'DeploymentStatus' } },
  DeploymentSpec: { maps: { template: 'PodTemplateSpec' } },
  DeploymentStatus: { lists: { conditions: { key: 'type' } } },
  ReplicaSet: { maps: { metadata: 'ObjectMeta', spec: 'ReplicaSetSpec', status: 'ReplicaSetStatus' } },
  ReplicaSetSpec: { maps: { template: 'PodTemplateSpec' } },
  ReplicaSetStatus: { lists: { conditions: { key: 'type' } } },
  PodTemplateSpec: { maps: { metadata: 'ObjectMeta', spec: 'PodSpec' } },
  Pod: { maps: { metadata: 'ObjectMeta', spec: 'PodSpec', status: 'PodStatus' } },
  PodSpec: {
    lists: {
      containers: { key: 'name', item: 'Container' },
      initContainers: { key: 'name', item: 'Container' },
      ephemeralContainers: { key: 'name', item: 'Container' },
      volumes: { key: 'name' },
      imagePullSecrets: { key: 'name' },
      hostAliases: { key: 'ip' },
      topologySpreadConstraints: { key: 'topologyKey' },
      schedulingGates: { key: 'name' },
      resourceClaims: { key: 'name' },
    },
  },
  Container: { lists: { env: { key: 'name' }, ports: { key: 'containerPort' }, volumeMounts: { key: 'mountPath' }, volumeDevices: { key: 'devicePath' } } },
  PodStatus: { lists: { conditions: { key: 'type' } } },
  Service: { maps: { metadata: 'ObjectMeta', spec: 'ServiceSpec', status: 'ServiceStatus' } },
  ServiceSpec: { lists: { ports: { key: 'port' } } },
  ServiceStatus: { lists: { conditions: { key: 'type' } } },
  ConfigMap: { maps: { metadata: 'ObjectMeta' } },
  Namespace: { maps: { metadata: 'ObjectMeta' } },
  Node: { maps: { metadata: 'ObjectMeta' } },
};

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

function typeOfChild(type: string | undefined, key: string): string | undefined {
  return type ? T[type]?.maps?.[key] : undefined;
}

function orderBy(list: any[], order: any[], key: string | undefined): any[] {
  const id = (v: any) => JSON.stringify(key ? v?.[key] : v);
  const pos = new Map(order.map((v, i) => [id(v), i]));
  const inOrder = list.filter((v) => pos.has(id(v))).sort((a, b) => pos.get(id(a))! - pos.get(id(b))!);
  return [...inOrder, ...list.filter((v) => !pos.has(id(v)))];
}

function mergeList(orig: any, patch: any[], f: ListField, field: string): any[] {
  const base: any[] = Array.isArray(orig) ? [...orig] : [];
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) return patch.filter((p) => !(isMap(p) && p.$patch === 'replace'));
  if (f.key === undefined) {
    const seen = new Set(base.map((v) => JSON.stringify(v)));
    for (const v of patch) if (!seen.has(JSON.stringify(v))) base.push(v);
    return base;
  }
  const key = f.key;
  for (const p of patch) {
    if (!isMap(p)) throw errors.badRequest(`unable to find api field in struct for the list ${field}: expected a map with merge key ${key}`);
    if (!(key in p)) throw errors.badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const i = base.findIndex((o) => isMap(o) && o[key] === p[key]);
    if (p.$patch === 'delete') {
      if (i >= 0) base.splice(i, 1);
      continue;
    }
    if (i >= 0) base[i] = mergeMap(base[i], p, f.item);
    else base.push(mergeMap({}, p, f.item));
  }
  return base;
}

function mergeMap(orig: any, patch: Record<string, any>, type: string | undefined): any {
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, any> = isMap(orig) ? { ...orig } : {};
  const lists = type ? T[type]?.lists ?? {} : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(v) ? v : []).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field])) out[field] = out[field].filter((x: any) => !drop.has(JSON.stringify(x)));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (isMap(v)) {
      const merged = mergeMap(out[k], v, typeOfChild(type, k));
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v) && lists[k]) {
      out[k] = mergeList(out[k], v, lists[k]!, k);
    } else {
      out[k] = v;
    }
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = k.slice('$setElementOrder/'.length);
    if (Array.isArray(out[field])) out[field] = orderBy(out[field], order, lists[field]?.key);
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set<string>(patch.$retainKeys);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

/** The merge key of a list field of a type (undefined: an atomic list, or a list of scalars when `scalars`), and a map field's type. */
export function listKey(type: string | undefined, field: string): { key?: string; item?: string } | undefined {
  return type ? T[type]?.lists?.[field] : undefined;
}
export function childType(type: string | undefined, field: string): string | undefined {
  return typeOfChild(type, field);
}
export function knownKind(kind: string): string | undefined {
  return kind in T ? kind : undefined;
}

/** Applies a strategic merge patch to an object of `kind`. */
export function strategicMergePatch(obj: any, patch: unknown, kind: string): any {
  if (!isMap(patch)) throw errors.badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  return mergeMap(obj, patch, kind in T ? kind : undefined) ?? {};
}
