// Splits a REST path into group/version/namespace/resource/name/subresource.
import type { ResourceInfo } from './resources.ts';
import { findResource } from './resources.ts';

export interface ApiPath {
  r: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Raw path after the subresource (service proxy), with its leading '/', or ''. */
  rest: string;
}

export type ParsedPath =
  | { type: 'resource'; path: ApiPath }
  | { type: 'unknown-resource'; group: string; version: string; plural: string }
  | { type: 'other' };

export function parseApiPath(pathname: string): ParsedPath {
  const raw = pathname.split('/');
  // raw[0] is '' (leading slash)
  let i: number;
  let group: string;
  let version: string;
  if (raw[1] === 'api' && raw.length > 3) {
    group = '';
    version = raw[2]!;
    i = 3;
  } else if (raw[1] === 'apis' && raw.length > 4) {
    group = raw[2]!;
    version = raw[3]!;
    i = 4;
  } else return { type: 'other' };
  const seg = raw.slice(i).map((s) => decodeURIComponent(s));
  let namespace: string | undefined;
  if (seg[0] === 'namespaces' && seg.length >= 3) {
    const inner = findResource(group, seg[2]!);
    if (inner?.namespaced) {
      namespace = seg[1];
      seg.splice(0, 2);
      i += 2;
    }
  }
  const plural = seg[0] ?? '';
  const r = findResource(group, plural);
  if (!r || r.version !== version) return { type: 'unknown-resource', group, version, plural };
  const path: ApiPath = { r, rest: '' };
  if (namespace !== undefined) path.namespace = namespace;
  if (seg[1]) path.name = seg[1];
  if (seg[2]) path.subresource = seg[2];
  if (seg.length > 3) path.rest = '/' + raw.slice(i + 3).join('/');
  else if (seg.length === 3 && pathname.endsWith('/')) path.rest = '/';
  return { type: 'resource', path };
}
