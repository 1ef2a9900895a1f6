// Answers of the simulated API server that clients rely on, driven by raw HTTPS requests:
// fieldValidation (Warn by default, Strict, Ignore), DeleteOptions validation, and events
// expiring as the API server's --event-ttl makes them.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubeSim, type KubeSim } from './kube/server.ts';
import { eventually, raw } from './kube/testing.ts';

let sim: KubeSim;

beforeAll(async () => {
  sim = await startKubeSim({ readyDelayMs: 50, quiet: true, eventTtlMs: 400, maxEvents: 50 });
});
afterAll(async () => {
  await sim?.close();
});

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' }, dta: { typo: 'x' } });

describe('fieldValidation', () => {
  // apiserver pkg/endpoints/handlers (fieldValidation): Warn is the default since 1.27.
  test('an unknown field is a Warning header by default, a 400 with Strict, silent with Ignore', async () => {
    const warn = await raw(sim, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: cm('fv-warn') });
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"dta\\""');
    const strict = await raw(sim, '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { method: 'POST', body: cm('fv-strict') });
    expect(strict.status).toBe(400);
    expect(strict.json.message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "dta"');
    const ignore = await raw(sim, '/api/v1/namespaces/default/configmaps?fieldValidation=Ignore', { method: 'POST', body: cm('fv-ignore') });
    expect(ignore.status).toBe(201);
    expect(ignore.headers.warning).toBeUndefined();
    const bad = await raw(sim, '/api/v1/namespaces/default/configmaps?fieldValidation=Loose', { method: 'POST', body: cm('fv-bad') });
    expect(bad.status).toBe(400);
  });
});

describe('DeleteOptions', () => {
  // apimachinery pkg/apis/meta/v1/validation (ValidateDeleteOptions).
  test('an unknown propagationPolicy, or one with orphanDependents, is a 422 naming the field', async () => {
    const r = await raw(sim, '/api/v1/namespaces/default/configmaps/fv-warn?propagationPolicy=Sometimes', { method: 'DELETE' });
    expect(r.status).toBe(422);
    expect(r.json.message).toContain('propagationPolicy: Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan", "nil"');
    const both = await raw(sim, '/api/v1/namespaces/default/configmaps/fv-warn', { method: 'DELETE', body: { propagationPolicy: 'Orphan', orphanDependents: true } });
    expect(both.status).toBe(422);
    expect((await raw(sim, '/api/v1/namespaces/default/configmaps/fv-warn')).status).toBe(200);
  });
});

describe('events', () => {
  test('expire after the event TTL', async () => {
    const c = await raw(sim, '/api/v1/namespaces/research/pods', { method: 'POST', body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ttl-pod' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27.3' }] } } });
    expect(c.status).toBe(201);
    const sel = '/api/v1/namespaces/research/events?fieldSelector=involvedObject.name%3Dttl-pod';
    await eventually(async () => (await raw(sim, sel)).json.items.length, (n) => n >= 4);
    await new Promise((r) => setTimeout(r, 500));
    // The next event written (another pod's) lets the recorder expire the old ones.
    await raw(sim, '/api/v1/namespaces/research/pods', { method: 'POST', body: {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ttl-pod-2' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27.3' }] } } });
    await eventually(async () => (await raw(sim, sel)).json.items.length, (n) => n === 0, 3000);
    const v1 = await raw(sim, '/apis/events.k8s.io/v1/namespaces/research/events?fieldSelector=regarding.name%3Dttl-pod');
    expect(v1.json.items).toHaveLength(0);
  });
});
