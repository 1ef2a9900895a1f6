// The REST routes, read from the one contract: each operation with a `rest` route is bound
// by method and path; `{name}` at the end of a path captures the rest of it (model names
// hold `/` and `:`).
import { operations, type HttpMethod, type OperationName } from '../../preload/contract/index.ts';
import { badRequest } from '../core/errors.ts';

export interface BoundRoute {
  name: OperationName;
  method: HttpMethod;
  /** Literal part of the path: the whole path, or what comes before the capture. */
  prefix: string;
  /** Name of the trailing capture, if any. */
  capture: string | null;
  status: number;
}

export type RouteMatch =
  | { kind: 'found'; route: BoundRoute; captures: Record<string, string> }
  | { kind: 'wrong-method'; allow: HttpMethod[] }
  | { kind: 'none' };

const CAPTURE = /^(.*)\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function bindRoutes(): BoundRoute[] {
  const routes: BoundRoute[] = [];
  for (const name of Object.keys(operations) as OperationName[]) {
    const rest = operations[name].rest;
    if (!rest) continue;
    const m = CAPTURE.exec(rest.path);
    if (!m && rest.path.includes('{')) throw new Error(`route ${rest.path}: a capture may only end the path`);
    routes.push({ name, method: rest.method, prefix: m ? m[1]! : rest.path, capture: m ? m[2]! : null, status: rest.status ?? 200 });
  }
  // Most specific first, so that /api/ollama/pull/progress/{model} wins over /api/ollama/pull/{model}.
  return routes.sort((a, b) => b.prefix.length - a.prefix.length);
}

/** `pathname` is the raw (still percent-encoded) path of the request URL. */
export function matchRoute(routes: BoundRoute[], method: string, pathname: string): RouteMatch {
  const allow = new Set<HttpMethod>();
  for (const route of routes) {
    let captures: Record<string, string>;
    if (route.capture) {
      if (!pathname.startsWith(route.prefix)) continue;
      captures = { [route.capture]: decodeCapture(route.capture, pathname.slice(route.prefix.length)) };
    } else {
      if (pathname !== route.prefix) continue;
      captures = {};
    }
    if (route.method === method) return { kind: 'found', route, captures };
    allow.add(route.method);
  }
  return allow.size ? { kind: 'wrong-method', allow: [...allow] } : { kind: 'none' };
}

function decodeCapture(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`${name} is not a valid percent-encoded path segment`, { field: name });
  }
}
