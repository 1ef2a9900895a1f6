// What the cluster side and the Ollama side need of each other, so that each can be
// built and tested on its own and the manager wires them together.
import type { FitResult, OllamaRouteInfo, VramEstimate } from '../../preload/contract/index.ts';

/** Provided by the Ollama side (main/core/ollama). */
export interface OllamaFacts {
  /** Sum of `size_vram` of `/api/ps`, in bytes; null when Ollama is unreachable. */
  loadedVramBytes(): Promise<number | null>;
  /** `/api/tags` size and `/api/show` model_info of a model Ollama holds; null when it has none or is unreachable. */
  modelFacts(model: string): Promise<{ sizeBytes: number; modelInfo: Record<string, unknown>; contextLength?: number; tensors?: { name?: string; type?: string; shape?: number[] }[]; quantization?: string } | null>;
  /** The route in use, null when none answers. */
  route(): OllamaRouteInfo | null;
  /** What its /api/version says (its memory rules follow it); null when it does not answer. */
  version?(): Promise<string | null>;
}

/** Provided by the cluster side (main/core/cluster, main/core/vram). */
export interface GpuFacts {
  /** Free VRAM now: the cluster-wide sum and the largest single free GPU unit; `capacity_note` when RBAC hides part of it. */
  freeVram(): Promise<{ available_vram_gb: number; largest_free_gpu_gb: number; capacity_note?: string }>;
  estimate(model: string): Promise<VramEstimate>;
  /** The estimate on the unit a new deployment would get, and whether it runs entirely on it (the catalogue's `fits`). */
  estimateFit?(model: string): Promise<{ estimate: VramEstimate; fit: FitResult }>;
}
