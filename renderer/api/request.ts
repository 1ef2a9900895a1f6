// Builds an operation's HTTP request from its REST route in the contract. Plain code
// (no DOM), so the Node tests check it against the REST server's own route matcher.
import type { RestRoute } from '../../preload/contract/index.ts';
import { ApiError } from './errors.ts';

export interface HttpRequest {
  method: string;
  url: string;
  body?: string;
}

/** `{model}` is filled from the input, each `/`-separated segment encoded; GET sends the rest as query. */
export function buildRequest(route: RestRoute, input: Record<string, unknown>, base = ''): HttpRequest {
  const rest: Record<string, unknown> = { ...input };
  const path = route.path.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = rest[key];
    delete rest[key];
    if (value === undefined || value === null || value === '') throw new ApiError(400, `${key} is required`);
    return String(value).split('/').map(encodeURIComponent).join('/');
  });
  if (route.method === 'GET') {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(rest)) if (value !== undefined && value !== null) query.set(key, String(value));
    const qs = query.toString();
    return { method: 'GET', url: `${base}${path}${qs ? `?${qs}` : ''}` };
  }
  return { method: route.method, url: `${base}${path}`, body: JSON.stringify(rest) };
}

