// POST /api/pull: the progress stream of Ollama's PullModel (server/images.go, server/download.go).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { armStreamDisconnect } from './faults.ts';
import { clientGone, sendError, sendJson, sleep, startNdjson, stringField, type Json } from './http-util.ts';
import { findLibraryModel, type Layer } from './library.ts';
import { displayShortest, nameKey, parseModelName } from './names.ts';
import { installModel, isBlobComplete } from './state.ts';

type Progress = { status: string; digest?: string; total?: number; completed?: number } | { error: string };

// Ollama's ProgressResponse has omitempty on digest/total/completed: zero values are left out.
function progressLine(layer: Layer, completed: number): Progress {
  const line: Progress = { status: `pulling ${layer.digest.slice(7, 19)}`, digest: layer.digest, total: layer.size };
  if (completed > 0) line.completed = completed;
  return line;
}

/** The layer digests of what is installed under `name` now (empty when nothing is). */
function installedLayers(ctx: SimContext, name: string): string[] {
  const parsed = parseModelName(name);
  const entry = parsed ? ctx.state.installed.get(nameKey(parsed)) : undefined;
  return entry ? entry.model.layers.map((l) => l.digest) : [];
}

/** Runs the pull, handing each progress object to `emit`; stops early when `signal` aborts. */
export async function runPull(ctx: SimContext, name: string, emit: (p: Progress) => void, signal: AbortSignal): Promise<void> {
  emit({ status: 'pulling manifest' });
  const model = findLibraryModel(name);
  if (!model) {
    emit({ error: 'pull model manifest: file does not exist' });
    return;
  }
  for (const layer of model.layers) {
    if (signal.aborted) return;
    // downloadBlob: a blob already on disk is said once, complete (server/download.go).
    if (isBlobComplete(ctx.state, layer.digest, layer.size)) {
      emit(progressLine(layer, layer.size));
      continue;
    }
    const { dl } = ctx.downloader.acquire(layer.digest, layer.size);
    try {
      // blobDownload.Wait: a line only on each tick of a 60 ms ticker, and none when the blob
      // finishes; so a small layer may never be seen and a layer's last line is usually below
      // its total.
      for (;;) {
        const tick = sleep(ctx.progressIntervalMs, signal).then(() => 'tick' as const);
        const result = await Promise.race([tick, dl.finished]);
        if (signal.aborted || result === false) return;
        if (result === true) break;
        emit(progressLine(layer, dl.completed()));
      }
    } finally {
      dl.release();
    }
  }
  emit({ status: 'verifying sha256 digest' });
  emit({ status: 'writing manifest' });
  // A re-pull that changed the model leaves layers no manifest uses: Ollama prunes them (unless OLLAMA_NOPRUNE).
  const before = installedLayers(ctx, name);
  installModel(ctx.state, name, model);
  if (before.some((d) => !model.layers.some((l) => l.digest === d))) emit({ status: 'removing unused layers' });
  emit({ status: 'success' });
  ctx.log(`pulled ${name}`);
}

export async function handlePull(ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: Json): Promise<void> {
  const raw = (stringField(body, 'model') || stringField(body, 'name')) ?? '';
  const parsed = parseModelName(raw);
  if (!parsed) return sendError(res, 400, 'invalid model name');
  const name = displayShortest(parsed);
  ctx.state.pullCounts.set(name, (ctx.state.pullCounts.get(name) ?? 0) + 1);
  const signal = clientGone(req, res);

  if (body.stream === false) {
    // waitForStream: only the last object is sent; an error becomes a 500.
    const seen: { last: Progress } = { last: { status: '' } };
    await runPull(ctx, name, (p) => (seen.last = p), signal);
    if (signal.aborted) return;
    if ('error' in seen.last) return sendError(res, 500, seen.last.error);
    return sendJson(res, 200, seen.last);
  }

  const stream = startNdjson(res);
  armStreamDisconnect(ctx.faults, res);
  await runPull(ctx, name, (p) => stream.write(p), signal);
  stream.end();
}
