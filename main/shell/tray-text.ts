// What the tray says about the GPUs, from a gpuStatus answer. No electron here.
import type { GpuStatusResult } from '../../preload/contract/index.ts';

export interface TrayText {
  /** Short, for the macOS menu bar title and the first menu line. */
  title: string;
  /** Several lines, for the tooltip. */
  tooltip: string;
}

const round = (v: number) => (Math.abs(v) >= 10 ? Math.round(v).toString() : (Math.round(v * 10) / 10).toString());

export function trayText(status: GpuStatusResult | null, error?: string | null): TrayText {
  if (!status) {
    const why = error ? `: ${error}` : '';
    return { title: 'GPU ?', tooltip: `Kubernetes Model Manager\nGPU status unavailable${why}` };
  }
  const g = status.gpu_info;
  // Capacity unknown (RBAC forbids listing nodes) is not "no GPUs": say what is missing.
  if (g.total_vram_gb <= 0 && status.capacity_note) return { title: 'GPU ?', tooltip: `Kubernetes Model Manager\n${status.capacity_note}` };
  if (g.total_vram_gb <= 0) return { title: 'GPU none', tooltip: 'Kubernetes Model Manager\nNo GPU nodes found' };
  // utilization_percent is the allocated share (allocated / total VRAM), not GPU compute use: say so.
  const title = `GPU ${Math.round(g.utilization_percent)}% allocated · ${round(g.allocated_vram_gb)}/${round(g.total_vram_gb)} GiB`;
  const lines = [
    'Kubernetes Model Manager',
    `${g.gpu_count} GPU${g.gpu_count === 1 ? '' : 's'}: ${round(g.allocated_vram_gb)} of ${round(g.total_vram_gb)} GiB allocated (allocated share ${g.utilization_percent.toFixed(1)}%)`,
    g.used_vram_gb === null ? 'Used by Ollama: unknown' : `Used by Ollama: ${round(g.used_vram_gb)} GiB`,
    `Available: ${round(g.available_vram_gb)} GiB · largest free GPU ${round(g.largest_free_gpu_gb)} GiB`,
  ];
  if (error) lines.push(`(stale: ${error})`);
  return { title, tooltip: lines.join('\n') };
}
