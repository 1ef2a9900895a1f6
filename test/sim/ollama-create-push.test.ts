// /api/create, /api/push and /api/blobs/:digest, over raw HTTP and with the official `ollama` client.
// Read, not measured: server/create.go (CreateHandler, createModel), manifest/layer.go (NewLayer
// statuses), server/images.go (PushModel), server/upload.go (60 ms ticker), server/routes.go
// (HeadBlobHandler, CreateBlobHandler, streamResponse, waitForStream), manifest/paths.go (BlobsPath).
import { createHash } from 'node:crypto';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaSim, type OllamaSim } from './ollama/server.ts';

let sim: OllamaSim;
let other: OllamaSim;
let client: Ollama;

beforeAll(async () => {
  sim = await startOllamaSim({ installed: ['llama3.2:1b'], pullBytesPerSecond: 4e9 });
  other = await startOllamaSim({ installed: [], pullBytesPerSecond: 4e9 });
  client = new Ollama({ host: sim.url });
});
afterAll(async () => {
  await sim.close();
  await other.close();
});

async function call(method: string, path: string, body?: unknown, base = sim.url) {
  const res = await fetch(base + path, { method, body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}
const lines = (t: string) => t.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('blobs (server/routes.go HeadBlobHandler, CreateBlobHandler)', () => {
  const data = Buffer.from('GGUF\x03\x00\x00\x00 a small blob');
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;

  it('HEAD of a missing blob is 404 `blob %q not found`; a bad digest 400 invalid digest format', async () => {
    const missing = await fetch(`${sim.url}/api/blobs/${digest}`, { method: 'HEAD' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(await (await fetch(`${sim.url}/api/blobs/sha256:abc`, { method: 'POST', body: 'x' })).text())).toEqual({ error: 'invalid digest format' });
    expect((await fetch(`${sim.url}/api/blobs/sha256:abc`, { method: 'HEAD' })).status).toBe(400);
  });

  it('POST stores it (201), again is 200, then HEAD is 200; a wrong digest is a mismatch 400', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    expect(await call('POST', `/api/blobs/${wrong}`, data)).toMatchObject({ status: 400, text: JSON.stringify({ error: `digest mismatch, expected "${wrong}", got "${digest}"` }) });
    // NewLayer kept the bytes under their own digest even so: a later POST of the right digest is 200.
    const b = await fetch(`${sim.url}/api/blobs/${`sha256:${createHash('sha256').update('other').digest('hex')}`}`, { method: 'POST', body: 'other' });
    expect(b.status).toBe(201);
    expect((await call('POST', `/api/blobs/${digest}`, data)).status).toBe(200);
    expect((await fetch(`${sim.url}/api/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${sim.url}/api/blobs/${digest.replace(':', '-')}`, { method: 'HEAD' })).status).toBe(200);
    expect((await call('GET', `/api/blobs/${digest}`)).status).toBe(405);
  });
});

describe('create (server/create.go)', () => {
  it('rejects a missing body, a bad name, no from/files, and a bad file path as Ollama words them', async () => {
    expect(await call('POST', '/api/create', '')).toMatchObject({ status: 400, text: '{"error":"missing request body"}' });
    expect(await call('POST', '/api/create', { model: 'bad name!' })).toMatchObject({ status: 400, text: '{"error":"invalid model name"}' });
    expect(await call('POST', '/api/create', { model: 'x' })).toMatchObject({ status: 400, text: `{"error":"neither 'from' or 'files' was specified"}` });
    expect(await call('POST', '/api/create', { model: 'x', files: { '../a.gguf': 'sha256:1' } })).toMatchObject({ status: 400, text: '{"error":"file path must be relative"}' });
    expect(await call('POST', '/api/create', { model: 'x', files: { 'a.gguf': '' } })).toMatchObject({ status: 400, text: '{"error":"invalid digest format"}' });
    expect((await call('GET', '/api/create')).status).toBe(405);
    expect((await call('GET', '/api/push')).status).toBe(405);
  });

  it('streams using/creating layer statuses, writing manifest, success; show reflects the overrides', async () => {
    const r = await call('POST', '/api/create', { model: 'mario', from: 'llama3.2:1b', system: 'You are Mario.', parameters: { temperature: 0.5 }, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/x-ndjson');
    const objs = lines(r.text).map((o) => o.status as string);
    const using = objs.filter((s) => s.startsWith('using existing layer sha256:'));
    const created = objs.filter((s) => s.startsWith('creating new layer sha256:'));
    expect(using.length).toBeGreaterThanOrEqual(2); // weights, template, license of the base
    expect(created.length).toBe(3); // system, params (merged), messages
    expect(objs.slice(-2)).toEqual(['writing manifest', 'success']);
    const show = JSON.parse((await call('POST', '/api/show', { model: 'mario' })).text) as Record<string, unknown>;
    expect(show.system).toBe('You are Mario.');
    expect(show.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(show.parameters).toMatch(/^temperature {20}0\.5$/m);
    expect(show.parameters).toMatch(/^stop {27}"<\|eot_id\|>"$/m); // the base's stop kept (setParameters merges)
    expect((show.details as Record<string, unknown>).parent_model).toBe('llama3.2:1b');
    // The same create again: every layer exists now.
    const again = lines((await call('POST', '/api/create', { model: 'mario', from: 'llama3.2:1b', system: 'You are Mario.', parameters: { temperature: 0.5 }, messages: [{ role: 'user', content: 'hi' }] })).text);
    expect(again.filter((o) => String(o.status).startsWith('creating new layer'))).toEqual([]);
  });

  it('from a model not installed pulls it first; from an unknown one ends in the pull error', async () => {
    const objs = lines((await call('POST', '/api/create', { model: 'tiny2', from: 'tinyllama' })).text);
    expect(objs[0]).toEqual({ status: 'pulling manifest' });
    expect(objs.at(-1)).toEqual({ status: 'success' });
    const bad = lines((await call('POST', '/api/create', { model: 'y', from: 'nosuch:9b' })).text);
    expect(bad.at(-1)).toEqual({ error: 'pull model manifest: file does not exist' });
  });

  it('with the ollama client: stream:false answers success, streamed ends in success', async () => {
    expect(await client.create({ model: 'luigi', from: 'llama3.2:1b', template: '{{ .Prompt }}', license: 'MIT' })).toEqual({ status: 'success' });
    const show = await client.show({ model: 'luigi' });
    expect(show.template).toBe('{{ .Prompt }}');
    expect(show.license).toBe('MIT');
    const seen: string[] = [];
    for await (const p of await client.create({ model: 'luigi2', from: 'luigi', stream: true })) seen.push(p.status);
    expect(seen.at(-1)).toBe('success');
    expect((await client.list()).models.map((m) => m.name)).toEqual(expect.arrayContaining(['luigi:latest', 'luigi2:latest']));
  });
});

/** A GGUF v3 with only key/values (no tensors): enough for create's header parse. */
function gguf(kv: [string, 'u32' | 'u64' | 'str', number | string][]): Buffer {
  const parts: Buffer[] = [Buffer.from('GGUF'), u32(3), u64(0), u64(kv.length)];
  function u32(n: number) { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; }
  function u64(n: number) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; }
  const str = (t: string) => Buffer.concat([u64(Buffer.byteLength(t)), Buffer.from(t)]);
  for (const [k, t, v] of kv) parts.push(str(k), ...(t === 'u32' ? [u32(4), u32(v as number)] : t === 'u64' ? [u32(10), u64(v as number)] : [u32(8), str(v as string)]));
  return Buffer.concat(parts);
}

describe('create from files (server/create.go convertModelFromFiles, ggufLayers)', () => {
  it('makes a model from an uploaded GGUF blob, recognised by its digest, with the GGUF\'s details', async () => {
    const data = gguf([['general.architecture', 'str', 'llama'], ['general.parameter_count', 'u64', 1_235_814_400], ['general.file_type', 'u32', 7], ['llama.context_length', 'u32', 4096], ['llama.block_count', 'u32', 16]]);
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    // Not uploaded yet: the open fails after "parsing GGUF".
    const missing = lines((await call('POST', '/api/create', { model: 'mine', files: { 'model.gguf': digest } })).text);
    expect(missing).toEqual([{ status: 'parsing GGUF' }, { error: `open /root/.ollama/models/blobs/${digest.replace(':', '-')}: no such file or directory` }]);
    expect((await call('POST', `/api/blobs/${digest}`, data)).status).toBe(201);
    const objs = lines((await call('POST', '/api/create', { model: 'mine', files: { 'model.gguf': digest } })).text);
    expect(objs).toEqual([{ status: 'parsing GGUF' }, { status: `using existing layer ${digest}` }, { status: 'writing manifest' }, { status: 'success' }]);
    const show = await client.show({ model: 'mine' });
    expect(show.details).toMatchObject({ parent_model: 'model.gguf', format: 'gguf', family: 'llama', parameter_size: '1.2B', quantization_level: 'Q8_0' });
    expect((show.model_info as unknown as Record<string, unknown>)['llama.context_length']).toBe(4096);
    // A blob that is not a GGUF, named without .gguf: no type is found (400 unknown type).
    const text = Buffer.from('not a model');
    const td = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    await call('POST', `/api/blobs/${td}`, text);
    expect(await call('POST', '/api/create', { model: 'nope', files: { weights: td } })).toMatchObject({ status: 400, text: '{"error":"unknown type"}' });
  });
});

describe('push (server/images.go PushModel, server/upload.go)', () => {
  it('a model that does not exist: retrieving, couldn\'t retrieve, then the error', async () => {
    const objs = lines((await call('POST', '/api/push', { model: 'nosuch' })).text);
    expect(objs[0]).toEqual({ status: 'retrieving manifest' });
    expect(objs[1]).toEqual({ status: "couldn't retrieve manifest" });
    expect(String(objs[2]?.error)).toMatch(/no such file or directory$/);
    expect(await call('POST', '/api/push', {})).toMatchObject({ status: 400, text: '{"error":"model is required"}' });
  });

  it('pushes new blobs on the 60 ms ticker ending at total, registry blobs once; another Ollama then pulls it', async () => {
    await call('POST', '/api/create', { model: 'me/pushed', from: 'llama3.2:1b', system: 'pushed system' });
    const objs = lines((await call('POST', '/api/push', { model: 'me/pushed' })).text);
    expect(objs[0]).toEqual({ status: 'retrieving manifest' });
    expect(objs.slice(-2)).toEqual([{ status: 'pushing manifest' }, { status: 'success' }]);
    const layerLines = objs.slice(1, -2);
    for (const o of layerLines) expect(o.status).toBe(`pushing ${String(o.digest).slice(7, 19)}`);
    const last = new Map(layerLines.map((o) => [o.digest, o]));
    for (const o of last.values()) expect(o.completed).toBe(o.total); // Wait reports the finished upload
    expect(last.size).toBeGreaterThanOrEqual(4);
    const pulled = lines((await call('POST', '/api/pull', { model: 'me/pushed' }, other.url)).text);
    expect(pulled.at(-1)).toEqual({ status: 'success' });
    const show = JSON.parse((await call('POST', '/api/show', { model: 'me/pushed' }, other.url)).text) as Record<string, unknown>;
    expect(show.system).toBe('pushed system');
  });

  it('with the ollama client, streamed and not', async () => {
    await client.create({ model: 'me/peach', from: 'llama3.2:1b', system: 'peach' });
    expect(await client.push({ model: 'me/peach' })).toEqual({ status: 'success' });
    const seen: { status: string; completed?: number; total?: number }[] = [];
    for await (const p of await client.push({ model: 'me/peach', stream: true })) seen.push(p);
    expect(seen[0]?.status).toBe('retrieving manifest');
    // Everything is in the registry now: one complete line per blob.
    for (const p of seen.filter((x) => x.status.startsWith('pushing '))) expect(p.completed).toBe(p.total);
    expect(seen.at(-1)?.status).toBe('success');
  });
});
