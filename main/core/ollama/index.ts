// The Ollama side of the core: reaching Ollama (routes), its models, pulls, tries and the
// catalogue, as contract handlers, plus the facts the cluster side asks of Ollama.
import type { GenerateResult, Handlers } from '../../../preload/contract/index.ts';
import { AppError, notFound } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import type { GpuFacts, OllamaFacts } from '../ports.ts';
import { Catalog } from './catalog.ts';
import { OllamaClient } from './client.ts';
import { generate, generateStream } from './generate.ts';
import { deleteModel, listModels, OllamaLists, ollamaFacts } from './models.ts';
import { PullManager, type PullOptions } from './pulls.ts';
import type { UseDetails } from '../usage/doc.ts';

type OllamaHandlers = Pick<
  Handlers,
  'listModels' | 'deleteModel' | 'catalog' | 'pullModel' | 'pullProgress' | 'cancelPull' | 'listPulls' | 'generate' | 'generateStream' | 'cancelGenerate'
>;

export interface OllamaSide {
  handlers: OllamaHandlers;
  facts: OllamaFacts;
  /** The route to the shared Ollama (the Ollama endpoint passes requests through it). */
  client: OllamaClient;
  close(): Promise<void>;
}

export async function createOllamaSide(ctx: CoreContext, gpu: GpuFacts, usage: { track(model: string, use?: UseDetails): Promise<unknown> }): Promise<OllamaSide> {
  return createOllamaSideWith(ctx, gpu, usage, {});
}

export async function createOllamaSideWith(
  ctx: CoreContext,
  gpu: GpuFacts,
  usage: { track(model: string, use?: UseDetails): Promise<unknown> },
  opts: Partial<PullOptions>,
): Promise<OllamaSide> {
  const { log, events } = ctx;
  const client = new OllamaClient(ctx);
  const pulls = new PullManager(client, events, log, {
    keepFinishedMs: opts.keepFinishedMs ?? 10 * 60_000,
    eventIntervalMs: opts.eventIntervalMs ?? 250,
    idleTimeoutMs: opts.idleTimeoutMs ?? 120_000,
    reconnectForMs: opts.reconnectForMs ?? 300_000,
  });
  const lists = new OllamaLists(client);
  // What Ollama holds changes when a pull ends (even a failed one may have left layers) or a model is
  // deleted; what it has loaded, when a model is tried.
  const offPull = events.on('pullProgress', (p) => {
    if (p.finished_at) lists.invalidate();
  });
  const catalog = new Catalog(lists, gpu, ctx.env, log);
  // Find a route in the background so health can show one soon; requests wait for it anyway.
  client.resolve().catch(() => {});

  /**
   * Usage counts only what Ollama answered with success, and only an answer to a prompt (an
   * empty one just loads the model); a failure to count does not undo the answer.
   */
  const count = async (model: string, prompt: string, result: GenerateResult) => {
    lists.invalidate(); // a try loads the model: /api/ps changed
    // Only spaces is no question either: not a use.
    if (prompt.trim() === '') return;
    try {
      // With Ollama's token counts, as the Ollama endpoint counts its clients' uses.
      await usage.track(model, { prompt_tokens: result.metrics.prompt_eval_count, completion_tokens: result.metrics.eval_count });
    } catch (err) {
      log.warn('USAGE', `could not count use of ${model}: ${(err as Error).message}`);
    }
  };

  // Running generateStream calls by stream_id, so cancelGenerate can stop one.
  const streams = new Map<string, AbortController>();
  const handlers: OllamaHandlers = {
    listModels: () => listModels(client, lists),
    async deleteModel({ model }) {
      try {
        await deleteModel(client, model);
      } finally {
        lists.invalidate();
      }
      log.info('OLLAMA', `deleted model ${model}`);
      return { success: true, message: `Model ${model} deleted`, model };
    },
    catalog: () => catalog.get(),
    async pullModel({ model }) {
      const { progress, joined } = pulls.start(model);
      return {
        success: true,
        message: joined ? `Pull of ${model} already running; joined it` : `Pull of ${model} started`,
        model,
        progress,
        joined,
      };
    },
    async pullProgress({ model }) {
      const p = pulls.get(model);
      if (!p) throw notFound(`no pull of ${model} in this run`, { model });
      return p;
    },
    async cancelPull({ model }) {
      const r = await pulls.cancel(model);
      if (r === 'unknown') throw notFound(`no pull of ${model} in this run`, { model });
      if (r === 'finished') throw new AppError(409, `the pull of ${model} has already finished`, { model, progress: pulls.get(model) });
      return { success: true, message: `Pull of ${model} cancelled; a later pull resumes it`, model };
    },
    async listPulls() {
      return { success: true, pulls: pulls.list() };
    },
    async generate({ model, prompt, ...o }) {
      const result = await generate(client, model, prompt, o);
      await count(model, prompt, result);
      return result;
    },
    async generateStream({ model, prompt, stream_id, ...o }) {
      if (streams.has(stream_id)) throw new AppError(409, `a stream ${stream_id} is already running`, { field: 'stream_id' });
      const stop = new AbortController();
      streams.set(stream_id, stop);
      try {
        const result = await generateStream(client, events, model, prompt, stream_id, o, stop.signal);
        await count(model, prompt, result);
        return result;
      } finally {
        streams.delete(stream_id);
      }
    },
    async cancelGenerate({ stream_id }) {
      const stop = streams.get(stream_id);
      if (!stop) throw notFound(`no running stream ${stream_id}`, { field: 'stream_id' });
      stop.abort();
      return { success: true, message: `Stream ${stream_id} stopped`, stream_id };
    },
  };

  return {
    handlers,
    facts: ollamaFacts(client, lists),
    client,
    async close() {
      offPull();
      await pulls.close();
      await catalog.close();
      await client.close();
    },
  };
}
