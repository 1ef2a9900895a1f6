// What an Ollama version does with memory (REFERENCE.md, "How much VRAM a model needs"):
// its default context, who lays the model out (llama.cpp's fit with a 1 GiB margin, or
// Ollama's own llm/memory.go before v0.12.11 with its 457 MiB reserve), and its batch size.
import { GIB, MIB } from './units.ts';

/** "0.12.6", "v0.15.5", "0.13.5-rocm" -> [0, 12, 6]; null for "latest", "" or a digest. */
export function parseVersion(v: string | null | undefined): [number, number, number] | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec((v ?? '').trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** a >= b; an unknown version ("latest") counts as the newest. */
export function versionAtLeast(v: string | null | undefined, min: string): boolean {
  const a = parseVersion(v);
  const b = parseVersion(min)!;
  if (!a) return true;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/** The Ollama version an image reference pins ("ollama/ollama:0.13.5" -> "0.13.5"); "latest" when it pins none. */
export function versionOfImage(image: string): string {
  const ref = image.split('@')[0]!;
  const colon = ref.lastIndexOf(':');
  const tag = colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : '';
  return parseVersion(tag) ? tag.replace(/^v/, '') : 'latest';
}

/** Since v0.15.5 the default context comes from the GPU's memory (server/routes.go). */
export const MEMORY_DEFAULT_SINCE = '0.15.5';
/** llm/memory.go (Ollama's own layout) was removed in v0.12.11; llama.cpp's fit decides since. */
export const LLAMA_FIT_SINCE = '0.12.11';
/** v0.6.7 raised the fixed default from 2048 to 4096. */
export const CTX_4096_SINCE = '0.6.7';

/** llama.cpp's fit keeps 1024 MiB free per device. */
export const LLAMA_FIT_MARGIN_BYTES = GIB;
/** llm/memory.go's minimum per GPU. */
export const OLLAMA_RESERVE_BYTES = 457 * MIB;

export interface DefaultContext {
  context: number;
  why: string;
}

/** num_ctx when neither the request nor OLLAMA_CONTEXT_LENGTH sets one (before the cap at the training context). */
export function defaultContext(version: string, gpuMemoryGiB: number | null): DefaultContext {
  const named = parseVersion(version) ? `Ollama ${version}` : `Ollama ${version} (taken as ${MEMORY_DEFAULT_SINCE} or newer)`;
  if (versionAtLeast(version, MEMORY_DEFAULT_SINCE)) {
    if (gpuMemoryGiB === null) return { context: 4096, why: `${named} picks the default from the GPU's memory, which is not known here: 4096 assumed (the value below 23 GiB)` };
    const g = Math.round(gpuMemoryGiB * 100) / 100;
    if (gpuMemoryGiB >= 47) return { context: 262144, why: `${named} default for ${g} GiB of GPU memory (47 GiB or more): 262144` };
    if (gpuMemoryGiB >= 23) return { context: 32768, why: `${named} default for ${g} GiB of GPU memory (23 to 47 GiB): 32768` };
    return { context: 4096, why: `${named} default for ${g} GiB of GPU memory (below 23 GiB): 4096` };
  }
  if (versionAtLeast(version, CTX_4096_SINCE)) return { context: 4096, why: `${named} default (fixed 4096 before ${MEMORY_DEFAULT_SINCE})` };
  return { context: 2048, why: `${named} default (fixed 2048 before ${CTX_4096_SINCE})` };
}

/** Ollama's automatic batch (sched.go): n_ubatch by the context llama-server gets. */
export function ubatchFor(cells: number): number {
  if (cells <= 4096) return 512;
  if (cells <= 32768) return 1024;
  return 2048;
}

/** True when llama.cpp's fit lays the model out (1 GiB margin); false for llm/memory.go. */
export const usesLlamaFit = (version: string): boolean => versionAtLeast(version, LLAMA_FIT_SINCE);
