// The Ollama simulator: a node:http server speaking Ollama's HTTP API, with faults and stop/start.
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { SimContext } from './context.ts';
import { createDownloader } from './downloads.ts';
import { defaultFaults, type OllamaFaults } from './faults.ts';
import { sendError } from './http-util.ts';
import { handleRequest } from './routes.ts';
import { createState, installModel, loadModel, loadedModels, DEFAULT_KEEP_ALIVE_MS, resolveLibrary } from './state.ts';
import { DEFAULT_RUNTIME, defaultNumCtx, updateRuntime, type KvType, type SimRuntime } from './vram.ts';

export interface OllamaSimOptions {
  port?: number; // default 0: any free port
  host?: string; // default 127.0.0.1
  installed?: string[]; // models present at start
  loaded?: string[]; // models in /api/ps at start (installed too if they were not)
  pullBytesPerSecond?: number; // simulated download speed, default 2 GB/s
  progressIntervalMs?: number; // pull progress cadence, default 60 (Ollama's)
  tokenIntervalMs?: number; // delay between streamed tokens, default 5
  version?: string; // default "0.12.6"
  gpuMemoryGiB?: number; // memory of the GPU it sees, default 24 (0: none)
  contextLength?: number; // OLLAMA_CONTEXT_LENGTH
  numParallel?: number; // OLLAMA_NUM_PARALLEL, default 1
  kvCacheType?: KvType; // OLLAMA_KV_CACHE_TYPE, default f16
  log?: boolean;
}

export interface OllamaSim {
  url: string;
  port: number;
  faults: OllamaFaults;
  /** Version, GPU memory and environment; change with setRuntime (or POST /_sim/runtime). */
  runtime: Readonly<SimRuntime>;
  setRuntime(change: Partial<SimRuntime>): void;
  state: {
    installed(): string[];
    loaded(): string[];
    pullCounts: Map<string, number>; // pulls started per model name ("llama3.1:latest")
    generateCounts: Map<string, number>; // generate/chat requests that produced text, per model
    cancelledStreams: Map<string, number>; // streamed answers whose client left before the end, per model
  };
  stop(): Promise<void>; // down: connections refused, loaded models gone (like a restart)
  start(): Promise<void>; // up again on the same port
  close(): Promise<void>;
}

export const DEFAULT_INSTALLED = ['llama3.2:1b', 'qwen2.5:0.5b'];

export async function startOllamaSim(opts: OllamaSimOptions = {}): Promise<OllamaSim> {
  const host = opts.host ?? '127.0.0.1';
  const state = createState();
  const faults = defaultFaults();
  const rate = opts.pullBytesPerSecond ?? 2e9;
  const ctx: SimContext = {
    state,
    faults,
    downloader: createDownloader(state, () => rate),
    progressIntervalMs: opts.progressIntervalMs ?? 60,
    pushBytesPerSecond: rate,
    tokenIntervalMs: opts.tokenIntervalMs ?? 5,
    runtime: {
      ...DEFAULT_RUNTIME,
      ...(opts.version ? { version: opts.version } : {}),
      ...(opts.gpuMemoryGiB !== undefined ? { gpuMemoryGiB: opts.gpuMemoryGiB } : {}),
      ...(opts.contextLength ? { contextLength: opts.contextLength } : {}),
      ...(opts.numParallel ? { parallel: opts.numParallel } : {}),
      ...(opts.kvCacheType ? { kvCacheType: opts.kvCacheType } : {}),
    },
    log: (m) => {
      if (opts.log) console.log(`[SIM] ollama: ${m}`);
    },
  };

  // Installed a day apart, oldest first, so /api/tags has a stable order.
  const initial = opts.installed ?? DEFAULT_INSTALLED;
  initial.forEach((name, i) => installModel(state, name, resolveLibrary(name), new Date(Date.now() - (initial.length - i) * 86_400_000)));
  for (const name of opts.loaded ?? []) {
    const entry = [...state.installed.values()].find((m) => m.name === name) ?? installModel(state, name, resolveLibrary(name));
    loadModel(state, entry, defaultNumCtx(entry.model, ctx.runtime), DEFAULT_KEEP_ALIVE_MS);
  }

  let server: Server | null = null;
  let port = opts.port ?? 0;
  const sockets = new Set<Socket>();

  async function listen(): Promise<void> {
    const s = createServer((req, res) => {
      handleRequest(ctx, req, res).catch((err: unknown) => {
        ctx.log(`handler error ${String(err)}`);
        if (!res.headersSent) sendError(res, 500, String(err));
        else res.destroy();
      });
    });
    s.on('connection', (sock) => {
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    const addr = s.address();
    if (addr && typeof addr === 'object') port = addr.port;
    server = s;
    ctx.log(`listening on http://${host}:${port}`);
  }

  async function down(): Promise<void> {
    const s = server;
    if (!s) return;
    server = null;
    // A stopped Ollama drops its connections; pulls in flight keep the bytes they had.
    ctx.downloader.cancelAll();
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await listen();
  const url = `http://${host}:${port}`;
  return {
    url,
    get port() {
      return port;
    },
    faults,
    runtime: ctx.runtime,
    setRuntime(change) {
      const err = updateRuntime(ctx.runtime, change);
      if (err) throw new Error(`[SIM] ollama: ${err}`);
      state.loaded.clear();
    },
    state: {
      installed: () => [...state.installed.values()].map((m) => m.name),
      loaded: () => loadedModels(state).map((m) => m.name),
      pullCounts: state.pullCounts,
      generateCounts: state.generateCounts,
      cancelledStreams: state.cancelledStreams,
    },
    async stop() {
      await down();
      state.loaded.clear();
      ctx.log('stopped');
    },
    async start() {
      if (!server) await listen();
    },
    async close() {
      await down();
    },
  };
}

