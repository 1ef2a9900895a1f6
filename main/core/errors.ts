// Errors that say what failed and why; the status classifies them for REST and IPC alike.
import type { ErrorBody } from '../../preload/contract/index.ts';

export class AppError extends Error {
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return { ...this.details, success: false, error: this.message, status: this.status };
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new AppError(400, message, details);
export const notFound = (message: string, details?: Record<string, unknown>) => new AppError(404, message, details);
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError(409, message, details);
export const unavailable = (message: string, details?: Record<string, unknown>) => new AppError(503, message, details);

/** Any thrown value as an AppError; unexpected ones become 500 with their message. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AppError(500, message || 'internal error');
}
