// Small HTTP helpers: JSON and Status answers, bounded body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errors } from './status.ts';

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    if (err.code === 429 && !res.headersSent) res.setHeader('Retry-After', '1');
    sendJson(res, err.code, err.body);
    return;
  }
  console.error('[SIM] internal error', err);
  const e = errors.internal(err instanceof Error ? err.message : String(err));
  sendJson(res, e.code, e.body);
}

const LIMIT = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > LIMIT) {
        reject(errors.tooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON request body; protobuf and YAML bodies get 415, as a JSON-only server must say. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  const buf = await readBody(req);
  if (!type.includes('json')) throw errors.unsupportedMediaType(type);
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}
