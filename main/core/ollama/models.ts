// The models Ollama holds (/api/tags) joined with what is loaded (/api/ps), deletion, and
// the facts the cluster side asks for (VRAM in use, size and metadata of a model).
import type { ModelsResult, OllamaModel } from '../../../preload/contract/index.ts';
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

export async function listModels(client: OllamaClient): Promise<ModelsResult> {
  const [held, loaded] = await Promise.all([tags(client), ps(client).catch(() => [] as PsModel[])]);
  const models: OllamaModel[] = held.map((m) => {
    const name = m.name ?? m.model ?? '';
    const run = loaded.find((l) => sameModel(l.name ?? l.model ?? '', name) || (!!m.digest && l.digest === m.digest));
    const size = typeof m.size === 'number' ? m.size : 0;
    return {
      name,
      size,
      size_gb: Math.round((size / 1e9) * 100) / 100,
      digest: m.digest ?? '',
      modified_at: m.modified_at ?? '',
      family: m.details?.family ?? '',
      parameter_size: m.details?.parameter_size ?? '',
      quantization_level: m.details?.quantization_level ?? '',
      loaded: !!run,
      size_vram: run && typeof run.size_vram === 'number' ? run.size_vram : null,
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

export function ollamaFacts(client: OllamaClient): OllamaFacts {
  return {
    async loadedVramBytes() {
      try {
        return (await ps(client)).reduce((sum, m) => sum + (typeof m.size_vram === 'number' ? m.size_vram : 0), 0);
      } catch {
        return null;
      }
    },
    async modelFacts(model) {
      try {
        const [held, loaded] = await Promise.all([tags(client), ps(client).catch(() => [] as PsModel[])]);
        const m = held.find((t) => sameModel(t.name ?? t.model ?? '', model));
        if (!m) return null;
        const show = await client.json<{ model_info?: Record<string, unknown> }>({
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
