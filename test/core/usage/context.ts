// A CoreContext for tests and the tracker processes: the real KubeClient on a kubeconfig,
// a settings file in a temp folder, an event bus and a logger that keeps lines.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBus } from '../../../main/core/events.ts';
import { KubeClient, loadKubeConfig, resolveNamespace } from '../../../main/core/kube/client.ts';
import { memoryLogger, type Logger } from '../../../main/core/log.ts';
import type { CoreContext } from '../../../main/core/context.ts';
import { fileSettings } from '../../../main/core/settings.ts';

export interface TestContextOptions {
  kubeconfigYaml?: string;
  kubeconfig?: string;
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export function tempDir(prefix = 'kmm-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function testContext(o: TestContextOptions): CoreContext & { lines: string[] } {
  const env = o.env ?? {};
  const { kc, source } = loadKubeConfig({ ...(o.kubeconfigYaml ? { kubeconfigYaml: o.kubeconfigYaml } : {}), ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}) }, env);
  const mem = memoryLogger();
  const log = o.log ?? mem;
  const kube = new KubeClient(kc, resolveNamespace(kc, null, env), source, log);
  const stateDir = o.stateDir ?? tempDir('kmm-state-');
  return { kube, settings: fileSettings(path.join(stateDir, 'settings')), events: new EventBus(), log, env, stateDir, lines: mem.lines };
}
