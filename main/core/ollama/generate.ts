// Trying a model: /api/generate, whole or streamed, with tokens per second from Ollama's
// own counters (eval_count / eval_duration in ns).
import type { GenerateResult } from '../../../preload/contract/index.ts';
import { AppError } from '../errors.ts';
import type { EventBus } from '../events.ts';
import { responseText, type OllamaClient } from './client.ts';
import { ollamaHttpError } from './errors.ts';
import { ndjson } from './ndjson.ts';

// Loading a large model and answering can take minutes (the seed allowed up to 600 s).
const GENERATE_TIMEOUT_MS = 600_000;

interface FinalChunk {
  model?: string;
  response?: string;
  done?: boolean;
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** What a try asks for besides the prompt: a chat (system prompt, earlier turns) and Ollama's options. */
export interface TryOptions {
  system?: string | undefined;
  history?: { role: 'user' | 'assistant'; content: string }[] | undefined;
  temperature?: number | undefined;
  context_length?: number | undefined;
}

/** /api/chat when there is a system prompt or history (Ollama keeps no conversation itself), else /api/generate. */
export function tryRequest(model: string, prompt: string, o: TryOptions, stream: boolean): { path: string; body: Record<string, unknown>; chat: boolean } {
  const options: Record<string, number> = {};
  if (o.temperature !== undefined) options.temperature = o.temperature;
  if (o.context_length !== undefined) options.num_ctx = o.context_length;
  const extra = Object.keys(options).length ? { options } : {};
  if (o.system || o.history?.length) {
    const messages = [...(o.system ? [{ role: 'system', content: o.system }] : []), ...(o.history ?? []), ...(prompt ? [{ role: 'user', content: prompt }] : [])];
    return { path: '/api/chat', body: { model, messages, stream, ...extra }, chat: true };
  }
  return { path: '/api/generate', body: { model, prompt, stream, ...extra }, chat: false };
}

const ms = (ns: unknown) => (typeof ns === 'number' ? Math.round(ns / 1e4) / 100 : 0);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function toResult(model: string, response: string, final: FinalChunk): GenerateResult {
  const evalCount = num(final.eval_count);
  const evalNs = num(final.eval_duration);
  return {
    success: true,
    model: final.model ?? model,
    response,
    done_reason: final.done_reason ?? null,
    metrics: {
      total_duration_ms: ms(final.total_duration),
      load_duration_ms: ms(final.load_duration),
      prompt_eval_count: num(final.prompt_eval_count),
      eval_count: evalCount,
      eval_duration_ms: ms(evalNs),
      tokens_per_second: evalNs > 0 ? Math.round((evalCount / evalNs) * 1e9 * 100) / 100 : null,
    },
  };
}

export async function generate(client: OllamaClient, model: string, prompt: string, o: TryOptions = {}): Promise<GenerateResult> {
  const ask = tryRequest(model, prompt, o, false);
  const res = await client.request({
    method: 'POST',
    path: ask.path,
    body: ask.body,
    safe: false,
    what: `generate with ${model}`,
    headersTimeoutMs: GENERATE_TIMEOUT_MS,
    bodyTimeoutMs: GENERATE_TIMEOUT_MS,
  });
  const text = await responseText(res);
  if (res.status >= 400) throw ollamaHttpError(res.status, text, `generate with ${model}`);
  let final: FinalChunk;
  try {
    final = JSON.parse(text) as FinalChunk;
  } catch {
    throw new AppError(502, `Ollama answered generate with ${model} with something that is not JSON`);
  }
  if (typeof (final as { error?: unknown }).error === 'string') throw new AppError(502, (final as { error: string }).error);
  const text2 = ask.chat ? ((final as { message?: { content?: unknown } }).message?.content ?? '') : (final.response ?? '');
  return toResult(model, typeof text2 === 'string' ? text2 : '', final);
}

export async function generateStream(client: OllamaClient, events: EventBus, model: string, prompt: string, streamId: string, o: TryOptions = {}, signal?: AbortSignal): Promise<GenerateResult> {
  const ask = tryRequest(model, prompt, o, true);
  const started = client.request({
    method: 'POST',
    path: ask.path,
    body: ask.body,
    ...(signal ? { signal } : {}),
    safe: false,
    what: `generate with ${model}`,
    headersTimeoutMs: GENERATE_TIMEOUT_MS,
    bodyTimeoutMs: GENERATE_TIMEOUT_MS,
  });
  let res: Awaited<typeof started>;
  try {
    res = await started;
  } catch (err) {
    // Stopped while the model was still loading: nothing was generated.
    if (signal?.aborted) {
      events.emit('generateChunk', { stream_id: streamId, text: '', done: true });
      return { ...toResult(model, '', {}), done_reason: 'cancelled' };
    }
    throw err;
  }
  if (res.status >= 400) throw ollamaHttpError(res.status, await responseText(res), `generate with ${model}`);
  let response = '';
  try {
    for await (const chunk of ndjson(res.body)) {
      if (typeof chunk.error === 'string') throw new AppError(502, `Ollama stopped generating with ${model}: ${chunk.error}`);
      const content = ask.chat ? (chunk.message as { content?: unknown } | undefined)?.content : chunk.response;
      const piece = typeof content === 'string' ? content : '';
      response += piece;
      if (chunk.done === true) {
        events.emit('generateChunk', { stream_id: streamId, text: piece, done: true });
        return toResult(model, response, chunk as FinalChunk);
      }
      if (piece) events.emit('generateChunk', { stream_id: streamId, text: piece, done: false });
    }
    throw new AppError(502, `Ollama's answer with ${model} ended before it was done`);
  } catch (err) {
    events.emit('generateChunk', { stream_id: streamId, text: '', done: true });
    // Stopped by the operator: what came so far is the answer (done_reason 'cancelled', no counters).
    if (signal?.aborted) return { ...toResult(model, response, {}), done_reason: 'cancelled' };
    if (err instanceof AppError) throw err;
    throw new AppError(502, `Ollama's answer with ${model} broke off: ${(err as Error).message}`);
  }
}
