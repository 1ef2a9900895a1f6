// `npm run bench`: the product's read paths and usage counting against the seed's way of
// doing the same thing, measured in the same run on the same simulated cluster, printed as
// ratios. The cluster is large (500 nodes, 5,000 deployments, 20,000 pods) because that
// is where UIs that list on every request freeze.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listDeployments } from '../../main/core/cluster/deployment-list.ts';
import { EventBus } from '../../main/core/events.ts';
import { ClusterCaches } from '../../main/core/kube/caches.ts';
import { silentLogger } from '../../main/core/log.ts';
import { ModelManager } from '../../main/core/manager.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { startSimCluster } from '../sim/index.ts';

const scale = { nodes: 500, namespaces: 200, deployments: 5_000, pods: 20_000 };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TRACKS = Number(process.env.BENCH_TRACKS ?? 200);

async function timePerOp(rounds: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: JIT, connections
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  return (performance.now() - start) / rounds;
}

function report(name: string, baselineLabel: string, baseline: number, productLabel: string, product: number, unit = 'ms/op') {
  const ratio = baseline / product;
  console.log(
    `${name.padEnd(34)} ${baselineLabel} ${baseline.toFixed(1)} ${unit} | ${productLabel} ${product.toFixed(1)} ${unit} | ${ratio.toFixed(1)}x`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'kmm-bench-'));
const startedAt = performance.now();
const sim = await startSimCluster(scale);
console.log(`[BENCH] simulated cluster: ${scale.nodes} nodes, ${scale.deployments} deployments, ${scale.pods} pods (started in ${Math.round(performance.now() - startedAt)} ms)`);
const manager = await ModelManager.create({ kubeconfigYaml: sim.kube.kubeconfig(), settings: fileSettings(join(dir, 'settings')), stateDir: join(dir, 'state'), log: silentLogger });
const { handlers } = manager;
const kube = manager.ctx.kube;

try {
  // Reads: the seed listed the cluster on every request; the product reads its watch caches.
  const fresh = async <T>(use: (c: ClusterCaches) => T): Promise<T> => {
    const caches = new ClusterCaches(kube, new EventBus());
    caches.start();
    try {
      await caches.ready(['nodes', 'pods', 'deployments'], 60_000);
      return use(caches);
    } finally {
      await caches.stop();
    }
  };
  await handlers.listDeployments({}); // first sync of the product's caches

  const listBaseline = await timePerOp(ROUNDS, () => fresh((c) => listDeployments(c.deployments.values(), c.pods.values())));
  const listProduct = await timePerOp(ROUNDS * 4, () => handlers.listDeployments({}));
  report('GET /api/deployments', 'list per request', listBaseline, 'watch cache', listProduct);

  const gpuBaseline = await timePerOp(ROUNDS, () => fresh(() => null).then(() => handlers.gpuStatus({})));
  const gpuProduct = await timePerOp(ROUNDS * 4, () => handlers.gpuStatus({}));
  report('GET /api/gpu/status', 'list per request', gpuBaseline, 'watch cache', gpuProduct);

  // Usage: the seed read and replaced the ConfigMap inside every request; the product
  // journals the increment locally (fsync) and coalesces ConfigMap writes.
  const seedTrack = async (model: string) => {
    const ns = kube.namespace;
    const name = 'bench-seed-usage';
    for (;;) {
      let cm;
      try {
        cm = await kube.core.readNamespacedConfigMap({ name, namespace: ns });
      } catch {
        await kube.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name }, data: { 'usage.json': '{}' } } });
        continue;
      }
      const counts = JSON.parse(cm.data?.['usage.json'] ?? '{}') as Record<string, number>;
      counts[model] = (counts[model] ?? 0) + 1;
      cm.data = { 'usage.json': JSON.stringify(counts) };
      try {
        await kube.core.replaceNamespacedConfigMap({ name, namespace: ns, body: cm });
        return;
      } catch {
        // 409: another write won; read again
      }
    }
  };
  const models = ['llama3.1:8b', 'qwen2.5:7b', 'mistral:7b'];
  let i = 0;
  const seedStart = performance.now();
  for (let n = 0; n < TRACKS; n++) await seedTrack(models[i++ % 3]!);
  const seedMs = performance.now() - seedStart;

  const before = (await handlers.usageRanking({})).total_requests;
  const productStart = performance.now();
  for (let n = 0; n < TRACKS; n++) await handlers.trackUsage({ model: models[i++ % 3]! });
  const answeredMs = performance.now() - productStart;
  // Then wait until the ConfigMap itself holds every increment.
  for (;;) {
    const r = await handlers.usageRanking({});
    if (r.total_requests - before >= TRACKS && r.pending === 0) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const durableMs = performance.now() - productStart;
  report(`POST /api/usage/track x${TRACKS}`, 'write per request', seedMs / TRACKS, 'journal+coalesce', answeredMs / TRACKS);
  report(`  ... until all in the ConfigMap`, 'write per request', seedMs, 'journal+coalesce', durableMs, 'ms');
} finally {
  await manager.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
