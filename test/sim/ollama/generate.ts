// POST /api/generate and /api/chat: load/unload semantics of Ollama's handlers, deterministic output.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { armStreamDisconnect } from './faults.ts';
import { clientGone, sendError, sendJson, sleep, startNdjson, stringField, type Json } from './http-util.ts';
import { parseModelName } from './names.ts';
import { DEFAULT_KEEP_ALIVE_MS, findInstalled, loadModel, parseKeepAlive, requestNumCtx, unloadModel, type InstalledModel } from './state.ts';
import { responseText, timings, tokenIds, tokenize } from './text.ts';
import { goTimeUTC } from './time.ts';

type Kind = 'generate' | 'chat';

interface Message {
  role: string;
  content: string;
}

function readMessages(body: Json): Message[] | string {
  const v = body.messages;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return 'json: cannot unmarshal into Go struct field ChatRequest.messages of type []api.Message';
  const out: Message[] = [];
  for (const m of v) {
    if (typeof m !== 'object' || m === null) return 'json: cannot unmarshal into Go struct field ChatRequest.messages of type api.Message';
    const r = m as Record<string, unknown>;
    out.push({ role: typeof r.role === 'string' ? r.role : '', content: typeof r.content === 'string' ? r.content : '' });
  }
  return out;
}

/** Finds the model as Ollama's handlers do; answers 404 itself and returns null when it is absent. */
function findModel(ctx: SimContext, res: ServerResponse, raw: string): InstalledModel | null {
  const installed = parseModelName(raw) ? findInstalled(ctx.state, raw) : undefined;
  if (!installed) {
    sendError(res, 404, `model '${raw}' not found`);
    return null;
  }
  return installed;
}

const THINKING = 'Okay, the user wants a short answer. Let me check what matters here before replying.';

// Field order follows Ollama's structs: response then thinking; message is role, content, thinking.
function textFields(kind: Kind, content: string, thinking: string): Json {
  if (kind === 'generate') return thinking ? { response: content, thinking } : { response: content };
  return { message: thinking ? { role: 'assistant', content, thinking } : { role: 'assistant', content } };
}

function finalFields(kind: Kind, whole: string, thinking: string, ids: number[], t: ReturnType<typeof timings>, doneReason: string): Json {
  const body: Json = textFields(kind, whole, thinking);
  body.done = true;
  body.done_reason = doneReason;
  if (kind === 'generate') body.context = ids;
  return { ...body, ...t };
}

export async function handleGenerate(ctx: SimContext, kind: Kind, req: IncomingMessage, res: ServerResponse, body: Json): Promise<void> {
  const raw = stringField(body, 'model');
  if (raw === undefined) return sendError(res, 400, `json: cannot unmarshal number into Go struct field ${kind === 'chat' ? 'ChatRequest' : 'GenerateRequest'}.model of type string`);
  const prompt = kind === 'generate' ? (stringField(body, 'prompt') ?? '') : '';
  const system = kind === 'generate' ? (stringField(body, 'system') ?? '') : '';
  const messages = kind === 'chat' ? readMessages(body) : [];
  if (typeof messages === 'string') return sendError(res, 400, messages);
  const installed = findModel(ctx, res, raw);
  if (!installed) return;
  const model = installed.model;
  const keepAlive = parseKeepAlive(body.keep_alive);
  const empty = kind === 'generate' ? prompt === '' : messages.length === 0;
  const now = () => goTimeUTC();
  const emptyReply = (reason: string): Json =>
    kind === 'generate'
      ? { model: raw, created_at: now(), response: '', done: true, done_reason: reason }
      : { model: raw, created_at: now(), message: { role: 'assistant', content: '' }, done: true, done_reason: reason };

  // An empty request with keep_alive 0 unloads the runner; this happens before any capability check.
  if (empty && keepAlive === 0) {
    unloadModel(ctx.state, installed.name);
    ctx.log(`unloaded ${installed.name}`);
    return sendJson(res, 200, emptyReply('unload'));
  }
  if (!model.capabilities.includes('completion')) return sendError(res, 400, `"${raw}" does not support ${kind}`);
  // Ollama 0.12 turns thinking on by default for models that can think; asking others to think is a 400.
  const canThink = model.capabilities.includes('thinking');
  const askedThink = body.think === true || (typeof body.think === 'string' && body.think !== '');
  if (askedThink && !canThink) return sendError(res, 400, `"${raw}" does not support thinking`);
  const thinks = canThink && body.think !== false;

  const numCtx = requestNumCtx(model, body.options, ctx.runtime);
  const { wasLoaded } = loadModel(ctx.state, installed, numCtx, keepAlive ?? DEFAULT_KEEP_ALIVE_MS);
  if (empty) return sendJson(res, 200, emptyReply('load'));

  ctx.state.generateCounts.set(installed.name, (ctx.state.generateCounts.get(installed.name) ?? 0) + 1);
  const input = kind === 'generate' ? `${system}\n${prompt}` : messages.map((m) => `${m.role}: ${m.content}`).join('\n');
  // The template adds its own tokens (headers, turn markers) to what the user wrote.
  const templateTokens = Array.from({ length: kind === 'generate' ? 10 : 5 * messages.length }, (_, i) => `<|special_${i}|>`);
  const promptPieces = [...templateTokens, ...tokenize(input)];
  const promptTokens = promptPieces.length;
  const lastUser = kind === 'generate' ? prompt : ([...messages].reverse().find((m) => m.role === 'user')?.content ?? input);
  let pieces = tokenize(responseText(installed.name, lastUser));
  let doneReason = 'stop';
  const numPredict = (body.options as Record<string, unknown> | undefined)?.num_predict;
  if (typeof numPredict === 'number' && numPredict > 0 && numPredict < pieces.length) {
    pieces = pieces.slice(0, numPredict);
    doneReason = 'length';
  }
  const whole = pieces.join('');
  const thoughts = thinks ? tokenize(THINKING) : [];
  const t = timings(model, promptTokens, thoughts.length + pieces.length, !wasLoaded);
  const ids = tokenIds([...promptPieces, ...pieces]);
  // keep_alive 0 with a prompt answers, then unloads.
  const afterwards = () => {
    if (keepAlive === 0) unloadModel(ctx.state, installed.name);
  };

  if (body.stream === false) {
    afterwards();
    return sendJson(res, 200, { model: raw, created_at: now(), ...finalFields(kind, whole, thoughts.join(''), ids, t, doneReason) });
  }

  const signal = clientGone(req, res);
  const stream = startNdjson(res);
  armStreamDisconnect(ctx.faults, res);
  const chunks = [...thoughts.map((p) => textFields(kind, '', p)), ...pieces.map((p) => textFields(kind, p, ''))];
  const cancelled = () => void ctx.state.cancelledStreams.set(installed.name, (ctx.state.cancelledStreams.get(installed.name) ?? 0) + 1);
  for (const fields of chunks) {
    if (!stream.write({ model: raw, created_at: now(), ...fields, done: false })) return cancelled();
    await sleep(ctx.tokenIntervalMs, signal);
    if (signal.aborted) return cancelled();
  }
  stream.write({ model: raw, created_at: now(), ...finalFields(kind, '', '', ids, t, doneReason) });
  afterwards();
  stream.end();
}
