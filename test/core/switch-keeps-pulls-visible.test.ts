// Switching namespace (or context) builds a new manager and closes the old one, whose pulls
// stop with it: the UI must hear that each one ended, as cancelled and why, not see it vanish.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PullProgress } from '../../preload/contract/index.ts';
import { ManagerHost } from '../../main/core/host.ts';
import { silentLogger } from '../../main/core/log.ts';
import { fileSettings } from '../../main/core/settings.ts';
import { startSimCluster, type SimCluster } from '../sim/index.ts';

let sim: SimCluster;
let dir: string;
beforeAll(async () => {
  // Slow enough that the pull is still running when the namespace changes.
  sim = await startSimCluster({ quiet: true, ollama: { pullBytesPerSecond: 20e6 } });
  dir = mkdtempSync(join(tmpdir(), 'kmm-switch-'));
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a pull running when the namespace changes ends with a cancelled event that says why', async () => {
  const settings = fileSettings(join(dir, 'config'));
  settings.update({ ollamaRoutes: ['service-proxy'] });
  const env: NodeJS.ProcessEnv = { OLLAMA_REGISTRY_URL: 'http://127.0.0.1:9' };
  const host = await ManagerHost.start({ settings, env, log: silentLogger, stateDir: join(dir, 'state'), kubeconfigYaml: sim.kube.kubeconfig() });
  const seen: PullProgress[] = [];
  host.events.on('pullProgress', (p) => seen.push(p));
  try {
    await host.handlers.pullModel({ model: 'mistral:7b' });
    const end = Date.now() + 10_000;
    while (!seen.some((p) => p.status === 'downloading') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(seen.some((p) => p.status === 'downloading')).toBe(true);

    await host.handlers.updateSettings({ namespace: 'team-a' });
    const last = seen.filter((p) => p.model === 'mistral:7b').at(-1)!;
    expect(last.status).toBe('cancelled');
    expect(last.finished_at).not.toBeNull();
    expect(last.message).toMatch(/^cancelled at \d+(\.\d+)?%: .*pulling again resumes/);
  } finally {
    await host.close();
  }
});
