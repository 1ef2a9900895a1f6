// Cluster state: health, GPU VRAM and deployments. Deployments are a live list (snapshot +
// deltas, renderer/api/live.ts) in a Map keyed namespace/name; GPU status arrives pushed
// (gpuStatusChanged) or read on clusterChanged. A slow poll stays behind both, in case the
// event stream is down. During an outage the answers say `stale`: the data stays, marked.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { DeploymentInfo, GpuStatusResult, HealthResult, Input } from '../../preload/contract/index.ts';
import { api, errorText, transport } from '../api/index.ts';
import { liveDeployments, rowKey, type LiveDeployments, type Snapshot } from '../api/live.ts';
import { debounce, poll } from './poll.ts';
import { useGpuHistory } from './gpu-history.ts';

type AnyOn = (event: string, listener: (payload: unknown) => void) => () => void;

export const useClusterStore = defineStore('cluster', () => {
  const health = ref<HealthResult | null>(null);
  const healthError = ref<string | null>(null);
  const gpu = ref<GpuStatusResult | null>(null);
  const gpuError = ref<string | null>(null);
  /** When the GPU figures were last read successfully (not stale). */
  const gpuUpdated = ref<Date | null>(null);
  /** Rows by namespace/name; the same Map object, triggered after each batch. */
  const deploymentMap = shallowRef(new Map<string, DeploymentInfo>());
  const deployments = computed(() => [...deploymentMap.value.values()]);
  const deploymentsMeta = ref<Omit<Snapshot, 'models'> | null>(null);
  const deploymentsError = ref<string | null>(null);
  const deploymentsLoaded = ref(false);
  const deploymentsUpdated = ref<Date | null>(null);
  /** Set when RBAC limits the list to one namespace. */
  const deploymentsScopeNote = computed(() => deploymentsMeta.value?.scope_note ?? null);
  /** 401 over HTTP: the browser has no session cookie yet. */
  const unauthorized = ref(false);
  const history = useGpuHistory();
  /** The API server does not answer: whatever is shown is the last known, even before the server marks its answers stale. */
  const kubeDown = computed(() => health.value?.kubernetes === 'disconnected');

  const note401 = (err: unknown) => {
    if ((err as { status?: number }).status === 401) unauthorized.value = true;
  };

  async function refreshHealth() {
    try {
      health.value = await api.health({});
      healthError.value = null;
    } catch (err) {
      // 503 carries the same body as 200: show it, not only the error.
      const body = (err as { body?: Record<string, unknown> }).body;
      if (body && body.status === 'unhealthy') health.value = body as unknown as HealthResult;
      else if (health.value) health.value = { ...health.value, status: 'unhealthy', kubernetes: 'disconnected', error: errorText(err) };
      healthError.value = errorText(err);
    }
  }

  function applyGpu(result: GpuStatusResult) {
    gpu.value = result;
    gpuError.value = null;
    unauthorized.value = false;
    if (!result.stale) gpuUpdated.value = new Date();
    history.sample(result);
  }

  async function refreshGpu() {
    try {
      applyGpu(await api.gpuStatus({}));
    } catch (err) {
      note401(err);
      gpuError.value = errorText(err);
    }
  }

  let live: LiveDeployments | null = null;
  const refreshDeployments = () => live?.refresh() ?? Promise.resolve();

  /** After a change made here: the server's deltas bring it (within ~250 ms); only a server without them is asked again. */
  const afterChange = () => (live?.deltas ? Promise.resolve() : refreshDeployments());

  const refreshAll = () => Promise.all([refreshHealth(), refreshGpu(), refreshDeployments()]);

  async function deploy(input: Input<'deploy'>) {
    const result = await api.deploy(input);
    await Promise.all([afterChange(), refreshGpu()]);
    return result;
  }

  /** Always with its namespace: the same name may live in several (the list shows them all). */
  /** `keepClaim`: keep the claim with its pulled models (by default the app's claim goes with it). */
  async function deleteDeployment(namespace: string, name: string, opts: { keepClaim?: boolean } = {}) {
    const result = await api.deleteDeployment({ deployment_name: name, namespace, ...(opts.keepClaim ? { keep_claim: true } : {}) });
    live?.remove(namespace, name);
    await Promise.all([afterChange(), refreshGpu()]);
    return result;
  }

  async function scaleDeployment(namespace: string, name: string, replicas: number) {
    const result = await api.scaleDeployment({ namespace, name, replicas });
    await afterChange();
    return result;
  }

  async function restartDeployment(namespace: string, name: string) {
    const result = await api.restartDeployment({ namespace, name });
    await afterChange();
    return result;
  }

  const find = (namespace: string, name: string) => deploymentMap.value.get(rowKey({ namespace, name })) ?? null;

  let stops: (() => void)[] = [];
  function start() {
    if (stops.length) return;
    const on = transport.on as unknown as AnyOn;
    live = liveDeployments({
      fetch: () => api.listDeployments({}) as Promise<Snapshot>,
      on,
      onChange: (rows, meta) => {
        if (deploymentMap.value !== rows) deploymentMap.value = rows;
        else triggerRef(deploymentMap);
        deploymentsMeta.value = meta;
        deploymentsError.value = null;
        deploymentsLoaded.value = true;
        unauthorized.value = false;
        if (!meta.stale) deploymentsUpdated.value = new Date();
      },
      onError: (err) => {
        note401(err);
        deploymentsError.value = errorText(err);
        deploymentsLoaded.value = true;
      },
    });
    void refreshHealth();
    void refreshGpu();
    let gpuPushed = false;
    const healthRead = debounce(() => Promise.all([refreshGpu(), refreshDeployments()]), 200);
    const gpuChanged = debounce(() => (gpuPushed ? undefined : refreshGpu()), 300);
    stops = [
      () => live?.stop(),
      on('gpuStatusChanged', (g) => {
        gpuPushed = true;
        applyGpu(g as GpuStatusResult);
      }),
      transport.on('clusterChanged', gpuChanged),
      transport.on('healthChanged', (h) => {
        health.value = h;
        healthError.value = null;
        // Lost or back: read both again, so their stale marks (or their end) show now, not at the next poll.
        healthRead();
      }),
      // Behind the events: slow, and a 304 when nothing changed.
      poll(refreshGpu, 15_000),
      poll(() => (live?.deltas ? undefined : refreshDeployments()), 30_000),
      poll(refreshHealth, 15_000),
    ];
  }
  function stop() {
    for (const s of stops) s();
    stops = [];
    live = null;
  }

  return { health, healthError, kubeDown, gpu, gpuError, gpuUpdated, history, deploymentMap, deployments, deploymentsMeta, deploymentsError, deploymentsLoaded, deploymentsUpdated, deploymentsScopeNote, unauthorized, refreshHealth, refreshGpu, refreshDeployments, refreshAll, deploy, deleteDeployment, scaleDeployment, restartDeployment, find, start, stop };
});
