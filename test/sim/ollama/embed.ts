// POST /api/embed (and the legacy /api/embeddings): deterministic unit vectors.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { sendError, sendJson, stringField, type Json } from './http-util.ts';
import { parseModelName } from './names.ts';
import { DEFAULT_KEEP_ALIVE_MS, findInstalled, loadModel, parseKeepAlive, requestNumCtx } from './state.ts';
import { timings, tokenize } from './text.ts';

/** A normalised vector of `dim` floats derived from the model and text. */
export function embedding(modelName: string, text: string, dim: number): number[] {
  const out: number[] = [];
  for (let block = 0; out.length < dim; block++) {
    const h = createHash('sha256').update(`${modelName}\n${block}\n${text}`).digest();
    for (let i = 0; i + 1 < h.length && out.length < dim; i += 2) out.push(h.readUInt16BE(i) / 32767.5 - 1);
  }
  const norm = Math.sqrt(out.reduce((s, v) => s + v * v, 0)) || 1;
  return out.map((v) => float32Shortest(v / norm));
}

/** Rounds to float32 and keeps the shortest decimal that round-trips, as Go prints a float32. */
export function float32Shortest(v: number): number {
  const f = Math.fround(v);
  for (let p = 1; p < 10; p++) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) === f) return n;
  }
  return f;
}

export function handleEmbed(ctx: SimContext, res: ServerResponse, body: Json, legacy: boolean): void {
  const raw = stringField(body, 'model') ?? '';
  let inputs: string[];
  if (legacy) {
    inputs = [stringField(body, 'prompt') ?? ''];
  } else if (typeof body.input === 'string') {
    inputs = body.input === '' ? [] : [body.input];
  } else if (Array.isArray(body.input)) {
    if (!body.input.every((x) => typeof x === 'string')) return sendError(res, 400, 'invalid input type');
    inputs = body.input as string[];
  } else if (body.input === undefined || body.input === null) {
    inputs = [];
  } else {
    return sendError(res, 400, 'invalid input type');
  }
  const installed = parseModelName(raw) ? findInstalled(ctx.state, raw) : undefined;
  if (!installed) return sendError(res, 404, `model '${raw}' not found`);
  const model = installed.model;
  if (!model.capabilities.includes('embedding')) return sendError(res, 400, `"${raw}" does not support embeddings`);
  const { wasLoaded } = loadModel(ctx.state, installed, requestNumCtx(model, body.options, ctx.runtime), parseKeepAlive(body.keep_alive) ?? DEFAULT_KEEP_ALIVE_MS);
  const dim = model.spec.embedding;
  if (legacy) return sendJson(res, 200, { embedding: embedding(installed.name, inputs[0] ?? '', dim) });
  if (inputs.length === 0) return sendJson(res, 200, { model: raw, embeddings: [] });
  const count = inputs.reduce((s, t) => s + tokenize(t).length + 2, 0);
  const t = timings(model, count, 0, !wasLoaded);
  sendJson(res, 200, {
    model: raw,
    embeddings: inputs.map((text) => embedding(installed.name, text, dim)),
    total_duration: t.total_duration,
    load_duration: t.load_duration,
    prompt_eval_count: count,
  });
}
