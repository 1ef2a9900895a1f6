// Turns main's `{ ok, value } | { ok: false, error }` into a value or a BridgeFailure.
// Kept free of electron so it is tested in plain Node.
import type { BridgeFailure, InvokeResult } from './bridge-api.ts';

export function unwrap(result: unknown): unknown {
  if (result && typeof result === 'object' && 'ok' in result) {
    const r = result as InvokeResult;
    if (r.ok) return r.value;
    throw failure(r.error?.status ?? 500, r.error?.error ?? 'request failed', r.error ?? {});
  }
  throw failure(500, 'malformed answer from the main process', {});
}

export function failure(status: number, message: string, body: Record<string, unknown>): BridgeFailure {
  return { name: 'ApiError', message, status, body: { ...body } };
}
