// The CRUD verbs on resources: get, list, watch, create, update (PUT), patch, delete,
// deletecollection, with the real server's preconditions and Status errors.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import type { ApiPath } from './paths.ts';
import type { ResourceInfo } from './resources.ts';
import { resourceFor, RESOURCES } from './resources.ts';
import type { KObj } from './types.ts';
import { clone, nowIso } from './types.ts';
import { errors, successStatus } from './status.ts';
import { readBody, readJson, sendJson } from './http.ts';
import { both, fieldMatcher, labelMatcher } from './selectors.ts';
import { listJson, listPage } from './list.ts';
import { hasPrinter, includeObjectOf, tableJson, tableVersionFor } from './table.ts';
import { serveWatch } from './watch.ts';
import { applyDefaults } from './defaults.ts';
import { validate } from './validate.ts';
import { randomSuffix } from './names.ts';
import { jsonPatch, mergePatch } from './patch.ts';
import { strategicMergePatch } from './strategic.ts';
import { deleteObj, deleteOptions, storeOrFinish } from './deletion.ts';
import type { DeleteOptions } from './deletion.ts';
import { takeRace } from './faults.ts';
import { queryBool } from './query.ts';
import { checkFields } from './fields.ts';
import { decodeObject, isProtobuf } from './protobuf.ts';
import { managerOf, parseApplyBody, serverSideApply, trackUpdate } from './apply.ts';

const withStatusSubresource = new Set(['deployments', 'replicasets', 'pods', 'services', 'nodes', 'namespaces']);
const undeletableNamespaces = new Set(['default', 'kube-system', 'kube-public']);


function dryRun(url: URL): boolean {
  return url.searchParams.getAll('dryRun').includes('All');
}

