// Trying a model as a chat against the simulated Ollama: the system prompt and earlier turns
// go to /api/chat and reach the model (more prompt tokens), Ollama's options travel, a
// stream stops at cancelGenerate (Ollama sees its client leave), blank prompts are no use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/core/dispatch.ts';
import type { Handlers } from '../../../preload/contract/index.ts';
import { tryRequest } from '../../../main/core/ollama/generate.ts';
import { startSimCluster, type SimCluster } from '../../sim/index.ts';
import { makeWorld, type World } from './world.ts';

let sim: SimCluster;
let w: World;
const h = () => w.side.handlers as unknown as Handlers;

beforeAll(async () => {
  // Slow tokens, so a stream is still running when it is stopped.
  sim = await startSimCluster({ quiet: true, ollama: { installed: ['llama3.2:1b'], loaded: ['llama3.2:1b'], tokenIntervalMs: 40 } });
  w = await makeWorld(sim.kube, { routes: ['service-proxy'] });
});
afterAll(async () => {
  await w?.close();
  await sim?.close();
});

describe('a try as a chat', () => {
  it('asks /api/chat with the system prompt, the turns before and the options; /api/generate without them', () => {
    expect(tryRequest('m', 'hi', {}, true)).toEqual({ path: '/api/generate', body: { model: 'm', prompt: 'hi', stream: true }, chat: false });
    const chat = tryRequest('m', 'and now?', { system: 'Be brief.', history: [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'hi there' }], temperature: 0.2, context_length: 8192 }, true);
    expect(chat).toEqual({
      path: '/api/chat',
      chat: true,
      body: {
        model: 'm',
        stream: true,
        options: { temperature: 0.2, num_ctx: 8192 },
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello' },
          { role: 'assistant', content: 'hi there' },
          { role: 'user', content: 'and now?' },
        ],
      },
    });
  });

  it('streams a chat answer whose prompt holds the history (Ollama counts more prompt tokens)', async () => {
    const chunks: string[] = [];
    const off = w.ctx.events.on('generateChunk', (c) => c.stream_id === 'chat-1' && chunks.push(c.text));
    try {
      const alone = await dispatch(h(), 'generateStream', { model: 'llama3.2:1b', prompt: 'What is a GPU?', stream_id: 'alone-1' });
      const chat = await dispatch(h(), 'generateStream', {
        model: 'llama3.2:1b',
        prompt: 'What is a GPU?',
        stream_id: 'chat-1',
        system: 'You answer operators of GPU clusters in one sentence.',
        history: [{ role: 'user', content: 'Hello there, who are you?' }, { role: 'assistant', content: 'A helpful assistant for your cluster.' }],
        temperature: 0.3,
      });
      expect(chat.response.length).toBeGreaterThan(0);
      expect(chunks.join('')).toBe(chat.response);
      expect(chat.metrics.prompt_eval_count).toBeGreaterThan(alone.metrics.prompt_eval_count + 10);
      expect(chat.done_reason).toBe('stop');
    } finally {
      off();
    }
  });

  it('stops a running stream at cancelGenerate with what came so far, and Ollama sees the client leave', async () => {
    const seen: string[] = [];
    const off = w.ctx.events.on('generateChunk', (c) => c.stream_id === 'stop-1' && seen.push(c.text));
    const cancelledBefore = sim.ollama.state.cancelledStreams.get('llama3.2:1b') ?? 0;
    try {
      const running = dispatch(h(), 'generateStream', { model: 'llama3.2:1b', prompt: 'Tell me a very long story about GPUs', stream_id: 'stop-1' });
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBeGreaterThan(2);
      const stopped = await dispatch(h(), 'cancelGenerate', { stream_id: 'stop-1' });
      expect(stopped).toMatchObject({ success: true, stream_id: 'stop-1' });
      const r = await running;
      expect(r.done_reason).toBe('cancelled');
      expect(r.response).toBe(seen.join(''));
      await expect.poll(() => sim.ollama.state.cancelledStreams.get('llama3.2:1b') ?? 0).toBe(cancelledBefore + 1);
      await expect(dispatch(h(), 'cancelGenerate', { stream_id: 'stop-1' })).rejects.toMatchObject({ status: 404 });
    } finally {
      off();
    }
  });

  it('counts a use only for a prompt with words in it', async () => {
    const before = w.tracked.length;
    await dispatch(h(), 'generate', { model: 'llama3.2:1b', prompt: '   ' });
    expect(w.tracked.length).toBe(before);
    await dispatch(h(), 'generate', { model: 'llama3.2:1b', prompt: 'hi' });
    expect(w.tracked.slice(before)).toEqual(['llama3.2:1b']);
  });

  it('refuses bad chat input naming the field', async () => {
    await expect(dispatch(h(), 'generateStream', { model: 'llama3.2:1b', prompt: 'x', stream_id: 'b1', temperature: 5 })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('temperature') });
    await expect(dispatch(h(), 'generateStream', { model: 'llama3.2:1b', prompt: 'x', stream_id: 'b2', history: [{ role: 'system', content: 'x' }] } as never)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('history') });
  });
});
