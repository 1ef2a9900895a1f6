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

  test('get pods prints the server-side Table: READY, STATUS Running; -o wide adds IP and NODE', async () => {
    const r = await k('get', 'pods', '-n', 'model-hosting');
    expect(r.code, r.stderr).toBe(0);
    const [head, ...rows] = r.stdout.trim().split('\n');
    expect(head!.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const ollama = rows.map((l) => l.split(/\s+/)).find((c) => /^ollama-/.test(c[0]!));
    expect(ollama?.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    const pod = (await raw(sim, '/api/v1/namespaces/model-hosting/pods?labelSelector=app%3Dollama')).json.items[0];
    const w = await k('get', 'pods', '-n', 'model-hosting', '-o', 'wide');
    expect(w.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const wide = w.stdout.split('\n').find((l) => l.startsWith(pod.metadata.name))!.split(/\s+/);
    expect(wide.slice(5, 7)).toEqual([pod.status.podIP, pod.spec.nodeName]);
    // Labels come from the rows' PartialObjectMetadata.
    const l = await k('get', 'pods', '-n', 'model-hosting', '--show-labels');
    expect(l.stdout).toContain('app=ollama');
  });

  test('get deploy -A shows READY 1/1; get nodes shows STATUS Ready; get svc and ns', async () => {
    const d = await k('get', 'deploy', '-A');
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    const ollama = d.stdout.split('\n').map((x) => x.split(/\s+/)).find((c) => c[1] === 'ollama');
    expect(ollama?.slice(0, 5)).toEqual(['model-hosting', 'ollama', '1/1', '1', '1']);
    const n = await k('get', 'nodes');
    expect(n.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    const h100 = n.stdout.split('\n').map((x) => x.split(/\s+/)).find((c) => c[0] === 'gpu-h100-01');
    expect(h100?.slice(1, 3)).toEqual(['Ready', '<none>']);
    expect(h100?.[4]).toMatch(/^v1\.\d+\.\d+/);
    const s = await k('get', 'svc', '-n', 'model-hosting');
    expect(s.stdout.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(s.stdout).toMatch(/ollama-service\s+ClusterIP\s+\S+\s+<none>\s+11434\/TCP/);
    const ns = await k('get', 'ns', 'model-hosting');
    expect(ns.stdout).toMatch(/^NAME\s+STATUS\s+AGE\nmodel-hosting\s+Active\s+\S+/);
    const cm = await k('get', 'cm', '-n', 'default');
    expect(cm.stdout).toMatch(/^NAME\s+DATA\s+AGE\nkube-root-ca\.crt\s+1\s+\S+/);
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
