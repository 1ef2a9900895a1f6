// Streams pass through as they are written, token by token, and a client that stops reading
// ends the request upstream: the simulated Ollama sees its client leave, and nothing is counted.
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startWorld, storedUsage, until, type World } from './harness.ts';

const TOKEN_MS = 40;
let w: World;
beforeAll(async () => {
  w = await startWorld({ tokenIntervalMs: TOKEN_MS });
});
afterAll(async () => {
  await w?.close();
});

describe('streams through the endpoint', () => {
  it('arrive token by token as Ollama writes them, not at the end', async () => {
    const ollama = new Ollama({ host: w.endpoint.url });
    const started = Date.now();
    const at: number[] = [];
    for await (const part of await ollama.generate({ model: 'llama3.2:1b', prompt: 'stream please', stream: true })) {
      at.push(Date.now() - started);
      if (part.done) break;
    }
    expect(at.length).toBeGreaterThan(5);
    // The sim writes one token every TOKEN_MS: the first arrives long before the last.
    expect(at.at(-1)! - at[0]!).toBeGreaterThan((at.length - 2) * TOKEN_MS * 0.8);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps.filter((g) => g >= TOKEN_MS / 2).length).toBeGreaterThan(at.length / 2);
  });

  it('SSE from /v1 arrives event by event too', async () => {
    const openai = new OpenAI({ baseURL: `${w.endpoint.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const started = Date.now();
    const at: number[] = [];
    for await (const _ of await openai.chat.completions.create({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'sse' }], stream: true })) at.push(Date.now() - started);
    expect(at.length).toBeGreaterThan(5);
    expect(at.at(-1)! - at[0]!).toBeGreaterThan((at.length - 2) * TOKEN_MS * 0.8);
  });

  it('a cancelled stream ends upstream and is not counted', async () => {
    const before = storedUsage(w.sim).counts['qwen2.5:0.5b'] ?? 0;
    const cancelledBefore = w.sim.ollama.state.cancelledStreams.get('qwen2.5:0.5b') ?? 0;
    const ollama = new Ollama({ host: w.endpoint.url });
    const stream = await ollama.chat({ model: 'qwen2.5:0.5b', messages: [{ role: 'user', content: 'a long answer please' }], stream: true });
    let seen = 0;
    const started = Date.now();
    try {
      for await (const part of stream) {
        expect(part.done).toBe(false);
        if (++seen === 2) stream.abort();
      }
    } catch (err) {
      expect((err as Error).name).toBe('AbortError');
    }
    // The simulator sees its client go within a token or two, long before the answer would end.
    const cancelled = await until(() => w.sim.ollama.state.cancelledStreams.get('qwen2.5:0.5b') ?? 0, (n) => n > cancelledBefore, 2_000);
    expect(cancelled).toBe(cancelledBefore + 1);
    expect(Date.now() - started).toBeLessThan(20 * TOKEN_MS);
    await sleep(600); // more than the flusher's window
    expect(storedUsage(w.sim).counts['qwen2.5:0.5b'] ?? 0).toBe(before);
    expect((await w.manager.handlers.usageRanking({})).pending).toBe(0);
  });

  it('a cancelled /v1 stream ends upstream too', async () => {
    const cancelledBefore = w.sim.ollama.state.cancelledStreams.get('llama3.2:1b') ?? 0;
    const openai = new OpenAI({ baseURL: `${w.endpoint.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'cancel me' }], stream: true });
    let seen = 0;
    for await (const _ of stream) if (++seen === 2) stream.controller.abort();
    const cancelled = await until(() => w.sim.ollama.state.cancelledStreams.get('llama3.2:1b') ?? 0, (n) => n > cancelledBefore, 2_000);
    expect(cancelled).toBe(cancelledBefore + 1);
  });
});
