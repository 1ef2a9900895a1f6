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
