// POST /api/create from an installed (or pullable) model with overrides, as Ollama's CreateHandler
// and createModel (server/create.go), parseFromModel (server/model.go) and manifest.NewLayer
// (manifest/layer.go): the base layers are "using existing layer", each override a new layer.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { clientGone, goJson, sendError, sendJson, startNdjson, stringField, type Json } from './http-util.ts';
import { blobKey } from './blobs.ts';
import { isGguf, readGgufKv, type GgufKv } from './gguf.ts';
import { MEDIA_TYPES, humanNumber, sha256Hex, type Layer, type LibraryModel } from './library.ts';
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
    if (typeof body.files === 'object' && body.files !== null) return createFromFiles(ctx, name, body.files as Record<string, string>, emit);
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

const FILE_TYPE_NAMES: Record<number, string> = { 0: 'F32', 1: 'F16', 2: 'Q4_0', 7: 'Q8_0', 15: 'Q4_K_M' };

/**
 * files: blobs uploaded with POST /api/blobs, named by digest. A GGUF (by ".gguf" or its magic,
 * detectModelTypeFromFiles) is parsed for its key/values (ggufLayers: "parsing GGUF", then the
 * blob is "using existing layer"). Newer Ollama also re-validates the GGUF with llama-quantize
 * ("validating GGUF model"); that rewrite is not simulated. Safetensors are not simulated.
 */
function createFromFiles(ctx: SimContext, name: string, files: Record<string, string>, emit: Emit): void {
  const paths = Object.keys(files).sort();
  const isGgufFile = (p: string) => p.endsWith('.gguf') || isGguf(ctx.state.blobData.get(blobKey(files[p]!)) ?? Buffer.alloc(0));
  if (paths.length === 0 || !paths.some(isGgufFile)) return emit({ error: 'unknown type', status: 400 });
  const layers: Layer[] = [];
  let kv: GgufKv = {};
  let fileName = '';
  for (const p of paths) {
    emit({ status: 'parsing GGUF' });
    const digest = files[p]!;
    if (!/^sha256[:-][0-9a-fA-F]{64}$/.test(digest)) return emit({ error: 'invalid digest format' });
    const data = ctx.state.blobData.get(blobKey(digest));
    if (!data) return emit({ error: `open /root/.ollama/models/blobs/${digest.replace(':', '-')}: no such file or directory` });
    if (!isGguf(data)) return emit({ error: 'supplied file was not in GGUF format', status: 400 });
    const read = readGgufKv(data);
    if (typeof read === 'string') return emit({ error: read });
    kv = read;
    fileName = p;
    layers.push({ mediaType: MEDIA_TYPES.model, digest: blobKey(digest), size: data.length });
  }
  for (const l of layers) emit({ status: `using existing layer ${l.digest}` });
  const arch = String(kv['general.architecture'] ?? '');
  const num = (k: string) => (typeof kv[`${arch}.${k}`] === 'number' ? (kv[`${arch}.${k}`] as number) : 0);
  const quant = FILE_TYPE_NAMES[Number(kv['general.file_type'] ?? -1)] ?? 'unknown';
  const params = Number(kv['general.parameter_count'] ?? 0);
  const tokens = kv['tokenizer.ggml.tokens'];
  const spec = {
    name, arch, params, quant, gb: layers.reduce((s, l) => s + l.size, 0) / 1e9, blocks: num('block_count'), heads: num('attention.head_count'),
    kvHeads: num('attention.head_count_kv') || num('attention.head_count'), embedding: num('embedding_length'), context: num('context_length') || 2048,
    feedForward: num('feed_forward_length'), vocab: num('vocab_size') || (Array.isArray(tokens) ? tokens.length : 0), ropeBase: num('rope.freq_base') || 10000,
    style: 'llama2', capabilities: ['completion'], license: '',
  } as unknown as LibraryModel['spec'];
  // model_info as /api/show gives it: every key, long arrays (the tokenizer's) as null, sorted.
  const info = Object.fromEntries(Object.entries(kv).map(([k, v]) => [k, Array.isArray(v) && v.length > 8 ? null : v]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)));
  const configText = `${goJson({ model_format: 'gguf', model_family: arch, model_type: humanNumber(params), file_type: quant, architecture: 'amd64', os: 'linux' })}\n`;
  const all = [...layers, { mediaType: MEDIA_TYPES.config, digest: `sha256:${sha256Hex(configText)}`, size: Buffer.byteLength(configText) }];
  const model: LibraryModel = {
    name, aliases: [], size: all.reduce((s, l) => s + l.size, 0), digest: createHash('sha256').update(goJson({ schemaVersion: 2, layers: all })).digest('hex'),
    details: { parent_model: fileName, format: 'gguf', family: arch, families: [arch], parameter_size: humanNumber(params), quantization_level: quant },
    model_info: info, capabilities: ['completion'], template: '', parameters: '', license: '', layers: all, spec,
  };
  emit({ status: 'writing manifest' });
  installModel(ctx.state, name, model);
  emit({ status: 'success' });
  ctx.log(`created ${name} from ${paths.join(', ')}`);
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
