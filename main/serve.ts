// Headless entry (`npm run serve`): the core, the REST API under /api/ and the built
// renderer at /, in plain Node. Prints the URL (with the token) a person opens.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toAppError } from './core/errors.ts';
import { ManagerHost } from './core/host.ts';
import { consoleLogger } from './core/log.ts';
import { fileSettings } from './core/settings.ts';
import { rendererStale } from './rest/renderer-stale.ts';
import { startRestServer } from './rest/server.ts';
import { serviceHostNames } from './rest/service-hosts.ts';
import { followOllamaEndpointSetting, startOllamaEndpoint } from './ollama-endpoint/index.ts';
import { FLAGS, usage } from './serve-flags.ts';
import { normalizeOrigin } from '../preload/contract/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER = join(ROOT, 'out', 'renderer');

function parseFlags(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: FLAGS, strict: true });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${values.port}"`);
  const origins = (values['allow-origin'] ?? []).map((text) => {
    const origin = normalizeOrigin(text);
    if (!origin) throw new Error(`--allow-origin must be an origin such as https://dash.example.com (scheme, host and port only), not "${text}"`);
    return origin;
  });
  const ollamaPort = values['ollama-port'] === undefined ? null : Number(values['ollama-port']);
  if (ollamaPort !== null && (!Number.isInteger(ollamaPort) || ollamaPort < 0 || ollamaPort > 65535)) throw new Error(`--ollama-port must be a port number, not "${values['ollama-port']}"`);
  return { ...values, port, origins, ollamaPort };
}

/** Where local state (the usage journal) lives when --config-dir is not given. */
function defaultStateDir(env: NodeJS.ProcessEnv): string {
  const name = 'kubernetes-model-manager';
  if (process.platform === 'win32') return join(env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), name);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), name);
}

/**
 * `npm run serve` builds the renderer when it is missing or older than its sources (the UI
 * and the contract it is typed by), so / never shows a stale UI; a failed build still serves the API.
 */
function buildRendererIfStale(): void {
  const why = rendererStale(RENDERER, [join(ROOT, 'renderer'), join(ROOT, 'preload', 'contract')]);
  if (!why) return;
  console.log(`[APP] out/renderer is ${why}: running electron-vite build`);
  // electron-vite's own script, by this Node: it works whether or not npm put node_modules/.bin on PATH.
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) console.warn('[APP] the renderer build failed; / will say so, the REST API works without it');
}

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage()}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(usage());
    return;
  }
  if (flags['build-renderer']) buildRendererIfStale();

  const env = process.env;
  const configDir = flags['config-dir'] ?? env.MODEL_MANAGER_CONFIG_DIR;
  const settings = fileSettings(configDir);
  if (flags['rotate-token']) {
    if (env.MODEL_MANAGER_TOKEN) {
      console.error('[APP] --rotate-token: the token comes from MODEL_MANAGER_TOKEN here; change that instead');
      process.exit(2);
    }
    settings.rotateRestToken();
    consoleLogger.info('APP', 'REST token rotated: the old one no longer opens anything');
  }
  const host = await ManagerHost.start({
    settings,
    env,
    log: consoleLogger,
    stateDir: configDir ?? defaultStateDir(env),
    kubeconfig: flags.kubeconfig,
    context: flags.context ?? null,
    namespace: flags.namespace ?? null,
  });
  const server = await startRestServer({
    host: flags.host,
    port: flags.port,
    getHandlers: () => host.handlers,
    events: host.events,
    token: () => settings.restToken(env),
    staticDir: RENDERER,
    allowedHosts: [...(flags['allow-host'] ?? []), ...serviceHostNames(env)],
    allowedOrigins: () => [...flags.origins, ...settings.get().allowedOrigins],
    log: consoleLogger,
  });
  // The one place the token is shown on purpose, as Jupyter does: the person starting the server opens this URL.
  console.log(`Kubernetes Model Manager is serving at ${server.loginUrl()}`);
  // The Ollama endpoint: on the flag's port, else as the settings say (off by default).
  const getCore = () => host.manager.endpoint ?? null;
  const ollama = flags.ollamaPort !== null
    ? await startOllamaEndpoint({ host: flags['ollama-host'], port: flags.ollamaPort, getCore, env, token: settings.restToken(env), allowedHosts: flags['allow-host'], log: consoleLogger })
    : followOllamaEndpointSetting({ settings, getCore, env, log: consoleLogger });

  let stopping = false;
  const stop = async (signal: string) => {
    // Repeats are ignored: conf's write-file helper (when-exit) re-sends the signal to this process.
    if (stopping) return;
    stopping = true;
    consoleLogger.info('APP', `${signal}: stopping`);
    // Whatever hangs (a stuck close), the process still ends.
    setTimeout(() => process.exit(1), 10_000).unref();
    try {
      await server.close();
      await ollama.close();
      await host.close();
    } catch (err) {
      console.error(`[APP] while stopping: ${toAppError(err).message}`);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`[APP] cannot start: ${toAppError(err).message}`);
  process.exit(1);
});
