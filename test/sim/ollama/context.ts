// Everything a route handler needs: state, faults, the shared downloader and settings.
import type { Downloader } from './downloads.ts';
import type { OllamaFaults } from './faults.ts';
import type { SimState } from './state.ts';

export interface SimContext {
  state: SimState;
  faults: OllamaFaults;
  downloader: Downloader;
  progressIntervalMs: number;
  tokenIntervalMs: number;
  version: string;
  log(message: string): void;
}
