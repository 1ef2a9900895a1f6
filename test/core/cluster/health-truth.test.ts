// Health says what the last real calls and the watches say: a token the API server refuses
// (every call 401), or a server that answers every call with 500, 429 or 503, is not
// "connected", even while watches opened earlier stay open.
import { recordFigure } from '../../reliability/figures.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim, type KubeSim } from '../../sim/index.ts';
import { clusterSide, until } from './harness.ts';

let sim: KubeSim;
beforeAll(async () => {
  sim = await startKubeSim({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

describe('health tells the truth', () => {
  it('a token the API server refuses (401 on every call) is unhealthy, and says why', async () => {
    recordFigure('faults injected', 1);
    const side = await clusterSide(sim, { token: 'not-a-token-this-server-knows' });
    try {
      const h = await side.handlers.health({});
      expect(h).toMatchObject({ status: 'unhealthy', kubernetes: 'disconnected' });
      expect(h.error).toMatch(/401|nauthorized|credentials/);
    } finally {
      await side.close();
    }
  });

  it.each([500, 429, 503] as const)('a server answering every call with %d is unhealthy while the watches stay open, and healthy again after', async (status) => {
    const side = await clusterSide(sim);
    try {
      await side.handlers.listDeployments({});
      expect((await side.handlers.health({})).status).toBe('healthy');
      sim.faults.errorStatus = status;
      sim.faults.errorRate = 1;
      recordFigure('faults injected', 1);
      // The app's own calls fail (a deploy's read, the usage flush...): health follows at once.
      await side.ctx.kube.call('read namespace team-a', () => side.ctx.kube.core.readNamespace({ name: 'team-a' })).catch(() => {});
      const down = await side.handlers.health({});
      expect(down).toMatchObject({ status: 'unhealthy', kubernetes: 'disconnected' });
      expect(down.error).toBeTruthy();
      sim.faults.errorRate = 0;
      await until('healthy again', async () => (await side.handlers.health({})).status === 'healthy');
    } finally {
      sim.faults.errorRate = 0;
      await side.close();
    }
  });

  it('checks with a call of its own when none succeeded lately, so a server failing quietly is noticed', async () => {
    const side = await clusterSide(sim);
    try {
      await side.handlers.listDeployments({});
      expect((await side.handlers.health({})).status).toBe('healthy');
      sim.faults.errorStatus = 500;
      sim.faults.errorRate = 1;
      recordFigure('faults injected', 1);
      // No call of the app's fails (answers come from the caches), but time passes.
      const realNow = Date.now;
      Date.now = () => realNow() + 11_000;
      try {
        expect((await side.handlers.health({})).status).toBe('unhealthy');
      } finally {
        Date.now = realNow;
      }
    } finally {
      sim.faults.errorRate = 0;
      await side.close();
    }
  });
});
