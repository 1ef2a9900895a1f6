// The headers client-node would send for the kubeconfig's user (bearer or exec token, basic
// auth), for the requests the app makes with undici itself (raw lists, the service proxy).
import type { RequestOptions } from 'node:https';

export function authHeaders(opts: RequestOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const h = (opts.headers ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(h)) if (typeof v === 'string') out[k] = v;
  if (opts.auth) out.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return out;
}
