// Measured beside estimated: each model deployment's pod answers as its own simulated Ollama
// (its image's version, the memory of the GPU unit it got, its environment); once its model is
// loaded its /api/ps is in the listing beside the estimate, the ratio is kept in the cluster's
// model-vram-measurements ConfigMap and another instance of the app reads it. A model accepted
// with part on the CPU shows size_vram < size there, as real Ollama does.
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASUREMENTS_CONFIGMAP } from '../../../main/core/cluster/vram-measurements.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

const NS = 'model-hosting';
let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true, readyDelayMs: 100 });
  // 42.5 GB in about 2 s.
  sim.podOllamas.pullBytesPerSecond = 2e10;
  side = await clusterSide(sim);
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

/** A first request to a deployment's own Ollama through the service proxy loads its model. */
function generate(service: string, model: string): Promise<number> {
  const u = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, method: 'POST', path: `/api/v1/namespaces/${NS}/services/${service}:11434/proxy/api/generate`, ca: sim.caPem, headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ model, prompt: 'hello', stream: false }));
  });
}

const listed = async (name: string) => (await side.handlers.listDeployments({})).models.find((m) => m.name === name);

describe('measured beside estimated', { timeout: 30_000 }, () => {
  it('shows the deployment\'s own /api/ps beside the estimate and keeps the ratio in the cluster for every instance', async () => {
    const r = await side.handlers.deploy({ model_id: 'llama3.1:8b', deployment_name: 'eight', memory: 8 } as never);
    const pod = await until('its pod', async () => (await side.ctx.kube.core.listNamespacedPod({ namespace: NS, labelSelector: 'app.kubernetes.io/name=eight' })).items[0]?.metadata?.name);
    // Its own Ollama: the image's version, the 1g.10gb slice's memory, the pinned context.
    const own = await until('its own Ollama', () => sim.podOllamas.of(NS, pod));
    expect(own.runtime).toMatchObject({ version: '0.31.1', gpuMemoryGiB: 9.5, contextLength: r.vram_allocation.estimate.context_length });
    expect(own.url).not.toBe(undefined);
    await until('eight Running (model pulled)', async () => (await listed('eight'))?.status === 'Running');
    expect(await generate('eight', 'llama3.1:8b')).toBe(200);
    const m = await until('measured', async () => {
      const d = await listed('eight');
      return d?.measured_vram_gb !== undefined ? d : undefined;
    }, 15_000);
    const resident = r.vram_allocation.estimate.resident_vram_gb!;
    expect(m.measured_context_length).toBe(r.vram_allocation.estimate.context_length);
    // The simulator lays the model out by its own arithmetic (test/sim/ollama/vram.ts): close to the estimate, all on the GPU.
    expect(Math.abs(m.measured_vram_gb! - resident) / resident).toBeLessThan(0.1);
    expect(m.measured_size_gb).toBe(m.measured_vram_gb);

    // Kept in the cluster: the ConfigMap has the model's ratio.
    const cm = await until('the measurements ConfigMap', async () => {
      try {
        return await side.ctx.kube.core.readNamespacedConfigMap({ name: MEASUREMENTS_CONFIGMAP, namespace: NS });
      } catch {
        return undefined;
      }
    });
    const kept = JSON.parse(cm.data!['measurements.json']!)['llama3.1:8b'];
    expect(kept).toMatchObject({ estimated_gb: resident, measured_gb: m.measured_vram_gb, deployment: `${NS}/eight` });
    expect(kept.ratio).toBeCloseTo(m.measured_vram_gb! / resident, 2);

    // Another instance of the app sees it with its estimates.
    const other = await clusterSide(sim);
    try {
      const est = await other.handlers.estimateVram({ model: 'llama3.1:8b' });
      expect(est.accuracy).toMatchObject({ models: 1, configmap: `${NS}/${MEASUREMENTS_CONFIGMAP}` });
      expect(est.accuracy!.within_percent).toBeCloseTo(Math.abs(kept.ratio - 1) * 100, 0);
    } finally {
      await other.close();
    }
  });

  it('keeps the pulled model in the claim: a new pod on it is ready without pulling again; without a claim it pulls again', async () => {
    sim.podOllamas.pullBytesPerSecond = 2e9;
    await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'kept', memory: 4 } as never);
    await side.handlers.deploy({ model_id: 'qwen2.5:0.5b', deployment_name: 'unkept', memory: 4, storage: 'none' } as never);
    await until('both Running', async () => (await listed('kept'))?.status === 'Running' && (await listed('unkept'))?.status === 'Running');
    // From now on a pull would take minutes.
    sim.podOllamas.pullBytesPerSecond = 1e6;
    const pods = async (name: string) => (await side.ctx.kube.core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/name=${name}` })).items;
    const old = new Map<string, string>();
    for (const name of ['kept', 'unkept']) {
      const pod = (await pods(name))[0]!.metadata!.name!;
      old.set(name, pod);
      await side.ctx.kube.core.deleteNamespacedPod({ name: pod, namespace: NS, gracePeriodSeconds: 0 });
    }
    const ready = (p: { status?: { conditions?: { type: string; status: string }[] } }) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const fresh = async (name: string) => (await pods(name)).find((p) => p.metadata?.name !== old.get(name) && !p.metadata?.deletionTimestamp);
    // The new pod on the claim finds the model there: Ready without a minutes-long pull.
    await until('a new kept pod Ready', async () => {
      const p = await fresh('kept');
      return p && ready(p);
    }, 8_000);
    const again = await until('a new unkept pod running', async () => {
      const p = await fresh('unkept');
      return p?.status?.phase === 'Running' ? p : undefined;
    });
    expect(ready(again)).toBe(false);
    expect((await listed('unkept'))?.status).toBe('Starting');
    // Its pull shows, from its own Ollama, downloading again.
    const pulling = await until('unkept pull progress', async () => (await listed('unkept'))?.pull);
    expect(pulling.percent).toBeLessThan(100);
  });

  it('runs a model accepted with partial offload partly on the CPU: its /api/ps size_vram is below size', async () => {
    sim.podOllamas.pullBytesPerSecond = 2e10;
    const r = await side.handlers.deploy({ model_id: 'llama3.3:70b', deployment_name: 'seventy', memory: 64, context_length: 4096, allow_partial_offload: true } as never);
    expect(r.vram_allocation.fit?.shortfall_gb).toBeGreaterThan(0);
    await until('seventy Running', async () => (await listed('seventy'))?.status === 'Running', 15_000);
    expect(await generate('seventy', 'llama3.3:70b')).toBe(200);
    const m = await until('measured', async () => {
      const d = await listed('seventy');
      return d?.measured_vram_gb !== undefined ? d : undefined;
    }, 15_000);
    expect(m.measured_vram_gb!).toBeLessThan(m.measured_size_gb!);
    // What the GPU holds stays within the 39.25 GiB slice, less llama.cpp's 1 GiB margin.
    expect(m.measured_vram_gb!).toBeLessThanOrEqual(39.25 - 1 + 0.01);
    // Its measurement compares all it allocated (size) with the estimate, not the part that fit.
    const kept = await until('the 70B measurement', async () => {
      const cm = await side.ctx.kube.core.readNamespacedConfigMap({ name: MEASUREMENTS_CONFIGMAP, namespace: NS });
      return JSON.parse(cm.data!['measurements.json']!)['llama3.3:70b'];
    });
    expect(kept.measured_gb).toBe(m.measured_size_gb);
    expect(Math.abs(kept.ratio - 1)).toBeLessThan(0.1);
  });
});
