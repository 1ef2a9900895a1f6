// `npm run demo`: the simulated GPU cluster (Kubernetes API + Ollama on loopback) and the
// app pointed at it, for someone without a cluster. The app runs exactly as it would
// against a real cluster; only the kubeconfig differs.
//   npm run demo            desktop app (Electron)
//   npm run demo -- --web   headless server + browser UI (no Electron needed)
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCluster } from '../test/sim/index.ts';

const web = process.argv.includes('--web');
const dir = mkdtempSync(join(tmpdir(), 'kmm-demo-'));
const kubeconfig = join(dir, 'kubeconfig');

const sim = await startSimCluster({});
sim.kube.writeKubeconfig(kubeconfig);
console.log(`[APP] simulated cluster at ${sim.kube.url}, Ollama at ${sim.ollama.url}`);
console.log(`[APP] kubeconfig: ${kubeconfig} (try: KUBECONFIG=${kubeconfig} kubectl get nodes)`);

const env = { ...process.env, KUBECONFIG: kubeconfig, MODEL_MANAGER_CONFIG_DIR: join(dir, 'config') };
const [cmd, args] = web
  ? [process.execPath, ['main/serve.ts', '--build-renderer', '--port', process.env.PORT ?? '8080']]
  : ['npx', ['electron-vite', 'dev']];
const app = spawn(cmd, args, { stdio: 'inherit', env });

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  app.kill('SIGTERM');
  await sim.close();
  process.exit(code);
};
app.on('exit', (code) => void stop(code ?? 0));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
