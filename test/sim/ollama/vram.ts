// Memory a loaded model takes, by REFERENCE.md's formula (Ollama's PredictServerVRAM):
// weights (GGUF size) + KV cache = 2 (K and V) * blocks * kv heads * head dim * context * 2 bytes (f16).
import { weightsBytes, type LibraryModel } from './library.ts';

/** Context Ollama gives a model when the request does not set num_ctx (GPUs under 24 GiB). */
export const DEFAULT_NUM_CTX = 4096;

export function headDim(m: LibraryModel): number {
  // Gemma sets the head size explicitly; elsewhere it is embedding / heads.
  return m.spec.keyLength ?? m.spec.embedding / m.spec.heads;
}

export function kvCacheBytes(m: LibraryModel, numCtx: number): number {
  return 2 * m.spec.blocks * m.spec.kvHeads * headDim(m) * numCtx * 2;
}

export function predictedVram(m: LibraryModel, numCtx: number): number {
  return weightsBytes(m) + kvCacheBytes(m, numCtx);
}
