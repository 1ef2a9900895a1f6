// `npm run sim -- --kubeconfig PATH [--nodes N --namespaces N --deployments N --pods N] [--port P]
//   [--ollama-port P] [--ready-delay MS]`: the simulated cluster, until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCluster } from './index.ts';
import type { SimClusterOptions } from './index.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    port: { type: 'string' },
    'ollama-port': { type: 'string' },
    nodes: { type: 'string' },
    namespaces: { type: 'string' },
    deployments: { type: 'string' },
    pods: { type: 'string' },
    'ready-delay': { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: node test/sim/cli.ts --kubeconfig PATH [--nodes N --namespaces N --deployments N --pods N] [--port P] [--ollama-port P] [--ready-delay MS] [--quiet]');
  process.exit(0);
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`[SIM] --${name} wants a whole number, got "${v}"`);
    process.exit(2);
  }
  return n;
}

const t0 = performance.now();
const kubeconfigPath = resolve(values.kubeconfig ?? join(mkdtempSync(join(tmpdir(), 'kube-sim-')), 'kubeconfig'));
const opts: SimClusterOptions = { kubeconfigPath };
for (const k of ['nodes', 'namespaces', 'deployments', 'pods', 'port'] as const) {
  const n = num(k, values[k]);
  if (n !== undefined) opts[k] = n;
}
const readyDelay = num('ready-delay', values['ready-delay']);
if (readyDelay !== undefined) opts.readyDelayMs = readyDelay;
if (values.quiet) opts.quiet = true;
const ollamaPort = num('ollama-port', values['ollama-port']);
if (ollamaPort !== undefined) opts.ollama = { port: ollamaPort };

const sim = await startSimCluster(opts);
const ms = Math.round(performance.now() - t0);
console.log(`[SIM] Kubernetes API: ${sim.kube.url}`);
console.log(`[SIM] Ollama:         ${sim.ollama.url} (behind service model-hosting/ollama-service:11434 and the ollama pod's port 11434)`);
console.log(`[SIM] kubeconfig:     ${kubeconfigPath} (context sim, namespace model-hosting)`);
console.log(`[SIM] read-only token: ${sim.kube.readOnlyToken}`);
console.log(`[SIM] faults:         curl -k -H "Authorization: Bearer <token from the kubeconfig>" -d '{"latencyMs":200}' ${sim.kube.url}/_sim/faults`);
console.log(`[SIM] ready in ${ms} ms. Try:`);
console.log(`export KUBECONFIG=${kubeconfigPath}`);
console.log('kubectl get nodes   # kubectl create/apply need --validate=false (no OpenAPI served)');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[SIM] ${signal}: stopping`);
  await sim.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
