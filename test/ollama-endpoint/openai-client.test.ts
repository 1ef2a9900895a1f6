// The official `openai` npm client pointed at the endpoint's /v1 works unchanged (chat
// completions whole and streamed, completions, embeddings, models), and each completed call is
// counted once with usage.prompt_tokens/completion_tokens and the client's User-Agent, also
// when the client streams without asking for usage (the endpoint asks for it and takes it out).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, storedUsage, until, type World } from './harness.ts';

let w: World;
let openai: OpenAI;
beforeAll(async () => {
  w = await startWorld();
  openai = new OpenAI({ baseURL: `${w.endpoint.url}/v1`, apiKey: 'ollama', maxRetries: 0 });
});
afterAll(async () => {
  await w?.close();
});

describe('the openai npm client through the endpoint', () => {
  it('lists and retrieves models', async () => {
    const page = await openai.models.list();
    expect(page.data.map((m) => m.id).sort()).toEqual(['llama3.2:1b', 'nomic-embed-text:latest', 'qwen2.5:0.5b']);
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'library' });
    const one = await openai.models.retrieve('llama3.2:1b');
    expect(one).toMatchObject({ id: 'llama3.2:1b', object: 'model' });
  });

  it('counts chat completions whole and streamed, completions and embeddings, with their usage', async () => {
    const messages = [{ role: 'user' as const, content: 'What is a GPU?' }];
    const whole = await openai.chat.completions.create({ model: 'llama3.2:1b', messages });
    expect(whole.object).toBe('chat.completion');
    expect(whole.choices[0]!.message.content!.length).toBeGreaterThan(10);
    expect(whole.choices[0]!.finish_reason).toBe('stop');
    const u1 = whole.usage!;

    // Streamed without stream_options: the client sees no usage, exactly as from Ollama.
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of await openai.chat.completions.create({ model: 'llama3.2:1b', messages, stream: true })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.usage === undefined && c.choices.length === 1)).toBe(true);
    expect(chunks.map((c) => c.choices[0]!.delta.content).join('')).toBe(whole.choices[0]!.message.content);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');

    // Streamed asking for usage: the last chunk carries it.
    const withUsage: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of await openai.chat.completions.create({ model: 'llama3.2:1b', messages, stream: true, stream_options: { include_usage: true } })) withUsage.push(chunk);
    expect(withUsage.at(-1)!.usage).toEqual(u1);

    const completion = await openai.completions.create({ model: 'qwen2.5:0.5b', prompt: 'Once upon a time' });
    expect(completion.choices[0]!.text.length).toBeGreaterThan(10);
    const u2 = completion.usage!;
    const streamed: string[] = [];
    for await (const c of await openai.completions.create({ model: 'qwen2.5:0.5b', prompt: 'Once upon a time', stream: true })) {
      expect(c.usage ?? undefined).toBeUndefined();
      streamed.push(c.choices[0]?.text ?? '');
    }
    expect(streamed.join('')).toBe(completion.choices[0]!.text);

    const emb = await openai.embeddings.create({ model: 'nomic-embed-text', input: ['a', 'b c'] });
    expect(emb.data).toHaveLength(2);
    expect(emb.data[1]!.embedding).toHaveLength(768);
    const u3 = emb.usage;

    const stored = await until(() => storedUsage(w.sim), (s) => s.counts['llama3.2:1b'] === 3 && s.counts['qwen2.5:0.5b'] === 2 && s.counts['nomic-embed-text:latest'] === 1);
    expect(stored.counts).toEqual({ 'llama3.2:1b': 3, 'qwen2.5:0.5b': 2, 'nomic-embed-text:latest': 1 });
    expect(stored.tokens['llama3.2:1b']).toEqual({ prompt_tokens: 3 * u1.prompt_tokens, completion_tokens: 3 * u1.completion_tokens });
    expect(stored.tokens['qwen2.5:0.5b']).toEqual({ prompt_tokens: 2 * u2.prompt_tokens, completion_tokens: 2 * u2.completion_tokens });
    expect(stored.tokens['nomic-embed-text:latest']).toEqual({ prompt_tokens: u3.prompt_tokens, completion_tokens: 0 });
    const agents = Object.keys(stored.clients);
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatch(/^OpenAI\/JS \d+\.\d+\.\d+$/);
    expect(stored.clients[agents[0]!]!.requests).toBe(6);
  });

  it('fails as OpenAI clients expect, and a failure is not counted', async () => {
    const before = storedUsage(w.sim);
    const err = await openai.chat.completions.create({ model: 'no-such:1b', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).message).toContain("model 'no-such:1b' not found");
    const bad = await openai.chat.completions.create({ model: 'llama3.2:1b', messages: [] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    await openai.embeddings.create({ model: 'nomic-embed-text', input: 'counted' });
    const after = await until(() => storedUsage(w.sim), (s) => s.counts['nomic-embed-text:latest'] === (before.counts['nomic-embed-text:latest'] ?? 0) + 1);
    expect(after.counts['nomic-embed-text:latest']).toBe((before.counts['nomic-embed-text:latest'] ?? 0) + 1);
    expect(after.counts['no-such:1b']).toBeUndefined();
    expect(after.counts['llama3.2:1b']).toBe(before.counts['llama3.2:1b']);
  });
});
