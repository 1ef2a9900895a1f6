// Everything a route handler needs: state, faults, the shared downloader and settings.
import type { Downloader } from './downloads.ts';
import type { OllamaFaults } from './faults.ts';
import type { SimState } from './state.ts';
import type { SimRuntime } from './vram.ts';

export interface SimContext {
  state: SimState;
  faults: OllamaFaults;
  downloader: Downloader;
  progressIntervalMs: number;
  /** Simulated upload speed of /api/push (the pull speed). */
  pushBytesPerSecond: number;
  tokenIntervalMs: number;
  /** Version, GPU memory and environment of the simulated Ollama process (settable: /_sim/runtime). */
  runtime: SimRuntime;
  log(message: string): void;
}
