// The whole simulated cluster: startSimCluster wires the Kubernetes simulator to the real
// Ollama simulator (service proxy and port-forward reach it), and the CLI starts both.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startSimCluster, type SimCluster } from './index.ts';
import { eventually, raw } from './kube/testing.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let sim: SimCluster;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sim-cluster-'));
  sim = await startSimCluster({ kubeconfigPath: join(dir, 'kubeconfig'), quiet: true });
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('startSimCluster', () => {
  test('writes the kubeconfig and reaches Ollama through the service proxy', async () => {
    expect(sim.kubeconfigPath).toBe(join(dir, 'kubeconfig'));
    expect(readFileSync(sim.kubeconfigPath!, 'utf8')).toContain(sim.kube.url);
    const base = '/api/v1/namespaces/model-hosting/services/ollama-service:11434/proxy';
    const direct = await (await fetch(`${sim.ollama.url}/api/version`)).json();
    const v = await raw(sim.kube, `${base}/api/version`);
    expect(v.status).toBe(200);
    expect(v.json).toEqual(direct);
    const tags = await raw(sim.kube, `${base}/api/tags`);
    expect(Array.isArray(tags.json.models)).toBe(true);
  });

  test('port-forward to the ollama pod reaches the Ollama simulator', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sim.kubeconfigPath!);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const pod = (await core.listNamespacedPod({ namespace: 'model-hosting', labelSelector: 'app=ollama' })).items[0]!;
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const input = new PassThrough();
    const ws = (await new k8s.PortForward(kc).portForward('model-hosting', pod.metadata!.name!, [11434], out, null, input)) as { close(): void };
    input.write('GET /api/version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await eventually(() => text, (t) => t.includes('"version"'));
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    ws.close();
  });
});

describe('cli', () => {
  test('starts both in under 3 s, prints what it started, stops on SIGTERM', async () => {
    const kubeconfig = join(dir, 'cli-kubeconfig');
    const t0 = Date.now();
    const child = spawn(process.execPath, ['test/sim/cli.ts', '--kubeconfig', kubeconfig], { cwd: ROOT });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      await eventually(() => out, (o) => o.includes('export KUBECONFIG='), 10_000);
      const ready = Date.now() - t0;
      console.log(`[SIM] cli ready in ${ready} ms (including Node start-up)`);
      const readyLine = /ready in (\d+) ms/.exec(out);
      expect(Number(readyLine?.[1])).toBeLessThan(3000);
      expect(out).toContain(`export KUBECONFIG=${kubeconfig}`);
      expect(out).toMatch(/Kubernetes API: https:\/\/127\.0\.0\.1:\d+/);
      expect(out).toMatch(/Ollama: +http:\/\/127\.0\.0\.1:\d+/);
      expect(existsSync(kubeconfig)).toBe(true);
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
      expect(nodes.items.length).toBe(6);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  });
});
