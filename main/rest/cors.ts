// Cross-origin pages. The original server answered every origin (Flask-CORS); this one is
// closed by default, because a page on any site the operator visits could otherwise drive
// a server that holds the cluster's credentials. Origins the operator names (a setting, or
// `serve --allow-origin URL`) get their preflights answered without a token and the
// `Access-Control-Allow-Origin` header naming them (never `*`); their requests still need
// the bearer token (no credentials mode: the session cookie is never sent cross-site).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeOrigin } from '../../preload/contract/index.ts';

const ALLOW_METHODS = 'GET, POST, DELETE';
const ALLOW_HEADERS = 'Authorization, Content-Type';

/** The request's Origin when it is one of `allowed`, else null. */
export function allowedOrigin(req: IncomingMessage, allowed: readonly string[]): string | null {
  const origin = req.headers.origin;
  if (!origin || !allowed.length) return null;
  const normal = normalizeOrigin(origin);
  return normal && allowed.includes(normal) ? origin : null;
}

/** Marks the answer readable by `origin` (set before the body is written). */
export function exposeTo(res: ServerResponse, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;
}

export const PREFLIGHT_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Methods': ALLOW_METHODS,
  'Access-Control-Allow-Headers': ALLOW_HEADERS,
  'Access-Control-Max-Age': '600',
};
