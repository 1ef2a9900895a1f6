// Discovery documents. kubectl asks for aggregated discovery first and accepts these
// plain (legacy) answers. OpenAPI v3 is openapi.ts; /openapi/v2 is not served (404).
import type { ServerResponse } from 'node:http';
import { RESOURCES } from './resources.ts';
import { sendJson } from './http.ts';
import { serveOpenApiV3 } from './openapi.ts';

export const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function resourceList(group: string, version: string): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const r of RESOURCES) {
    if (r.group !== group || r.version !== version) continue;
    const entry: Record<string, unknown> = { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs };
    if (r.shortNames) entry.shortNames = r.shortNames;
    if (r.categories) entry.categories = r.categories;
    resources.push(entry);
    for (const s of r.subresources ?? []) {
      const sub: Record<string, unknown> = { name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs };
      if (s.group) sub.group = s.group;
      if (s.version) sub.version = s.version;
      resources.push(sub);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function groups(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const v = m.get(r.group) ?? [];
    if (!v.includes(r.version)) v.push(r.version);
    m.set(r.group, v);
  }
  return m;
}

function apiGroup(name: string, versions: string[]): Record<string, unknown> {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

/** Answers a discovery path; false when the path is not a discovery document. */
export function serveDiscovery(pathname: string, res: ServerResponse, hostPort: string): boolean {
  const p = pathname.replace(/\/+$/, '') || '/';
  if (p === '/version') return sendJson(res, 200, VERSION), true;
  if (serveOpenApiV3(pathname, res)) return true;
  if (p === '/healthz' || p === '/livez' || p === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return true;
  }
  if (p === '/api')
    return sendJson(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: hostPort }] }), true;
  if (p === '/api/v1') return sendJson(res, 200, resourceList('', 'v1')), true;
  if (p === '/apis') {
    const list = [...groups()].map(([g, v]) => apiGroup(g, v));
    return sendJson(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: list }), true;
  }
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (m) {
    const versions = groups().get(m[1]!);
    if (!versions) return false;
    if (!m[2]) return sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(m[1]!, versions) }), true;
    if (versions.includes(m[2])) return sendJson(res, 200, resourceList(m[1]!, m[2])), true;
  }
  return false;
}
