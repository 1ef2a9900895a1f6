// The Ollamas the app reaches: the shared one and each managed model deployment's own (its
// Service), for the pickers of the Models and Try views; and, for a deployment, the GPU unit
// its pod holds (from the GPU holders and the GPU status), so a fit can be shown against it.
import { computed, ref, watch } from 'vue';
import type { GpuHolder } from '../../preload/contract/index.ts';
import { api } from '../api/index.ts';
import { useClusterStore } from '../stores/cluster.ts';
import { useOllamaStore } from '../stores/ollama.ts';

export interface TargetChoice {
  key: string;
  label: string;
}

export interface TargetUnit {
  node: string;
  resource: string;
  product: string;
  memory_gb: number;
}

export function useOllamaTargets() {
  const cluster = useClusterStore();
  const ollama = useOllamaStore();
  const choices = computed<TargetChoice[]>(() => [
    { key: '', label: 'Shared Ollama (ollama-service)' },
    ...cluster.deployments
      .filter((d) => d.managed && d.model_id)
      .map((d) => ({ key: `${d.namespace}/${d.name}`, label: `${d.namespace}/${d.name} · ${d.model_id} · ${d.status}` }))
      .sort((a, b) => a.key.localeCompare(b.key)),
  ]);
  const deployment = computed(() => (ollama.target ? (cluster.deployments.find((d) => `${d.namespace}/${d.name}` === ollama.target) ?? null) : null));

  const holders = ref<GpuHolder[]>([]);
  async function refreshHolders() {
    if (!ollama.target) return;
    try {
      holders.value = (await api.gpuHolders({})).holders;
    } catch {
      holders.value = [];
    }
  }
  watch(() => ollama.target, () => void refreshHolders(), { immediate: true });

  /** The unit the chosen deployment's pod holds (its memory per unit times the units held), or null (shared Ollama, or not scheduled yet). */
  const unit = computed<TargetUnit | null>(() => {
    const h = holders.value.find((x) => x.deployment === ollama.target);
    if (!h) return null;
    const node = cluster.gpu?.gpu_info.nodes.find((n) => n.name === h.node);
    const group = node?.groups.find((g) => g.resource === h.resource);
    if (!group) return null;
    return { node: h.node, resource: h.resource, product: group.product, memory_gb: Math.round(group.vram_per_unit_gb * h.units * 100) / 100 };
  });

  return { choices, deployment, unit, refreshHolders };
}
