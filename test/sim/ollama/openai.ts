// Ollama's OpenAI-compatible routes (ollama/ollama middleware/openai.go, openai/openai.go):
// /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/models[/:model]. As in Ollama, each
// turns the request into the native one, runs the native handler, and rewrites what that
// handler writes (its writer is wrapped): NDJSON chunks become SSE events `data: {...}` ending
// with `data: [DONE]`, a whole answer becomes OpenAI's object, an error {"error": "..."}
// becomes {"error": {"message", "type", "param", "code"}}.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { handleEmbed } from './embed.ts';
import { handleGenerate } from './generate.ts';
import { goJson, parseJsonBody, type Json } from './http-util.ts';
import { handleShow, handleTags } from './models.ts';

type Kind = 'chat' | 'completion' | 'embeddings' | 'list' | 'retrieve';

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

function errorType(status: number): string {
  return status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
}

function sendOpenAiError(res: ServerResponse, status: number, message: string): void {
  const text = goJson({ error: { message, type: errorType(status), param: null, code: null } }) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const unix = (goTime: unknown) => (typeof goTime === 'string' ? Math.floor(new Date(goTime).getTime() / 1000) : Math.floor(Date.now() / 1000));
const usageOf = (r: Json): Usage => {
  const p = typeof r.prompt_eval_count === 'number' ? r.prompt_eval_count : 0;
  const c = typeof r.eval_count === 'number' ? r.eval_count : 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
};
const reason = (r: Json) => (typeof r.done_reason === 'string' && r.done_reason ? r.done_reason : null);
/** model.ParseName(name).Namespace: "library" unless the name says otherwise. */
const ownedBy = (name: string) => {
  const parts = name.split(':')[0]!.split('/');
  return parts.length >= 2 ? parts[parts.length - 2]! : 'library';
};

interface WriterOptions {
  kind: Kind;
  stream: boolean;
  includeUsage: boolean;
  id: string;
  created: number;
  model?: string;
}

/** Wraps `res` as Ollama's middleware wraps gin's writer: the native handler writes, OpenAI's shapes go out. */
function wrapWriter(res: ServerResponse, o: WriterOptions): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string | number>) => ServerResponse;
  const write = res.write.bind(res) as (chunk: string) => boolean;
  const end = res.end.bind(res) as (chunk?: string) => ServerResponse;
  let status = 200;
  let headed = false;
  let partial = '';
  const head = (contentType: string) => {
    if (headed) return;
    headed = true;
    writeHead(status, { 'Content-Type': contentType });
  };
  const sse = (obj: unknown) => write(`data: ${goJson(obj)}\n\n`);

  const chunkOf = (r: Json): void => {
    if (o.kind === 'chat') {
      const m = (r.message ?? {}) as Json;
      const delta: Json = { role: 'assistant', content: m.content ?? '' };
      if (typeof m.thinking === 'string' && m.thinking) delta.reasoning = m.thinking;
      const c: Json = { id: o.id, object: 'chat.completion.chunk', created: o.created, model: r.model, system_fingerprint: 'fp_ollama', choices: [{ index: 0, delta, finish_reason: reason(r) }] };
      sse(c);
      if (r.done === true) {
        if (o.includeUsage) sse({ ...c, choices: [], usage: usageOf(r) });
        write('data: [DONE]\n\n');
      }
    } else {
      const c: Json = { id: o.id, object: 'text_completion', created: o.created, choices: [{ text: r.response ?? '', index: 0, finish_reason: reason(r) }], model: r.model, system_fingerprint: 'fp_ollama' };
      if (o.includeUsage) c.usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      sse(c);
      if (r.done === true) {
        if (o.includeUsage) sse({ ...c, choices: [], usage: usageOf(r) });
        write('data: [DONE]\n\n');
      }
    }
  };

  const whole = (r: Json): unknown => {
    switch (o.kind) {
      case 'chat': {
        const m = (r.message ?? {}) as Json;
        const message: Json = { role: m.role ?? 'assistant', content: m.content ?? '' };
        if (typeof m.thinking === 'string' && m.thinking) message.reasoning = m.thinking;
        return { id: o.id, object: 'chat.completion', created: unix(r.created_at), model: r.model, system_fingerprint: 'fp_ollama', choices: [{ index: 0, message, finish_reason: reason(r) }], usage: usageOf(r) };
      }
      case 'completion':
        return { id: o.id, object: 'text_completion', created: unix(r.created_at), model: r.model, system_fingerprint: 'fp_ollama', choices: [{ text: r.response ?? '', index: 0, finish_reason: reason(r) }], usage: usageOf(r) };
      case 'embeddings': {
        const list = Array.isArray(r.embeddings) ? (r.embeddings as unknown[]) : [];
        const p = typeof r.prompt_eval_count === 'number' ? r.prompt_eval_count : 0;
        return { object: 'list', data: list.map((embedding, index) => ({ object: 'embedding', embedding, index })), model: o.model, usage: { prompt_tokens: p, total_tokens: p } };
      }
      case 'list': {
        const models = Array.isArray(r.models) ? (r.models as Json[]) : [];
        return { object: 'list', data: models.map((m) => ({ id: m.name, object: 'model', created: unix(m.modified_at), owned_by: ownedBy(String(m.name)) })) };
      }
      case 'retrieve':
        return { id: o.model, object: 'model', created: unix(r.modified_at), owned_by: ownedBy(String(o.model)) };
    }
  };

  const take = (text: string) => {
    if (status !== 200) {
      let message = text.trim();
      try {
        const e = JSON.parse(text) as { error?: unknown };
        if (typeof e.error === 'string') message = e.error;
      } catch {
        // not JSON: the raw text is the message
      }
      const body = goJson({ error: { message, type: errorType(status), param: null, code: null } }) + '\n';
      head('application/json');
      write(body);
      return;
    }
    if (o.stream && (o.kind === 'chat' || o.kind === 'completion')) {
      head('text/event-stream');
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) chunkOf(JSON.parse(line) as Json);
      return;
    }
    partial += text;
  };

  res.writeHead = ((code: number) => {
    status = code;
    return res;
  }) as typeof res.writeHead;
  res.write = ((chunk: string | Buffer) => {
    take(String(chunk));
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: string | Buffer) => {
    if (chunk !== undefined) take(String(chunk));
    if (status === 200 && !(o.stream && (o.kind === 'chat' || o.kind === 'completion'))) {
      head('application/json');
      if (partial.trim()) write(goJson(whole(JSON.parse(partial) as Json)) + '\n');
    } else head(o.stream ? 'text/event-stream' : 'application/json');
    return end();
  }) as typeof res.end;
}

