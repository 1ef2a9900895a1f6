// The building blocks of the one contract: every operation is declared once, with its
// input schema, its output type and (where it has one) its REST route. Main validates
// inputs with these schemas, the preload exposes exactly these names, the renderer is
// typed by them and the REST server is bound to them.
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RestRoute {
  method: HttpMethod;
  /** Seed path; `{name}` captures the rest of the path (model names hold `/` and `:`). */
  path: string;
  /** Success status when it is not 200 (the seed's pull answers 202). */
  status?: number;
}

export interface Operation<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  rest?: RestRoute;
  summary: string;
  /** Phantom: carries the output type only. */
  readonly output?: O;
}

/** `op<Output>()({ input, rest, summary })`: the output type is given, the input inferred. */
export function op<O>() {
  return <I extends z.ZodType>(def: { input: I; rest?: RestRoute; summary: string }): Operation<I, O> => def;
}

/** The JSON shape of every failure, over REST and IPC alike (the seed's `success: false`). */
export interface ErrorBody {
  success: false;
  error: string;
  /** HTTP status that classifies it (400 bad input, 404, 409, 503 unreachable, ...). */
  status: number;
  [detail: string]: unknown;
}
