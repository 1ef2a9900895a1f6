// The Ollama simulator answers as Ollama's Go server does where a client can trip over it
// (read from ollama/ollama: server/routes.go GenerateRoutes and ChatHandler, api/types.go
// Duration.UnmarshalJSON, Go's time.ParseDuration): a known path with another method is 405,
// keep_alive takes Go durations and refuses the rest with Go's message, and chat without a
// valid model is "model is required".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGoDuration } from './ollama/go-duration.ts';
import { startOllamaSim, type OllamaSim } from './ollama/server.ts';

let sim: OllamaSim;
beforeAll(async () => {
  sim = await startOllamaSim({ installed: ['qwen2.5:0.5b'] });
});
afterAll(() => sim.close());

const post = async (path: string, body: unknown) => {
  const res = await fetch(sim.url + path, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('Go rules', () => {
  it('answers a known path with the wrong method 405, an unknown one 404 (gin, HandleMethodNotAllowed)', async () => {
    for (const [method, path] of [['GET', '/api/generate'], ['GET', '/api/pull'], ['POST', '/api/tags'], ['DELETE', '/api/chat'], ['POST', '/api/ps'], ['GET', '/api/delete']]) {
      const res = await fetch(sim.url + path, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(await res.text()).toBe('405 method not allowed');
    }
    expect((await fetch(`${sim.url}/api/nothing`)).status).toBe(404);
  });

  it.each([
    ['5m', 300_000], ['1h30m', 5_400_000], ['1.5s', 1500], ['300ms', 300], ['0', 0], ['-1s', -1000], ['+2m', 120_000], ['1µs', 0.001],
  ])('parses %s as Go does', (text, ms) => {
    expect(parseGoDuration(text)).toEqual({ ms });
  });

  it.each([
    ['300', 'time: missing unit in duration "300"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['', 'time: invalid duration ""'],
    ['abc', 'time: invalid duration "abc"'],
    ['1..5s', 'time: missing unit in duration "1..5s"'],
  ])('refuses keep_alive %j with 400 and Go\'s message', async (keep_alive, error) => {
    const r = await post('/api/generate', { model: 'qwen2.5:0.5b', prompt: 'hi', keep_alive, stream: false });
    expect(r).toEqual({ status: 400, body: { error } });
  });

  it('takes a number as seconds, and refuses types that are neither', async () => {
    expect((await post('/api/generate', { model: 'qwen2.5:0.5b', keep_alive: 30 })).status).toBe(200);
    expect((await post('/api/generate', { model: 'qwen2.5:0.5b', keep_alive: '-1m' })).status).toBe(200);
    expect(await post('/api/generate', { model: 'qwen2.5:0.5b', keep_alive: true })).toEqual({ status: 400, body: { error: "Unsupported type: 'bool'" } });
    expect(await post('/api/embed', { model: 'qwen2.5:0.5b', input: 'x', keep_alive: [1] })).toEqual({ status: 400, body: { error: "Unsupported type: '[]interface {}'" } });
  });

  it('/api/chat without a valid model is 400 "model is required"; an unknown one is 404', async () => {
    for (const body of [{ messages: [] }, { model: '', messages: [] }, { model: 'not a name', messages: [] }]) {
      expect(await post('/api/chat', body)).toEqual({ status: 400, body: { error: 'model is required' } });
    }
    expect((await post('/api/chat', { model: 'gemma3:27b', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(404);
  });
});
