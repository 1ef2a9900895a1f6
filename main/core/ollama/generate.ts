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

export async function generate(client: OllamaClient, model: string, prompt: string): Promise<GenerateResult> {
  const res = await client.request({
    method: 'POST',
    path: '/api/generate',
    body: { model, prompt, stream: false },
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
  return toResult(model, final.response ?? '', final);
}

export async function generateStream(client: OllamaClient, events: EventBus, model: string, prompt: string, streamId: string): Promise<GenerateResult> {
  const res = await client.request({
    method: 'POST',
    path: '/api/generate',
    body: { model, prompt, stream: true },
    safe: false,
    what: `generate with ${model}`,
    headersTimeoutMs: GENERATE_TIMEOUT_MS,
    bodyTimeoutMs: GENERATE_TIMEOUT_MS,
  });
  if (res.status >= 400) throw ollamaHttpError(res.status, await responseText(res), `generate with ${model}`);
  let response = '';
  try {
    for await (const chunk of ndjson(res.body)) {
      if (typeof chunk.error === 'string') throw new AppError(502, `Ollama stopped generating with ${model}: ${chunk.error}`);
      const piece = typeof chunk.response === 'string' ? chunk.response : '';
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
    if (err instanceof AppError) throw err;
    throw new AppError(502, `Ollama's answer with ${model} broke off: ${(err as Error).message}`);
  }
}
