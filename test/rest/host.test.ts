// The manager host: transports always reach the live manager; a new context or namespace
// builds a new one (and closes the old); a switch that fails is undone and says why.
import { describe, expect, test } from 'vitest';
import { createAppHandlers } from '../../main/core/app-handlers.ts';
import { AppError } from '../../main/core/errors.ts';
import { EventBus } from '../../main/core/events.ts';
import { ManagerHost, type HostedManager } from '../../main/core/host.ts';
import { KubeClient, loadKubeConfig } from '../../main/core/kube/client.ts';
import { silentLogger } from '../../main/core/log.ts';
import type { CoreContext } from '../../main/core/context.ts';
import type { ManagerOptions } from '../../main/core/manager.ts';
import { SettingsStore, type KeyValueStore } from '../../main/core/settings.ts';
import { fakeHandlers } from './helpers.ts';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster: { server: 'https://127.0.0.1:1' }
- name: other
  cluster: { server: 'https://127.0.0.1:2' }
users:
- name: op
  user: { token: abc }
contexts:
- name: ctx-a
  context: { cluster: sim, user: op, namespace: team-a }
- name: ctx-b
  context: { cluster: other, user: op }
- name: broken
  context: { cluster: other, user: op }
current-context: ctx-a
`;

function memoryKv(): KeyValueStore {
  const store: Record<string, unknown> = {};
  return { store, get: (k) => store[k], set: (k, v) => void (store[k] = v) };
}

interface Built extends HostedManager {
  id: number;
  options: ManagerOptions;
  ctx: CoreContext;
  closed: boolean;
}

function world() {
  const settings = new SettingsStore(memoryKv());
  const built: Built[] = [];
  const create = async (options: ManagerOptions): Promise<Built> => {
    // Stands for a context whose credentials or server cannot be used.
    if (options.context === 'broken') throw new AppError(502, 'Kubernetes refused the credentials');
    const { kc, source } = loadKubeConfig({ kubeconfigYaml: KUBECONFIG, context: options.context ?? settings.get().context });
    const kube = new KubeClient(kc, options.namespace ?? settings.get().namespace ?? 'model-hosting', source, silentLogger);
    const ctx: CoreContext = { kube, settings, events: new EventBus(), log: silentLogger, env: {}, stateDir: '/nonexistent' };
    const id = built.length + 1;
    const { handlers } = fakeHandlers({
      ...createAppHandlers(ctx),
      gpuStatus: async () => ({ manager: id, context: kube.context, namespace: kube.namespace }),
    });
    const manager: Built = { id, options, ctx, handlers, closed: false, close: async () => void (manager.closed = true) };
    built.push(manager);
    return manager;
  };
  return { settings, built, create };
}

const base = { log: silentLogger, stateDir: '/nonexistent', env: {} };

describe('manager host', () => {
  test('delegates to the live manager, forwards its events, and rebuilds on a namespace change keeping the --context flag', async () => {
    const w = world();
    const host = await ManagerHost.start({ ...base, settings: w.settings, create: w.create, context: 'ctx-b', namespace: null });
    try {
      expect(await host.handlers.gpuStatus({})).toEqual({ manager: 1, context: 'ctx-b', namespace: 'model-hosting' });
      const heard: number[] = [];
      host.events.on('usageChanged', (p) => heard.push(p.total_requests));
      w.built[0]!.ctx.events.emit('usageChanged', { total_requests: 1 });

      const changed: string[][] = [];
      host.events.on('clusterChanged', (p) => changed.push(p.kinds));
      const result = await host.handlers.updateSettings({ namespace: 'team-x' });
      expect(result.settings.namespace).toBe('team-x');
      expect(w.built).toHaveLength(2);
      expect(w.built[1]!.options).toMatchObject({ context: 'ctx-b', namespace: 'team-x' });
      expect(w.built[0]!.closed).toBe(true);
      expect(await host.handlers.gpuStatus({})).toEqual({ manager: 2, context: 'ctx-b', namespace: 'team-x' });
      expect(changed).toHaveLength(1);

      w.built[0]!.ctx.events.emit('usageChanged', { total_requests: 2 }); // the old one is no longer heard
      w.built[1]!.ctx.events.emit('usageChanged', { total_requests: 3 });
      expect(heard).toEqual([1, 3]);

      // A setting that does not touch the connection builds nothing.
      await host.handlers.updateSettings({ defaultVramGb: 40 });
      expect(w.built).toHaveLength(2);
      expect(host.manager).toBe(w.built[1]);
    } finally {
      await host.close();
    }
    expect(w.built[1]!.closed).toBe(true);
  });

  test('a context switch goes live; a failing one is undone and answered with why', async () => {
    const w = world();
    const host = await ManagerHost.start({ ...base, settings: w.settings, create: w.create });
    try {
      expect(await host.handlers.gpuStatus({})).toMatchObject({ manager: 1, context: 'ctx-a' });
      const contexts = await host.handlers.listContexts({});
      expect(contexts.current).toBe('ctx-a');
      expect(contexts.contexts.map((c) => c.name)).toEqual(['ctx-a', 'ctx-b', 'broken']);
      expect(contexts.contexts[0]).toEqual({ name: 'ctx-a', cluster: 'sim', namespace: 'team-a' });

      await host.handlers.updateSettings({ context: 'ctx-b' });
      expect(await host.handlers.gpuStatus({})).toMatchObject({ manager: 2, context: 'ctx-b' });
      expect((await host.handlers.getSettings({})).settings.context).toBe('ctx-b');

      const failed = await host.handlers.updateSettings({ context: 'broken' }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(AppError);
      expect((failed as AppError).status).toBeLessThan(500);
      expect((failed as AppError).message).toMatch(/refused the credentials/);
      expect(w.settings.get().context).toBe('ctx-b');
      expect(await host.handlers.gpuStatus({})).toMatchObject({ manager: 2, context: 'ctx-b' });
      expect(w.built[1]!.closed).toBe(false);
    } finally {
      await host.close();
    }
  });

  test('a context that is not in the kubeconfig is refused before it is saved', async () => {
    const w = world();
    const host = await ManagerHost.start({ ...base, settings: w.settings, create: w.create });
    try {
      const err = (await host.handlers.updateSettings({ context: 'nope' }).catch((e: unknown) => e)) as AppError;
      expect(err.status).toBe(400);
      expect(err.toBody()).toMatchObject({ field: 'context' });
      expect(err.message).toMatch(/"nope" is not in/);
      expect(w.settings.get().context).toBeNull();
      expect(w.built).toHaveLength(1);
      // getSettings never carries the REST token.
      w.settings.restToken({});
      expect(JSON.stringify(await host.handlers.getSettings({}))).not.toMatch(/restToken/);
    } finally {
      await host.close();
    }
  });
});
