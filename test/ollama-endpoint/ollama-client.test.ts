// The official `ollama` npm client pointed at the endpoint works unchanged (list, show,
// generate and chat whole and streamed, embed), and every completed call is counted once in
// the usage ConfigMap with the tokens Ollama reported and the client's User-Agent.
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, storedUsage, until, type World } from './harness.ts';

let w: World;
let ollama: Ollama;
beforeAll(async () => {
  w = await startWorld();
  ollama = new Ollama({ host: w.endpoint.url });
});
afterAll(async () => {
  await w?.close();
});

describe('the ollama npm client through the endpoint', () => {
  it('lists and shows models as the shared Ollama has them', async () => {
    const list = await ollama.list();
    expect(list.models.map((m) => m.name).sort()).toEqual(['llama3.2:1b', 'nomic-embed-text:latest', 'qwen2.5:0.5b']);
    const show = await ollama.show({ model: 'llama3.2:1b' });
    expect(show.details.family).toBe('llama');
    // Typed as a Map, sent as a JSON object.
    expect((show.model_info as unknown as Record<string, unknown>)['general.architecture']).toBe('llama');
  });

  it('counts generate, chat (whole and streamed) and embed once each, with their tokens and user agent', async () => {
    const before = storedUsage(w.sim);
    expect(before.counts['llama3.2:1b'] ?? 0).toBe(0);
    let prompt = 0;
    let completion = 0;

    const g = await ollama.generate({ model: 'llama3.2:1b', prompt: 'Why is the sky blue?' });
    expect(g.done).toBe(true);
    expect(g.response!.length).toBeGreaterThan(10);
    prompt += g.prompt_eval_count;
    completion += g.eval_count;

    const pieces: string[] = [];
    let last: { prompt_eval_count: number; eval_count: number } | null = null;
    for await (const part of await ollama.generate({ model: 'llama3.2:1b', prompt: 'Tell me about GPUs', stream: true })) {
      pieces.push(part.response ?? '');
      if (part.done) last = part;
    }
    expect(pieces.length).toBeGreaterThan(3); // token by token, not one lump
    prompt += last!.prompt_eval_count;
    completion += last!.eval_count;

    const c = await ollama.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'hello' }] });
    expect(c.message.content.length).toBeGreaterThan(10);
    prompt += c.prompt_eval_count;
    completion += c.eval_count;

    let chatLast: { prompt_eval_count: number; eval_count: number } | null = null;
    let chatPieces = 0;
    for await (const part of await ollama.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'and again' }], stream: true })) {
      chatPieces++;
      if (part.done) chatLast = part;
    }
    expect(chatPieces).toBeGreaterThan(3);
    prompt += chatLast!.prompt_eval_count;
    completion += chatLast!.eval_count;

    const e = await ollama.embed({ model: 'nomic-embed-text', input: ['first text', 'second text'] });
    expect(e.embeddings).toHaveLength(2);
    expect(e.embeddings[0]).toHaveLength(768);

    const stored = await until(() => storedUsage(w.sim), (s) => (s.counts['llama3.2:1b'] ?? 0) >= 4 && (s.counts['nomic-embed-text:latest'] ?? 0) >= 1);
    expect(stored.counts['llama3.2:1b']).toBe(4);
    expect(stored.counts['nomic-embed-text:latest']).toBe(1);
    expect(stored.tokens['llama3.2:1b']).toEqual({ prompt_tokens: prompt, completion_tokens: completion });
    expect(stored.tokens['nomic-embed-text:latest']).toEqual({ prompt_tokens: e.prompt_eval_count, completion_tokens: 0 });
    const agents = Object.keys(stored.clients);
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatch(/^ollama-js\/\d+\.\d+\.\d+ \(.*Node\.js\/v\d+/);
    expect(stored.clients[agents[0]!]).toEqual({ requests: 5, prompt_tokens: prompt + e.prompt_eval_count, completion_tokens: completion });

    // The ranking answers the same, with its seed fields as they were.
    const ranking = await w.manager.handlers.usageRanking({});
    const llama = ranking.models.find((m) => m.model === 'llama3.2:1b')!;
    expect(llama).toMatchObject({ rank: 1, count: 4, usage_percent: 80, prompt_tokens: prompt, completion_tokens: completion });
    expect(ranking.clients).toEqual([{ client: agents[0], requests: 5, prompt_tokens: prompt + e.prompt_eval_count, completion_tokens: completion }]);
  });

  it('does not count a failed call, nor a prompt-less load', async () => {
    const before = storedUsage(w.sim);
    await expect(ollama.generate({ model: 'no-such-model:1b', prompt: 'hi' })).rejects.toMatchObject({ status_code: 404 });
    await expect(ollama.chat({ model: 'no-such-model:1b', messages: [{ role: 'user', content: 'hi' }], stream: true })).rejects.toMatchObject({ status_code: 404 });
    const load = await ollama.generate({ model: 'qwen2.5:0.5b', prompt: '' });
    expect(load.done_reason).toBe('load');
    // A counted call after them, so that the flush that would carry them has happened.
    await ollama.generate({ model: 'llama3.2:1b', prompt: 'one more' });
    const after = await until(() => storedUsage(w.sim), (s) => s.counts['llama3.2:1b'] === (before.counts['llama3.2:1b'] ?? 0) + 1);
    expect(after.counts['llama3.2:1b']).toBe((before.counts['llama3.2:1b'] ?? 0) + 1);
    expect(after.counts['no-such-model:1b']).toBeUndefined();
    expect(after.counts['qwen2.5:0.5b']).toBeUndefined();
  });

  it('passes routes it does not know to Ollama (a newer one may have them), uncounted', async () => {
    const res = await fetch(`${w.endpoint.url}/api/nothing`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2:1b' }) });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-model-manager-target')).toBe('shared');
    expect(await res.text()).toBe('404 page not found');
    const version = await ollama.version();
    expect(version.version).toBe(w.sim.ollama.runtime.version);
  });

  it('counts the legacy /api/embeddings once (Ollama reports no tokens there)', async () => {
    const before = storedUsage(w.sim);
    const e = await ollama.embeddings({ model: 'nomic-embed-text', prompt: 'legacy' });
    expect(e.embedding).toHaveLength(768);
    const after = await until(() => storedUsage(w.sim), (s) => s.counts['nomic-embed-text:latest'] === (before.counts['nomic-embed-text:latest'] ?? 0) + 1);
    expect(after.counts['nomic-embed-text:latest']).toBe((before.counts['nomic-embed-text:latest'] ?? 0) + 1);
    expect(after.tokens['nomic-embed-text:latest']).toEqual(before.tokens['nomic-embed-text:latest']);
  });

  it("an in-app try counts Ollama's tokens too (it names no client)", async () => {
    const before = storedUsage(w.sim);
    const r = await w.manager.handlers.generate({ model: 'qwen2.5:0.5b', prompt: 'tried in the app' });
    const after = await until(() => storedUsage(w.sim), (s) => (s.counts['qwen2.5:0.5b'] ?? 0) === (before.counts['qwen2.5:0.5b'] ?? 0) + 1);
    const was = before.tokens['qwen2.5:0.5b'] ?? { prompt_tokens: 0, completion_tokens: 0 };
    expect(after.tokens['qwen2.5:0.5b']).toEqual({ prompt_tokens: was.prompt_tokens + r.metrics.prompt_eval_count, completion_tokens: was.completion_tokens + r.metrics.eval_count });
    expect(after.clients).toEqual(before.clients);
  });
});
