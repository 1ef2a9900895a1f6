// POST /api/create from an installed (or pullable) model with overrides, as Ollama's CreateHandler
// and createModel (server/create.go), parseFromModel (server/model.go) and manifest.NewLayer
// (manifest/layer.go): the base layers are "using existing layer", each override a new layer.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { clientGone, goJson, sendError, sendJson, startNdjson, stringField, type Json } from './http-util.ts';
import { MEDIA_TYPES, sha256Hex, type Layer, type LibraryModel } from './library.ts';
import { displayShortest, nameKey, parseModelName } from './names.ts';
import { runPull } from './pull.ts';
import { blobOnDisk, findInstalled, installModel } from './state.ts';

type Progress = { status: string; digest?: string; total?: number; completed?: number };
type Failure = { error: string; status?: number };
type Emit = (p: Progress | Failure) => void;

const SYSTEM = 'application/vnd.ollama.image.system';
const MESSAGES = 'application/vnd.ollama.image.messages';

/** fs.ValidPath: slash-separated, no empty, "." or ".." element, no leading or trailing slash. */
function validPath(p: string): boolean {
  if (p === '.') return true;
  return p !== '' && p.split('/').every((e) => e !== '' && e !== '.' && e !== '..');
}

/** The stored options of a model: its params layer as a map (stop is a list, as Ollama keeps it). */
function existingParams(m: LibraryModel): Record<string, unknown> {
  if (m.params) return { ...m.params };
  const out: Record<string, unknown> = {};
  for (const line of m.parameters.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split(/\s+/);
    const value: unknown = JSON.parse(rest.join(' '));
    if (key === 'stop') out.stop = [...((out.stop as unknown[] | undefined) ?? []), value];
    else out[key as string] = value;
  }
  return out;
}

