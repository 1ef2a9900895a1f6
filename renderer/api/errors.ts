// One error type for both transports: the status and message of the contract's ErrorBody.
export class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;

  constructor(status: number, message: string, body: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** Any thrown or rejected value as an ApiError (the bridge rejects with plain objects). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err && typeof err === 'object') {
    const o = err as { status?: unknown; message?: unknown; body?: unknown };
    const status = typeof o.status === 'number' ? o.status : 0;
    const message = typeof o.message === 'string' ? o.message : String(err);
    const body = o.body && typeof o.body === 'object' ? (o.body as Record<string, unknown>) : {};
    return new ApiError(status, message, body);
  }
  return new ApiError(0, String(err));
}

export function errorText(err: unknown): string {
  const e = toApiError(err);
  return e.status ? `${e.message} (HTTP ${e.status})` : e.message;
}
