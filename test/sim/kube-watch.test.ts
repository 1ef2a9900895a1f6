// Watches (initial state, replay from a resourceVersion, selector transitions, 410 Gone,
// timeoutSeconds, bookmarks), the fault switches and their control endpoint, stop/start.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { eventually, raw, watchEvents } from './kube/testing.ts';

let sim: KubeSim;
const cm = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels }, data: { k: 'v' } });
const cms = '/api/v1/namespaces/research/configmaps';

beforeAll(async () => {
  sim = await startKubeSim({ readyDelayMs: 50, quiet: true });
});
afterAll(async () => {
  await sim?.close();
});

describe('watch', () => {
  test('without resourceVersion: ADDED for the current state, then live events', async () => {
    const p = watchEvents(sim, '/api/v1/namespaces?watch=true', (ev) => ev.some((e) => e.object.metadata.name === 'watch-live'));
    await new Promise((r) => setTimeout(r, 100));
    await raw(sim, '/api/v1/namespaces', { method: 'POST', body: { metadata: { name: 'watch-live' } } });
    const { status, events } = await p;
    expect(status).toBe(200);
    const initial = events.slice(0, -1);
    expect(initial.every((e) => e.type === 'ADDED')).toBe(true);
    expect(initial.map((e) => e.object.metadata.name)).toContain('model-hosting');
    expect(events.at(-1)).toMatchObject({ type: 'ADDED', object: { kind: 'Namespace', metadata: { name: 'watch-live' } } });
  });

  test('from a resourceVersion: replays what happened since, in order', async () => {
    const list = await raw(sim, cms);
    const rv = list.json.metadata.resourceVersion;
    await raw(sim, cms, { method: 'POST', body: cm('w1') });
    await raw(sim, `${cms}/w1`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { data: { k: 'v2' } } });
    await raw(sim, `${cms}/w1`, { method: 'DELETE' });
    const { events } = await watchEvents(sim, `${cms}?watch=1&resourceVersion=${rv}`, (ev) => ev.length >= 3);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs[0]! > Number(rv) && rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!).toBe(true);
    expect(events[1].object.data.k).toBe('v2');
  });

  test('a selector watch sees objects enter and leave the selection', async () => {
    const rv = (await raw(sim, cms)).json.metadata.resourceVersion;
    await raw(sim, cms, { method: 'POST', body: cm('sel', { tier: 'a' }) });
    await raw(sim, `${cms}/sel`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { tier: 'b' } } } });
    await raw(sim, `${cms}/sel`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { tier: 'a' } } } });
    const { events } = await watchEvents(sim, `${cms}?watch=true&labelSelector=tier%3Da&resourceVersion=${rv}`, (ev) => ev.length >= 3);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  test('timeoutSeconds ends the stream; bookmarks mark the end of initial events', async () => {
    const t0 = Date.now();
    const { events, ended } = await watchEvents(sim, `${cms}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`, () => false, 5000);
    expect(ended).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(Date.now() - t0).toBeLessThan(4000);
    const bm = events.find((e) => e.type === 'BOOKMARK');
    expect(bm.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(bm.object.kind).toBe('ConfigMap');
  });

  test('forceGone: a watch from a resourceVersion gets an ERROR event with a 410 Status; continue tokens expire', async () => {
    const list = await raw(sim, '/api/v1/pods?limit=2');
    sim.faults.forceGone = true;
    try {
      const { status, events, ended } = await watchEvents(sim, `/api/v1/pods?watch=true&resourceVersion=${list.json.metadata.resourceVersion}`, () => false);
      expect(status).toBe(200);
      expect(ended).toBe(true);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 } });
      expect(events[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
      const next = await raw(sim, `/api/v1/pods?limit=2&continue=${list.json.metadata.continue}`);
      expect(next.status).toBe(410);
      expect(next.json).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    } finally {
      sim.faults.forceGone = false;
    }
  });

  test('history older than the bounded event log is 410 too', async () => {
    const rv = (await raw(sim, cms)).json.metadata.resourceVersion;
    const limit = sim.store.historyLimit;
    sim.store.historyLimit = 5;
    try {
      for (let i = 0; i < 10; i++) await raw(sim, cms, { method: 'POST', body: cm(`hist-${i}`) });
      const { events } = await watchEvents(sim, `${cms}?watch=true&resourceVersion=${rv}`, () => false, 1000);
      expect(events[0]).toMatchObject({ type: 'ERROR', object: { code: 410 } });
    } finally {
      sim.store.historyLimit = limit;
    }
  });

  test('an informer relists after dropped watches and a forced 410 and keeps receiving', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    let lists = 0;
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/research/configmaps', () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: 'research' });
    });
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    try {
      await raw(sim, cms, { method: 'POST', body: cm('inf-1') });
      await eventually(() => added, (a) => a.includes('inf-1'));
      sim.faults.forceGone = true;
      sim.faults.dropWatches({ graceful: true });
      await new Promise((r) => setTimeout(r, 100));
      sim.faults.forceGone = false;
      await raw(sim, cms, { method: 'POST', body: cm('inf-2') });
      await eventually(() => added, (a) => a.includes('inf-2'), 8000);
      expect(lists).toBe(2); // the 410 made it list again
    } finally {
      await informer.stop();
    }
  });
});

