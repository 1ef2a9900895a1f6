// The desktop app's start-up: until the core starts every operation answers 503 with the
// reason, startupStatus says why and what to do, retryStartup tries again (with the
// kubeconfig the operator gives or picks); the real ManagerHost against the simulated cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagerHost } from '../../main/core/host.ts';
import { silentLogger } from '../../main/core/log.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { Startup } from '../../main/core/startup.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

describe('Startup', () => {
  let sim: SimCluster;
  let dir: string;
  const startups: Startup[] = [];

  beforeAll(async () => {
    sim = await startSimCluster({});
    dir = mkdtempSync(join(tmpdir(), 'kmm-startup-'));
  });
  afterAll(async () => {
    for (const s of startups) await s.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The app's env is process.env (client-node's loadFromDefault reads process.env.KUBECONFIG
  // whatever env is passed): each test sets KUBECONFIG there, in this file's own worker.
  const useEnv = (kubeconfig: string): NodeJS.ProcessEnv => {
    process.env.KUBECONFIG = kubeconfig;
    delete process.env.KUBERNETES_SERVICE_HOST;
    return process.env;
  };
  const make = (env: NodeJS.ProcessEnv, pick?: () => Promise<string | null>) => {
    const settings = fileSettings(join(dir, `config-${startups.length}`));
    const s = new Startup({ start: () => ManagerHost.start({ settings, env, log: silentLogger, stateDir: join(dir, `state-${startups.length}`) }), log: silentLogger, env, ...(pick ? { pickKubeconfig: pick } : {}) });
    startups.push(s);
    return s;
  };

  it('without a kubeconfig: 503 with the reason everywhere, hints, and a retry with a path connects', async () => {
    const env = useEnv(join(dir, 'missing'));
    const s = make(env);
    expect(await s.run()).toBe(false);
    await expect(s.handlers.gpuStatus({})).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/^not connected to a cluster: no kubeconfig found/) });
    const status = await s.handlers.startupStatus({});
    expect(status).toMatchObject({ state: 'failed', kubeconfig: join(dir, 'missing') });
    expect(status.error).toMatch(/no kubeconfig found/);
    expect(status.hints.join(' ')).toMatch(/Pick a kubeconfig/);
    expect(status.hints.join(' ')).toMatch(/npm run demo/);

    // Still missing: still failed, nothing half-started.
    expect((await s.handlers.retryStartup({})).state).toBe('failed');
    const file = join(dir, 'kubeconfig');
    sim.kube.writeKubeconfig(file);
    let changed = 0;
    s.events.on('clusterChanged', () => changed++);
    const ready = await s.handlers.retryStartup({ kubeconfig: file });
    expect(ready).toMatchObject({ state: 'ready', error: null, kubeconfig: file });
    expect(env.KUBECONFIG).toBe(file);
    expect(changed).toBe(1);
    expect((await s.handlers.gpuStatus({})).gpu_info.total_vram_gb).toBeGreaterThan(0);
    // Events of the live core reach Startup's listeners.
    expect(s.core).not.toBeNull();
  });

  it('retry with pick asks for the file; a cancelled dialog changes nothing', async () => {
    const env = useEnv(join(dir, 'missing-too'));
    const answers: (string | null)[] = [null, join(dir, 'picked')];
    sim.kube.writeKubeconfig(join(dir, 'picked'));
    const s = make(env, async () => answers.shift() ?? null);
    await s.run();
    expect((await s.handlers.retryStartup({ pick: true })).state).toBe('failed');
    expect(env.KUBECONFIG).toBe(join(dir, 'missing-too'));
    expect((await s.handlers.retryStartup({ pick: true })).state).toBe('ready');
    expect(answers).toEqual([]);
  });

  it('a call made while the core is starting waits for it (the tray\'s first refresh, the first window)', async () => {
    const file = join(dir, 'kubeconfig-wait');
    sim.kube.writeKubeconfig(file);
    const s = make(useEnv(file));
    const started = s.run();
    const status = await s.handlers.gpuStatus({});
    expect(status.gpu_info.total_vram_gb).toBeGreaterThan(0);
    expect(await started).toBe(true);
    // And while a failing one is under way, the answer is its reason, not "still starting".
    const failing = make(useEnv(join(dir, 'missing-again')));
    const attempt = failing.run();
    await expect(failing.handlers.gpuStatus({})).rejects.toThrow(/no kubeconfig found/);
    await attempt;
  });

  it('a started core answers startupStatus itself', async () => {
    const file = join(dir, 'kubeconfig-ok');
    sim.kube.writeKubeconfig(file);
    const s = make(useEnv(file));
    expect(await s.run()).toBe(true);
    expect(await s.handlers.startupStatus({})).toMatchObject({ state: 'ready', error: null });
    // Without a dialog (REST, tests) pick is refused with a message naming the field.
    const noDialog = make(useEnv(join(dir, 'nope')));
    await noDialog.run();
    await expect(noDialog.handlers.retryStartup({ pick: true })).rejects.toMatchObject({ status: 400, details: { field: 'pick' } });
  });
});
