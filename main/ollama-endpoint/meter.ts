// Reads an answer on its way to the client, without holding it back, to tell whether the call
// completed and with how many tokens: Ollama's final chunk (done, prompt_eval_count,
// eval_count) for /api/*, the usage object for /v1/* (openai/openai.go ToUsage).
//
// A /v1 stream carries usage only when the client asked for it (stream_options.include_usage);
// when it did not, the endpoint asks on its behalf and this meter takes the usage back out
// (the usage-only last event, and the zero usage Ollama puts on each /v1/completions chunk),
// so the client sees exactly the stream it asked for.

export type MeterKind = 'generate' | 'chat' | 'embed' | 'embeddings' | 'v1-chat' | 'v1-completion' | 'v1-embeddings';

export interface MeteredUse {
  prompt_tokens?: number;
  completion_tokens?: number;
}

type Json = Record<string, unknown>;
type Mode = 'ndjson' | 'sse' | 'json';

/** A non-streamed answer is parsed only up to this size (it is passed on whole regardless). */
const MAX_JSON_BYTES = 64 << 20;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

function parse(text: string): Json | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

export function modeOf(contentType: string | undefined): Mode {
  const t = (contentType ?? '').toLowerCase();
  if (t.startsWith('text/event-stream')) return 'sse';
  if (t.startsWith('application/x-ndjson')) return 'ndjson';
  return 'json';
}

export class Meter {
  readonly #kind: MeterKind;
  readonly #mode: Mode;
  readonly #strip: boolean;
  #partial = '';
  #json: Buffer[] = [];
  #jsonBytes = 0;
  /** The last Ollama chunk that said done (or an error). */
  #final: Json | null = null;
  #usage: Json | null = null;
  #sawDone = false;
  #failed = false;

  constructor(kind: MeterKind, contentType: string | undefined, opts: { stripUsage?: boolean } = {}) {
    this.#kind = kind;
    this.#mode = modeOf(contentType);
    this.#strip = !!opts.stripUsage && this.#mode === 'sse';
  }

  /** Takes one piece of the answer; returns what goes to the client now. */
  pass(chunk: Buffer): Buffer {
    if (this.#mode === 'json') {
      if (this.#jsonBytes + chunk.length <= MAX_JSON_BYTES) this.#json.push(chunk);
      this.#jsonBytes += chunk.length;
      return chunk;
    }
    const text = this.#partial + chunk.toString('utf8');
    if (this.#mode === 'ndjson') {
      const lines = text.split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) this.#ndjsonLine(line);
      return chunk;
    }
    // SSE: whole events ("data: ...\n\n").
    const events = text.split(/\r?\n\r?\n/);
    this.#partial = events.pop() ?? '';
    const out: string[] = [];
    for (const ev of events) {
      const kept = this.#sseEvent(ev);
      if (kept !== null) out.push(`${kept}\n\n`);
    }
    return this.#strip ? Buffer.from(out.join('')) : chunk;
  }

  /** What is still held back (a stripped stream's unfinished event) when the answer ends. */
  rest(): Buffer {
    if (!this.#strip || !this.#partial) return Buffer.alloc(0);
    const r = this.#partial;
    this.#partial = '';
    return Buffer.from(r);
  }

  #ndjsonLine(line: string): void {
    if (!line.trim()) return;
    const o = parse(line);
    if (!o) return;
    if (typeof o.error === 'string') this.#failed = true;
    if (o.done === true) this.#final = o;
  }

  /** Reads one SSE event; returns it as the client gets it, or null to drop it. */
  #sseEvent(ev: string): string | null {
    const data = ev
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data === '[DONE]') {
      this.#sawDone = true;
      return ev;
    }
    const o = parse(data);
    if (!o) return ev;
    if (o.error !== undefined) this.#failed = true;
    const usage = o.usage && typeof o.usage === 'object' ? (o.usage as Json) : null;
    const choices = Array.isArray(o.choices) ? o.choices : null;
    if (usage && choices && choices.length === 0) {
      this.#usage = usage;
      return this.#strip ? null : ev;
    }
    if (usage && num(usage.prompt_tokens)) this.#usage = usage;
    if (this.#strip && usage) {
      delete o.usage;
      return `data: ${JSON.stringify(o)}`;
    }
    return ev;
  }

  /** The use, when the answer completed; null when it failed, broke off or was not a use. */
  finish(): MeteredUse | null {
    if (this.#failed) return null;
    if (this.#mode === 'ndjson') {
      if (this.#partial.trim()) this.#ndjsonLine(this.#partial);
      return this.#fromOllama(this.#final);
    }
    if (this.#mode === 'sse') {
      if (this.#partial.trim()) this.#sseEvent(this.#partial);
      if (!this.#sawDone) return null;
      return this.#fromOpenAi(this.#usage);
    }
    if (this.#jsonBytes > MAX_JSON_BYTES) return {}; // too big to read: counted, tokens unknown
    const o = parse(Buffer.concat(this.#json).toString('utf8'));
    if (!o || o.error !== undefined) return null;
    switch (this.#kind) {
      case 'generate':
      case 'chat':
        return o.done === true ? this.#fromOllama(o) : null;
      case 'embed':
        return Array.isArray(o.embeddings) && o.embeddings.length > 0 ? { prompt_tokens: num(o.prompt_eval_count) ?? 0, completion_tokens: 0 } : null;
      case 'embeddings':
        return Array.isArray(o.embedding) && o.embedding.length > 0 ? {} : null;
      case 'v1-embeddings':
        return Array.isArray(o.data) && o.data.length > 0 ? this.#fromOpenAi(o.usage as Json) : null;
      default:
        return Array.isArray(o.choices) && o.choices.length > 0 ? this.#fromOpenAi(o.usage as Json) : null;
    }
  }

  #fromOllama(o: Json | null): MeteredUse | null {
    if (!o || o.done !== true) return null;
    // An empty prompt only loads (or, with keep_alive 0, unloads) the model: not a use.
    if (o.done_reason === 'load' || o.done_reason === 'unload') return null;
    return { prompt_tokens: num(o.prompt_eval_count) ?? 0, completion_tokens: num(o.eval_count) ?? 0 };
  }

  #fromOpenAi(usage: Json | null | undefined): MeteredUse {
    if (!usage || typeof usage !== 'object') return {};
    return { prompt_tokens: num(usage.prompt_tokens) ?? 0, completion_tokens: num(usage.completion_tokens) ?? 0 };
  }
}