function asObject(body: unknown, r: ResourceInfo): KObj {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('Object \'Kind\' is missing in request body');
  const o = body as KObj;
  if (o.kind !== undefined && o.kind !== r.kind)
    throw errors.badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${r.kind})`);
  o.metadata = o.metadata && typeof o.metadata === 'object' ? o.metadata : {};
  return o;
}

function stripServerFields(o: KObj): void {
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink'])
    delete o.metadata[k];
}

function checkNamespace(ctx: SimContext, ns: string | undefined): void {
  if (!ns) return;
  const e = ctx.store.getEntry(resourceFor('namespaces'), undefined, ns);
  if (!e) throw errors.namespaceNotFound(ns);
  if (e.obj.status?.phase === 'Terminating')
    throw errors.forbidden(`unable to create new content in namespace ${ns} because it is being terminated`);
}

function sameIgnoringRv(a: KObj, b: KObj): boolean {
  const x = { ...a, metadata: { ...a.metadata, resourceVersion: '' } };
  const y = { ...b, metadata: { ...b.metadata, resourceVersion: '' } };
  return JSON.stringify(x) === JSON.stringify(y);
}

export function createObject(ctx: SimContext, r: ResourceInfo, ns: string | undefined, o: KObj, dry = false, managedFields?: unknown): KObj {
  if (r.namespaced) {
    if (o.metadata.namespace && o.metadata.namespace !== ns)
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    o.metadata.namespace = ns;
    checkNamespace(ctx, ns);
  }
  stripServerFields(o);
  if (managedFields) o.metadata.managedFields = managedFields;
  if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + randomSuffix();
  applyDefaults(r, o);
  validate(r, o);
  if (ctx.store.getEntry(r, ns, o.metadata.name!)) throw errors.alreadyExists(r, o.metadata.name!);
  if (r.plural === 'deployments' || r.plural === 'replicasets') o.status = {};
  if (r.plural === 'pods') o.status = { phase: 'Pending', qosClass: o.status?.qosClass ?? 'BestEffort' };
  if (dry) return o;
  return ctx.store.create(r, o);
}

/** Update semantics shared by PUT, PATCH and scale: preconditions, kept fields, generation, no-op. */
export function updateObject(ctx: SimContext, r: ResourceInfo, old: KObj, next: KObj,
  opts: { status?: boolean; dry?: boolean; managedFields?: unknown; manager?: string } = {}): KObj {
  const name = old.metadata.name!;
  if (next.metadata.name && next.metadata.name !== name)
    throw errors.badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
  if (r.namespaced && next.metadata.namespace && next.metadata.namespace !== old.metadata.namespace)
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const rv = next.metadata.resourceVersion;
  if (rv && rv !== old.metadata.resourceVersion) throw errors.conflict(r, name);
  if (next.metadata.uid && next.metadata.uid !== old.metadata.uid)
    throw errors.conflict(r, name);
  let o: KObj;
  if (opts.status) {
    o = clone(old);
    o.status = next.status;
  } else {
    o = next;
    o.metadata.name = name;
    if (r.namespaced) o.metadata.namespace = old.metadata.namespace;
    if (withStatusSubresource.has(r.plural)) o.status = clone(old.status);
    applyDefaults(r, o, old);
    validate(r, o);
  }
  o.metadata.uid = old.metadata.uid;
  o.metadata.creationTimestamp = old.metadata.creationTimestamp;
  o.metadata.resourceVersion = old.metadata.resourceVersion;
  if (old.metadata.generation !== undefined) {
    const changed = JSON.stringify(old.spec) !== JSON.stringify(o.spec);
    o.metadata.generation = old.metadata.generation + (changed ? 1 : 0);
  }
  if (old.metadata.deletionTimestamp) {
    o.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    o.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  } else {
    delete o.metadata.deletionGracePeriodSeconds;
  }
  // managedFields: an apply's own, or the old ones with this write's changes owned by its manager (apply.ts).
  const managed = opts.managedFields ?? (opts.manager && !opts.status ? trackUpdate(r, old, o, opts.manager) : old.metadata.managedFields);
  if (managed) o.metadata.managedFields = managed;
  else delete o.metadata.managedFields;
  if (sameIgnoringRv(old, o)) return old;
  if (opts.dry) return o;
  // The last finalizer of an object being deleted removed: the object goes (registry store Update).
  if (o.metadata.deletionTimestamp) return storeOrFinish(ctx.store, r, o).obj;
  return ctx.store.update(r, o);
}

export function applyPatch(old: KObj, body: unknown, contentType: string): KObj {
  const type = contentType.split(';')[0]!.trim();
  if (type === 'application/json-patch+json') return jsonPatch(old, body);
  if (type === 'application/strategic-merge-patch+json') return strategicMergePatch(clone(old), body, String(old.kind ?? ''));
  if (type === 'application/merge-patch+json') {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
    return mergePatch(clone(old), body);
  }
  throw errors.unsupportedMediaType(type);
}

/** The fault switch raceNextUpdates: the other writer's update lands first (see faults.ts). */
function loseRaceIfArmed(ctx: SimContext, r: ResourceInfo, ns: string | undefined, name: string): void {
  const race = takeRace(ctx.faults, r.plural, ns, name);
  const e = race && ctx.store.getEntry(r, ns, name);
  if (!race || !e) return;
  const o = clone(e.obj);
  if (race.change) race.change(o);
  else o.metadata.annotations = { ...o.metadata.annotations, 'kube-sim/raced-at': nowIso() };
  const written = ctx.store.update(r, o);
  ctx.log(`[SIM] another writer updated ${r.plural} ${ns ? ns + '/' : ''}${name} first (resourceVersion ${written.metadata.resourceVersion})`);
}

function mustGet(ctx: SimContext, r: ResourceInfo, ns: string | undefined, name: string): KObj {
  const e = ctx.store.getEntry(r, ns, name);
  if (!e) throw errors.notFound(r, name);
  return e.obj;
}

export function deleteNamespace(ctx: SimContext, name: string): KObj {
  const nsR = resourceFor('namespaces');
  const old = mustGet(ctx, nsR, undefined, name);
  if (undeletableNamespaces.has(name))
    throw errors.forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, nsR, name);
  if (old.status?.phase === 'Terminating') return old;
  const o = clone(old);
  o.metadata.deletionTimestamp = nowIso();
  o.status = { phase: 'Terminating' };
  const updated = ctx.store.update(nsR, o);
  // The namespace controller empties it, then the finalizer goes and the namespace with it.
  setTimeout(() => {
    for (const r of RESOURCES) {
      if (!r.namespaced) continue;
      for (const e of ctx.store.entries(r, name)) ctx.store.remove(r, name, e.obj.metadata.name!);
    }
    ctx.store.remove(nsR, undefined, name);
  }, 50).unref();
  return updated;
}

/** DELETE: the object while its deletion is pending (finalizers, a pod's grace period); once gone, pods
 *  answer with the deleted object and other kinds with a Success Status (registry store ReturnDeletedObject). */
export function deleteObject(ctx: SimContext, r: ResourceInfo, ns: string | undefined, name: string, opts: DeleteOptions, dry: boolean): unknown {
  if (r.plural === 'namespaces') return dry ? mustGet(ctx, r, ns, name) : deleteNamespace(ctx, name);
  const old = mustGet(ctx, r, ns, name);
  const { obj, gone } = deleteObj(ctx.store, r, old, opts, dry);
  if (!gone || r.plural === 'pods') return obj;
  return successStatus(r, name, old.metadata.uid);
}

/** Server-side apply: creates the object if absent (201), else merges with field ownership (apply.ts). */
async function apply(ctx: SimContext, r: ResourceInfo, ns: string | undefined, name: string, q: URLSearchParams, req: IncomingMessage, res: ServerResponse, dry: boolean): Promise<void> {
  const manager = q.get('fieldManager');
  if (!manager)
    throw errors.invalid({ kind: 'PatchOptions', group: 'meta.k8s.io' } as ResourceInfo, '', [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
  const body = asObject(await parseApplyBody((await readBody(req)).toString('utf8')), r);
  if (body.metadata.name !== undefined && body.metadata.name !== name)
    throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  body.metadata.name = name;
  warn(res, checkFields(r, body, q));
  const old = ctx.store.getEntry(r, ns, name)?.obj;
  const merged = serverSideApply(r, old, body, manager, queryBool(q, 'force'));
  if (!old) {
    const created = createObject(ctx, r, ns, merged, dry, merged.metadata.managedFields);
    ctx.log(`[SIM] applied (created) ${r.plural} ${ns ? ns + '/' : ''}${name} for ${manager}`);
    return sendJson(res, 201, created);
  }
  // A resourceVersion in the applied object is a precondition; without one the apply is unconditional.
  if (body.metadata.resourceVersion === undefined) merged.metadata.resourceVersion = old.metadata.resourceVersion;
  sendJson(res, 200, updateObject(ctx, r, old, merged, { dry, managedFields: merged.metadata.managedFields }));
}

/** JSON, or the protobuf kubectl's generator commands send for the kinds protobuf.ts decodes (others: 415). */
async function readCreateBody(req: IncomingMessage): Promise<unknown> {
  if (!isProtobuf(req.headers['content-type'])) return readJson(req);
  const buf = await readBody(req);
  let o: unknown;
  try {
    o = decodeObject(buf);
  } catch (e) {
    throw errors.badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
  if (!o) throw errors.unsupportedMediaType('application/vnd.kubernetes.protobuf');
  return o;
}

function warn(res: ServerResponse, warnings: string[]): void {
  if (warnings.length) res.setHeader('Warning', warnings);
}

export async function handleCrud(
  ctx: SimContext,
  p: ApiPath,
  verb: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { r, namespace: ns, name } = p;
  const q = url.searchParams;
  const dry = dryRun(url);
  // kubectl get asks for a server-side Table; served for the resources with a printer.
  const table = (verb === 'get' || verb === 'list' || verb === 'watch') && hasPrinter(r) ? tableVersionFor(req.headers.accept) : undefined;
  switch (verb) {
    case 'get': {
      const e = ctx.store.getEntry(r, ns, name!);
      if (!e) throw errors.notFound(r, name!);
      if (table) return sendJson(res, 200, tableJson(r, [e], { resourceVersion: e.obj.metadata.resourceVersion }, table, includeObjectOf(q.get('includeObject'))));
      sendJson(res, 200, e.json);
      return;
    }
    case 'list': {
      const match = both(labelMatcher(q.get('labelSelector') ?? undefined), fieldMatcher(q.get('fieldSelector') ?? undefined, r.plural));
      const o: Parameters<typeof listJson>[2] = { forceGone: ctx.faults.forceGone };
      if (ns) o.namespace = ns;
      if (match) o.match = match;
      if (q.get('limit')) o.limit = Number(q.get('limit'));
      if (q.get('continue')) o.continueToken = q.get('continue')!;
      if (table) {
        const include = includeObjectOf(q.get('includeObject'));
        const page = listPage(ctx.store, r, o);
        return sendJson(res, 200, tableJson(r, page.entries, page.meta, table, include));
      }
      sendJson(res, 200, listJson(ctx.store, r, o));
      return;
    }
    case 'watch': {
      const match = both(labelMatcher(q.get('labelSelector') ?? undefined), fieldMatcher(q.get('fieldSelector') ?? undefined, r.plural));
      const o: Parameters<typeof serveWatch>[3] = {
        allowWatchBookmarks: queryBool(q, 'allowWatchBookmarks'),
        sendInitialEvents: queryBool(q, 'sendInitialEvents'),
        forceGone: ctx.faults.forceGone && !!q.get('resourceVersion') && q.get('resourceVersion') !== '0',
        bookmarkIntervalMs: ctx.faults.bookmarkIntervalMs,
      };
      if (ns) o.namespace = ns;
      if (match) o.match = match;
      if (q.get('resourceVersion') !== null) o.resourceVersion = q.get('resourceVersion')!;
      if (q.get('timeoutSeconds')) o.timeoutSeconds = Number(q.get('timeoutSeconds'));
      if (table) {
        // kubectl get -w: each event carries a one-row Table.
        const include = includeObjectOf(q.get('includeObject'));
        o.render = (json, obj) => tableJson(r, [{ obj, json }], { resourceVersion: obj.metadata.resourceVersion }, table, include);
      }
      serveWatch(ctx.store, ctx.watches, r, o, req, res);
      return;
    }
    case 'create': {
      const o = asObject(await readCreateBody(req), r);
      warn(res, checkFields(r, o, q));
      const created = createObject(ctx, r, ns, o, dry);
      ctx.log(`[SIM] created ${r.plural} ${ns ? ns + '/' : ''}${created.metadata.name}`);
      sendJson(res, 201, created);
      return;
    }
    case 'update': {
      const next = asObject(await readJson(req), r);
      warn(res, checkFields(r, next, q));
      loseRaceIfArmed(ctx, r, ns, name!);
      const old = mustGet(ctx, r, ns, name!);
      sendJson(res, 200, updateObject(ctx, r, old, next, { dry, manager: managerOf(q, req.headers['user-agent']) }));
      return;
    }
    case 'patch': {
      if (String(req.headers['content-type'] ?? '').split(';')[0]!.trim() === 'application/apply-patch+yaml') return await apply(ctx, r, ns, name!, q, req, res, dry);
      const body = await readJson(req);
      loseRaceIfArmed(ctx, r, ns, name!);
      const old = mustGet(ctx, r, ns, name!);
      const next = asObject(applyPatch(old, body, String(req.headers['content-type'] ?? '')), r);
      warn(res, checkFields(r, next, q));
      sendJson(res, 200, updateObject(ctx, r, old, next, { dry, manager: managerOf(q, req.headers['user-agent']) }));
      return;
    }
    case 'delete': {
      const raw = req.headers['content-length'] !== '0' && req.headers['content-type'] ? await readJson(req).catch(() => undefined) : undefined;
      const out = deleteObject(ctx, r, ns, name!, deleteOptions(q, raw), dry);
      ctx.log(`[SIM] deleted ${r.plural} ${ns ? ns + '/' : ''}${name}`);
      sendJson(res, 200, out);
      return;
    }
    case 'deletecollection': {
      const match = both(labelMatcher(q.get('labelSelector') ?? undefined), fieldMatcher(q.get('fieldSelector') ?? undefined, r.plural));
      const raw = req.headers['content-length'] !== '0' && req.headers['content-type'] ? await readJson(req).catch(() => undefined) : undefined;
      const delOpts = deleteOptions(q, raw);
      const victims = ctx.store.entries(r, ns).filter((e) => !match || match(e.obj)).map((e) => e.obj);
      if (!dry) for (const v of victims) deleteObject(ctx, r, v.metadata.namespace, v.metadata.name!, delOpts, false);
      sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
      return;
    }
    default:
      throw errors.methodNotAllowed();
  }
}
