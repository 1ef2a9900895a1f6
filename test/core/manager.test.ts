// The manager's start-up against the simulated cluster: which context it uses.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../../main/core/errors.ts';
import { memoryLogger } from '../../main/core/log.ts';
import { ModelManager } from '../../main/core/manager.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

let sim: SimCluster;
beforeAll(async () => {
  sim = await startSimCluster({ quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmm-manager-'));
  return { settings: fileSettings(join(dir, 'settings')), stateDir: join(dir, 'state') };
};

it('starts on the kubeconfig current context, with a warning, when the saved context has left the kubeconfig', async () => {
  const { settings, stateDir } = fresh();
  settings.update({ context: 'old-cluster' });
  const log = memoryLogger();
  const manager = await ModelManager.create({ kubeconfigYaml: sim.kube.kubeconfig(), settings, stateDir, log });
  try {
    expect(manager.ctx.kube.context).toBe('sim');
    expect(log.lines.some((l) => l.startsWith('[K8S] saved context "old-cluster" is not in'))).toBe(true);
    expect((await manager.handlers.health({})).kubernetes).toBe('connected');
  } finally {
    await manager.close();
  }
});

it('refuses a context asked for explicitly that the kubeconfig does not have', async () => {
  const { settings, stateDir } = fresh();
  const attempt = ModelManager.create({ kubeconfigYaml: sim.kube.kubeconfig(), context: 'nope', settings, stateDir, log: memoryLogger() });
  await expect(attempt).rejects.toBeInstanceOf(AppError);
  await expect(attempt).rejects.toMatchObject({ status: 400, message: expect.stringContaining('"nope"') });
});

it('says plainly that there is no kubeconfig, instead of inventing a cluster at localhost:8080', async () => {
  const { settings, stateDir } = fresh();
  const env = { KUBECONFIG: join(stateDir, 'missing-kubeconfig') };
  await expect(ModelManager.create({ settings, stateDir, env, log: memoryLogger() })).rejects.toMatchObject({
    status: 400,
    message: expect.stringContaining('no kubeconfig found'),
  });
});
