// POST /api/push: Ollama's PushHandler and PushModel (server/routes.go, server/images.go) with the
// upload rhythm of server/upload.go. There is no real registry: the manifest and blobs go to the
// simulated library (library.ts publishModel), so a later pull of that name from another simulated
// Ollama in this process finds it. The real registry would also ask for a key of that namespace;
// the simulated one accepts every push.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import { clientGone, sendError, sendJson, sleep, startNdjson, stringField, type Json } from './http-util.ts';
import { publishModel, registryHasBlob, type Layer } from './library.ts';
import { displayShortest, nameKey, parseModelName } from './names.ts';

type Progress = { status: string; digest?: string; total?: number; completed?: number } | { error: string };

function pushLine(layer: Layer, completed: number): Progress {
  const line: Progress = { status: `pushing ${layer.digest.slice(7, 19)}`, digest: layer.digest, total: layer.size };
  if (completed > 0) line.completed = completed; // omitempty
  return line;
}

async function runPush(ctx: SimContext, raw: string, emit: (p: Progress) => void, signal: AbortSignal): Promise<void> {
  emit({ status: 'retrieving manifest' });
  const parsed = parseModelName(raw);
  const entry = parsed ? ctx.state.installed.get(nameKey(parsed)) : undefined;
  if (!parsed || !entry) {
    emit({ status: "couldn't retrieve manifest" });
    const n = parsed ?? { host: '', namespace: '', model: raw, tag: '' };
    emit({ error: `open /root/.ollama/models/manifests/${n.host}/${n.namespace}/${n.model}/${n.tag}: no such file or directory` });
    return;
  }
  // Layers, then the config blob (the library model keeps the config last already).
  for (const layer of entry.model.layers) {
    if (signal.aborted) return;
    // uploadBlob: a blob the registry has (its HEAD answers) is one line, complete.
    if (registryHasBlob(layer.digest)) {
      emit(pushLine(layer, layer.size));
      continue;
    }
    // blobUpload.Wait: a line on every 60 ms tick, and the tick after the upload ends still
    // reports it (completed == total) before moving on, so every uploaded blob is seen.
    const started = Date.now();
    const sent = () => Math.min(layer.size, Math.floor((ctx.pushBytesPerSecond * (Date.now() - started)) / 1000));
    for (;;) {
      await sleep(ctx.progressIntervalMs, signal);
      if (signal.aborted) return;
      const done = sent();
      emit(pushLine(layer, done));
      if (done >= layer.size) break;
    }
  }
  emit({ status: 'pushing manifest' });
  publishModel(displayShortest(parsed), entry.model);
  emit({ status: 'success' });
  ctx.log(`pushed ${entry.name}`);
}

export async function handlePush(ctx: SimContext, req: IncomingMessage, res: ServerResponse, body: Json): Promise<void> {
  const raw = stringField(body, 'model') || stringField(body, 'name') || '';
  if (raw === '') return sendError(res, 400, 'model is required');
  const signal = clientGone(req, res);
  if (body.stream === false) {
    // waitForStream: the last status, or the error as a 500.
    const seen: { last: Progress } = { last: { status: '' } };
    await runPush(ctx, raw, (p) => (seen.last = 'error' in seen.last ? seen.last : p), signal);
    if (signal.aborted) return;
    if ('error' in seen.last) return sendError(res, 500, seen.last.error);
    return sendJson(res, 200, seen.last);
  }
  const stream = startNdjson(res);
  await runPush(ctx, raw, (p) => stream.write(p), signal);
  stream.end();
}
