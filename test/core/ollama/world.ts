// The Ollama side on the simulated cluster: a context on the sim's kubeconfig with the
// routes a test asks for, a stand-in for the cluster side's GpuFacts port, and a usage
// recorder that keeps what was counted.
import type { OllamaRouteInfo, VramEstimate } from '../../../preload/contract/index.ts';
import type { GpuFacts } from '../../../main/core/ports.ts';
import { createOllamaSideWith, type OllamaSide } from '../../../main/core/ollama/index.ts';
import type { PullOptions } from '../../../main/core/ollama/pulls.ts';
import type { KubeSim } from '../../sim/index.ts';
import { testContext } from '../usage/context.ts';

type RouteKind = 'explicit' | 'service-proxy' | 'port-forward' | 'service-dns' | 'localhost';

export const fakeGpu = (largest = 10, available = 20): GpuFacts & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    freeVram: async () => ({ available_vram_gb: available, largest_free_gpu_gb: largest }),
    estimate: async (model: string): Promise<VramEstimate> => {
      asked.push(model);
      const b = Number(/:(\d+(?:\.\d+)?)b/.exec(model)?.[1] ?? 7);
      const weights = Math.round(b * 0.6 * 10) / 10;
      return { model, required_vram_gb: weights + 1, weights_gb: weights, kv_cache_gb: 0.5, overhead_gb: 0.5, context_length: 4096, method: 'name', detail: 'test' };
    },
  };
};

export interface World {
  side: OllamaSide;
  ctx: ReturnType<typeof testContext>;
  tracked: string[];
  route(): OllamaRouteInfo | null;
  close(): Promise<void>;
}

export async function makeWorld(
  kube: KubeSim,
  o: { routes: RouteKind[]; ollamaUrl?: string | null; env?: NodeJS.ProcessEnv; gpu?: GpuFacts; pulls?: Partial<PullOptions>; trackFails?: boolean },
): Promise<World> {
  const ctx = testContext({ kubeconfigYaml: kube.kubeconfig(), env: o.env ?? {} });
  ctx.settings.update({ ollamaRoutes: o.routes, ollamaUrl: o.ollamaUrl ?? null });
  const tracked: string[] = [];
  const usage = {
    track: async (model: string) => {
      if (o.trackFails) throw new Error('journal full');
      tracked.push(model);
    },
  };
  const side = await createOllamaSideWith(ctx, o.gpu ?? fakeGpu(), usage, o.pulls ?? {});
  return { side, ctx, tracked, route: () => side.facts.route(), close: () => side.close() };
}

export async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    v = await fn();
  }
  return v;
}
