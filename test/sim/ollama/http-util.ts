// Request/response helpers that reproduce what Ollama's gin handlers put on the wire.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Json = Record<string, unknown>;

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a request body as Ollama does; on failure returns the message Ollama answers 400 with. */
export function parseJsonBody(text: string, goType: string): { ok: true; value: Json } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: 'missing request body' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const first = text.trim()[0] ?? '';
    // Go's encoding/json messages: a bad first byte is named, a cut-off document is "unexpected EOF".
    return { ok: false, error: /[[{"\-0-9tfn]/.test(first) ? 'unexpected EOF' : `invalid character '${first}' looking for beginning of value` };
  }
  if (value === null) return { ok: true, value: {} };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'bool';
    return { ok: false, error: `json: cannot unmarshal ${kind} into Go value of type ${goType}` };
  }
  return { ok: true, value: value as Json };
}

/** A string field, or '' when absent; undefined when present with another type (a 400 in Ollama). */
export function stringField(body: Json, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : undefined;
}

/** JSON as Go's encoding/json writes it: <, > and & escaped, so the bytes match Ollama's. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = goJson(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

/** 200 (or `status`) with no body and no content type, as gin answers a handler that writes nothing. */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An NDJSON stream: one JSON object per line, chunked, as Ollama streams pulls and generations. */
export interface NdjsonStream {
  write(obj: unknown): boolean; // false once the client has gone
  end(): void;
  readonly closed: boolean;
}

export function startNdjson(res: ServerResponse): NdjsonStream {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
  return {
    write(obj) {
      if (res.destroyed || res.writableEnded) return false;
      res.write(`${goJson(obj)}\n`);
      return true;
    },
    end() {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
    get closed() {
      return res.destroyed || res.writableEnded;
    },
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Aborts when the client closes the connection before the response is finished. */
export function clientGone(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  req.on('aborted', () => ac.abort());
  return ac.signal;
}
