// The real stack for the end-to-end tests: the simulated cluster and Ollama, the core
// behind the embedded REST server (as `npm run serve` runs it), and the renderer built by
// Vite into a folder of its own, so a concurrent `npm run build` cannot disturb it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { build } from 'vite';
import vue from '@vitejs/plugin-vue';
import { cspMetaPlugin } from '../../main/shell/csp.ts';
import { ManagerHost } from '../../main/core/host.ts';
import { silentLogger } from '../../main/core/log.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../sim/index.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

export async function buildRenderer(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: join(ROOT, 'renderer'),
    base: './',
    plugins: [vue(), cspMetaPlugin()],
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false },
  });
}

export interface Stack {
  url: string;
  token: string;
  server: RestServer;
  /** The core as the Electron shell sees it (handlers and events). */
  host: ManagerHost;
  /** The simulated cluster behind it (fault switches, per-pod Ollamas). */
  sim: SimCluster;
  /** Calls the REST API as a script would (bearer token). */
  get<T>(path: string): Promise<T>;
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** `kubeconfig` picks the user the app runs as (default: the simulator's full-access token). */
/** `sim`: options of the simulated cluster and Ollama (e.g. slower tokens). */
/** `tokenFromSettings`: the token is the one kept in the settings (as serve without MODEL_MANAGER_TOKEN), so it can be rotated. */
export async function startStack(opts: { kubeconfig?: (sim: SimCluster) => string; sim?: SimClusterOptions; tokenFromSettings?: boolean } = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'kmm-e2e-'));
  const rendererDir = join(dir, 'renderer');
  const [sim] = await Promise.all([startSimCluster(opts.sim ?? {}), buildRenderer(rendererDir)]);
  const settings = fileSettings(join(dir, 'config'));
  const token = opts.tokenFromSettings ? settings.restToken({}) : randomBytes(18).toString('base64url');
  const env: NodeJS.ProcessEnv = { ...process.env, MODEL_MANAGER_TOKEN: token };
  if (opts.tokenFromSettings) delete env.MODEL_MANAGER_TOKEN;
  delete env.OLLAMA_HOST;
  delete env.KUBERNETES_SERVICE_HOST;
  delete env.POD_NAMESPACE;
  let host: ManagerHost | null = null;
  let server: RestServer | null = null;
  try {
    host = await ManagerHost.start({ settings, env, log: silentLogger, stateDir: join(dir, 'state'), kubeconfigYaml: opts.kubeconfig ? opts.kubeconfig(sim) : sim.kube.kubeconfig() });
    const live = host;
    server = await startRestServer({ host: '127.0.0.1', port: 0, getHandlers: () => live.handlers, events: live.events, token: opts.tokenFromSettings ? () => settings.restToken({}) : token, staticDir: rendererDir, log: silentLogger });
  } catch (err) {
    await host?.close();
    await sim.close();
    throw err;
  }
  const srv = server;
  const liveHost = host;
  const auth = { Authorization: `Bearer ${token}` };
  return {
    url: srv.url,
    token,
    server: srv,
    host: liveHost,
    sim,
    async get<T>(path: string) {
      const res = await fetch(`${srv.url}${path}`, { headers: auth });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async post(path, body) {
      const res = await fetch(`${srv.url}${path}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async close() {
      await srv.close();
      await host?.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
