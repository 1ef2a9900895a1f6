// /api/tags and /api/ps are shared: many concurrent model facts (the catalogue's estimates)
// make one request each, and a delete or a finished pull makes the next one ask again.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import { makeWorld, until, type World } from './world.ts';

let sim: SimCluster;
let fake: Server;
let w: World;
let held: string[];
let loaded: string[];
const hits: Record<string, number> = {};

beforeAll(async () => {
  sim = await startSimCluster({ quiet: true });
  held = ['llama3.2:1b', 'mistral:7b'];
  loaded = [];
  // A loopback Ollama that counts what it is asked.
  fake = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits[path] = (hits[path] ?? 0) + 1;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (path === '/api/version') return res.end('{"version":"0.5.1"}');
      if (path === '/api/tags') return res.end(JSON.stringify({ models: held.map((name) => ({ name, model: name, size: 1_300_000_000, digest: name })) }));
      if (path === '/api/ps') return res.end(JSON.stringify({ models: loaded.map((name) => ({ name, model: name, size: 900_000_000, size_vram: 900_000_000 })) }));
      if (path === '/api/generate') {
        loaded = [(JSON.parse(body) as { model: string }).model];
        return res.end(JSON.stringify({ model: loaded[0], response: 'hi', done: true, done_reason: 'stop', eval_count: 2, eval_duration: 1e6 }));
      }
      if (path === '/api/show') return res.end(JSON.stringify({ model_info: { 'general.architecture': 'llama', 'llama.block_count': 16 } }));
      if (path === '/api/delete') {
        const model = (JSON.parse(body) as { model: string }).model;
        held = held.filter((n) => n !== model);
        return res.end();
      }
      if (path === '/api/pull') {
        res.setHeader('content-type', 'application/x-ndjson');
        held.push('gemma3:1b');
        return res.end('{"status":"pulling manifest"}\n{"status":"success"}\n');
      }
      res.statusCode = 404;
      res.end('{"error":"not found"}');
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
  w = await makeWorld(sim.kube, { routes: ['explicit'], ollamaUrl: `http://127.0.0.1:${(fake.address() as { port: number }).port}` });
});
afterAll(async () => {
  await w?.close();
  await new Promise<void>((r) => (fake ? fake.close(() => r()) : r()));
  await sim?.close();
});

it('answers 40 concurrent model facts with one /api/tags and one /api/ps', async () => {
  const before = { tags: hits['/api/tags'] ?? 0, ps: hits['/api/ps'] ?? 0 };
  const names = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'llama3.2:1b' : `absent:${i}b`));
  const facts = await Promise.all(names.map((n) => w.side.facts.modelFacts(n)));
  expect(facts.filter((f) => f !== null)).toHaveLength(20);
  expect(facts.find((f) => f !== null)?.sizeBytes).toBe(1_300_000_000);
  expect((hits['/api/tags'] ?? 0) - before.tags).toBe(1);
  expect((hits['/api/ps'] ?? 0) - before.ps).toBe(1);
  // Loaded VRAM right after uses the same /api/ps answer.
  expect(await w.side.facts.loadedVramBytes()).toBe(0);
  expect((hits['/api/ps'] ?? 0) - before.ps).toBe(1);
});

it('asks again after a delete and after a finished pull, and the list the operator asks for is always fresh', async () => {
  expect(await w.side.facts.modelFacts('mistral:7b')).not.toBeNull();
  await w.side.handlers.deleteModel({ model: 'mistral:7b' });
  expect(await w.side.facts.modelFacts('mistral:7b')).toBeNull();

  expect(await w.side.facts.modelFacts('gemma3:1b')).toBeNull();
  await w.side.handlers.pullModel({ model: 'gemma3:1b' });
  const p = await until(() => w.side.handlers.pullProgress({ model: 'gemma3:1b' }), (x) => x.finished_at !== null);
  expect(p.status).toBe('success');
  expect(await w.side.facts.modelFacts('gemma3:1b')).not.toBeNull();

  const tagsBefore = hits['/api/tags'] ?? 0;
  const listed = await w.side.handlers.listModels({});
  expect(listed.models.map((m) => m.name)).toEqual(held);
  expect(hits['/api/tags']).toBe(tagsBefore + 1);
});

it('sees a model loaded by a try at once: the VRAM in use is not read from a stale /api/ps', async () => {
  expect(await w.side.facts.loadedVramBytes()).toBe(0);
  await w.side.handlers.generate({ model: 'llama3.2:1b', prompt: 'hello' });
  expect(await w.side.facts.loadedVramBytes()).toBe(900_000_000);
});
