// Whether a model stays in memory: Ollama's keep_alive on a generate without a prompt (0
// unloads at once, -1 keeps it loaded until told otherwise; docs/api.md "Load a model").
import type { OllamaClient } from './client.ts';

// Loading a large model may take minutes.
const LOAD_TIMEOUT_MS = 600_000;

export async function unload(client: OllamaClient, model: string): Promise<void> {
  await client.json({ method: 'POST', path: '/api/generate', body: { model, keep_alive: 0, stream: false }, safe: false, what: `unload ${model}` });
}

export async function keepLoaded(client: OllamaClient, model: string): Promise<void> {
  await client.json({
    method: 'POST',
    path: '/api/generate',
    body: { model, keep_alive: -1, stream: false },
    safe: false,
    what: `keep ${model} loaded`,
    headersTimeoutMs: LOAD_TIMEOUT_MS,
    bodyTimeoutMs: LOAD_TIMEOUT_MS,
  });
}
