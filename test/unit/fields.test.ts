// The validators every input passes before anything reaches Kubernetes or Ollama: valid JSON
// that is still wrong (memory: true, "0x10", a name Ollama would refuse) is refused with the
// field named, over REST as anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { imageReference, memoryGb, modelName, settingsSchema } from '../../preload/contract/index.ts';
import { call, fakeHandlers } from '../rest/helpers.ts';

describe('model names, as Ollama parses them (types/model/name.go)', () => {
  it.each(['llama3.1:8b', 'llama3.1', 'library/llama3.1:8b', 'registry.ollama.ai/library/llama3.1:8b', 'localhost:5000/team/model:v1', 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M', '_x/y_:z_', 'qwen2.5:0.5b'])('accepts %s', (name) => {
    expect(modelName.safeParse(name).success).toBe(true);
  });
  it.each([
    ['my.ns/model', 'a "." in the namespace'],
    ['-model', 'a part starting with "-"'],
    ['model:-tag', 'a tag starting with "-"'],
    ['.model', 'a part starting with "."'],
    ['a/b/c/d', 'four parts'],
    ['model:', 'an empty tag'],
    [':tag', 'an empty model'],
    ['ns/model:ta/g', '"/" in the tag'],
    ['model:a:b', 'two tags'],
    ['x'.repeat(81), 'a part longer than 80'],
    ['no spaces', 'a space'],
    ['mod€l', 'a non-ASCII letter'],
  ])('refuses %s (%s)', (name) => {
    const r = modelName.safeParse(name);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/Ollama model name|too long/);
  });
});

describe('memory in GiB', () => {
  it.each([[8, 8], ['8', 8], [' 7.5 ', 7.5], [0.5, 0.5], [2048, 2048]])('takes %j as %d', (input, want) => {
    expect(memoryGb.parse(input)).toBe(want);
  });
  it.each([true, false, null, '0x10', '1e3', '', ' ', '8Gi', '-1', 0, -2, 2049, Number.NaN, Infinity, [8], { gb: 8 }])('refuses %j', (input) => {
    const r = memoryGb.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/GiB/);
  });
});

describe('over REST, nothing unchecked reaches a handler', () => {
  let server: RestServer;
  const fakes = fakeHandlers();
  const TOKEN = 'fields-test-token-0123456789ab';
  beforeAll(async () => {
    server = await startRestServer({ port: 0, getHandlers: () => fakes.handlers, events: { on: () => () => {} }, token: TOKEN });
  });
  afterAll(async () => {
    await server?.close();
  });
  const post = (path: string, body: unknown) =>
    call(server.port, { method: 'POST', path, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each([
    ['/api/deploy', { model_id: 'llama3.1:8b', deployment_name: 'a', memory: true }, 'memory'],
    ['/api/deploy', { model_id: 'llama3.1:8b', deployment_name: 'a', memory: '0x10' }, 'memory'],
    ['/api/deploy', { model_id: 'my.ns/model', deployment_name: 'a', memory: 8 }, 'model_id'],
    ['/api/ollama/pull', { model: 'my.ns/model' }, 'model'],
  ])('%s %j: 400 naming %s', async (path, body, field) => {
    const before = fakes.calls.length;
    const r = await post(path, body);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ success: false, field });
    expect(r.json.error).toMatch(new RegExp(`^${field} `));
    expect(fakes.calls.length).toBe(before);
  });
});

describe('image references (distribution/reference grammar)', () => {
  it.each(['ollama/ollama:0.13.5', 'ollama/ollama', 'registry.example.com:5000/team/ollama:v1', 'localhost/ollama', `ollama/ollama@sha256:${'a'.repeat(64)}`, `ollama/ollama:0.13.5@sha256:${'b'.repeat(64)}`])('accepts %s', (image) => {
    expect(imageReference.safeParse(image).success).toBe(true);
  });
  it.each(['Ollama/Ollama', 'ollama/ollama:::latest', 'ollama//ollama', 'ollama/ollama@@sha256:x', 'ollama/ollama:', '-ollama/x', 'ollama/ollama:la test', `ollama/ollama@sha256:short`, 'https://ollama/ollama'])('refuses %s', (image) => {
    const r = imageReference.safeParse(image);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/image reference/);
  });
  it('a Settings update with a malformed image is refused naming deployImage', () => {
    const r = settingsSchema.partial().strict().safeParse({ deployImage: 'ollama/ollama:::latest' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['deployImage']);
  });
});
