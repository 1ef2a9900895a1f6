// `npm run demo`: the simulated GPU cluster (Kubernetes API + Ollama on loopback) and the
// app pointed at it, for someone without a cluster. The app runs exactly as it would
// against a real cluster; only the kubeconfig differs.
//   npm run demo                       desktop app (Electron), started as `npm start` starts it
//   npm run demo -- --web [--port N]   headless server + browser UI on port N (default 8080; no Electron needed)
//   npm run demo -- --port N           desktop app whose REST API (switched on from the tray) uses port N
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import { SettingsStore } from '../main/core/settings.ts';
import { startSimCluster } from '../test/sim/index.ts';
import { electronViteDev, noBinaryLine, obtainElectron, ROOT } from './desktop.ts';

const USAGE = 'usage: npm run demo -- [--web] [--port N]';

function parseFlags(): { web: boolean; port: number | undefined } {
  try {
    const { values } = parseArgs({ options: { web: { type: 'boolean', default: false }, port: { type: 'string' } }, strict: true });
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!/^\d+$/.test(values.port!) || port > 65535)) throw new Error(`--port must be a port number, not "${values.port}"`);
    return { web: values.web, port };
  } catch (e) {
    console.error(`[APP] ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { web, port } = parseFlags();
// Desktop mode: the binary first, so that without it nothing else starts and one line says why.
const electron = web ? null : await obtainElectron();
if (electron && 'reason' in electron) {
  console.error(noBinaryLine(electron.reason));
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'kmm-demo-'));
const kubeconfig = join(dir, 'kubeconfig');
const configDir = join(dir, 'config');
// The desktop app keeps its settings in userData/settings.json (electron-store), userData being this folder.
if (!web && port !== undefined) {
  try {
    new SettingsStore(new Conf({ cwd: configDir, configName: 'settings' })).update({ restPort: port });
  } catch {
    console.error(`[APP] --port must be between 1024 and 65535 for the desktop app's REST API, not ${port}\n${USAGE}`);
    process.exit(2);
  }
}

const sim = await startSimCluster({});
sim.kube.writeKubeconfig(kubeconfig);
console.log(`[APP] simulated cluster at ${sim.kube.url}, Ollama at ${sim.ollama.url}`);
console.log(`[APP] kubeconfig: ${kubeconfig} (try: KUBECONFIG=${kubeconfig} kubectl get nodes)`);

const env = { ...process.env, KUBECONFIG: kubeconfig, MODEL_MANAGER_CONFIG_DIR: configDir };
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await sim.close();
  // The demo's kubeconfig, settings and journal are its own: nothing is kept for next time.
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
};

if (web) {
  const app = spawn(process.execPath, ['main/serve.ts', '--build-renderer', '--port', String(port ?? 8080)], { cwd: ROOT, stdio: 'inherit', env });
  app.on('exit', (code) => void stop(code ?? 0));
  // Ctrl-C reaches the server too (same process group); a `kill` of this process alone is passed on.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
} else {
  // electronViteDev passes signals on to the app and resolves when it has gone.
  void electronViteDev(electron!.path, env).then((code) => stop(code));
}
