// GPU use over the last hour, kept in memory in the renderer: one sample per GPU status
// read or push (at most one per second), older than an hour dropped.
import { shallowRef, triggerRef } from 'vue';
import type { GpuStatusResult } from '../../preload/contract/index.ts';

export interface GpuSample {
  t: number;
  total: number;
  allocated: number;
  /** null while Ollama is not reachable (no used figure). */
  used: number | null;
  stale: boolean;
}

export const HISTORY_MS = 60 * 60 * 1000;

export function useGpuHistory(now: () => number = Date.now) {
  const samples = shallowRef<GpuSample[]>([]);
  function sample(g: GpuStatusResult) {
    const t = now();
    const s: GpuSample = { t, total: g.gpu_info.total_vram_gb, allocated: g.gpu_info.allocated_vram_gb, used: g.gpu_info.used_vram_gb, stale: Boolean(g.stale) };
    const list = samples.value;
    const last = list[list.length - 1];
    if (last && t - last.t < 1000) list[list.length - 1] = s;
    else list.push(s);
    const cut = t - HISTORY_MS;
    let drop = 0;
    while (drop < list.length && list[drop]!.t < cut) drop++;
    if (drop) list.splice(0, drop);
    triggerRef(samples);
  }
  return { samples, sample };
}
