// GPU status from the caches: capacity per device group, what the pods holding GPUs
// reserve, what Ollama has loaded, and the largest single free unit (the test of fit).
import type { GpuDeviceGroup, GpuInfo, GpuNode } from '../../../preload/contract/index.ts';
import type { NodeLite, PodLite } from '../kube/objects.ts';
import { nodeGpuGroups } from './capacity.ts';
import { bytesToGb, round2 } from './units.ts';

export const ESTIMATE_ANNOTATION = 'model-manager/estimated-vram-gb';

/** A pod holds its GPUs once it is bound to a node and until it ends. */
export const holdsGpu = (pod: PodLite): boolean => Boolean(pod.nodeName) && (pod.phase === 'Running' || pod.phase === 'Pending');

export interface GpuStatusInput {
  nodes: Iterable<NodeLite>;
  pods: Iterable<PodLite>;
  defaultVramGb: number;
  /** Sum of Ollama's /api/ps size_vram, null when Ollama is unreachable. */
  loadedVramBytes: number | null;
}

export function computeGpuInfo(input: GpuStatusInput): GpuInfo {
  const holders = new Map<string, PodLite[]>();
  for (const pod of input.pods) {
    if (!holdsGpu(pod) || !Object.keys(pod.gpuRequests).length) continue;
    const list = holders.get(pod.nodeName!) ?? [];
    list.push(pod);
    holders.set(pod.nodeName!, list);
  }

  const nodes: GpuNode[] = [];
  for (const node of input.nodes) {
    const caps = nodeGpuGroups(node, input.defaultVramGb);
    if (!caps.length) continue;
    const pods = holders.get(node.name) ?? [];
    const groups: GpuDeviceGroup[] = caps.map((cap) => {
      let units = 0;
      let vram = 0;
      for (const pod of pods) {
        const n = pod.gpuRequests[cap.resource] ?? 0;
        if (n <= 0) continue;
        units += n;
        // The app's own pods say what they need; others reserve the unit they got.
        const estimate = Number(pod.annotations[ESTIMATE_ANNOTATION]);
        vram += Number.isFinite(estimate) && estimate > 0 ? Math.min(estimate, n * cap.addressable_gb) : n * cap.vram_per_unit_gb;
      }
      const { addressable_gb: _a, ...rest } = cap;
      const free = Math.max(0, cap.units - units);
      const group: GpuDeviceGroup = {
        ...rest,
        vram_per_unit_gb: round2(cap.vram_per_unit_gb),
        total_vram_gb: round2(cap.total_vram_gb),
        allocated_units: Math.min(units, cap.units),
        allocated_vram_gb: round2(Math.min(vram, cap.total_vram_gb)),
        free_units: free,
        usable_gb: 0,
      };
      group.usable_gb = free > 0 ? round2(largestFree(group, cap.addressable_gb)) : 0;
      if (cap.sharing === 'time-slicing') group.sharing_note = timeSlicedNote(cap, group, units);
      return group;
    });
    const schedulable = node.ready && !node.unschedulable;
    const largest = schedulable ? Math.max(0, ...groups.map((g, i) => largestFree(g, caps[i]!.addressable_gb))) : 0;
    const total = sum(groups.map((g) => g.total_vram_gb));
    const allocated = sum(groups.map((g) => g.allocated_vram_gb));
    nodes.push({
      name: node.name,
      ready: node.ready,
      groups,
      total_vram_gb: round2(total),
      allocated_vram_gb: round2(allocated),
      available_vram_gb: round2(Math.max(0, total - allocated)),
      largest_free_unit_gb: round2(largest),
    });
  }
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  return summarizeNodes(nodes, input.loadedVramBytes);
}

/** The cluster's figures from its GPU nodes (sorted by name) and Ollama's loaded bytes (null: unknown). */
export function summarizeNodes(nodes: GpuNode[], loaded: number | null): GpuInfo {
  const total = sum(nodes.map((n) => n.total_vram_gb));
  const allocated = sum(nodes.map((n) => n.allocated_vram_gb));
  return {
    total_vram_gb: round2(total),
    allocated_vram_gb: round2(allocated),
    available_vram_gb: round2(Math.max(0, total - allocated)),
    utilization_percent: total > 0 ? Math.round((allocated / total) * 1000) / 10 : 0,
    gpu_count: sum(nodes.flatMap((n) => n.groups.map((g) => g.physical_gpus))),
    used_vram_gb: loaded === null ? null : round2(bytesToGb(loaded)),
    used_source: loaded === null ? 'unavailable' : 'ollama-ps',
    largest_free_gpu_gb: round2(Math.max(0, ...nodes.map((n) => n.largest_free_unit_gb))),
    nodes,
  };
}

/** A free unit of a shared GPU can use what the other replicas leave; a whole GPU or slice is its own. */
function largestFree(g: GpuDeviceGroup, addressable: number): number {
  if (g.free_units <= 0) return 0;
  if (g.sharing === 'time-slicing') return Math.max(0, Math.min(addressable, g.total_vram_gb - g.allocated_vram_gb));
  return g.vram_per_unit_gb;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Why a time-sliced unit's figure is not total ÷ replicas: the replicas share one GPU's memory
 * with no isolation, so a new tenant can use what the others leave of the whole GPU.
 */
function timeSlicedNote(cap: { units: number; physical_gpus: number; product: string; addressable_gb: number; vram_per_unit_gb: number }, g: GpuDeviceGroup, tenants: number): string {
  const whole = round2(cap.addressable_gb);
  const gpus = cap.physical_gpus === 1 ? `one ${cap.product} GPU` : `${cap.physical_gpus} ${cap.product} GPUs`;
  const held = tenants
    ? `its ${tenants} tenant${tenants === 1 ? '' : 's'} hold${tenants === 1 ? 's' : ''} ${g.allocated_vram_gb} GiB (this app's pods by their estimate, other pods ${round2(cap.vram_per_unit_gb)} GiB each, an even share)`
    : 'no tenant holds any of it yet';
  return `${cap.units} time-sliced units of ${gpus} (${whole} GiB each): no memory isolation, every tenant sees the whole ${whole} GiB; ${held}, so a new deployment there can use ${g.usable_gb} GiB`;
}
