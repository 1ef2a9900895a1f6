// Port-forward lifetimes as a real kubelet has them, driven by @kubernetes/client-node's
// PortForward: the tunnel (and the TCP stream in it) ends when its pod is deleted or stops
// running, and pods without a running sandbox refuse new port-forwards with the real errors.
import { createServer, type Server, type Socket } from 'node:net';
import https from 'node:https';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { eventually } from './kube/testing.ts';

let sim: KubeSim;
let backend: Server; // stands in for the Ollama simulator: a line echo server that counts its connections
const backendSockets = new Set<Socket>();
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

interface Ws {
  close(): void;
  on(event: 'close', fn: () => void): void;
  readyState: number;
}

beforeAll(async () => {
  backend = createServer((s) => {
    backendSockets.add(s);
    s.on('close', () => backendSockets.delete(s));
    s.on('data', (d) => s.write(`echo:${d.toString()}`));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const port = (backend.address() as { port: number }).port;
  // Pods take 400 ms from bound to Running, so a just-bound pod can be caught before it runs.
  sim = await startKubeSim({ ollamaUrl: `http://127.0.0.1:${port}`, readyDelayMs: 400, quiet: true });
  kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  core = kc.makeApiClient(k8s.CoreV1Api);
});

afterAll(async () => {
  await sim?.close();
  for (const s of backendSockets) s.destroy();
  await new Promise<void>((r) => backend?.close(() => r()));
});

async function ollamaPod(): Promise<k8s.V1Pod> {
  const pods = await core.listNamespacedPod({ namespace: 'model-hosting', labelSelector: 'app=ollama' });
  const running = pods.items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
  expect(running.length).toBe(1);
  return running[0]!;
}

async function forward(ns: string, pod: string, port = 11434) {
  const output = new PassThrough();
  const input = new PassThrough();
  let received = '';
  output.on('data', (d: Buffer) => (received += d.toString()));
  const ws = (await new k8s.PortForward(kc).portForward(ns, pod, [port], output, null, input)) as unknown as Ws;
  let closed = false;
  ws.on('close', () => (closed = true));
  return { ws, input, received: () => received, closed: () => closed };
}

/** The raw answer to a port-forward upgrade that is refused: status and body as the client reads them. */
function refusedUpgrade(path: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(sim.url + path, {
      ca: sim.caPem,
      headers: {
        authorization: `Bearer ${sim.token}`,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-protocol': 'v4.channel.k8s.io',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('the upgrade was accepted'));
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('port-forward lifetime', () => {
  test('deleting the pod closes its port-forwards and their TCP streams; the new pod takes new ones', async () => {
    const pod = await ollamaPod();
    const name = pod.metadata!.name!;
    const uid = pod.metadata!.uid!;
    const a = await forward('model-hosting', name);
    const b = await forward('model-hosting', name);
    a.input.write('ping');
    await eventually(() => a.received(), (r) => r === 'echo:ping');
    b.input.write('pong');
    await eventually(() => b.received(), (r) => r === 'echo:pong');
    expect(backendSockets.size).toBe(2);
    expect(sim.portForwards.openFor(uid)).toBe(2);

    await core.deleteNamespacedPod({ name, namespace: 'model-hosting', gracePeriodSeconds: 0 });
    await eventually(() => a.closed() && b.closed(), (x) => x);
    await eventually(() => backendSockets.size, (n) => n === 0);
    expect(sim.portForwards.openFor(uid)).toBe(0);
    const mine = sim.portForwards.records.filter((r) => r.uid === uid);
    expect(mine.length).toBe(2);
    expect(mine.every((r) => r.closedBy === 'pod-gone' && r.closedAt! >= r.openedAt)).toBe(true);

    // The deleted pod refuses new ones: the API server no longer has it.
    const gone = await refusedUpgrade(`/api/v1/namespaces/model-hosting/pods/${name}/portforward?ports=11434`);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', message: `pods "${name}" not found` });
    await expect(forward('model-hosting', name)).rejects.toBeTruthy();

    // The deployment controller replaced it; once Running it forwards again.
    const next = await eventually(() => ollamaPod().catch(() => null), (p) => !!p && p.metadata!.name !== name, 5000);
    const c = await forward('model-hosting', next!.metadata!.name!);
    c.input.write('again');
    await eventually(() => c.received(), (r) => r === 'echo:again');
    const last = sim.portForwards.records.at(-1)!;
    expect(last).toMatchObject({ namespace: 'model-hosting', pod: next!.metadata!.name, uid: next!.metadata!.uid, ports: [11434] });
    expect(last.closedAt).toBeUndefined();
    c.ws.close();
    await eventually(() => last.closedBy, (x) => x === 'client');
  });

  test('a pod that stops running loses its port-forwards', async () => {
    const pod = await ollamaPod();
    const name = pod.metadata!.name!;
    const a = await forward('model-hosting', name);
    const rec = sim.portForwards.records.at(-1)!;
    expect(rec.pod).toBe(name);
    a.input.write('x');
    await eventually(() => a.received(), (r) => r === 'echo:x');
    const status = { ...pod.status, phase: 'Failed', conditions: [] };
    await core.replaceNamespacedPodStatus({ name, namespace: 'model-hosting', body: { ...pod, status } });
    await eventually(() => a.closed(), (x) => x);
    expect(rec.closedBy).toBe('pod-gone');
    expect(sim.portForwards.openFor(pod.metadata!.uid!)).toBe(0);
    // A finished pod has no sandbox left: the kubelet's plain-text 500, passed through.
    const r = await refusedUpgrade(`/api/v1/namespaces/model-hosting/pods/${name}/portforward?ports=11434`);
    expect(r).toEqual({ status: 500, contentType: 'text/plain; charset=utf-8', body: `pod not found ("${name}_model-hosting")` });
  });

  test('pods not running yet refuse port-forwards as the API server and kubelet do', async () => {
    // Not schedulable anywhere: the API server has no node to send it to.
    const huge = await core.createNamespacedPod({ namespace: 'team-a', body: {
      metadata: { name: 'pf-unschedulable' },
      spec: { containers: [{ name: 'main', image: 'nginx:1.27.3', resources: { requests: { cpu: '100000' } } }] },
    } });
    await eventually(async () => (await core.readNamespacedPod({ name: 'pf-unschedulable', namespace: 'team-a' })).status?.conditions?.[0]?.reason, (r) => r === 'Unschedulable');
    const r1 = await refusedUpgrade(`/api/v1/namespaces/team-a/pods/${huge.metadata!.name}/portforward?ports=80`);
    expect(r1.status).toBe(400);
    expect(JSON.parse(r1.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'pod pf-unschedulable does not have a host assigned' });

    // Bound, its sandbox not made yet: the kubelet finds no pod in the runtime.
    const node = (await core.listNode()).items.find((n) => n.metadata!.name === 'cpu-01')!;
    await core.createNamespacedPod({ namespace: 'team-a', body: {
      metadata: { name: 'pf-starting' },
      spec: { nodeName: node.metadata!.name!, containers: [{ name: 'main', image: 'nginx:1.27.3' }] },
    } });
    const r2 = await refusedUpgrade('/api/v1/namespaces/team-a/pods/pf-starting/portforward?ports=80');
    expect(r2).toEqual({ status: 500, contentType: 'text/plain; charset=utf-8', body: 'pod not found ("pf-starting_team-a")' });
    await expect(forward('team-a', 'pf-starting', 80)).rejects.toBeTruthy();
    expect(sim.portForwards.records.some((r) => r.pod === 'pf-starting')).toBe(false);

    // Running: the upgrade is accepted (nothing listens on 80, which the error channel says).
    await eventually(async () => (await core.readNamespacedPod({ name: 'pf-starting', namespace: 'team-a' })).status?.phase, (p) => p === 'Running');
    const ok = await forward('team-a', 'pf-starting', 80);
    await eventually(() => ok.closed(), (x) => x);
    expect(sim.portForwards.records.filter((r) => r.pod === 'pf-starting').map((r) => r.closedBy)).toEqual(['stream']);
  });
});
