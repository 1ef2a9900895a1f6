// The raw input of a request: the query string for GET (coerced to what the operation's
// schema expects), the JSON body otherwise, with path captures on top. Every failure here
// is the caller's: 400, 413 or 415, never 500.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { operations, type OperationName } from '../../preload/contract/index.ts';
import { AppError, badRequest } from '../core/errors.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export async function readInput(req: IncomingMessage, url: URL, name: OperationName, captures: Record<string, string>): Promise<Record<string, unknown>> {
  const base = req.method === 'GET' ? queryInput(url.searchParams, operations[name].input) : await readJsonBody(req);
  return { ...base, ...captures };
}

/** The JSON object of the body; an empty body is `{}` (the seed's reset and the pull cancel send none). */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks = await collect(req, limit);
  const text = chunks.toString('utf8');
  if (!text.trim()) return {};
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(type)) {
    throw new AppError(415, `request body must be JSON (Content-Type: application/json), not ${type || 'untyped'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('request body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Reads the body up to `limit` bytes. Past it, the rest is read and dropped rather than the
 * stream destroyed: destroying the request would close the socket before the 413 is sent.
 */
function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) return;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function tooLarge(limit: number): AppError {
  return new AppError(413, `request body is larger than ${limit / 1024} KiB`);
}

/**
 * Query values are strings; a field the schema wants as a number, a boolean or an array is
 * converted so that `?limit=5` validates. Unknown or unconvertible values are passed as they
 * are, and the schema says what is wrong with them.
 */
export function queryInput(params: URLSearchParams, schema: z.ZodType): Record<string, unknown> {
  const shape = objectShape(schema);
  // `?__proto__=` or `?constructor=` must be plain keys, not the prototype's.
  const out: Record<string, unknown> = Object.create(null);
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    const kind = shape && Object.hasOwn(shape, key) ? baseKind(shape[key]!) : 'string';
    if (kind === 'array') out[key] = values;
    else out[key] = coerce(values[values.length - 1]!, kind);
  }
  return out;
}

function coerce(value: string, kind: string): unknown {
  if (kind === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (kind === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

interface ZodInternals {
  _zod: { def: { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType } };
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  const def = (schema as unknown as ZodInternals)._zod.def;
  return def.type === 'object' && def.shape ? def.shape : null;
}

/** The type under optional/default/nullable/pipe wrappers. */
function baseKind(schema: z.ZodType): string {
  let current = schema as unknown as ZodInternals;
  for (let i = 0; i < 10; i++) {
    const def = current._zod.def;
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return def.type;
    current = inner as unknown as ZodInternals;
  }
  return 'unknown';
}