const options = (b: Json): Json => {
  const out: Json = {};
  if (typeof b.max_tokens === 'number') out.num_predict = b.max_tokens;
  if (typeof b.temperature === 'number') out.temperature = b.temperature;
  if (typeof b.top_p === 'number') out.top_p = b.top_p;
  if (typeof b.seed === 'number') out.seed = b.seed;
  if (typeof b.stop === 'string') out.stop = [b.stop];
  else if (Array.isArray(b.stop)) out.stop = b.stop.filter((s) => typeof s === 'string');
  return out;
};

const includeUsage = (b: Json) => !!b.stream_options && typeof b.stream_options === 'object' && (b.stream_options as Json).include_usage === true;
const rand = () => Math.floor(Math.random() * 999);

/** Handles a /v1 request; false when the path is not one of them (the caller answers 404). */
export async function handleOpenAi(ctx: SimContext, req: IncomingMessage, res: ServerResponse, method: string, path: string, bodyText: string): Promise<boolean> {
  const created = Math.floor(Date.now() / 1000);
  if (method === 'GET' && path === '/v1/models') {
    wrapWriter(res, { kind: 'list', stream: false, includeUsage: false, id: '', created });
    handleTags(ctx, res);
    return true;
  }
  if (method === 'GET' && path.startsWith('/v1/models/')) {
    const model = decodeURIComponent(path.slice('/v1/models/'.length));
    wrapWriter(res, { kind: 'retrieve', stream: false, includeUsage: false, id: '', created, model });
    handleShow(ctx, res, { model });
    return true;
  }
  const kind: Kind | null = path === '/v1/chat/completions' ? 'chat' : path === '/v1/completions' ? 'completion' : path === '/v1/embeddings' ? 'embeddings' : null;
  if (method !== 'POST' || !kind) return false;
  const parsed = parseJsonBody(bodyText, kind === 'chat' ? 'openai.ChatCompletionRequest' : kind === 'completion' ? 'openai.CompletionRequest' : 'openai.EmbedRequest');
  if (!parsed.ok) return sendOpenAiError(res, 400, parsed.error), true;
  const b = parsed.value;
  const model = typeof b.model === 'string' ? b.model : '';
  if (kind === 'embeddings') {
    let input = b.input;
    if (input === '') input = [''];
    if (input === undefined || input === null || (Array.isArray(input) && input.length === 0)) return sendOpenAiError(res, 400, 'invalid input'), true;
    wrapWriter(res, { kind, stream: false, includeUsage: false, id: '', created, model });
    handleEmbed(ctx, res, { model, input }, false);
    return true;
  }
  const stream = b.stream === true;
  if (kind === 'chat') {
    const raw = Array.isArray(b.messages) ? (b.messages as Json[]) : [];
    if (raw.length === 0) return sendOpenAiError(res, 400, "[] is too short - 'messages'"), true;
    const messages: Json[] = [];
    for (const m of raw) {
      if (typeof m.content === 'string') messages.push({ role: m.role, content: m.content });
      else if (Array.isArray(m.content)) {
        for (const part of m.content as Json[]) {
          if (part?.type !== 'text' || typeof part.text !== 'string') return sendOpenAiError(res, 400, 'invalid message format'), true;
          messages.push({ role: m.role, content: part.text });
        }
      } else return sendOpenAiError(res, 400, `invalid message content type: ${m.content === null ? '<nil>' : typeof m.content}`), true;
    }
    wrapWriter(res, { kind, stream, includeUsage: includeUsage(b), id: `chatcmpl-${rand()}`, created });
    await handleGenerate(ctx, 'chat', req, res, { model, messages, stream, options: options(b) });
    return true;
  }
  if (b.prompt !== undefined && typeof b.prompt !== 'string') return sendOpenAiError(res, 400, 'json: cannot unmarshal array into Go struct field CompletionRequest.prompt of type string'), true;
  wrapWriter(res, { kind, stream, includeUsage: includeUsage(b), id: `cmpl-${rand()}`, created });
  await handleGenerate(ctx, 'generate', req, res, { model, prompt: b.prompt ?? '', stream, options: options(b), raw: true });
  return true;
}
