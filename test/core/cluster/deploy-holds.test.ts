// What a deploy in flight holds: a Deployment of this app whose pod is not bound yet holds the
// unit it was checked against, unless the scheduler has said its pod fits nowhere (then it
// holds nothing, and another deploy may take that unit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

const NS = 'model-hosting';
let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
beforeAll(async () => {
  sim = await startKubeSim({ quiet: true, readyDelayMs: 100 });
  side = await clusterSide(sim);
});
afterAll(async () => {
  await side?.close();
  await sim?.close();
});

describe('holds of deploys in flight', () => {
  it('an unschedulable deployment holds no unit', async () => {
    // 1000 GiB of RAM: within the A100 node's 1021 GiB allocatable, but 32 GiB of it are taken
    // (research/finetune), so its pod stays Pending, Unschedulable.
    const stuck = await side.handlers.deploy({ model_id: 'qwen2.5:32b', deployment_name: 'too-much-ram', memory: 1000 } as never);
    expect(stuck.vram_allocation.gpu_resource).toBe('nvidia.com/mig-3g.40gb');
    await until('its pod unschedulable in the listing', async () => (await side.handlers.listDeployments({})).models.find((m) => m.name === 'too-much-ram')?.reason === 'Unschedulable');
    // The 3g.40gb slice is still free for a deploy that can run.
    const ok = await side.handlers.deploy({ model_id: 'qwen2.5:32b', deployment_name: 'fits-ram', memory: 32 } as never);
    expect(ok.vram_allocation.gpu_resource).toBe('nvidia.com/mig-3g.40gb');
    const pod = await until('fits-ram bound', async () => (await side.ctx.kube.core.listNamespacedPod({ namespace: NS, labelSelector: 'app.kubernetes.io/name=fits-ram' })).items[0]?.spec?.nodeName);
    expect(pod).toBe('gpu-a100-mixed-01');
  });
});
