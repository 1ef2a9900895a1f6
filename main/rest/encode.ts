// How a JSON answer travels: compressed when the client accepts it (brotli, else gzip) and it
// is worth it, and with a strong ETag on reads, so that a client that already has the same
// answer gets a bodiless 304 (a UI or script polling a large, unchanged list).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Below this, compression costs more than it saves. */
const MIN_COMPRESS_BYTES = 1024;

export interface Encoded {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Whether If-None-Match names `etag` (a list, weak forms, or `*`). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** The encoding to use from Accept-Encoding, honouring q=0. */
function chooseEncoding(header: string | undefined): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

/** An answer's bytes, its ETag and its compressed forms, made once for a frozen answer (see encodeAnswer). */
interface Forms {
  raw: Buffer;
  etag?: string;
  br?: Buffer;
  gzip?: Buffer;
}

const frozenForms = new WeakMap<object, Forms>();

/**
 * `body` as JSON (encodeJson). A frozen answer cannot change, so its text, ETag and compressed
 * forms are made once and reused for every request that gets the same object: the core hands
 * out one frozen answer for as long as a large view (deployments, GPU status) is unchanged.
 */
export function encodeAnswer(req: IncomingMessage | undefined, status: number, body: unknown): Encoded {
  if (!body || typeof body !== 'object' || !Object.isFrozen(body)) return encodeJson(req, status, JSON.stringify(body));
  let forms = frozenForms.get(body);
  if (!forms) frozenForms.set(body, (forms = { raw: Buffer.from(JSON.stringify(body)) }));
  return encodeForms(req, status, forms);
}

export function encodeJson(req: IncomingMessage | undefined, status: number, text: string): Encoded {
  return encodeForms(req, status, { raw: Buffer.from(text) });
}

function encodeForms(req: IncomingMessage | undefined, status: number, forms: Forms): Encoded {
  const raw = forms.raw;
  const headers: Record<string, string> = { Vary: 'Accept-Encoding' };
  const read = req && (req.method === 'GET' || req.method === 'HEAD') && status === 200;
  if (read) {
    const etag = (forms.etag ??= etagOf(raw));
    headers.ETag = etag;
    // Kept by the client only to be revalidated; never shared.
    headers['Cache-Control'] = 'private, no-cache';
    if (matches(req.headers['if-none-match'], etag)) return { status: 304, body: Buffer.alloc(0), headers };
  }
  const encoding = req && raw.length >= MIN_COMPRESS_BYTES ? chooseEncoding(req.headers['accept-encoding']) : null;
  if (!encoding) return { status, body: raw, headers };
  // Quality 4: most of brotli's gain on JSON at a few ms per megabyte.
  const body =
    encoding === 'br'
      ? (forms.br ??= brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }))
      : (forms.gzip ??= gzipSync(raw, { level: 6 }));
  return { status, body, headers: { ...headers, 'Content-Encoding': encoding } };
}
