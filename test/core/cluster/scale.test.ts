import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PAGE_SIZE } from '../../../main/core/kube/list-watch.ts';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide } from './harness.ts';

const PODS = 20_000;
let sim: KubeSim;

beforeAll(async () => {
  sim = await startKubeSim({ quiet: true, pods: PODS, namespaces: 50, nodes: 20 });
}, 120_000);
afterAll(async () => {
  await sim?.close();
});

describe('at 20,000 pods', () => {
  it('lists pods in pages of limit/continue and answers reads from the cache', async () => {
    // The caches list as plain JSON over undici (raw-list.ts): each page is one request on its Agent.
    const spy = vi.spyOn(Agent.prototype, 'dispatch');
    const side = await clusterSide(sim);
    try {
      const t0 = performance.now();
      const { count } = await side.handlers.listDeployments({});
      const firstSync = performance.now() - t0;
      const pages = spy.mock.calls
        .map((c) => new URL(String((c[0] as { path?: string }).path), 'https://sim'))
        .filter((u) => u.pathname === '/api/v1/pods' && !u.searchParams.has('watch'))
        .map((u) => ({ limit: Number(u.searchParams.get('limit')), _continue: u.searchParams.get('continue') ?? undefined }));
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(PODS / PAGE_SIZE));
      expect(pages.every((p) => p.limit === PAGE_SIZE)).toBe(true);
      expect(pages.slice(1).every((p) => typeof p._continue === 'string' && p._continue.length > 0)).toBe(true);
      expect(count).toBeGreaterThan(PODS / 4 - 1);

      const t1 = performance.now();
      const gpu = await side.handlers.gpuStatus({});
      const list = await side.handlers.listDeployments({});
      const read = performance.now() - t1;
      expect(gpu.gpu_info.nodes.length).toBeGreaterThan(5);
      expect(list.count).toBe(count);
      console.log(`[BENCH] first sync of ${PODS} pods in ${pages.length} pages: ${Math.round(firstSync)} ms; gpuStatus + listDeployments from the cache: ${Math.round(read)} ms`);
    } finally {
      spy.mockRestore();
      await side.close();
    }
  }, 120_000);
});
