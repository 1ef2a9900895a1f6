// Dispatches requests to the handlers; unknown routes get gin's plain-text 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { handleEmbed } from './embed.ts';
import { applyRequestFaults, updateFaults } from './faults.ts';
import { handleGenerate } from './generate.ts';
import { clientGone, parseJsonBody, readBody, readBodyBytes, sendError, sendJson, sendText, type Json } from './http-util.ts';
import { handleCopy, handleDelete, handlePs, handleShow, handleTags } from './models.ts';
import { handlePull } from './pull.ts';
import { handlePush } from './push.ts';
import { handleCreate } from './create.ts';
import { handleCreateBlob, handleHeadBlob } from './blobs.ts';
import { handleOpenAi } from './openai.ts';
import { keepAliveError } from './go-duration.ts';
import { parseModelName } from './names.ts';
import { loadedModels } from './state.ts';
import { updateRuntime } from './vram.ts';

type BodyRoute = (ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: Json) => void | Promise<void>;

// method + path -> [Go request type named in JSON errors, handler]
const BODY_ROUTES: Record<string, [string, BodyRoute]> = {
  'POST /api/pull': ['api.PullRequest', handlePull],
  'POST /api/push': ['api.PushRequest', handlePush],
  'POST /api/create': ['api.CreateRequest', handleCreate],
  'POST /api/generate': ['api.GenerateRequest', (c, q, s, b) => handleGenerate(c, 'generate', q, s, b)],
  'POST /api/chat': ['api.ChatRequest', (c, q, s, b) => handleGenerate(c, 'chat', q, s, b)],
  'POST /api/show': ['api.ShowRequest', (c, _q, s, b) => handleShow(c, s, b)],
  'DELETE /api/delete': ['api.DeleteRequest', (c, _q, s, b) => handleDelete(c, s, b)],
  'POST /api/copy': ['api.CopyRequest', (c, _q, s, b) => handleCopy(c, s, b)],
  'POST /api/embed': ['api.EmbedRequest', (c, _q, s, b) => handleEmbed(c, s, b, false)],
  'POST /api/embeddings': ['api.EmbeddingRequest', (c, _q, s, b) => handleEmbed(c, s, b, true)],
};

const KNOWN_PATHS = new Set(['/', '/api/version', '/api/tags', '/api/ps', ...Object.keys(BODY_ROUTES).map((k) => k.split(' ')[1]!)]);
const KEEP_ALIVE_ROUTES = new Set(['/api/generate', '/api/chat', '/api/embed', '/api/embeddings']);

function simState(ctx: SimContext): Json {
  return {
    installed: [...ctx.state.installed.values()].map((m) => m.name),
    loaded: loadedModels(ctx.state).map((m) => m.name),
    pullCounts: Object.fromEntries(ctx.state.pullCounts),
    generateCounts: Object.fromEntries(ctx.state.generateCounts),
  };
}

async function handleControl(ctx: SimContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (path === '/_sim/faults' && req.method === 'GET') return sendJson(res, 200, ctx.faults);
  if (path === '/_sim/faults' && req.method === 'POST') {
    const parsed = parseJsonBody(await readBody(req), 'faults');
    if (!parsed.ok) return sendError(res, 400, parsed.error);
    const err = updateFaults(ctx.faults, parsed.value);
    if (err) return sendError(res, 400, err);
    ctx.log(`faults ${JSON.stringify(ctx.faults)}`);
    return sendJson(res, 200, ctx.faults);
  }
  if (path === '/_sim/state' && req.method === 'GET') return sendJson(res, 200, simState(ctx));
  if (path === '/_sim/runtime' && req.method === 'GET') return sendJson(res, 200, ctx.runtime);
  if (path === '/_sim/runtime' && req.method === 'POST') {
    const parsed = parseJsonBody(await readBody(req), 'runtime');
    if (!parsed.ok) return sendError(res, 400, parsed.error);
    const err = updateRuntime(ctx.runtime, parsed.value);
    if (err) return sendError(res, 400, err);
    // A new version or GPU is a restarted Ollama: nothing stays loaded.
    ctx.state.loaded.clear();
    ctx.log(`runtime ${JSON.stringify(ctx.runtime)}`);
    return sendJson(res, 200, ctx.runtime);
  }
  sendText(res, 404, '404 page not found');
}

export async function handleRequest(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const method = req.method ?? 'GET';
  if (path.startsWith('/_sim/')) return handleControl(ctx, req, res, path);

  // /api/blobs/:digest takes raw bytes (HEAD and POST; any other method is gin's 405).
  const blob = /^\/api\/blobs\/([^/]+)$/.exec(path);
  if (blob) {
    const bytes = await readBodyBytes(req);
    if (await applyRequestFaults(ctx.faults, path, res, clientGone(req, res))) return;
    const digest = decodeURIComponent(blob[1]!);
    if (method === 'HEAD') return handleHeadBlob(ctx, res, digest);
    if (method === 'POST') return handleCreateBlob(ctx, res, digest, bytes);
    return sendText(res, 405, '405 method not allowed');
  }

  const bodyText = await readBody(req);
  if (await applyRequestFaults(ctx.faults, path, res, clientGone(req, res))) return;

  const isGet = method === 'GET' || method === 'HEAD';
  if (isGet && path === '/') return sendText(res, 200, 'Ollama is running');
  if (isGet && path === '/api/version') return sendJson(res, 200, { version: ctx.runtime.version });
  if (isGet && path === '/api/tags') return handleTags(ctx, res);
  if (method === 'GET' && path === '/api/ps') return handlePs(ctx, res);

  if (path.startsWith('/v1/') && (await handleOpenAi(ctx, req, res, method, path, bodyText))) return;

  const route = BODY_ROUTES[`${method} ${path}`];
  if (!route) {
    // Ollama's router has HandleMethodNotAllowed on (server/routes.go GenerateRoutes): a known path with another method is gin's 405.
    if (KNOWN_PATHS.has(path)) return sendText(res, 405, '405 method not allowed');
    return sendText(res, 404, '404 page not found');
  }
  const parsed = parseJsonBody(bodyText, route[0]);
  if (!parsed.ok) return sendError(res, 400, parsed.error);
  // keep_alive is an api.Duration: a bad one fails the JSON binding itself.
  if (KEEP_ALIVE_ROUTES.has(path)) {
    const bad = keepAliveError((parsed.value as Record<string, unknown>).keep_alive);
    if (bad) return sendError(res, 400, bad);
  }
  // ChatHandler: a missing or invalid model name is "model is required" (not generate's 404).
  if (path === '/api/chat') {
    const model = (parsed.value as Record<string, unknown>).model;
    if (typeof model !== 'string' || !parseModelName(model)) return sendError(res, 400, 'model is required');
  }
  await route[1](ctx, req, res, parsed.value);
}
