// Deterministic "model output": the same model and prompt always give the same text, tokens and timings.
import { createHash } from 'node:crypto';
import type { LibraryModel } from './library.ts';

const SENTENCES = [
  'The cluster has enough GPU memory for this request.',
  'Kubernetes schedules each pod onto a node that satisfies its resource requests.',
  'A quantized model trades a little accuracy for a much smaller memory footprint.',
  'Larger context windows need proportionally more KV cache.',
  'Here is a short answer to your question.',
  'The model weights are memory-mapped from the blob store.',
  'Consider pinning the model with a longer keep_alive if it is used often.',
  'Each transformer layer keeps its own keys and values for every token in context.',
  'Throughput depends mostly on memory bandwidth rather than raw compute.',
  'If the GPU runs out of memory, some layers are offloaded to the CPU.',
  'Streaming responses let the interface show tokens as soon as they are generated.',
  'That is a reasonable approach, with one caveat worth noting.',
  'The answer depends on the size of the model and the hardware it runs on.',
  'A smaller model often answers simple questions just as well.',
  'In summary, the request completed without errors.',
  'Let me explain this step by step.',
];

function hashBytes(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Two to five sentences chosen by a hash of model and prompt. */
export function responseText(modelName: string, prompt: string): string {
  const h = hashBytes(`${modelName}\n${prompt}`);
  const count = 2 + ((h[0] as number) % 4);
  const picked: string[] = [];
  for (let i = 1; i <= count; i++) picked.push(SENTENCES[(h[i] as number) % SENTENCES.length] as string);
  return picked.join(' ');
}

/** Word-level pieces with their leading space, standing in for the model's tokens. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/** Token ids for `context`: stable per piece, within a Llama-3-sized vocabulary. */
export function tokenIds(pieces: string[]): number[] {
  return pieces.map((p) => hashBytes(p).readUInt32BE(0) % 128000);
}

/** Plausible decode speed on a data-centre GPU: ~135 tok/s at 8B, ~29 at 70B, ~8 at 405B. */
export function tokensPerSecond(m: LibraryModel): number {
  return 700 / Math.pow(m.spec.params / 1e9 + 1, 0.75);
}

export interface Timings {
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

/** Nanosecond metrics consistent with each other: total = load + prompt eval + eval + a little overhead. */
export function timings(m: LibraryModel, promptTokens: number, evalTokens: number, coldLoad: boolean): Timings {
  const tps = tokensPerSecond(m);
  // Loading reads the weights at ~2 GB/s; a warm runner only answers a health check.
  const load = coldLoad ? Math.round((m.size / 2e9) * 1e9) + 150_000_000 : 12_000_000 + (promptTokens % 7) * 1_000_000;
  const promptEval = Math.round((promptTokens / (tps * 12)) * 1e9);
  const evalD = Math.round((evalTokens / tps) * 1e9);
  const overhead = 1_000_000 + evalTokens * 15_000;
  return {
    total_duration: load + promptEval + evalD + overhead,
    load_duration: load,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: promptEval,
    eval_count: evalTokens,
    eval_duration: evalD,
  };
}