describe('faults', () => {
  test('errorRate 1 answers every request with the chosen status; latency delays answers', async () => {
    sim.faults.errorRate = 1;
    sim.faults.errorStatus = 503;
    try {
      const r = await raw(sim, '/api/v1/nodes');
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
      sim.faults.errorStatus = 429;
      const t = await raw(sim, '/api/v1/nodes');
      expect(t.status).toBe(429);
      expect(t.headers['retry-after']).toBe('1');
      sim.faults.errorStatus = 500;
      expect((await raw(sim, '/api/v1/nodes')).json.reason).toBe('InternalError');
    } finally {
      sim.faults.errorRate = 0;
    }
    sim.faults.latencyMs = 300;
    try {
      const t0 = Date.now();
      expect((await raw(sim, '/api/v1/nodes')).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    } finally {
      sim.faults.latencyMs = 0;
    }
  });

  test('dropWatches closes open watch streams', async () => {
    const p = watchEvents(sim, '/api/v1/pods?watch=true', () => false, 5000);
    await eventually(async () => (await raw(sim, '/_sim/faults')).json.openWatches, (n) => n >= 1);
    sim.faults.dropWatches();
    const t0 = Date.now();
    const res = await p;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(res.events.length).toBeGreaterThan(0);
  });

  test('the control endpoint sets faults with the full token only', async () => {
    const set = await raw(sim, '/_sim/faults', { method: 'POST', body: { errorRate: 1, errorStatus: 429 } });
    expect(set.json).toMatchObject({ errorRate: 1, errorStatus: 429, latencyMs: 0, forceGone: false });
    expect((await raw(sim, '/api/v1/nodes')).status).toBe(429);
    // The control endpoint itself is exempt, so it can turn faults off again.
    expect((await raw(sim, '/_sim/reset', { method: 'POST' })).json.errorRate).toBe(0);
    expect((await raw(sim, '/api/v1/nodes')).status).toBe(200);
    expect((await raw(sim, '/_sim/faults', { token: sim.readOnlyToken })).status).toBe(403);
    expect((await raw(sim, '/_sim/faults', { token: 'nope' })).status).toBe(401);
  });

  test('raceNextUpdates: another writer lands first, so the next update with the resourceVersion read gets 409', async () => {
    const created = await raw(sim, cms, { method: 'POST', body: cm('raced') });
    const rv = created.json.metadata.resourceVersion;
    const set = await raw(sim, '/_sim/faults', { method: 'POST', body: { raceNextUpdates: { resource: 'configmaps', namespace: 'research', name: 'raced', count: 1 } } });
    expect(set.json.races).toEqual([{ resource: 'configmaps', namespace: 'research', name: 'raced', remaining: 1 }]);
    const put = (body: unknown) => raw(sim, `${cms}/raced`, { method: 'PUT', body });
    const lost = await put({ metadata: { name: 'raced', resourceVersion: rv }, data: { k: 'mine' } });
    expect(lost.status).toBe(409);
    expect(lost.json).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    const now = (await raw(sim, `${cms}/raced`)).json;
    expect(Number(now.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    expect(now.data).toEqual({ k: 'v' });
    // Armed once: the update redone on a fresh read goes through.
    expect((await put({ ...now, data: { k: 'mine' } })).status).toBe(200);
    expect((await raw(sim, '/_sim/faults')).json.races).toEqual([]);
    // Without a resourceVersion an update is unconditional, as on a real API server.
    sim.faults.raceNextUpdates({ resource: 'configmaps', namespace: 'research', name: 'raced' });
    expect((await put({ metadata: { name: 'raced' }, data: { k: 'last' } })).status).toBe(200);
  });
});

describe('stop and start', () => {
  const refused = (port: number) => new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(true));
  });

  test('stop refuses connections and keeps state; start listens on the same port', async () => {
    await raw(sim, cms, { method: 'POST', body: cm('survives') });
    const port = sim.port;
    await sim.stop();
    expect(await refused(port)).toBe(true);
    await sim.start();
    expect(sim.port).toBe(port);
    const r = await raw(sim, `${cms}/survives`);
    expect(r.status).toBe(200);
  });

  test('POST /_sim/restart goes down and comes back', async () => {
    const r = await raw(sim, '/_sim/restart', { method: 'POST', body: { downMs: 300 } });
    expect(r.status).toBe(202);
    await eventually(() => refused(sim.port), (x) => x, 2000, 10);
    await eventually(async () => (await raw(sim, '/version').catch(() => ({ status: 0 }))).status, (s) => s === 200, 3000);
  });
});