/** The text /api/show gives: `%-30s %#v` per value, a list one line per element. */
function parametersText(p: Record<string, unknown>): string {
  const fmt = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  return Object.entries(p)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k.padEnd(30)} ${fmt(x)}`) : [`${k.padEnd(30)} ${fmt(v)}`]))
    .join('\n');
}

async function runCreate(ctx: SimContext, name: string, body: Json, emit: Emit, signal: AbortSignal): Promise<void> {
  const from = stringField(body, 'from') ?? '';
  if (from === '') {
    // Creating from uploaded files (GGUF decoding) is not simulated; only `from` is.
    if (body.files !== undefined && body.files !== null) return emit({ error: 'unknown type', status: 400 });
    return emit({ error: "neither 'from' or 'files' was specified", status: 400 });
  }
  if (!parseModelName(from)) return emit({ error: 'invalid model name', status: 400 });
  let base = findInstalled(ctx.state, from);
  if (!base) {
    // parseFromModel: a base that is not installed is pulled first, with the pull's statuses.
    let failed = false;
    await runPull(ctx, displayShortest(parseModelName(from)!), (p) => {
      if ('error' in p) failed = true;
      emit(p);
    }, signal);
    if (failed || signal.aborted) return;
    base = findInstalled(ctx.state, from);
    if (!base) return emit({ error: 'model not found' });
  }
  const fromName = base.name;
  const had = new Set([...ctx.state.blobs.keys()].filter((d) => blobOnDisk(ctx.state, d)));
  let layers: (Layer & { text?: string })[] = base.model.layers.filter((l) => l.mediaType !== MEDIA_TYPES.config).map((l) => ({ ...l }));
  const newLayer = (mediaType: string, text: string) => ({ mediaType, digest: `sha256:${sha256Hex(text)}`, size: Buffer.byteLength(text), text });
  const replace = (mediaType: string, text: string) => {
    layers = layers.filter((l) => l.mediaType !== mediaType);
    layers.push(newLayer(mediaType, text));
  };
  const model: LibraryModel = { ...base.model, aliases: [], details: { ...base.model.details, parent_model: fromName } };
  const template = stringField(body, 'template');
  if (template) {
    replace(MEDIA_TYPES.template, template);
    model.template = template;
  }
  const system = stringField(body, 'system');
  if (system) {
    replace(SYSTEM, system);
    model.system = system;
  }
  // A license is added, never replaced (setLicense); a list adds one layer each.
  const licenses = typeof body.license === 'string' ? [body.license].filter(Boolean) : Array.isArray(body.license) ? body.license.map(String) : [];
  for (const l of licenses) layers.push(newLayer(MEDIA_TYPES.license, l));
  if (licenses.length > 0) model.license = licenses.join('\n');
  // setParameters: the request's values win, the base's fill in; re-encoded by Go's json.Encoder.
  const params: Record<string, unknown> = { ...(typeof body.parameters === 'object' && body.parameters !== null ? (body.parameters as Json) : {}) };
  for (const [k, v] of Object.entries(existingParams(base.model))) if (!(k in params)) params[k] = v;
  if (Object.keys(params).length > 0) replace(MEDIA_TYPES.params, `${goJson(params)}\n`);
  model.params = params;
  model.parameters = parametersText(params);
  if (Array.isArray(body.messages) && body.messages.length > 0) {
    replace(MESSAGES, `${goJson(body.messages)}\n`);
    model.messages = body.messages;
  }
  for (const l of layers) emit({ status: `${had.has(l.digest) ? 'using existing layer' : 'creating new layer'} ${l.digest}` });
  const configText = `${goJson({ model_format: 'gguf', model_family: model.details.family, model_type: model.details.parameter_size, file_type: model.details.quantization_level, architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } })}\n`;
  const config = newLayer(MEDIA_TYPES.config, configText);
  model.layers = [...layers, config].map(({ mediaType, digest, size }) => ({ mediaType, digest, size }));
  model.size = model.layers.reduce((s, l) => s + l.size, 0);
  model.digest = createHash('sha256').update(goJson({ schemaVersion: 2, layers: model.layers })).digest('hex');
  model.name = name;
  emit({ status: 'writing manifest' });
  const old = findInstalled(ctx.state, name);
  installModel(ctx.state, name, model);
  // Unless OLLAMA_NOPRUNE, the old manifest's layers no manifest uses any more are removed.
  if (old) {
    const inUse = new Set([...ctx.state.installed.values()].flatMap((m) => m.model.layers.map((l) => l.digest)));
    for (const l of old.model.layers) if (!inUse.has(l.digest)) ctx.state.blobs.delete(l.digest);
  }
  emit({ status: 'success' });
  ctx.log(`created ${name} from ${fromName}`);
}

export async function handleCreate(ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: Json): Promise<void> {
  for (const field of ['files', 'adapters'] as const) {
    const map = body[field];
    if (typeof map !== 'object' || map === null) continue;
    for (const [path, digest] of Object.entries(map as Json)) {
      if (field === 'files' && !validPath(path)) return sendError(res, 400, 'file path must be relative');
      if (digest === '') return sendError(res, 400, 'invalid digest format');
    }
  }
  const parsed = parseModelName(stringField(body, 'model') || stringField(body, 'name') || '');
  if (!parsed) return sendError(res, 400, 'invalid model name');
  // getExistingName: an existing manifest's spelling wins (names match case-insensitively).
  const name = ctx.state.installed.get(nameKey(parsed))?.name ?? displayShortest(parsed);
  const signal = clientGone(req, res);
  const out: (Progress | Failure)[] = [];
  if (body.stream === false) {
    // waitForStream: the last status, or the first error with its status (500 when it has none).
    await runCreate(ctx, name, body, (p) => out.push(p), signal);
    if (signal.aborted) return;
    const err = out.find((p): p is Failure => 'error' in p);
    if (err) return sendError(res, err.status ?? 500, err.error);
    return sendJson(res, 200, out.at(-1));
  }
  // streamResponse: an error before any line is the whole answer, with its status.
  const holder: { stream: ReturnType<typeof startNdjson> | null } = { stream: null };
  let stopped = false;
  await runCreate(ctx, name, body, (p) => {
    if (stopped) return;
    if ('error' in p) {
      stopped = true;
      if (!holder.stream) return sendError(res, p.status ?? 500, p.error);
      holder.stream.write({ error: p.error });
      return;
    }
    holder.stream ??= startNdjson(res);
    holder.stream.write(p);
  }, signal);
  holder.stream?.end();
}
