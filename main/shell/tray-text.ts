// What the tray says about the GPUs, from a gpuStatus answer. No electron here.
import type { GpuStatusResult, OllamaModel, PullProgress } from '../../preload/contract/index.ts';
import { bytesToGib } from '../../preload/contract/units.ts';

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

/** A menu line as Electron's Menu.buildFromTemplate takes it (the part this uses). */
export type MenuLine = { label: string; enabled: false } | { type: 'separator' };

/** The menu stays a menu on a 500-node cluster. */
const MAX_NODE_LINES = 8;
const gib = (v: number) => `${round(v)} GiB`;

/** The menu's lines about the cluster: one per GPU node, the loaded models, the pulls running. */
export function statusLines(status: GpuStatusResult | null, loaded: OllamaModel[], pulls: PullProgress[]): MenuLine[] {
  const lines: MenuLine[] = [];
  const nodes = status?.gpu_info.nodes ?? [];
  for (const n of nodes.slice(0, MAX_NODE_LINES)) {
    lines.push({ label: `${n.name}: ${gib(n.allocated_vram_gb)} of ${gib(n.total_vram_gb)} allocated · ${gib(n.largest_free_unit_gb)} free on one GPU${n.ready ? '' : ' · not ready'}`, enabled: false });
  }
  if (nodes.length > MAX_NODE_LINES) lines.push({ label: `… and ${nodes.length - MAX_NODE_LINES} more GPU nodes`, enabled: false });
  if (loaded.length) {
    lines.push({ type: 'separator' });
    for (const m of loaded) lines.push({ label: `Loaded: ${m.name}${m.size_vram !== null ? ` (${gib(bytesToGib(m.size_vram))} VRAM)` : ''}`, enabled: false });
  }
  if (pulls.length) {
    lines.push({ type: 'separator' });
    for (const p of pulls) lines.push({ label: `Pulling ${p.model}: ${p.progress}%`, enabled: false });
  }
  return lines;
}
