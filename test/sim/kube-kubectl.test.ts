// kubectl, an independent client, against the simulator (skipped where kubectl is absent).
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { eventually, raw } from './kube/testing.ts';

const run = promisify(execFile);

function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      const p = join(dir, 'kubectl');
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const kubectl = findKubectl();
let sim: KubeSim;
let dir: string;
let kubeconfig: string;

async function k(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(kubectl!, ['--kubeconfig', kubeconfig, ...args], { timeout: 20_000 });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe.skipIf(!kubectl)(`kubectl (${kubectl ?? 'not on PATH: skipped'})`, () => {
  beforeAll(async () => {
    sim = await startKubeSim({ readyDelayMs: 50, quiet: true });
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    sim.writeKubeconfig(kubeconfig);
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('get nodes', async () => {
    const r = await k('get', 'nodes');
    expect(r.code, r.stderr).toBe(0);
    for (const n of ['gpu-h100-01', 'gpu-h100l-vgpu-01', 'gpu-a100-mig-01', 'gpu-t4-01', 'cpu-01']) expect(r.stdout).toContain(n);
  });

  test('get deployments -A -o json', async () => {
    const r = await k('get', 'deployments', '-A', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.kind).toBe('List');
    const ollama = list.items.find((d: any) => d.metadata.name === 'ollama');
    expect(ollama.metadata.namespace).toBe('model-hosting');
    expect(ollama.status.readyReplicas).toBe(1);
  });

  test('get pods -n model-hosting; -o jsonpath of node labels', async () => {
    const r = await k('get', 'pods', '-n', 'model-hosting');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ollama-[a-z0-9]+-[a-z0-9]{5}/);
    const j = await k('get', 'node', 'gpu-h100-01', '-o', 'jsonpath={.metadata.labels.nvidia\\.com/gpu\\.memory}');
    expect(j.stdout).toBe('81559');
  });

  test('create -f --validate=false, patch --type merge, scale, delete', async () => {
    const file = join(dir, 'deploy.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'kc-test', namespace: 'team-a' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'kc-test' } },
        template: { metadata: { labels: { app: 'kc-test' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27.3' }] } } },
    }));
    const c = await k('create', '-f', file, '--validate=false');
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout.trim()).toBe('deployment.apps/kc-test created');
    const again = await k('create', '-f', file, '--validate=false');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('deployments.apps "kc-test" already exists');
    const p = await k('patch', 'deployment', 'kc-test', '-n', 'team-a', '--type', 'merge', '-p', '{"spec":{"replicas":2}}');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim()).toBe('deployment.apps/kc-test patched');
    await eventually(async () => (await raw(sim, '/api/v1/namespaces/team-a/pods?labelSelector=app%3Dkc-test')).json.items.length, (n) => n === 2);
    const s = await k('scale', 'deployment', 'kc-test', '-n', 'team-a', '--replicas=3');
    expect(s.code, s.stderr).toBe(0);
    const ready = await eventually(() => k('get', 'deployment', 'kc-test', '-n', 'team-a', '-o', 'jsonpath={.status.readyReplicas}'), (r) => r.stdout === '3');
    expect(ready.code).toBe(0);
    const d = await k('delete', 'deployment', 'kc-test', '-n', 'team-a');
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.trim()).toBe('deployment.apps "kc-test" deleted');
    await eventually(async () => (await raw(sim, '/api/v1/namespaces/team-a/pods?labelSelector=app%3Dkc-test')).json.items.length, (n) => n === 0);
  });

  test('errors read like a real server: NotFound, Forbidden, Unauthorized', async () => {
    const nf = await k('get', 'deployment', 'nope', '-n', 'team-a');
    expect(nf.stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
    const ro = join(dir, 'ro');
    sim.writeKubeconfig(ro, { token: sim.readOnlyToken });
    const f = await run(kubectl!, ['--kubeconfig', ro, 'delete', 'deployment', 'ollama', '-n', 'model-hosting']).catch((e) => e);
    expect(f.stderr).toContain('Error from server (Forbidden): deployments.apps "ollama" is forbidden');
    const bad = join(dir, 'bad');
    sim.writeKubeconfig(bad, { token: 'wrong' });
    const u = await run(kubectl!, ['--kubeconfig', bad, 'get', 'nodes']).catch((e) => e);
    expect(u.stderr).toMatch(/Unauthorized|must be logged in/);
  });
});
