// OpenAPI v3 discovery (/openapi/v3 and one document per group-version), as much as clients
// read from it: every path of the served resources with its operations, each tagged with
// x-kubernetes-group-version-kind and x-kubernetes-action, and the query parameters the
// server accepts. kubectl's create/replace/apply look for fieldValidation on a kind's PATCH
// operation (client-go resource.QueryParamVerifierV3, supportsQueryParamV3) and then leave
// validation to the server (fieldValidation=Strict); apply's patches then fall back to the
// Go types kubectl was built with, since no component schemas are published here.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ResourceInfo } from './resources.ts';
import { RESOURCES } from './resources.ts';
import { sendJson } from './http.ts';

function gvs(): string[] {
  const out = new Set<string>();
  for (const r of RESOURCES) out.add(r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`);
  return [...out];
}

const q = (name: string, description: string, type = 'string') => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const writeParams = [
  q('dryRun', 'When present, indicates that modifications should not be persisted.'),
  q('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  q('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict'),
];
const listParams = [
  q('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  q('continue', 'The continue option should be set when retrieving more results from the server.'),
  q('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  q('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  q('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  q('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  q('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean'),
  q('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  q('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];
const deleteParams = [
  q('dryRun', 'When present, indicates that modifications should not be persisted.'),
  q('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  q('orphanDependents', 'Deprecated: please use the PropagationPolicy.', 'boolean'),
  q('propagationPolicy', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
];
const patchParams = [...writeParams, q('force', 'Force is going to "force" Apply requests.', 'boolean')];

function op(r: ResourceInfo, action: string, id: string, parameters: unknown[], body = false): Record<string, unknown> {
  const o: Record<string, unknown> = {
    tags: [r.group ? `${r.group.replace(/\..*$/, '').replace(/^./, (c) => c)}_${r.version}` : `core_${r.version}`],
    operationId: id,
    parameters,
    responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
  if (body) o.requestBody = { content: { '*/*': { schema: { type: 'object' } } }, required: true };
  return o;
}

function document(gv: string): Record<string, unknown> | undefined {
  const rs = RESOURCES.filter((r) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`) === gv);
  if (rs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of rs) {
    const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    const K = r.kind;
    const ns = r.namespaced ? 'Namespaced' : '';
    const pathParams = [
      ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
    ];
    paths[base] = {
      get: op(r, 'list', `list${ns}${K}`, listParams),
      post: op(r, 'post', `create${ns}${K}`, writeParams, true),
      ...(r.verbs.includes('deletecollection') ? { delete: op(r, 'deletecollection', `deleteCollection${ns}${K}`, [...deleteParams, ...listParams], true) } : {}),
      parameters: pathParams,
    };
    paths[`${base}/{name}`] = {
      get: op(r, 'get', `read${ns}${K}`, []),
      put: op(r, 'put', `replace${ns}${K}`, writeParams, true),
      patch: op(r, 'patch', `patch${ns}${K}`, patchParams, true),
      delete: op(r, 'delete', `delete${ns}${K}`, deleteParams, true),
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }, ...pathParams],
    };
    if (r.namespaced) paths[`/${gv}/${r.plural}`] = { get: op(r, 'list', `list${K}ForAllNamespaces`, listParams) };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths,
    components: { securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } },
  };
}

const hashes = new Map<string, string>();
function hashOf(gv: string): string {
  let h = hashes.get(gv);
  if (!h) hashes.set(gv, (h = createHash('sha512').update(JSON.stringify(document(gv))).digest('hex').toUpperCase().slice(0, 128)));
  return h;
}

/** Answers /openapi/v3 and /openapi/v3/<gv>; false for other paths. */
export function serveOpenApiV3(pathname: string, res: ServerResponse): boolean {
  if (pathname === '/openapi/v3' || pathname === '/openapi/v3/') {
    const paths: Record<string, unknown> = {};
    for (const gv of gvs()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hashOf(gv)}` };
    sendJson(res, 200, { paths });
    return true;
  }
  if (!pathname.startsWith('/openapi/v3/')) return false;
  const doc = document(pathname.slice('/openapi/v3/'.length).replace(/\/+$/, ''));
  if (!doc) return false;
  sendJson(res, 200, doc);
  return true;
}
