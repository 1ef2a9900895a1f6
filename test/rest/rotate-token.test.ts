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
