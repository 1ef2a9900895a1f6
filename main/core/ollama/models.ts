// The models Ollama holds (/api/tags) joined with what is loaded (/api/ps), deletion, and
// the facts the cluster side asks for (VRAM in use, size and metadata of a model).
import type { ModelsResult, OllamaModel } from '../../../preload/contract/index.ts';
import { bytesToGib, round2 } from '../../../preload/contract/units.ts';
import type { OllamaFacts } from '../ports.ts';
import type { OllamaClient } from './client.ts';
import { pullKey } from './pulls.ts';

interface TagModel {
  name?: string;
  model?: string;
  size?: number;
  digest?: string;
  modified_at?: string;
  details?: { family?: string; parameter_size?: string; quantization_level?: string };
}
interface PsModel extends TagModel {
  size_vram?: number;
  expires_at?: string;
  context_length?: number;
}

export const sameModel = (a: string, b: string) => pullKey(a) === pullKey(b);

export async function tags(client: OllamaClient, timeoutMs?: number): Promise<TagModel[]> {
  const r = await client.json<{ models?: TagModel[] }>({
    method: 'GET',
    path: '/api/tags',
    safe: true,
    what: 'list models',
    ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
  });
  return Array.isArray(r.models) ? r.models : [];
}

export async function ps(client: OllamaClient): Promise<PsModel[]> {
  const r = await client.json<{ models?: PsModel[] }>({ method: 'GET', path: '/api/ps', safe: true, what: 'list loaded models' });
  return Array.isArray(r.models) ? r.models : [];
}

/** One answer shared by concurrent callers (single-flight) and kept `ttlMs` after it came; a failure is not kept. */
class Kept<T> {
  readonly #ask: () => Promise<T>;
  readonly #ttlMs: number;
  // `at` is null while the request runs: callers meanwhile share it, however long it takes.
  #entry: { p: Promise<T>; at: number | null } | null = null;

  constructor(ask: () => Promise<T>, ttlMs: number) {
    this.#ask = ask;
    this.#ttlMs = ttlMs;
  }

  get(fresh: boolean): Promise<T> {
    const e = this.#entry;
    if (!fresh && e && (e.at === null || Date.now() - e.at < this.#ttlMs)) return e.p;
    const entry: { p: Promise<T>; at: number | null } = { p: this.#ask(), at: null };
    this.#entry = entry;
    entry.p.then(
      () => (entry.at = Date.now()),
      () => this.#entry === entry && (this.#entry = null),
    );
    return entry.p;
  }

  drop(): void {
    this.#entry = null;
  }
}

/**
 * /api/tags and /api/ps shared for a short while: the catalogue's ~40 estimates each ask for
 * the facts of a model, and through the service proxy every request costs. Invalidated when
 * a pull finishes or a model is deleted.
 */
export class OllamaLists {
  readonly #tags: Kept<TagModel[]>;
  readonly #ps: Kept<PsModel[]>;

  constructor(client: OllamaClient, ttlMs = 2_000) {
    this.#tags = new Kept(() => tags(client), ttlMs);
    this.#ps = new Kept(() => ps(client), ttlMs);
  }

  /** What Ollama holds; `fresh` asks again (and keeps that answer for the others). */
  tags(fresh = false): Promise<TagModel[]> {
    return this.#tags.get(fresh);
  }

  /** What is loaded. */
  ps(fresh = false): Promise<PsModel[]> {
    return this.#ps.get(fresh);
  }

  /** Forget what was kept: the next call asks Ollama. */
  invalidate(): void {
    this.#tags.drop();
    this.#ps.drop();
  }
}

/** The seed's model list: always asked afresh (the operator asked), and kept for the others. */
export async function listModels(client: OllamaClient, lists: OllamaLists): Promise<ModelsResult> {
  const [held, loaded] = await Promise.all([lists.tags(true), lists.ps(true).catch(() => [] as PsModel[])]);
  const models: OllamaModel[] = held.map((m) => {
    const name = m.name ?? m.model ?? '';
    const run = loaded.find((l) => sameModel(l.name ?? l.model ?? '', name) || (!!m.digest && l.digest === m.digest));
    const size = typeof m.size === 'number' ? m.size : 0;
    // Every field Ollama returns, as it returns it (details, model, ...), with ours beside.
    return {
      ...m,
      name,
      size,
      size_gb: round2(bytesToGib(size)),
      digest: m.digest ?? '',
      modified_at: m.modified_at ?? '',
      family: m.details?.family ?? '',
      parameter_size: m.details?.parameter_size ?? '',
      quantization_level: m.details?.quantization_level ?? '',
      loaded: !!run,
      size_vram: run && typeof run.size_vram === 'number' ? run.size_vram : null,
      // /api/ps: memory the loaded model takes (size; size_vram of it on the GPU, the rest on the CPU) and the context it runs with.
      loaded_size: run && typeof run.size === 'number' ? run.size : null,
      loaded_context_length: run && typeof run.context_length === 'number' ? run.context_length : null,
      expires_at: run?.expires_at ?? null,
    };
  });
  const route = client.route() ?? { kind: 'none', url: '' };
  return { success: true, models, count: models.length, route };
}

export async function deleteModel(client: OllamaClient, model: string): Promise<void> {
  // Not repeated on 5xx: a delete that went through and lost its answer would then say 404.
  await client.json({ method: 'DELETE', path: '/api/delete', body: { model }, safe: false, what: `delete ${model}` });
}

export function ollamaFacts(client: OllamaClient, lists: OllamaLists): OllamaFacts {
  // The version changes only with a new image: asked once a minute at most.
  const version = new Kept(async () => {
    const r = await client.json<{ version?: unknown }>({ method: 'GET', path: '/api/version', safe: true, what: 'read the Ollama version', signal: AbortSignal.timeout(2000) });
    return typeof r.version === 'string' && r.version !== '' ? r.version : null;
  }, 60_000);
  return {
    version: () => version.get(false).catch(() => null),
    async loadedVramBytes() {
      try {
        return (await lists.ps()).reduce((sum, m) => sum + (typeof m.size_vram === 'number' ? m.size_vram : 0), 0);
      } catch {
        return null;
      }
    },
    async modelFacts(model) {
      try {
        const [held, loaded] = await Promise.all([lists.tags(), lists.ps().catch(() => [] as PsModel[])]);
        const m = held.find((t) => sameModel(t.name ?? t.model ?? '', model));
        if (!m) return null;
        const show = await client.json<{ model_info?: Record<string, unknown>; tensors?: { name?: string; type?: string; shape?: number[] }[] }>({
          method: 'POST',
          path: '/api/show',
          body: { model: m.name ?? model },
          safe: true,
          what: `show ${model}`,
        });
        const run = loaded.find((l) => sameModel(l.name ?? l.model ?? '', model));
        return {
          sizeBytes: typeof m.size === 'number' ? m.size : 0,
          modelInfo: show.model_info ?? {},
          // Tensor types and shapes, when this Ollama lists them: the exact token_embd and whether the output is tied.
          ...(Array.isArray(show.tensors) ? { tensors: show.tensors } : {}),
          ...(m.details?.quantization_level ? { quantization: m.details.quantization_level } : {}),
          // The context it runs with now, when loaded; the cluster side picks a default otherwise.
          ...(typeof run?.context_length === 'number' ? { contextLength: run.context_length } : {}),
        };
      } catch {
        return null;
      }
    },
    route: () => client.route(),
  };
}
