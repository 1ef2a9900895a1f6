// Ollama's routes as the endpoint passes them on (ollama/ollama server/routes.go GenerateRoutes):
// which ones name a model in their body (and so go to that model's Ollama) and which count a use.
import type { MeterKind } from './meter.ts';

export interface RouteInfo {
  /** Read the model from the JSON body ("model", or the older "name"). */
  bodyModel: boolean;
  /** Counted once completed. */
  meter?: MeterKind;
  /** An OpenAI-compatible route: errors and refusals in OpenAI's shape. */
  openai?: boolean;
}

const ROUTES: Record<string, RouteInfo> = {
  'GET /': { bodyModel: false },
  'HEAD /': { bodyModel: false },
  'GET /api/version': { bodyModel: false },
  'HEAD /api/version': { bodyModel: false },
  'GET /api/tags': { bodyModel: false },
  'HEAD /api/tags': { bodyModel: false },
  'GET /api/ps': { bodyModel: false },
  'POST /api/pull': { bodyModel: true },
  'POST /api/push': { bodyModel: true },
  'POST /api/create': { bodyModel: true },
  'POST /api/copy': { bodyModel: false },
  'DELETE /api/delete': { bodyModel: true },
  'POST /api/show': { bodyModel: true },
  'POST /api/generate': { bodyModel: true, meter: 'generate' },
  'POST /api/chat': { bodyModel: true, meter: 'chat' },
  'POST /api/embed': { bodyModel: true, meter: 'embed' },
  'POST /api/embeddings': { bodyModel: true, meter: 'embeddings' },
  'POST /v1/chat/completions': { bodyModel: true, meter: 'v1-chat', openai: true },
  'POST /v1/completions': { bodyModel: true, meter: 'v1-completion', openai: true },
  'POST /v1/embeddings': { bodyModel: true, meter: 'v1-embeddings', openai: true },
  'GET /v1/models': { bodyModel: false, openai: true },
};

/**
 * The route of a request. One this table does not know (a newer Ollama's) still goes through,
 * to the Ollama its body's model maps to, uncounted: Ollama answers it, or its own 404.
 */
export function routeOf(method: string, path: string): RouteInfo & { pathModel?: string } {
  return knownRoute(method, path) ?? { bodyModel: method !== 'GET' && method !== 'HEAD', openai: path.startsWith('/v1/') };
}

function knownRoute(method: string, path: string): (RouteInfo & { pathModel?: string }) | null {
  const r = ROUTES[`${method} ${path}`];
  if (r) return r;
  // GET /v1/models/:model (the name may hold "/").
  const m = /^\/v1\/models\/(.+)$/.exec(path);
  if (m && method === 'GET') {
    try {
      return { bodyModel: false, openai: true, pathModel: decodeURIComponent(m[1]!) };
    } catch {
      return null;
    }
  }
  // Blobs (ollama create uploads layers): go to the shared Ollama as they are.
  if (/^\/api\/blobs\/sha256[:-][0-9a-f]{64}$/.test(path) && (method === 'HEAD' || method === 'POST')) return { bodyModel: false };
  return null;
}
