// The Ollama side of the core: reaching Ollama (routes), its models, pulls, tries and the
// catalogue, as contract handlers, plus the facts the cluster side asks of Ollama.
import type { DeploymentInfo, GenerateResult, Handlers, OllamaTarget } from '../../../preload/contract/index.ts';
import { AppError, notFound } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import type { GpuFacts, OllamaFacts } from '../ports.ts';
import { Catalog } from './catalog.ts';
import { OllamaClient } from './client.ts';
import { generate, generateStream } from './generate.ts';
import { deleteModel, listModels, OllamaLists, ollamaFacts } from './models.ts';
import { PullManager, type PullOptions } from './pulls.ts';
import type { UseDetails } from '../usage/doc.ts';
import { TargetOllamas } from './targets.ts';
import { keepLoaded, unload } from './residency.ts';

type OllamaHandlers = Pick<
  Handlers,
  'listModels' | 'deleteModel' | 'catalog' | 'pullModel' | 'pullProgress' | 'cancelPull' | 'listPulls' | 'testOllamaRoutes' | 'generate' | 'generateStream' | 'cancelGenerate' | 'unloadModel' | 'keepModelLoaded'
>;

export interface OllamaSide {
  handlers: OllamaHandlers;
  facts: OllamaFacts;
  /** The route to the shared Ollama (the Ollama endpoint passes requests through it). */
  client: OllamaClient;
  close(): Promise<void>;
}

/** `deployments`: the model deployments (for a `target`); without it only the shared Ollama is reached. */
export async function createOllamaSide(
  ctx: CoreContext,
  gpu: GpuFacts,
  usage: { track(model: string, use?: UseDetails): Promise<unknown> },
  deployments?: () => Promise<DeploymentInfo[]>,
): Promise<OllamaSide> {
  return createOllamaSideWith(ctx, gpu, usage, {}, deployments);
}

export async function createOllamaSideWith(
  ctx: CoreContext,
  gpu: GpuFacts,
  usage: { track(model: string, use?: UseDetails): Promise<unknown> },
  opts: Partial<PullOptions>,
  deployments: () => Promise<DeploymentInfo[]> = async () => [],
): Promise<OllamaSide> {
  const { log, events } = ctx;
  const client = new OllamaClient(ctx);
  const pullOpts: PullOptions = {
    keepFinishedMs: opts.keepFinishedMs ?? 10 * 60_000,
    eventIntervalMs: opts.eventIntervalMs ?? 250,
    idleTimeoutMs: opts.idleTimeoutMs ?? 120_000,
    reconnectForMs: opts.reconnectForMs ?? 300_000,
  };
  const pulls = new PullManager(client, events, log, pullOpts);
  const lists = new OllamaLists(client);
  const targets = new TargetOllamas(ctx, deployments, pullOpts);
  /** The Ollama an operation names: a model deployment's, or (no target) the shared one as before. */
  const on = async (target: OllamaTarget | undefined) => {
    if (!target) return { client, lists, pulls, where: '' };
    const t = await targets.get(target);
    return { client: t.client, lists: t.lists, pulls: t.pulls, where: ` on ${t.key}'s Ollama` };
  };
  // What Ollama holds changes when a pull ends (even a failed one may have left layers) or a model is
  // deleted; what it has loaded, when a model is tried.
  const offPull = events.on('pullProgress', (p) => {
    if (!p.finished_at) return;
    if (!p.target) lists.invalidate();
    else for (const t of targets.all()) if (t.key === p.target) t.lists.invalidate();
  });
  const catalog = new Catalog(lists, gpu, ctx.env, log);
  // Find a route in the background so health can show one soon; requests wait for it anyway.
  client.resolve().catch(() => {});

  /**
   * Usage counts only what Ollama answered with success, and only an answer to a prompt (an
   * empty one just loads the model); a failure to count does not undo the answer.
   */
  const count = async (model: string, prompt: string, result: GenerateResult, held: OllamaLists) => {
    held.invalidate(); // a try loads the model: /api/ps changed
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
    async listModels({ target }) {
      const o = await on(target);
      return listModels(o.client, o.lists);
    },
    async deleteModel({ model, target }) {
      const o = await on(target);
      try {
        await deleteModel(o.client, model);
      } finally {
        o.lists.invalidate();
      }
      log.info('OLLAMA', `deleted model ${model}${o.where}`);
      return { success: true, message: `Model ${model} deleted${o.where}`, model };
    },
    catalog: () => catalog.get(),
    async pullModel({ model, target }) {
      const o = await on(target);
      const { progress, joined } = o.pulls.start(model);
      return {
        success: true,
        message: joined ? `Pull of ${model}${o.where} already running; joined it` : `Pull of ${model}${o.where} started`,
        model,
        progress,
        joined,
      };
    },
    async pullProgress({ model, target }) {
      const o = await on(target);
      const p = o.pulls.get(model);
      if (!p) throw notFound(`no pull of ${model}${o.where} in this run`, { model });
      return p;
    },
    async cancelPull({ model, target }) {
      const o = await on(target);
      const r = await o.pulls.cancel(model);
      if (r === 'unknown') throw notFound(`no pull of ${model}${o.where} in this run`, { model });
      if (r === 'finished') throw new AppError(409, `the pull of ${model}${o.where} has already finished`, { model, progress: o.pulls.get(model) });
      return { success: true, message: `Pull of ${model}${o.where} cancelled; a later pull resumes it`, model };
    },
    testOllamaRoutes: async () => ({ success: true, routes: await client.testRoutes() }),
    async listPulls() {
      // Every Ollama's pulls: the shared one's, then each deployment's (they carry `target`).
      return { success: true, pulls: [...pulls.list(), ...targets.all().flatMap((t) => t.pulls.list())] };
    },
    async unloadModel({ model, target }) {
      const o = await on(target);
      await unload(o.client, model);
      o.lists.invalidate();
      log.info('OLLAMA', `unloaded ${model}${o.where}`);
      return { success: true, message: `Model ${model} unloaded${o.where}`, model };
    },
    async keepModelLoaded({ model, target }) {
      const o = await on(target);
      await keepLoaded(o.client, model);
      o.lists.invalidate();
      log.info('OLLAMA', `keeping ${model} loaded${o.where}`);
      return { success: true, message: `Model ${model} loaded${o.where} and kept loaded until unloaded`, model };
    },
    async generate({ model, prompt, target, ...o }) {
      const at = await on(target);
      const result = await generate(at.client, model, prompt, o);
      await count(model, prompt, result, at.lists);
      return result;
    },
    async generateStream({ model, prompt, stream_id, target, ...o }) {
      if (streams.has(stream_id)) throw new AppError(409, `a stream ${stream_id} is already running`, { field: 'stream_id' });
      const at = await on(target);
      const stop = new AbortController();
      streams.set(stream_id, stop);
      try {
        const result = await generateStream(at.client, events, model, prompt, stream_id, o, stop.signal);
        await count(model, prompt, result, at.lists);
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
      await targets.close();
      await pulls.close();
      await catalog.close();
      await client.close();
    },
  };
}
