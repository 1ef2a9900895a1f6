// The one registry client: manifest sizes and "missing", one request per model at a time,
// and the host circuit breaker (a hanging registry costs one timeout, not one per model).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { registryManifests } from '../../../main/core/vram/registry.ts';

type Mode = 'hang' | 'answer';
interface FakeRegistry {
  base: string;
  seen: string[];
  mode: Mode;
  close(): Promise<void>;
}

const open: FakeRegistry[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

/** A registry that either hangs (accepts, never answers) or answers: llama3.1:8b, 500 on "broken", 404 otherwise. */
async function fakeRegistry(mode: Mode, delayMs = 0): Promise<FakeRegistry> {
  const sockets = new Set<Socket>();
  const reg: FakeRegistry = { base: '', seen: [], mode, close: async () => {} };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    reg.seen.push(req.url ?? '');
    if (reg.mode === 'hang') return;
    setTimeout(() => {
      if (req.url === '/v2/library/llama3.1/manifests/8b') {
        res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
        res.end(JSON.stringify({ layers: [{ mediaType: 'application/vnd.ollama.image.model', size: 4_920_000_000 }, { mediaType: 'application/vnd.ollama.image.license', size: 12_000 }] }));
      } else if (req.url?.includes('/broken/')) {
        res.writeHead(500).end();
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      }
    }, delayMs);
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  reg.base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  reg.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  open.push(reg);
  return reg;
}

describe('registry manifests', () => {
  it('gives total and weights bytes, "missing" on 404, and no answer on 5xx', async () => {
    const reg = await fakeRegistry('answer');
    const r = registryManifests(reg.base, 1000);
    expect(await r.lookup('llama3.1:8b')).toEqual({ kind: 'found', totalBytes: 4_920_012_000, weightsBytes: 4_920_000_000 });
    expect(await r.weightsBytes('llama3.1:8b')).toBe(4_920_000_000);
    expect(await r.lookup('llama2:7b')).toEqual({ kind: 'missing' });
    expect(await r.weightsBytes('llama2:7b')).toBeNull();
    expect(await r.lookup('broken/x:1b')).toEqual({ kind: 'unknown' });
    expect(r.isDown()).toBe(false); // a 5xx is an answer: the host is up
    // A name on another registry is not asked here.
    expect(await r.lookup('ghcr.io/someone/model:1b')).toEqual({ kind: 'unknown' });
    expect(reg.seen.some((u) => u.includes('someone'))).toBe(false);
  });

  it('asks once for concurrent lookups of one model, and keeps the answer', async () => {
    const reg = await fakeRegistry('answer', 50);
    const r = registryManifests(reg.base, 1000);
    const all = await Promise.all(Array.from({ length: 8 }, () => r.weightsBytes('llama3.1:8b')));
    expect(all).toEqual(Array(8).fill(4_920_000_000));
    // Later, and from another client of the same registry: the kept answer.
    expect(await registryManifests(reg.base, 1000).weightsBytes('llama3.1:8b')).toBe(4_920_000_000);
    expect(reg.seen.filter((u) => u === '/v2/library/llama3.1/manifests/8b')).toHaveLength(1);
  });

  it('counts a hanging registry down after one timeout: the next model answers without asking', async () => {
    const reg = await fakeRegistry('hang');
    const r = registryManifests(reg.base, 200, { downForMs: 60_000 });
    expect(await r.lookup('llama3.1:8b')).toEqual({ kind: 'unknown' });
    expect(r.isDown()).toBe(true);
    expect(reg.seen).toHaveLength(1);
    // Another model, and another client of the same registry (as the catalogue is): no request goes out.
    const other = registryManifests(reg.base, 200);
    const answers = await Promise.all([r.weightsBytes('mistral:7b'), other.lookup('qwen2.5:7b'), other.weightsBytes('gemma3:4b')]);
    expect(answers).toEqual([null, { kind: 'unknown' }, null]);
    expect(reg.seen).toHaveLength(1);
  });

  it('after the down time sends one probe, and closes again when the registry answers', async () => {
    const reg = await fakeRegistry('hang');
    const r = registryManifests(reg.base, 150, { downForMs: 100 });
    await r.lookup('llama3.1:8b');
    expect(r.isDown()).toBe(true);
    await new Promise((res) => setTimeout(res, 150));
    // Still hanging: of three lookups only one is a probe; it fails and the host is down again.
    await Promise.all([r.lookup('mistral:7b'), r.lookup('qwen2.5:7b'), r.lookup('gemma3:4b')]);
    expect(reg.seen).toHaveLength(2);
    expect(r.isDown()).toBe(true);
    reg.mode = 'answer';
    await new Promise((res) => setTimeout(res, 150));
    expect(await r.lookup('llama3.1:8b')).toMatchObject({ kind: 'found' });
    expect(r.isDown()).toBe(false);
    expect(await r.lookup('mistral:7b')).toEqual({ kind: 'missing' });
    expect(reg.seen).toHaveLength(4);
  });
});
