// The cluster side of the core: watch caches, GPU status, estimates, deployments, health.
import type { DeploymentInfo, DeploymentsResult, Handlers } from '../../../preload/contract/index.ts';
import { ClusterCaches } from '../kube/caches.ts';
import type { CoreContext } from '../context.ts';
import type { GpuFacts, OllamaFacts } from '../ports.ts';
import { DEFAULT_REGISTRY_URL, registryManifests } from '../vram/index.ts';
import { deleteDeployment } from './delete.ts';
import { restartDeployment, scaleDeployment } from './scale.ts';
import { deploymentPods, gpuHolders } from './deployment-pods.ts';
import { deploymentEvents } from './deployment-events.ts';
import { podLogs } from './pod-logs.ts';
import { deploy } from './deploy.ts';
import { DeploymentProbes } from './deployment-probe.ts';
import { VramMeasurements } from './vram-measurements.ts';
import { LiveDeployments } from './live-deployments.ts';
import { liveGpuOf, pushGpuStatus } from './live-gpu.ts';
import { GpuView } from './gpu.ts';
import { healthCheck } from './health.ts';

export type ClusterHandlers = Pick<Handlers, 'health' | 'gpuStatus' | 'estimateVram' | 'listDeployments' | 'deploy' | 'deleteDeployment' | 'podLogs' | 'deploymentEvents' | 'gpuHolders' | 'deploymentPods' | 'scaleDeployment' | 'restartDeployment'>;

export async function createClusterSide(ctx: CoreContext, ollama: OllamaFacts): Promise<{ handlers: ClusterHandlers; gpu: GpuFacts; close(): Promise<void> }> {
  const caches = new ClusterCaches(ctx.kube, ctx.events);
  caches.start();
  const registry = registryManifests(ctx.env.OLLAMA_REGISTRY_URL || DEFAULT_REGISTRY_URL);
  const gpu = new GpuView(ctx, caches, ollama, registry);
  // Each model deployment's own Ollama: its pull's progress, then its measured VRAM.
  // What they measured is kept per model in the cluster (model-vram-measurements) and shown beside estimates.
  const measurements = new VramMeasurements(ctx);
  const probes = new DeploymentProbes(ctx, (m, d) => measurements.record(m, d));
  // The deployments view and GPU figures follow the watch events; changes are pushed as events.
  const live = new LiveDeployments(caches, ctx.events, probes);
  const liveGpu = liveGpuOf(caches);
  let lastList: Readonly<DeploymentsResult> | null = null;

  const handlers: ClusterHandlers = {
    health: healthCheck(ctx, caches, ollama),
    gpuStatus: async () => {
      // gpu.status() hands out the same answer while nothing changed: frozen, it is encoded once.
      const answer = await gpu.status();
      return withStaleness(Object.isFrozen(answer) ? answer : Object.freeze(answer), caches.staleSince(['nodes', 'pods']));
    },
    estimateVram: async ({ model, context_length, parallel, kv_cache_type }) => {
      const o = {
        ...(context_length !== undefined ? { context_length } : {}),
        ...(parallel !== undefined ? { parallel } : {}),
        ...(kv_cache_type !== undefined ? { kv_cache_type } : {}),
      };
      const [r, shared, accuracy] = await Promise.all([gpu.estimateFit(model, o), gpu.sharedEstimate(model, o), measurements.accuracy().catch(() => null)]);
      const largest = r.info.largest_free_gpu_gb;
      // With nodes forbidden the fit is unknown: `fits` stays false (not confirmed) and the note says why.
      const fit = r.nodesForbidden ? { ...r.fit, fits: false, message: `Not confirmed: free VRAM is unknown. ${r.fit.message}` } : r.fit;
      return { success: true, estimate: r.estimate, fits: fit.fits, fit, largest_free_gpu_gb: largest, ...(shared ? { shared_ollama: shared } : {}), ...(r.note ? { capacity_note: r.note } : {}), ...(accuracy ? { accuracy } : {}) };
    },
    listDeployments: async () => {
      await caches.ready(['deployments', 'pods']);
      const { models, epoch, seq } = live.snapshot();
      const scope = caches.scope(['deployments']);
      // One frozen answer while the view is unchanged: the REST side encodes it (JSON, ETag, br) once.
      if (lastList?.models !== models || lastList.seq !== seq || lastList.scope !== scope) {
        const result: DeploymentsResult = { success: true, models: models as DeploymentInfo[], count: models.length, epoch, seq, scope };
        if (scope === 'namespace')
          result.scope_note = `Only namespace ${ctx.kube.namespace} is shown: this user may not list deployments in all namespaces (a ClusterRole granting "list" and "watch" on "deployments" in API group "apps" would show every one).`;
        lastList = Object.freeze(result);
      }
      return withStaleness(lastList, caches.staleSince(['deployments', 'pods']));
    },
    deploy: (input) => deploy(ctx, gpu, input),
    deleteDeployment: (input) => deleteDeployment(ctx, input),
    podLogs: (input) => podLogs(ctx, input),
    deploymentEvents: (input) => deploymentEvents(ctx, input),
    gpuHolders: async () => withStaleness(await gpuHolders(caches), caches.staleSince(['deployments', 'pods'])),
    deploymentPods: async (input) => withStaleness(await deploymentPods(caches, input), caches.staleSince(['deployments', 'pods'])),
    scaleDeployment: (input) => scaleDeployment(ctx, input),
    restartDeployment: (input) => restartDeployment(ctx, input),
  };

  // The tray and the UI learn of a lost or regained API server without polling health.
  const offHealth = caches.onHealthChange(() => void handlers.health({}).catch(() => undefined));
  const offGpuPush = pushGpuStatus(
    liveGpu,
    () => (caches.nodes.synced || caches.nodes.forbidden) && caches.pods.synced,
    () => handlers.gpuStatus({}),
    ctx.events,
    (msg) => ctx.log.warn('GPU', msg),
  );

  return {
    handlers,
    gpu,
    close: async () => {
      offHealth();
      offGpuPush();
      live.close();
      liveGpu.close();
      await probes.close();
      await caches.stop();
    },
  };
}

/** An answer from the caches while a watch is down says so, and since when it is the last known state. */
function withStaleness<T extends object>(answer: T, since: string | null): T & { stale?: true; stale_since?: string } {
  return since ? { ...answer, stale: true, stale_since: since } : answer;
}
