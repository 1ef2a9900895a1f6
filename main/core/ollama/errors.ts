// Ollama's answers as AppErrors: its own status and message where they mean something to
// the caller (400, 404, 503 queue full), 502 for the rest.
import { AppError } from '../errors.ts';

/** The message of an error body: Ollama's {"error"} or the API server's Status {"message"}. */
export function errorMessage(text: string, status: number): string {
  try {
    const o = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof o.error === 'string' && o.error) return o.error;
    if (typeof o.message === 'string' && o.message) return o.message;
  } catch {
    // not JSON
  }
  const t = text.trim();
  return t ? t.slice(0, 300) : `HTTP ${status}`;
}

export function ollamaHttpError(status: number, text: string, what: string): AppError {
  const message = errorMessage(text, status);
  const details = { ollama_status: status };
  if (status === 400 || status === 404) return new AppError(status, message, details);
  if (status === 503 || status === 429) return new AppError(503, `Ollama is busy (${what}): ${message}`, details);
  return new AppError(502, `Ollama failed to ${what}: ${message}`, details);
}

/** Whether an undici error means the request never reached Ollama (safe to send elsewhere). */
export function neverSent(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED'].includes(code ?? '');
}

/** Connection-level failure (as opposed to an HTTP answer): refused, reset, timed out. */
export function connectionError(err: unknown): boolean {
  if (neverSent(err)) return true;
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'].includes(code) || e?.name === 'TimeoutError';
}

export function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code || e?.code || e?.cause?.message || e?.message || String(err);
}
