// What the simulated Ollama has on disk (manifests, blobs) and in memory (loaded runners).
import { LIBRARY, findLibraryModel, type LibraryModel } from './library.ts';
import { displayShortest, nameKey, parseModelName } from './names.ts';
import { subMillis } from './time.ts';
import { defaultNumCtx, type SimRuntime } from './vram.ts';

export interface InstalledModel {
  name: string; // as listed, e.g. "llama3.1:latest"
  model: LibraryModel;
  modifiedAt: Date;
  /** The nanoseconds of the mtime below its millisecond (a file's mtime is fixed to the ns). */
  modifiedSubMs: number;
}

export interface LoadedModel {
  name: string;
  model: LibraryModel;
  numCtx: number;
  expiresAt: Date;
}

export interface SimState {
  installed: Map<string, InstalledModel>; // by case-folded full name
  blobs: Map<string, number>; // digest -> bytes on disk (less than the layer size while partial)
  /** The bytes of blobs whose content the simulator has (uploaded with POST /api/blobs). */
  blobData: Map<string, Buffer>;
  loaded: Map<string, LoadedModel>;
  pullCounts: Map<string, number>;
  generateCounts: Map<string, number>;
  /** Streamed generate/chat answers whose client went away before the last chunk, per model. */
  cancelledStreams: Map<string, number>;
}

export const DEFAULT_KEEP_ALIVE_MS = 5 * 60_000;
// Ollama stores a negative keep_alive as the largest duration: expires_at lands ~292 years out.
export const FOREVER_MS = 9_223_372_036_854;

export function createState(): SimState {
  return { installed: new Map(), blobs: new Map(), blobData: new Map(), loaded: new Map(), pullCounts: new Map(), generateCounts: new Map(), cancelledStreams: new Map() };
}

export function findInstalled(state: SimState, name: string): InstalledModel | undefined {
  const parsed = parseModelName(name);
  return parsed ? state.installed.get(nameKey(parsed)) : undefined;
}

export function isBlobComplete(state: SimState, digest: string, size: number): boolean {
  return (state.blobs.get(digest) ?? 0) >= size;
}

/** A complete blob file exists for `digest` (partial downloads live in a separate -partial file). */
export function blobOnDisk(state: SimState, digest: string): boolean {
  if (state.blobData.has(digest)) return true;
  const bytes = state.blobs.get(digest);
  if (bytes === undefined) return false;
  for (const m of state.installed.values()) for (const l of m.model.layers) if (l.digest === digest) return bytes >= l.size;
  return bytes > 0 && findLayerSize(digest) <= bytes;
}

function findLayerSize(digest: string): number {
  for (const m of LIBRARY) for (const l of m.layers) if (l.digest === digest) return l.size;
  return Infinity;
}

/** Writes the manifest of `model` under `name` (all its blobs are then on disk). */
export function installModel(state: SimState, name: string, model: LibraryModel, modifiedAt = new Date()): InstalledModel {
  const parsed = parseModelName(name);
  if (!parsed) throw new Error(`invalid model name ${name}`);
  for (const l of model.layers) state.blobs.set(l.digest, l.size);
  const entry: InstalledModel = { name: displayShortest(parsed), model, modifiedAt, modifiedSubMs: subMillis() };
  state.installed.set(nameKey(parsed), entry);
  return entry;
}

/** Removes a manifest and the complete blobs no remaining manifest uses, as `ollama rm` does. */
export function removeInstalled(state: SimState, name: string): boolean {
  const parsed = parseModelName(name);
  const entry = parsed ? state.installed.get(nameKey(parsed)) : undefined;
  if (!parsed || !entry) return false;
  state.installed.delete(nameKey(parsed));
  const inUse = new Set<string>();
  for (const m of state.installed.values()) for (const l of m.model.layers) inUse.add(l.digest);
  for (const l of entry.model.layers) if (!inUse.has(l.digest)) {
    state.blobs.delete(l.digest);
    state.blobData.delete(l.digest);
  }
  return true;
}

/** Loaded runners still within their keep_alive, longest remaining first (as /api/ps sorts). */
export function loadedModels(state: SimState, now = Date.now()): LoadedModel[] {
  for (const [k, m] of state.loaded) if (m.expiresAt.getTime() <= now) state.loaded.delete(k);
  return [...state.loaded.values()].sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime());
}

export function loadModel(state: SimState, installed: InstalledModel, numCtx: number, keepAliveMs: number): { wasLoaded: boolean } {
  loadedModels(state);
  const key = installed.name.toLowerCase();
  const prev = state.loaded.get(key);
  const wasLoaded = prev !== undefined && prev.numCtx === numCtx;
  state.loaded.set(key, { name: installed.name, model: installed.model, numCtx, expiresAt: new Date(Date.now() + keepAliveMs) });
  return { wasLoaded };
}

export function unloadModel(state: SimState, name: string): void {
  state.loaded.delete(name.toLowerCase());
}

/** Context length a request gets: options.num_ctx if set, else the runtime's default, never above the model's. */
export function requestNumCtx(model: LibraryModel, options: unknown, runtime: SimRuntime): number {
  const asked = typeof options === 'object' && options !== null ? (options as Record<string, unknown>).num_ctx : undefined;
  if (typeof asked === 'number' && asked > 0) return Math.min(Math.floor(asked), model.spec.context);
  return defaultNumCtx(model, runtime);
}

/** keep_alive in ms: a number is seconds, a string a Go duration ("5m", "1h30m", "0"); negative is forever. */
export function parseKeepAlive(v: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof v === 'number') ms = v * 1000;
  else if (typeof v === 'string' && v.trim() !== '') {
    const s = v.trim();
    if (/^-?\d+(\.\d+)?$/.test(s)) ms = Number(s) * 1000;
    else {
      const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
      const sign = s.startsWith('-') ? -1 : 1;
      let total = 0;
      for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * (units[part[2] as string] ?? 0);
      ms = sign * total;
    }
  }
  if (ms === undefined || Number.isNaN(ms)) return undefined;
  return ms < 0 ? FOREVER_MS : ms;
}

export function resolveLibrary(name: string): LibraryModel {
  const m = findLibraryModel(name);
  if (!m) throw new Error(`[SIM] ollama: no model ${name} in the simulated library`);
  return m;
}
