// The simulator driven by the official `ollama` npm client, as the app will drive a real Ollama.
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaSim, type OllamaSim } from './ollama/server.ts';

let sim: OllamaSim;
let client: Ollama;

beforeAll(async () => {
  sim = await startOllamaSim({ installed: ['llama3.2:1b', 'qwen2.5:0.5b', 'nomic-embed-text'], pullBytesPerSecond: 2e9 });
  client = new Ollama({ host: sim.url });
});
afterAll(() => sim.close());

describe('ollama client against the simulator', () => {
  it('lists installed models with sizes, digests and details', async () => {
    const { models } = await client.list();
    expect(models.map((m) => m.name).sort()).toEqual(['llama3.2:1b', 'nomic-embed-text:latest', 'qwen2.5:0.5b']);
    const llama = models.find((m) => m.name === 'llama3.2:1b');
    expect(llama?.size).toBeGreaterThan(1.2e9);
    expect(llama?.size).toBeLessThan(1.4e9);
    expect(llama?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(llama?.details).toEqual({ parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '1.2B', quantization_level: 'Q8_0', context_length: 131072, embedding_length: 2048 }); // llama3.2:1b is Q8_0 (REFERENCE); context and embedding as current Ollama lists them
    expect((llama as unknown as { capabilities?: string[] } | undefined)?.capabilities).toEqual(expect.arrayContaining(['completion']));
    expect(new Date(String(llama?.modified_at)).getTime()).toBeLessThan(Date.now());
  });

  it('pulls with progress that grows to the total and ends in success, then lists the model', async () => {
    const seen: { status: string; digest?: string; total?: number; completed?: number }[] = [];
    const stream = await client.pull({ model: 'tinyllama', stream: true });
    for await (const p of stream) seen.push(p);
    expect(seen[0]?.status).toBe('pulling manifest');
    expect(seen.at(-1)?.status).toBe('success');
    const weights = seen.filter((p) => p.digest === seen[1]?.digest);
    const completed = weights.map((p) => p.completed ?? 0);
    expect(completed.length).toBeGreaterThan(3);
    for (let i = 1; i < completed.length; i++) expect(completed[i]).toBeGreaterThanOrEqual(completed[i - 1] as number);
    // Ollama sends no line when a blob finishes: its last line is short of the total.
    expect(completed.at(-1)).toBeLessThanOrEqual(weights[0]?.total as number);
    expect(completed.at(-1)).toBeGreaterThan(0.5 * (weights[0]?.total as number));
    const { models } = await client.list();
    expect(models.map((m) => m.name)).toContain('tinyllama:latest');
    expect(sim.state.pullCounts.get('tinyllama:latest')).toBe(1);
  });

  it('pull without streaming returns the final status', async () => {
    const r = await client.pull({ model: 'phi:2.7b', stream: false });
    expect(r.status).toBe('success');
    expect(sim.state.installed()).toContain('phi:2.7b');
  });

  it('an unknown model fails the pull in both modes', async () => {
    const stream = await client.pull({ model: 'no-such-model:1b', stream: true });
    const statuses: string[] = [];
    await expect(
      (async () => {
        for await (const p of stream) statuses.push(p.status);
      })(),
    ).rejects.toThrow('pull model manifest: file does not exist');
    expect(statuses).toEqual(['pulling manifest']);
    await expect(client.pull({ model: 'no-such-model:1b', stream: false })).rejects.toMatchObject({ status_code: 500, error: 'pull model manifest: file does not exist' });
  });

  it('generates without streaming, with metrics that give a tokens/s', async () => {
    const r = await client.generate({ model: 'llama3.2:1b', prompt: 'How many GPUs are free?', stream: false });
    expect(r.done).toBe(true);
    expect(r.done_reason).toBe('stop');
    expect(r.response?.length).toBeGreaterThan(10);
    expect(r.eval_count).toBeGreaterThan(0);
    expect(r.context.length).toBe(r.prompt_eval_count + r.eval_count);
    expect(r.total_duration).toBeGreaterThanOrEqual(r.load_duration + r.prompt_eval_duration + r.eval_duration);
    const tps = (r.eval_count / r.eval_duration) * 1e9;
    expect(tps).toBeGreaterThan(50);
    expect(tps).toBeLessThan(2000);
    // Deterministic: the same prompt gives the same text.
    const again = await client.generate({ model: 'llama3.2:1b', prompt: 'How many GPUs are free?', stream: false });
    expect(again.response).toBe(r.response);
  });

  it('streams a generation whose chunks add up to the text and whose last chunk has the metrics', async () => {
    const parts: string[] = [];
    let last: Awaited<ReturnType<typeof client.generate>> | undefined;
    for await (const c of await client.generate({ model: 'llama3.2:1b', prompt: 'How many GPUs are free?', stream: true })) {
      parts.push(c.response ?? '');
      last = c;
    }
    const whole = await client.generate({ model: 'llama3.2:1b', prompt: 'How many GPUs are free?', stream: false });
    expect(parts.join('')).toBe(whole.response);
    expect(last?.done).toBe(true);
    expect(last?.eval_count).toBe(parts.filter((p) => p !== '').length);
    expect(last?.eval_duration).toBeGreaterThan(0);
  });

  it('chats, and generating loads the model into ps with its VRAM', async () => {
    const r = await client.chat({ model: 'qwen2.5:0.5b', messages: [{ role: 'user', content: 'hello' }], stream: false });
    expect(r.message.role).toBe('assistant');
    expect(r.message.content.length).toBeGreaterThan(0);
    const { models } = await client.ps();
    const qwen = models.find((m) => m.name === 'qwen2.5:0.5b');
    expect(qwen?.size_vram).toBeGreaterThan(397e6);
    expect(new Date(String(qwen?.expires_at)).getTime()).toBeGreaterThan(Date.now());
    expect(sim.state.generateCounts.get('qwen2.5:0.5b')).toBe(1);
  });

  it('keep_alive 0 unloads the model', async () => {
    await client.generate({ model: 'qwen2.5:0.5b', prompt: '', keep_alive: 0 });
    expect(sim.state.loaded()).not.toContain('qwen2.5:0.5b');
  });

  it('shows architecture numbers and capabilities', async () => {
    const r = await client.show({ model: 'llama3.2:1b' });
    // The client types model_info as a Map, but on the wire (and after JSON.parse) it is a plain object.
    const info = r.model_info as unknown as Record<string, unknown>;
    expect(info['general.architecture']).toBe('llama');
    expect(info['llama.block_count']).toBe(16);
    expect(info['llama.attention.head_count_kv']).toBe(8);
    expect(r.capabilities).toContain('completion');
    expect(r.template).toContain('<|start_header_id|>');
  });

  it('embeds deterministically, and refuses a model without embeddings', async () => {
    const r = await client.embed({ model: 'nomic-embed-text', input: ['a', 'b'] });
    expect(r.embeddings).toHaveLength(2);
    expect(r.embeddings[0]).toHaveLength(768);
    const norm = Math.hypot(...(r.embeddings[0] as number[]));
    expect(norm).toBeCloseTo(1, 4);
    const again = await client.embed({ model: 'nomic-embed-text', input: 'a' });
    expect(again.embeddings[0]).toEqual(r.embeddings[0]);
    await expect(client.embed({ model: 'llama3.2:1b', input: 'a' })).rejects.toMatchObject({ status_code: 400, error: '"llama3.2:1b" does not support embeddings' });
  });

  it('answers the older /api/embeddings with one unnormalised vector (server/routes.go EmbeddingsHandler)', async () => {
    const r = await client.embeddings({ model: 'nomic-embed-text', prompt: 'a' });
    expect(r.embedding).toHaveLength(768);
    const unit = (await client.embed({ model: 'nomic-embed-text', input: 'a' })).embeddings[0] as number[];
    // embed normalises, embeddings does not: the same direction.
    const n = Math.hypot(...r.embedding);
    expect(r.embedding.map((x) => x / n)[0]).toBeCloseTo(unit[0] as number, 4);
  });

  it('answers 404 with a ResponseError for unknown models', async () => {
    const err = await client.generate({ model: 'llama3.1:405b', prompt: 'hi', stream: false }).catch((e: unknown) => e);
    // ollama 0.6 does not export ResponseError; it is recognisable by name and status_code.
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 404, error: "model 'llama3.1:405b' not found" });
    await expect(client.show({ model: 'mistral' })).rejects.toMatchObject({ status_code: 404, error: "model 'mistral' not found" });
  });

  it('copies and deletes', async () => {
    await client.copy({ source: 'llama3.2:1b', destination: 'me/my-llama:v1' });
    expect(sim.state.installed()).toContain('me/my-llama:v1');
    await client.delete({ model: 'me/my-llama:v1' });
    expect(sim.state.installed()).not.toContain('me/my-llama:v1');
    await expect(client.delete({ model: 'me/my-llama:v1' })).rejects.toMatchObject({ status_code: 404, error: "model 'me/my-llama:v1' not found" });
  });

  it('reports its version', async () => {
    expect(await client.version()).toEqual({ version: '0.12.6' });
  });
});
