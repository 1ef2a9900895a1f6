// Faults a test can switch on, in-process (sim.faults) or from another process (POST /_sim/faults).
import type { ServerResponse } from 'node:http';
import { sendError, sleep } from './http-util.ts';

export interface OllamaFaults {
  latencyMs: number; // added before every API response
  errorRate: number; // 0..1: share of API requests answered with a plain 500
  queueFull: boolean; // scheduler requests (generate, chat, embed) get Ollama's 503
  disconnectMidStreamAfterMs: number | null; // streams are cut (socket destroyed) this long after they start
}

export const QUEUE_FULL_MESSAGE = 'server busy, please try again.  maximum pending requests exceeded';

export function defaultFaults(): OllamaFaults {
  return { latencyMs: 0, errorRate: 0, queueFull: false, disconnectMidStreamAfterMs: null };
}

/** Applies a partial update from JSON; returns an error message for a bad field. */
export function updateFaults(faults: OllamaFaults, body: Record<string, unknown>): string | null {
  const num = (k: string, min: number, max: number): string | null => {
    const v = body[k];
    if (v === undefined) return null;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) return `${k} must be a number in [${min}, ${max}]`;
    return null;
  };
  const err =
    num('latencyMs', 0, 600_000) ??
    num('errorRate', 0, 1) ??
    (body.queueFull !== undefined && typeof body.queueFull !== 'boolean' ? 'queueFull must be a boolean' : null) ??
    (body.disconnectMidStreamAfterMs !== undefined && body.disconnectMidStreamAfterMs !== null ? num('disconnectMidStreamAfterMs', 0, 600_000) : null);
  if (err) return err;
  if (typeof body.latencyMs === 'number') faults.latencyMs = body.latencyMs;
  if (typeof body.errorRate === 'number') faults.errorRate = body.errorRate;
  if (typeof body.queueFull === 'boolean') faults.queueFull = body.queueFull;
  if (body.disconnectMidStreamAfterMs !== undefined) faults.disconnectMidStreamAfterMs = body.disconnectMidStreamAfterMs as number | null;
  return null;
}

const SCHEDULED = new Set(['/api/generate', '/api/chat', '/api/embed', '/api/embeddings']);

/** Latency, random 500s and the full queue; true when the request has been answered. */
export async function applyRequestFaults(faults: OllamaFaults, path: string, res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  if (faults.latencyMs > 0) await sleep(faults.latencyMs, signal);
  if (res.destroyed) return true;
  if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
    sendError(res, 500, 'simulated internal server error');
    return true;
  }
  // Only requests that wait for a runner go through Ollama's queue.
  if (faults.queueFull && SCHEDULED.has(path)) {
    sendError(res, 503, QUEUE_FULL_MESSAGE);
    return true;
  }
  return false;
}

/** Destroys the socket mid-stream when the disconnect fault is on. */
export function armStreamDisconnect(faults: OllamaFaults, res: ServerResponse): void {
  const after = faults.disconnectMidStreamAfterMs;
  if (after === null) return;
  const t = setTimeout(() => res.socket?.destroy(), after);
  res.on('close', () => clearTimeout(t));
}
