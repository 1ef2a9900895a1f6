// VRAM estimates for a model deployment's Ollama: the catalogue's own estimates are for a new
// deployment at the default context; a deployment runs with its own context (what its
// /api/ps reported), so the estimate op is asked again with that context, a few at a time.
import { ref, watch, type Ref } from 'vue';
import type { VramEstimate } from '../../preload/contract/index.ts';
import { api } from '../api/index.ts';

const AT_ONCE = 4;

export function useTargetEstimates(models: Ref<string[]>, contextLength: Ref<number | null>) {
  const estimates = ref<Record<string, VramEstimate>>({});
  let generation = 0;
  watch(
    [models, contextLength],
    async ([names, ctx]) => {
      const mine = ++generation;
      if (ctx === null) {
        estimates.value = {};
        return;
      }
      const todo = names.filter((n) => estimates.value[n]?.context_length !== ctx);
      const next = async (): Promise<void> => {
        const name = todo.shift();
        if (!name || mine !== generation) return;
        try {
          const r = await api.estimateVram({ model: name, context_length: ctx });
          if (mine === generation) estimates.value = { ...estimates.value, [name]: r.estimate };
        } catch {
          // Left to the catalogue's own estimate.
        }
        return next();
      };
      await Promise.all(Array.from({ length: AT_ONCE }, next));
    },
    { immediate: true },
  );
  return { estimates };
}
