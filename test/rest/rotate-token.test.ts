// `serve --rotate-token`: the kept token is replaced before the server starts; the old one
// opens nothing, the new one does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../sim/index.ts';
import { call } from './helpers.ts';
import { startServe } from './serve-process.ts';

let sim: SimCluster;
let dir: string;
beforeAll(async () => {
  sim = await startSimCluster({ quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'kmm-rotate-'));
  writeFileSync(join(dir, 'kubeconfig'), sim.kube.kubeconfig());
});
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const keptToken = () => (JSON.parse(readFileSync(join(dir, 'config', 'config.json'), 'utf8')) as { restToken: string }).restToken;
const args = () => ['--kubeconfig', join(dir, 'kubeconfig'), '--config-dir', join(dir, 'config')];

it('replaces the kept token; the old one gets 401, the new one works', async () => {
  const first = await startServe(args());
  const old = keptToken();
  expect((await call(first.port, { path: '/api/deployments', headers: { authorization: `Bearer ${old}` } })).status).toBe(200);
  await first.kill();

  const second = await startServe([...args(), '--rotate-token']);
  try {
    const fresh = keptToken();
    expect(fresh).not.toBe(old);
    expect(second.output()).toContain('[APP] REST token rotated');
    expect(second.output()).not.toContain(fresh);
    expect((await call(second.port, { path: '/api/deployments', headers: { authorization: `Bearer ${old}` } })).status).toBe(401);
    expect((await call(second.port, { path: '/api/deployments', headers: { authorization: `Bearer ${fresh}` } })).status).toBe(200);
  } finally {
    await second.kill();
  }
});

it('rotates from Settings (POST /api/settings/rotate-token) at once: the answer has the new token, the old one and its sessions stop', async () => {
  const serve = await startServe(args());
  try {
    const old = keptToken();
    const login = await call(serve.port, { path: `${serve.url.pathname}${serve.url.search}` });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await call(serve.port, { path: '/api/deployments', headers: { cookie } })).status).toBe(200);
    const r = await call(serve.port, { method: 'POST', path: '/api/settings/rotate-token', headers: { authorization: `Bearer ${old}` } });
    expect(r.status).toBe(200);
    expect(r.json.token).toBe(keptToken());
    expect(r.json.token).not.toBe(old);
    // No restart: the running server takes the new one for the very next request.
    expect((await call(serve.port, { path: '/api/deployments', headers: { authorization: `Bearer ${old}` } })).status).toBe(401);
    expect((await call(serve.port, { path: '/api/deployments', headers: { cookie } })).status).toBe(401);
    expect((await call(serve.port, { path: '/api/deployments', headers: { authorization: `Bearer ${r.json.token}` } })).status).toBe(200);
    expect(serve.output()).not.toContain(r.json.token);
  } finally {
    await serve.kill();
  }
});

it('refuses to rotate a token that MODEL_MANAGER_TOKEN sets, with 409', async () => {
  const serve = await startServe(args(), { MODEL_MANAGER_TOKEN: 'env-token-5f4e3d2c1b0a99887766' });
  try {
    const r = await call(serve.port, { method: 'POST', path: '/api/settings/rotate-token', headers: { authorization: 'Bearer env-token-5f4e3d2c1b0a99887766' } });
    expect(r.status).toBe(409);
    expect(r.json.error).toMatch(/MODEL_MANAGER_TOKEN/);
  } finally {
    await serve.kill();
  }
});
