// What Ollama needs in the pod's RAM (its memory request and limit), not in VRAM: the Ollama
// server and llama-server processes with their CUDA host buffers, the token embedding table
// llama.cpp keeps in host memory, and the layers that run on the CPU when part of the model
// does not fit the GPU unit (REFERENCE.md, "Who decides the layout").
import type { ModelFacts } from '../vram/model-facts.ts';
import { GIB, round2 } from '../vram/units.ts';

/** Ollama + llama-server processes, CUDA host-side buffers and load staging (GiB). */
export const HOST_BASE_GB = 2;

export function hostMemoryNeed(facts: ModelFacts, offloadedGb: number): { gb: number; how: string } {
  const embd = facts.tied ? 0 : facts.embeddingTableBytes / GIB;
  const gb = round2(HOST_BASE_GB + embd + offloadedGb);
  const parts = [`${HOST_BASE_GB} GiB for the Ollama and llama-server processes`];
  if (embd > 0) parts.push(`${round2(embd)} GiB token embeddings kept in host memory`);
  if (offloadedGb > 0) parts.push(`${round2(offloadedGb)} GiB of layers run on the CPU`);
  return { gb, how: parts.join(' + ') };
}

const SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, m: 1e-3 };

/** A Kubernetes memory quantity ("1069547520Ki", "64Gi", "128e6") in bytes; NaN when unreadable. */
export function memoryBytes(q: string | undefined): number {
  const m = /^([0-9.]+(?:e[0-9]+)?)([KMGTP]i|[kMGTPm])?$/.exec((q ?? '').trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] ? SUFFIX[m[2]]! : 1);
}

/** The most RAM (GiB) any of these nodes can give a pod: its allocatable memory; null when none says. */
export function largestNodeRamGb(nodes: { name: string; allocatable: Record<string, string> }[]): { gb: number; node: string } | null {
  let best: { gb: number; node: string } | null = null;
  for (const n of nodes) {
    const b = memoryBytes(n.allocatable.memory);
    if (Number.isFinite(b) && (!best || b / GIB > best.gb)) best = { gb: round2(b / GIB), node: n.name };
  }
  return best;
}
