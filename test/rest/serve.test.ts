// `node main/serve.ts` as a person runs it, against the simulated cluster's kubeconfig: it
// prints its URL, answers health openly and the seed's routes with the token, never logs
// the token, and stops cleanly on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSimCluster } from '../sim/index.ts';
import { startServe, type ServeProcess } from './serve-process.ts';

const TOKEN = 'serve-e2e-token-4f1c9a7b2d';

let sim: Awaited<ReturnType<typeof startSimCluster>>;
let dir: string;
let serve: ServeProcess;
let url: URL;

async function api(path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  const res = await fetch(new URL(path, url.origin), { headers });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  sim = await startSimCluster();
  dir = mkdtempSync(join(tmpdir(), 'kmm-serve-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await sim.kube.writeKubeconfig(kubeconfig);
  serve = await startServe(['--kubeconfig', kubeconfig, '--config-dir', dir], { MODEL_MANAGER_TOKEN: TOKEN });
  url = serve.url;
});

afterAll(async () => {
  await serve?.kill();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run serve against the simulated cluster', () => {
  test('prints a loopback login URL with a one-time code, not the token: it logs a browser in once', async () => {
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBeNull();
    expect(url.href).not.toContain(TOKEN);
    const code = url.searchParams.get('code');
    expect(code).toMatch(/^[\w-]{20,}$/);
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api('/api/deployments', { cookie })).status).toBe(200);
    // The address left in the browser's history opens nothing a second time.
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  test('health is open and says Kubernetes is connected', async () => {
    let health = await api('/api/health', {});
    // The first call may come before the client has reached the API server.
    for (let i = 0; i < 50 && health.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await api('/api/health', {});
    }
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'healthy', kubernetes: 'connected' });
  });

  test('the seed routes answer with the token only', async () => {
    expect((await api('/api/gpu/status', {})).status).toBe(401);

    const gpu = await api('/api/gpu/status');
    expect(gpu.status).toBe(200);
    expect(gpu.body.success).toBe(true);
    const info = gpu.body.gpu_info;
    for (const field of ['total_vram_gb', 'allocated_vram_gb', 'available_vram_gb', 'utilization_percent', 'gpu_count']) {
      expect(typeof info[field], field).toBe('number');
    }
    expect(info.total_vram_gb).toBeGreaterThan(0);
    expect(info.gpu_count).toBeGreaterThan(0);
    expect(Array.isArray(gpu.body.recommendations)).toBe(true);
    const nodeNames = (info.nodes as { name: string }[]).map((n) => n.name);
    for (const name of ['gpu-h100-01', 'gpu-a100-mig-01', 'gpu-t4-01']) expect(nodeNames).toContain(name);

    const deployments = await api('/api/deployments');
    expect(deployments.status).toBe(200);
    expect(deployments.body.success).toBe(true);
    const models = deployments.body.models as { name: string; namespace: string; status: string; replicas: string }[];
    expect(deployments.body.count).toBe(models.length);
    const names = models.map((m) => `${m.namespace}/${m.name}`);
    for (const name of ['model-hosting/ollama', 'team-a/web', 'team-a/jupyter', 'research/finetune']) expect(names).toContain(name);
    expect(names).not.toContain('kube-system/coredns');
    const ollama = models.find((m) => m.name === 'ollama')!;
    expect(ollama).toMatchObject({ status: 'Running', replicas: '1/1' });
    for (const field of ['model_id', 'image', 'gpu', 'memory', 'created']) expect(ollama, field).toHaveProperty(field);

    const bad = await fetch(new URL('/api/deploy', url.origin), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: 'llama3.1:8b', deployment_name: 'Bad_Name', memory: 8 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/deployment_name/);
  });

  test('a pull answers 202 and its progress is read back by model name', async () => {
    const pull = await fetch(new URL('/api/ollama/pull', url.origin), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'qwen2.5:0.5b' }),
    });
    expect(pull.status).toBe(202);
    let progress = await api('/api/ollama/pull/progress/qwen2.5:0.5b');
    for (let i = 0; i < 100 && progress.body.status !== 'success'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      progress = await api('/api/ollama/pull/progress/qwen2.5:0.5b');
    }
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ model: 'qwen2.5:0.5b', status: 'success', progress: 100 });
    expect((await api('/api/ollama/pull/progress/library/llama3.1:8b')).status).toBe(404);
  });

  test('a new namespace in the settings reconnects the live manager', async () => {
    const post = (body: unknown) =>
      fetch(new URL('/api/settings', url.origin), {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ namespace: 'team-a' })).status).toBe(200);
    expect((await api('/api/health')).body.namespace).toBe('team-a');
    // Without the token, health says whether it is healthy and nothing else.
    expect(Object.keys((await api('/api/health', {})).body).sort()).toEqual(['kubernetes', 'status']);
    const bad = await post({ context: 'not-in-kubeconfig' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('context');
    expect((await post({ namespace: null })).status).toBe(200);
    expect((await api('/api/health')).body.namespace).toBe('model-hosting');
  });

  test('logs requests without the token, and stops cleanly on SIGTERM', async () => {
    await fetch(new URL(`/?token=${TOKEN}`, url.origin), { redirect: 'manual' });
    const exited = new Promise<number | null>((r) => serve.child.once('exit', (code) => r(code)));
    serve.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(serve.output()).toMatch(/\[REQUEST\] GET \/api\/gpu\/status 200 \d+ms/);
    expect(serve.output()).toMatch(/\[REQUEST\] GET \/ 302 \d+ms/);
    // The token shows nowhere, not even in the login URL.
    expect(serve.output()).not.toContain(TOKEN);
  });
});
