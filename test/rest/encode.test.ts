// Full answers are compressed when the client accepts it and carry an ETag; a client that has
// the same answer gets a bodiless 304. Checked with Node's own decoders and fetch (which
// decompresses as browsers do).
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { fakeHandlers } from './helpers.ts';

const TOKEN = 'encode-test-token-0123456789abcd';
const auth = { authorization: `Bearer ${TOKEN}` };
// An answer the size of a large cluster's deployment list.
let generation = 0;
const rows = () => Array.from({ length: 3000 }, (_, i) => ({ name: `model-${i}`, namespace: `team-${i % 50}`, model_id: 'llama3.1:8b', status: 'Running', replicas: '1/1', gen: generation }));

function raw(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compression and ETags', () => {
  let server: RestServer;
  beforeAll(async () => {
    const fakes = fakeHandlers({ listDeployments: async () => ({ success: true, models: rows(), count: 3000 }) });
    server = await startRestServer({ port: 0, getHandlers: () => fakes.handlers, events: { on: () => () => {} }, token: TOKEN });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('compresses with brotli, else gzip, else not at all, as Accept-Encoding says', async () => {
    const plain = await raw(server.port, '/api/deployments', auth);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const text = plain.body.toString();
    const br = await raw(server.port, '/api/deployments', { ...auth, 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(text);
    expect(br.body.length).toBeLessThan(plain.body.length / 10);
    const gz = await raw(server.port, '/api/deployments', { ...auth, 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(text);
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gz.headers.vary).toBe('Accept-Encoding');
    // A small answer is not worth it.
    const health = await raw(server.port, '/api/health', { 'accept-encoding': 'br' });
    expect(health.headers['content-encoding']).toBeUndefined();
  });

  it('answers 304 without a body to the ETag of the same answer, and 200 once it changed', async () => {
    const first = await fetch(`http://127.0.0.1:${server.port}/api/deployments`, { headers: auth });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(((await first.json()) as { count: number }).count).toBe(3000);
    const same = await raw(server.port, '/api/deployments', { ...auth, 'if-none-match': etag, 'accept-encoding': 'br' });
    expect(same.status).toBe(304);
    expect(same.body.length).toBe(0);
    expect(same.headers.etag).toBe(etag);
    generation++;
    const changed = await raw(server.port, '/api/deployments', { ...auth, 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    // Writes are never cached nor answered 304.
    const post = await fetch(`http://127.0.0.1:${server.port}/api/usage/track`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'if-none-match': '*' }, body: '{"model":"x"}' });
    expect(post.status).toBe(200);
    expect(post.headers.get('cache-control')).toBe('no-store');
    expect(post.headers.get('etag')).toBeNull();
  });
});
