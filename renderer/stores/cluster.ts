// Cluster state: health, GPU VRAM and deployments, refreshed by events with polling behind.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DeploymentInfo, GpuStatusResult, HealthResult, Input } from '../../preload/contract/index.ts';
import { api, errorText, transport } from '../api/index.ts';
import { debounce, poll } from './poll.ts';

export const useClusterStore = defineStore('cluster', () => {
  const health = ref<HealthResult | null>(null);
  const healthError = ref<string | null>(null);
  const gpu = ref<GpuStatusResult | null>(null);
  const gpuError = ref<string | null>(null);
  const gpuUpdated = ref<Date | null>(null);
  const deployments = ref<DeploymentInfo[]>([]);
  const deploymentsError = ref<string | null>(null);
  const deploymentsLoaded = ref(false);
  /** Set when RBAC limits the list to one namespace. */
  const deploymentsScopeNote = ref<string | null>(null);
  /** 401 over HTTP: the browser has no session cookie yet. */
  const unauthorized = ref(false);

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
      healthError.value = errorText(err);
    }
  }

  async function refreshGpu() {
    try {
      gpu.value = await api.gpuStatus({});
      gpuError.value = null;
      gpuUpdated.value = new Date();
    } catch (err) {
      note401(err);
      gpuError.value = errorText(err);
    }
  }

  async function refreshDeployments() {
    try {
      const result = await api.listDeployments({});
      deployments.value = result.models;
      deploymentsScopeNote.value = result.scope_note ?? null;
      deploymentsError.value = null;
      unauthorized.value = false;
    } catch (err) {
      note401(err);
      deploymentsError.value = errorText(err);
    } finally {
      deploymentsLoaded.value = true;
    }
  }

  const refreshAll = () => Promise.all([refreshHealth(), refreshGpu(), refreshDeployments()]);

  async function deploy(input: Input<'deploy'>) {
    const result = await api.deploy(input);
    await Promise.all([refreshDeployments(), refreshGpu()]);
    return result;
  }

  /** Always with its namespace: the same name may live in several (the list shows them all). */
  async function deleteDeployment(namespace: string, name: string) {
    const result = await api.deleteDeployment({ deployment_name: name, namespace });
    deployments.value = deployments.value.filter((d) => !(d.namespace === namespace && d.name === name));
    await Promise.all([refreshDeployments(), refreshGpu()]);
    return result;
  }

  let stops: (() => void)[] = [];
  function start() {
    if (stops.length) return;
    void refreshAll();
    const changed = debounce(() => Promise.all([refreshGpu(), refreshDeployments()]), 300);
    stops = [
      transport.on('clusterChanged', changed),
      transport.on('healthChanged', (h) => {
        health.value = h;
        healthError.value = null;
      }),
      poll(refreshGpu, 10_000),
      // Short enough to see a rollout finish when the event stream is down.
      poll(refreshDeployments, 5_000),
      poll(refreshHealth, 15_000),
    ];
  }
  function stop() {
    for (const s of stops) s();
    stops = [];
  }

  return { health, healthError, gpu, gpuError, gpuUpdated, deployments, deploymentsError, deploymentsLoaded, deploymentsScopeNote, unauthorized, refreshHealth, refreshGpu, refreshDeployments, refreshAll, deploy, deleteDeployment, start, stop };
});
