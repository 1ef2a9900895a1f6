// Fit decisions are serialized (issue 8, "Placement is what was checked"): five deploys sent
// at once through the REST API for a model only one free unit can hold (qwen2.5:32b at Ollama
// 0.31.1's default context needs ~28 GiB: only the 39.25 GiB MIG 3g.40gb slice holds it), and
// exactly one is accepted; the others get a 409 naming what is left. Against the real cluster
// side on the simulated cluster, before any of the new pods is scheduled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/core/events.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { startRestServer, type RestServer } from '../../main/rest/server.ts';
import { AppError } from '../../main/core/errors.ts';
import { clusterSide, until } from '../core/cluster/harness.ts';
import { call, fakeHandlers } from '../rest/helpers.ts';
import { startKubeSim, type KubeSim } from '../sim/index.ts';

const TOKEN = 'test-token-concurrent-0123456789';
let sim: KubeSim;
let side: Awaited<ReturnType<typeof clusterSide>>;
let server: RestServer;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
  side = await clusterSide(sim);
  const { handlers } = fakeHandlers({ deploy: side.handlers.deploy, estimateVram: side.handlers.estimateVram, gpuStatus: side.handlers.gpuStatus });
  server = await startRestServer({ port: 0, getHandlers: () => handlers, events: new EventBus(), token: TOKEN, log: memoryLogger() });
});
afterAll(async () => {
  await server?.close();
  await side?.close();
  await sim?.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe('five concurrent deploys for one free unit', { timeout: 30_000 }, () => {
  it('accepts exactly one; the others answer 409 naming what is left', async () => {
    const est = await call(server.port, { path: '/api/vram/estimate?model=qwen2.5%3A32b', headers: auth });
    expect(est.json.fits).toBe(true);
    expect(est.json.fit.unit.resource).toBe('nvidia.com/mig-3g.40gb');
    const gpu = (await call(server.port, { path: '/api/gpu/status', headers: auth })).json;
    const slice = gpu.gpu_info.nodes.flatMap((n: { groups: { resource: string; free_units: number }[] }) => n.groups).find((g: { resource: string }) => g.resource === 'nvidia.com/mig-3g.40gb');
    expect(slice.free_units).toBe(1);

    const names = ['qwen-a', 'qwen-b', 'qwen-c', 'qwen-d', 'qwen-e'];
    const replies = await Promise.all(
      names.map((name) =>
        call(server.port, { method: 'POST', path: '/api/deploy', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ model_id: 'qwen2.5:32b', deployment_name: name, memory: 32 }) }),
      ),
    );
    const accepted = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status !== 200);
    expect(accepted.map((r) => r.json.deployment_name)).toHaveLength(1);
    expect(accepted[0]!.json.vram_allocation.gpu_resource).toBe('nvidia.com/mig-3g.40gb');
    const winner = `model-hosting/${accepted[0]!.json.deployment_name}`;
    expect(refused).toHaveLength(4);
    for (const r of refused) {
      expect(r.status, r.text).toBe(409);
      expect(r.json.error).toContain(`was just taken by ${winner}`);
      // What is left, by unit, in GiB.
      expect(r.json.error).toMatch(/left: .*nvidia\.com\/gpu on gpu-h100l-vgpu-01 \(\d+(\.\d+)? GiB usable\)/);
      expect(r.json.taken_by).toEqual([winner]);
    }
    // Only the winner exists in the cluster.
    const made = (await side.ctx.kube.apps.listNamespacedDeployment({ namespace: 'model-hosting' })).items.map((d) => d.metadata?.name);
    expect(made.filter((n) => names.includes(n!))).toEqual([accepted[0]!.json.deployment_name]);
  });

  it('another instance of the app that sees the new Deployment answers 409 too, not "does not fit"', async () => {
    // gemma3:27b needs ~21 GiB: with the 3g.40gb slice taken, only the time-sliced 23 GiB H100L holds it.
    const first = await side.handlers.deploy({ model_id: 'gemma3:27b', deployment_name: 'gemma-first', memory: 32 } as never);
    expect(first.vram_allocation.fit?.unit?.node).toBe('gpu-h100l-vgpu-01');
    const other = await clusterSide(sim);
    try {
      await until('the other instance sees gemma-first', async () => (await other.handlers.listDeployments({})).models.some((m) => m.name === 'gemma-first'));
      const err = (await other.handlers.deploy({ model_id: 'gemma3:27b', deployment_name: 'gemma-second', memory: 32 } as never).catch((e: unknown) => e)) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(409);
      expect(err.message).toContain('was just taken by');
      expect(err.details.taken_by).toContain('model-hosting/gemma-first');
    } finally {
      await other.close();
    }
  });
});
