// Byte-level details of the simulator's answers, checked over raw HTTP.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaSim, type OllamaSim } from './ollama/server.ts';

let sim: OllamaSim;

beforeAll(async () => {
  sim = await startOllamaSim({ installed: ['llama3.2:1b', 'qwen2.5:0.5b'], pullBytesPerSecond: 4e9 });
});
afterAll(() => sim.close());

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; type: string | null; length: string | null; text: string }> {
  const res = await fetch(sim.url + path, { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), length: res.headers.get('content-length'), text: await res.text() };
}

function lines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('Ollama wire format', () => {
  it('answers HEAD / and GET / like Ollama', async () => {
    expect(await call('GET', '/')).toMatchObject({ status: 200, text: 'Ollama is running' });
    const head = await call('HEAD', '/');
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  // Ollama's rhythm (server/download.go blobDownload.Wait, server/images.go PullModel): a line
  // only on each 60 ms tick while a blob downloads, none when it finishes; a blob already on
  // disk once, complete; then verifying, writing manifest, success.
  it("streams a pull on Ollama's 60 ms ticker: small layers unseen, the last line of a layer below its total", async () => {
    const started = Date.now();
    const r = await call('POST', '/api/pull', { model: 'tinyllama:1.1b' });
    const elapsed = Date.now() - started;
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/x-ndjson');
    expect(r.text.endsWith('\n')).toBe(true);
    const objs = lines(r.text);
    expect(objs[0]).toEqual({ status: 'pulling manifest' });
    expect(objs.slice(-3)).toEqual([{ status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' }]);
    const layerLines = objs.slice(1, -3);
    const weights = layerLines[0]!;
    expect(weights.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(weights.status).toBe(`pulling ${String(weights.digest).slice(7, 19)}`);
    const mine = layerLines.filter((o) => o.digest === weights.digest).map((o) => (o.completed as number | undefined) ?? 0);
    // About one line per tick of the download, each one further, the last short of the total.
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.length).toBeLessThanOrEqual(Math.ceil(elapsed / 60) + 1);
    for (let i = 1; i < mine.length; i++) expect(mine[i]).toBeGreaterThanOrEqual(mine[i - 1]!);
    expect(mine.at(-1)).toBeLessThan(weights.total as number);
    // The KB-sized layers (template, params, config) finish within a tick: no line at all, but
    // one another model already brought (qwen2.5's Apache license) is said once, complete.
    const others = layerLines.filter((o) => o.digest !== weights.digest);
    for (const o of others) expect(o.completed).toBe(o.total);
    expect(new Set(others.map((o) => o.digest)).size).toBe(others.length);
  });

  it('sends a layer already on disk once, with completed == total', async () => {
    const objs = lines((await call('POST', '/api/pull', { model: 'tinyllama' })).text);
    const layerLines = objs.slice(1, -3);
    const digests = new Set(layerLines.map((o) => o.digest));
    expect(layerLines.length).toBe(digests.size);
    for (const o of layerLines) expect(o.completed).toBe(o.total);
  });

  it('pull with stream:false sends only the last object as application/json', async () => {
    const r = await call('POST', '/api/pull', { name: 'tinyllama', stream: false });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(JSON.parse(r.text)).toEqual({ status: 'success' });
  });

  it('an unknown model pull is a 200 stream ending in the manifest error', async () => {
    const r = await call('POST', '/api/pull', { model: 'llama9:1t' });
    expect(r.status).toBe(200);
    expect(lines(r.text)).toEqual([{ status: 'pulling manifest' }, { error: 'pull model manifest: file does not exist' }]);
  });

  it('normalises names and rejects invalid ones', async () => {
    expect(await call('POST', '/api/pull', { model: 'bad name' })).toMatchObject({ status: 400, text: '{"error":"invalid model name"}' });
    expect(await call('POST', '/api/pull', { model: '' })).toMatchObject({ status: 400, text: '{"error":"invalid model name"}' });
    expect((await call('POST', '/api/show', { model: 'LLAMA3.2:1B' })).status).toBe(200);
    expect((await call('POST', '/api/show', { name: 'registry.ollama.ai/library/llama3.2:1b' })).status).toBe(200);
    const del = await call('DELETE', '/api/delete', { model: 'bad name' });
    expect(del).toMatchObject({ status: 400, text: '{"error":"name \\"bad name\\" is invalid"}' });
  });

  it('escapes <, > and & in JSON as Go does', async () => {
    const r = await call('POST', '/api/show', { model: 'llama3.2:1b' });
    expect(r.text).toContain('\\u003c|start_header_id|\\u003e');
    expect(r.text).not.toContain('<|');
    expect((JSON.parse(r.text) as { template: string }).template).toContain('<|start_header_id|>');
  });

  it('delete answers 200 with an empty body, then 404', async () => {
    const ok = await call('DELETE', '/api/delete', { model: 'tinyllama:latest' });
    expect(ok).toMatchObject({ status: 200, text: '', length: '0', type: null });
    const again = await call('DELETE', '/api/delete', { model: 'tinyllama:latest' });
    expect(again).toMatchObject({ status: 404, text: '{"error":"model \'tinyllama:latest\' not found"}' });
    expect(again.type).toMatch(/^application\/json/);
  });

  it('copy answers 200 empty, or 404', async () => {
    expect(await call('POST', '/api/copy', { source: 'qwen2.5:0.5b', destination: 'qwen-copy' })).toMatchObject({ status: 200, text: '' });
    const tags = JSON.parse((await call('GET', '/api/tags')).text) as { models: { name: string; digest: string }[] };
    const copy = tags.models.find((m) => m.name === 'qwen-copy:latest');
    expect(copy?.digest).toBe(tags.models.find((m) => m.name === 'qwen2.5:0.5b')?.digest);
    expect((await call('POST', '/api/copy', { source: 'nothing', destination: 'x' })).status).toBe(404);
  });

  it('lists tags with RFC3339 nanosecond timestamps and 64-hex digests', async () => {
    const body = JSON.parse((await call('GET', '/api/tags')).text) as { models: Record<string, unknown>[] };
    for (const m of body.models) {
      // As api.ListModelResponse orders them (remote_* omitted when empty), capabilities last.
      expect(Object.keys(m)).toEqual(['name', 'model', 'modified_at', 'size', 'digest', 'details', 'capabilities']);
      expect(m.modified_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/);
      expect(m.digest).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('streams generate chunks as NDJSON and ends with done, done_reason and context', async () => {
    const r = await call('POST', '/api/generate', { model: 'llama3.2:1b', prompt: 'Why is the sky blue?' });
    expect(r.type).toBe('application/x-ndjson');
    const objs = lines(r.text);
    const chunks = objs.slice(0, -1);
    for (const c of chunks) {
      expect(Object.keys(c)).toEqual(['model', 'created_at', 'response', 'done']);
      expect(c.done).toBe(false);
    }
    const last = objs.at(-1) as Record<string, unknown>;
    expect(last).toMatchObject({ model: 'llama3.2:1b', response: '', done: true, done_reason: 'stop', eval_count: chunks.length });
    expect(Array.isArray(last.context)).toBe(true);
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration']) expect(Number.isInteger(last[k])).toBe(true);
  });

  it('chat chunks carry message and no context', async () => {
    const objs = lines((await call('POST', '/api/chat', { model: 'llama3.2:1b', messages: [{ role: 'user', content: 'hi' }] })).text);
    expect(objs[0]).toMatchObject({ message: { role: 'assistant' }, done: false });
    expect(objs.at(-1)).toMatchObject({ done: true, done_reason: 'stop', message: { role: 'assistant', content: '' } });
    expect('context' in (objs.at(-1) as object)).toBe(false);
  });

  it('an empty prompt loads the model, keep_alive 0 unloads it', async () => {
    await call('POST', '/api/generate', { model: 'qwen2.5:0.5b', keep_alive: 0 });
    const load = JSON.parse((await call('POST', '/api/generate', { model: 'qwen2.5:0.5b' })).text) as Record<string, unknown>;
    expect(load).toMatchObject({ model: 'qwen2.5:0.5b', response: '', done: true, done_reason: 'load' });
    const ps = JSON.parse((await call('GET', '/api/ps')).text) as { models: Record<string, unknown>[] };
    const entry = ps.models.find((m) => m.name === 'qwen2.5:0.5b') as Record<string, unknown>;
    expect(Object.keys(entry)).toEqual(['name', 'model', 'size', 'digest', 'details', 'expires_at', 'size_vram', 'context_length']);
    expect(entry.context_length).toBe(4096);
    const unload = JSON.parse((await call('POST', '/api/generate', { model: 'qwen2.5:0.5b', keep_alive: 0 })).text) as Record<string, unknown>;
    expect(unload.done_reason).toBe('unload');
    expect(sim.state.loaded()).not.toContain('qwen2.5:0.5b');
  });

  it('num_ctx sets the context length and the KV cache in size_vram', async () => {
    const loaded = async (options: object) => {
      await call('POST', '/api/generate', { model: 'llama3.2:1b', options });
      const ps = JSON.parse((await call('GET', '/api/ps')).text) as { models: { name: string; size: number; size_vram: number; context_length: number }[] };
      return ps.models.find((x) => x.name === 'llama3.2:1b')!;
    };
    const at4k = await loaded({});
    const at8k = await loaded({ num_ctx: 8192 });
    expect(at4k.context_length).toBe(4096); // Ollama 0.12.6's default
    expect(at8k.context_length).toBe(8192);
    // llama3.2:1b: 16 blocks, 8 KV heads, head dim 64, f16 -> 32 KiB per token: 4096 more tokens are 128 MiB more;
    // Ollama 0.12's compute graph grows by 4 × 512 batch × 4096 × (1 + 32 heads) bytes, its spare layer by a 16th of the KV.
    const kv = 2 * 16 * 8 * 64 * 4096 * 2;
    const graph = 4 * 512 * 4096 * 33;
    expect(at8k.size_vram - at4k.size_vram).toBeCloseTo(kv + graph + kv / 16, -3);
    // The simulated 24 GiB GPU holds it all.
    expect(at8k.size_vram).toBe(at8k.size);
  });

  it('reports its version and takes a new version, GPU memory and environment through /_sim/runtime (like a restarted Ollama)', async () => {
    expect(JSON.parse((await call('GET', '/api/version')).text)).toEqual({ version: '0.12.6' });
    const set = await call('POST', '/_sim/runtime', { version: '0.15.5', gpuMemoryGiB: 40 });
    expect(set.status).toBe(200);
    expect(JSON.parse((await call('GET', '/api/version')).text)).toEqual({ version: '0.15.5' });
    // 0.15.5 on 40 GiB: 32768 tokens by default.
    await call('POST', '/api/generate', { model: 'llama3.2:1b' });
    const ps = JSON.parse((await call('GET', '/api/ps')).text) as { models: { name: string; context_length: number }[] };
    expect(ps.models.find((m) => m.name === 'llama3.2:1b')?.context_length).toBe(32768);
    expect((await call('POST', '/_sim/runtime', { parallel: 0 })).status).toBe(400);
    expect((await call('POST', '/_sim/runtime', { kvCacheType: 'q5' })).status).toBe(400);
    await call('POST', '/_sim/runtime', { version: '0.12.6', gpuMemoryGiB: 24 });
    expect(sim.state.loaded()).toEqual([]);
  });

  it('bad JSON and wrong types are 400 with an error body', async () => {
    expect(await call('POST', '/api/generate', '{"model":')).toMatchObject({ status: 400, text: '{"error":"unexpected EOF"}' });
    expect(await call('POST', '/api/generate', 'xyz')).toMatchObject({ status: 400, text: '{"error":"invalid character \'x\' looking for beginning of value"}' });
    expect(await call('POST', '/api/show', '')).toMatchObject({ status: 400, text: '{"error":"missing request body"}' });
    expect((await call('GET', '/api/nothing')).status).toBe(404);
  });

  it('a thinking model streams its thinking before the answer, unless think is false', async () => {
    expect((await call('POST', '/api/pull', { model: 'deepseek-r1:7b', stream: false })).status).toBe(200);
    const objs = lines((await call('POST', '/api/generate', { model: 'deepseek-r1:7b', prompt: 'hi' })).text);
    expect(Object.keys(objs[0] as object)).toEqual(['model', 'created_at', 'response', 'thinking', 'done']);
    expect(objs[0]).toMatchObject({ response: '' });
    const thinkingCount = objs.filter((o) => 'thinking' in o).length;
    const answerCount = objs.filter((o) => o.done === false && !('thinking' in o)).length;
    expect(thinkingCount).toBeGreaterThan(0);
    expect((objs.at(-1) as Record<string, unknown>).eval_count).toBe(thinkingCount + answerCount);
    const plain = JSON.parse((await call('POST', '/api/chat', { model: 'deepseek-r1:7b', think: false, stream: false, messages: [{ role: 'user', content: 'hi' }] })).text) as { message: Record<string, unknown> };
    expect(Object.keys(plain.message)).toEqual(['role', 'content']);
    expect(await call('POST', '/api/generate', { model: 'llama3.2:1b', prompt: 'x', think: true })).toMatchObject({ status: 400, text: '{"error":"\\"llama3.2:1b\\" does not support thinking"}' });
  });

  it('embed of a model that is not installed is 404', async () => {
    expect(await call('POST', '/api/embed', { model: 'nomic-embed-text', input: 'x' })).toMatchObject({ status: 404, text: '{"error":"model \'nomic-embed-text\' not found"}' });
  });

  it('unknown model for generate is 404 with Ollama\'s message', async () => {
    expect(await call('POST', '/api/generate', { model: 'gemma3:27b', prompt: 'x' })).toMatchObject({ status: 404, text: '{"error":"model \'gemma3:27b\' not found"}' });
  });

  it('closing the connection mid-stream is tolerated by the server', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(sim.url + '/api/generate', { method: 'POST' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
      req.end(JSON.stringify({ model: 'llama3.2:1b', prompt: 'long answer please' }));
    });
    expect((await call('GET', '/api/version')).status).toBe(200);
  });
});
